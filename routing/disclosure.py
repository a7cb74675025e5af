"""What leadership may see of a count, so that nobody can be singled out.

- A count of 1 to 4 is hidden and shown as "<5" (zero is shown: it is nobody).
- A figure derived from counts (a share, a trend, a median or percentile) is shown
  only when the counts it comes from are shown and the group is at least ``SMALL``.
- A total shown beside hidden parts would let a reader subtract (total 7, one area
  6, the other "<5": it is 1). Where the hidden parts of a group could be worked out
  that way, one more part is hidden ("..", hidden to protect another); when no part
  can do that, the total is hidden instead. The reader is assumed to know these
  rules, so a ".." counts as at least 5 when deciding what can be worked out.

The weekly summary (``routing.summary``) applies this once; the views only print.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

SMALL = 5
K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True, slots=True)
class Count:
    """A count as the views may show it. ``shown`` is None when it is hidden; ``small``
    says why: the count itself is 1 to 4 ("<5"), or it hides another ("..")."""

    shown: int | None
    small: bool = False

    def __str__(self) -> str:
        if self.shown is not None:
            return str(self.shown)
        return "<5" if self.small else ".."

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)

    @property
    def hidden(self) -> bool:
        return self.shown is None

    @property
    def zero(self) -> bool:
        return self.shown == 0

    @property
    def order(self) -> int:
        """For sorting by size: hidden counts all rank alike, just above zero."""
        return self.shown if self.shown is not None else 0


NONE = Count(0)


def count(n: int) -> Count:
    """The count on its own, before any group is considered."""
    return Count(None, small=True) if 0 < n < SMALL else Count(n)


def share(part: Count, whole: Count, value: float | None) -> float | None:
    """A share of shown counts, of at least ``SMALL``; else None."""
    if value is None or part.shown is None or whole.shown is None or whole.shown < SMALL:
        return None
    return value


def rate(met: int, decided: int) -> float | None:
    """A share of counts that are not shown themselves (e.g. SLA targets met of those
    decided): only when the whole, the part and the rest are all zero or at least
    ``SMALL``, since the share would tell either."""
    missed = decided - met
    if decided < SMALL or 0 < met < SMALL or 0 < missed < SMALL:
        return None
    return met / decided


def quantile(value: float | None, n: int) -> float | None:
    """A median or percentile of ``n`` values: only from ``SMALL`` or more."""
    return value if n >= SMALL else None


@dataclass(frozen=True)
class Group(Generic[K]):
    """Parts that add up to a total. Anything in the total but in no part is taken as
    known to the reader (the cautious assumption), so it is left out of the sums."""

    total: K
    parts: Sequence[K]


def _exposed(left: int, small: int, covers: int) -> bool:
    """Whether one of ``small`` hidden counts (each 1..4) is certain, given that they and
    ``covers`` hidden counts (each at least SMALL) add up to ``left``."""
    if not small:
        return False
    highest = min(SMALL - 1, left - (small - 1) - SMALL * covers)
    lowest = 1 if covers else max(1, left - (SMALL - 1) * (small - 1))
    return highest <= lowest


def protect(values: Mapping[K, int], groups: Iterable[Group[K]]) -> dict[K, Count]:
    """Every value as a ``Count``: small ones hidden, and more hidden where a group's
    shown total would give a small one away."""
    groups = list(groups)
    small = {k for k, v in values.items() if 0 < v < SMALL}
    covers: set[K] = set()
    changed = True
    while changed:
        changed = False
        for g in groups:
            if g.total in small or g.total in covers:
                continue  # nothing to subtract from
            hidden = [p for p in g.parts if p in small or p in covers]
            n_small = sum(p in small for p in hidden)
            left = sum(values[p] for p in hidden)
            n_covers = len(hidden) - n_small
            if not _exposed(left, n_small, n_covers):
                continue
            shown = sorted(
                ((values[p], p) for p in g.parts if p not in hidden and values[p]),
                key=lambda vp: vp[0],
            )
            pick = next(
                (p for v, p in shown if not _exposed(left + v, n_small, n_covers + 1)),
                g.total,  # no single part can do it: the total goes instead
            )
            covers.add(pick)
            changed = True
    return {
        k: Count(None, small=True) if k in small else Count(None) if k in covers else Count(v)
        for k, v in values.items()
    }
