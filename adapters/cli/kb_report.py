"""``stodbot kb report``: where the knowledge base is weak, for its editors (text, XLSX)."""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

from knowledge.matcher import Matcher
from knowledge.normalise import Analyzer
from knowledge.quality import FEW_PHRASINGS, QualityReport, quality_report
from knowledge.synonyms import read_groups


def add_parser(kb_sub: Any) -> None:
    report = kb_sub.add_parser(
        "report", help="var kunskapsbanken är svag: artiklarnas egna formuleringar prövade"
    )
    report.add_argument("--xlsx", help="skriv också en arbetslista som XLSX-fil")
    report.add_argument("--top", type=int, default=15, help="rader per lista (standard 15)")
    report.set_defaults(func=kb_report)


def kb_report(args: argparse.Namespace) -> int:
    from adapters.cli.commands import _kb, _settings
    from adapters.compose import thresholds

    settings = _settings(args)
    kb = _kb(settings)
    groups = read_groups(settings.synonyms_file) if settings.synonyms_file else []
    semantic = kb.matcher.semantic.embeddings if kb.matcher.semantic else None
    started = time.perf_counter()

    def build(articles: Any) -> Matcher:
        return Matcher(
            articles,
            Analyzer(groups),
            calibration=kb.matcher.calibration,
            embeddings=semantic,
            shortcut=kb.matcher.shortcut,
        )

    report = quality_report(kb.articles, build, thresholds(settings))
    for line in render(report, args.top):
        print(line)
    print(f"({len(kb.articles)} artiklar, {time.perf_counter() - started:.0f} s)")
    if args.xlsx:
        write_xlsx(report, Path(args.xlsx))
        print(f"Skrev {args.xlsx}")
    return 0


def render(report: QualityReport, top: int) -> list[str]:
    lines = [
        "Förutsagt för frågor formulerade som artiklarnas egna (varje formulering prövad "
        f"mot resten av banken, {report.asked} frågor):",
        f"  besvaras rätt               {report.share('right'):6.1%}",
        f"  rätt artikel bland valen    {report.share('choice'):6.1%}",
        f"  besvaras fel                {report.share('wrong'):6.1%}",
        f"  skickas vidare              {report.share('routed'):6.1%}",
    ]
    untried = [a for a in report.articles if not a.asked]
    if untried:
        lines.append(
            f"  {len(untried)} av {len(report.articles)} artiklar har ingen formulering "
            "utöver rubriken och ingår inte: skriv fler formuleringar, med egna ord."
        )
    lines += [
        "Förutsagt för frågor utanför banken, som ändå besvaras:",
        f"  ett närliggande ämne som saknas {report.predicted_out_of_scope_answered:6.1%} "
        f"(av {report.out_of_scope_asked}: en sjättedel av artiklarna borttagen i taget, "
        "deras formuleringar prövade mot resten)",
        f"  vardagsfrågor                   {report.predicted_everyday_answered:6.1%} "
        f"(av {report.everyday_asked})",
        "Frågor om andra myndigheters ärenden hamnar oftast mellan de två.",
        "Verkliga frågor kan hamna en bra bit över eller under: här prövas varje formulering "
        "utan sig själv, och hur nära artikelns andra formuleringar riktiga frågor ligger "
        "vet bara frågorna. Jämför artiklar med varandra och banken med sig själv före och "
        "efter en ändring; mät med riktiga frågor (stodbot eval questions) innan ni lovar "
        "en siffra.",
        "",
        "Artiklar som hittas sämst (rätt av prövade, + bland valen, → kom först i stället):",
    ]
    weak = [a for a in report.articles if a.asked and a.right < a.asked][:top]
    for a in weak:
        taken = ", ".join(f"{b} ×{n}" for b, n in a.taken_for.most_common(3))
        found = f"{a.right}/{a.asked}" + (f" +{a.choice}" if a.choice else "")
        lines.append(f"  {a.id:<40} {found:<7}" + (f"  → {taken}" if taken else ""))
    if not weak:
        lines.append("  (inga)")
    lines += ["", "Artikelpar som tas för varandra: den andra kom först (gånger, gemensamma ord):"]
    for c in report.confusions[:top]:
        lines.append(f"  {c.asked} → {c.answered} ×{c.count}: {', '.join(c.words) or '–'}")
    if not report.confusions:
        lines.append("  (inga)")
    lines += [
        "",
        f"Artiklar med färre än {FEW_PHRASINGS} formuleringar (skriv fler, med egna ord):",
    ]
    lines += [f"  {a.id} ({a.phrasings})" for a in report.thin[:top]] or ["  (inga)"]
    lines += ["", "Formuleringar som säger samma sak två gånger (byt den ena mot en ny vinkel):"]
    lines += [f"  {i}: {p!r} ~ {q!r}" for i, p, q in report.same_phrasings[:top]] or ["  (inga)"]
    lines += ["", "Formuleringar av bara småord (kan aldrig matcha):"]
    lines += [f"  {i}: {p!r}" for i, p in report.stop_words_only[:top]] or ["  (inga)"]
    return lines


def write_xlsx(report: QualityReport, path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Artiklar"
    sheet.append(
        [
            "artikel",
            "rubrik",
            "formuleringar",
            "prövade",
            "rätt",
            "bland valen",
            "fel",
            "vidare",
            "förväxlas med",
        ]
    )
    for a in report.articles:
        taken = ", ".join(f"{b} ×{n}" for b, n in a.taken_for.most_common())
        sheet.append(
            [a.id, a.title, a.phrasings, a.asked, a.right, a.choice, a.wrong, a.routed, taken]
        )
    pairs = book.create_sheet("Förväxlingar")
    pairs.append(["frågad artikel", "besvarad med", "gånger", "gemensamma ord"])
    for c in report.confusions:
        pairs.append([c.asked, c.answered, c.count, ", ".join(c.words)])
    same = book.create_sheet("Lika formuleringar")
    same.append(["artikel", "formulering", "nästan samma som"])
    for row in report.same_phrasings:
        same.append(list(row))
    summary = book.create_sheet("Förutsägelse")
    for label, value in (
        ("prövade formuleringar", report.asked),
        ("besvaras rätt", round(report.share("right"), 3)),
        ("rätt artikel bland valen", round(report.share("choice"), 3)),
        ("besvaras fel", round(report.share("wrong"), 3)),
        ("skickas vidare", round(report.share("routed"), 3)),
        ("närliggande ämne som saknas, besvaras", round(report.predicted_out_of_scope_answered, 3)),
        ("vardagsfrågor som besvaras", round(report.predicted_everyday_answered, 3)),
    ):
        summary.append([label, value])
    book.save(path)
