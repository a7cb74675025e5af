"""The answer model: learnt from the base's own phrasings, stored beside it, checked."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from knowledge.base import KnowledgeBase, default_calibration_file, load_knowledge_base
from knowledge.confidence import (
    DEFAULT,
    Calibration,
    calibrate,
    features,
    fingerprint,
    fit_logistic,
    variants,
)
from knowledge.normalise import Analyzer
from knowledge.synonyms import read_groups
from tests.conftest import EXAMPLE_DIR, write_article


def test_logistic_fit_learns_which_way_a_feature_points() -> None:
    rng = np.random.default_rng(7)
    x = rng.uniform(0, 1, size=(400, 2))
    y = (x[:, 0] > 0.5).astype(float)  # only the first feature matters
    weights, bias = fit_logistic(x, y)
    model = Calibration(tuple(weights), bias)
    assert model.probability((0.9, 0.5)) > 0.9 > 0.1 > model.probability((0.1, 0.5))
    assert abs(weights[1]) < abs(weights[0]) / 5


def test_variants_are_what_a_hurried_manager_types() -> None:
    asis, typo, shorter, chatty = variants("Hur beställer jag en ny dator?")
    assert asis == "Hur beställer jag en ny dator?"
    assert typo.islower() and "ä" not in typo and typo != asis.lower()
    assert len(shorter.split()) == 5
    assert chatty.endswith("hur beställer jag en ny dator?") and len(chatty) > len(asis)
    assert variants(asis) == [asis, typo, shorter, chatty]  # deterministic


def test_the_shipped_model_was_fitted_on_the_shipped_base(example_kb: KnowledgeBase) -> None:
    shipped = Calibration.read(default_calibration_file(EXAMPLE_DIR / "articles"))
    assert shipped.fingerprint == fingerprint(example_kb.articles), (
        "the example base changed: run `stodbot kb calibrate`"
    )
    assert example_kb.matcher.calibration == shipped
    assert not [p for p in example_kb.problems if "calibration" in str(p.path)]


def test_calibrating_the_example_base_separates_right_from_wrong(
    example_kb: KnowledgeBase,
) -> None:
    groups = read_groups(EXAMPLE_DIR / "synonyms.yaml")
    model = calibrate(example_kb.articles, lambda: Analyzer(groups))
    assert model.samples > 1000 and model.fingerprint == fingerprint(example_kb.articles)
    m = example_kb.matcher

    def sure(question: str) -> float:
        ranked, terms = m.rank(question), m.analyzer.query_terms(question)
        return model.probability(features(ranked, terms, m.analyzer.vocabulary))

    assert sure("hur bokar jag en poolbil") > 0.8
    assert sure("vem vann melodifestivalen") < 0.2


def test_a_stale_model_is_used_with_a_warning_and_a_broken_one_is_skipped(
    tiny_base: tuple[Path, Path],
) -> None:
    arts, org = tiny_base
    path = default_calibration_file(arts)
    kb = load_knowledge_base(arts, org)
    assert kb.matcher.calibration == DEFAULT and kb.problems == ()  # no file: built-in model
    fitted = Calibration(DEFAULT.weights, -1.0, fingerprint(kb.articles), 10)
    path.write_text(fitted.to_json(), encoding="utf-8")
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
    path.write_text("{not json", encoding="utf-8")
    broken = load_knowledge_base(arts, org)
    assert broken.matcher.calibration == DEFAULT
    assert any(p.path == path and p.severity == "warning" for p in broken.problems)
