"""Where a knowledge base is weak, from the base alone (``stodbot kb report``).

Editors of a municipality's own base need to know which articles to fix and
why, before anyone asks the bot anything. The report asks the base its own
questions, each held out in turn (round r leaves out every article's r-th
question and asks it, as written, of the rest; the title stays), and removes a sixth of the
articles at a time to ask their phrasings of the others, where any answer is
wrong. That is the same measurement as an FAQ's leave-one-out evaluation, so
its shares predict what the bot will do with questions worded like the
phrasings: answered right, right among the choices, wrong, routed; and how
often an out-of-scope question gets an answer, measured twice: a neighbouring
topic the base lacks (a removed article's phrasings asked of the rest, the
strict case: siblings such as "bygglov krävs?" and "ansöka om bygglov" are as
close as a missing topic gets) and everyday questions far from any process
(``knowledge/data/offtopic_check_sv.txt``, which the answer models never learn
from). Questions about other authorities' errands usually fall between the
two. Real questions are usually
worded further from the phrasings than the phrasings are from each other, so
the prediction is an upper bound on "right" for them.

It also lists articles with too few phrasings, phrasings that say the same thing
twice, phrasings of stop words only, and the pairs of articles that are taken
for each other, with the words they share.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from knowledge.confidence import OFFTOPIC_CHECK_FILE, offtopic_questions, removed_folds
from knowledge.matcher import Matcher, Outcome, Thresholds
from knowledge.model import Article

FEW_PHRASINGS = 3  # fewer than this (title included) and held-out testing says little
SAME = 0.8  # two phrasings of one article sharing this share of their terms say the same


@dataclass
class ArticleQuality:
    id: str
    title: str
    phrasings: int
    asked: int = 0
    right: int = 0
    choice: int = 0  # asked back with it among the choices
    wrong: int = 0
    routed: int = 0
    taken_for: Counter[str] = field(default_factory=Counter)  # another article ranked first

    @property
    def found(self) -> float:
        """Share of its held-out phrasings answered right."""
        return self.right / self.asked if self.asked else 0.0


@dataclass(frozen=True)
class Confusion:
    asked: str  # the article whose phrasing was asked
    answered: str  # the article ranked first instead (answered, offered or routed on)
    count: int
    words: tuple[str, ...]  # normalised terms the phrasings share with the wrong article


@dataclass
class QualityReport:
    articles: list[ArticleQuality]
    confusions: list[Confusion]
    same_phrasings: list[tuple[str, str, str]]  # article id, phrasing, its near twin
    stop_words_only: list[tuple[str, str]]  # article id, phrasing
    out_of_scope_asked: int = 0  # phrasings of removed articles asked of the rest
    out_of_scope_answered: int = 0
    everyday_asked: int = 0  # everyday questions the answer models never learnt from
    everyday_answered: int = 0

    @property
    def asked(self) -> int:
        return sum(a.asked for a in self.articles)

    def share(self, attribute: str) -> float:
        total = self.asked
        return sum(getattr(a, attribute) for a in self.articles) / total if total else 0.0

    @property
    def predicted_out_of_scope_answered(self) -> float:
        """Questions on a topic next to the base's own that it lacks: answered."""
        n = self.out_of_scope_asked
        return self.out_of_scope_answered / n if n else 0.0

    @property
    def predicted_everyday_answered(self) -> float:
        """Everyday questions far from any process: answered."""
        n = self.everyday_asked
        return self.everyday_answered / n if n else 0.0

    @property
    def thin(self) -> list[ArticleQuality]:
        return [a for a in self.articles if a.phrasings < FEW_PHRASINGS]


def quality_report(
    articles: Sequence[Article],
    build: Callable[[Sequence[Article]], Matcher],
    thresholds: Thresholds = Thresholds(),
    rounds: int = 4,
    folds: int = 6,
) -> QualityReport:
    """Ask the base its own phrasings (see the module's docstring). ``build`` makes a
    matcher for a set of articles: the base's own analyzer, model and answer models."""
    whole = build(articles)
    stats = {a.id: ArticleQuality(a.id, a.title, len(_phrasings(a))) for a in articles}
    confused: dict[tuple[str, str], Counter[str]] = {}
    for r in range(rounds):
        held: dict[str, str] = {}
        kept: list[Article] = []
        for a in articles:
            phrasings = _phrasings(a)  # the title stays: it is the article's headline
            questions = phrasings[1:] if phrasings[:1] == [a.title] else phrasings
            if r >= len(questions):
                kept.append(a)
                continue
            held[a.id] = questions[r]
            kept.append(dataclasses.replace(a, questions=tuple(questions[:r] + questions[r + 1 :])))
        if not held:
            break
        matcher = build(kept)
        for article_id, question in held.items():
            result = matcher.match(question, thresholds)
            s = stats[article_id]
            s.asked += 1
            best = result.best.article.id if result.best else None
            if best is not None and best != article_id:  # another article ranked first
                s.taken_for[best] += 1
                confused.setdefault((article_id, best), Counter()).update(
                    _shared_words(matcher, question, matcher.article(best))
                )
            if result.outcome is Outcome.ANSWER and best == article_id:
                s.right += 1
            elif result.outcome is Outcome.ANSWER:
                s.wrong += 1
            elif result.outcome is Outcome.CLARIFY and article_id in {
                c.article.id for c in result.choices
            }:
                s.choice += 1
            else:
                s.routed += 1
    report = QualityReport(
        sorted(stats.values(), key=lambda a: (a.found if a.asked else 2.0, a.id)),
        sorted(
            (
                Confusion(a, b, stats[a].taken_for[b], tuple(w for w, _ in words.most_common(5)))
                for (a, b), words in confused.items()
            ),
            key=lambda c: (-c.count, c.asked, c.answered),
        ),
        _same_phrasings(whole, articles),
        [(a.id, p) for a in articles for p in _phrasings(a) if not whole.analyzer.surface(p)],
    )
    for rest, questions in neighbour_questions(articles, folds):
        matcher = build(rest)
        for question in questions:
            report.out_of_scope_asked += 1
            if matcher.match(question, thresholds).outcome is Outcome.ANSWER:
                report.out_of_scope_answered += 1
    for question in offtopic_questions(OFFTOPIC_CHECK_FILE):
        report.everyday_asked += 1
        if whole.match(question, thresholds).outcome is Outcome.ANSWER:
            report.everyday_answered += 1
    return report


def neighbour_questions(
    articles: Sequence[Article], folds: int = 6
) -> Iterator[tuple[list[Article], list[str]]]:
    """Questions on a neighbouring topic the base lacks: a ``folds``-th of the articles
    removed at a time, and their titles and first phrasings, to ask of the rest."""
    for gone, rest in removed_folds(articles, folds):
        yield rest, [q for a in gone for q in _phrasings(a)[:2]]


def _phrasings(a: Article) -> list[str]:
    """The title and each alternate question that says something else than the ones
    before it: a question repeating the title (as a list imported without a title column
    has) held out would still be in the base, and be found."""
    seen: set[str] = set()
    out = []
    for p in a.phrasings:
        key = " ".join(re.findall(r"\w+", p.casefold()))
        if key and key not in seen:
            seen.add(key)
            out.append(p)
    return out


def _shared_words(matcher: Matcher, question: str, article: Article | None) -> set[str]:
    """The question's words (as written, lower case) whose terms the article also has."""
    theirs = _terms(matcher, article)
    return {
        w.lower()
        for w in re.findall(r"[^\W\d_]+", question)
        if set(matcher.analyzer.query_terms(w)) & theirs
    }


def _terms(matcher: Matcher, article: Article | None) -> set[str]:
    if article is None:
        return set()
    out: set[str] = set()
    for text in (*article.phrasings, *article.keywords):
        out.update(matcher.analyzer.index_terms(text))
    return out


def _same_phrasings(matcher: Matcher, articles: Sequence[Article]) -> list[tuple[str, str, str]]:
    out = []
    for a in articles:
        phrasings = _phrasings(a)
        terms = [set(matcher.analyzer.query_terms(p)) for p in phrasings]
        for i in range(len(phrasings)):
            for j in range(i + 1, len(phrasings)):
                union = terms[i] | terms[j]
                if len(union) >= 2 and len(terms[i] & terms[j]) / len(union) >= SAME:
                    out.append((a.id, phrasings[j], phrasings[i]))
    return out
