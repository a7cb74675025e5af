"""``stodbot serve``: the chat adapters, the dashboard and the scheduled jobs, in one
process and one event loop, until Ctrl-C or SIGTERM."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import multiprocessing.connection
import os
import signal
import threading
from typing import Any

from aiohttp import web

from adapters.compose import conversation_service, knowledge_base, store, thresholds
from adapters.knowledge_watch import KnowledgeWatch
from adapters.reports.post import renderer
from adapters.web.dashboard import harden
from bot import logmask
from bot.intro.weekly import send_checklists
from bot.jobs import (
    chase_waiting,
    close_idle,
    escalate_overdue,
    post_weekly,
    push_suggestions,
    remind_reviews,
    scheduled_month,
    scheduled_week,
)
from bot.service import ConversationService
from bot.settings import Settings
from bot.survey_job import ask_surveys
from knowledge.masking import known_names

log = logging.getLogger(__name__)


class NothingToServe(Exception):
    pass


async def _jobs(service: ConversationService, settings: Settings, every: float = 60.0) -> None:
    """Escalations, closing answered tickets left alone, reminding and then closing
    tickets whose asker never replied, the weekly post and each area lead's suggestions
    at the scheduled time (once per week: outbox key), the new managers' checklists on
    the week's first business day from the post time (once per person and week), the
    articles due for review on the month's first business day (once per month), and
    each area's yearly question to the people it served, in its survey month
    (``bot.survey_job``)."""
    render = renderer(service.org.municipality)
    while True:
        try:
            await asyncio.to_thread(escalate_overdue, service)
            await asyncio.to_thread(close_idle, service, settings.auto_close_days)
            await asyncio.to_thread(
                chase_waiting,
                service,
                settings.waiting_remind_days,
                settings.waiting_close_days,
            )
            week = scheduled_week(
                service.clock(), settings.weekly_post_weekday, settings.weekly_post_time
            )
            if week:
                queued = await asyncio.to_thread(
                    post_weekly,
                    service,
                    week,
                    settings.public_url,
                    settings.dashboard_secret,
                    None,
                    render,
                )
                if queued:
                    log.warning("Weekly summary %s queued for %s", week, ", ".join(queued))
                queued = await asyncio.to_thread(push_suggestions, service, week)
                if queued:
                    log.warning("Suggestions of %s queued for %s", week, ", ".join(queued))
            sent = await asyncio.to_thread(
                send_checklists, service, None, settings.weekly_post_time
            )
            if sent:
                log.warning("Introduction checklists queued for %d new managers", len(sent))
            month = scheduled_month(service.clock(), settings.weekly_post_time)
            if month:
                queued = await asyncio.to_thread(remind_reviews, service, month)
                if queued:
                    log.warning("Reviews due in %s queued for %s", month, ", ".join(queued))
            asked = await asyncio.to_thread(ask_surveys, service, None, settings.weekly_post_time)
            for area, counts in asked.runs.items():
                log.warning("Yearly survey of %s: %s", area, counts)
            if asked.sent or asked.reminded:
                log.warning("Surveys sent %d, reminders %d", asked.sent, asked.reminded)
        except Exception:  # a job failing must not stop the bot
            log.exception("Scheduled jobs failed")
        await asyncio.sleep(every)


def _registry(
    service: ConversationService, settings: Settings, sql: Any
) -> asyncio.Task[None] | None:
    """The registry sender (``adapters/registry``), when an area registers its tickets;
    what is missing for it (a webhook's secret, SMTP for e-mail) is said at start."""
    from adapters.registry.sender import RegistrySender

    areas = [a for a in service.org.areas if a.registry is not None]
    if not areas:
        return None
    for area in areas:
        reg = area.registry
        assert reg is not None
        if reg.webhook and not os.environ.get(reg.secret_env or ""):
            log.error("Registrering för %s: %s är inte satt", area.id, reg.secret_env)
        if reg.email and not settings.smtp_host:
            log.error("Registrering för %s: STODBOT_SMTP_HOST är inte satt", area.id)
    sender = RegistrySender(sql, lambda: service.org, settings, clock=service.clock)
    log.warning("Registrering: %s", ", ".join(a.id for a in areas))
    return asyncio.create_task(sender.run(), name="stodbot-registry")


def _exit_with_parent() -> None:
    """End this process when the one that started it ends, even by SIGKILL: the parent
    holds the write end of a pipe (multiprocessing's sentinel), and its death closes it."""
    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch() -> None:
        multiprocessing.connection.wait([parent.sentinel])
        os._exit(0)  # nothing to clean up: open transactions roll back, leases expire

    threading.Thread(target=watch, name="stodbot-parent-watch", daemon=True).start()


def _teams_worker(settings_json: str) -> None:
    """The Teams worker process: answers what the web process stored, sends the outbox."""
    from adapters.teams.adapter import TeamsAdapter

    _exit_with_parent()
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s worker %(message)s")
    logmask.install()  # no personal data in the application log
    settings = Settings.model_validate_json(settings_json)
    kb = knowledge_base(settings)
    logmask.install(names=known_names(kb.organisation))  # and its people's names
    service = conversation_service(settings, kb, store(settings))
    adapter = TeamsAdapter(settings, service)

    async def work() -> None:
        watch = _watch([service], settings, refit=False)  # serve's own watch refits
        try:
            await adapter.run_worker()
        finally:
            if watch is not None:
                watch.cancel()

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(work())


def _watch(
    services: list[ConversationService], settings: Settings, refit: bool = True
) -> asyncio.Task[None] | None:
    """Follow the knowledge base's files (``adapters.knowledge_watch``), unless switched
    off; ``refit``: also fit the answer model again after a change (one process does)."""
    if not settings.kb_reload_seconds:
        return None
    watch = KnowledgeWatch(services, settings, refit=refit)
    return asyncio.create_task(watch.run(settings.kb_reload_seconds), name="stodbot-kb-watch")


class WorkerProcess:
    """The Teams worker in a process of its own (``STODBOT_TEAMS_WORKER=process``), so the
    web process only acknowledges; restarted if it dies, stopped with ``serve``."""

    def __init__(self, settings: Settings) -> None:
        self._args = (settings.model_dump_json(),)
        self._ctx = multiprocessing.get_context("spawn")
        self._process = self._spawn()
        self._watch = asyncio.create_task(self._supervise(), name="stodbot-teams-worker")

    def _spawn(self) -> Any:
        process = self._ctx.Process(
            target=_teams_worker, args=self._args, name="stodbot-teams-worker", daemon=True
        )
        process.start()
        log.warning("Teams worker process %s started", process.pid)
        return process

    async def _supervise(self) -> None:
        while True:
            await asyncio.sleep(5)
            if not self._process.is_alive():
                log.error("Teams worker exited (%s); starting it again", self._process.exitcode)
                self._process = self._spawn()

    async def stop(self) -> None:
        self._watch.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._watch
        self._process.terminate()
        await asyncio.to_thread(self._process.join, 10)


async def serve(settings: Settings) -> None:
    if settings.dashboard_secret:  # before anything starts
        from adapters.web.dashboard import check_secret

        check_secret(settings.dashboard_secret, settings.production)
    kb = knowledge_base(settings)
    logmask.install(names=known_names(kb.organisation))  # the log: no names either
    sql = store(settings)
    service = conversation_service(settings, kb, sql)
    running: list[Any] = []
    own_services: list[ConversationService] = []  # adapters with a service of their own
    app = web.Application()
    harden(app)  # security headers and no aiohttp version, on every route
    if settings.matrix_homeserver:
        from adapters.matrix.bot import MatrixBot  # only when Matrix is configured

        matrix = MatrixBot(settings, kb, sql, thresholds=thresholds(settings))
        await matrix.start()
        own_services.append(matrix.service)
        log.warning("Matrix: %s som %s", settings.matrix_homeserver, settings.matrix_user_id)
        running.append(matrix)
    if settings.teams_enabled:
        from adapters.teams.adapter import TeamsAdapter  # only when Teams is configured

        separate = settings.teams_worker == "process"
        teams = TeamsAdapter(settings, service, worker=not separate)
        teams.add_routes(app)
        await teams.start()
        running.append(teams)
        if separate:
            running.append(WorkerProcess(settings))
    if settings.dashboard_secret:
        from adapters.web.dashboard import add_dashboard
        from adapters.web.yearly import add_yearly

        add_dashboard(app, service, settings.dashboard_secret, settings.public_url)
        add_yearly(app)
    if not running and not settings.dashboard_secret:
        raise NothingToServe(
            "inget att starta: sätt STODBOT_MATRIX_HOMESERVER, STODBOT_MATRIX_USER_ID och "
            "STODBOT_MATRIX_ACCESS_TOKEN (se README, ”Matrix”), STODBOT_TEAMS_ENABLED=true "
            "(”Teams”) eller STODBOT_DASHBOARD_SECRET"
        )
    if app.router.routes():  # a web app runs (dashboard or Teams): its statement too
        from adapters.web.accessibility import add_accessibility, statement

        add_accessibility(app, statement(settings, kb.organisation.municipality))
    runner = web.AppRunner(app)
    await runner.setup()
    if app.router.routes():
        await web.TCPSite(runner, settings.web_host, settings.web_port).start()
        log.warning("Webb: http://%s:%s/", settings.web_host, settings.web_port)
    jobs = asyncio.create_task(_jobs(service, settings), name="stodbot-jobs")
    registry = _registry(service, settings, sql)
    watch = _watch([service, *own_services], settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    if watch is not None:
        watch.cancel()
    for task in (jobs, registry):
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
    for adapter in running:
        await adapter.stop()
    await runner.cleanup()
