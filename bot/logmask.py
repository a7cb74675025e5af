"""The application log without personal data: a ``logging.Filter`` that masks every
record's message, arguments and traceback (``knowledge.masking``) before a handler
writes it, installed on the root logger's handlers at start-up.

A handler's filter sees every record that reaches the handler, from any logger,
so one filter per handler covers the SDKs' loggers too. Names are masked only
when given (the organisation file is read after logging starts: ``names`` can be
set later); numbers, addresses and user ids always.
"""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Iterable
from types import TracebackType

from knowledge.masking import mask


class MaskingFilter(logging.Filter):
    def __init__(self, names: Iterable[str] = ()) -> None:
        super().__init__()
        self.names: tuple[str, ...] = tuple(names)

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # arguments that do not fit the format: log both, masked
            message = f"{record.msg} {record.args}"
        record.msg, record.args = mask(message, self.names), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask(record.exc_text, self.names)
        if record.stack_info:
            record.stack_info = mask(record.stack_info, self.names)
        return True


def install(logger: logging.Logger | None = None, names: Iterable[str] = ()) -> MaskingFilter:
    """Put one ``MaskingFilter`` on each handler of ``logger`` (the root logger), once;
    ``names`` are added to what it masks."""
    logger = logger or logging.getLogger()
    existing = next(
        (f for h in logger.handlers for f in h.filters if isinstance(f, MaskingFilter)), None
    )
    masking = existing or MaskingFilter()
    masking.names = (*masking.names, *(n for n in names if n not in masking.names))
    for handler in logger.handlers:
        if masking not in handler.filters:
            handler.addFilter(masking)
    _hooks()
    return masking


_uncaught = logging.getLogger("stodbot.uncaught")


def _excepthook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, exc, tb)
        return
    _uncaught.critical("Uncaught exception", exc_info=(kind, exc, tb))


def _thread_hook(args: threading.ExceptHookArgs) -> None:
    if args.exc_type is SystemExit:
        return
    name = args.thread.name if args.thread else "?"
    _uncaught.error(
        "Uncaught exception in thread %s",
        name,
        exc_info=(args.exc_type, args.exc_value or args.exc_type(), args.exc_traceback),
    )


def _hooks() -> None:
    """Python's own reports of an uncaught exception (the main thread's and other
    threads') go through the log, and so through the mask: stderr is the service's
    log too, and an exception's message may carry a ticket's text. Only Python's
    default hooks are replaced."""
    if sys.excepthook is sys.__excepthook__:  # not over a hook someone set (pytest's)
        sys.excepthook = _excepthook
    if threading.excepthook is threading.__excepthook__:
        threading.excepthook = _thread_hook
