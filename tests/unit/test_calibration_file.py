"""A calibration file that is broken, crafted or from another version is reported and
skipped, mode by mode; it never crashes start-up or turns into certainty."""

from __future__ import annotations

import json
from pathlib import Path

from knowledge.base import default_calibration_file, load_knowledge_base
from knowledge.confidence import DEFAULT, FEATURES, read_models
from tests.conftest import EXAMPLE_DIR

ARTS = EXAMPLE_DIR / "articles"
ORG = EXAMPLE_DIR / "organisation.yaml"


def _shipped() -> dict:
    return json.loads(default_calibration_file(ARTS).read_text(encoding="utf-8"))


def _kb_with(tmp_path: Path, body: object):
    path = tmp_path / "calibration.json"
    path.write_text(json.dumps(body) if not isinstance(body, str) else body, encoding="utf-8")
    return load_knowledge_base(ARTS, ORG, calibration_file=path)


def test_a_model_that_is_not_an_object_is_skipped_with_a_warning_not_a_crash(
    tmp_path: Path,
) -> None:
    # Documented: "a broken one is skipped with a warning". A list or string where a
    # model object belongs raises AttributeError, which _calibration does not catch.
    kb = _kb_with(tmp_path, {"models": {"lexical": ["oops"]}})
    assert kb.matcher.calibration == DEFAULT["lexical"]


def test_a_nan_weight_is_refused_not_read_as_certainty(tmp_path: Path) -> None:
    # json accepts NaN; Logistic clamps z with min/max, and min(50.0, nan) is 50.0:
    # every ranking then gets probability 1.0 and is answered outright.
    body = _shipped()
    body["models"]["lexical"]["answer"]["bias"] = float("nan")
    kb = _kb_with(tmp_path, body)
    offtopic = [
        "Vad kostar en pizza i Rom?",
        "Hur bakar jag kanelbullar?",
        "Vem vann melodifestivalen?",
        "Hur byter jag däck på min privata bil?",
    ]
    answered = [q for q in offtopic if kb.matcher.match(q).outcome.value == "answer"]
    assert not answered, answered
    assert kb.problems, "a NaN model should be reported"


def test_one_unknown_or_broken_mode_does_not_discard_the_valid_one(tmp_path: Path) -> None:
    # A file from a newer version with an extra mode, or with one broken mode: the
    # lexical model in it is valid and fitted on this base, but the whole file is dropped.
    body = _shipped()
    body["models"]["semantic-large"] = {"features": ["x"], "answer": {}, "choices": {}}
    path = tmp_path / "calibration.json"
    path.write_text(json.dumps(body), encoding="utf-8")
    shipped = read_models(default_calibration_file(ARTS))["lexical"]
    kb = load_knowledge_base(ARTS, ORG, calibration_file=path)
    assert kb.matcher.calibration == shipped


def test_features_mismatch_is_reported(tmp_path: Path) -> None:
    body = _shipped()
    body["models"]["lexical"]["features"] = list(reversed(FEATURES["lexical"]))
    kb = _kb_with(tmp_path, body)
    assert kb.matcher.calibration == DEFAULT["lexical"] and kb.problems
