"""``stodbot kb init`` and ``stodbot kb import``: files in, files out.

The mapping from rows to articles is ``knowledge.importer``; here the spreadsheet
is read (openpyxl only for XLSX, imported when needed) and the articles written."""

from __future__ import annotations

import argparse
import dataclasses
from collections import Counter
from collections.abc import Collection
from datetime import date
from pathlib import Path

from adapters.cli import scaffold
from bot.clean import clean_text
from knowledge.importer import ImportFailed, ImportResult, import_rows, read_csv
from knowledge.loader import OrganisationError, load_articles, load_organisation


class KbFileError(Exception):
    """A user error (printed by the CLI, exit 2)."""


def read_table(path: Path) -> tuple[list[object], list[list[object]]]:
    """The header and the rows of the first sheet of an XLSX file, or of a CSV file."""
    if not path.is_file():
        raise KbFileError(f"hittar inte filen {path}")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        try:
            book = load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # a broken or encrypted file: openpyxl raises many kinds
            raise KbFileError(f"{path}: kan inte läsa kalkylarket ({exc})") from exc
        try:
            sheet = book.worksheets[0]
            table: list[list[object]] = [list(r) for r in sheet.iter_rows(values_only=True)]
        finally:
            book.close()
    elif suffix == ".xls":
        raise KbFileError(f"{path}: spara filen som .xlsx eller .csv i Excel först")
    else:
        try:
            table = [list(r) for r in read_csv(path.read_bytes())]
        except OSError as exc:
            raise KbFileError(f"{path}: {exc}") from exc
    while table and not any(str(c or "").strip() for c in table[0]):
        table.pop(0)  # blank lines above the header
    if not table:
        raise KbFileError(f"{path}: filen är tom")
    return table[0], table[1:]


def kb_init(args: argparse.Namespace) -> int:
    root = Path(args.dir)
    if root.exists() and not root.is_dir():
        raise KbFileError(f"{root} finns redan och är ingen mapp")
    there = scaffold.existing(root)
    if there and not args.force:
        names = ", ".join(str(p) for p in there)
        raise KbFileError(f"skriver inte över befintliga filer ({names}); använd --force")
    written = scaffold.write(root)
    for path in written:
        print(f"skrev {path}")
    print(
        f"\nFyll i det som är markerat ÄNDRA i {root / 'organisation.yaml'} och läs "
        f"{root / 'README.md'}. Kontrollera sedan med:\n"
        f"  STODBOT_ARTICLES_DIR={root / 'articles'} "
        f"STODBOT_ORGANISATION_FILE={root / 'organisation.yaml'} stodbot kb lint"
    )
    return 0


def kb_import(args: argparse.Namespace) -> int:
    source = Path(args.file)
    out = Path(args.out)
    articles_dir = out / "articles"
    org_file = Path(args.organisation) if args.organisation else out / "organisation.yaml"
    areas: dict[str, str] | None = None
    if args.organisation or org_file.is_file():
        try:
            organisation = load_organisation(org_file)
        except OrganisationError as exc:
            raise KbFileError(str(exc)) from exc
        areas = {a.id: a.name for a in organisation.areas}
        print(f"områden från {org_file}")
    header, rows = read_table(source)
    # Boundary cleaning: what a spreadsheet cell may hold and an article must not (NUL,
    # other control characters, lone surrogates).
    header = [clean_text(h) if isinstance(h, str) else h for h in header]
    rows = [[clean_text(c) if isinstance(c, str) else c for c in row] for row in rows]

    from knowledge.normalise import Analyzer

    analyzer = Analyzer([])

    def key(question: str) -> str:  # as kb lint tells two questions apart
        return " ".join(analyzer.surface(question))

    existing: list[tuple[str, tuple[str, ...]]] = []  # (id, questions) already in the base
    if articles_dir.is_dir():
        existing = [(a.id, a.questions) for a in load_articles(articles_dir).articles]

    def mapped(skip: Collection[str] = ()) -> ImportResult:
        ids = {i for i, _ in existing if i not in skip}
        questions: dict[str, str] = {}
        for article_id, qs in existing:
            if article_id not in skip:
                for q in qs:
                    questions.setdefault(key(q), article_id)
        return import_rows(
            header,
            rows,
            columns={
                "question": args.question_column,
                "answer": args.answer_column,
                "area": args.area_column,
                "id": args.id_column,
                "title": args.title_column,
            },
            default_area=args.area,
            areas=areas,
            existing_ids=ids,
            existing_questions=questions,
            question_key=key,
        )

    try:
        if args.force:  # the articles this file maps to are replaced, not compared with
            result = mapped(skip={a.id for a in mapped(skip={i for i, _ in existing}).articles})
        else:
            result = mapped()
    except ImportFailed as exc:
        raise KbFileError(f"{source}: {exc}") from exc
    articles = list(result.articles)
    if args.reviewed:
        try:
            reviewed = date.fromisoformat(args.reviewed)
        except ValueError as exc:
            raise KbFileError(f"--reviewed: {args.reviewed!r} är inget datum (ÅÅÅÅ-MM-DD)") from exc
        articles = [dataclasses.replace(a, reviewed=reviewed) for a in articles]
    targets = [(articles_dir / a.area / f"{a.id}.md", a) for a in articles]
    clash = [p for p, _ in targets if p.exists()]
    if clash and not args.force:
        raise KbFileError(
            f"skriver inte över befintliga artiklar ({', '.join(map(str, clash[:5]))}"
            f"{' …' if len(clash) > 5 else ''}); använd --force"
        )
    columns = ", ".join(f"{role}={name!r}" for role, name in result.columns.items())
    print(f"kolumner: {columns}")
    for problem in result.problems:
        print(f"{source}: {problem}")
    if areas and any(p.unknown_area for p in result.problems):
        known = ", ".join(f"{area_id} ({name})" for area_id, name in areas.items())
        print(f"områdena i organisationsfilen: {known} (ett område skrivs med id eller namn)")
    for path, article in targets:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(article.to_markdown(), encoding="utf-8")
    per_area = Counter(a.area for a in result.articles)
    phrasings = sum(len(a.questions) for a in result.articles)
    summary = ", ".join(f"{area} {n}" for area, n in sorted(per_area.items()))
    print(
        f"{len(result.articles)} artiklar med {phrasings} formuleringar skrivna i "
        f"{articles_dir}{f' ({summary})' if summary else ''}; "
        f"{len(result.problems)} anmärkningar."
    )
    if not result.articles:
        print("Inga artiklar skrevs.")
        return 1
    env = f"STODBOT_ARTICLES_DIR={articles_dir}"
    if areas is not None:
        env += f" STODBOT_ORGANISATION_FILE={org_file}"
    print(f"Kontrollera dem med: {env} stodbot kb lint")
    print(f"Se var banken är svag (vilka artiklar som förväxlas): {env} stodbot kb report")
    return 0
