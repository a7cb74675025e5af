"""Which language a question is written in: Swedish, or one that many municipal
employees write better (English, Finnish, Arabic, Persian, Somali).

The matcher uses it to rank a question in another language by meaning alone
(its words are not the base's words), and the bot to put one line in that
language saying the articles are in Swedish. Script first (Arabic letters,
with the letters only Persian uses), then short function words, which every
question has and no knowledge base changes. ``None`` when it cannot tell:
the caller then treats the question as Swedish.
"""

from __future__ import annotations

import re

_FUNCTION_WORDS = {
    "sv": """och att det som en ett är på för med jag vi de har inte kan hur vad vem var när
        min mitt mina vår våra till av om ska får måste eller men så den nu också hos efter
        från bara vill gör någon mig dig sig hon han man finns behöver vilken vilka varför""",
    "en": """the a an and is are to of for on my we you how what who where when do does
        can should with it this that our have has be not from at or need get there which
        why am was will would could me your they their please""",
    "fi": """ja on ei se että mitä miten mikä kuka missä kun jos mutta tai minun mun meidän
        voin pitää saako onko olen oli ovat tämä tuo nyt vai kanssa koska kuinka paljon myös
        vain jo hän me te he sinä minä joka mitään pitäisi voiko täytyy saanko mulla meillä""",
    "so": """waa iyo ku ka oo ma la aan waxaan sideen sidee maxaan goorma yahay ayaa si waxa ah
        uu ay laga ee kale miyaa intee ayuu ayay waxay hadii haddii markaan sidaan""",
}
_WORDS = {lang: frozenset(ws.split()) for lang, ws in _FUNCTION_WORDS.items()}
# Long vowels Swedish and English words hardly have (not "ee" or "oo": "need", "zoom").
_FINNISH_VOWELS = re.compile(r"aa|ii|uu|yy|ää|öö")
_SOMALI_LETTERS = re.compile(r"[xqc]")
_TOKEN = re.compile(r"[^\W\d_]+")
_ARABIC = re.compile(r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
_PERSIAN_ONLY = re.compile(r"[\u067e\u0686\u0698\u06af\u06a9\u06cc]")  # پ چ ژ گ ک ی
_LATIN = re.compile(r"[a-zåäöéü]", re.IGNORECASE)

LANGUAGES = ("sv", "en", "fi", "ar", "fa", "so")


def detect(text: str) -> str | None:
    arabic = len(_ARABIC.findall(text))
    latin = len(_LATIN.findall(text))
    if arabic and arabic >= latin:
        return "fa" if _PERSIAN_ONLY.search(text) else "ar"
    if "å" in text.lower():
        return "sv"  # neither Finnish, English nor Somali writes it
    raw = _TOKEN.findall(text)
    tokens = [t.lower() for t in raw if len(t) > 1]
    if not tokens:
        return None
    hits = {lang: sum(1 for t in tokens if t in ws) for lang, ws in _WORDS.items()}
    hits["en"] += raw.count("I")  # the pronoun; a lower-case "i" is Swedish
    # Finnish and Somali both double their vowels; the bonus goes to the one whose
    # function words are there (Somali also writes x, q and c, which Finnish does not).
    somali = hits["so"] > hits["fi"] or (
        hits["so"] == hits["fi"] > 0 and bool(_SOMALI_LETTERS.search(text.lower()))
    )
    for t in tokens:
        if _FINNISH_VOWELS.search(t):
            hits["so" if somali else "fi"] += 1
    best = max(hits, key=lambda lang: (hits[lang], lang == "sv"))
    runner_up = max(v for lang, v in hits.items() if lang != best)
    if hits[best] == runner_up or (best != "sv" and hits[best] < 2):
        return None  # one stray word ("a", "test") does not make a language
    return best if hits[best] else None
