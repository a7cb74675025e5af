"""Measuring the masking (``knowledge.masking``) on a labelled corpus: precision and
recall per kind and overall (``stodbot eval masking``).

The corpus is text, one example a line; what should be masked is marked
``{kind|text}``, and whatever else is found is a false positive. Lines without a
mark are near-misses (dates, invoice and ticket numbers, amounts ...). ``#`` starts
a comment line. A found span counts as right when it has the marked kind and
covers the marked text exactly (a placeholder swallowing the words around it, or
half a number, is wrong twice: a false positive and a miss).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from knowledge.masking import KINDS, Found, find

CORPUS = Path(__file__).resolve().parent / "data" / "masking_corpus.txt"
_MARK = re.compile(r"\{([a-z-]+)\|([^{}]*)\}")


@dataclass(frozen=True)
class Example:
    text: str
    marks: tuple[Found, ...]
    line: int


class CorpusError(ValueError):
    pass


def read_corpus(path: Path = CORPUS) -> list[Example]:
    out = []
    for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        text, marks, at = [], [], 0
        length = 0
        for m in _MARK.finditer(raw):
            if m.group(1) not in KINDS:
                raise CorpusError(f"rad {n}: okänd sort {m.group(1)!r}")
            before = raw[at : m.start()]
            text.append(before)
            length += len(before)
            marks.append(Found(m.group(1), length, length + len(m.group(2))))
            text.append(m.group(2))
            length += len(m.group(2))
            at = m.end()
        text.append(raw[at:])
        out.append(Example("".join(text), tuple(marks), n))
    return out


@dataclass
class Score:
    right: int = 0
    wrong: int = 0  # found, not marked (false positives)
    missed: int = 0  # marked, not found

    @property
    def precision(self) -> float:
        found = self.right + self.wrong
        return self.right / found if found else 1.0

    @property
    def recall(self) -> float:
        marked = self.right + self.missed
        return self.right / marked if marked else 1.0


@dataclass
class Report:
    kinds: dict[str, Score] = field(default_factory=lambda: {k: Score() for k in KINDS})
    examples: int = 0
    near_misses: int = 0
    errors: list[str] = field(default_factory=list)  # "rad 12: … found/missed …"

    @property
    def overall(self) -> Score:
        s = Score()
        for k in self.kinds.values():
            s.right, s.wrong, s.missed = s.right + k.right, s.wrong + k.wrong, s.missed + k.missed
        return s


def evaluate(examples: Iterable[Example], names: Sequence[str] = ()) -> Report:
    report = Report()
    for ex in examples:
        report.examples += 1
        report.near_misses += not ex.marks
        found = set(find(ex.text, names))
        marked = set(ex.marks)
        for f in found & marked:
            report.kinds[f.kind].right += 1
        for f in found - marked:
            report.kinds[f.kind].wrong += 1
            report.errors.append(f"rad {ex.line}: fel {f.kind}: {ex.text[f.start : f.end]!r}")
        for f in marked - found:
            report.kinds[f.kind].missed += 1
            report.errors.append(f"rad {ex.line}: missad {f.kind}: {ex.text[f.start : f.end]!r}")
    return report


def render(report: Report) -> str:
    lines = [
        f"{report.examples} exempel, varav {report.near_misses} utan personuppgifter",
        f"{'sort':<14}{'rätt':>6}{'fel':>6}{'missade':>9}{'precision':>11}{'recall':>9}",
    ]
    for kind, s in [*report.kinds.items(), ("totalt", report.overall)]:
        lines.append(
            f"{kind:<14}{s.right:>6}{s.wrong:>6}{s.missed:>9}{s.precision:>11.3f}{s.recall:>9.3f}"
        )
    return "\n".join(lines)
