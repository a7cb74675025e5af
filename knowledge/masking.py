"""Personal data out of a person's wording before it may become a phrasing of an
article (issue 13): personnummer and samordningsnummer, phone numbers, e-mail
addresses, platform user ids and the names of people the organisation file knows.

What is masked is replaced by a placeholder in brackets, so that an editor sees
that something was there (``[personnummer]``, ``[telefon]``, ``[e-post]``,
``[namn]``), and the wording still reads as a question. A masked wording is
a suggestion for an editor to accept, never a guarantee: names the organisation
file does not know (a colleague's, a child's) are not found; the editor who
accepts a phrasing answers for it, and the suggestion card says so.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from knowledge.model import Organisation

# A hyphen as typed, or as Word and Teams make it (en dash, non-breaking hyphen, minus).
_DASH = "\\-\u2010-\u2015\u2212"
# 19121212-1212, 121212-1212, 1212121212, 121212+1212 (over 100), with a
# samordningsnummer's day + 60 too; not inside a longer run of digits.
_PNR = re.compile(rf"(?<![\d{_DASH}])(?:19|20)?\d{{6}}[{_DASH}+\s]?\d{{4}}(?![\d{_DASH}])")
# Swedish numbers: 070-123 45 67, +46 70 123 45 67, +46 (0)70-123 45 67, 08-123 456 78,
# 0771-123 123.
_PHONE = re.compile(
    rf"(?<![\w+])(?:\+46[\s{_DASH}]?(?:\(0\)\s?)?|0)\d{{1,3}}(?:[\s{_DASH}]?\d){{5,9}}(?!\d)"
)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
_USER_ID = re.compile(r"@[\w.=/-]+:[\w.-]+")  # a Matrix id


def known_names(org: Organisation, extra: Iterable[str] = ()) -> tuple[str, ...]:
    """The people's names the organisation file gives: each area's lead ("HR-chef
    Maria Lindqvist" gives "Maria Lindqvist"), each partner's local contact, and the
    names in user ids ("@maria.lindqvist:…" gives "maria lindqvist"), with ``extra``
    (display names the bot has seen). Each name of two words or more; the surname
    alone only from a written name (a user id's parts may be words: "hr.konsult")."""
    found: set[str] = set()

    def add(name: str, surname: bool = True) -> None:
        words = [w for w in re.split(r"[\s._]+", name.strip()) if len(w) > 1]
        if len(words) >= 2:
            found.add(" ".join(words))
            if surname:
                found.add(words[-1])  # "Lindqvist sa att …"

    for area in org.areas:
        for text in (area.lead, area.partner.local_contact if area.partner else ""):
            # the name is the last two capitalised words ("HR-chef Maria Lindqvist")
            tail = re.search(r"[A-ZÅÄÖÉ][\w-]+\s+[A-ZÅÄÖÉ][\w-]+$", text.strip())
            if tail:
                add(tail.group())
        for user in (*area.staff, area.lead_user or ""):
            add(user.lstrip("@").split(":", 1)[0], surname=False)
    for user in (*(u for u, _ in org.people), *org.leadership):
        add(user.lstrip("@").split(":", 1)[0], surname=False)
    for name in extra:  # "Sven Svensson (BoU)", "Svensson, Sven", "Svensson Sven"
        words = re.split(r"[\s._,]+", re.sub(r"\(.*?\)|\[.*?\]", " ", name))
        add(" ".join(words))
        add(" ".join(reversed(words)))  # which word is the surname: either
    # the longest first, so that "Maria Lindqvist" goes before "Lindqvist"
    return tuple(sorted(found, key=lambda n: (-len(n), n)))


def mask(text: str, names: Iterable[str] = ()) -> str:
    """``text`` with personal data replaced by placeholders (composed first: "ö" typed
    as "o" and a combining mark is "ö")."""
    out = _EMAIL.sub("[e-post]", unicodedata.normalize("NFC", text))
    out = _USER_ID.sub("[namn]", out)
    out = _PNR.sub("[personnummer]", out)
    out = _PHONE.sub("[telefon]", out)
    for name in names:
        if len(name) < 3:
            continue
        words = (re.escape(w) for w in unicodedata.normalize("NFC", name).split())
        pattern = r"(?<!\w)" + r"[\s._]+".join(words) + r"(?:s)?(?!\w)"  # "maria.lindqvist"
        out = re.sub(pattern, "[namn]", out, flags=re.IGNORECASE)
    return out


def has_personal_data(text: str, names: Iterable[str] = ()) -> bool:
    return mask(text, names) != unicodedata.normalize("NFC", text)
