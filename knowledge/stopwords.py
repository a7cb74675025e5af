"""Swedish stop words for matching.

Function words and the words managers wrap around a question ("hur gör jag
för att ...") carry no topic. A word written with its diacritics is compared
as written, so "år" (year) stays while "är" goes; a word typed without them is
compared with the folded stop words, so "nar" goes like "när". A few folded
forms are content words in their own right and stay ("val", "bor").
"""

from __future__ import annotations

_WORDS = """
alla allt andra annan annat att av bara bli blir blev bör de dem den denna
denne dess dessa det detta dig din dina ditt du där då efter eftersom ej eller
en er era ert ett från får fått för gör göra gjorde gäller ha hade han hans har
hej hen henne hennes hon honom hur här i igen in inom inte ja jag ju kan kunde
man med mej men mig min mina mitt mot mycket ni nog nu när någon något några
och också om oss på samma sedan sig sin sina sitt ska skall skulle som så
till tack under upp ut utan vad var varför vara varit vart vem vi vid vilka
vilken vilket vill väl åt än är även över snälla kanske behöver måste
finns fins få går gå hitta hittar vet veta undrar fråga frågan tänkte typ liksom
när hos nån nåt ta tar tas idag igår imorgon inget ingen inga aldrig alltid själv
själva egen eget egna mkt nånstans någonstans hemma iväg ens redan lite mer mest
många flera nått va okej ok eller hej hallå ju nog väl sådan sånt sån dessutom annars
what how where when who can i the a an is do to of for my
"""


def _fold(word: str) -> str:
    return word.translate(str.maketrans("åäöéü", "aaoeu"))


_EXACT = frozenset(_WORDS.split())
# Folded stop words that are also common content words typed as such:
# "val" (election, not "väl"), "bor" (lives, not "bör").
_CONTENT_WORDS = frozenset({"val", "bor"})

STOPWORDS: frozenset[str] = frozenset(_fold(w) for w in _EXACT) - _CONTENT_WORDS
"""Stop words in folded form: what compound parts and learnt bases are compared with."""


def is_stopword(word: str) -> bool:
    """Whether a case-folded word is a stop word: as written if it has diacritics,
    against the folded forms if it is typed without them."""
    if word in _EXACT:
        return True
    return word.isascii() and word in STOPWORDS
