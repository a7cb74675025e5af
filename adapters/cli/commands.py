"""The ``stodbot`` subcommands. Each takes the parsed arguments and returns an exit code.

Chat platforms, charts and spreadsheets are imported inside the commands that use
them, so that `stodbot ask` and `stodbot chat` start quickly."""

from __future__ import annotations

import argparse
import asyncio
import functools
import io
import json
import sys
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from adapters.cli import settings_error
from adapters.cli.render import render_terminal
from adapters.cli.report import render_weekly
from adapters.compose import conversation_service, embeddings, knowledge_base, thresholds
from bot.clean import clean_text
from bot.jobs import (
    RetentionRefused,
    apply_retention,
    close_idle,
    escalate_overdue,
    post_weekly,
)
from bot.markup import from_markdown
from bot.messages import ConversationRef, IncomingMessage
from bot.outbox import deliver_pending
from bot.reports import load_summary
from bot.settings import EXAMPLE_DIR, Settings
from knowledge.evaluation import (
    evaluate_questions,
    read_labelled,
    read_questions,
    swefaq_accuracy,
)
from knowledge.lint import lint
from knowledge.loader import OrganisationError
from knowledge.matcher import Matcher, Weights
from knowledge.normalise import Analyzer
from knowledge.synonyms import read_groups
from routing.report import week_bounds, week_of
from routing.router import AreaRouter


class CliError(Exception):
    """A user error, printed without a traceback."""


def _settings(args: argparse.Namespace) -> Settings:
    try:
        settings = Settings()
    except ValidationError as exc:
        raise CliError(settings_error.describe(exc)) from None
    if getattr(args, "lang", None):
        settings = settings.model_copy(update={"language": args.lang})
    return settings


def _kb(settings: Settings) -> Any:
    try:
        return knowledge_base(settings)
    except OrganisationError as exc:
        raise CliError(str(exc)) from exc


def ask(args: argparse.Namespace) -> int:
    settings = _settings(args)
    kb = _kb(settings)
    result = kb.matcher.match(args.question, thresholds(settings))
    route = None
    if result.outcome.value == "no_answer":
        route = AreaRouter(kb.organisation, kb.matcher.analyzer).guess(
            args.question, result.candidates
        )
    if args.json:
        out = {
            "question": args.question,
            "outcome": result.outcome.value,
            "article": result.best.article.id
            if result.best and result.outcome.value == "answer"
            else None,
            "terms": list(result.terms),
            "confidence": round(result.confidence, 4),
            "candidates": [
                {
                    "id": s.article.id,
                    "title": s.article.title,
                    "area": s.article.area,
                    "score": round(s.score, 4),
                    "lexical": round(s.lexical, 4),
                    "phrasing": round(s.phrasing, 4),
                    "fuzzy": round(s.fuzzy, 4),
                }
                for s in result.candidates
            ],
            "route": None
            if route is None
            else {"area": route.area.id, "confidence": route.confidence, "reason": route.reason},
        }
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return 0
    print(f"utfall: {result.outcome.value} (säkerhet {result.confidence:.2f})")
    if route is not None:
        print(
            f"troligt område: {route.area.id} ({route.area.name}), säkerhet {route.confidence:.2f}"
        )
    for i, s in enumerate(result.candidates, 1):
        print(
            f"{i}. {s.article.id:<32} {s.score:.3f}  "
            f"(lexikal {s.lexical:.2f}, formulering {s.phrasing:.2f}, fuzzy {s.fuzzy:.2f})  "
            f"{s.article.title}"
        )
    if result.outcome.value == "answer" and result.best:
        print()
        print(render_terminal(from_markdown(result.best.article.answer)))
    return 0


def _print_reply(text: str) -> None:
    print("stödbot> " + render_terminal(text, width=71).replace("\n", "\n         "))
    print()


def chat(args: argparse.Namespace) -> int:
    settings = _settings(args)
    service = conversation_service(settings, _kb(settings))
    user = clean_text(args.user)  # argv can carry undecodable bytes too
    ref = ConversationRef("cli", f"terminal:{user}")
    interactive = sys.stdin.isatty()
    if isinstance(sys.stdin, io.TextIOWrapper):  # invalid UTF-8 becomes U+FFFD, not a crash
        sys.stdin.reconfigure(errors="replace")

    def deliver() -> None:
        deliver_pending(
            service.store,
            "cli",
            lambda item: _print_reply(str(item.payload.get("text", ""))),
            user_id=user,
        )

    print(render_terminal(service.greeting().text))
    hint = (
        "(Avsluta med Ctrl-D eller ”sluta”. Du är {user}.)"
        if settings.language == "sv"
        else "(Ctrl-D or “quit” ends. You are {user}.)"
    )
    print(hint.format(user=user))
    print()
    prompt = "du> " if settings.language == "sv" else "you> "
    deliver()  # answers that arrived while you were away
    while True:
        try:
            line = clean_text(input(prompt if interactive else ""))
        except EOFError:
            print()
            return 0
        if not interactive:
            print(f"{prompt}{line}")
        if line.strip().casefold() in {"sluta", "hejdå", "quit", "exit"}:
            return 0
        msg = IncomingMessage(ref, user, line, event_id=f"cli-{uuid.uuid4().hex}")
        for reply in service.handle(msg):
            if reply.outbox_id is None:  # not stored: refusals, "try again"
                _print_reply(reply.text)
        deliver()


def kb_calibrate(args: argparse.Namespace) -> int:
    import time

    from knowledge.base import default_calibration_file
    from knowledge.confidence import refit

    settings = _settings(args)
    kb = _kb(settings)
    groups = read_groups(settings.synonyms_file) if settings.synonyms_file else []
    out = (
        Path(args.out)
        if args.out
        else (settings.calibration_file or default_calibration_file(settings.articles_dir))
    )
    started = time.perf_counter()
    semantic = kb.matcher.semantic.embeddings if kb.matcher.semantic else None
    try:
        model = refit(kb.articles, lambda: Analyzer(groups), semantic, out)
    except ValueError as exc:
        raise CliError(
            "för få artiklar med minst tre formuleringar för att lära svarsmodellen"
        ) from exc
    kind = "med semantisk modell" if model.mode == "semantic" else "lexikalt"
    print(
        f"{len(kb.articles)} artiklar, {model.samples} provfrågor ur artiklarnas egna "
        f"formuleringar ({kind}), {time.perf_counter() - started:.1f} s. Skrev {out}."
    )
    return 0


def kb_lint(args: argparse.Namespace) -> int:
    settings = _settings(args)
    kb = _kb(settings)
    problems = lint(kb)
    for problem in problems:
        print(problem)
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    print(f"{len(kb.articles)} artiklar, {errors} fel, {warnings} varningar")
    return 1 if errors or (args.strict and warnings) else 0


def eval_swefaq(args: argparse.Namespace) -> int:
    path = Path(args.file)
    if not path.is_file():
        raise CliError(f"hittar inte filen {path}")
    if args.ablation:
        variants: list[tuple[str, Any, dict[str, Any]]] = [
            ("fuzzy only (rapidfuzz)", Analyzer, {"weights": Weights(0, 0, 1)}),
            (
                "bm25, no stemming/compounds/repair",
                functools.partial(Analyzer, stemming=False, compounds=False, repair=False),
                {"weights": Weights(1, 0, 0)},
            ),
            (
                "bm25 + stemming",
                functools.partial(Analyzer, compounds=False, repair=False),
                {"weights": Weights(1, 0, 0)},
            ),
            (
                "bm25 + stemming + compounds",
                functools.partial(Analyzer, repair=False),
                {"weights": Weights(1, 0, 0)},
            ),
            ("bm25 + stemming + compounds + repair", Analyzer, {"weights": Weights(1, 0, 0)}),
            ("full (bm25 + fuzzy + phrasing)", Analyzer, {}),
        ]
        for name, make, kwargs in variants:
            acc, n = swefaq_accuracy(path, make, kwargs)
            print(f"{name:<40} accuracy={acc:.3f} n={n}")
    model = embeddings(_settings(args))
    if args.ablation and model is not None:
        acc, n = swefaq_accuracy(
            path, matcher_kwargs={"weights": Weights(0, 0, 0, 1.0)}, embeddings=model
        )
        print(f"{'meaning only (e5)':<40} accuracy={acc:.3f} n={n}")
        acc, n = swefaq_accuracy(path)
        print(f"{'full lexical (STODBOT_SEMANTIC=off)':<40} accuracy={acc:.3f} n={n}")
    acc, n = swefaq_accuracy(path, embeddings=model)
    print(f"swefaq accuracy={acc:.3f} n={n}")
    return 0


def eval_questions(args: argparse.Namespace) -> int:
    settings = _settings(args)
    kb = _kb(settings)
    path = Path(args.file) if args.file else EXAMPLE_DIR / "questions.csv"
    if not path.is_file():
        raise CliError(f"hittar inte filen {path}")
    try:
        rows = list(read_questions(path))
    except KeyError as exc:
        raise CliError(f"{path}: kolumnerna ska vara question,expected ({exc} saknas)") from exc
    unknown = sorted({e for _, e in rows if e != "-" and kb.article(e) is None})
    if unknown:
        raise CliError(f"{path}: okända artikel-id: {', '.join(unknown)}")
    if args.ablation:
        groups = read_groups(settings.synonyms_file) if settings.synonyms_file else []
        variants: list[tuple[str, Analyzer]] = [
            (
                "no stemming/compounds/repair/synonyms",
                Analyzer([], stemming=False, compounds=False, repair=False),
            ),
            ("+ stemming", Analyzer([], compounds=False, repair=False)),
            ("+ compounds", Analyzer([], repair=False)),
            ("+ typo/prefix repair", Analyzer([])),
            ("+ synonyms (full)", Analyzer(groups)),
            ("+ stem guard (issue 16, off by default)", Analyzer(groups, stem_guard=True)),
        ]
        for name, analyzer in variants:
            matcher = Matcher(kb.articles, analyzer)
            r = evaluate_questions(matcher, rows, thresholds(settings))
            print(f"{name:<40} right={r.right:.3f} one_step={r.one_step:.3f} wrong={r.wrong:.3f}")
    report = evaluate_questions(kb.matcher, rows, thresholds(settings))
    if args.show:
        for line in report.misses:
            print(line)
    for line in report.lines():
        print(line)
    languages: dict[str, list[tuple[str, str]]] = {}
    for question, expected, language in read_labelled(path):
        languages.setdefault(language, []).append((question, expected))
    if len(languages) > 1:
        for language, subset in sorted(languages.items()):
            one = evaluate_questions(kb.matcher, subset, thresholds(settings))
            print(f"language {language}: {one.headline()}")
    print(report.headline())
    return 0


def report_weekly(args: argparse.Namespace) -> int:
    settings = _settings(args)
    kb = _kb(settings)
    service = conversation_service(settings, kb)
    now = service.clock()
    week = args.week or week_of(now - timedelta(days=7))
    try:
        week_bounds(week)
    except ValueError as exc:
        raise CliError(str(exc)) from exc
    if args.format != "text":
        from adapters.reports import chart, files

        summary = load_summary(service, week, now)
        data: bytes = {
            "csv": lambda: files.to_csv(summary).encode("utf-8"),
            "xlsx": lambda: files.to_xlsx(summary),
            "png": lambda: chart.render(summary, "png"),
            "svg": lambda: chart.render(summary, "svg"),
        }[args.format]()
        if args.out:
            Path(args.out).write_bytes(data)
            print(f"skrev {args.out}")
        elif args.format == "csv":
            print(data.decode("utf-8"), end="")
        else:
            raise CliError(f"--format {args.format} behöver --out FIL")
        return 0
    # --as: that user's own areas get an example question per knowledge gap; the
    # figures are the leadership summary's, the same as on the dashboard and in the files
    summary = load_summary(service, week, now, viewer=args.user)
    print(render_weekly(summary, kb.organisation.municipality))
    if args.post:
        from adapters.reports.post import renderer

        queued = post_weekly(
            service,
            week,
            settings.public_url,
            settings.dashboard_secret,
            render=renderer(kb.organisation.municipality),
        )
        nobody = "ingen mottagare (leadership_room/leadership_channel saknas)"
        print(f"köad för {', '.join(queued) or nobody}")
    return 0


def serve(args: argparse.Namespace) -> int:
    from adapters.cli.serve import NothingToServe
    from adapters.cli.serve import serve as run_server
    from adapters.matrix.bot import MatrixStartupError
    from adapters.teams.adapter import TeamsStartupError
    from adapters.web.dashboard import DashboardStartupError

    settings = _settings(args)
    startup = (
        NothingToServe,
        MatrixStartupError,
        TeamsStartupError,
        DashboardStartupError,
        OrganisationError,
    )
    try:
        asyncio.run(run_server(settings))
    except startup as exc:
        raise CliError(str(exc)) from exc
    return 0


def sla_check(args: argparse.Namespace) -> int:
    settings = _settings(args)
    service = conversation_service(settings, _kb(settings))
    escalated = escalate_overdue(service)
    print(f"eskalerade ärenden: {', '.join(map(str, escalated)) or 'inga'}")
    return 0


def retention_apply(args: argparse.Namespace) -> int:
    settings = _settings(args)
    if settings.retention_days is None or settings.retention_decision is None:
        raise CliError(
            "ingen gallring: sätt STODBOT_RETENTION_DAYS och STODBOT_RETENTION_DECISION "
            "(beslutet som tillåter gallringen); utan beslut raderas ingenting"
        )
    service = conversation_service(settings, _kb(settings))
    # answered tickets left alone close first, so that retention reaches them too
    idle = close_idle(service, settings.auto_close_days)
    try:
        result = apply_retention(service, settings.retention_days, settings.retention_decision)
    except RetentionRefused as exc:  # the settings refuse these already; a second guard
        raise CliError(f"ingen gallring: ogiltigt värde för {exc.setting}") from None
    if idle.noticed or idle.closed:
        print(
            f"besvarade ärenden utan kvittens: {len(idle.noticed)} påminda, "
            f"{len(idle.closed)} avslutade"
        )
    others = sum(
        n for k, n in result.detail.items() if k not in ("questions.text", "tickets.question")
    )
    print(
        f"gallrat {result.cleared} frågetexter och {others} andra rader före "
        f"{result.cutoff:%Y-%m-%d} enligt beslut {result.decision}"
    )
    for group in result.cutoffs.areas if result.cutoffs else ():
        n = sum(result.groups.get(group.name, {}).values())
        rows = "1 rad" if n == 1 else f"{n} rader"
        print(f"  område {group.name}: {rows} före {group.cutoff:%Y-%m-%d} ({group.days} dagar)")
    return 0


def teams_package(args: argparse.Namespace) -> int:
    from adapters.teams.package import build

    settings = _settings(args)
    app_id = args.app_id or settings.teams_app_id
    if not app_id:
        raise CliError(
            "ange --app-id eller STODBOT_TEAMS_APP_ID (Azure Bot-registreringens app-id)"
        )
    kb = _kb(settings)
    Path(args.out).write_bytes(build(app_id, kb.organisation.municipality, settings.public_url))
    print(f"skrev {args.out}: ladda upp den i Teams administrationscenter (Hantera appar)")
    return 0
