"""Articles are Markdown wrapped at any width; every channel shows them as text that
flows: no line break inside a sentence, lists as lists, no literal asterisks."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from adapters.cli.render import render_terminal
from adapters.matrix.render import message_content
from adapters.sql.store import SqlStore
from adapters.teams.cards import to_xml
from bot.markup import as_plain, blocks, from_markdown
from bot.messages import ConversationRef, IncomingMessage, ReplyKind
from bot.service import ConversationService
from knowledge.base import KnowledgeBase
from knowledge.loader import load_articles, load_organisation
from knowledge.model import Article

MANAGER = "@anna.chef:exempelkommun.se"  # her unit is in the example organisation file
EXAMPLE = Path(__file__).resolve().parents[2] / "knowledge" / "example"


def _articles() -> tuple[Article, ...]:
    organisation = load_organisation(EXAMPLE / "organisation.yaml")
    return load_articles(EXAMPLE / "articles", organisation.area_ids).articles


ARTICLES = _articles()


class _Structure(HTMLParser):
    """Collects each <p> and <li> as text, and counts <br> inside them."""

    def __init__(self) -> None:
        super().__init__()
        self.paragraphs: list[str] = []
        self.items: list[str] = []
        self.breaks = 0
        self._open: list[str] = []
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("p", "li"):
            self._open.append(tag)
            self._text = []
        elif tag == "br" and self._open:
            self.breaks += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("p", "li") and self._open:
            self._open.pop()
            (self.paragraphs if tag == "p" else self.items).append("".join(self._text))

    def handle_data(self, data: str) -> None:
        self._text.append(data)


def _source_items(article: Article) -> int:
    """List items in the Markdown source: lines starting "- " or "1. ", nested ones too
    (the light markup has one level: they follow their parent)."""
    return sum(bool(re.match(r" *(- |\d+\. )", line)) for line in article.answer.split("\n"))


@pytest.mark.parametrize("article", ARTICLES, ids=lambda a: a.id)
def test_every_article_flows_in_matrix(article: Article) -> None:
    content = message_content(from_markdown(article.answer))
    html = content["formatted_body"]
    parsed = _Structure()
    parsed.feed(html)
    assert parsed.breaks == 0, html  # no source line break became <br>
    assert len(parsed.items) == _source_items(article), html  # each item whole, none split
    shown = " ".join(parsed.paragraphs + parsed.items)
    assert "*" not in shown, shown  # emphasis became tags, not literal asterisks
    if "*" in article.answer:
        assert "<em>" in html or "<strong>" in html
    assert "*" not in content["body"]
    for line in content["body"].split("\n"):  # the fallback body: one line a paragraph
        assert not line.startswith(" "), line


@pytest.mark.parametrize("article", ARTICLES, ids=lambda a: a.id)
def test_every_article_flows_in_teams_and_the_terminal(article: Article) -> None:
    light = from_markdown(article.answer)
    xml = to_xml(light)
    parsed = _Structure()
    parsed.feed(xml)
    assert parsed.breaks == 0 and "*" not in xml, xml
    assert len(parsed.items) == _source_items(article)
    text = render_terminal(light, width=60)
    assert "*" not in text
    sentences_cut = [
        (a, b)
        for a, b in zip(text.split("\n"), text.split("\n")[1:], strict=False)
        if a
        and b
        and len(a) + 1 + len(b.split()[0]) <= 60
        and b.lstrip()[:2] not in ("- ",)
        and not re.match(r"\d+\. ", b)
    ]
    assert not sentences_cut, sentences_cut  # a wrapped line is full before it breaks


def test_the_answer_reply_in_matrix_keeps_lists_and_our_own_lines(
    example_kb: KnowledgeBase, sql_store: SqlStore
) -> None:
    service = ConversationService(example_kb, sql_store)
    msg = IncomingMessage(ConversationRef("test", "dm"), MANAGER, "hur bokar jag en poolbil", "e1")
    answer = next(r for r in service.handle(msg) if r.kind is ReplyKind.ANSWER)
    html = message_content(answer.text)["formatted_body"]
    assert "<ol><li>Logga in med ditt vanliga konto" in html
    assert "<p>Se också:</p><ol><li>Skada eller olycka med poolbil</li></ol>" in html
    assert "<p>Länkar:</p><ul><li>Bilbokning på intranätet: https://" in html


def test_markdown_the_example_does_not_use() -> None:
    light = from_markdown(
        "# Rubrik\n\nLäs [riktlinjen](https://intra.example.se/r) och "
        "[klicka](javascript:alert(1)).\n\n1. ett\n   - inne i\n2. två\n\n"
        "> citat\n\n<img src=x onerror=alert(1)>"
    )
    assert light.split("\n\n")[0] == "**Rubrik**"
    assert "riktlinjen (https://intra.example.se/r)" in light
    html = message_content(light)["formatted_body"]
    assert "<a" not in html  # no link tags at all: addresses are shown as text
    assert "<img" not in html and "&lt;img" in html
    kinds = [b.kind for b in blocks(light)]
    assert kinds == [
        "paragraph",
        "paragraph",
        "numbers",
        "bullets",
        "numbers",
        "paragraph",
        "paragraph",
    ]
    assert as_plain("**a** *b*") == "a b"
