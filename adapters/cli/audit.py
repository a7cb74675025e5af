"""``stodbot audit verify``: walk the audit log's hash chain and name the first bad row."""

from __future__ import annotations

import argparse
import re

from adapters.sql.audit_chain import ChainBreak, verify_chain

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
}


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


def describe(broken: ChainBreak) -> str:
    span = str(broken.row)
    if broken.until is not None and broken.until != broken.row:
        span = f"{broken.row}–{broken.until}"
    return "Granskningsloggen är ändrad: " + _BROKEN[broken.kind].format(row=broken.row, rows=span)


def audit_verify(args: argparse.Namespace) -> int:
    from adapters.cli.commands import _settings
    from adapters.compose import store

    anchor = _parse_anchor(args.anchor)
    engine = store(_settings(args)).engine
    try:
        with engine.connect() as conn:
            check = verify_chain(conn, anchor)
    finally:
        engine.dispose()
    if check.broken is not None:
        print(describe(check.broken))
        print(f"Före den är kedjan hel: {_rows(check.rows)}.")
        return 1
    if check.head_id is None:
        print("Granskningsloggen är tom: 0 rader.")
        return 0
    print(f"Granskningsloggen är hel: {_rows(check.rows)}, senaste rad {check.head_id}.")
    print(f"Huvud: {check.head_id}:{check.head_hash}")
    print(
        "Spara huvudet någon annanstans (t.ex. i diariet); "
        f"”stodbot audit verify --anchor {check.head_id}:{check.head_hash}” visar senare "
        "om rader i slutet har tagits bort eller kedjan skrivits om."
    )
    return 0
