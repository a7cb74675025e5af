from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from adapters.sql.engine import make_engine, migrate
from adapters.sql.store import SqlStore
from bot.settings import EXAMPLE_DIR
from knowledge.base import KnowledgeBase, load_knowledge_base
from tests.adapters.matrix.homeserver import SKIP_REASON, Homeserver
from tests.tcp_proxy import TcpProxy

# Caches (article embeddings, the lexical index) go to a folder of this run, never
# to the user's home: every run starts as a fresh install would, seeded by the example
# base's shipped embeddings.
os.environ["STODBOT_CACHE_DIR"] = tempfile.mkdtemp(prefix="stodbot-test-cache-")

PG_URL = os.environ.get("STODBOT_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")


def _pg_reason() -> str | None:
    """None if PostgreSQL answers at PG_URL, else why not (the skip reason)."""
    try:
        engine = make_engine(PG_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(text("select 1"))
        engine.dispose()
        return None
    except Exception as exc:  # any failure means: no PostgreSQL here
        return f"no PostgreSQL at {PG_URL} ({type(exc).__name__}); set STODBOT_TEST_PG_URL"


PG_SKIP = _pg_reason()


def sqlite_store(path: Path) -> SqlStore:
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    return SqlStore(engine)


@pytest.fixture
def sql_store(tmp_path: Path) -> SqlStore:
    return sqlite_store(tmp_path / "stodbot.db")


@pytest.fixture
def pg_schema() -> Iterator[str]:
    """A PostgreSQL URL whose connections use a fresh schema, dropped afterwards."""
    if PG_SKIP:
        pytest.skip(PG_SKIP)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = make_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        yield schema
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@pytest.fixture
def proxied_store(pg_schema: str) -> Iterator[tuple[SqlStore, TcpProxy]]:
    """A PostgreSQL store reached through a TCP proxy the test can stop and start: a
    database that is briefly away."""
    url = make_url(PG_URL)
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432)
    proxy.start()
    engine = make_engine(
        url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False),
        connect_args={"options": f"-csearch_path={pg_schema}", "connect_timeout": 2},
    )
    migrate(engine)
    yield SqlStore(engine), proxy
    proxy.stop()
    engine.dispose()


def pg_store(schema: str, **kwargs: object) -> SqlStore:
    engine = make_engine(PG_URL, connect_args={"options": f"-csearch_path={schema}"}, **kwargs)
    migrate(engine)
    return SqlStore(engine)


@pytest.fixture(params=["sqlite", "postgresql"])
def any_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SqlStore]:
    """The same test on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        yield sqlite_store(tmp_path / "contract.db")
        return
    schema = request.getfixturevalue("pg_schema")
    store = pg_store(schema, pool_size=10, max_overflow=10)
    yield store
    store.engine.dispose()


@pytest.fixture(scope="session")
def homeserver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Homeserver]:
    """One real Synapse for the whole run (tests/adapters/matrix/homeserver.py)."""
    if SKIP_REASON:
        pytest.skip(SKIP_REASON)
    hs = Homeserver(tmp_path_factory.mktemp("synapse"))
    hs.start()
    yield hs
    hs.stop()


def example_copy(root: Path) -> Path:
    """A copy of the example base (articles, organisation, synonyms, answer model) under
    ``root``, for tests that write articles: the shipped files stay as they are."""
    base = root / "base"
    shutil.copytree(EXAMPLE_DIR, base, ignore=shutil.ignore_patterns("*.csv"))
    return base


def set_reviewed(path: Path, reviewed: str | None) -> Path:
    """Give the article file ``path`` another ``reviewed:`` date (None: no date at all),
    for tests of articles past their review; ``path`` is returned."""
    text = path.read_text(encoding="utf-8")
    old = next(line for line in text.splitlines() if line.startswith("reviewed:"))
    new = f"reviewed: {reviewed}\n" if reviewed else ""
    path.write_text(text.replace(old + "\n", new), encoding="utf-8")
    return path


def load_copy(base: Path) -> KnowledgeBase:
    """``base`` (an ``example_copy``) loaded as ``example_kb`` is: lexical matcher only."""
    return load_knowledge_base(
        base / "articles", base / "organisation.yaml", base / "synonyms.yaml"
    )


@pytest.fixture(scope="session")
def example_kb() -> KnowledgeBase:
    """The example base, lexical matcher only (STODBOT_SEMANTIC=off)."""
    return load_knowledge_base(
        EXAMPLE_DIR / "articles", EXAMPLE_DIR / "organisation.yaml", EXAMPLE_DIR / "synonyms.yaml"
    )


@pytest.fixture(scope="session")
def semantic_kb() -> KnowledgeBase:
    """The example base as the default install loads it: fused with the e5 model."""
    from adapters.compose import knowledge_base
    from bot.settings import Settings

    return knowledge_base(Settings())


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
