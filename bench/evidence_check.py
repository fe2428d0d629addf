"""Every evidence rule of the shipped banks against real repositories, answered as a best-practice team would.

Run: .venv/bin/python bench/evidence_check.py PATH [PATH...] [--as-of-last-commit] [--db FILE]

For each repository (team = its folder name): scan it, import one survey per shipped bank where every question
is answered with its best option, and score it against the scan. A best-practice survey is what a healthy team
claims, so every contradiction that fires is an alarm to judge: true (the evidence really argues against the
claim) or false (the rule cries wolf). ``--as-of-last-commit`` scans each repository as of the day after its last
commit, so "last quarter" is the quarter before the team's last activity rather than before today (an archived
repository otherwise has no last quarter to speak of).

Prints, in Markdown: each rule's measured values per repository (``(guard)`` where a ``when`` guard holds it
back, **FIRES** where it fires), then every contradiction with its examples. bench/EVIDENCE.md is its output,
judged by hand.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from scorecard.evidence.repository_scan import ScanOptions
from scorecard.quarters import previous_quarter, quarter_of
from scorecard.services.scanning import scan_repositories
from scorecard.services.show import show_team
from scorecard.services.surveys import import_answers_file
from scorecard.services.team_metrics import team_metrics
from scorecard.store import Store
from scorecard.survey.bank import Bank, EvidenceRule
from scorecard.survey.bank_file import shipped_banks
from scorecard.survey.contradictions import Contradiction, Evidence, condition_value, guards_met, rule_fires


def best_answers(bank: Bank, team: str, quarter: str) -> str:
    """An answers file choosing every question's highest-scoring option."""
    lines = [f"team: {team}", f"quarter: {quarter}", f"bank: {bank.id}", "answers:"]
    lines += [f"  {q.id}: {q.best_option.id}" for q in bank.questions]
    return "\n".join(lines) + "\n"


def last_commit(path: str) -> datetime:
    seconds = subprocess.run(["git", "-C", path, "log", "-1", "--format=%ct"], capture_output=True, text=True)
    return datetime.fromtimestamp(int(seconds.stdout), UTC)


def check(paths: Sequence[str], db: Path, as_of_last_commit: bool) -> tuple[dict[str, Evidence], dict]:
    """Scan and survey each repository; its evidence and the contradictions per (team, bank)."""
    evidence: dict[str, Evidence] = {}
    fired: dict[tuple[str, str], tuple[Contradiction, ...]] = {}
    for path in paths:
        team = Path(path).name
        now = last_commit(path) + timedelta(days=1) if as_of_last_commit else datetime.now(UTC)
        with Store.open(db) as store:
            scan_repositories(store, [path], ScanOptions(team=team, now=now))
        for bank in shipped_banks():
            answers = db.parent / f"best-{bank.id}-{team}.yaml"
            answers.write_text(best_answers(bank, team, quarter_of(now)), encoding="utf-8")
            import_answers_file(answers, lambda: Store.open(db))
            with Store.open(db) as store:
                fired[team, bank.id] = show_team(store, team, bank_name=bank.id).contradictions
        with Store.open(db) as store:
            found = team_metrics(store, team, per_quarter=True)
        assert found is not None
        last = previous_quarter(quarter_of(datetime.fromisoformat(found.scanned_at)))
        evidence[team] = Evidence(found.latest, found.by_quarter, last, found.examples)
    return evidence, fired


def cell(rule: EvidenceRule, evidence: Evidence) -> str:
    values = []
    for condition in rule.conditions:
        measured = condition_value(condition, evidence)
        values.append("-" if measured is None else f"{measured[0]:.3g}")
    shown = " / ".join(values)
    if not guards_met(rule, evidence):
        return f"{shown} (guard)"
    return f"**{shown} FIRES**" if rule_fires(rule, evidence) else shown


def report(evidence: dict[str, Evidence], fired: dict) -> str:
    teams = list(evidence)
    out = ["| bank: question | rule | " + " | ".join(teams) + " |", "| --- | --- |" + " --- |" * len(teams)]
    for bank in shipped_banks():
        for question in bank.questions:
            for rule in question.evidence:
                cells = " | ".join(cell(rule, evidence[team]) for team in teams)
                out.append(f"| {bank.id}: {question.id} | `{rule.expression}` | {cells} |")
    out += ["", "Contradictions fired:", ""]
    for (team, bank_id), found in fired.items():
        for c in found:
            out.append(f"- **{team}**, {bank_id} `{c.question_id}` ({c.option_id}): `{c.rule}`")
            out += [f"  - {example}" for example in c.examples]
    if not any(fired.values()):
        out.append("- none")
    return "\n".join(out)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--as-of-last-commit", action="store_true")
    parser.add_argument("--db", type=Path, help="keep the database here (default: a temporary one)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        db = args.db or Path(folder) / "evidence.db"
        evidence, fired = check(args.paths, db, args.as_of_last_commit)
        print(report(evidence, fired))


if __name__ == "__main__":
    sys.exit(main())
