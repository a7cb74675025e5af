"""Meaning, not shared words: sentence embeddings behind a port.

The matcher compares a question with each article's phrasings twice: by the
words they share (``knowledge.index``) and by what they mean, as the cosine
between sentence embeddings. The embedding model is a port (``Embedder``) so a
municipality can plug in a bigger model served elsewhere; the default adapter
(``adapters.semantic``) runs a small multilingual model in-process.

Article texts are embedded once and kept in an on-disk cache keyed by the
model and a hash of the text (``Embeddings``), so a restart re-embeds nothing
and an edited article re-embeds only its changed phrasings. Questions are never
written to the cache: they may hold personal data.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import tempfile
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Literal, Protocol

import numpy as np
import numpy.typing as npt

from knowledge.model import Article

log = logging.getLogger(__name__)

Kind = Literal["query", "passage"]
Vectors = npt.NDArray[np.float32]


class Embedder(Protocol):
    """Turns texts into L2-normalised vectors; the same text gives the same vector."""

    @property
    def model_id(self) -> str:
        """Names the model and its version: cached vectors are kept per model_id."""
        ...

    @property
    def floor(self) -> float:
        """The cosine two unrelated texts typically get: it maps to similarity 0."""
        ...

    def embed(self, texts: Sequence[str], kind: Kind) -> Vectors:
        """(len(texts), dim) float32. ``query`` for questions and phrasings (short, asked),
        ``passage`` for answer text."""
        ...


class Embeddings:
    """An embedder with a disk cache of article texts (``cache_dir`` None: memory only).

    ``seeds`` are folders whose cache file for the same model is read but never written:
    a knowledge base can ship its embeddings beside its articles (the example base
    does), so the first start embeds nothing."""

    def __init__(
        self, embedder: Embedder, cache_dir: Path | None = None, seeds: Sequence[Path] = ()
    ) -> None:
        self.embedder = embedder
        self._file = cache_dir / self.file_name if cache_dir else None
        self._known: dict[bytes, Vectors] = {}
        self._learning = False
        self._dirty = False
        for folder in (*seeds, *([cache_dir] if cache_dir else [])):
            if (folder / self.file_name).is_file():
                self._read(folder / self.file_name)

    @property
    def file_name(self) -> str:
        return f"embeddings-{_slug(self.embedder.model_id)}.npz"

    @property
    def floor(self) -> float:
        return self.embedder.floor

    def similarity(self, cosines: npt.NDArray[np.floating]) -> npt.NDArray[np.float64]:
        """Cosines mapped to 0..1: the model's floor (unrelated) is 0, identical is 1."""
        floor = self.floor
        return np.clip((np.asarray(cosines, dtype=np.float64) - floor) / (1 - floor), 0.0, 1.0)

    def question(self, text: str) -> Vectors:
        """A question's vector. Never written to disk (it may hold personal data); a
        question worded exactly as an article's phrasing takes that phrasing's vector."""
        known = self._known.get(_key("query", text))
        if known is not None:
            return known
        vector = self.embedder.embed([text], "query")[0]
        if self._learning:
            self._known[_key("query", text)] = vector
            self._dirty = True
        return np.asarray(vector, dtype=np.float32)

    def learning(self) -> Embeddings:
        """The same cache, also keeping the vectors of the questions it is asked: for
        calibration, whose questions are variants of the articles' own phrasings (with a
        typo, a word left out, a greeting first), never anyone's real question. A second
        calibration of the same base embeds nothing."""
        twin = Embeddings(self.embedder)
        twin._file, twin._known, twin._learning = self._file, self._known, True
        return twin

    def articles(self, texts: Sequence[str], kind: Kind) -> Vectors:
        """Vectors of article texts, from the cache where it has them."""
        keys = [_key(kind, t) for t in texts]
        missing = dict(
            sorted({k: t for k, t in zip(keys, texts, strict=True) if k not in self._known}.items())
        )
        if missing:
            fresh = self.embedder.embed(list(missing.values()), kind)
            for k, v in zip(missing, fresh, strict=True):
                self._known[k] = v.astype(np.float32)
            self._dirty = True
        if not keys:
            return np.zeros((0, 0), dtype=np.float32)
        return np.stack([self._known[k] for k in keys]).astype(np.float32)

    def save(self, to: Path | None = None, only: Sequence[tuple[Kind, str]] | None = None) -> None:
        """Write the cache if it learnt anything (atomically: a reader never sees half);
        ``to`` writes to that file instead (a seed to ship), ``only`` those texts."""
        target = to or self._file
        if target is None or (to is None and not self._dirty) or not self._known:
            return
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            chosen = list(self._known)
            if only is not None:
                wanted = dict.fromkeys(_key(kind, text) for kind, text in only)
                chosen = [k for k in wanted if k in self._known]
            keys = np.array(chosen, dtype=f"S{_KEY_BYTES}")
            vectors = np.stack([self._known[k] for k in chosen]).astype(np.float16)
            fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".npz.tmp")
            with os.fdopen(fd, "wb") as fh:
                np.savez(fh, keys=keys, vectors=vectors)
            if to is not None:
                os.chmod(tmp, 0o644)  # a seed is shipped, not private
            os.replace(tmp, target)
            if to is None:
                self._dirty = False
        except OSError as exc:
            log.warning("Could not write the embedding cache %s: %s", target, exc)

    def _read(self, path: Path) -> None:
        try:
            with np.load(path, allow_pickle=False) as data:
                keys, vectors = data["keys"], data["vectors"]
            if len(keys) != len(vectors):
                raise ValueError("keys and vectors differ in length")
        except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as exc:
            log.warning("Ignoring the embedding cache %s: %s", path, exc)
            return
        # NumPy's "S" strings drop trailing NUL bytes: a digest ending in 0 (one in 256)
        # comes back short and must be padded again, or it is never found.
        self._known.update(
            (bytes(k).ljust(_KEY_BYTES, b"\x00"), v.astype(np.float32))
            for k, v in zip(keys, vectors, strict=True)
        )


_KEY_BYTES = 32


def _key(kind: Kind, text: str) -> bytes:
    return hashlib.sha256(f"{kind}\x1f{text}".encode("utf-8", "surrogatepass")).digest()


def _slug(model_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", model_id)[:80]


class SemanticIndex:
    """Every article's phrasings as vectors, grouped by article: ``cosines(q)`` gives each
    article's best cosine to the question. An article with no phrasing is represented by
    its answer text, embedded as a passage."""

    @staticmethod
    def texts(articles: Sequence[Article]) -> list[tuple[Kind, str]]:
        """What the index embeds for ``articles``: each phrasing, or the answer of an
        article with none."""
        out: list[tuple[Kind, str]] = []
        for a in articles:
            phrasings = [p for p in a.phrasings if p.strip()]
            if phrasings:
                out.extend(("query", p) for p in phrasings)
            else:
                out.append(("passage", a.answer))
        return out

    def __init__(self, articles: Sequence[Article], embeddings: Embeddings) -> None:
        self.embeddings = embeddings
        queries: list[str] = []
        passages: list[str] = []
        owner_q: list[int] = []
        owner_p: list[int] = []
        for i, a in enumerate(articles):
            phrasings = [p for p in a.phrasings if p.strip()]
            if phrasings:
                queries.extend(phrasings)
                owner_q.extend([i] * len(phrasings))
            else:
                passages.append(a.answer)
                owner_p.append(i)
        parts = [embeddings.articles(queries, "query"), embeddings.articles(passages, "passage")]
        parts = [p for p in parts if len(p)]
        owners = np.asarray(owner_q + owner_p, dtype=np.int64)
        self.size = len(articles)
        if not parts:
            self._matrix = np.zeros((0, 0), dtype=np.float32)
            self._owner = owners
            self._starts = owners
            return
        order = np.argsort(owners, kind="stable")
        self._matrix = np.ascontiguousarray(np.concatenate(parts)[order])
        self._owner = owners[order]
        self._starts = np.flatnonzero(np.r_[True, self._owner[1:] != self._owner[:-1]])
        embeddings.save()

    def cosines(self, question: Vectors) -> npt.NDArray[np.float64]:
        """Each article's highest cosine between the question and one of its texts
        (-1 for an article with no text at all)."""
        out = np.full(self.size, -1.0)
        if not len(self._matrix):
            return out
        sims = self._matrix @ question.astype(np.float32)
        out[self._owner[self._starts]] = np.maximum.reduceat(sims, self._starts)
        return out
