"""Writing an accepted phrasing into its article file (issue 13).

The file is the base: an editor reads it, git diffs it, the loader parses it. So the
phrasing goes in as one more line of the front matter's ``questions:`` list, in the
file's own style, and nothing else in the file changes. The new file is parsed before
it replaces the old one (atomically; the temporary file does not end in .md, so no
loader reads it meanwhile); a file this cannot edit safely (a flow-style list, no
front matter) is left alone with a message saying what to do.
"""

from __future__ import annotations

import json
import os
import re
import stat
import tempfile
from pathlib import Path

import yaml

from knowledge.loader import ParsedArticle, Problem, parse_article

_ITEM = re.compile(r"^(\s*)-\s")
_KEY = re.compile(r"^[A-Za-z_][\w-]*\s*:")
_PLAIN = re.compile(r"[\wåäöÅÄÖéÉüÜ][\w åäöÅÄÖéÉüÜ,.?!()/%-]*")
# What YAML refuses raw in a file, or reads as a line break, and JSON leaves raw: DEL,
# C1 controls, U+2028/2029, U+FFFE/FFFF (a lone surrogate stays: it cannot be written).
_RAW = re.compile("[\x7f-\x9f\u2028\u2029\ufffe\uffff]")
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # as the loader reads it


class PhrasingError(ValueError):
    """The phrasing could not be written; the message says why, in Swedish."""


def find_article_file(articles_dir: Path, article_id: str) -> Path:
    for path in sorted(articles_dir.rglob("*.md")):
        if path.name.lower() == "readme.md":
            continue
        parsed = parse_article(path)
        if isinstance(parsed, ParsedArticle) and parsed.article.id == article_id:
            return path
    raise PhrasingError(f"Artikeln {article_id} finns inte under {articles_dir}.")


def _quoted(text: str) -> str:
    """A YAML scalar for ``text``: plain when that reads back the same, else quoted
    (JSON's double-quoted string is valid YAML; what YAML cannot hold raw, escaped)."""
    plain = text.strip()
    if _PLAIN.fullmatch(plain) and ": " not in plain and _reads_back(plain, plain):
        return plain  # not "null", "yes", "0x10": YAML reads those as no string
    return _RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(plain, ensure_ascii=False))


def _reads_back(scalar: str, text: str) -> bool:
    try:
        return bool(yaml.load(f"- {scalar}\n", Loader=_Loader) == [text])
    except yaml.YAMLError:
        return False


def with_phrasing(text: str, phrasing: str) -> str:
    """``text`` (an article file) with ``phrasing`` added to its ``questions:`` list."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        raise PhrasingError("Filen har inget huvud (---) att lägga frågan i.")
    end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
    if end is None:
        raise PhrasingError("Filens huvud slutar aldrig (---).")
    newline = "\r\n" if lines[0].endswith("\r\n") else "\n"
    key = next((i for i in range(1, end) if re.match(r"^questions\s*:", lines[i])), None)
    if key is None:  # no list yet: start one before the end of the front matter
        new = [f"questions:{newline}", f"  - {_quoted(phrasing)}{newline}"]
        return "".join([*lines[:end], *new, *lines[end:]])
    value = lines[key].split(":", 1)[1].strip()
    if value and not value.startswith("#"):  # "questions: # vanliga" is a block list
        raise PhrasingError(
            "Listan questions: står på en rad ([…]); skriv den som en lista med ett - "
            "per rad, så kan frågor läggas till."
        )
    last, indent = key, "  "
    for i in range(key + 1, end):
        item = _ITEM.match(lines[i])
        if item:
            last, indent = i, item.group(1)
        elif lines[i].strip() and (_KEY.match(lines[i]) or not lines[i][:1].isspace()):
            break
        elif lines[i].strip():
            last = i  # a continuation of the item above
    line = f"{indent}- {_quoted(phrasing)}{newline}"
    return "".join([*lines[: last + 1], line, *lines[last + 1 :]])


def add_phrasing(articles_dir: Path, article_id: str, phrasing: str) -> Path:
    """Write ``phrasing`` into ``article_id``'s file under ``articles_dir``."""
    return write_phrasing(find_article_file(articles_dir, article_id), article_id, phrasing)


def write_phrasing(path: Path, article_id: str, phrasing: str) -> Path:
    """Write ``phrasing`` into ``path``, the file of ``article_id``; the file written.
    Raises ``PhrasingError`` and leaves the file as it was when it cannot."""
    try:
        return _write(path, article_id, phrasing)
    except (OSError, UnicodeError) as exc:  # gone, not UTF-8, not writable
        raise PhrasingError(
            f"{path.name} gick inte att läsa eller skriva ({type(exc).__name__})."
        ) from exc


def _write(path: Path, article_id: str, phrasing: str) -> Path:
    parsed = parse_article(path)
    if isinstance(parsed, ParsedArticle) and parsed.article.id != article_id:
        raise PhrasingError(f"{path.name} är nu artikeln {parsed.article.id}, inte {article_id}.")
    if isinstance(parsed, ParsedArticle) and phrasing.strip() in parsed.article.questions:
        return path  # there already (written before a commit that failed): not twice
    with open(path, encoding="utf-8", newline="") as file:  # CRLF stays CRLF
        old = file.read()
    new = with_phrasing(old, phrasing)
    fd, tmp = tempfile.mkstemp(prefix=".phrasing-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            out.write(new)
        os.chmod(tmp, stat.S_IMODE(path.stat().st_mode))  # mkstemp's 0600: no one else reads
        parsed = parse_article(Path(tmp))
        if (
            not isinstance(parsed, ParsedArticle)
            or parsed.article.id != article_id
            or phrasing.strip() not in parsed.article.questions
        ):
            why = parsed.message if isinstance(parsed, Problem) else "frågan kom inte med"
            raise PhrasingError(f"{path.name} gick inte att läsa efter ändringen: {why}")
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path
