"""Every user-facing sentence, Swedish first, English available. Nowhere else."""

from __future__ import annotations

from typing import Any

SV: dict[str, str] = {
    "greeting": (
        "Hej! Jag är Stödbot och svarar på frågor om hur saker görs i {municipality}: "
        "HR, ekonomi, IT, säkerhet, kansli och mer. Skriv din fråga med egna ord."
    ),
    "empty": "Skriv en fråga, till exempel ”hur bokar jag en poolbil?”. Skriv ”hjälp” för fler kommandon.",
    "too_long": (
        "Meddelandet är för långt ({length} tecken, högst {limit}). "
        "Korta ner frågan och skicka den igen – inget av det långa meddelandet har sparats."
    ),
    "answer_header": "**{title}**",
    "follow_ups": "Se också:",
    "links": "Länkar:",
    "ask_feedback": "Var det till hjälp? (ja/nej)",
    "clarify": "Jag är inte säker på vad du menar. Menar du något av detta? Svara med en siffra.",
    "clarify_none": "Inget av dem – skriv ”0” så skickar jag frågan vidare.",
    "no_answer": (
        "Det hittar jag inget säkert svar på. Frågan hör troligen till **{area}**, "
        "och jag skickar den dit."
    ),
    "no_answer_responsible": "{area} ansvarar, kontakt: {who}.",
    "routed_preview": "(I den här versionen skickas inga ärenden än – kontakta {who} direkt.)",
    "thanks_helpful": "Tack! Skönt att det hjälpte.",
    "sorry_not_helpful": "Tack för svaret. Vill du att jag skickar frågan till {area}? (ja/nej)",
    "route_declined": "Okej. Ställ gärna frågan på ett annat sätt.",
    "bad_choice": "Välj en siffra mellan 1 och {n}, eller ställ en ny fråga.",
    "help_header": "Det här kan du skriva:",
    "help_ask": "Ställ en fråga med egna ord, så letar jag i kunskapsbanken.",
    "store_unavailable": "Just nu kommer jag inte åt databasen. Försök igen om en liten stund.",
    "score_line": "träff {score:.2f}",
}

EN: dict[str, str] = {
    "greeting": (
        "Hi! I am Stödbot and I answer questions about how things are done in {municipality}: "
        "HR, finance, IT, safety, records and more. Ask in your own words."
    ),
    "empty": "Type a question, for example “how do I book a pool car?”. Type “help” for commands.",
    "too_long": (
        "The message is too long ({length} characters, at most {limit}). "
        "Shorten the question and send it again – nothing of the long message was stored."
    ),
    "answer_header": "**{title}**",
    "follow_ups": "See also:",
    "links": "Links:",
    "ask_feedback": "Was this helpful? (yes/no)",
    "clarify": "I am not sure what you mean. Is it one of these? Reply with a number.",
    "clarify_none": "None of them – reply “0” and I will pass the question on.",
    "no_answer": (
        "I found no reliable answer. The question most likely belongs to **{area}**, "
        "and I will pass it on to them."
    ),
    "no_answer_responsible": "{area} is responsible, contact: {who}.",
    "routed_preview": "(This version does not create tickets yet – contact {who} directly.)",
    "thanks_helpful": "Thank you! Glad it helped.",
    "sorry_not_helpful": "Thanks. Shall I pass the question on to {area}? (yes/no)",
    "route_declined": "All right. Feel free to ask in another way.",
    "bad_choice": "Pick a number between 1 and {n}, or ask a new question.",
    "help_header": "This is what you can type:",
    "help_ask": "Ask a question in your own words and I will search the knowledge base.",
    "store_unavailable": "I cannot reach the database right now. Please try again in a moment.",
    "score_line": "match {score:.2f}",
}

LANGUAGES = {"sv": SV, "en": EN}
YES = frozenset({"ja", "j", "japp", "jo", "yes", "y", "👍", "tack", "absolut", "precis"})
NO = frozenset({"nej", "n", "nä", "nää", "no", "👎", "inte", "nope"})


class Texts:
    def __init__(self, language: str = "sv") -> None:
        self.language = language if language in LANGUAGES else "sv"
        self._table = LANGUAGES[self.language]

    def __call__(self, key: str, **values: Any) -> str:
        return self._table[key].format(**values)
