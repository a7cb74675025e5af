"""The embedding cache on disk gives back every vector it was given."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from knowledge.semantic import Embeddings, Kind, Vectors, _key


class CountingEmbedder:
    model_id = "fake/1"
    floor = 0.0
    dim = 8

    def __init__(self) -> None:
        self.embedded: list[str] = []

    def embed(self, texts: Sequence[str], kind: Kind) -> Vectors:
        self.embedded.extend(texts)
        rng = np.random.default_rng(len(self.embedded))
        v = rng.standard_normal((len(texts), 8)).astype(np.float32)
        return v / np.linalg.norm(v, axis=1, keepdims=True)


def test_a_text_whose_key_ends_in_a_zero_byte_is_found_again(tmp_path: Path) -> None:
    """NumPy drops trailing NUL bytes of "S" strings; such a key was re-embedded at
    every start (one phrasing in 256)."""
    zero = next(
        t for t in (f"fråga {i}" for i in itertools.count()) if _key("query", t).endswith(b"\0")
    )
    texts = [zero, "en vanlig fråga", "en till"]
    first = Embeddings(CountingEmbedder(), tmp_path)
    want = first.articles(texts, "query")
    first.save()
    embedder = CountingEmbedder()
    again = Embeddings(embedder, tmp_path)
    got = again.articles(texts, "query")
    assert embedder.embedded == []
    np.testing.assert_allclose(got, want, atol=1e-3)  # stored as float16


def test_vectors_put_from_elsewhere_are_saved_and_found_again(tmp_path: Path) -> None:
    """The latency bench fills the cache with put(); a restart must then embed nothing."""
    texts = ["en fråga", "en annan fråga"]
    first = Embeddings(CountingEmbedder(), tmp_path)
    first.put("query", texts, CountingEmbedder().embed(texts, "query"))
    first.save()
    embedder = CountingEmbedder()
    Embeddings(embedder, tmp_path).articles(texts, "query")
    assert embedder.embedded == []
