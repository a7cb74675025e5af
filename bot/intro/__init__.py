"""A new manager's first 90 days (issue 14): a 12-week path of articles with
``intro:`` in their front matter, sent as a checklist each Monday, ``min
introduktion`` for the manager and masked figures for HR.

The yearly analysis reads ``progress(service, now) -> IntroProgress``."""

from __future__ import annotations

from bot.intro.progress import IntroProgress, progress

__all__ = ["IntroProgress", "progress"]
