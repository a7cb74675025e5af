"""A settings error as one Swedish line for the operator, never a pydantic dump."""

from __future__ import annotations

from pydantic import ValidationError

_BY_TYPE = {
    "int_parsing": "måste vara ett heltal",
    "int_from_float": "måste vara ett heltal",
    "float_parsing": "måste vara ett tal",
    "bool_parsing": "måste vara true eller false",
    "greater_than": "måste vara större än {gt}",
    "greater_than_equal": "måste vara minst {ge}",
    "less_than": "måste vara mindre än {lt}",
    "less_than_equal": "får vara högst {le}",
    "string_pattern_mismatch": "har fel form (ska matcha {pattern})",
    "json_invalid": 'måste vara giltig JSON, t.ex. ["a", "b"]',
    "list_type": 'måste vara en JSON-lista, t.ex. ["a", "b"]',
}


def _one(error: dict[str, object]) -> str:
    loc = error.get("loc") or ()
    name = "STODBOT_" + str(loc[0]).upper() if isinstance(loc, tuple) and loc else "inställning"
    ctx = error.get("ctx")
    values = ctx if isinstance(ctx, dict) else {}
    if error.get("type") == "value_error" and "error" in values:
        what = str(values["error"])  # our own validators' Swedish text
    else:
        template = _BY_TYPE.get(str(error.get("type")))
        what = template.format(**values) if template else "har ett ogiltigt värde"
    return f"{name} {what}"


def describe(exc: ValidationError) -> str:
    """E.g. "STODBOT_RETENTION_DAYS måste vara minst 1 (dagar); …"."""
    return "; ".join(_one(dict(e)) for e in exc.errors())
