"""``stodbot kb suggest``: the suggested phrasings waiting for an area lead (issue 13),
and accepting or skipping them from the terminal. An accepted one is written into
its article file; the running bot reads the change within its reload interval."""

from __future__ import annotations

import argparse
import getpass
from datetime import UTC, datetime

from sqlalchemy.exc import InterfaceError, OperationalError

from adapters.cli.commands import CliError
from adapters.compose import store
from bot.learning import NotPending, decide_in
from bot.settings import Settings
from knowledge.phrasings import PhrasingError
from routing.ports import StoreUnavailable


def add_parser(kb_sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    suggest = kb_sub.add_parser(
        "suggest", help="föreslagna formuleringar ur verkliga frågor: lista, godkänn, hoppa över"
    )
    suggest.add_argument("--area", metavar="OMRÅDE", help="bara det här områdets artiklar")
    suggest.add_argument(
        "--accept", type=int, nargs="+", default=[], metavar="NR", help="skriv in dem i artiklarna"
    )
    suggest.add_argument(
        "--skip", type=int, nargs="+", default=[], metavar="NR", help="föreslå dem inte igen"
    )
    suggest.set_defaults(func=kb_suggest)


def kb_suggest(args: argparse.Namespace) -> int:
    settings = Settings()
    who = f"cli:{getpass.getuser()}"
    try:
        db = store(settings)
        status = 0
        for number, accept in [(n, True) for n in args.accept] + [(n, False) for n in args.skip]:
            try:
                done = decide_in(db, settings.articles_dir, number, accept, who, _now())
            except NotPending:
                print(f"{number}: inget förslag som väntar med det numret")
                status = 1
                continue
            except PhrasingError as exc:
                print(f"{number}: {exc}")
                status = 1
                continue
            verb = "inskrivet i" if accept else "hoppas över för"
            print(f"{number}: {verb} {done.article_id}")
        if args.accept or args.skip:
            return status
        with db.transaction() as tx:
            waiting = tx.suggestions.pending([args.area] if args.area else None)
    except (StoreUnavailable, OperationalError, InterfaceError):
        raise CliError(
            "kommer inte åt databasen (STODBOT_DATABASE_URL); försök igen om en stund"
        ) from None
    if not waiting:
        print("Inga förslag väntar.")
        return 0
    print("Förslag (nr, artikel, varifrån, formulering):")
    for s in waiting:
        print(f"{s.id:>5}  {s.article_id:<32} {s.source:<8} {s.text}")
    print("Godkänn med --accept NR, hoppa över med --skip NR.")
    return 0


def _now() -> datetime:
    return datetime.now(UTC)
