"""``stodbot inbox failed``: the platform messages set aside after failing three times
(id, channel, when, the error's class and place); never what the message said."""

from __future__ import annotations

import argparse

from sqlalchemy.exc import InterfaceError, OperationalError

from adapters.cli.commands import CliError
from adapters.compose import store
from bot.settings import Settings
from routing.ports import StoreUnavailable


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    inbox = sub.add_parser("inbox", help="inkorgen: meddelanden från Teams och Matrix")
    inbox_sub = inbox.add_subparsers(dest="inbox_command", required=True, metavar="INKORG")
    failed = inbox_sub.add_parser(
        "failed", help="meddelanden som lagts åt sidan efter tre misslyckade försök"
    )
    failed.add_argument("--limit", type=int, default=100, help="högst så många (standard 100)")
    failed.set_defaults(func=inbox_failed)


def inbox_failed(args: argparse.Namespace) -> int:
    english = (getattr(args, "lang", None) or Settings().language) == "en"
    try:
        with store(Settings()).transaction() as tx:
            items = tx.inbox.failed(max(1, args.limit))
    except (StoreUnavailable, OperationalError, InterfaceError):
        raise CliError(
            "kommer inte åt databasen (STODBOT_DATABASE_URL); försök igen om en stund"
        ) from None
    if not items:
        print(
            "No messages have been set aside."
            if english
            else "Inga meddelanden har lagts åt sidan."
        )
        return 0
    print(
        "Set aside after failing (id, channel, received, set aside, event, error):"
        if english
        else "Åt sidan efter misslyckade försök (id, kanal, mottaget, åt sidan, händelse, fel):"
    )
    for item in items:
        print(
            f"{item.id:>6}  {item.channel:<7} {item.received_at:%Y-%m-%d %H:%M} UTC  "
            f"{item.failed_at:%Y-%m-%d %H:%M} UTC  {item.event_id}  {item.error}"
        )
    return 0
