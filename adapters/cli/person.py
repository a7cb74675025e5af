"""The text of ``stodbot records person``: a register extract (GDPR art. 15) in Swedish,
section by section, from ``adapters.sql.person.about``."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from adapters.records.render import local


def _t(value: Any) -> str:
    if not value:
        return "–"
    try:
        return local(datetime.fromisoformat(str(value)))
    except ValueError:
        return str(value)


def _one_line(text: Any, width: int = 2000) -> str:
    s = " ".join(str(text or "").replace("\x00", "").split())
    return s if len(s) <= width else s[: width - 1] + "…"


def person_text(d: dict[str, Any]) -> str:
    out = [f"Registerutdrag för {d['user']}", ""]
    p = d["people"]
    out.append("Personuppgifter")
    if p:
        out.append(f"  Enhet: {p['unit_id'] or '–'}   Språk: {p['language'] or '–'}")
        out.append(f"  Visningsnamn: {p['display_name'] or '–'}")
        out.append(
            f"  Direktchatt: {p['direct_channel'] or '–'} {p['direct_conversation'] or ''}".rstrip()
        )
        out.append(f"  Senast ändrad: {_t(p['updated_at'])}")
    else:
        out.append("  Ingen rad i personregistret.")
    out += ["", f"Frågor ({len(d['questions'])})"]
    for q in d["questions"]:
        feedback = f", återkoppling {q['feedback']} {_t(q['feedback_at'])}" if q["feedback"] else ""
        ticket = f", ärende {q['ticket_id']}" if q["ticket_id"] else ""
        out.append(f"  {_t(q['asked_at'])} [{q['channel']}] {q['outcome']}{ticket}{feedback}")
        out.append(f"    {_one_line(q['text']) or '(texten är gallrad)'}")
    out += ["", f"Ärenden som personen ställt ({len(d['tickets'])})"]
    for k in d["tickets"]:
        rating = f", betyg {k['rating']}/5" if k["rating"] is not None else ""
        out.append(
            f"  Ärende {k['id']} ({k['area_id']}), {k['status']}{rating}, "
            f"skapat {_t(k['created_at'])}"
        )
        out.append(f"    Fråga: {_one_line(k['question']) or '(gallrad)'}")
        for e in k["events"]:
            out.append(f"    {_t(e['at'])} {e['kind']} av {e['actor']}: {_one_line(e['text'])}")
    out += ["", "Betyg"]
    out += [f"  Ärende {r['ticket']}: {r['rating']}/5" for r in d["ratings"]] or ["  Inga."]
    if d["tickets_handled"] or d["events_written_as_staff"]:
        out += ["", "Som handläggare"]
        out.append(f"  Tagna ärenden: {', '.join(map(str, d['tickets_handled'])) or '–'}")
        for e in d["events_written_as_staff"]:
            out.append(
                f"  {_t(e['at'])} ärende {e['ticket_id']} {e['kind']}: {_one_line(e['text'])}"
            )
    out += ["", f"Samtalsläge ({len(d['conversation_states'])})"]
    for s in d["conversation_states"]:
        state = s["state"]
        if isinstance(state, dict):  # what it waits on, in words a reader can check
            state = json.dumps({k: v for k, v in state.items() if v not in (None, "", [], False)},
                               ensure_ascii=False) or "{}"  # fmt: skip
        out.append(f"  {s['key']} (ändrat {_t(s['updated_at'])}): {_one_line(state, 400)}")
    out += ["", f"Meddelanden till personen ({len(d['messages_to_them'])})"]
    for m in d["messages_to_them"]:
        sent = f"skickat {_t(m['sent_at'])}" if m["sent_at"] else "ej skickat"
        out.append(
            f"  {_t(m['created_at'])} [{m['channel']}] {m['kind']}, {sent}: "
            f"{_one_line(m['text'], 300)}"
        )
    out += ["", f"Plattformshändelser som ännu inte tömts ({len(d['platform_events'])})"]
    out += [f"  {_t(i['received_at'])} [{i['channel']}]" for i in d["platform_events"]]
    out += ["", "Enkäter"]
    for s in d["survey_sends"]:
        state = "besvarad eller hoppad över" if s["finished"] else "inte avslutad"
        out.append(f"  {s['area_id']} {s['year']}: skickad {_t(s['sent_at'])}, {state}")
    if not d["survey_sends"]:
        out.append("  Inga utskick.")
    out.append(f"  Avböjt enkäter: {'ja' if d['survey_opted_out'] else 'nej'}")
    out += ["", "Introduktion för nya chefer"]
    e = d["intro"]["enrolment"]
    if e:
        out.append(
            f"  Start {e['start']} ({e['source']}), inskriven {_t(e['enrolled_at'])}, "
            f"avslutad {_t(e['left_at'] or e['ended_at'])}"
        )
        for i in d["intro"]["items"]:
            out.append(
                f"  {i['article_id']}: klar {_t(i['done_at'])}, "
                f"senare vecka {i['later_week'] or '–'}"
            )
    else:
        out.append("  Inte inskriven.")
    if d["suggestions_decided"]:
        out += ["", "Formuleringsförslag som personen beslutat om"]
        out += [
            f"  {s['article_id']}: {s['status']} {_t(s['decided_at'])}"
            for s in d["suggestions_decided"]
        ]
    out += ["", f"Granskningsloggen ({len(d['audit_log'])} rader)"]
    out += [
        f"  {_t(a['at'])} {a['actor']} {a['action']} {a['entity']} {a['entity_id']}"
        for a in d["audit_log"]
    ]
    out += ["", "Att veta"]
    out += [f"  {n}" for n in d["notes"]]
    return "\n".join(out) + "\n"
