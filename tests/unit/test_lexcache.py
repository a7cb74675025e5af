"""The lexical index cache: the same ranking with and without it; a broken file rebuilt."""

from __future__ import annotations

import csv
import logging
from dataclasses import replace
from pathlib import Path

import pytest

from bot.settings import EXAMPLE_DIR
from knowledge import lexcache
from knowledge.base import KnowledgeBase, load_knowledge_base
from knowledge.matcher import Matcher
from knowledge.normalise import Analyzer


def _load(cache_dir: Path | None) -> KnowledgeBase:
    return load_knowledge_base(
        EXAMPLE_DIR / "articles",
        EXAMPLE_DIR / "organisation.yaml",
        EXAMPLE_DIR / "synonyms.yaml",
        cache_dir=cache_dir,
    )


def _questions(n: int = 30) -> list[str]:
    with (EXAMPLE_DIR / "questions.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    step = max(1, len(rows) // n)
    picked = [r["question"] for r in rows[::step]][:n]
    # Typos, missing å/ä/ö and unknown words exercise repair, which reads the learnt state.
    return [*picked, "lonespecen", "hur bestaller jag en ny dattor", "xyzzy qwerty"]


def _cache_files(folder: Path) -> list[Path]:
    return sorted(folder.glob(f"{lexcache.PREFIX}*.npz"))


def _ranking(kb: KnowledgeBase, question: str) -> list[tuple[object, ...]]:
    return [
        (s.article.id, s.score, s.lexical, s.phrasing, s.fuzzy, s.words)
        for s in kb.matcher.rank(question)
    ]


def test_the_cached_index_ranks_exactly_as_a_fresh_one(tmp_path: Path) -> None:
    fresh = _load(None)
    first = _load(tmp_path)  # builds and writes the cache
    assert len(_cache_files(tmp_path)) == 1
    cached = _load(tmp_path)  # reads it
    for kb in (first, cached):
        assert kb.matcher.analyzer.vocabulary == fresh.matcher.analyzer.vocabulary
        assert kb.matcher._phrasing_mass == fresh.matcher._phrasing_mass
    questions = _questions()
    assert len(questions) >= 30
    for q in questions:
        want = _ranking(fresh, q)
        assert _ranking(cached, q) == want, q
        assert _ranking(first, q) == want, q
        assert cached.matcher.analyzer.query_terms(q) == fresh.matcher.analyzer.query_terms(q)
        assert cached.matcher.match(q).outcome == fresh.matcher.match(q).outcome


def test_the_cache_is_read_not_rebuilt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _load(tmp_path)

    def no_fit(*_: object) -> None:
        raise AssertionError("fit ran although the cache holds the index")

    monkeypatch.setattr(Analyzer, "fit", no_fit)
    assert _load(tmp_path).matcher.rank("ny dator")


def test_a_corrupted_cache_file_is_ignored_and_rebuilt(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    want = [_ranking(_load(None), q) for q in _questions(10)]
    _load(tmp_path)
    (path,) = _cache_files(tmp_path)
    data = bytearray(path.read_bytes())
    data[len(data) // 2 : len(data) // 2 + 64] = b"\x00" * 64
    path.write_bytes(bytes(data))
    with caplog.at_level(logging.WARNING, logger="knowledge.lexcache"):
        kb = _load(tmp_path)
    assert "Ignoring the lexical index cache" in caplog.text
    assert [_ranking(kb, q) for q in _questions(10)] == want
    caplog.clear()  # the rebuilt file is whole again:
    with caplog.at_level(logging.WARNING, logger="knowledge.lexcache"):
        _load(tmp_path)
    assert "Ignoring the lexical index cache" not in caplog.text


@pytest.mark.parametrize("garbage", [b"", b"not a zip file", b"PK\x03\x04" + b"\x00" * 100])
def test_an_unreadable_cache_file_is_ignored(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, garbage: bytes
) -> None:
    _load(tmp_path)
    (path,) = _cache_files(tmp_path)
    path.write_bytes(garbage)
    with caplog.at_level(logging.WARNING, logger="knowledge.lexcache"):
        assert _load(tmp_path).matcher.rank("ny dator")
    assert "Ignoring the lexical index cache" in caplog.text


def test_a_stale_file_under_the_right_name_is_ignored(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A file named for this base but holding another's index (a hash prefix collision,
    or a file copied in by hand) is not used."""
    other = tmp_path / "other"
    kb = _load(other)
    (built,) = _cache_files(other)
    few = kb.articles[:5]
    Matcher(few, Analyzer(), cache_dir=tmp_path)
    (path,) = _cache_files(tmp_path)
    path.write_bytes(built.read_bytes())
    with caplog.at_level(logging.WARNING, logger="knowledge.lexcache"):
        m = Matcher(few, Analyzer(), cache_dir=tmp_path)
    assert "Ignoring the lexical index cache" in caplog.text
    assert len(m.articles) == 5 and m.index.size == 5


def test_the_key_follows_everything_the_index_depends_on() -> None:
    kb = _load(None)
    arts = kb.articles
    fields = lexcache.FieldWeights()
    base = lexcache.cache_key(arts, Analyzer([["dator", "laptop"]]), fields)
    edited = (replace(arts[0], answer=arts[0].answer + " Mer."),)
    assert lexcache.cache_key(arts, Analyzer([["dator", "laptop"]]), fields) == base
    assert lexcache.cache_key((*edited, *arts[1:]), Analyzer([["dator", "laptop"]]), fields) != base
    assert lexcache.cache_key(arts, Analyzer([["dator", "pc"]]), fields) != base
    assert lexcache.cache_key(arts, Analyzer([["dator", "laptop"]], repair=False), fields) != base
    assert (
        lexcache.cache_key(arts, Analyzer([["dator", "laptop"]]), lexcache.FieldWeights(answer=0.5))
        != base
    )
