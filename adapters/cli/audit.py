"""``stodbot audit verify``: walk the audit log's hash chain and name the first bad row."""

from __future__ import annotations

import argparse
import re

from adapters.sql.audit_chain import ChainBreak, ChainCheck, key_id, verify_chain

_ANCHOR = re.compile(r"^(\d{1,18}):([0-9a-f]{64})$")

_BROKEN = {
    "altered": "rad {row} stämmer inte med kedjan – innehållet eller hashen är ändrad, "
    "eller raden är förfalskad",
    "removed": "rad {rows} saknas – borttagen ur loggen",
    "inserted": "rad {row} är inlagd i efterhand – raden efter den pekar förbi den",
    "anchor_missing": "rad {row} i det sparade huvudet finns inte längre – rader i slutet är "
    "borttagna",
    "anchor_changed": "rad {row} har inte den hash som det sparade huvudet anger – kedjan är "
    "omskriven",
    "unkeyed": "rad {row} saknar nyckel fast raderna före den har nyckel – raden är förfalskad "
    "eller skriven av en stodbot utan STODBOT_AUDIT_KEY",
    "other_key": "Granskningsloggen stämmer inte med nyckeln: rad {row} är skriven med en "
    "annan nyckel (nyckel-id {key}) än den i STODBOT_AUDIT_KEY (nyckel-id {mine}) "
    "– fel nyckel inställd, eller raden är förfalskad",
}
_NEEDS_KEY = (
    "Granskningsloggen kan inte kontrolleras: rad {rows} har nyckel, och STODBOT_AUDIT_KEY är "
    "inte satt – sätt nyckeln och kör igen."
)


def _parse_anchor(value: str | None) -> tuple[int, str] | None:
    from adapters.cli.commands import CliError

    if value is None:
        return None
    found = _ANCHOR.match(value.strip().lower())
    if not found:
        raise CliError("--anchor ska vara RAD:HASH, som verify skrev ut, t.ex. 42:3f9a…")
    return int(found.group(1)), found.group(2)


def _rows(n: int) -> str:
    return f"{n} rad" if n == 1 else f"{n} rader"


def _span(first: int, last: int | None) -> str:
    return str(first) if last is None or last == first else f"{first}–{last}"


def describe(broken: ChainBreak, mine: str = "") -> str:
    span = _span(broken.row, broken.until)
    if broken.kind == "needs_key":
        return _NEEDS_KEY.format(rows=span)
    what = _BROKEN[broken.kind].format(row=broken.row, rows=span, key=broken.key, mine=mine)
    return what if broken.kind == "other_key" else "Granskningsloggen är ändrad: " + what


def _unkeyed_note(check: ChainCheck, keyed: bool) -> str | None:
    if check.unkeyed is None:
        return None
    rows = _span(*check.unkeyed)
    if keyed:
        return (
            f"Rad {rows} saknar nyckel (skrevs innan STODBOT_AUDIT_KEY sattes) och är "
            "kontrollerade med vanlig SHA-256; raderna efter dem med nyckeln."
        )
    return (
        f"Rad {rows} saknar nyckel: den som kan skriva i databasen kan lägga till rader "
        "som ser äkta ut. Sätt STODBOT_AUDIT_KEY (se README, ”Granskningsloggen”)."
    )


def audit_verify(args: argparse.Namespace) -> int:
    from adapters.cli.commands import _settings
    from adapters.compose import store

    anchor = _parse_anchor(args.anchor)
    sql = store(_settings(args), same_audit_key=False)
    try:
        with sql.engine.connect() as conn:
            check = verify_chain(conn, anchor, sql.audit_key)
    finally:
        sql.engine.dispose()
    note = _unkeyed_note(check, sql.audit_key is not None)
    if check.broken is not None:
        print(describe(check.broken, key_id(sql.audit_key)))
        print(f"Före den är kedjan hel: {_rows(check.rows)}.")
        if note:
            print(note)
        return 1
    if check.head_id is None:
        print("Granskningsloggen är tom: 0 rader.")
        return 0
    print(f"Granskningsloggen är hel: {_rows(check.rows)}, senaste rad {check.head_id}.")
    if note:
        print(note)
    print(f"Huvud: {check.head_id}:{check.head_hash}")
    print(
        "Spara huvudet någon annanstans (t.ex. i diariet); "
        f"”stodbot audit verify --anchor {check.head_id}:{check.head_hash}” visar senare "
        "om rader i slutet har tagits bort eller kedjan skrivits om."
    )
    return 0
