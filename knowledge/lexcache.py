"""The lexical index, built once and kept on disk.

Building the lexical side of the matcher (``Analyzer.fit``, every text's terms,
BM25 postings) costs seconds per thousand articles. Its result depends only on
the articles' ids, phrasings, keywords and answers, the analyzer's options and
synonym groups, the field weights and this code, so it is cached in one file
named by a hash of all of those (``VERSION`` is part of it: bump it whenever
the analysis or the index changes what they produce).

The file is a NumPy ``.npz`` read with ``allow_pickle=False``: arrays and one
UTF-8 JSON document, nothing that can run code. It is written atomically
(a temporary file, then ``os.replace``). A file that cannot be read, does not
hold the key it is named by, or is inconsistent is ignored with a warning, and
the index is built and written again.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import tempfile
import time
import zipfile
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from knowledge.index import BM25Index, FieldWeights
from knowledge.model import Article
from knowledge.normalise import Analyzer

log = logging.getLogger(__name__)

VERSION = 2
PREFIX = "lexical-"
STALE_AFTER_S = 7 * 24 * 3600  # other bases' files unused this long are removed


@dataclass(frozen=True)
class LexicalIndex:
    """The matcher's lexical side: BM25 postings, and per article the terms of each
    phrasing and the normalised text fuzzy matching compares."""

    index: BM25Index
    phrasing_terms: list[list[frozenset[str]]]
    phrasing_text: list[list[str]]
    # Each phrasing's distinct terms in first-use order: the sets are built from them, so
    # a set read back from the cache is built (and iterates) as the one built here.
    phrasing_order: list[list[tuple[str, ...]]]


def build(articles: Sequence[Article], analyzer: Analyzer, fields: FieldWeights) -> LexicalIndex:
    """Fit ``analyzer`` on the articles and build their index."""
    analyzer.fit(text for a in articles for text in (*a.phrasings, *a.keywords, a.answer))
    phrasing_order: list[list[tuple[str, ...]]] = []
    phrasing_text: list[list[str]] = []
    docs = []
    for a in articles:
        phrasings = [p for p in a.phrasings if p.strip()]
        surfaces = [analyzer.surface(p) for p in phrasings]
        phr_terms = [analyzer.with_parts(s) for s in surfaces]
        docs.append(
            [
                ([t for ts in phr_terms for t in ts], fields.phrasings),
                ([t for k in a.keywords for t in analyzer.index_terms(k)], fields.keywords),
                (analyzer.index_terms(a.answer), fields.answer),
            ]
        )
        phrasing_order.append([tuple(dict.fromkeys(ts)) for ts in phr_terms])
        targets = surfaces if phrasings else [analyzer.surface(a.answer)]
        phrasing_text.append([" ".join(s) for s in targets])
    index = BM25Index(docs)
    analyzer.forget_corpus_text()
    return _lexical(index, phrasing_order, phrasing_text)


def _lexical(
    index: BM25Index, order: list[list[tuple[str, ...]]], text: list[list[str]]
) -> LexicalIndex:
    return LexicalIndex(index, [[frozenset(p) for p in ps] for ps in order], text, order)


def cache_key(articles: Sequence[Article], analyzer: Analyzer, fields: FieldWeights) -> str:
    """A hash of everything the lexical index depends on."""
    head = {"version": VERSION, "analyzer": analyzer.signature(), "fields": asdict(fields)}
    body = [[a.id, a.phrasings, a.keywords, a.answer] for a in articles]
    h = hashlib.sha256(json.dumps(head, sort_keys=True, ensure_ascii=False).encode())
    h.update(json.dumps(body, ensure_ascii=False).encode("utf-8", "surrogatepass"))
    return h.hexdigest()


def load_or_build(
    articles: Sequence[Article],
    analyzer: Analyzer,
    fields: FieldWeights,
    cache_dir: Path | None,
) -> LexicalIndex:
    """The index from ``cache_dir`` if it holds this one, else built (and written there)."""
    if cache_dir is None:
        return build(articles, analyzer, fields)
    key = cache_key(articles, analyzer, fields)
    path = cache_dir / f"{PREFIX}{key[:32]}.npz"
    if path.is_file():
        try:
            lex = read(path, key, len(articles), analyzer)
        except Exception as exc:  # noqa: BLE001 - whatever is wrong with it, a cache only costs time
            log.warning("Ignoring the lexical index cache %s: %s; building it again", path, exc)
        else:
            _touch(path)
            return lex
    lex = build(articles, analyzer, fields)
    write(path, key, lex, analyzer)
    return lex


def write(path: Path, key: str, lex: LexicalIndex, analyzer: Analyzer) -> None:
    """Write the index atomically; a folder that cannot be written only costs a warning."""
    terms, ptr, docs, weights = lex.index.arrays()
    ids = {t: i for i, t in enumerate(terms)}
    per_article = [len(ps) for ps in lex.phrasing_order]
    flat = [ids[t] for ps in lex.phrasing_order for p in ps for t in p]
    sizes = [len(p) for ps in lex.phrasing_order for p in ps]
    meta: dict[str, Any] = {
        "key": key,
        "version": VERSION,
        "size": lex.index.size,
        "terms": terms,
        "analyzer": analyzer.fitted_state(),
        "phrasing_text": lex.phrasing_text,
    }
    blob = np.frombuffer(json.dumps(meta, ensure_ascii=False).encode("utf-8"), dtype=np.uint8)
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=PREFIX, suffix=".npz.tmp")
        with os.fdopen(fd, "wb") as fh:
            np.savez(
                fh,
                meta=blob,
                ptr=ptr,
                docs=docs,
                weights=weights,
                phrasings_per_article=np.asarray(per_article, dtype=np.int64),
                phrasing_sizes=np.asarray(sizes, dtype=np.int64),
                phrasing_terms=np.asarray(flat, dtype=np.int64),
            )
        os.replace(tmp, path)
        tmp = None
    except OSError as exc:
        log.warning("Could not write the lexical index cache %s: %s", path, exc)
    finally:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
    _prune(path)


def read(path: Path, key: str, n_articles: int, analyzer: Analyzer) -> LexicalIndex:
    """The index in ``path``; raises ValueError (or another read error) if it is not
    the one ``key`` names for these ``n_articles`` articles, or is inconsistent."""
    if not zipfile.is_zipfile(path):
        raise ValueError("not an .npz file")
    with np.load(path, allow_pickle=False) as data:
        meta = json.loads(bytes(data["meta"]).decode("utf-8"))
        ptr, docs, weights = data["ptr"], data["docs"], data["weights"]
        per_article = data["phrasings_per_article"]
        sizes = data["phrasing_sizes"]
        flat = data["phrasing_terms"]
    if not isinstance(meta, dict) or meta.get("key") != key or meta.get("version") != VERSION:
        raise ValueError("it was built from other articles or by another version")
    if meta["size"] != n_articles or len(per_article) != n_articles:
        raise ValueError("it holds another number of articles")
    terms = meta["terms"]
    if not isinstance(terms, list) or not all(isinstance(t, str) for t in terms):
        raise ValueError("its terms are not a list of strings")
    if not (ptr.dtype.kind == docs.dtype.kind == "i" and weights.dtype.kind == "f"):
        raise ValueError("its postings have the wrong types")
    index = BM25Index.from_arrays(terms, ptr, docs, weights, n_articles)
    if per_article.sum() != len(sizes) or sizes.sum() != len(flat) or np.any(sizes < 0):
        raise ValueError("its phrasings do not add up")
    if len(flat) and (flat.min() < 0 or flat.max() >= len(terms)):
        raise ValueError("a phrasing names an unknown term")
    texts = meta["phrasing_text"]
    if not isinstance(texts, list) or len(texts) != n_articles:
        raise ValueError("its phrasing texts do not match the articles")
    words = [terms[i] for i in flat.tolist()]
    bounds = np.concatenate(([0], np.cumsum(sizes))).tolist()
    phrasings = [tuple(words[bounds[j] : bounds[j + 1]]) for j in range(len(sizes))]
    starts = np.concatenate(([0], np.cumsum(per_article))).tolist()
    order = [phrasings[starts[i] : starts[i + 1]] for i in range(n_articles)]
    phrasing_text = [[str(s) for s in ts] for ts in texts]
    analyzer.restore(meta["analyzer"])
    return _lexical(index, order, phrasing_text)


def _touch(path: Path) -> None:
    with contextlib.suppress(OSError):
        os.utime(path)


def _prune(keep: Path) -> None:
    """Remove other lexical index files nobody has used for a week (an edited base
    leaves its old file behind; another base in the same folder keeps its own)."""
    now = time.time()
    try:
        for other in keep.parent.glob(f"{PREFIX}*.npz"):
            if other != keep and now - other.stat().st_mtime > STALE_AFTER_S:
                other.unlink(missing_ok=True)
    except OSError as exc:
        log.warning("Could not prune old lexical index caches in %s: %s", keep.parent, exc)
