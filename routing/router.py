"""Which support area most likely owns a question the knowledge base cannot answer.

Evidence, summed per area:
- the nearest articles: each of the top five adds its match score to its area;
- the area's keyword rules in the organisation file: each keyword found in the
  question adds 0.3.
The share of the winning area in the total evidence is the confidence. With no
evidence at all the question goes to the triage area with confidence 0.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from knowledge.matcher import Scored
from knowledge.model import Area, Organisation
from knowledge.normalise import Analyzer

KEYWORD_WEIGHT = 0.3


@dataclass(frozen=True)
class RouteGuess:
    area: Area
    confidence: float
    reason: str  # "articles", "keywords", "articles+keywords" or "triage"


class AreaRouter:
    def __init__(self, organisation: Organisation, analyzer: Analyzer) -> None:
        self._org = organisation
        self._analyzer = analyzer
        self._keywords: dict[str, list[frozenset[str]]] = {
            a.id: [frozenset(analyzer.surface(k)) for k in a.keywords if analyzer.surface(k)]
            for a in organisation.areas
        }

    def guess(self, question: str, nearest: tuple[Scored, ...] | list[Scored]) -> RouteGuess:
        evidence: dict[str, float] = defaultdict(float)
        from_articles = False
        for scored in list(nearest)[:5]:
            if scored.score > 0 and self._org.area(scored.article.area):
                evidence[scored.article.area] += scored.score
                from_articles = True
        terms = frozenset(self._analyzer.query_terms(question)) | frozenset(
            self._analyzer.surface(question)
        )
        from_keywords = False
        for area_id, keyword_sets in self._keywords.items():
            hits = sum(1 for k in keyword_sets if k <= terms)
            if hits:
                evidence[area_id] += KEYWORD_WEIGHT * hits
                from_keywords = True
        if not evidence:
            return RouteGuess(self._org.triage, 0.0, "triage")
        best = min(evidence, key=lambda a: (-evidence[a], a))
        area = self._org.area(best)
        assert area is not None
        reason = "+".join(
            r for r, on in (("articles", from_articles), ("keywords", from_keywords)) if on
        )
        return RouteGuess(area, round(evidence[best] / sum(evidence.values()), 3), reason)
