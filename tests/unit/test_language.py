"""Which language a question is in: Swedish, or one the matcher reads by meaning."""

from __future__ import annotations

import csv

import pytest

from knowledge.language import detect
from tests.conftest import EXAMPLE_DIR


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Hur bokar jag en poolbil?", "sv"),
        ("kranen läcker i personalköket", None),  # no function word: unknown, read as Swedish
        ("How do I book a pool car?", "en"),
        ("I forgot my password", "en"),
        ("Miten varaan kokoushuoneen ensi viikolle?", "fi"),
        ("Unohdin salasanani, miten saan uuden salasanan?", "fi"),  # long vowels
        ("Waan ilaaway password-kayga. Maxaan sameeyaa?", "so"),  # Somali doubles them too
        ("vi har en saab som poolbil", "sv"),
        ("كيف أحجز سيارة الخدمة؟", "ar"),
        ("چطور یک ماشین اداری رزرو کنم؟", "fa"),
        ("Sideen u qabsadaa qol shir oo 15 qof ah?", "so"),
        ("a\x00b", None),
        ("", None),
        ("test", None),
    ],
)
def test_detect(text: str, language: str | None) -> None:
    assert detect(text) == language


def test_no_swedish_question_file_is_read_as_another_language() -> None:
    for name in ("questions.csv", "questions_holdout.csv", "questions_blind2.csv"):
        with (EXAMPLE_DIR / name).open(encoding="utf-8") as fh:
            wrong = [
                r["question"]
                for r in csv.DictReader(fh)
                if detect(r["question"]) not in ("sv", None)
            ]
        assert wrong == [], name
