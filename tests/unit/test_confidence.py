"""The answer models: learnt from the base's own phrasings, stored beside it, checked."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from knowledge.base import KnowledgeBase, default_calibration_file, load_knowledge_base
from knowledge.confidence import (
    DEFAULT,
    OFFTOPIC_CHECK_FILE,
    Calibration,
    Logistic,
    calibrate,
    fingerprint,
    fit_logistic,
    offtopic_questions,
    read_models,
    thinned,
    variants,
    write_models,
)
from knowledge.model import Article
from knowledge.normalise import Analyzer
from knowledge.synonyms import read_groups
from tests.conftest import EXAMPLE_DIR, write_article


def test_logistic_fit_learns_which_way_a_feature_points() -> None:
    rng = np.random.default_rng(7)
    x = rng.uniform(0, 1, size=(400, 2))
    y = (x[:, 0] > 0.5).astype(float)  # only the first feature matters
    weights, bias = fit_logistic(x, y)
    model = Logistic(tuple(weights), bias)
    assert model((0.9, 0.5)) > 0.9 > 0.1 > model((0.1, 0.5))
    assert abs(weights[1]) < abs(weights[0]) / 5


def test_variants_are_what_a_hurried_manager_types() -> None:
    asis, typo, shorter, chatty = variants("Hur beställer jag en ny dator?")
    assert asis == "Hur beställer jag en ny dator?"
    assert typo.islower() and "ä" not in typo and typo != asis.lower()
    assert len(shorter.split()) == 5
    assert chatty.endswith("hur beställer jag en ny dator?") and len(chatty) > len(asis)
    assert variants(asis) == [asis, typo, shorter, chatty]  # deterministic


@pytest.mark.parametrize("mode", ["lexical", "semantic"])
def test_the_shipped_models_were_fitted_on_the_shipped_base(
    mode: str, example_kb: KnowledgeBase, semantic_kb: KnowledgeBase
) -> None:
    kb = example_kb if mode == "lexical" else semantic_kb
    shipped = read_models(default_calibration_file(EXAMPLE_DIR / "articles"))[mode]
    assert shipped.fingerprint == fingerprint(kb.articles), (
        "the example base changed: run `stodbot kb calibrate` with STODBOT_SEMANTIC on and off"
    )
    assert kb.matcher.mode == mode and kb.matcher.calibration == shipped
    assert not [p for p in kb.problems if "calibration" in str(p.path)]


def test_calibrating_the_example_base_separates_right_from_wrong(
    example_kb: KnowledgeBase,
) -> None:
    groups = read_groups(EXAMPLE_DIR / "synonyms.yaml")
    model = calibrate(example_kb.articles, lambda: Analyzer(groups))
    assert model.samples > 1000 and model.fingerprint == fingerprint(example_kb.articles)
    m = example_kb.matcher

    def sure(question: str) -> tuple[float, float]:
        x = m.features(m.rank(question), m.analyzer.query_terms(question))
        return model.probability(x), model.choice_probability(x)

    assert min(sure("hur bokar jag en poolbil")) > 0.8
    assert max(sure("vem vann melodifestivalen")) < 0.2


def test_a_stale_model_is_used_with_a_warning_and_a_broken_one_is_skipped(
    tiny_base: tuple[Path, Path],
) -> None:
    arts, org = tiny_base
    path = default_calibration_file(arts)
    kb = load_knowledge_base(arts, org)
    assert kb.matcher.calibration == DEFAULT["lexical"] and kb.problems == ()  # built-in
    base = DEFAULT["lexical"]
    fitted = Calibration(
        "lexical", base.answer, Logistic(base.choices.weights, -1.0), fingerprint(kb.articles), 10
    )
    write_models(path, {"lexical": fitted})
    assert load_knowledge_base(arts, org).matcher.calibration == fitted
    write_article(
        arts,
        "it/skrivare.md",
        "id: it-skrivare\narea: it\ntitle: Skrivaren skriver inte ut\nquestions:\n"
        "  - Skrivaren är trasig, vem fixar den?\nreviewed: 2026-06-01\n",
        "Starta om skrivaren.\n",
    )
    stale = load_knowledge_base(arts, org)
    assert stale.matcher.calibration == fitted
    assert any("stodbot kb calibrate" in p.message for p in stale.problems)
    for broken_text in ("{not json", '{"features": [], "weights": [], "bias": 0}'):
        path.write_text(broken_text, encoding="utf-8")  # garbage, and the pre-semantic format
        broken = load_knowledge_base(arts, org)
        assert broken.matcher.calibration == DEFAULT["lexical"]
        assert any(p.path == path and p.severity == "warning" for p in broken.problems)


def test_a_thin_copy_keeps_each_title_and_three_phrasings_and_holds_out_a_fourth() -> None:
    dense = Article(
        id="a",
        area="hr",
        title="Titel",
        questions=tuple(f"fråga {i}" for i in range(9)),
        answer="Svar.",
        keywords=("nyckel",),
    )
    short = Article(id="b", area="hr", title="Kort", questions=("en",), answer="Svar.")
    for r in range(3):
        kept, held = thinned([dense, short], r, 3)
        thin = kept[0]
        assert thin.title == "Titel" and len(thin.questions) == 3 and thin.keywords == ()
        assert held["a"] not in thin.phrasings and held["a"] in dense.questions
        assert "b" not in held and kept[1].questions == ("en",)  # too few to hold one out
    assert len({thinned([dense], r, 3)[1]["a"] for r in range(3)}) == 3  # a new one each round


def test_the_check_questions_are_not_the_ones_the_models_learn_from() -> None:
    """kb report's everyday figure is honest only if the answer models never saw them."""
    learnt = {q.lower() for q in offtopic_questions()}
    check = offtopic_questions(OFFTOPIC_CHECK_FILE)
    assert len(check) >= 20 and not {q.lower() for q in check} & learnt


def test_a_shipped_file_without_a_mode_routes_that_mode_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from knowledge import confidence

    only_lexical = tmp_path / "calibration.json"
    write_models(only_lexical, {"lexical": DEFAULT["lexical"]})
    monkeypatch.setattr(confidence, "SHIPPED", only_lexical)
    models = confidence._shipped()
    assert models["lexical"] == DEFAULT["lexical"]
    never, x = models["semantic"], [1.0] * len(confidence.FEATURES["semantic"])
    assert never.probability(x) < 1e-6 and never.choice_probability(x) < 1e-6
    assert "no semantic model" in caplog.text
