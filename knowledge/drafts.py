"""Draft articles made from answered tickets (issue 13, ``publicera 42``).

A draft is an ordinary article file in the drafts folder (``STODBOT_DRAFTS_DIR``,
default ``drafts/`` beside the articles folder), one folder per area, so an editor
can open and change it like any article. It never enters the base on its own:
publishing moves it into the articles folder, after it has been parsed as the
loader will parse it; the running bot then reloads (``adapters.knowledge_watch``).
"""

from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml

from knowledge.loader import ParsedArticle, parse_article
from knowledge.model import Article

_NOT_SLUG = re.compile(r"[^a-z0-9]+")
_FOLD = str.maketrans({"å": "a", "ä": "a", "ö": "o", "é": "e", "ü": "u"})
MAX_TITLE = 80


class DraftError(ValueError):
    """The draft cannot be made, published or thrown away; the message says why."""


@dataclass(frozen=True)
class Draft:
    article: Article
    path: Path


def slug(text: str, limit: int = 40) -> str:
    folded = unicodedata.normalize("NFKC", text).casefold().translate(_FOLD)
    words = _NOT_SLUG.sub("-", folded).strip("-")
    return words[:limit].rstrip("-") or "artikel"


def suggested_title(question: str) -> str:
    """The question's first sentence, as a title: capitalised, without its question
    mark, at most 80 characters (cut at a word)."""
    first = re.split(r"(?<=[.?!])\s", " ".join(question.split()), maxsplit=1)[0]
    first = first.rstrip(" ?!.")
    if len(first) > MAX_TITLE:
        first = first[:MAX_TITLE].rsplit(" ", 1)[0]
    return (first[:1].upper() + first[1:]) or "Ny artikel"


def _atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".draft-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def write_draft(
    drafts_dir: Path,
    *,
    area: str,
    question: str,
    answer: str,
    owner: str | None,
    reviewed: date,
    taken: set[str],
) -> Draft:
    """A draft article from a ticket: the question as its first phrasing, the answer as
    its body, a suggested title and an id not in ``taken`` (the base's and the drafts')."""
    title = suggested_title(question)
    base_id = f"{area}-{slug(title)}"
    article_id, n = base_id, 2
    while article_id in taken:
        article_id, n = f"{base_id}-{n}", n + 1
    front: dict[str, object] = {
        "id": article_id,
        "area": area,
        "title": title,
        "questions": [" ".join(question.split())],
        "owner": owner or "",
        "reviewed": reviewed,
    }
    head = yaml.safe_dump(front, allow_unicode=True, sort_keys=False, width=1000)
    path = drafts_dir / area / f"{article_id}.md"
    _atomic_write(path, f"---\n{head}---\n{answer.strip()}\n")
    parsed = parse_article(path)
    if not isinstance(parsed, ParsedArticle):
        path.unlink()
        raise DraftError(f"utkastet gick inte att läsa: {parsed}")
    return Draft(parsed.article, path)


def drafts(drafts_dir: Path, areas: set[str] | None = None) -> list[Draft]:
    """The drafts that parse, oldest file first; of these areas only, when given."""
    if not drafts_dir.is_dir():
        return []
    found = []
    for path in drafts_dir.rglob("*.md"):
        parsed = parse_article(path)
        if isinstance(parsed, ParsedArticle) and (areas is None or parsed.article.area in areas):
            found.append((path.stat().st_mtime_ns, str(path), Draft(parsed.article, path)))
    return [d for _, _, d in sorted(found, key=lambda x: (x[0], x[1]))]


def find_draft(drafts_dir: Path, article_id: str) -> Draft:
    for draft in drafts(drafts_dir):
        if draft.article.id == article_id:
            return draft
    raise DraftError(f"det finns inget utkast {article_id}")


def publish(drafts_dir: Path, articles_dir: Path, article_id: str, known: set[str]) -> Path:
    """Move the draft into the articles folder (its area's folder); the new path."""
    draft = find_draft(drafts_dir, article_id)
    if article_id in known:
        raise DraftError(f"kunskapsbanken har redan en artikel {article_id}; byt id i utkastet")
    if not draft.article.answer.strip():
        raise DraftError("utkastet har ingen svarstext")
    target = articles_dir / draft.article.area / f"{article_id}.md"
    if target.exists():
        raise DraftError(f"{target.name} finns redan i artikelmappen")
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.replace(draft.path, target)  # one file system: nothing half-written is seen
    except OSError:  # another file system: a whole copy first, then the draft goes
        _atomic_write(target, draft.path.read_text(encoding="utf-8"))
        draft.path.unlink()
    return target


def discard(drafts_dir: Path, article_id: str) -> None:
    find_draft(drafts_dir, article_id).path.unlink()
