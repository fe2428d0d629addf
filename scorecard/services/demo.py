"""A realistic sample organisation for ``scorecard report --demo``: a newcomer sees a full report in one command.

Six ML teams answer the default bank over eight quarters. Each team has its own profile (strong and weak
areas), a direction (improving, steady, slipping), answers that mostly stay put from one quarter to the next,
notes on the answers that change, "don't know" answers that linger, a team that joined late and one that
missed the latest quarter. Everything is seeded: the same quarter gives the same organisation.

Everything is written through the same use cases as real data (:func:`scorecard.services.surveys.apply_import`) into
a store the caller provides, normally a temporary database.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from scorecard.quarters import current_quarter, parse_quarter, quarter_end, quarter_window
from scorecard.services.surveys import PreparedImport, apply_import
from scorecard.store import Store
from scorecard.survey.bank import DEFAULT_BANK, NA, UNKNOWN, Bank, Question
from scorecard.survey.bank_file import load_bank
from scorecard.survey.records import AnswerInput

DEMO_QUARTERS = 8
SEED = 20150


@dataclass(frozen=True)
class TeamProfile:
    """How a demo team's practices start out and drift."""

    name: str
    maturity: float
    """Where the team starts, 0 (no practice in place) to 1 (everything automated)."""
    drift: float
    """Change of maturity per quarter."""
    strengths: dict[str, float] = field(default_factory=dict)
    """Area id -> offset from the team's maturity."""
    joined: int = 0
    """Index of the first quarter the team answered."""
    skips_last: bool = False
    not_applicable: tuple[str, ...] = ()
    """Questions that do not apply to this team's system."""


TEAMS: tuple[TeamProfile, ...] = (
    TeamProfile(
        "ranking",
        0.42,
        0.035,
        {"configuration": -0.15, "measuring-debt": 0.1, "feedback-loops": -0.1},
    ),
    TeamProfile(
        "search-quality",
        0.7,
        0.01,
        {"data-dependencies": 0.12, "external-world": -0.12},
    ),
    TeamProfile(
        "fraud-detection",
        0.58,
        -0.03,
        {"external-world": 0.1, "system-anti-patterns": -0.12, "other-debt": -0.05},
    ),
    TeamProfile(
        "recommendations",
        0.3,
        0.055,
        {"boundary-erosion": -0.1, "feedback-loops": -0.15, "configuration": 0.1},
    ),
    TeamProfile(
        "demand-forecasting",
        0.5,
        0.0,
        {"data-dependencies": -0.15, "measuring-debt": 0.08},
        skips_last=True,
        not_applicable=("feedback-2", "feedback-3"),
    ),
    TeamProfile(
        "ads-ctr",
        0.28,
        0.025,
        {"external-world": -0.1, "boundary-erosion": 0.05},
        joined=4,
    ),
)

# Notes people leave when an answer changes: why it got better, or worse.
NOTES_BETTER = (
    "Automated in the Q{q} fix-it week.",
    "New CI check blocks merges that break this.",
    "Owned by the platform team since the reorg; runbook in the wiki.",
    "Schema contracts with the upstream logging team signed.",
    "Moved thresholds into the reviewed config repo.",
    "Dashboards now page the on-call, not just a channel.",
    "Dead experiment branches removed; 11 flags deleted.",
)
NOTES_WORSE = (
    "Two people who owned this left in Q{q}.",
    "The migration to the new feature store is half done.",
    "Paused while we ship the holiday launch.",
    "Nobody has looked at this since the pipeline rewrite.",
    "The nightly job that checked this was turned off (too noisy).",
)


def _latent(profile: TeamProfile, question: Question, index: int, offsets: dict[str, float]) -> float:
    """How good the team's practice behind ``question`` is in quarter ``index`` (0..1)."""
    base = profile.maturity + profile.drift * index + profile.strengths.get(question.area, 0.0)
    return min(1.0, max(0.0, base + offsets[question.id]))


def _option_for(question: Question, level: float) -> str:
    """The question's own option whose points are nearest ``level``."""
    return min(question.options, key=lambda option: abs((option.points or 0.0) - level)).id


def _points(question: Question, option_id: str) -> float:
    option = question.option(option_id)
    return (option.points if option else None) or 0.0


def _quarter_clock(quarter: str) -> Callable[[], datetime]:
    """A clock in the last weeks of ``quarter``, when teams answer; it ticks a minute per call."""
    start = quarter_end(quarter) - timedelta(days=12)
    ticks = iter(range(1_000_000))
    return lambda: start + timedelta(minutes=next(ticks))


def demo_surveys(
    bank: Bank, quarters: list[str], rng: random.Random, profiles: Sequence[TeamProfile] = TEAMS
) -> list[PreparedImport]:
    """The surveys of the teams in ``profiles`` (default: the demo organisation), oldest quarter first."""
    prepared: list[PreparedImport] = []
    for profile in profiles:
        offsets = {q.id: rng.uniform(-0.22, 0.22) for q in bank.questions}
        chosen: dict[str, str] = {}
        for index, quarter in enumerate(quarters):
            if index < profile.joined or (profile.skips_last and index == len(quarters) - 1):
                continue
            answers: list[AnswerInput] = []
            for question in bank.questions:
                previous = chosen.get(question.id)
                if question.id in profile.not_applicable:
                    option = NA
                elif previous is None:
                    # A first survey: some practices nobody on the team can speak for yet.
                    wanted = _option_for(question, _latent(profile, question, index, offsets) + rng.gauss(0, 0.08))
                    option = UNKNOWN if rng.random() < 0.09 else wanted
                elif previous == UNKNOWN:
                    option = (
                        UNKNOWN
                        if rng.random() < 0.75
                        else _option_for(question, _latent(profile, question, index, offsets))
                    )
                else:
                    wanted = _option_for(question, _latent(profile, question, index, offsets) + rng.gauss(0, 0.06))
                    # Practices change slowly: most answers stay as they were even when the team drifts.
                    option = wanted if rng.random() < 0.5 else previous
                note = None
                if previous not in (None, option) and option not in (NA, UNKNOWN) and rng.random() < 0.55:
                    pool = NOTES_BETTER if _points(question, option) > _points(question, previous) else NOTES_WORSE
                    note = rng.choice(pool).format(q=parse_quarter(quarter)[1])
                chosen[question.id] = option
                answers.append(AnswerInput(question.id, option, question.option(option).points, note))  # type: ignore[union-attr]
            prepared.append(PreparedImport(profile.name, quarter, bank, tuple(answers)))
    prepared.sort(key=lambda p: p.quarter)
    return prepared


def populate(
    store: Store,
    last_quarter: str | None = None,
    quarters: int = DEMO_QUARTERS,
    profiles: Sequence[TeamProfile] = TEAMS,
) -> list[str]:
    """Fill ``store`` with the surveys of ``profiles`` (default: the demo organisation) up to ``last_quarter``
    (default: this quarter).

    Returns the quarters written, oldest first.
    """
    window = quarter_window(last_quarter or current_quarter(), quarters)
    bank = load_bank(DEFAULT_BANK)
    rng = random.Random(f"{SEED}-{window[-1]}")
    clock = store.clock
    try:
        for prepared in demo_surveys(bank, window, rng, profiles):
            store.clock = _quarter_clock(prepared.quarter)
            apply_import(store, prepared)
    finally:
        store.clock = clock
    return window


def demo_now(last_quarter: str) -> datetime:
    """A moment late in ``last_quarter``: when the demo organisation's review happens."""
    return min(quarter_end(last_quarter) - timedelta(days=3), datetime.now(UTC))


# ---------------------------------------------------------------------------------------------------------
# Git evidence: a small generated repository per team, scanned like any other


# Experiment switches are named like the real ones: an adjective and the thing it switches (120 names).
FLAG_NAMES = tuple(
    f"{adjective}-{thing}"
    for adjective in ("new", "fast", "shadow", "async", "fresh", "warm", "mixed", "geo", "click", "v2")
    for thing in (
        *("ranker", "path", "scoring", "features", "calibration", "dedupe"),
        *("fetch", "cache", "index", "boost", "model", "sampler"),
    )
)
AUTHORS = ("Ana Silva", "Bo Chen", "Chidi Okafor", "Dana Levi", "Eli Novak", "Femi Ade")
LEGACY_FLAGS = ("use-old-tokenizer", "disable-dedup", "use-v1-features", "skip-calibration")
TODO_TEXTS = (
    "TODO: remove once the v2 pipeline is live",
    "FIXME: threshold hand-tuned on last year's data",
    "HACK: copy of the upstream schema, keep in sync by hand",
    "TODO: this join silently drops late events",
    "XXX: retrained weekly by a cron job nobody owns",
)


@dataclass
class _Tree:
    """A repository's files as lines, changed commit by commit, and the flags alive in it."""

    files: dict[str, list[str]] = field(default_factory=dict)
    flags: list[tuple[str, str, str]] = field(default_factory=list)
    """(file, flag name, the line that defines it)."""


def _commit_stream(tree: _Tree, changed: set[str], when: int, author: str, message: str) -> bytes:
    # One fast-import stream: each commit to refs/heads/main continues from the previous one.
    email = author.split()[0].lower() + "@example.com"
    who = f"{author} <{email}> {when} +0000\n".encode()
    body = message.encode()
    stream = b"commit refs/heads/main\n" + b"author " + who + b"committer " + who
    stream += b"data %d\n%s\n" % (len(body), body)
    for path in sorted(changed):
        if path in tree.files:
            data = ("\n".join(tree.files[path]) + "\n").encode()
            stream += f"M 100644 inline {path}\n".encode() + b"data %d\n%s\n" % (len(data), data)
        else:
            stream += f"D {path}\n".encode()
    return stream


def _code_lines(rng: random.Random, count: int, module: str) -> list[str]:
    words = ("score", "rank", "feature", "label", "batch", "window", "weight", "embedding", "threshold", "event")
    lines = []
    for _ in range(count):
        a, b = rng.choice(words), rng.choice(words)
        lines.append(f"{a}_{b} = {module}_{rng.choice(words)}({a}, {b})")
    return lines


def _history(profile: TeamProfile, quarters: list[str], now: datetime, rng: random.Random) -> bytes:
    """A fast-import stream: the team's repository over ``quarters``, shaped by its profile.

    Improving teams delete flags and debt comments and write tests; slipping ones pile up experiments.
    """
    package = profile.name.replace("-", "_")
    tree = _Tree()
    tree.files = {
        f"src/{package}/model.py": ["import os", "", *_code_lines(rng, 60, "model")],
        f"src/{package}/features.py": ["import numpy as np", "", *_code_lines(rng, 50, "feat")],
        f"src/{package}/train.py": ["import argparse", "", "parser = argparse.ArgumentParser()"],
        f"src/{package}/serve.py": ["import os", "", *_code_lines(rng, 30, "serve")],
        "configs/base.yaml": ["model:", "  layers: 4", "  dropout: 0.1"],
        "tests/test_model.py": ["def test_model_loads():", "    assert True"],
        "README.md": [f"# {profile.name}", "", "Models and pipelines of the team."],
    }
    improving = profile.drift > 0.02
    slipping = profile.drift < 0
    stream = b""
    first = True
    flag_pool = list(FLAG_NAMES)
    rng.shuffle(flag_pool)
    model = f"src/{package}/model.py"
    # Every team starts with some legacy: old experiment switches and debt comments from before scorecard.
    for name in LEGACY_FLAGS[: 2 + len(profile.name) % 3]:
        line = f'parser.add_argument("--{name}", action="store_true")'
        tree.files[f"src/{package}/train.py"].append(line)
        tree.flags.append((f"src/{package}/train.py", name, line))
    tree.files[model].extend(f"# {text}" for text in rng.sample(TODO_TEXTS, 3))
    for quarter in quarters:
        end = min(quarter_end(quarter), now)
        start = quarter_end(quarter) - timedelta(days=90)
        if end <= start:
            continue
        moments = sorted(rng.uniform(start.timestamp(), end.timestamp()) for _ in range(rng.randint(7, 11)))
        for moment in moments:
            changed: set[str] = set()
            weights = {
                "feature": 4,
                "experiment": 4 if slipping else 2,
                "cleanup": 1.6 if improving else 0.6,
                "tests": 3 if improving else (0.5 if slipping else 1.5),
                "config": 2.5 if "configuration" in profile.strengths and profile.strengths["configuration"] < 0 else 1,
            }
            activity = rng.choices(list(weights), list(weights.values()))[0]
            if first:
                activity = "feature"
            features = f"src/{package}/features.py"
            if activity == "feature":
                # Model and features change together: the coupling the hotspot chart shows.
                for path in (model, features):
                    tree.files[path].extend(_code_lines(rng, rng.randint(8, 30), "v"))
                    changed.add(path)
                if rng.random() < (0.6 if slipping else 0.35):
                    tree.files[model].append(f"# {rng.choice(TODO_TEXTS)}")
                message = "Improve ranking features"
            elif activity == "experiment" and flag_pool:
                name = flag_pool.pop()
                kind = rng.random()
                if kind < 0.5:
                    path = f"src/{package}/train.py"
                    line = f'parser.add_argument("--use-{name}", action="store_true")'
                elif kind < 0.75:
                    path = f"src/{package}/serve.py"
                    variable = f"{package}_enable_{name}".replace("-", "_").upper()
                    line = f'{name.replace("-", "_")} = os.environ.get("{variable}")'
                else:
                    path = "configs/base.yaml"
                    line = f"use_{name.replace('-', '_')}: true"
                tree.files[path].append(line)
                tree.flags.append((path, name, line))
                tree.files[model].extend(_code_lines(rng, rng.randint(5, 15), "exp"))
                changed.update({path, model})
                message = f"Experiment: {name}"
            elif activity == "cleanup" and (tree.flags or any(line.startswith("# ") for line in tree.files[model])):
                if tree.flags:
                    # Improving teams retire their oldest switches; the others only last month's experiment.
                    path, name, line = tree.flags.pop(0 if improving else -1)
                    tree.files[path].remove(line)
                    changed.add(path)
                    message = f"Remove the {name} experiment"
                else:
                    message = "Resolve old TODOs"
                debt = [line for line in tree.files[model] if line.startswith("# ")]
                for line in debt[: rng.randint(0, 1)]:
                    tree.files[model].remove(line)
                    changed.add(model)
            elif activity == "tests":
                path = f"tests/test_{rng.choice(('model', 'features', 'serve'))}.py"
                lines = tree.files.setdefault(path, [])
                for index in range(rng.randint(10, 25)):
                    lines.append(f"def test_case_{len(lines)}_{index}():" if index % 3 == 0 else "    assert True")
                changed.add(path)
                message = "More tests"
            else:
                path = rng.choice(("configs/base.yaml", f"configs/experiments/{quarter.lower()}.yaml"))
                lines = tree.files.setdefault(path, ["experiment:"])
                lines.extend(f"  param_{len(lines)}_{i}: {rng.randint(1, 99)}" for i in range(rng.randint(10, 30)))
                changed.add(path)
                message = "Tune configuration"
            if not changed:
                continue
            author = rng.choice(AUTHORS[: 3 + len(profile.name) % 3])
            stream += _commit_stream(tree, changed if not first else set(tree.files), int(moment), author, message)
            first = False
    return stream + b"done\n"


def write_demo_repository(path: Path, profile: TeamProfile, quarters: list[str], now: datetime) -> None:
    """A bare repository at ``path`` with the team's generated history (written by mining.py, the one module
    that runs git)."""
    from scorecard.evidence.git import create_bare_repository

    stream = _history(profile, quarters, now, random.Random(f"{SEED}-{profile.name}-{quarters[-1]}"))
    create_bare_repository(path, stream)


def scan_demo_repositories(
    store: Store, folder: Path, quarters: list[str], now: datetime, profiles: Sequence[TeamProfile] = TEAMS
) -> None:
    """Generate and scan a repository for every team of ``profiles`` but those that joined late (they have not
    scanned yet)."""
    from scorecard.evidence.scan import ScanOptions  # mining needs git: imported only here
    from scorecard.services.scanning import scan_repositories

    for profile in profiles:
        if profile.joined:
            continue
        path = folder / f"{profile.name}.git"
        path.mkdir(parents=True)
        write_demo_repository(path, profile, quarters, now)
        scan_repositories(store, [path], ScanOptions(team=profile.name, now=now))
