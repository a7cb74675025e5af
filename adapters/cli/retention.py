"""`stodbot retention plan`: a dry run of `retention apply`, per table and area, in
Swedish (or JSON). It reads counts only and writes nothing, not even to the audit log:
it shows no one's text, and the deletion it forecasts is audited when it happens."""

from __future__ import annotations

import argparse
import json
from collections import Counter
from datetime import datetime

from adapters.cli.commands import CliError, _kb, _settings
from adapters.compose import conversation_service
from bot.jobs import RetentionRefused
from bot.jobs import retention_plan as retention_plan_of
from routing.calendar import STOCKHOLM
from routing.retention import DEFAULT, SHARED, Cutoffs, Due

COLUMNS = {
    "questions.text": "frågor (frågetexten)",
    "tickets.question": "avslutade ärenden (frågan)",
    "ticket_events.text": "avslutade ärenden (svar, anteckningar, kompletteringar)",
    "suggestions.text": "förslag på formuleringar",
    "survey_answers.improve": "enkätsvar (fritext)",
    "inbox.payload": "inkomna händelser (hanterade, töms)",
    "inbox.unprocessed": "inkomna händelser (aldrig hanterade, raderas)",
    "outbox.payload": "skickade meddelanden (töms)",
    "outbox.unsent": "oskickade meddelanden (raderas)",
    "conversation_states": "samtalens minne (raderas)",
}
_MONTHS = ("jan", "feb", "mars", "apr", "maj", "juni", "juli", "aug", "sep", "okt", "nov", "dec")


def swedish_date(value: datetime) -> str:
    local = value.astimezone(STOCKHOLM)
    return f"{local.day} {_MONTHS[local.month - 1]} {local.year}"


def _rows(n: int) -> str:
    return "1 rad" if n == 1 else f"{n} rader"


def _day(value: datetime) -> str:
    return value.astimezone(STOCKHOLM).date().isoformat()


def _area(due: Due) -> str:
    if due.group == SHARED:
        return "alla områden (delade tabeller)"
    return due.area or "utan område"


def as_json(plan: Cutoffs, dues: list[Due], horizon_days: int, now: datetime) -> str:
    return json.dumps(
        {
            "now": now.isoformat(),
            "horizon_days": horizon_days,
            "groups": [
                {"group": g.name, "days": g.days, "cutoff": g.cutoff.isoformat()} for g in plan.all
            ],
            "rows": [
                {
                    "column": d.column,
                    "area": d.area,
                    "group": d.group,
                    "days": d.days,
                    "now": d.now,
                    "upcoming": [
                        {"date": day, "rows": n}
                        for day, n in sorted(Counter(_day(u) for u in d.upcoming).items())
                    ],
                }
                for d in dues
            ],
        },
        ensure_ascii=False,
        indent=2,
    )


def as_text(plan: Cutoffs, dues: list[Due], horizon_days: int, now: datetime) -> str:
    lines = [f"Gallringsplan {swedish_date(now)} (provkörning: ingenting raderas)", ""]
    for g in plan.all:
        who = {DEFAULT: "övriga områden och rader utan område", SHARED: "delade tabeller"}
        name = who.get(g.name, f"område {g.name}")
        lines.append(
            f"{name}: {g.days} dagar, gallrar det som är äldre än {swedish_date(g.cutoff)}"
        )
    lines.append("")
    shown = [d for d in dues if d.now or d.upcoming]
    if not shown:
        lines.append(f"Ingenting att gallra nu eller de närmaste {horizon_days} dagarna.")
    for d in shown:
        head = f"{COLUMNS.get(d.column, d.column)}, {_area(d)} ({d.days} dagar): "
        lines.append(head + f"{_rows(d.now)} nu")
        days = sorted(Counter(_day(u) for u in d.upcoming).items())
        for day, n in days:
            when = datetime.fromisoformat(day).replace(tzinfo=STOCKHOLM)
            lines.append(f"    {swedish_date(when)}: {_rows(n)} till")
    lines.append("")
    lines.append(
        "Öppna ärenden gallras först när de avslutats. `stodbot retention apply` raderar, "
        "och bara med STODBOT_RETENTION_DECISION satt."
    )
    return "\n".join(lines) + "\n"


def retention_plan(args: argparse.Namespace) -> int:
    settings = _settings(args)
    if settings.retention_days is None:
        raise CliError(
            "ingen gallringsplan: sätt STODBOT_RETENTION_DAYS (dagar för områden utan egna "
            "retention_days i organisationsfilen)"
        )
    if not 1 <= args.days <= 3660:
        raise CliError("--days måste vara mellan 1 och 3660")
    service = conversation_service(settings, _kb(settings))
    now = service.clock()
    try:
        plan, dues = retention_plan_of(service, settings.retention_days, args.days, now)
    except RetentionRefused as exc:
        raise CliError(f"ingen gallringsplan: ogiltigt värde för {exc.setting}") from None
    render = as_json if args.format == "json" else as_text
    print(render(plan, dues, args.days, now), end="" if args.format == "text" else "\n")
    return 0


def add_parser(ret_sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    plan = ret_sub.add_parser(
        "plan", help="provkörning: vad som gallras nu och de närmaste månaderna, per område"
    )
    plan.add_argument("--format", choices=("text", "json"), default="text")
    plan.add_argument(
        "--days", type=int, default=92, help="hur många dagar framåt (standard 92, högst 3660)"
    )
    plan.set_defaults(func=retention_plan)
