"""Writing an accepted phrasing, or a new reviewed date, into its article file (issue 13).

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
from collections.abc import Callable
from datetime import date
from pathlib import Path

import yaml

from knowledge.loader import ParsedArticle, Problem, parse_article
from knowledge.model import Article

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


def _front_matter(text: str) -> tuple[list[str], int, str]:
    """The file's lines, the index of the line that ends its front matter, its newline."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        raise PhrasingError("Filen har inget huvud (---) att ändra.")
    end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
    if end is None:
        raise PhrasingError("Filens huvud slutar aldrig (---).")
    newline = "\r\n" if lines[0].endswith("\r\n") else "\n"
    return lines, end, newline


def with_phrasing(text: str, phrasing: str) -> str:
    """``text`` (an article file) with ``phrasing`` added to its ``questions:`` list."""
    lines, end, newline = _front_matter(text)
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


def with_reviewed(text: str, day: date) -> str:
    """``text`` (an article file) with its ``reviewed:`` date set to ``day``."""
    lines, end, newline = _front_matter(text)
    line = f"reviewed: {day.isoformat()}{newline}"
    key = next((i for i in range(1, end) if re.match(r"^reviewed\s*:", lines[i])), None)
    if key is None:
        return "".join([*lines[:end], line, *lines[end:]])
    comment = re.search(r"\s+#.*$", lines[key].rstrip("\r\n"))  # "# kb lint varnar …" stays
    if comment:
        line = f"reviewed: {day.isoformat()}{comment.group()}{newline}"
    return "".join([*lines[:key], line, *lines[key + 1 :]])


def add_phrasing(articles_dir: Path, article_id: str, phrasing: str) -> Path:
    """Write ``phrasing`` into ``article_id``'s file under ``articles_dir``."""
    return write_phrasing(find_article_file(articles_dir, article_id), article_id, phrasing)


def write_phrasing(path: Path, article_id: str, phrasing: str) -> Path:
    """Write ``phrasing`` into ``path``, the file of ``article_id``; the file written.
    Raises ``PhrasingError`` and leaves the file as it was when it cannot."""
    wanted = phrasing.strip()
    return _write(
        path,
        article_id,
        lambda text: with_phrasing(text, phrasing),
        lambda article: wanted in article.questions,
        "frågan kom inte med",
    )


def mark_reviewed(path: Path, article_id: str, day: date) -> Path:
    """Set the ``reviewed:`` date of ``article_id`` (in ``path``) to ``day``; as
    ``write_phrasing``, the file is parsed before it replaces the old one."""
    return _write(
        path,
        article_id,
        lambda text: with_reviewed(text, day),
        lambda article: article.reviewed == day,
        "datumet kom inte med",
    )


def _write(
    path: Path,
    article_id: str,
    change: Callable[[str], str],
    done: Callable[[Article], bool],
    missing: str,
) -> Path:
    try:
        parsed = parse_article(path)
        if isinstance(parsed, ParsedArticle) and parsed.article.id != article_id:
            raise PhrasingError(
                f"{path.name} är nu artikeln {parsed.article.id}, inte {article_id}."
            )
        if isinstance(parsed, ParsedArticle) and done(parsed.article):
            return path  # done already (written before a commit that failed): not twice
        with open(path, encoding="utf-8", newline="") as file:  # CRLF stays CRLF
            old = file.read()
        new = change(old)
        fd, tmp = tempfile.mkstemp(prefix=".phrasing-", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
                out.write(new)
            os.chmod(tmp, stat.S_IMODE(path.stat().st_mode))  # mkstemp's 0600: no one else reads
            parsed = parse_article(Path(tmp))
            if (
                not isinstance(parsed, ParsedArticle)
                or parsed.article.id != article_id
                or not done(parsed.article)
            ):
                why = parsed.message if isinstance(parsed, Problem) else missing
                raise PhrasingError(f"{path.name} gick inte att läsa efter ändringen: {why}")
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        return path
    except (OSError, UnicodeError) as exc:  # gone, not UTF-8, not writable
        raise PhrasingError(
            f"{path.name} gick inte att läsa eller skriva ({type(exc).__name__})."
        ) from exc
