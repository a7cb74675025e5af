"""The terminal conversation as a user sees it: push text in, read replies."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.sql.store import SqlStore
from bot.messages import ConversationRef, IncomingMessage, Reply, ReplyKind
from bot.service import ConversationService
from knowledge.base import KnowledgeBase, load_knowledge_base
from knowledge.matcher import Thresholds

MANAGER = "@anna.chef:exempelkommun.se"  # her unit is in the example organisation file


class Chat:
    """An in-process chat: ``say`` sends a line as one user and returns the replies."""

    def __init__(
        self, kb: KnowledgeBase, store: SqlStore, user: str = MANAGER, language: str = "sv"
    ) -> None:
        self.service = ConversationService(kb, store, language=language, max_chars=4000)
        self.user = user
        self.n = 0

    def say(self, text: str, user: str | None = None) -> list[Reply]:
        self.n += 1
        who = user or self.user
        msg = IncomingMessage(ConversationRef("test", f"dm-{who}"), who, text, f"ev{self.n}")
        return self.service.handle(msg)


@pytest.fixture
def chat(example_kb: KnowledgeBase, sql_store: SqlStore) -> Chat:
    return Chat(example_kb, sql_store)


def test_answer_then_helpful(chat: Chat) -> None:
    [reply] = chat.say("Hur bokar jag en poolbil?")
    assert reply.kind is ReplyKind.ANSWER and reply.article_id == "service-bilbokning"
    assert "Var det till hjälp? (ja/nej)" in reply.text
    [thanks] = chat.say("ja")
    assert "Tack" in thanks.text


def test_follow_up_choice_by_number(chat: Chat) -> None:
    [reply] = chat.say("Hur bokar jag en poolbil?")
    assert reply.choices and reply.choices[0].article_id == "service-bil-skada"
    [follow] = chat.say("1")
    assert follow.kind is ReplyKind.ANSWER and follow.article_id == "service-bil-skada"


def test_not_helpful_offers_to_route_to_the_articles_area(chat: Chat) -> None:
    chat.say("Hur bokar jag en poolbil?")
    [offer] = chat.say("nej")
    assert "Intern service" in offer.text and "(ja/nej)" in offer.text
    [routed] = chat.say("ja")
    assert routed.kind is ReplyKind.ROUTED and routed.area_id == "service"
    assert routed.ticket_id is not None and f"**{routed.ticket_id}**" in routed.text


def test_clarify_then_pick_by_number(example_kb: KnowledgeBase, sql_store: SqlStore) -> None:
    chat = Chat(example_kb, sql_store)
    # An answer threshold no article reaches: every match becomes a clarify question.
    chat.service.thresholds = Thresholds(answer=1.01, clarify=0.3)
    [reply] = chat.say("poolbil")
    assert reply.kind is ReplyKind.CLARIFY
    assert "Svara med en siffra" in reply.text and len(reply.choices) >= 2
    picked = reply.choices[1]
    [answer] = chat.say("2")
    assert answer.kind is ReplyKind.ANSWER and answer.article_id == picked.article_id


def test_bad_choice_number_is_explained(chat: Chat) -> None:
    chat.say("Hur bokar jag en poolbil?")  # one follow-up article
    [reply] = chat.say("7")
    assert "Svara 1 för att välja" in reply.text
    chat.say("Var hittar jag min lönespecifikation?")  # two follow-ups
    [reply] = chat.say("7")
    assert "Välj en siffra mellan 1 och 2" in reply.text


def test_unanswerable_becomes_a_ticket_for_the_owning_area_once_confirmed(chat: Chat) -> None:
    [offer] = chat.say("Vilka regler gäller för tjänstecykel och cykelförmån via bruttolöneavdrag?")
    assert offer.kind is ReplyKind.NO_ANSWER and offer.offers_route
    assert offer.area_id == "hr" and "Vill du att jag skickar frågan till **HR**?" in offer.text
    assert "Intern service" not in offer.text  # near an area: no list of all of them
    [reply] = chat.say("ja")
    assert reply.kind is ReplyKind.ROUTED
    assert reply.area_id == "hr" and "**HR**" in reply.text and "ärende" in reply.text


def test_the_greeting_and_help_name_this_organisation_s_own_areas(chat: Chat) -> None:
    greeting = chat.service.greeting().text
    names = [a.name for a in chat.service.org.areas]
    assert all(name in greeting for name in names) and "Exempelkommun" in greeting
    [help_] = chat.say("hjälp")
    assert all(name in help_.text for name in names)


def test_far_off_says_what_the_bot_answers_with_names_kept_apart(chat: Chat) -> None:
    [offer] = chat.say("vem vann melodifestivalen")
    assert offer.offers_route and offer.area_id == "kansli"  # the triage area
    assert "hur saker görs i Exempelkommun" in offer.text
    # area names hold commas and "och": a comma list would read as more areas
    assert "HR · Ekonomi och upphandling · Kommunikation, näringsliv och arbetsmarknad" in (
        offer.text
    )


def test_language_follows_the_person_not_the_client(chat: Chat) -> None:
    english_client = IncomingMessage(
        ConversationRef("test", "dm-en"), MANAGER, "hur bokar jag en poolbil", "en1", "en-US"
    )
    [answer] = chat.service.handle(english_client)
    assert answer.language == "sv" and "Var det till hjälp?" in answer.text
    [done] = chat.say("language english")
    assert done.language == "en" and "English" in done.text
    [answer] = chat.say("hur bokar jag en poolbil")
    assert answer.language == "en" and "Was this helpful?" in answer.text
    [offer] = chat.say("vem vann melodifestivalen")
    assert "Shall I pass the question on" in offer.text
    [back] = chat.say("språk svenska")
    assert back.language == "sv" and "svenska" in back.text
    [usage] = chat.say("språk klingonska")
    assert "språk engelska" in usage.text


def test_empty_and_huge_messages(chat: Chat) -> None:
    [empty] = chat.say("   ")
    assert "Skriv en fråga" in empty.text
    [huge] = chat.say("lön " * 2000)
    assert huge.kind is ReplyKind.ERROR and "för långt" in huge.text and "4000" in huge.text


def test_help_lists_the_registry(chat: Chat) -> None:
    [reply] = chat.say("hjälp")
    assert "hjälp" in reply.text and "Ställ en fråga" in reply.text


def test_english_replies(example_kb: KnowledgeBase, sql_store: SqlStore) -> None:
    chat = Chat(example_kb, sql_store, language="en")
    [reply] = chat.say("Hur bokar jag en poolbil?")
    assert "Was this helpful?" in reply.text


def test_users_in_one_room_have_separate_conversations(
    tiny_base: tuple[Path, Path], sql_store: SqlStore
) -> None:
    kb = load_knowledge_base(*tiny_base)
    service = ConversationService(kb, sql_store)
    ref = ConversationRef("test", "shared-room")
    service.handle(IncomingMessage(ref, "@a:k", "Hur beställer jag en ny dator?", "1"))
    [other] = service.handle(IncomingMessage(ref, "@b:k", "ja", "2"))
    assert "Tack" not in other.text  # b never got an answer to give feedback on


def test_greetings_and_gibberish_make_no_tickets(chat: Chat) -> None:
    [hello] = chat.say("Hej!")
    assert "Vad undrar du över" in hello.text
    [vague] = chat.say("asdfgh")
    assert "fler ord" in vague.text
    [real] = chat.say("Vilka regler gäller för cykelförmån via bruttolöneavdrag?")
    assert real.kind is ReplyKind.NO_ANSWER and real.offers_route


def test_a_question_in_another_language_is_asked_back_with_a_line_in_that_language(
    semantic_kb: KnowledgeBase, sql_store: SqlStore
) -> None:
    chat = Chat(semantic_kb, sql_store)
    (english,) = chat.say("How do I book a pool car for a meeting?")
    assert english.kind is ReplyKind.CLARIFY
    assert english.text.startswith("The articles are in Swedish.")
    assert "Is it one of these?" in english.text  # English frame for an English question
    assert any(c.article_id == "service-bilbokning" for c in english.choices)
    (finnish,) = chat.say("Unohdin salasanani, miten saan uuden salasanan?")
    assert finnish.text.startswith("Artikkelit ovat ruotsiksi.")
    assert finnish.kind is ReplyKind.CLARIFY  # Swedish frame: we have no Finnish texts
    (swedish,) = chat.say("jag har glömt mitt lösenord")
    assert swedish.kind is ReplyKind.ANSWER and "ruotsiksi" not in swedish.text
    assert "Swedish" not in swedish.text


def test_the_example_question_in_a_greeting_is_from_the_base_in_use(tmp_path: Path) -> None:
    """An imported base about schools was told "till exempel ”hur bokar jag en
    poolbil?”", a question about the example municipality's cars it cannot answer."""
    from tests.conftest import ORG_YAML, sqlite_store, write_article

    arts = tmp_path / "articles"
    write_article(
        arts,
        "hr/semester.md",
        "id: hr-semester\narea: hr\ntitle: Semester\nquestions:\n"
        "  - Hur ansöker jag om semester?\n  - semester ansökan\n",
    )
    org = tmp_path / "organisation.yaml"
    org.write_text(ORG_YAML, encoding="utf-8")
    kb = load_knowledge_base(arts, org)
    chat = Chat(kb, sqlite_store(tmp_path / "s.db"))
    for said in ("hej", "   "):
        [reply] = chat.say(said)
        assert "”hur ansöker jag om semester?”" in reply.text, reply.text
        assert "poolbil" not in reply.text
