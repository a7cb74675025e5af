"""``stodbot serve``: run the configured chat adapters until Ctrl-C or SIGTERM."""

from __future__ import annotations

import asyncio
import logging
import signal

from adapters.compose import knowledge_base, store, thresholds
from bot.settings import Settings

log = logging.getLogger(__name__)


class NothingToServe(Exception):
    pass


async def serve(settings: Settings) -> None:
    kb = knowledge_base(settings)
    sql = store(settings)
    running = []
    if settings.matrix_homeserver:
        from adapters.matrix.bot import MatrixBot  # only when Matrix is configured

        matrix = MatrixBot(settings, kb, sql, thresholds=thresholds(settings))
        await matrix.start()
        log.warning("Matrix: %s som %s", settings.matrix_homeserver, settings.matrix_user_id)
        running.append(matrix)
    if not running:
        raise NothingToServe(
            "inget att starta: sätt STODBOT_MATRIX_HOMESERVER, STODBOT_MATRIX_USER_ID och "
            "STODBOT_MATRIX_ACCESS_TOKEN (se README, ”Matrix”)"
        )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    for adapter in running:
        await adapter.stop()
