"""``stodbot kb import``: a question/answer list (as exported from Excel) into articles.

Pure: it takes a header and rows (or the bytes of a CSV file) and returns the
articles it could make and, in Swedish, what it could not map. Reading XLSX and
writing files is the adapter's job.

Rows are numbered as in the spreadsheet: the header is row 1.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

import yaml

# Default column names, matched case-insensitively; the first one found wins.
DEFAULT_COLUMNS: dict[str, tuple[str, ...]] = {
    "question": ("fråga", "frågor", "question", "questions", "fraga"),
    "answer": ("svar", "answer", "answers"),
    "area": ("område", "omrade", "area", "stödfunktion", "avdelning"),
    "id": ("id", "artikel-id", "artikelid", "article id", "article_id"),
    "title": ("rubrik", "titel", "title"),
}
MAX_SLUG = 50


class ImportFailed(ValueError):
    """The file cannot be imported at all (a required column is missing, no rows)."""


@dataclass(frozen=True)
class ImportProblem:
    row: int | None  # spreadsheet row (header = 1), None for the whole file
    message: str  # Swedish, for the editor
    unknown_area: bool = False  # the row's area is not in the organisation file

    def __str__(self) -> str:
        return f"rad {self.row}: {self.message}" if self.row is not None else self.message


@dataclass(frozen=True)
class ImportedArticle:
    id: str
    area: str
    title: str
    questions: tuple[str, ...]
    answer: str
    rows: tuple[int, ...]
    reviewed: date | None = None  # when the list it came from was last reviewed

    def to_markdown(self) -> str:
        meta: dict[str, object] = {
            "id": self.id,
            "area": self.area,
            "title": self.title,
            "questions": list(self.questions),
        }
        if self.reviewed is not None:
            meta["reviewed"] = self.reviewed
        front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=1000)
        return f"---\n{front}---\n{self.answer}\n"


@dataclass(frozen=True)
class ImportResult:
    articles: tuple[ImportedArticle, ...]
    problems: tuple[ImportProblem, ...]
    columns: Mapping[str, str] = field(default_factory=dict)  # role -> header as written


_FOLD = str.maketrans({"ø": "o", "æ": "ae", "ß": "ss", "đ": "d", "ł": "l"})


def slugify(text: str) -> str:
    """Lowercase a–z, 0–9 and hyphens; å/ä/ö become a/a/o. Empty for no letters."""
    text = unicodedata.normalize("NFKD", text.casefold().translate(_FOLD))
    text = "".join(c for c in text if not unicodedata.combining(c))
    slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    if len(slug) > MAX_SLUG:
        cut = slug[:MAX_SLUG]
        slug = cut.rsplit("-", 1)[0] if "-" in cut else cut
    return slug


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM) if it is valid UTF-8, else Windows-1252 (Excel's "CSV").
    A UTF-8 file with a few broken bytes stays UTF-8 (the broken ones become U+FFFD):
    read as Windows-1252, every å in it would turn into "Ã¥"."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    lenient = data.decode("utf-8-sig", errors="replace")
    broken = lenient.count("\ufffd")
    multibyte = sum(1 for ch in lenient if ord(ch) > 0x7F and ch != "\ufffd")
    if multibyte > broken:  # mostly valid UTF-8 text, with some damage
        return lenient
    return data.decode("cp1252", errors="replace")


def read_csv(data: bytes) -> list[list[str]]:
    """Rows of a CSV file; the separator (``;``, ``,`` or tab) is sniffed from the header."""
    text = decode(data)
    first = next((line for line in text.splitlines() if line.strip()), "")
    # the header names hold no separators, so the most frequent one there is it
    delimiter = max((";", "\t", ","), key=first.count)
    return [list(row) for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]


def _cell(row: Sequence[object], index: int | None) -> str:
    if index is None or index >= len(row) or row[index] is None:
        return ""
    value = row[index]
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).replace("\r\n", "\n").replace("\r", "\n").strip()


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _find_columns(header: Sequence[object], chosen: Mapping[str, str | None]) -> dict[str, int]:
    names = [_one_line(str(h or "")).casefold() for h in header]
    found: dict[str, int] = {}
    for role, defaults in DEFAULT_COLUMNS.items():
        wanted = chosen.get(role)
        if wanted:
            key = _one_line(wanted).casefold()
            if key not in names:
                shown = ", ".join(str(h) for h in header if str(h or "").strip())
                raise ImportFailed(f"hittar inte kolumnen '{wanted}' (kolumnerna är: {shown})")
            found[role] = names.index(key)
            continue
        for name in defaults:
            if name in names:
                found[role] = names.index(name)
                break
    return found


@dataclass
class _Group:
    key: str
    area: str
    rows: list[int] = field(default_factory=list)
    questions: list[tuple[int, str]] = field(default_factory=list)
    answer: str = ""
    answer_row: int = 0
    title: str = ""
    raw_id: str = ""


def _default_key(question: str) -> str:
    return " ".join(re.findall(r"\w+", question.casefold()))


def import_rows(
    header: Sequence[object],
    rows: Sequence[Sequence[object]],
    *,
    columns: Mapping[str, str | None] | None = None,
    default_area: str | None = None,
    areas: Mapping[str, str] | None = None,
    existing_ids: Collection[str] = (),
    existing_questions: Mapping[str, str] | None = None,
    question_key: Callable[[str], str] = _default_key,
) -> ImportResult:
    """Map rows to articles.

    ``columns`` names the header of a role (question, answer, area, id, title) where
    the defaults do not fit. ``areas`` is the organisation's area ids -> names; with it,
    areas are matched by id or name (case-insensitively) and unknown ones go to
    ``default_area`` or are skipped. ``existing_ids`` and ``existing_questions``
    (key -> article id) come from articles already in the base. ``question_key`` is
    how two questions are told to be the same (lint's normalisation, by default
    lowercased words)."""
    found = _find_columns(header, columns or {})
    for role, label in (("question", "fråga"), ("answer", "svar")):
        if role not in found:
            raise ImportFailed(
                f"ingen kolumn för {label}: ange --{role}-column "
                f"(kolumnerna är: {', '.join(str(h) for h in header if str(h or '').strip())})"
            )
    if "area" not in found and not default_area:
        raise ImportFailed("ingen kolumn för område: ange --area-column eller --area OMRÅDE")
    by_name: dict[str, str] = {}
    if areas is not None:
        for area_id, name in areas.items():
            by_name[area_id.casefold()] = area_id
            by_name[_one_line(name).casefold()] = area_id
            by_name.setdefault(slugify(name), area_id)
        # "IT-drift (tillsammans med grannkommunerna)" is written "IT-drift"; a short
        # name two areas share ("IT (drift)", "IT (utveckling)") names neither
        shorts: dict[str, set[str]] = {}
        for area_id, name in areas.items():
            short = re.sub(r"\s*\([^)]*\)", " ", _one_line(name)).strip()
            for key in {short.casefold(), slugify(short)} - {""}:
                shorts.setdefault(key, set()).add(area_id)
        for key, owners in shorts.items():
            if len(owners) == 1:
                by_name.setdefault(key, next(iter(owners)))
    if default_area and areas is None:
        default_area = slugify(default_area) or None
    elif default_area and areas is not None and default_area not in areas:
        default_area = by_name.get(default_area.casefold())
        if default_area is None:
            raise ImportFailed("--area är inget område i organisationsfilen")

    problems: list[ImportProblem] = []
    groups: dict[str, _Group] = {}
    use_id = "id" in found
    for n, row in enumerate(rows, start=2):
        question = _one_line(_cell(row, found["question"]))
        answer = _cell(row, found["answer"])
        raw_area = _cell(row, found.get("area"))
        raw_id = _cell(row, found.get("id"))
        title = _one_line(_cell(row, found.get("title")))
        if not any(_cell(row, i) for i in range(len(row))):
            continue  # an empty row
        if not question:
            problems.append(ImportProblem(n, "saknar fråga – hoppades över"))
            continue
        group_key = slugify(raw_id) if use_id and raw_id else ""
        if not answer and not group_key:
            problems.append(ImportProblem(n, f"saknar svar – hoppades över: {question!r}"))
            continue
        # the area
        area: str | None
        if not raw_area:
            area = default_area
            if area is None:
                problems.append(ImportProblem(n, "saknar område – hoppades över"))
                continue
        elif areas is not None:
            area = by_name.get(_one_line(raw_area).casefold()) or by_name.get(slugify(raw_area))
            if area is None and default_area:
                problems.append(
                    ImportProblem(n, f"okänt område '{raw_area}' – lades i '{default_area}'", True)
                )
                area = default_area
            elif area is None:
                problems.append(
                    ImportProblem(n, f"okänt område '{raw_area}' – hoppades över", True)
                )
                continue
        else:
            area = slugify(raw_area)
            if not area:
                problems.append(ImportProblem(n, f"ogiltigt område '{raw_area}' – hoppades över"))
                continue
        if not group_key:
            group_key = "\0" + (answer if not use_id else f"row{n}")
        group = groups.get(group_key)
        if group is None:
            group = groups[group_key] = _Group(group_key, area, raw_id=raw_id)
        elif group.area != area:
            problems.append(
                ImportProblem(
                    n,
                    f"annat område ('{area}') än rad {group.rows[0]} för samma artikel – "
                    f"'{group.area}' används",
                )
            )
        group.rows.append(n)
        group.questions.append((n, question))
        if title and not group.title:
            group.title = title
        if answer:
            if not group.answer:
                group.answer, group.answer_row = answer, n
            elif answer != group.answer:
                problems.append(
                    ImportProblem(
                        n,
                        f"annat svar än rad {group.answer_row} för id '{raw_id}' – "
                        f"svaret på rad {group.answer_row} används",
                    )
                )

    articles: list[ImportedArticle] = []
    taken = set(existing_ids)
    seen: dict[str, tuple[int, str]] = {k: (0, v) for k, v in (existing_questions or {}).items()}
    for group in groups.values():
        if not group.answer:
            problems.append(
                ImportProblem(
                    group.rows[0],
                    f"inget svar för id '{group.raw_id}' (rad "
                    f"{', '.join(map(str, group.rows))}) – hoppades över",
                )
            )
            continue
        base = slugify(group.raw_id) if group.raw_id else slugify(group.questions[0][1])
        base = base or "artikel"
        if not base.startswith(group.area + "-"):
            base = f"{group.area}-{base}"
        article_id, i = base, 2
        while article_id in taken:
            article_id, i = f"{base}-{i}", i + 1
        questions: list[str] = []
        for n, question in group.questions:
            key = question_key(question)
            if not key:
                problems.append(
                    ImportProblem(n, f"frågan har inga innehållsord – hoppades över: {question!r}")
                )
                continue
            if key in seen:
                first, other = seen[key]
                where = f"rad {first}" if first else "en befintlig artikel"
                if other == article_id:
                    problems.append(
                        ImportProblem(n, f"samma fråga som {where} – togs bara med en gång")
                    )
                else:
                    problems.append(
                        ImportProblem(
                            n,
                            f"samma fråga som {where} (artikel '{other}') – "
                            f"hoppades över: {question!r}",
                        )
                    )
                continue
            seen[key] = (n, article_id)
            questions.append(question)
        if not questions:
            problems.append(
                ImportProblem(group.rows[0], "inga frågor kvar för artikeln – hoppades över")
            )
            continue
        taken.add(article_id)
        articles.append(
            ImportedArticle(
                id=article_id,
                area=group.area,
                title=group.title or questions[0],
                questions=tuple(questions),
                answer=group.answer,
                rows=tuple(group.rows),
            )
        )
    problems.sort(key=lambda p: p.row or 0)
    shown = {role: str(header[i]) for role, i in found.items()}
    return ImportResult(tuple(articles), tuple(problems), shown)
