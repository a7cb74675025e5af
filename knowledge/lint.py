"""``stodbot kb lint``: checks that name the file and line of each problem."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path

from rapidfuzz import fuzz

from knowledge.base import KnowledgeBase
from knowledge.loader import ParsedArticle, Problem

NEAR_DUPLICATE = 88  # token_sort_ratio on normalised phrasings, 0..100
REVIEW_INTERVAL = timedelta(days=365)
INTRO_WEEK_MOST = 3  # articles a week on the new manager's path (bot.intro)


def _line(parsed: ParsedArticle, question_index: int | None = None, key: str = "id") -> int:
    if question_index is not None and question_index < len(parsed.question_lines):
        return parsed.question_lines[question_index]
    return parsed.key_lines.get(key, 2)


def _path(parsed: ParsedArticle) -> Path:
    return parsed.article.source or Path(parsed.article.id)


def lint(kb: KnowledgeBase, today: date | None = None) -> list[Problem]:
    today = today or date.today()
    problems = list(kb.problems)
    parsed = kb.loaded.parsed
    ids = {p.article.id for p in parsed}
    analyzer = kb.matcher.analyzer

    exact: dict[str, tuple[ParsedArticle, int]] = {}
    phrasings: list[tuple[ParsedArticle, int, str]] = []
    for p in parsed:
        for i, question in enumerate(p.article.questions):
            key = " ".join(analyzer.surface(question))
            if not key:
                problems.append(
                    Problem(
                        _path(p),
                        _line(p, i),
                        f"frågan {question!r} har bara småord och kan aldrig matcha: skriv vad den "
                        'handlar om ("tack, det löste sig" → ta bort den; '
                        '"ok" → "är det ok att ta med privat fika till jobbet?")',
                    )
                )
                continue
            seen = exact.get(key)
            if seen is not None and seen[0].article.id != p.article.id:
                problems.append(
                    Problem(
                        _path(p),
                        _line(p, i),
                        f"samma fråga finns i '{seen[0].article.id}' "
                        f"({_path(seen[0])}:{_line(seen[0], seen[1])}): {question!r}",
                    )
                )
            else:
                exact.setdefault(key, (p, i))
                phrasings.append((p, i, key))

    # Near duplicates: compare each phrasing with the phrasings of the articles the
    # matcher ranks nearest, so the check scales with the base.
    by_article: dict[str, list[tuple[int, str]]] = {}
    for p, i, key in phrasings:
        by_article.setdefault(p.article.id, []).append((i, key))
    reported: set[tuple[str, str]] = set()
    parsed_by_id = {p.article.id: p for p in parsed}
    for p, i, key in phrasings:
        for other in kb.matcher.rank(p.article.questions[i])[:5]:
            oid = other.article.id
            if oid == p.article.id or (oid, p.article.id) in reported:
                continue
            for j, okey in by_article.get(oid, []):
                if okey != key and fuzz.token_sort_ratio(key, okey) >= NEAR_DUPLICATE:
                    reported.add((p.article.id, oid))
                    op = parsed_by_id[oid]
                    problems.append(
                        Problem(
                            _path(p),
                            _line(p, i),
                            f"nästan samma som en fråga i '{oid}' "
                            f"({_path(op)}:{_line(op, j)}): "
                            f"{p.article.questions[i]!r} ~ {op.article.questions[j]!r}",
                            "warning",
                        )
                    )
                    break

    for p in parsed:
        for ref in p.article.follow_up:
            if ref not in ids:
                problems.append(
                    Problem(_path(p), _line(p, key="follow_up"), f"follow_up '{ref}' finns inte")
                )
        reviewed = p.article.reviewed
        if reviewed is None:
            problems.append(
                Problem(
                    _path(p),
                    _line(p, key="id"),
                    "inget datum i 'reviewed' (när artikeln senast granskades)",
                    "warning",
                )
            )
        elif reviewed + REVIEW_INTERVAL < today:
            due = reviewed + REVIEW_INTERVAL
            problems.append(
                Problem(
                    _path(p),
                    _line(p, key="reviewed"),
                    f"dags att granska igen: granskad {reviewed}, senast {due}",
                    "warning",
                )
            )
    problems += _intro_path(parsed)
    return sorted(problems, key=lambda pr: (str(pr.path), pr.line, pr.message))


def _intro_path(parsed: Sequence[ParsedArticle]) -> list[Problem]:
    """Warnings on the new manager's path (``intro:``): a week with more articles than
    a Monday's checklist should hold, and a week without any before the last one."""
    weeks: dict[int, list[ParsedArticle]] = {}
    for p in parsed:
        if p.article.intro is not None:
            weeks.setdefault(p.article.intro.week, []).append(p)
    problems = []
    for week, on in sorted(weeks.items()):
        if len(on) > INTRO_WEEK_MOST:
            ids = ", ".join(sorted(p.article.id for p in on))
            for p in on:
                problems.append(
                    Problem(
                        _path(p),
                        _line(p, key="intro"),
                        f"introduktionsvecka {week} har {len(on)} artiklar (högst "
                        f"{INTRO_WEEK_MOST} hinns med på en vecka): {ids}",
                        "warning",
                    )
                )
    last = max(weeks, default=0)
    for week in range(1, last):
        if week not in weeks:
            first = min(weeks[last], key=lambda p: p.article.id)
            problems.append(
                Problem(
                    _path(first),
                    _line(first, key="intro"),
                    f"introduktionsvecka {week} har inga artiklar: den måndagen skickas ingen "
                    f"checklista (introduktionen är {last} veckor)",
                    "warning",
                )
            )
    return problems
