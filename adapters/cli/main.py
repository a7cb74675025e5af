"""The ``stodbot`` command line."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from adapters.cli import audit as audit_cmd
from adapters.cli import (
    commands,
    inbox,
    kb_files,
    kb_report,
    kb_suggest,
    masking_cmd,
    retention,
    yearly,
)
from adapters.cli import records as records_cmd
from adapters.compose import AuditKeyError, DatabaseUnavailable
from bot import logmask


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="stodbot",
        description="Stödbot – service desk-bot för kommunens stödfunktioner.",
    )
    parser.add_argument("--lang", choices=("sv", "en"), help="språk för svaren / reply language")
    parser.add_argument("-v", "--verbose", action="store_true", help="visa loggning")
    sub = parser.add_subparsers(dest="command", required=True, metavar="KOMMANDO")

    ask = sub.add_parser("ask", help="ställ en fråga och se utfall, artikel och poäng")
    ask.add_argument("question", help="frågan, inom citattecken")
    ask.add_argument("--json", action="store_true", help="maskinläsbar utdata")
    ask.set_defaults(func=commands.ask)

    chat = sub.add_parser("chat", help="samtala med boten i terminalen")
    chat.add_argument(
        "--as", dest="user", default="cli-user", help="användar-id (standard: cli-user)"
    )
    chat.set_defaults(func=commands.chat)

    kb = sub.add_parser("kb", help="kunskapsbanken")
    kb_sub = kb.add_subparsers(dest="kb_command", required=True, metavar="KB-KOMMANDO")
    lint = kb_sub.add_parser("lint", help="granska artiklarna; fil och rad för varje fel")
    lint.add_argument("--strict", action="store_true", help="varningar räknas som fel")
    lint.set_defaults(func=commands.kb_lint)
    calibrate = kb_sub.add_parser(
        "calibrate", help="lär svarsmodellen när boten kan svara, ur artiklarnas formuleringar"
    )
    calibrate.add_argument(
        "--out",
        help="filen (standard: STODBOT_CALIBRATION_FILE eller calibration.json "
        "bredvid artikelmappen)",
    )
    calibrate.set_defaults(func=commands.kb_calibrate)
    kb_report.add_parser(kb_sub)
    kb_suggest.add_parser(kb_sub)
    init = kb_sub.add_parser("init", help="skapa en ny kunskapsbank att fylla i")
    init.add_argument("dir", metavar="MAPP", help="mappen som skapas")
    init.add_argument("--force", action="store_true", help="skriv över befintliga filer")
    init.set_defaults(func=kb_files.kb_init)
    imp = kb_sub.add_parser(
        "import", help="gör artiklar av en lista med frågor och svar (xlsx eller csv)"
    )
    imp.add_argument("file", metavar="FIL", help="kalkylarket (.xlsx) eller .csv")
    imp.add_argument("--out", required=True, metavar="MAPP", help="kunskapsbanken (MAPP/articles)")
    imp.add_argument("--question-column", metavar="NAMN", help="kolumnen med frågan (fråga)")
    imp.add_argument("--answer-column", metavar="NAMN", help="kolumnen med svaret (svar)")
    imp.add_argument("--area-column", metavar="NAMN", help="kolumnen med området (område)")
    imp.add_argument("--id-column", metavar="NAMN", help="kolumnen med artikel-id (id)")
    imp.add_argument("--title-column", metavar="NAMN", help="kolumnen med rubriken (rubrik)")
    imp.add_argument("--area", metavar="OMRÅDE", help="område för rader utan (känt) område")
    imp.add_argument(
        "--organisation",
        metavar="FIL",
        help="organisationsfilen vars områden gäller (standard: MAPP/organisation.yaml)",
    )
    imp.add_argument(
        "--reviewed",
        metavar="ÅÅÅÅ-MM-DD",
        help="när listan senast granskades: skrivs som artiklarnas reviewed-datum",
    )
    imp.add_argument("--force", action="store_true", help="skriv över befintliga artiklar")
    imp.set_defaults(func=kb_files.kb_import)

    serve = sub.add_parser("serve", help="kör boten i Matrix (och Teams) tills den stoppas")
    serve.set_defaults(func=commands.serve)

    package = sub.add_parser("teams-package", help="skriv Teams-appens paket (manifest + ikoner)")
    package.add_argument(
        "--out", default="stodbot-teams.zip", help="zip-filen (standard: %(default)s)"
    )
    package.add_argument("--app-id", help="Azure Bot-appens id (standard: STODBOT_TEAMS_APP_ID)")
    package.set_defaults(func=commands.teams_package)

    report = sub.add_parser("report", help="rapporter för ledningen")
    rep_sub = report.add_subparsers(dest="report_command", required=True, metavar="RAPPORT")
    weekly = rep_sub.add_parser("weekly", help="veckans efterfrågan per område")
    weekly.add_argument("--week", help="ISO-vecka, t.ex. 2026-W48 (standard: förra veckan)")
    weekly.add_argument("--as", dest="user", help="visa exempelfrågor för dina egna områden")
    weekly.add_argument(
        "--format",
        choices=("text", "csv", "xlsx", "png", "svg"),
        default="text",
        help="text (standard), csv, xlsx eller diagrammet som png/svg",
    )
    weekly.add_argument("--out", help="skriv till fil i stället för till skärmen")
    weekly.add_argument(
        "--post",
        action="store_true",
        help="posta sammanställningen i ledningens rum/kanal nu (en gång per vecka)",
    )
    weekly.set_defaults(func=commands.report_weekly)
    yearly.add_parser(rep_sub)

    sla = sub.add_parser("sla", help="servicenivåer")
    sla_sub = sla.add_subparsers(dest="sla_command", required=True, metavar="SLA-KOMMANDO")
    check = sla_sub.add_parser("check", help="eskalera ärenden som ingen tagit i tid")
    check.set_defaults(func=commands.sla_check)

    ret = sub.add_parser("retention", help="gallring enligt beslut")
    ret_sub = ret.add_subparsers(dest="retention_command", required=True, metavar="GALLRING")
    apply = ret_sub.add_parser(
        "apply", help="rensa det som skrivits och är äldre än områdets gallringsfrist"
    )
    apply.set_defaults(func=commands.retention_apply)
    retention.add_parser(ret_sub)

    audit = sub.add_parser("audit", help="granskningsloggen")
    audit_sub = audit.add_subparsers(dest="audit_command", required=True, metavar="GRANSKNING")
    verify = audit_sub.add_parser(
        "verify", help="kontrollera granskningsloggens hashkedja; exit 1 vid ändring"
    )
    verify.add_argument(
        "--anchor", help="RAD:HASH som en tidigare verify skrev ut: upptäcker borttagna slutrader"
    )
    verify.set_defaults(func=audit_cmd.audit_verify)
    inbox.add_parser(sub)
    records_cmd.add_parser(sub)

    ev = sub.add_parser("eval", help="mät matchningens kvalitet")
    ev_sub = ev.add_subparsers(dest="eval_command", required=True, metavar="MÄTNING")
    swefaq = ev_sub.add_parser("swefaq", help="SweFAQ-noggrannhet (JSON Lines)")
    swefaq.add_argument("file")
    swefaq.add_argument("--ablation", action="store_true", help="mät vad varje del tillför")
    swefaq.set_defaults(func=commands.eval_swefaq)
    questions = ev_sub.add_parser("questions", help="andel rätt, fel och avstått (CSV)")
    questions.add_argument("file", nargs="?", help="CSV (standard: exempelbasens frågor)")
    questions.add_argument("--show", action="store_true", help="visa frågorna som inte blev rätt")
    questions.add_argument("--ablation", action="store_true", help="mät vad varje del tillför")
    questions.set_defaults(func=commands.eval_questions)
    masking = ev_sub.add_parser("masking", help="maskeringens precision och recall per sort")
    masking.add_argument("file", nargs="?", help="märkt korpus (standard: den inbyggda)")
    masking.add_argument("--show", action="store_true", help="visa fel och missar")
    masking.set_defaults(func=masking_cmd.eval_masking)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    logmask.install()  # no personal data in the application log
    try:
        return int(args.func(args) or 0)
    except (commands.CliError, kb_files.KbFileError) as exc:
        print(f"stodbot: {exc}", file=sys.stderr)
        return 2
    except (DatabaseUnavailable, AuditKeyError) as exc:
        print(f"stodbot: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # e.g. piped into head
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
