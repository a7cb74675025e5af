"""``stodbot report yearly``: an area's yearly analysis in the terminal, or as the XLSX
and DOCX files the area lead brings to the yearly dialogue. The same sections
(``adapters.reports.yearly``) as the dashboard page, so the figures are equal."""

from __future__ import annotations

import argparse
import textwrap
from pathlib import Path

from adapters.cli.commands import CliError, _kb, _settings
from adapters.compose import conversation_service
from adapters.reports.yearly import Section, legend, sections, title
from bot.reports import NotAllowed, load_yearly
from knowledge.model import Organisation
from routing.calendar import STOCKHOLM
from routing.yearly import Yearly

WIDTH = 100


def add_parser(rep_sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    yearly = rep_sub.add_parser("yearly", help="ett områdes årsanalys, för årsdialogen")
    yearly.add_argument("--area", required=True, help="områdets id, t.ex. hr")
    yearly.add_argument("--year", type=int, help="år, t.ex. 2026 (standard: i år)")
    yearly.add_argument(
        "--format",
        choices=("text", "xlsx", "docx"),
        default="text",
        help="text (standard), xlsx eller docx (redigerbart dokument med diagram)",
    )
    yearly.add_argument("--out", help="fil att skriva (krävs för xlsx och docx)")
    yearly.add_argument(
        "--lead",
        action="store_true",
        help="områdesansvarigas version: med maskerade exempel och enkätens kommentarer",
    )
    yearly.add_argument("--as", dest="user", help="läs som den här användaren (åtkomstregler)")
    yearly.set_defaults(func=report_yearly)


def render_section(section: Section) -> list[str]:
    lines = [section.title, "-" * len(section.title)]
    if section.intro:
        lines += textwrap.wrap(section.intro, WIDTH)
    if not section.rows:
        return [*lines, f"  {section.empty}", ""]
    widths = [
        max(len(h), *(len(r[i]) for r in section.rows)) for i, h in enumerate(section.headers)
    ]
    widths = [min(w, 64) for w in widths]

    def line(cells: tuple[str, ...]) -> str:
        out = []
        for i, (cell, w) in enumerate(zip(cells, widths, strict=True)):
            cell = cell if len(cell) <= w else cell[: w - 1] + "…"
            out.append(cell.ljust(w) if i == 0 else cell.rjust(w))
        return "  " + "  ".join(out).rstrip()

    if any(section.headers):
        lines.append(line(section.headers))
    lines += [line(r) for r in section.rows]
    lines += [f"  {n}" for n in section.notes]
    return [*lines, ""]


def render_text(y: Yearly, org: Organisation) -> str:
    head = title(y, org)
    lines = [head, "=" * len(head), ""]
    for part in legend(y):
        lines += textwrap.wrap(part, WIDTH)
    lines.append("")
    for section in sections(y, org):
        if section.key == "om":  # long text: no table
            lines += ["Om området", "-" * 10]
            for label, value in section.rows:
                lines += textwrap.wrap(
                    f"{label}: {value}", WIDTH, initial_indent="  ", subsequent_indent="    "
                )
            lines.append("")
            continue
        lines += render_section(section)
    return "\n".join(lines)


def report_yearly(args: argparse.Namespace) -> int:
    settings = _settings(args)
    kb = _kb(settings)
    service = conversation_service(settings, kb)
    if kb.organisation.area(args.area) is None:
        known = ", ".join(a.id for a in kb.organisation.areas)
        raise CliError(f"okänt område '{args.area[:40]}' (finns: {known})")
    year = args.year if args.year is not None else service.clock().astimezone(STOCKHOLM).year
    if not 2000 <= year <= 2100:
        raise CliError(f"orimligt år: {year}")
    try:
        y = load_yearly(service, args.area, year, viewer=args.user, lead_version=args.lead)
    except NotAllowed:
        raise CliError(
            f"{args.user} får inte läsa årsanalysen för {args.area}: bara områdets "
            "ansvariga (lead_user) och ledningen"
        ) from None
    if args.format == "text":
        print(render_text(y, kb.organisation))
        return 0
    if not args.out:
        raise CliError(f"--format {args.format} behöver --out FIL")
    from adapters.reports import yearly_files

    data = (yearly_files.to_xlsx if args.format == "xlsx" else yearly_files.to_docx)(
        y, kb.organisation
    )
    Path(args.out).write_bytes(data)
    print(f"skrev {args.out}")
    return 0
