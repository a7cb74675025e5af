"""What leadership may see of a count, so that nobody can be singled out.

- A count of 1 to 4 is hidden and shown as "<5" (zero is shown: it is nobody).
- A figure derived from counts (a share, a trend, a median or percentile) is shown
  only when the counts it comes from are shown and the group is at least ``SMALL``.
- A total shown beside hidden parts would let a reader subtract (total 7, one area
  6, the other "<5": it is 1). Where the hidden parts of a group could be worked out
  that way, one more part is hidden ("..", hidden to protect another); when no part
  can do that, the total is hidden instead. The reader is assumed to know these
  rules, so a ".." counts as at least 5 when deciding what can be worked out.
- A count inside another (questions answered by the bot, of all questions) is the
  same: the rest ("not answered by the bot") is a part that is never shown, and it is
  protected like any other. The reader knows nothing of it but that it is at least 0,
  and neither it nor a shown part may be worked out when it is 1 to 4.
- A ".." must not be worked out either (from the areas adding up to the total, say):
  it would give back what it hides. So no group may leave a hidden count of 1 to 4,
  or a "..", with a single possible value.

The weekly summary (``routing.summary``) applies this once; the views only print.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Hashable, Iterable, Mapping, Sequence
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


def share(part: Count, whole: Count, n: int, of: int) -> float | None:
    """``n`` of ``of`` as a share: only when both are shown, the whole is at least
    ``SMALL`` and the rest (``of - n``) is zero or at least ``SMALL``, since a share of a
    shown whole tells the rest; else None."""
    if part.shown is None or whole.shown is None or of < SMALL or 0 < of - n < SMALL:
        return None
    return n / of


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
    known to the reader (the cautious assumption), so it is left out of the sums; a rest
    that must be protected is a part of its own (see ``protect``'s ``unshown``)."""

    total: K
    parts: Sequence[K]


Bounds = tuple[float, float]  # what the reader knows of a hidden part: lowest, highest
SMALL_BOUNDS: Bounds = (1, SMALL - 1)  # "<5"
COVER_BOUNDS: Bounds = (SMALL, math.inf)  # ".."
UNSHOWN_BOUNDS: Bounds = (0, math.inf)  # a rest that no view shows


Term = tuple[int, int, Bounds, bool]  # sign in the sum, true value, bounds, protected


def _exposed(terms: Sequence[Term]) -> bool:
    """Whether a protected hidden count is certain, given that the hidden ``terms`` of
    a group (parts +1, the total -1) add up to what the shown ones leave."""
    rest = sum(c * v for c, v, _, _ in terms)
    for j, (c, _, (lo, hi), protected) in enumerate(terms):
        if not protected:
            continue
        others = [t for i, t in enumerate(terms) if i != j]
        least = sum(b[0] if s > 0 else -b[1] for s, _, b, _ in others)
        most = sum(b[1] if s > 0 else -b[0] for s, _, b, _ in others)
        low, high = (rest - most, rest - least) if c > 0 else (least - rest, most - rest)
        if min(hi, high) <= max(lo, low):
            return True
    return False


def protect(
    values: Mapping[K, int], groups: Iterable[Group[K]], unshown: Collection[K] = ()
) -> dict[K, Count]:
    """Every value as a ``Count``: small ones hidden, and more hidden where a group
    would give a small one away, or pin down one hidden to protect another (which
    would then give the small one away through its own group). ``unshown``: rests that
    no view shows (they come back hidden); they are protected when they are 1 to 4."""
    groups = list(groups)
    small = {k for k, v in values.items() if 0 < v < SMALL and k not in unshown}
    covers: set[K] = set()

    def hidden(k: K) -> bool:
        return k in small or k in covers or k in unshown

    def term(sign: int, k: K) -> Term:
        b = UNSHOWN_BOUNDS if k in unshown else SMALL_BOUNDS if k in small else COVER_BOUNDS
        return sign, values[k], b, 0 < values[k] < SMALL or k in covers

    changed = True
    while changed:
        changed = False
        for g in groups:
            signed = [(-1, g.total), *((1, p) for p in g.parts)]
            terms = [term(s, k) for s, k in signed if hidden(k)]
            if not terms or not _exposed(terms):
                continue
            shown = sorted(
                ((s, k) for s, k in signed if not hidden(k) and values[k]),
                key=lambda sk: (sk[0] < 0, values[sk[1]]),  # the smallest part first
            )
            pick = next(
                (k for s, k in shown if not _exposed([*terms, (s, values[k], COVER_BOUNDS, True)])),
                None,
            )
            if pick is None:  # no single count can do it: the total goes, or the largest part
                if not shown:
                    continue
                totals = [k for s, k in shown if s < 0]
                pick = totals[0] if totals else shown[-1][1]
            covers.add(pick)
            changed = True
    return {
        k: Count(None, small=True)
        if k in small
        else Count(None)
        if k in covers or k in unshown
        else Count(v)
        for k, v in values.items()
    }


def parts_of(whole: int, parts: Sequence[int]) -> list[Count]:
    """``parts`` as they may be shown beside ``whole`` (a total the reader has from
    elsewhere on the page): no part of one to four may be had by subtracting the
    others from it. Anything of the whole in no part is taken as known to the reader
    (the cautious assumption)."""
    values: dict[object, int] = {"whole": whole, **{i: n for i, n in enumerate(parts)}}
    shown = protect(values, [Group("whole", list(range(len(parts))))])
    if shown["whole"].hidden and not count(whole).hidden:  # shown elsewhere anyway
        return [Count(None, small=0 < n < SMALL) if n else Count(0) for n in parts]
    return [shown[i] for i in range(len(parts))]
