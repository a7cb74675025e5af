"""``stodbot eval masking [FILE]``: the masking's precision and recall per kind on a
labelled corpus (``knowledge.masking_eval``), with the organisation file's names."""

from __future__ import annotations

import argparse
from pathlib import Path

from adapters.cli.commands import CliError, _settings
from knowledge.loader import OrganisationError, load_organisation
from knowledge.masking import known_names
from knowledge.masking_eval import CORPUS, CorpusError, Report, evaluate, read_corpus, render

# Issue 15's targets.
PERSONNUMMER_RECALL = 0.98
OVERALL_PRECISION = 0.95


def meets_targets(report: Report) -> bool:
    return (
        report.kinds["personnummer"].recall >= PERSONNUMMER_RECALL
        and report.overall.precision >= OVERALL_PRECISION
    )


def eval_masking(args: argparse.Namespace) -> int:
    path = Path(args.file) if args.file else CORPUS
    if not path.is_file():
        raise CliError(f"hittar inte filen {path}")
    try:
        org = load_organisation(_settings(args).organisation_file)
        report = evaluate(read_corpus(path), known_names(org))
    except (OrganisationError, CorpusError) as exc:
        raise CliError(str(exc)) from exc
    if args.show:
        for line in report.errors:
            print(line)
    print(render(report))
    ok = meets_targets(report)
    print(
        f"mål: recall personnummer ≥ {PERSONNUMMER_RECALL:.2f}, precision totalt ≥ "
        f"{OVERALL_PRECISION:.2f}: {'uppnått' if ok else 'EJ uppnått'}"
    )
    return 0 if ok else 1
