"""What a new manager reads of their path: the week's checklist (with its Klart /
Påminn mig nästa vecka buttons), one article from it, the whole path, and the end."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.intro.path import Path, done, one_line
from bot.messages import Choice, Reply, ReplyKind
from bot.state import Awaiting, ConversationState
from bot.texts import Texts
from knowledge.model import Article
from routing.ports import IntroItem


def buttons(t: Texts, n: int, article: Article) -> tuple[Choice, Choice]:
    """Item ``n``'s two buttons. What they say names the article, not its number, so
    that a button on an older checklist marks the article it stood beside."""
    return (
        Choice(n, t("intro_button_done"), article.id, says=f"klart {article.id}"),
        Choice(n, t("intro_button_later"), article.id, says=f"påminn {article.id}"),
    )


def checklist(
    t: Texts, path: Path, week: int, articles: Sequence[Article], first: str | None = None
) -> tuple[Reply, ConversationState]:
    """The week's checklist, and the state that lets a typed number open an article."""
    lines = [f"{n}. **{a.title}** – {one_line(a)}" for n, a in enumerate(articles, 1)]
    text = "\n\n".join(
        [
            *([first] if first else []),
            t("intro_week", week=week, of=path.length),
            "\n".join(lines),
            t("intro_week_hint"),
        ]
    )
    choices = tuple(c for n, a in enumerate(articles, 1) for c in buttons(t, n, a))
    state = ConversationState(Awaiting.INTRO, choices=tuple(a.id for a in articles))
    return Reply(ReplyKind.INFO, text, choices=choices, each=True), state


def article(t: Texts, text: str, n: int, item: Article) -> Reply:
    """One checklist article, read: its text, then its buttons."""
    hint = t("intro_article_hint", n=n)
    return Reply(
        ReplyKind.ANSWER,
        f"{text}\n\n{hint}",
        choices=buttons(t, n, item),
        article_id=item.id,
        area_id=item.area,
    )


def overview(t: Texts, path: Path, week: int, items: Mapping[str, IntroItem]) -> str:
    """The whole path for ``min introduktion``: each week with what is done (✓), left
    (○) or postponed (→), the weeks behind marked."""
    shown = min(max(week, 1), path.length)
    head = t(
        "intro_overview",
        week=shown,
        of=path.length,
        done=path.done_count(items),
        total=len(path.articles),
    )
    lines = []
    for w, articles in enumerate(path.weeks, 1):
        marks = []
        for a in articles:
            item = items.get(a.id)
            if done(a.id, items):
                marks.append(f"✓ {a.title}")
            elif item is not None and item.later_week is not None and item.later_week != w:
                marks.append(f"→ {a.title} ({t('intro_moved', week=item.later_week)})")
            else:
                marks.append(f"○ {a.title}")
        behind = w < week and any(m.startswith("○") for m in marks)
        label = t("intro_week_label", week=w)
        if w == week:
            label += " " + t("intro_now")
        elif behind:
            label += " " + t("intro_behind")
        lines.append(f"- **{label}**: " + " · ".join(marks))
    footer = t("intro_ended") if week > path.length else t("intro_overview_hint")
    return "\n\n".join([head, "\n".join(lines), t("intro_legend"), footer])


def summary(t: Texts, path: Path, items: Mapping[str, IntroItem]) -> str:
    """The last message, after the path's last week."""
    left = [a.title for a in path.articles if not done(a.id, items)]
    text = t("intro_final", done=path.done_count(items), total=len(path.articles))
    if left:
        text += "\n\n" + t("intro_final_left") + "\n" + "\n".join(f"- {x}" for x in left)
    return text
