from __future__ import annotations

from knowledge.compounds import CompoundSplitter
from knowledge.normalise import Analyzer
from knowledge.text import fold, words


def fitted(*texts: str, synonyms: list[list[str]] | None = None, guard: bool = False) -> Analyzer:
    analyzer = Analyzer(synonyms or [], stem_guard=guard)
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


# Issue 16: stemming must not invent matches between unrelated words (the guard is
# off by default, see ``Analyzer``).


def guarded(*texts: str) -> Analyzer:
    return fitted(*texts, guard=True)


def test_a_verb_does_not_meet_a_noun_its_stem_happens_to_spell() -> None:
    a = guarded("Fråga vår chatbot.", "Chat med oss.", "En bot.", "Betala din bot.")
    assert "bot" in a.index_terms("chatbot")  # the compound meets its part
    assert not set(a.query_terms("kan man bota förkylning")) & set(a.index_terms("chatbot"))
    assert "bot" in a.query_terms("boten")  # the noun's own forms still meet


def test_laga_mat_does_not_meet_the_law() -> None:
    a = guarded("Enligt lagen om offentlig upphandling.", "Vilken lag gäller?", "Mat i skolan.")
    law = set(a.index_terms("Enligt lagen om offentlig upphandling.")) | set(
        a.index_terms("Vilken lag gäller?")
    )
    assert not set(a.query_terms("laga mat")) & law
    assert set(a.query_terms("lagen")) & law  # the law's own forms still meet


def test_a_derivational_ending_does_not_leave_a_different_word() -> None:
    a = guarded("Min far och mor.", "Farligt avfall lämnas på återvinningscentralen.")
    assert a.word_term("farligt") != "far"  # "far" (father) folds to a stop word, "får"
    assert a.word_term("farligt") == a.word_term("farliga") == a.word_term("farlig")
    assert a.word_term("rörelse") != a.word_term("rör")
    assert a.word_term("viktig") != a.word_term("vikt")


def test_the_guard_keeps_a_verbs_forms_together() -> None:
    a = guarded("Boka ett rum.", "Bokningen bekräftas med e-post.", "Hon bokade i går.")
    assert a.query_terms("boka") == a.query_terms("bokade") == a.query_terms("bokar")
    assert a.query_terms("bokning")[0] == a.query_terms("boka")[0]
    assert a.query_terms("lönen") == a.query_terms("lön")  # short noun stems still meet


def test_a_verb_the_base_uses_in_both_forms_stays_one_term() -> None:
    a = guarded("Köpa en dator.", "Hon köper en skärm.")  # the base supports "köp"
    assert a.query_terms("köpa") == a.query_terms("köper")


def test_without_the_guard_snowball_decides() -> None:
    a = fitted("Vilken lag gäller?")
    assert a.query_terms("laga") == ("lag",)
