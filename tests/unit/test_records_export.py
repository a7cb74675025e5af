"""`stodbot records export`: a ticket's whole history for a disclosure request, as the
registrator receives it (HTML and JSON files), masked for release, and audited."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import pytest

from adapters.cli.main import main
from adapters.sql.store import SqlStore
from knowledge.base import KnowledgeBase
from routing.records import SECRECY
from tests.conftest import sqlite_store
from tests.unit.records_world import (
    HR1,
    HR2,
    IT,
    IT_QUESTION,
    MANAGER,
    PHONE,
    PNR,
    World,
    env,
)


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    env(monkeypatch, tmp_path / "stodbot.db")
    return tmp_path / "stodbot.db"


@pytest.fixture
def world(example_kb: KnowledgeBase, db: Path) -> World:
    return World(example_kb, sqlite_store(db))


def export(out: Path, ticket: int, *masked: str) -> tuple[str, dict]:
    assert main(["records", "export", "--ticket", str(ticket), *masked, "--out", str(out)]) == 0
    stem = f"arende-{ticket}" + ("-maskerad" if masked else "")
    html = (out / f"{stem}.html").read_text(encoding="utf-8")
    return html, json.loads((out / f"{stem}.json").read_text(encoding="utf-8"))


class Page(HTMLParser):
    """The page as a reader (or a screen reader) meets it: its text, headings and tags."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []
        self.lang = ""
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag == "html":
            self.lang = dict(attrs).get("lang") or ""
        for name, value in attrs:
            assert not (name in ("src", "href") and value), f"external resource {tag} {value}"

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    @property
    def body(self) -> str:
        return " ".join(self.text)


def test_the_export_holds_the_whole_history(world: World, tmp_path: Path) -> None:
    ticket, dup = world.full_history()
    html, data = export(tmp_path / "out", ticket)
    page = Page(html)
    assert page.lang == "sv" and "h1" in page.tags and "table" in page.tags and "th" in page.tags
    kinds = {e["typ"] for e in data["handelser"]}
    assert kinds >= {
        "created", "asker_info", "claimed", "note", "question_to_asker", "answer",
        "unclaimed", "transfer", "resolved", "reopened", "escalated", "rating",
        "rating_comment", "merged_from",
    }  # fmt: skip
    for said in (
        "cykelförmån",
        PHONE,  # the asker's addition
        "Internt:",  # the internal note
        "Förmånen gäller alla tillsvidareanställda.",  # the staff answer
        "Gäller egentligen datorn i förmånen",  # the transfer's reason
        "Bra, men det tog tid",  # the rating's comment
    ):
        assert said in page.body, said
    assert "Intern anteckning" in page.body and "Eskalerat till områdesansvarig" in page.body
    assert PNR in data["fraga"] and data["fragestallare"] == MANAGER
    assert data["betyg"] == 4 and data["dubbletter"] == [dup]
    assert data["omraden"] == ["hr", "it"] and data["omrade"]["id"] == "it"
    [transfer] = data["overlamningar"]
    assert (transfer["fran"], transfer["till"], transfer["av"]) == ("hr", "it", HR2)
    statuses = [(c["fran"], c["till"]) for c in data["statusandringar"]]
    assert statuses[0] == (None, "open") and statuses[-1] == ("resolved", "closed")
    assert ("claimed", "resolved") in statuses and ("resolved", "reopened") in statuses
    created = data["tider"]["skapat"]
    assert created["utc"].endswith("Z") and "november 2026 kl." in created["lokal"]
    assert created["lokal"].endswith("10:00")  # 09:00 UTC is 10:00 in Stockholm
    html_dup, data_dup = export(tmp_path / "out", dup)
    assert data_dup["sammanslaget_med"] == ticket
    assert any(e["typ"] == "merged" for e in data_dup["handelser"])


def test_a_confidential_area_is_marked_at_the_top(world: World, tmp_path: Path) -> None:
    hr, _ = world.full_history()  # HR (confidential), later transferred to IT
    it = world.ticket(MANAGER, IT_QUESTION)
    html, data = export(tmp_path / "hr", hr)
    assert data["sekretessprovning"] == SECRECY
    body = html.split("<body>", 1)[1]
    assert body.index(SECRECY) < body.index("<h1>")  # before anything else
    html_it, data_it = export(tmp_path / "it", it)
    assert data_it["omrade"]["id"] == "it"
    assert data_it["sekretessprovning"] is None and SECRECY not in html_it


def test_the_masked_version_hides_personal_data_and_staff(world: World, tmp_path: Path) -> None:
    ticket, _ = world.full_history()
    html, data = export(tmp_path / "out", ticket, "--masked")
    whole = html + json.dumps(data, ensure_ascii=False)
    for hidden in (PNR, PHONE, "070-123", HR1, HR2, IT, MANAGER, "maria.lindqvist"):
        assert hidden not in whole, hidden
    assert "[personnummer]" in data["fraga"] and data["maskerad"] is True
    assert data["fragestallare"] == "Frågeställaren"
    actors = [e["av"] for e in data["handelser"]]
    assert "Frågeställaren" in actors and "Handläggare 1" in actors
    # the same person is the same role throughout; different people differ
    note = next(e for e in data["handelser"] if e["typ"] == "note")
    claimed = [e["av"] for e in data["handelser"] if e["typ"] == "claimed"]
    assert claimed == ["Handläggare 1", "Handläggare 1", "Handläggare 3"]  # HR1, HR1, IT
    assert note["av"] == "Handläggare 1" and data["handlaggare"] == "Handläggare 3"
    assert "Handläggare 2" in note["text"]  # HR2 named in HR1's note: a role as well
    assert data["overlamningar"][0]["av"] == "Handläggare 2"
    assert data["sekretessprovning"] == SECRECY  # the marking stays on the released version


def test_hostile_text_is_escaped_and_breaks_nothing(world: World, tmp_path: Path) -> None:
    evil = '<script>alert("x")</script><img src=x onerror=alert(1)>\x00 & "slut"'
    huge = "lång " * 40_000
    ticket = world.ticket(
        MANAGER, "Vilka regler gäller för cykelförmån via bruttolöneavdrag? " + evil
    )
    d = world.service.desk
    world.desk(d.add_info, ticket, MANAGER, huge)
    world.desk(d.add_info, ticket, MANAGER, "</td></tr></table><h1>falsk</h1>]]>")
    html, data = export(tmp_path / "out", ticket)
    page = Page(html)  # no external resource: the img is text, not a tag
    assert "script" not in page.tags and "img" not in page.tags
    assert page.tags.count("h1") == 1
    assert page.tags.count("table") == 4  # events, status, audit, messages
    assert "<script>" not in html and "\x00" not in html
    assert '<script>alert("x")</script>' in page.body  # readable, as written
    assert "\x00" not in data["fraga"] and "<script>" in data["fraga"]
    assert any(e["text"] == huge for e in data["handelser"])


def test_an_unknown_ticket_is_a_clear_error(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["records", "export", "--ticket", "999", "--out", str(tmp_path / "x")]) == 2
    assert "ärende 999 finns inte" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()
    assert main(["records", "export", "--ticket", "0", "--out", str(tmp_path / "x")]) == 2
    with pytest.raises(SystemExit):
        main(["records", "export", "--ticket", "tre", "--out", str(tmp_path / "x")])


def test_every_export_is_audited_with_the_operator(world: World, db: Path, tmp_path: Path) -> None:
    ticket, _ = world.full_history()
    export(tmp_path / "a", ticket)
    export(tmp_path / "b", ticket, "--masked")
    store: SqlStore = sqlite_store(db)
    with store.transaction() as tx:
        entries = [e for e in tx.audit.for_entity("ticket", str(ticket))]
    exports = [e for e in entries if e.action == "records_export"]
    assert [json.loads(e.new or "{}")["masked"] for e in exports] == [False, True]
    assert {e.actor for e in exports} == {"cli:registrator1"}
    assert main(["audit", "verify"]) == 0  # the chain still holds
