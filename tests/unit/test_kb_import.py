"""``stodbot kb import``: question/answer lists from Excel (XLSX and CSV) into articles."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.cli.main import main
from knowledge.base import load_knowledge_base
from knowledge.importer import ImportFailed, decode, import_rows, read_csv, slugify

HEADER = "Fråga;Svar;Område\n"
ROWS = (
    "Hur söker jag semester?;Ansök i självservice, under Ledighet.;HR\n"
    "Var får jag mitt lönebesked?;Lönespecifikationen finns i självservice.;hr\n"
    "Hur byter jag lösenord?;Tryck Ctrl-Alt-Del och välj Byt lösenord.;IT\n"
)
ORG = """\
municipality: Testkommun
triage_area: kansli
areas:
  - {id: hr, name: HR, description: Personal, lead: HR-chef}
  - {id: it, name: IT-drift, description: Datorer, lead: IT-chef}
  - {id: kansli, name: Kansli och registratur, description: Diarium, lead: Kanslichef}
"""


@pytest.fixture
def base(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    out = tmp_path / "bas"
    out.mkdir()
    (out / "organisation.yaml").write_text(ORG, encoding="utf-8")
    monkeypatch.setenv("STODBOT_SEMANTIC", "off")
    monkeypatch.setenv("STODBOT_ARTICLES_DIR", str(out / "articles"))
    monkeypatch.setenv("STODBOT_ORGANISATION_FILE", str(out / "organisation.yaml"))
    monkeypatch.setenv("STODBOT_SYNONYMS_FILE", "")
    return out


def _articles(out: Path) -> dict[str, str]:
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted((out / "articles").rglob("*.md"))}


def _list(tmp_path: Path) -> Path:
    """The three-row list, as a UTF-8 CSV file."""
    src = tmp_path / "fragor.csv"
    src.write_text(HEADER + ROWS, encoding="utf-8")
    return src


def _lint_passes(out: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["kb", "lint"]) == 0, capsys.readouterr().out
    kb = load_knowledge_base(out / "articles", out / "organisation.yaml")
    assert kb.problems == ()


@pytest.mark.parametrize(
    "encoding", ["utf-8", "utf-8-sig", "cp1252"], ids=["utf8", "utf8-bom", "cp1252"]
)
def test_csv_in_each_encoding_keeps_swedish_letters(
    encoding: str, base: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "fragor.csv"
    src.write_bytes((HEADER + ROWS).encode(encoding))
    assert main(["kb", "import", str(src), "--out", str(base)]) == 0
    arts = _articles(base)
    assert set(arts) == {
        "hr-hur-soker-jag-semester",
        "hr-var-far-jag-mitt-lonebesked",
        "it-hur-byter-jag-losenord",
    }
    text = arts["hr-var-far-jag-mitt-lonebesked"]
    assert "title: Var får jag mitt lönebesked?" in text
    assert "Lönespecifikationen finns i självservice." in text
    assert "\ufeff" not in "".join(arts.values()) and "\ufffd" not in "".join(arts.values())
    _lint_passes(base, capsys)


def test_decode_prefers_strict_utf8_then_cp1252() -> None:
    assert decode("Åsa öl".encode()) == "Åsa öl"
    assert decode("Åsa".encode("utf-8-sig")) == "Åsa"
    assert decode("Åsa öl".encode("cp1252")) == "Åsa öl"


@pytest.mark.parametrize("sep", [";", ",", "\t"])
def test_separator_is_sniffed(sep: str) -> None:
    data = f'fråga{sep}svar\n"Hur gör jag{sep} egentligen?"{sep}Så här.\n'.encode()
    assert read_csv(data) == [["fråga", "svar"], [f"Hur gör jag{sep} egentligen?", "Så här."]]


def test_xlsx_first_sheet(base: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["ID", "Question", "Answer", "Area", "Titel"])
    sheet.append(
        [
            17,
            "Hur diarieför jag ett mejl?",
            "Skicka det till registrator.",
            "Kansli och registratur",
            "Diarieföra e-post",
        ]
    )
    sheet.append([17, "Ska e-post diarieföras?", None, None, None])
    sheet.append([18, "Vem äger växeln?", "Kansliet.", "kansli", None])
    book.create_sheet("Annat").append(["fråga", "svar"])
    src = tmp_path / "fragor.xlsx"
    book.save(src)
    assert main(["kb", "import", str(src), "--out", str(base), "--area", "kansli"]) == 0
    arts = _articles(base)
    assert set(arts) == {"kansli-17", "kansli-18"}
    assert "title: Diarieföra e-post" in arts["kansli-17"]
    assert "- Hur diarieför jag ett mejl?\n- Ska e-post diarieföras?\n" in arts["kansli-17"]
    _lint_passes(base, capsys)


def test_reviewed_date_is_written_and_lint_stops_asking_for_one(
    base: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = _list(tmp_path)
    assert main(["kb", "import", str(src), "--out", str(base)]) == 0
    capsys.readouterr()
    main(["kb", "lint"])
    assert "inget datum i 'reviewed'" in capsys.readouterr().out  # without: one warning each
    first = set(_articles(base))
    args = ["kb", "import", str(src), "--out", str(base), "--force", "--reviewed", "2026-11-30"]
    assert main(args) == 0
    # --force replaces the same articles (not "-2" copies, not "already in another article")
    assert set(_articles(base)) == first
    assert all("reviewed: 2026-11-30\n" in text for text in _articles(base).values())
    capsys.readouterr()
    assert main(["kb", "lint"]) == 0
    assert "reviewed" not in capsys.readouterr().out
    for bad in ("30/11/2026", "2026-13-01", ""):
        capsys.readouterr()
        bad_args = ["kb", "import", str(src), "--out", str(base), "--force", "--reviewed", bad]
        assert main(bad_args) == (2 if bad else 0), bad  # empty: no date, as without


def test_rows_sharing_an_id_become_phrasings() -> None:
    result = import_rows(
        ["id", "fråga", "svar", "område"],
        [
            ["sem", "Hur söker jag semester?", "I självservice.", "hr"],
            ["sem", "Var ansöker man om sommarledighet?", "", "hr"],
            ["sem", "Kan jag ta ut semester i förskott?", "Ett annat svar.", "hr"],
        ],
    )
    (art,) = result.articles
    assert art.id == "hr-sem" and art.title == "Hur söker jag semester?"
    assert art.questions == (
        "Hur söker jag semester?",
        "Var ansöker man om sommarledighet?",
        "Kan jag ta ut semester i förskott?",
    )
    assert art.answer == "I självservice."
    assert [str(p) for p in result.problems] == [
        "rad 4: annat svar än rad 2 för id 'sem' – svaret på rad 2 används"
    ]


def test_without_an_id_the_same_answer_merges_and_ids_are_unique() -> None:
    result = import_rows(
        ["Fråga", "Svar"],
        [
            ["Hur bokar jag bil?", "Boka i bokningssystemet."],
            ["Var bokar man poolbil?", "Boka i bokningssystemet."],
            ["Hur bokar jag bil?!", "Ring växeln."],
        ],
        default_area="service",
        question_key=lambda q: q.rstrip("?!").casefold(),
    )
    assert [a.questions for a in result.articles] == [
        ("Hur bokar jag bil?", "Var bokar man poolbil?")
    ]
    assert [str(p) for p in result.problems] == [
        "rad 4: samma fråga som rad 2 (artikel 'service-hur-bokar-jag-bil') – "
        "hoppades över: 'Hur bokar jag bil?!'",
        "rad 4: inga frågor kvar för artikeln – hoppades över",
    ]
    again = import_rows(
        ["Fråga", "Svar"],
        [["Hur bokar jag bil?", "A."], ["Hur bokar jag bil ", "B."]],
        default_area="service",
        question_key=lambda q: q + "x" * len(q),  # no two the same
    )
    assert [a.id for a in again.articles] == [
        "service-hur-bokar-jag-bil",
        "service-hur-bokar-jag-bil-2",
    ]


def test_rows_it_cannot_map_are_reported(
    base: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "fragor.csv"
    src.write_text(
        HEADER
        + ";Svar utan fråga;hr\n"
        + "Fråga utan svar?;;hr\n"
        + ";;\n"
        + "Vem bokar skolans lokaler?;Lokalbokningen.;Skolförvaltningen\n"
        + "Hur söker jag semester?;I självservice.;\n"
        + "Hur söker jag semester?;I självservice.;hr\n",
        encoding="utf-8",
    )
    assert main(["kb", "import", str(src), "--out", str(base)]) == 0
    out = capsys.readouterr().out
    assert "rad 2: saknar fråga" in out
    assert "rad 3: saknar svar" in out
    assert "rad 4" not in out  # an empty row is no problem
    assert "rad 5: okänt område 'Skolförvaltningen' – hoppades över" in out
    # once, after the rows: which areas there are, so the editor can fix the list
    assert out.count("områdena i organisationsfilen: hr (HR), it (IT-drift), kansli (Kansli") == 1
    assert "rad 6: saknar område" in out
    assert list(_articles(base)) == ["hr-hur-soker-jag-semester"]


def test_unknown_areas_go_to_the_default_area() -> None:
    result = import_rows(
        ["fråga", "svar", "område"],
        [["Vem bokar skolans lokaler?", "Lokalbokningen.", "Skola"]],
        default_area="Kansli och registratur",
        areas={"kansli": "Kansli och registratur"},
    )
    assert [a.area for a in result.articles] == ["kansli"]
    assert "okänt område 'Skola' – lades i 'kansli'" in str(result.problems[0])


def test_nothing_written_exits_1_and_missing_columns_exit_2(
    base: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "fragor.csv"
    src.write_text(HEADER + "Fråga?;;hr\n", encoding="utf-8")
    assert main(["kb", "import", str(src), "--out", str(base)]) == 1
    src.write_text("Q;A\nx;y\n", encoding="utf-8")
    assert main(["kb", "import", str(src), "--out", str(base)]) == 2
    assert "ingen kolumn för fråga" in capsys.readouterr().err
    with pytest.raises(ImportFailed, match="hittar inte kolumnen 'Q2'"):
        import_rows(["Q", "A"], [], columns={"question": "Q2"})


def test_a_second_import_does_not_overwrite(
    base: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = _list(tmp_path)
    assert main(["kb", "import", str(src), "--out", str(base)]) == 0
    assert main(["kb", "import", str(src), "--out", str(base)]) == 1  # all its questions exist
    assert len(_articles(base)) == 3
    _lint_passes(base, capsys)


def test_without_an_organisation_areas_are_slugified() -> None:
    result = import_rows(
        ["fråga", "svar", "område"],
        [["Vem ringer jag vid brand?", "112.", "Säkerhet"], ["Hur får jag lön?", "Den 25:e.", ""]],
        default_area="HR",
    )
    assert [a.id for a in result.articles] == [
        "sakerhet-vem-ringer-jag-vid-brand",
        "hr-hur-far-jag-lon",
    ]


def test_slugify() -> None:
    assert slugify("Årsredovisning för Ökad Ändring!") == "arsredovisning-for-okad-andring"
    assert slugify("  --  ") == ""
    assert len(slugify("ord " * 40)) <= 50


def test_hostile_cells_become_safe_articles(
    base: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A NUL, a damaged byte in a UTF-8 file, YAML and Markdown front-matter markers and
    spreadsheet formulas in the cells: the articles load as the text says, nothing more."""
    rows = (
        "fråga;svar;område\n"
        'Hur gör jag: steg 1?;"Svar med\n---\nid: kapad\n---\nmer text";HR\n'
        "Fråga\x00med NUL om lönen;Ett svar om lön;HR\n"
        '=HYPERLINK("http://evil") semester;=1+1;HR\n'
    ).encode() + b"Trasig \xff byte i en fr\xc3\xa5ga om sjukl\xc3\xb6n;Svar;HR\n"
    src = tmp_path / "fientlig.csv"
    src.write_bytes(rows)
    assert main(["kb", "import", str(src), "--out", str(base)]) == 0
    kb = load_knowledge_base(base / "articles", base / "organisation.yaml")
    assert kb.problems == ()
    by_title = {a.title: a for a in kb.articles}
    assert "Hur gör jag: steg 1?" in by_title
    assert "id: kapad" in by_title["Hur gör jag: steg 1?"].answer  # body text, not an id
    assert {a.id for a in kb.articles}.isdisjoint({"kapad"})
    assert "Frågamed NUL om lönen" in by_title and "\x00" not in "".join(_articles(base).values())
    assert any(t.startswith("Trasig \ufffd byte i en fråga om sjuklön") for t in by_title)
    assert '=HYPERLINK("http://evil") semester' in by_title  # text, never evaluated
    _lint_passes(base, capsys)


def test_an_area_is_known_by_its_name_without_the_part_in_brackets() -> None:
    """The scaffold names IT "IT-drift (tillsammans med grannkommunerna)"; a list written
    by people says "IT-drift". A row of it was skipped as an unknown area."""
    areas = {
        "it": "IT-drift (tillsammans med grannkommunerna)",
        "ekonomi": "Ekonomi och upphandling",
        "kansli": "Kansli och registratur",
    }
    result = import_rows(
        ["fråga", "svar", "område"],
        [
            ["Hur beställer jag en dator?", "I IT-portalen.", "IT-drift"],
            ["Vem attesterar?", "Budgetansvarig chef.", "ekonomi och upphandling "],
            ["Vem diarieför?", "Registrator.", "Skolförvaltningen"],
        ],
        areas=areas,
    )
    assert [a.area for a in result.articles] == ["it", "ekonomi"]
    [problem] = result.problems
    assert "okänt område 'Skolförvaltningen'" in str(problem)


def test_a_short_name_two_areas_share_names_neither() -> None:
    result = import_rows(
        ["fråga", "svar", "område"],
        [["Hur beställer jag en dator?", "I IT-portalen.", "IT"]],
        areas={"drift": "IT (drift)", "utv": "IT (utveckling)"},
    )
    assert result.articles == ()
    assert "okänt område 'IT'" in str(result.problems[0])
