"""``stodbot records``: a ticket's history for a disclosure request (``export``) and
everything stored about one person for a GDPR art. 15 request (``person``). Both are
audited, with the operator's login as actor."""

from __future__ import annotations

import argparse
import getpass
import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from adapters.records.render import json_text, to_html
from routing import records
from routing.names import names_to_mask
from routing.ports import AuditEntry


def operator() -> str:
    """Who ran the command, as the audit log names them: ``cli:<login>``."""
    try:
        name = getpass.getuser()
    except (KeyError, OSError):
        name = os.environ.get("USER") or "okänd"
    return f"cli:{name}"


def add_parser(sub: Any) -> None:
    rec = sub.add_parser("records", help="allmänna handlingar och registerutdrag")
    rec_sub = rec.add_subparsers(dest="records_command", required=True, metavar="HANDLING")
    export = rec_sub.add_parser(
        "export", help="ett ärendes hela historik som HTML och JSON (begäran om allmän handling)"
    )
    export.add_argument("--ticket", type=int, required=True, metavar="N", help="ärendets nummer")
    export.add_argument(
        "--masked",
        action="store_true",
        help="versionen att lämna ut efter sekretessprövningen: personuppgifter maskerade, "
        "personer som roller",
    )
    export.add_argument("--out", required=True, metavar="MAPP", help="mappen filerna skrivs i")
    export.set_defaults(func=records_export)
    person = rec_sub.add_parser(
        "person", help="allt som lagras om en person (registerutdrag, GDPR art. 15)"
    )
    person.add_argument("user", metavar="ANVÄNDARE", help="personens användar-id")
    person.add_argument("--format", choices=("text", "json"), default="text")
    person.add_argument("--out", metavar="FIL", help="skriv till fil i stället för till skärmen")
    person.set_defaults(func=records_person)


def _org(settings: Any) -> Any:
    from adapters.cli.commands import CliError
    from knowledge.loader import OrganisationError, load_organisation

    try:
        return load_organisation(settings.organisation_file)
    except OrganisationError as exc:
        raise CliError(str(exc)) from None


def records_export(args: argparse.Namespace) -> int:
    from adapters.cli.commands import CliError, _settings
    from adapters.compose import store

    if args.ticket < 1:
        raise CliError(f"--ticket ska vara ett ärendenummer (1 eller större), inte {args.ticket}")
    settings = _settings(args)
    org = _org(settings)
    sql = store(settings)
    now = datetime.now(UTC)
    with sql.transaction() as tx:
        record = records.build(tx, org, args.ticket)
        if record is None:
            raise CliError(f"ärende {args.ticket} finns inte")
        if args.masked:  # the people's display names, and any other the texts mention
            texts = [record.question, *(e.text for e in record.entries)]
            texts += [x.reason for x in record.transfers] + [m.text for m in record.messages]
            names = names_to_mask(org, tx.people, texts, writers=tx_names(record))
            record = records.released(record, names)
        out = Path(args.out)
        try:
            out.mkdir(parents=True, exist_ok=True)
            stem = f"arende-{record.ticket_id}" + ("-maskerad" if record.masked else "")
            html_file, json_file = out / f"{stem}.html", out / f"{stem}.json"
            html_file.write_text(to_html(record), encoding="utf-8")
            json_file.write_text(json_text(record) + "\n", encoding="utf-8")
        except OSError as exc:
            raise CliError(f"kan inte skriva i {out}: {exc.strerror or exc}") from None
        tx.audit.append(
            AuditEntry(
                now,
                operator(),
                "records_export",
                "ticket",
                str(args.ticket),
                None,
                json.dumps(
                    {"masked": record.masked, "confidential": record.confidential},
                    ensure_ascii=False,
                ),
            )
        )
    marking = f" – {records.SECRECY}" if record.confidential and not record.masked else ""
    print(f"Ärende {record.ticket_id}{marking}")
    print(f"  {html_file}")
    print(f"  {json_file}")
    return 0


def tx_names(record: records.Record) -> list[str]:
    """The people a record names (asker, staff, the messages' recipients), whose display
    names are masked too."""
    people = {record.asker, *(e.actor for e in record.entries)}
    people.update(m.to for m in record.messages if m.person)
    if record.claimed_by:
        people.add(record.claimed_by)
    return sorted(p for p in people if p != records.SYSTEM)


def records_person(args: argparse.Namespace) -> int:
    from adapters.cli.commands import CliError, _settings
    from adapters.cli.person import person_text
    from adapters.compose import store
    from adapters.sql.person import about

    user = (args.user or "").strip()
    if not user or "\x00" in user or len(user) > 255:
        raise CliError("ange personens användar-id, t.ex. @anna.chef:exempelkommun.se")
    settings = _settings(args)
    sql = store(settings)
    now = datetime.now(UTC)
    data = about(sql.engine, user)
    with sql.transaction() as tx:
        tx.audit.append(
            AuditEntry(
                now,
                operator(),
                "records_person",
                "person",
                user,
                None,
                json.dumps({"format": args.format}, ensure_ascii=False),
            )
        )
    text = (
        json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n"
        if args.format == "json"
        else person_text(data)
    )
    if args.out:
        try:
            Path(args.out).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise CliError(f"kan inte skriva {args.out}: {exc.strerror or exc}") from None
        print(f"Registerutdrag för {user}: {args.out}")
    else:
        print(text, end="")
    return 0
