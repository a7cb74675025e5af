"""``stodbot kb report``: the base asked its own phrasings tells editors what to fix."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from adapters.cli.main import main
from knowledge.base import KnowledgeBase, load_knowledge_base
from knowledge.matcher import Matcher
from knowledge.normalise import Analyzer
from knowledge.quality import quality_report
from tests.conftest import write_article


def test_the_example_base_predicts_what_its_question_files_measure(
    example_kb: KnowledgeBase,
) -> None:
    report = quality_report(example_kb.articles, lambda arts: Matcher(arts, Analyzer([])))
    assert report.asked >= 4 * 100  # every article has at least four phrasings
    parts = ("right", "choice", "wrong", "routed")
    assert abs(sum(report.share(p) for p in parts) - 1) < 1e-9
    assert 0.6 < report.share("right") < 0.95 and report.share("wrong") < 0.1
    assert 0 < report.predicted_out_of_scope_answered < 0.5
    # Everyday questions the answer models never learnt from: asked, and almost never
    # answered (the lexical matcher answers none of them).
    assert report.everyday_asked >= 20 and report.predicted_everyday_answered < 0.1
    worst = report.articles[0]
    assert worst.right < worst.asked  # the list starts with what to fix


def test_a_planted_twin_article_thin_article_and_stop_word_phrasing_are_named(
    tiny_base: tuple[Path, Path],
) -> None:
    arts, org = tiny_base
    write_article(
        arts,
        "it/dator2.md",
        "id: it-dator-igen\narea: it\ntitle: Ny dator till medarbetare\nquestions:\n"
        "  - Hur beställer jag en ny dator till en medarbetare?\n"
        "  - Beställa ny dator åt en medarbetare\n  - hur gör jag då\nreviewed: 2026-06-01\n",
    )
    write_article(
        arts,
        "hr/tunn.md",
        "id: hr-tunn\narea: hr\ntitle: Friskvårdsbidrag\nquestions:\n  - Hur mycket är det?\n"
        "reviewed: 2026-06-01\n",
    )
    kb = load_knowledge_base(arts, org)
    report = quality_report(kb.articles, lambda a: Matcher(a, Analyzer([])))
    pairs = {(c.asked, c.answered) for c in report.confusions}
    assert pairs & {("it-dator", "it-dator-igen"), ("it-dator-igen", "it-dator")}
    assert any("dator" in c.words for c in report.confusions)
    assert "hr-tunn" in {a.id for a in report.thin}
    assert ("it-dator-igen", "hur gör jag då") in report.stop_words_only


def test_kb_report_prints_the_prediction_and_writes_a_work_list(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.setenv("STODBOT_SEMANTIC", "off")
    out = tmp_path / "rapport.xlsx"
    assert main(["kb", "report", "--xlsx", str(out)]) == 0
    text = capsys.readouterr().out
    assert "besvaras rätt" in text and "Artikelpar som tas för varandra" in text
    assert "ett närliggande ämne som saknas" in text and "vardagsfrågor" in text
    book = load_workbook(out)
    assert book.sheetnames == ["Artiklar", "Förväxlingar", "Lika formuleringar", "Förutsägelse"]
    assert book["Artiklar"].max_row == 1 + 120
    labels = [row[0].value for row in book["Förutsägelse"].iter_rows()]
    assert "vardagsfrågor som besvaras" in labels


def test_a_question_that_repeats_the_title_is_not_held_out_as_if_it_were_new(
    tiny_base: tuple[Path, Path],
) -> None:
    """A list imported without a title column gives each one-row article its question as
    both title and phrasing. Held out, that phrasing was still in the base as the title,
    so every such article was "found": a base of them was predicted 100 % right."""
    arts, org = tiny_base
    for i, (q, a) in enumerate(
        [
            ("Hur ansöker jag om semester?", "I Personec, fyra veckor innan."),
            ("Vem attesterar fakturor?", "Budgetansvarig chef enligt attestordningen."),
            ("Hur diarieför jag en handling?", "Skicka den till registrator."),
        ]
    ):
        write_article(
            arts,
            f"hr/import{i}.md",
            f"id: hr-import-{i}\narea: hr\ntitle: {q}\nquestions:\n  - {q}\n"
            f"  - {q.upper()}\nreviewed: 2026-06-01\n",
            f"{a}\n",
        )
    kb = load_knowledge_base(arts, org)
    report = quality_report(kb.articles, lambda a: Matcher(a, Analyzer([])))
    ours = [s for s in report.articles if s.id.startswith("hr-import-")]
    assert len(ours) == 3
    assert all(s.asked == 0 for s in ours), [(s.id, s.asked, s.right) for s in ours]
    assert all(s.phrasings == 1 for s in ours)  # the title, once
    assert {s.id for s in report.thin} >= {s.id for s in ours}
    from adapters.cli.kb_report import render

    text = "\n".join(render(report, 10))
    # the prediction says what it leaves out: these articles are untried, not "right"
    assert f"3 av {len(report.articles)} artiklar har ingen formulering utöver rubriken" in text
