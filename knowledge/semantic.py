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

import contextlib
import hashlib
import logging
import os
import re
import stat
import tempfile
import zipfile
from collections import OrderedDict
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

    @property
    def dim(self) -> int:
        """How many numbers a vector has."""
        ...

    def embed(self, texts: Sequence[str], kind: Kind) -> Vectors:
        """(len(texts), dim) float32. ``query`` for questions and phrasings (short, asked),
        ``passage`` for answer text."""
        ...


class Embeddings:
    """An embedder with a disk cache of article texts (``cache_dir`` None: memory only).

    ``seeds`` are folders whose cache file for the same model is read but never written:
    a knowledge base can ship its embeddings beside its articles (the example base
    does), so the first start embeds nothing.

    A cache file is data, never code (no pickle), and is checked before use: a file
    of the wrong shape, type or size, or a folder anyone may write to, is ignored with
    a warning; a vector that is not finite is dropped. Vectors are kept as float16, on
    disk and in memory alike, so a restart ranks exactly as the first start did."""

    def __init__(
        self, embedder: Embedder, cache_dir: Path | None = None, seeds: Sequence[Path] = ()
    ) -> None:
        self.embedder = embedder
        self._file = cache_dir / self.file_name if cache_dir and _private(cache_dir) else None
        self._known: dict[bytes, Vectors] = {}
        self._used: dict[bytes, None] = {}  # what this process asked for: what is saved
        self._recent: OrderedDict[str, Vectors] = OrderedDict()  # questions, memory only
        self._dim: int | None = None
        self._learning = False
        self._dirty = False
        self._dim = int(embedder.dim)  # before trusting a file
        folders = [*seeds, *([cache_dir] if self._file is not None and cache_dir else [])]
        for folder in folders:
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
        """A question's vector. Never written to disk (it may hold personal data); the
        last few are remembered in memory (a question asked back, then routed, is
        embedded once); a question worded exactly as an article's phrasing takes that
        phrasing's vector."""
        key = _key("query", text)
        known = self._known.get(key)
        if known is not None:
            if self._learning:
                self._used[key] = None
            return known
        vector = self._recent.get(text)
        if vector is None:
            vector = self._fresh([text], "query")[0]
        self._recent[text] = vector
        self._recent.move_to_end(text)
        while len(self._recent) > RECENT_QUESTIONS:
            self._recent.popitem(last=False)
        if self._learning:  # a calibration variant of an article's phrasing, not a question
            self._known[key] = vector
            self._used[key] = None
            self._dirty = True
        return vector

    def learning(self) -> Embeddings:
        """The same cache, also keeping the vectors of the questions it is asked: for
        calibration, whose questions are variants of the articles' own phrasings (with a
        typo, a word left out, a greeting first), never anyone's real question. A second
        calibration of the same base embeds nothing."""
        twin = Embeddings(self.embedder)
        twin._file, twin._known, twin._used = self._file, self._known, self._used
        twin._dim, twin._learning = self._dim, True
        return twin

    def articles(self, texts: Sequence[str], kind: Kind) -> Vectors:
        """Vectors of article texts, from the cache where it has them."""
        keys = [_key(kind, t) for t in texts]
        missing = dict(
            sorted({k: t for k, t in zip(keys, texts, strict=True) if k not in self._known}.items())
        )
        if missing:
            fresh = self._fresh(list(missing.values()), kind)
            for k, v in zip(missing, fresh, strict=True):
                self._known[k] = v
            self._dirty = True
        for k in keys:
            self._used.setdefault(k, None)
        if not keys:
            return np.zeros((0, self._dim or 0), dtype=np.float32)
        return np.stack([self._known[k] for k in keys])

    def put(self, kind: Kind, texts: Sequence[str], vectors: Vectors) -> None:
        """Store vectors computed elsewhere for article texts (a benchmark filling the
        cache); they are kept and saved as if embedded here."""
        for text, vector in zip(texts, _half(np.asarray(vectors, np.float32)), strict=True):
            key = _key(kind, text)
            self._known[key] = vector
            self._used[key] = None
        self._dirty = True

    def _fresh(self, texts: Sequence[str], kind: Kind) -> Vectors:
        """Embed now; the first vector fixes the dimension, and cached vectors of another
        dimension (another model under the same name) are dropped."""
        out = _half(np.atleast_2d(np.asarray(self.embedder.embed(texts, kind), np.float32)))
        if self._dim != out.shape[1]:
            if self._known:
                log.warning("Dropping %d cached vectors of another dimension", len(self._known))
            self._known = {k: v for k, v in self._known.items() if v.shape[0] == out.shape[1]}
            self._dim = out.shape[1]
        return out

    def save(self, to: Path | None = None, only: Sequence[tuple[Kind, str]] | None = None) -> None:
        """Write the vectors this process used, if it embedded anything new (atomically:
        a reader never sees half); old phrasings drop out. ``to`` writes to that file
        instead (a seed to ship), ``only`` those texts."""
        target = to or self._file
        if target is None or (to is None and not self._dirty) or not self._known:
            return
        wanted = self._used if only is None else dict.fromkeys(_key(k, t) for k, t in only)
        chosen = [k for k in wanted if k in self._known]
        tmp: str | None = None
        try:
            target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            keys = np.array(chosen, dtype=f"S{_KEY_BYTES}")
            vectors = np.stack([self._known[k] for k in chosen]).astype(np.float16)
            fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".npz.tmp")
            with os.fdopen(fd, "wb") as fh:
                np.savez(fh, keys=keys, vectors=vectors)
            if to is not None:
                os.chmod(tmp, 0o644)  # a seed is shipped, not private
            os.replace(tmp, target)
            tmp = None
            if to is None:
                self._dirty = False
        except (OSError, ValueError) as exc:
            log.warning("Could not write the embedding cache %s: %s", target, exc)
        finally:
            if tmp is not None:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)

    def _read(self, path: Path) -> None:
        try:
            with zipfile.ZipFile(path) as archive:
                size = sum(info.file_size for info in archive.infolist())
            if size > MAX_CACHE_BYTES:
                raise ValueError(f"{size} bytes unpacked, more than {MAX_CACHE_BYTES}")
            with np.load(path, allow_pickle=False) as data:
                keys, vectors = data["keys"], data["vectors"]
            if keys.ndim != 1 or keys.dtype.kind != "S" or keys.dtype.itemsize > _KEY_BYTES:
                raise ValueError("keys are not a list of hashes")
            if vectors.ndim != 2 or vectors.dtype.kind != "f" or len(keys) != len(vectors):
                raise ValueError("vectors are not one row of numbers per key")
            if self._dim is not None and vectors.shape[1] != self._dim:
                raise ValueError(f"vectors of {vectors.shape[1]} numbers, not {self._dim}")
        except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as exc:
            log.warning("Ignoring the embedding cache %s: %s", path, exc)
            return
        finite = np.isfinite(vectors).all(axis=1)
        if not finite.all():
            log.warning("%s: dropping %d vectors that are not finite", path, int((~finite).sum()))
        self._dim = int(vectors.shape[1])
        # NumPy's "S" strings drop trailing NUL bytes: a digest ending in 0 (one in 256)
        # comes back short and must be padded again, or it is never found.
        self._known.update(
            (bytes(k).ljust(_KEY_BYTES, b"\x00"), v.astype(np.float32))
            for k, v, ok in zip(keys, vectors, finite, strict=True)
            if ok
        )


RECENT_QUESTIONS = 32
MAX_CACHE_BYTES = 2**30  # 20,000 articles' phrasings take about 100 MB


def _half(vectors: Vectors) -> Vectors:
    """Rounded to float16 as the cache stores them, so a fresh vector equals a read one."""
    return vectors.astype(np.float16).astype(np.float32)


def _private(folder: Path) -> bool:
    """A cache folder others may write to could be handed crafted vectors: not used."""
    try:
        mode = folder.stat().st_mode
    except OSError:
        return True  # not there yet: created private
    if mode & stat.S_IWOTH and not mode & stat.S_ISVTX:
        log.warning("Not using the cache folder %s: anyone may write to it", folder)
        return False
    return True


_KEY_BYTES = 32


def _key(kind: Kind, text: str) -> bytes:
    return hashlib.sha256(f"{kind}\x1f{text}".encode("utf-8", "surrogatepass")).digest()


def _slug(model_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", model_id)[:80]


class SemanticIndex:
    """Every article as vectors: its phrasings (title and alternate questions, embedded as
    questions) and its answer (title and answer text, embedded as a passage).
    ``parts(q)`` gives each article's blend of the two: ``(1 - w) *`` the best cosine
    between the question and one of its phrasings ``+ w *`` the cosine between the
    question and its answer, where the answer counts as ``answer`` phrasings:
    ``w = answer / (answer + the article's phrasings)``. An article with many phrasings
    is found by them; one with few leans on its answer, and one with none (a title-less
    FAQ entry) is its answer alone.

    The two read different things. A phrasing says how someone else asked; with many
    phrasings an article is found by the one closest to the question. The answer says
    what the article is about, which is what e5 was trained to retrieve from a question
    ("Mamma har demens och kan inte bo själv längre" shares little with "Ansöka om
    särskilt boende" but much with an answer about boende för äldre som inte klarar sig
    hemma). On a base with three or four phrasings an article the answer alone ranks
    the right article first more often than the phrasings; on the example base, with
    nine to eleven, the phrasings do (bench/README.md)."""

    @staticmethod
    def passage(article: Article) -> str:
        """What represents an article's answer: its title, then the answer text."""
        return f"{article.title}\n{article.answer}".strip()

    @staticmethod
    def texts(articles: Sequence[Article]) -> list[tuple[Kind, str]]:
        """What the index embeds for ``articles``: each phrasing, and each answer."""
        out: list[tuple[Kind, str]] = []
        for a in articles:
            out.extend(("query", p) for p in a.phrasings if p.strip())
        out.extend(("passage", SemanticIndex.passage(a)) for a in articles)
        return out

    def __init__(
        self, articles: Sequence[Article], embeddings: Embeddings, answer: float = 8.0
    ) -> None:
        if not answer >= 0.0:
            raise ValueError("the answer counts as zero phrasings or more")
        self.embeddings = embeddings
        queries: list[str] = []
        owners: list[int] = []
        counts: list[int] = []
        for i, a in enumerate(articles):
            phrasings = [p for p in a.phrasings if p.strip()]
            queries.extend(phrasings)
            owners.extend([i] * len(phrasings))
            counts.append(len(phrasings))
        self.size = len(articles)
        n = np.asarray(counts, dtype=np.float64)
        with np.errstate(invalid="ignore"):  # no phrasing and an answer counting as none
            share = np.where(n > 0, answer / (answer + n), 1.0)
        self._share = share  # each article's answer's share of its meaning
        self._matrix = embeddings.articles(queries, "query")
        self._owner = np.asarray(owners, dtype=np.int64)  # already grouped, in article order
        self._starts = np.flatnonzero(np.r_[True, self._owner[1:] != self._owner[:-1]])
        self._answers = embeddings.articles([self.passage(a) for a in articles], "passage")
        embeddings.save()

    def parts(self, question: Vectors) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        """Each article's blended cosine (its best phrasing's and its answer's; an article
        with no phrasing is represented by its answer alone), and its answer's alone."""
        if not self.size:
            return np.zeros(0), np.zeros(0)
        q = question.astype(np.float32)
        answers = (self._answers @ q).astype(np.float64)
        phrasings = answers.copy()
        if len(self._matrix):
            sims = (self._matrix @ q).astype(np.float64)
            phrasings[self._owner[self._starts]] = np.maximum.reduceat(sims, self._starts)
        return (1 - self._share) * phrasings + self._share * answers, answers
