"""Personal data is masked before a person's wording may become a phrasing (issue 13)."""

from __future__ import annotations

import pytest

from knowledge.base import KnowledgeBase
from knowledge.masking import known_names, mask, mask_messages
from knowledge.model import Organisation


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("lön för 19800101-1234 saknas", "lön för [personnummer] saknas"),
        ("gäller 800101-1234 och 8001011234", "gäller [personnummer] och [personnummer]"),
        ("samordningsnummer 800161+1234", "samordningsnummer [personnummer]"),
        ("ring mig på 070-123 45 67", "ring mig på [telefon]"),
        ("ring +46 70 123 45 67 i dag", "ring [telefon] i dag"),
        ("växeln 08-123 456 78", "växeln [telefon]"),
        ("mejla anna.berg@exempelkommun.se", "mejla [e-post]"),
        ("fråga @omar.chef:exempelkommun.se", "fråga [namn]"),
    ],
)
def test_numbers_addresses_and_ids_are_masked(text: str, expected: str) -> None:
    assert mask(text) == expected


def test_names_from_the_organisation_file_are_masked_in_any_case(example_kb: KnowledgeBase) -> None:
    names = known_names(example_kb.organisation)
    assert "Maria Lindqvist" in names and "Lindqvist" in names
    assert mask("har maria lindqvist svarat?", names) == "har [namn] svarat?"
    assert mask("Lindqvists besked om lön", names) == "[namn] besked om lön"
    assert mask("omar chef vill veta", names) == "[namn] vill veta"  # from a user id


def test_ordinary_words_years_and_sums_stay(example_kb: KnowledgeBase) -> None:
    names = known_names(example_kb.organisation)
    for text in (
        "hur anlitar jag en konsult",  # "@hr.konsult" gives no surname alone
        "budget för 2027 på 150000 kronor",
        "kostnadsställe 4410-2030",
        "semester vecka 28-32",
    ):
        assert mask(text, names) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("pnr 800101\u20131234 saknas", "pnr [personnummer] saknas"),  # an en dash (Word, Teams)
        ("pnr 19800101\u20111234", "pnr [personnummer]"),  # a non-breaking hyphen
        ("ring 070\u2013123 45 67", "ring [telefon]"),
        ("ring 070\u00a0123\u00a045\u00a067", "ring [telefon]"),  # no-break spaces
        ("ring +46 (0)70-123 45 67", "ring [telefon]"),
    ],
)
def test_dash_and_space_variants_are_masked(text: str, expected: str) -> None:
    assert mask(text) == expected


def test_names_are_masked_however_the_text_is_composed(example_kb: KnowledgeBase) -> None:
    import unicodedata

    names = known_names(example_kb.organisation, ["Åsa Öberg"])
    decomposed = unicodedata.normalize("NFD", "har åsa öberg svarat?")  # as macOS may send it
    assert mask(decomposed, names) == "har [namn] svarat?"
    assert mask("maria.lindqvist eller maria_lindqvist", names) == "[namn] eller [namn]"


@pytest.mark.parametrize(
    "display", ["Svensson, Sven (Socialförvaltningen)", "Sven Svensson [extern]", "Svensson Sven"]
)
def test_a_display_name_is_masked_in_the_forms_people_write_it(display: str) -> None:
    names = known_names(Organisation("Kommun", ()), [display])
    assert mask("sven svenssons lön, fråga Svensson", names) == "[namn] lön, fråga [namn]"


@pytest.mark.parametrize(
    ("messages", "expected"),
    [
        (
            ["Mitt personnummer är 850312", "-2384"],
            ["Mitt personnummer är [personnummer]", "[personnummer]"],
        ),
        (["pnr 850312", "2384 tack"], ["pnr [personnummer]", "[personnummer] tack"]),
        (["ring 070-174", " 06 43"], ["ring [telefon]", "[telefon]"]),
        (["bg 5050", "-1055"], ["bg [bankgiro]", "[bankgiro]"]),
        (["Hej, jag heter Anna", "Chefsson"], ["Hej, jag heter [namn]", "[namn]"]),
        # a date and a time in two messages, as in one: no personnummer
        (["Stämpling 20261202", "0730 saknas"], ["Stämpling 20261202", "0730 saknas"]),
        (["mejla anna.chefsson@k.se", "hej"], ["mejla [e-post]", "hej"]),  # not "…k.sehej"
        (["ärende 4711", "2026-12-02 hände det"], ["ärende 4711", "2026-12-02 hände det"]),
    ],
)
def test_what_one_person_splits_over_two_messages_is_masked(
    messages: list[str], expected: list[str]
) -> None:
    names = known_names(Organisation("Kommun", ()), ["Anna Chefsson"])
    assert mask_messages(messages, names) == expected


def test_masking_messages_in_a_row_finds_nothing_more_in_the_corpus(
    example_kb: KnowledgeBase,
) -> None:
    """Precision across messages: the corpus's lines sent one after another are masked
    as each alone, and a line sent in two parts at any space as the whole line (one
    placeholder per part)."""
    import re

    from knowledge.masking_eval import CORPUS, read_corpus

    names = known_names(example_kb.organisation)
    for path in (CORPUS, CORPUS.parent / "masking_blind1.txt"):
        lines = [e.text for e in read_corpus(path)]
        assert mask_messages(lines, names) == [mask(x, names) for x in lines]
        for line in lines:
            whole = mask(line, names)
            for space in re.finditer(" ", line):
                parts = mask_messages([line[: space.start()], line[space.end() :]], names)
                joined = re.sub(r"(\[[a-z-]+\])(?: \1)+", r"\1", " ".join(parts))
                assert joined == whole, (line, parts)
