"""Personal data out of text that is not the case itself (issues 13 and 15):
suggested phrasings, knowledge-gap examples, what area leads see in summaries, the
application log. The ticket keeps the original: it is the case record.

Found and replaced by a placeholder in brackets, so that a reader sees that
something was there and the wording still reads as a question:

- ``[personnummer]``: personnummer and samordningsnummer (day + 60), 10 or 12
  digits, with "-", "+" (over 100) or nothing between date and number. The date
  must be a real date. A valid check digit (Luhn) always masks. A wrong check digit
  (a typo) still masks when it is written as a personnummer (with "-" or "+", or 10
  or 12 digits in a row), unless the word just before says it is something else
  ("faktura", "order", "ärende", "OCR" ...). With a space between date and number
  it needs the check digit or a word such as "personnummer" before it. An
  organisationsnummer (556677-8899) is not personal data and stays: its "month" is
  20 or more, never a date (an enskild firma's is the owner's personnummer, masked).
- ``[telefon]``: Swedish numbers (070-123 45 67, +46 70 123 45 67, 08-123 456 78).
- ``[e-post]``: e-mail addresses.
- ``[bankgiro]``: NNN-NNNN / NNNN-NNNN with a valid check digit or "bankgiro"/"bg"
  before it (not year or time ranges: 2019-2025, 0800-1700).
- ``[plusgiro]``: up to 8 digits with a dash before the last, after "plusgiro"/"pg".
- ``[kontonummer]``: a clearing number (1000-9999, Swedbank's 8xxx-x) and an account
  of 6-12 digits, after a dash or comma (after a space only with "konto" before it).
- ``[iban]``: SE + 22 digits with the mod-97 check, or after "IBAN".
- ``[namn]``: the names of people the organisation file knows, and Matrix user ids.

``mask_messages`` masks the messages one person sent in a row as parts of one text,
so that a number sent in parts ("850312", then "-2384") is found.

Names the organisation file does not know (a colleague's, a child's) are not found;
what is masked is a help, never a guarantee. Every pattern starts only where a run
of digits or word characters starts and repeats a bounded number of times, so that
the time is linear in the text's length (no catastrophic backtracking).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import pairwise

from knowledge.model import Organisation

# A hyphen as typed, or as Word and Teams make it (en dash, non-breaking hyphen, minus).
_DASH = "\\-\u2010-\u2015\u2212"
_D = f"[{_DASH}]"
_START = rf"(?<![\w{_DASH}+])"  # not inside a longer number or word
_END = rf"(?![\w{_DASH}])"

_PNR = re.compile(rf"{_START}(19|20)?(\d{{6}})(\s?{_D}\s?|\+|\s)?(\d{{4}}){_END}")
_PHONE = re.compile(
    rf"(?<![\w+{_DASH}./,:])(?:(?:\+|00)46[\s{_DASH}]?(?:\(0\)\s?)?|0)[1-9](?:(?:\s?{_D}\s?|\s)?\d){{6,8}}(?!\d)"
)
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_USER_ID = re.compile(r"@[\w.=/-]+:[\w.-]+")  # a Matrix id
_IBAN = re.compile(r"(?<!\w)SE\s?(\d{2})((?:\s?\d){20})(?!\d)", re.IGNORECASE)
_ACCOUNT = re.compile(
    rf"{_START}([1-9]\d{{3}})(?:{_D}(\d))?(,\s?|{_D}\s?|\s)(\d(?:\s?\d){{4,10}}(?:{_D}\d)?){_END}"
)
_BANKGIRO = re.compile(rf"{_START}(\d{{3,4}}){_D}(\d{{4}}){_END}")
_PLUSGIRO = re.compile(rf"{_START}(\d(?:\s?\d){{0,6}}){_D}(\d){_END}")

_BEFORE = 40  # characters before a number that say what it is
_SAYS_PNR = re.compile(r"person|pers\.?\s?nr|p-?nr|samordning|födelse|född", re.IGNORECASE)
_SAYS = {
    "bankgiro": re.compile(r"bankgiro|\bbg\b", re.IGNORECASE),
    "plusgiro": re.compile(r"plusgiro|postgiro|\bpg\b", re.IGNORECASE),
    "kontonummer": re.compile(r"konto|clearing|\bclnr\b|\bbank", re.IGNORECASE),
    "iban": re.compile(r"\biban\b", re.IGNORECASE),
}
# The word just before a number that says it is not personal data.
_SAYS_OTHER = re.compile(
    r"(?:faktura|fakt|order|ärende|arende|ocr|artikel|art|isbn|version|ref|referens|kund"
    r"|beställning|bestallning|kostnadsställe|ksts|ticket|invoice|serienummer|inventarie"
    r"|objekt|avtal|diarie|dnr|lev|leverantör|org|organisations)\w*\.?\s*"
    r"(?:nr\.?|nummer|no\.?|id)?\s*[#:]?\s*$",
    re.IGNORECASE,
)

PLACEHOLDER = {
    "personnummer": "[personnummer]",
    "telefon": "[telefon]",
    "e-post": "[e-post]",
    "bankgiro": "[bankgiro]",
    "plusgiro": "[plusgiro]",
    "kontonummer": "[kontonummer]",
    "iban": "[iban]",
    "namn": "[namn]",
}
KINDS = tuple(PLACEHOLDER)


@dataclass(frozen=True)
class Found:
    """Personal data of ``kind`` at ``text[start:end]`` (of the NFC-composed text)."""

    kind: str
    start: int
    end: int


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch) * (2 if i % 2 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def _real_date(century: str | None, ymd: str) -> bool:
    yy, mm, dd = int(ymd[:2]), int(ymd[2:4]), int(ymd[4:])
    if dd > 60:  # a samordningsnummer
        dd -= 60
    years = [int(century) * 100 + yy] if century else [1900 + yy, 2000 + yy]
    for year in years:
        try:
            date(year, mm, dd)
            return True
        except ValueError:
            continue
    return False


def _iban_ok(check: str, rest: str) -> bool:
    bban = re.sub(r"\s", "", rest)
    return int(bban + "2814" + check) % 97 == 1  # S=28, E=14


def _digits(s: str) -> str:
    return re.sub(r"\D", "", s)


def _is_range(a: str, b: str) -> bool:
    """2019-2025, 0800-1700: years or times, not a bankgiro number."""
    if len(a) != 4:
        return False
    years = all(x[:2] in ("19", "20") for x in (a, b))
    times = all(int(x[:2]) < 24 and int(x[2:]) < 60 for x in (a, b))
    return years or times


def _numbers(text: str) -> Iterable[Found]:
    """Candidates of every kind of number, most specific first."""

    def before(m: re.Match[str]) -> str:
        return text[max(0, m.start() - _BEFORE) : m.start()]

    def other(m: re.Match[str]) -> bool:
        return _SAYS_OTHER.search(text[max(0, m.start() - 30) : m.start()]) is not None

    for m in _IBAN.finditer(text):
        if _iban_ok(m.group(1), m.group(2)) or _SAYS["iban"].search(before(m)):
            yield Found("iban", m.start(), m.end())
    for m in _PNR.finditer(text):
        century, ymd, sep, tail = m.groups()
        if not _real_date(century, ymd):
            continue
        said = _SAYS_PNR.search(before(m)) is not None
        if luhn_ok(ymd + tail) or said:
            yield Found("personnummer", m.start(), m.end())
        elif sep and sep.isspace() or not sep and ymd[0] == "0" and _PHONE.fullmatch(m.group()):
            continue  # a space: a date and a time ("20261202 0730"); 07…: a phone number
        elif not other(m):  # a typo in a personnummer's check digit
            yield Found("personnummer", m.start(), m.end())
    for m in _ACCOUNT.finditer(text):
        said = _SAYS["kontonummer"].search(before(m)) is not None
        if m.group(2) and not m.group(1).startswith("8"):
            continue  # only Swedbank's clearing numbers have a fifth digit
        if said or (not m.group(3).isspace() and not other(m)):
            yield Found("kontonummer", m.start(), m.end())
    for m in _BANKGIRO.finditer(text):
        a, b = m.groups()
        checked = luhn_ok(a + b) and not _is_range(a, b) and not other(m)
        if checked or _SAYS["bankgiro"].search(before(m)):
            yield Found("bankgiro", m.start(), m.end())
    for m in _PLUSGIRO.finditer(text):
        if 2 <= len(_digits(m.group())) <= 8 and _SAYS["plusgiro"].search(before(m)):
            yield Found("plusgiro", m.start(), m.end())
    for m in _PHONE.finditer(text):
        if not (r := re.fullmatch(rf"(\d{{4}}){_D}(\d{{4}})", m.group())) or not _is_range(
            *r.groups()
        ):
            yield Found("telefon", m.start(), m.end())  # not opening hours, 0800-1700


def _name_pattern(name: str) -> re.Pattern[str]:
    words = (re.escape(w) for w in unicodedata.normalize("NFC", name).split())
    # "maria.lindqvist", "Lindqvists"
    return re.compile(r"(?<!\w)" + r"[\s._]+".join(words) + r"(?:s)?(?!\w)", re.IGNORECASE)


def find(text: str, names: Iterable[str] = ()) -> list[Found]:
    """The personal data in ``text`` (composed first: "ö" typed as "o" and a combining
    mark is "ö"), in order, none overlapping: e-mail addresses and user ids first,
    then numbers, then names."""
    text = unicodedata.normalize("NFC", text)
    taken: list[Found] = []

    def free(f: Found) -> bool:
        return all(f.end <= t.start or f.start >= t.end for t in taken)

    def candidates() -> Iterable[Found]:
        yield from (Found("e-post", m.start(), m.end()) for m in _EMAIL.finditer(text))
        yield from (Found("namn", m.start(), m.end()) for m in _USER_ID.finditer(text))
        yield from _numbers(text)
        for name in names:
            if len(name) >= 3:
                one = " " not in name.strip()  # a surname alone is a word too: "berg", "vik"
                for m in _name_pattern(name).finditer(text):
                    if not one or text[m.start()].isupper():
                        yield Found("namn", m.start(), m.end())

    for f in candidates():
        if free(f):
            taken.append(f)
    return sorted(taken, key=lambda f: f.start)


def mask(text: str, names: Iterable[str] = ()) -> str:
    """``text`` (NFC-composed) with personal data replaced by placeholders."""
    return mask_messages([text], names)[0]


def mask_messages(texts: Sequence[str], names: Iterable[str] = ()) -> list[str]:
    """Messages one person sent in a row (a ticket's question and the asker's additions),
    each masked (NFC-composed) as a part of the whole, so that what is split over two
    of them is found: a personnummer sent as "850312" and then "-2384", a phone number
    as "070-174" and "06 43". The messages are read as one text twice: with a line
    break between them (which the patterns span as they span one inside a message),
    and run together (a message sent in the middle of a number), of which only what
    spans a boundary and overlaps nothing found the first way is taken. Each part of
    a find is replaced in the message that holds it."""
    parts = [unicodedata.normalize("NFC", t) for t in texts]
    names = tuple(names)
    taken = _pieces(parts, "\n", names)
    for pieces in _pieces(parts, "", names) if len(parts) > 1 else ():
        if len(pieces) < 2 or pieces[0][1].kind in _WORDS or _glued(parts, pieces):
            continue  # within one message, words run together ("…@k.se" + "hej"), or two
            # runs of digits made one ("20261202" + "0730": a date and a time)
        under = [q for q in taken if any(_overlap(p, x) for p in pieces for x in q)]
        if all(_covers(pieces, x) for q in under for x in q):  # the longer reading
            taken = [q for q in taken if q not in under] + [pieces]
    out = []
    for i, part in enumerate(parts):
        mine = sorted((f for pieces in taken for n, f in pieces if n == i), key=lambda f: f.start)
        text, at = [], 0
        for f in mine:
            text += [part[at : f.start], PLACEHOLDER[f.kind]]
            at = f.end
        text.append(part[at:])
        out.append("".join(text))
    return out


def _pieces(parts: Sequence[str], sep: str, names: Sequence[str]) -> list[list[tuple[int, Found]]]:
    """What ``find`` finds in ``parts`` joined by ``sep``, each find as its pieces
    (part number, span in that part), whitespace alone left out."""
    whole = sep.join(parts)
    if not unicodedata.is_normalized("NFC", whole):  # a part begins with a combining mark
        return [[(i, f) for f in find(p, names)] for i, p in enumerate(parts)] if sep else []
    starts, at = [], 0
    for part in parts:
        starts.append(at)
        at += len(part) + len(sep)
    out = []
    for f in find(whole, names):
        pieces = []
        for i, (s, part) in enumerate(zip(starts, parts, strict=True)):
            a, b = max(f.start, s), min(f.end, s + len(part))
            if a < b and whole[a:b].strip():
                pieces.append((i, Found(f.kind, a - s, b - s)))
        out.append(pieces)
    return out


_WORDS = ("e-post", "namn")  # read with a line break only: a number may be sent in parts


def _glued(parts: Sequence[str], pieces: list[tuple[int, Found]]) -> bool:
    """Whether a find crosses from one message into the next where both are letters or
    digits: read as run together, that is one word or number made of two."""
    return any(
        j == i + 1 and parts[i][-1:].isalnum() and parts[j][:1].isalnum()
        for (i, _), (j, _) in pairwise(pieces)
    )


def _overlap(p: tuple[int, Found], q: tuple[int, Found]) -> bool:
    return p[0] == q[0] and p[1].start < q[1].end and q[1].start < p[1].end


def _covers(pieces: list[tuple[int, Found]], q: tuple[int, Found]) -> bool:
    return any(p[0] == q[0] and p[1].start <= q[1].start and q[1].end <= p[1].end for p in pieces)


def has_personal_data(text: str, names: Iterable[str] = ()) -> bool:
    return bool(find(text, names))


def has_personnummer(text: str | None) -> bool:
    """Whether ``text`` holds a personnummer or samordningsnummer (staff see a banner)."""
    return bool(text) and any(f.kind == "personnummer" for f in find(text or ""))


def mentioned(display_names: Iterable[str], texts: Iterable[str | None]) -> list[str]:
    """The ``display_names`` that ``texts`` mention: a word of the name (two letters or
    more) is a word of the texts, in any case and however composed."""

    def words(text: str) -> set[str]:
        return set(re.findall(r"\w{2,}", unicodedata.normalize("NFC", text).casefold()))

    said = words(" ".join(t for t in texts if t))
    return [n for n in display_names if n and words(n) & said]


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
