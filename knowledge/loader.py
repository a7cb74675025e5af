"""Loading the knowledge base: Markdown articles with YAML front matter.

A broken article never stops the bot: it is skipped, and the problem is
returned with its file and line so that ``stodbot kb lint`` and the start-up
log can name it.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from knowledge.model import (
    SLA,
    Area,
    Article,
    Commitments,
    Intro,
    Link,
    Organisation,
    Partner,
    Person,
    Registry,
    Unit,
)
from knowledge.schema import ArticleIn, OrganisationIn, PersonIn

log = logging.getLogger(__name__)
# libyaml's loader where PyYAML was built with it: parsing 20,000 articles in seconds.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Problem:
    path: Path
    line: int
    message: str
    severity: str = "error"  # "error" skips the article; "warning" keeps it

    def __str__(self) -> str:
        label = {"error": "fel", "warning": "varning"}.get(self.severity, self.severity)
        return f"{self.path}:{self.line}: {label}: {self.message}"


class OrganisationError(ValueError):
    """The organisation file is missing or invalid; the bot cannot start without it."""


@dataclass(frozen=True)
class ParsedArticle:
    article: Article
    key_lines: dict[str, int]
    question_lines: tuple[int, ...]


def _front_matter(text: str) -> tuple[str, str, int] | None:
    """Split ``---`` front matter from the body; return (yaml, body, body's first line)."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        return None
    for i in range(1, len(lines)):
        if lines[i].strip() == "---":
            return "".join(lines[1:i]), "".join(lines[i + 1 :]), i + 2
    return None


_TOP_KEY = re.compile(r"^([A-Za-z_][\w-]*)\s*:")
_ITEM = re.compile(r"^\s*-\s")


def _key_lines(source: str) -> tuple[dict[str, int], tuple[int, ...]]:
    """Line numbers (1-based, in the file) of each top-level key and of each block-list
    question. A line scan, not a second YAML parse: it only points lint at a line."""
    keys: dict[str, int] = {}
    questions: list[int] = []
    current = ""
    for i, line in enumerate(source.splitlines()):
        m = _TOP_KEY.match(line)
        if m:
            current = m.group(1)
            keys.setdefault(current, i + 2)
        elif current == "questions" and _ITEM.match(line):
            questions.append(i + 2)
    return keys, tuple(questions)


def parse_article(path: Path) -> ParsedArticle | Problem:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return Problem(path, 1, f"filen går inte att läsa: {exc}")
    split = _front_matter(text)
    if split is None:
        return Problem(
            path, 1, "inget huvud i YAML (filen ska börja med ett block mellan '---'-rader)"
        )
    source, body, _ = split
    try:
        data = yaml.load(source, Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        return Problem(path, line, f"felaktig YAML: {getattr(exc, 'problem', exc)}")
    if not isinstance(data, dict):
        return Problem(path, 2, "huvudet ska bestå av nycklar med värden (nyckel: värde)")
    keys, qlines = _key_lines(source)
    if not body.strip():
        return Problem(path, len(text.splitlines()) or 1, "svaret är tomt (inget under huvudet)")
    try:
        meta = ArticleIn.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        key = str(err["loc"][0]) if err["loc"] else ""
        line = keys.get(key, 2)
        where = ".".join(str(p) for p in err["loc"])
        return Problem(path, line, f"{where}: {_in_swedish(err)}")
    article = Article(
        id=meta.id,
        area=meta.area,
        title=meta.title,
        questions=tuple(q.strip() for q in meta.questions),
        answer=body.strip(),
        keywords=tuple(meta.keywords),
        links=tuple(Link(link.title, link.url) for link in meta.links),
        follow_up=tuple(meta.follow_up),
        owner=meta.owner,
        reviewed=meta.reviewed,
        intro=Intro(meta.intro.week, meta.intro.order) if meta.intro else None,
        source=path,
    )
    return ParsedArticle(article, keys, qlines)


# What an editor is told for the schema's most common complaints (pydantic's own
# message, in English, for the rest).
_SCHEMA_SV = {
    "missing": "saknas",
    "extra_forbidden": "okänd nyckel (stavfel?)",
    "too_short": "får inte vara tom",
    "string_too_short": "får inte vara tom",
    "string_pattern_mismatch": "bara a–z, 0–9 och bindestreck, med liten bokstav först",
    "string_type": "ska vara en text",
    "list_type": "ska vara en lista (rader som börjar med '- ')",
    "date_from_datetime_parsing": "ska vara ett datum, ÅÅÅÅ-MM-DD",
    "date_parsing": "ska vara ett datum, ÅÅÅÅ-MM-DD",
    "date_type": "ska vara ett datum, ÅÅÅÅ-MM-DD",
    "int_parsing": "ska vara ett heltal",
}


def _in_swedish(err: Mapping[str, Any]) -> str:
    if err.get("type") == "value_error" and str(err.get("msg", "")).endswith("empty question"):
        return "en tom fråga"
    return _SCHEMA_SV.get(str(err.get("type")), str(err.get("msg", "")))


@dataclass(frozen=True)
class LoadResult:
    parsed: tuple[ParsedArticle, ...]
    problems: tuple[Problem, ...]

    @property
    def articles(self) -> tuple[Article, ...]:
        return tuple(p.article for p in self.parsed)


def load_articles(root: Path, area_ids: frozenset[str] | None = None) -> LoadResult:
    """Load every ``*.md`` under ``root`` in a stable order, skipping broken ones."""
    parsed: list[ParsedArticle] = []
    problems: list[Problem] = []
    seen: dict[str, Path] = {}
    for path in sorted(root.rglob("*.md")):
        if path.name.lower() == "readme.md":
            continue
        result = parse_article(path)
        if isinstance(result, Problem):
            problems.append(result)
            continue
        art = result.article
        if area_ids is not None and art.area not in area_ids:
            line = result.key_lines.get("area", 2)
            problems.append(
                Problem(path, line, f"okänt område '{art.area}' (finns inte i organisationsfilen)")
            )
            continue
        if art.id in seen:
            line = result.key_lines.get("id", 2)
            problems.append(Problem(path, line, f"id '{art.id}' finns redan ({seen[art.id]})"))
            continue
        seen[art.id] = path
        parsed.append(result)
    for problem in problems:
        log.warning("Skipping article: %s", problem)
    return LoadResult(tuple(parsed), tuple(problems))


def _line_of(source: str, loc: tuple[int | str, ...]) -> int | None:
    """The line (1-based) of the YAML node at ``loc`` (e.g. areas.2.retention_days), or
    of the deepest part of it that exists (a key that should not be there is the
    mapping it sits in); None if the file cannot be composed."""
    try:
        node = yaml.compose(source)
    except yaml.YAMLError:
        return None
    line = None
    for part in loc:
        if node is None:
            break
        line = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            found = [(k, v) for k, v in node.value if k.value == str(part)]
            if not found:
                break
            key, node = found[0]
            line = key.start_mark.line + 1
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if part >= len(node.value):
                break
            node = node.value[part]
        else:
            break
    else:
        if node is not None and not isinstance(node, yaml.MappingNode | yaml.SequenceNode):
            line = node.start_mark.line + 1
    return line


def load_organisation(path: Path) -> Organisation:
    source = ""
    try:
        source = path.read_text(encoding="utf-8")
        data: Any = yaml.safe_load(source)
        org = OrganisationIn.model_validate(data)
    except OSError as exc:
        raise OrganisationError(f"{path}: cannot read the organisation file: {exc}") from exc
    except yaml.YAMLError as exc:
        raise OrganisationError(f"{path}: invalid YAML: {exc}") from exc
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        line = _line_of(source, err["loc"])
        at = f"{path}:{line}" if line else str(path)
        raise OrganisationError(f"{at}: {where}: {err['msg']}") from exc
    ids = [a.id for a in org.areas]
    if len(set(ids)) != len(ids):
        raise OrganisationError(f"{path}: area ids must be unique")
    if "alla" in ids:  # the yearly analysis' scope for leadership (bot.links.LEADERSHIP)
        raise OrganisationError(f"{path}: 'alla' is reserved and cannot be an area id")
    if org.triage_area is not None and org.triage_area not in ids:
        raise OrganisationError(f"{path}: triage_area '{org.triage_area}' is not an area")
    unit_ids = {u.id for u in org.units}
    persons = []
    for user, entry in sorted(org.people.items()):
        person = entry if isinstance(entry, PersonIn) else PersonIn(unit=entry)
        if person.unit is not None and person.unit not in unit_ids:
            raise OrganisationError(f"{path}: people.{user}: unknown unit '{person.unit}'")
        persons.append(Person(user, person.unit, person.role, person.start))
    return Organisation(
        municipality=org.municipality,
        example=org.example,
        triage_area=org.triage_area,
        areas=tuple(
            Area(
                id=a.id,
                name=a.name,
                description=a.description,
                lead=a.lead,
                confidential=a.confidential,
                partner=Partner(a.partner.name, a.partner.local_contact) if a.partner else None,
                keywords=tuple(a.keywords),
                sla=SLA(a.sla.claim_hours, a.sla.resolve_hours),
                room=a.room,
                channel=a.channel,
                staff=tuple(a.staff),
                lead_user=a.lead_user,
                serves=tuple(a.serves),
                commitments=Commitments(
                    a.commitments.claim_hours or a.sla.claim_hours,
                    a.commitments.resolve_hours or a.sla.resolve_hours,
                    a.commitments.answered_share,
                    a.commitments.satisfaction,
                )
                if a.commitments
                else None,
                plan=Link(a.plan.title, a.plan.url) if a.plan else None,
                survey_month=a.survey_month or org.survey_month,
                retention_days=a.retention_days,
                registry=Registry(
                    tuple(dict.fromkeys(a.registry.on)),
                    a.registry.webhook,
                    a.registry.secret_env,
                    a.registry.email,
                )
                if a.registry
                else None,
            )
            for a in org.areas
        ),
        units=tuple(Unit(u.id, u.name) for u in org.units),
        leadership=tuple(org.leadership),
        leadership_room=org.leadership_room,
        leadership_channel=org.leadership_channel,
        people=tuple((p.user_id, p.unit) for p in persons if p.unit is not None),
        persons=tuple(persons),
    )
