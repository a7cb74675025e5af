from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import EXAMPLE_DIR
from knowledge.base import KnowledgeBase, load_knowledge_base


@pytest.fixture(scope="session")
def example_kb() -> KnowledgeBase:
    return load_knowledge_base(
        EXAMPLE_DIR / "articles", EXAMPLE_DIR / "organisation.yaml", EXAMPLE_DIR / "synonyms.yaml"
    )


ORG_YAML = """\
municipality: Testkommun
triage_area: kansli
areas:
  - id: hr
    name: HR
    description: personal
    lead: HR-chef Test
    confidential: true
    keywords: [lön, semester]
  - id: it
    name: IT
    description: datorer
    lead: IT-chef Test
    partner: {name: Gemensam IT, local_contact: IT-samordnare Lokal}
    keywords: [dator, skrivare]
  - id: kansli
    name: Kansli
    description: diarium
    lead: Kanslichef Test
"""


def write_article(root: Path, name: str, front: str, body: str = "Svar.\n") -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\n{front}---\n{body}", encoding="utf-8")
    return path


@pytest.fixture
def tiny_base(tmp_path: Path) -> tuple[Path, Path]:
    """A three-article base and its organisation file."""
    org = tmp_path / "organisation.yaml"
    org.write_text(ORG_YAML, encoding="utf-8")
    arts = tmp_path / "articles"
    write_article(
        arts,
        "hr/lonespec.md",
        "id: hr-lonespec\narea: hr\ntitle: Lönespecifikation\nquestions:\n"
        "  - Var hittar jag min lönespecifikation?\n  - Hur läser jag lönebeskedet?\n"
        "reviewed: 2026-06-01\n",
        "Lönespecifikationen finns i personalsystemet.\n",
    )
    write_article(
        arts,
        "it/dator.md",
        "id: it-dator\narea: it\ntitle: Beställa ny dator\nquestions:\n"
        "  - Hur beställer jag en ny dator?\n  - Min dator är gammal, kan jag få en ny?\n"
        "reviewed: 2026-06-01\n",
        "Beställ dator i IT-portalen.\n",
    )
    write_article(
        arts,
        "kansli/diarium.md",
        "id: kansli-diarium\narea: kansli\ntitle: Diarieföra en handling\nquestions:\n"
        "  - Hur diarieför jag ett inkommet brev?\n  - Vad ska registreras i diariet?\n"
        "reviewed: 2026-06-01\n",
        "Lämna handlingen till registraturen.\n",
    )
    return arts, org
