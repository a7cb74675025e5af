"""The names to mask in text shown outside its ticket (issue 15): the organisation
file's, and the display names the bot has stored (``people.display_name``) that the
text mentions, so that an asker's own name ("Anna Chefsson här") or a colleague's
("ring Bo Chefsson") is masked too. One rule for the weekly and yearly gap examples,
the suggested phrasings, the survey's free text and the masked records export."""

from __future__ import annotations

from collections.abc import Iterable

from knowledge.masking import known_names, mentioned
from knowledge.model import Organisation
from routing.ports import PeopleRepo


def names_to_mask(
    org: Organisation,
    people: PeopleRepo,
    texts: Iterable[str | None],
    writers: Iterable[str] = (),
) -> tuple[str, ...]:
    """``known_names`` of ``org`` with the display names of ``writers`` (the user ids of
    whoever wrote or handled the texts) and every stored display name ``texts`` mention."""
    texts = list(texts)
    own = [n for w in writers if (n := people.display_name(w))]
    return known_names(org, [*own, *mentioned(people.display_names(), texts)])
