"""The demo organisation's git repositories: a generated history per team, written and scanned like any other.

Each team's history follows its profile (improving teams retire experiments and write tests, slipping ones pile
up switches and TODOs), so the report's git evidence tells the same story as its surveys.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from scorecard.quarters import quarter_end
from scorecard.services.demo import SEED, TEAMS, TeamProfile
from scorecard.store import Store

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


class _HistoryWriter:
    """Writes one team's generated history commit by commit; each kind of change is one method.

    The random draws happen in a fixed order, so the same seed gives the same repository.
    """

    def __init__(self, profile: TeamProfile, rng: random.Random) -> None:
        self.profile = profile
        self.rng = rng
        self.package = package = profile.name.replace("-", "_")
        self.model = f"src/{package}/model.py"
        self.features = f"src/{package}/features.py"
        self.train = f"src/{package}/train.py"
        self.tree = _Tree()
        self.tree.files = {
            self.model: ["import os", "", *_code_lines(rng, 60, "model")],
            self.features: ["import numpy as np", "", *_code_lines(rng, 50, "feat")],
            self.train: ["import argparse", "", "parser = argparse.ArgumentParser()"],
            f"src/{package}/serve.py": ["import os", "", *_code_lines(rng, 30, "serve")],
            "configs/base.yaml": ["model:", "  layers: 4", "  dropout: 0.1"],
            "tests/test_model.py": ["def test_model_loads():", "    assert True"],
            "README.md": [f"# {profile.name}", "", "Models and pipelines of the team."],
        }
        self.improving = profile.drift > 0.02
        self.slipping = profile.drift < 0
        self.flag_pool = list(FLAG_NAMES)
        rng.shuffle(self.flag_pool)
        # Every team starts with some legacy: old experiment switches and debt comments from before scorecard.
        for name in LEGACY_FLAGS[: 2 + len(profile.name) % 3]:
            line = f'parser.add_argument("--{name}", action="store_true")'
            self.tree.files[self.train].append(line)
            self.tree.flags.append((self.train, name, line))
        self.tree.files[self.model].extend(f"# {text}" for text in rng.sample(TODO_TEXTS, 3))

    def activity(self) -> str:
        """What the next commit does, drawn with the team's weights."""
        strengths = self.profile.strengths
        weights = {
            "feature": 4,
            "experiment": 4 if self.slipping else 2,
            "cleanup": 1.6 if self.improving else 0.6,
            "tests": 3 if self.improving else (0.5 if self.slipping else 1.5),
            "config": 2.5 if "configuration" in strengths and strengths["configuration"] < 0 else 1,
        }
        return self.rng.choices(list(weights), list(weights.values()))[0]

    def change(self, activity: str, quarter: str) -> tuple[set[str], str]:
        """Apply one commit's change to the tree: the paths changed and the commit message."""
        if activity == "feature":
            return self.feature()
        if activity == "experiment" and self.flag_pool:
            return self.experiment()
        if activity == "cleanup" and (
            self.tree.flags or any(line.startswith("# ") for line in self.tree.files[self.model])
        ):
            return self.cleanup()
        if activity == "tests":
            return self.more_tests()
        return self.tune_configuration(quarter)

    def feature(self) -> tuple[set[str], str]:
        # Model and features change together: the coupling the hotspot chart shows.
        for path in (self.model, self.features):
            self.tree.files[path].extend(_code_lines(self.rng, self.rng.randint(8, 30), "v"))
        if self.rng.random() < (0.6 if self.slipping else 0.35):
            self.tree.files[self.model].append(f"# {self.rng.choice(TODO_TEXTS)}")
        return {self.model, self.features}, "Improve ranking features"

    def experiment(self) -> tuple[set[str], str]:
        name = self.flag_pool.pop()
        kind = self.rng.random()
        if kind < 0.5:
            path, line = self.train, f'parser.add_argument("--use-{name}", action="store_true")'
        elif kind < 0.75:
            path = f"src/{self.package}/serve.py"
            variable = f"{self.package}_enable_{name}".replace("-", "_").upper()
            line = f'{name.replace("-", "_")} = os.environ.get("{variable}")'
        else:
            path, line = "configs/base.yaml", f"use_{name.replace('-', '_')}: true"
        self.tree.files[path].append(line)
        self.tree.flags.append((path, name, line))
        self.tree.files[self.model].extend(_code_lines(self.rng, self.rng.randint(5, 15), "exp"))
        return {path, self.model}, f"Experiment: {name}"

    def cleanup(self) -> tuple[set[str], str]:
        changed: set[str] = set()
        message = "Resolve old TODOs"
        if self.tree.flags:
            # Improving teams retire their oldest switches; the others only last month's experiment.
            path, name, line = self.tree.flags.pop(0 if self.improving else -1)
            self.tree.files[path].remove(line)
            changed.add(path)
            message = f"Remove the {name} experiment"
        debt = [line for line in self.tree.files[self.model] if line.startswith("# ")]
        for line in debt[: self.rng.randint(0, 1)]:
            self.tree.files[self.model].remove(line)
            changed.add(self.model)
        return changed, message

    def more_tests(self) -> tuple[set[str], str]:
        path = f"tests/test_{self.rng.choice(('model', 'features', 'serve'))}.py"
        lines = self.tree.files.setdefault(path, [])
        for index in range(self.rng.randint(10, 25)):
            lines.append(f"def test_case_{len(lines)}_{index}():" if index % 3 == 0 else "    assert True")
        return {path}, "More tests"

    def tune_configuration(self, quarter: str) -> tuple[set[str], str]:
        path = self.rng.choice(("configs/base.yaml", f"configs/experiments/{quarter.lower()}.yaml"))
        lines = self.tree.files.setdefault(path, ["experiment:"])
        lines.extend(f"  param_{len(lines)}_{i}: {self.rng.randint(1, 99)}" for i in range(self.rng.randint(10, 30)))
        return {path}, "Tune configuration"


def _commit_moments(quarter: str, now: datetime, rng: random.Random) -> list[float]:
    """When a quarter's commits happen: 7 to 11 of them, up to ``now`` (none for a quarter not begun)."""
    end = min(quarter_end(quarter), now)
    start = quarter_end(quarter) - timedelta(days=90)
    if end <= start:
        return []
    return sorted(rng.uniform(start.timestamp(), end.timestamp()) for _ in range(rng.randint(7, 11)))


def history_stream(profile: TeamProfile, quarters: list[str], now: datetime, rng: random.Random) -> bytes:
    """A fast-import stream: the team's repository over ``quarters``, shaped by its profile.

    Improving teams delete flags and debt comments and write tests; slipping ones pile up experiments.
    """
    writer = _HistoryWriter(profile, rng)
    stream = b""
    first = True
    for quarter in quarters:
        for moment in _commit_moments(quarter, now, rng):
            activity = writer.activity()
            changed, message = writer.change("feature" if first else activity, quarter)
            if not changed:
                continue
            author = rng.choice(AUTHORS[: 3 + len(profile.name) % 3])
            stream += _commit_stream(
                writer.tree, changed if not first else set(writer.tree.files), int(moment), author, message
            )
            first = False
    return stream + b"done\n"


def write_demo_repository(path: Path, profile: TeamProfile, quarters: list[str], now: datetime) -> None:
    """A bare repository at ``path`` with the team's generated history (git itself is run by evidence/git.py)."""
    from scorecard.evidence.git import create_bare_repository

    stream = history_stream(profile, quarters, now, random.Random(f"{SEED}-{profile.name}-{quarters[-1]}"))
    create_bare_repository(path, stream)


def scan_demo_repositories(
    store: Store, folder: Path, quarters: list[str], now: datetime, profiles: Sequence[TeamProfile] = TEAMS
) -> None:
    """Generate and scan a repository for every team of ``profiles`` but those that joined late (they have not
    scanned yet)."""
    from scorecard.evidence.repository_scan import ScanOptions  # mining needs git: imported only here
    from scorecard.services.scanning import scan_repositories

    for profile in profiles:
        if profile.joined:
            continue
        path = folder / f"{profile.name}.git"
        path.mkdir(parents=True)
        write_demo_repository(path, profile, quarters, now)
        scan_repositories(store, [path], ScanOptions(team=profile.name, now=now))
