"""``stodbot kb init DIR``: a new base that lint accepts and a bot loads."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from adapters.cli.main import main
from knowledge.base import load_knowledge_base
from knowledge.synonyms import read_groups


def _env(monkeypatch: pytest.MonkeyPatch, root: Path) -> None:
    monkeypatch.setenv("STODBOT_SEMANTIC", "off")
    monkeypatch.setenv("STODBOT_ARTICLES_DIR", str(root / "articles"))
    monkeypatch.setenv("STODBOT_ORGANISATION_FILE", str(root / "organisation.yaml"))
    monkeypatch.setenv("STODBOT_SYNONYMS_FILE", str(root / "synonyms.yaml"))


def test_scaffold_lints_and_loads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "minbas"
    assert main(["kb", "init", str(root)]) == 0
    for name in ("organisation.yaml", "synonyms.yaml", "README.md", "articles/service/exempel.md"):
        assert (root / name).is_file(), name
    _env(monkeypatch, root)
    capsys.readouterr()
    assert main(["kb", "lint", "--strict"]) == 0
    assert capsys.readouterr().out.strip().endswith("1 artiklar, 0 fel, 0 varningar")

    kb = load_knowledge_base(root / "articles", root / "organisation.yaml", root / "synonyms.yaml")
    assert kb.problems == ()
    assert [a.id for a in kb.articles] == ["service-exempel"]
    org = kb.organisation
    assert org.triage_area == "kansli"
    assert {a.id for a in org.areas} == {
        "hr",
        "ekonomi",
        "kommunikation",
        "kansli",
        "sakerhet",
        "digital",
        "it",
        "service",
    }
    it = next(a for a in org.areas if a.id == "it")
    assert it.partner is not None and "ÄNDRA" in it.partner.local_contact
    assert all("ÄNDRA" in a.lead for a in org.areas)  # placeholders, no real people
    assert org.units and not org.leadership and not org.people
    assert read_groups(root / "synonyms.yaml") == []
    readme = (root / "README.md").read_text(encoding="utf-8")
    for command in ("kb lint", "kb calibrate", "kb import"):
        assert command in readme
    assert kb.matcher.match("Hur bokar jag ett konferensrum?").best is not None


def test_refuses_to_overwrite_without_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "minbas"
    root.mkdir()
    (root / "organisation.yaml").write_text("municipality: Vår egen\n", encoding="utf-8")
    assert main(["kb", "init", str(root)]) == 2
    assert "skriver inte över befintliga filer" in capsys.readouterr().err
    assert (root / "organisation.yaml").read_text(encoding="utf-8") == "municipality: Vår egen\n"
    assert not (root / "README.md").exists()
    assert main(["kb", "init", str(root), "--force"]) == 0
    data = yaml.safe_load((root / "organisation.yaml").read_text(encoding="utf-8"))
    assert data["municipality"] == "Minkommun"
