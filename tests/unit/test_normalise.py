from __future__ import annotations

from knowledge.compounds import CompoundSplitter
from knowledge.normalise import Analyzer
from knowledge.text import fold, words


def fitted(*texts: str, synonyms: list[list[str]] | None = None) -> Analyzer:
    analyzer = Analyzer(synonyms or [])
    analyzer.fit(texts)
    return analyzer


def test_case_and_diacritic_folding() -> None:
    assert fold("lön") == "lon"
    assert fold("ÅÄÖ".casefold()) == "aao"
    assert words("Lönen ÄR SEN!") == ["lönen", "är", "sen"]


def test_missing_diacritics_find_the_same_term() -> None:
    a = fitted("Hur får jag min lön?")
    assert a.query_terms("lon") == a.query_terms("lön") == ("lon",)


def test_stop_words_are_dropped_and_stems_kept() -> None:
    a = fitted("Semestern börjar i juli")
    assert a.basic("Hur gör jag när jag vill ta ut semester?") == ["semest"]


def test_a_content_word_that_folds_to_a_stop_word_is_kept() -> None:
    a = fitted("Budgeten gäller för ett år.", "Val till nämnden.")
    assert a.basic("är det samma år") == ["ar"]  # "år" (year) stays, "är" goes
    assert a.basic("nar ar det val") == ["val"]  # typed without diacritics: "när", "är"
    assert a.basic("när är det val") == ["val"]


def test_a_doubled_final_consonant_meets_its_base() -> None:
    a = fitted("Boka ett rum i kommunhuset.", "Alla rummen har skärm.")  # Snowball: "rumm"
    assert a.query_terms("rummen") == a.query_terms("rum") == ("rum",)


def test_compound_meets_its_parts() -> None:
    a = fitted("Din lön betalas ut den 25:e.", "Lön och skatt.", "En specifikation av beloppen.")
    terms = a.query_terms("lönespecifikationen")
    assert "lon" in terms and "specifikation" in terms


def test_compound_in_the_base_meets_a_part_in_the_question() -> None:
    a = fitted("Boka konferensrummet i receptionen.", "Ett rum", "Stort rum", "konferens")
    assert "rum" in a.index_terms("konferensrummet")


def test_rare_three_letter_parts_do_not_split_words() -> None:
    a = fitted("Ett samtal med chefen", "Sam kommer", "ett tal")
    assert a.index_terms("samtal") == ["samtal"]


def test_splitter_does_not_split_on_derivational_endings() -> None:
    splitter = CompoundSplitter({"verksam", "het", "lon", "specifikation"})
    assert splitter.split("verksamhet") == ()
    assert splitter.split("lonespecifikation") == ("lon", "specifikation")


def test_synonyms_map_to_the_first_word_of_the_group() -> None:
    a = fitted("Beställ en ny dator", synonyms=[["dator", "laptop", "bärbar dator"]])
    assert a.query_terms("laptop") == a.query_terms("dator")
    assert a.query_terms("bärbar dator") == a.query_terms("dator")


def test_typos_are_repaired_against_the_vocabulary() -> None:
    a = fitted("Ansök om semester i personalsystemet")
    assert a.query_terms("semster") == a.query_terms("semester")
    assert "personalsystem" in a.query_terms("personalsystmet")[0]


def test_unknown_words_stay_unknown() -> None:
    a = fitted("Ansök om semester")
    assert a.query_terms("lunchmeny") == ("lunchmeny",)


def test_hyphenated_words_match_joined_and_split() -> None:
    a = fitted("Skapa en e-tjänst i plattformen")
    assert "etjanst" in a.query_terms("etjänst")
    assert "tjanst" in a.query_terms("e tjänst")
