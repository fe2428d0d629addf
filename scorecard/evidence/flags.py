"""Flags: how many of each kind are alive, how old they are, how long untouched, and how many get removed.

The one idea: an *occurrence* is a pattern's match in one file (the replay, :mod:`scorecard.evidence.replay`,
gives its life), but a *flag* is one kind and one name in one repository, however many files hold it: a key
``use_fp16`` in 40 JSON files is one flag. It is alive while any occurrence is, removed when the last goes,
stale when alive and untouched for more than ``stale_days``; a name that marks an experiment
(:func:`marks_experiment`) makes it a ``feature_switch``. Occurrences in tests, CI, data, lock files, docs and
development tools' configuration do not count. Why it matters: switches that pile up untouched are dead
experimental code paths (Sculley et al. 2015). The definitions in full: README, "Git evidence", flags.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pandas as pd

from scorecard.evidence.frames import quarters_of
from scorecard.evidence.patterns import CONFIG_KEY, FEATURE_SWITCH, FLAG_KINDS, ScanSettings
from scorecard.evidence.replay import FlagLife

SECONDS_PER_DAY = 86_400
EXPERIMENT_WORDS = frozenset({"experiment", "experiments", "experimental", "ab", "abtest", "variant", "variants"})
UNCOUNTED_FILE_KINDS = frozenset({"test", "ci", "data", "lock"})
TOOL_CONFIG_NAMES = frozenset(
    {"setup.cfg", "tox.ini", "pytest.ini", "mypy.ini", "pyproject.toml", "mkdocs.yml", "mkdocs.yaml"}
    | {"codecov.yml", "codecov.yaml", "_config.yml", "_project.yaml", "_toc.yaml", "_book.yaml"}
)
DOCS_DIRS = frozenset({"docs", "doc"})
# The metric name of each kind's count of alive flags.
KIND_METRICS = {
    "cli_option": "flags.cli_options",
    "env_toggle": "flags.env_toggles",
    "config_key": "flags.config_keys",
    "feature_switch": "flags.feature_switches",
}
_LIFE_COLUMNS = [
    "pattern",
    "name",
    "path",
    "introduced_commit",
    "introduced_at",
    "removed_commit",
    "removed_at",
    "last_changed_commit",
    "last_changed_at",
    "changed_at",
]
FLAG_KEY = ["kind", "name"]


def iso_time(seconds: float | None) -> str | None:
    """Unix seconds as an ISO 8601 UTC time; None for no time (None or NaN) or one ``datetime`` cannot hold
    (the reading keeps commit times within 1970 to 2999, see :class:`scorecard.evidence.reading.HistoryReader`)."""
    if seconds is None or (isinstance(seconds, float) and math.isnan(seconds)):
        return None
    try:
        return datetime.fromtimestamp(int(seconds), tz=UTC).isoformat(timespec="seconds")
    except (OverflowError, OSError, ValueError):
        return None


# ---------------------------------------------------------------------------------------------------------
# What a flag is


def name_words(name: str) -> list[str]:
    """The words of a flag's name, lower-cased: split at every character that is not a letter or digit, and
    where case changes (``useABTest`` -> use, ab, test); linear in the name's length."""
    words: list[str] = []
    current: list[str] = []
    for index, char in enumerate(name):
        if not char.isalnum():
            if current:
                words.append("".join(current))
                current = []
            continue
        if current and char.isupper():
            previous = current[-1]
            following = name[index + 1] if index + 1 < len(name) else ""
            # fooBar: a new word at B; ABTest: a new word at T (an upper letter before a lower one).
            if not previous.isupper() or following.islower():
                words.append("".join(current))
                current = []
        current.append(char)
    if current:
        words.append("".join(current))
    return [word.lower() for word in words]


def marks_experiment(name: str) -> bool:
    """Whether a flag's name marks an experiment: one of :data:`EXPERIMENT_WORDS` among its words."""
    return any(word in EXPERIMENT_WORDS for word in name_words(name))


def flag_kind(pattern_kind: str, name: str) -> str:
    """A flag's kind: its pattern's, or ``feature_switch`` when its name marks an experiment."""
    return FEATURE_SWITCH if marks_experiment(name) else pattern_kind


def counted_path(settings: ScanSettings) -> Callable[[str, str], bool]:
    """A predicate on ``(path, kind)``: whether an occurrence of that kind in that file counts (docstring)."""
    excluded = settings.path_excluded()
    kind_of = settings.kind_rules.kind_of

    def counted(path: str, kind: str) -> bool:
        *directories, name = path.split("/")
        if excluded(path) or kind_of(path) in UNCOUNTED_FILE_KINDS or DOCS_DIRS.intersection(directories):
            return False
        hidden = any(part.startswith(".") for part in (*directories, name))
        return kind != CONFIG_KEY or not (hidden or name.lower() in TOOL_CONFIG_NAMES)

    return counted


# ---------------------------------------------------------------------------------------------------------
# Occurrences and flags as frames


def flags_frame(lives: Sequence[FlagLife], settings: ScanSettings, now: datetime) -> pd.DataFrame:
    """Every occurrence that counts and lived on the chain: its life, ``kind``, ``experiment``, ``alive``, and
    for alive ones ``age_days``, ``days_since_change`` and ``stale`` (the occurrence's own, not its flag's)."""
    pattern_kinds = {pattern.id: pattern.kind for pattern in settings.flag_patterns}
    rows = [
        (
            f.pattern,
            f.name,
            f.path,
            f.introduced_commit,
            f.introduced_at,
            f.removed_commit,
            f.removed_at,
            f.last_changed_commit or f.introduced_commit,
            f.changed_at[-1] if f.changed_at else f.introduced_at,
            tuple(f.changed_at),
        )
        for f in lives
    ]
    frame = pd.DataFrame(rows, columns=_LIFE_COLUMNS)
    frame["kind"] = [
        flag_kind(pattern_kinds.get(p, FEATURE_SWITCH), n) for p, n in zip(frame["pattern"], frame["name"], strict=True)
    ]
    counted = counted_path(settings)
    if len(frame):
        frame = frame[[counted(p, k) for p, k in zip(frame["path"], frame["kind"], strict=True)]]
    frame = frame.copy()
    frame["experiment"] = frame["name"].map(marks_experiment).astype(bool)
    for column in ("introduced_at", "last_changed_at"):
        frame[column] = frame[column].astype("int64")
    frame["removed_at"] = pd.to_numeric(frame["removed_at"]).astype("float64")
    frame["alive"] = frame["removed_commit"].isna()
    seconds = now.timestamp()
    frame["age_days"] = ((seconds - frame["introduced_at"]) / SECONDS_PER_DAY).where(frame["alive"])
    frame["days_since_change"] = ((seconds - frame["last_changed_at"]) / SECONDS_PER_DAY).where(frame["alive"])
    frame["stale"] = frame["alive"] & (frame["days_since_change"] > settings.stale_days)
    return frame.sort_values(["kind", "name", "path", "introduced_at"]).reset_index(drop=True)


def deduplicated(
    occurrences: pd.DataFrame, now: float, stale_days: int, key: Sequence[str] = tuple(FLAG_KEY)
) -> pd.DataFrame:
    """The flags (one row per ``key``, by default kind and name, sorted by it) of occurrences with their lives
    (columns of :func:`flags_frame`; ``*_commit``, ``pattern`` and ``experiment`` may be missing), as of
    ``now`` (Unix seconds). ``files``: the paths of the alive occurrences (of all, for a removed flag)."""
    key = list(key)
    if not len(occurrences):
        return pd.DataFrame(columns=[*key, *_FLAG_COLUMNS])
    found = occurrences.reset_index(drop=True)
    for name in ("pattern", "introduced_commit", "removed_commit", "last_changed_commit"):
        if name not in found:
            found[name] = None
    if "experiment" not in found:
        found["experiment"] = found["name"].map(marks_experiment)
    alive = found["alive"].astype(bool)
    groups = found.groupby(key, sort=True, dropna=False)
    flag_alive = groups["alive"].transform("any").astype(bool)
    found["touched_at"] = found["removed_at"].where(~alive, found["last_changed_at"]).astype("float64")
    found["touched_commit"] = found["removed_commit"].where(~alive, found["last_changed_commit"])
    # -inf: not removed, or (a row of an older scan) no last change known.
    found["gone_at"] = found["removed_at"].fillna(-np.inf)
    found["touched_known"] = found["touched_at"].fillna(-np.inf)
    groups = found.groupby(key, sort=True, dropna=False)
    first = found.loc[groups["introduced_at"].idxmin()].reset_index(drop=True)
    touched = found.loc[groups["touched_known"].idxmax()].reset_index(drop=True)
    gone = found.loc[groups["gone_at"].idxmax()].reset_index(drop=True)
    shown = found[alive | ~flag_alive].groupby(key, sort=True, dropna=False)["path"]
    flags = first[key].assign(
        pattern=first["pattern"],
        experiment=groups["experiment"].any().to_numpy(dtype=bool),
        files=[tuple(sorted(set(paths))) for _, paths in shown],
        introduced_commit=first["introduced_commit"],
        introduced_at=first["introduced_at"].astype("int64"),
        alive=groups["alive"].any().to_numpy(dtype=bool),
    )
    flags["removed_commit"] = gone["removed_commit"].where(~flags["alive"], None)
    flags["removed_at"] = gone["removed_at"].astype("float64").where(~flags["alive"])
    flags["last_changed_commit"] = touched["touched_commit"]
    flags["last_changed_at"] = touched["touched_at"]
    flags["age_days"] = ((now - flags["introduced_at"]) / SECONDS_PER_DAY).where(flags["alive"])
    flags["days_since_change"] = ((now - flags["last_changed_at"]) / SECONDS_PER_DAY).where(flags["alive"])
    flags["stale"] = flags["alive"] & (flags["days_since_change"] > stale_days)
    return flags[[*key, *_FLAG_COLUMNS]]


_FLAG_COLUMNS = [
    "pattern",
    "experiment",
    "files",
    "introduced_commit",
    "introduced_at",
    "removed_commit",
    "removed_at",
    "last_changed_commit",
    "last_changed_at",
    "alive",
    "age_days",
    "days_since_change",
    "stale",
]


def alive_spans(occurrences: pd.DataFrame, flags: pd.DataFrame, key: Sequence[str] = tuple(FLAG_KEY)) -> pd.DataFrame:
    """When each flag was alive: ``flag`` (its row in ``flags``), ``start``, ``end`` (inf: alive at HEAD), the
    union of its occurrences' lives (``[introduced_at, removed_at)``), one row per stretch without a gap."""
    if not len(occurrences):
        return pd.DataFrame({"flag": np.empty(0, dtype=np.int64), "start": [], "end": []})
    number = pd.MultiIndex.from_frame(flags[list(key)]).get_indexer(pd.MultiIndex.from_frame(occurrences[list(key)]))
    lives = pd.DataFrame(
        {
            "flag": number,
            "start": occurrences["introduced_at"].to_numpy(dtype="float64"),
            "end": occurrences["removed_at"].fillna(np.inf).to_numpy(dtype="float64"),
        }
    ).sort_values(["flag", "start"], kind="stable")
    reach = lives.groupby("flag")["end"].cummax()
    reached = reach.groupby(lives["flag"]).shift()  # how far the flag's earlier lives reached
    stretch = (reached.isna() | (lives["start"] > reached)).cumsum()
    spans = lives.groupby(stretch).agg(flag=("flag", "first"), start=("start", "min"), end=("end", "max"))
    return spans.reset_index(drop=True)


def touches(occurrences: pd.DataFrame, flags: pd.DataFrame) -> pd.DataFrame:
    """Every time a flag was introduced, changed or removed somewhere: ``flag`` (its row in ``flags``), ``at``."""
    number = pd.MultiIndex.from_frame(flags[FLAG_KEY]).get_indexer(pd.MultiIndex.from_frame(occurrences[FLAG_KEY]))
    times = [
        (flag, float(when))
        for flag, introduced, changed, removed in zip(
            number, occurrences["introduced_at"], occurrences["changed_at"], occurrences["removed_at"], strict=True
        )
        for when in (introduced, *changed, *(() if math.isnan(removed) else (removed,)))
    ]
    return pd.DataFrame(times, columns=["flag", "at"]) if times else pd.DataFrame({"flag": [], "at": []})


# ---------------------------------------------------------------------------------------------------------
# Metrics


class FlagHistory:
    """One repository's flags, their stretches alive and their touches: what the ``flags.*`` metrics read."""

    def __init__(self, occurrences: pd.DataFrame, now: datetime, stale_days: int):
        self.occurrences = occurrences
        self.stale_days = stale_days
        self.flags = deduplicated(occurrences, now.timestamp(), stale_days)
        self.spans = alive_spans(occurrences, self.flags)
        self.touches = touches(occurrences, self.flags) if len(occurrences) else pd.DataFrame({"flag": [], "at": []})
        ended = self.spans[np.isfinite(self.spans["end"])]
        kinds = self.flags["kind"].to_numpy(dtype=object)[ended["flag"].to_numpy(dtype=np.int64)]
        quarters = quarters_of(ended["end"].astype("int64")) if len(ended) else pd.Series([], dtype=object)
        self.removed = quarters.value_counts()
        self.switches_removed = quarters[kinds == FEATURE_SWITCH].value_counts() if len(ended) else self.removed

    def quarter_metrics(self, quarter: str, end: int) -> dict[str, float | None]:
        """``flags.*`` of a quarter: the flags alive just before ``end`` (its end), their ages then, removals."""
        spans = self.spans
        alive = spans.loc[(spans["start"] < end) & (spans["end"] >= end), "flag"].to_numpy(dtype=np.int64)
        flags = self.flags.iloc[alive]
        ages = (end - flags["introduced_at"].to_numpy(dtype="float64")) / SECONDS_PER_DAY
        before = self.touches[self.touches["at"] < end]
        last_touch = before.groupby("flag")["at"].max().reindex(alive).to_numpy(dtype="float64")
        untouched = (end - last_touch) / SECONDS_PER_DAY
        return {
            "flags.alive": float(len(alive)),
            "flags.stale": float((untouched > self.stale_days).sum()),
            "flags.median_age_days": float(np.median(ages)) if len(ages) else None,
            "flags.removed": float(self.removed.get(quarter, 0)),
            **_kind_counts(flags),
            "flags.experiments.alive": float(flags["experiment"].astype(bool).sum()),
            "flags.feature_switches.removed": float(self.switches_removed.get(quarter, 0)),
        }

    def latest_metrics(self, last_quarter: str) -> dict[str, float | None]:
        """The flags alive at HEAD, as of the scan time, and last quarter's removals."""
        alive = self.flags[self.flags["alive"].astype(bool)]
        return {
            "flags.alive": float(len(alive)),
            **_kind_counts(alive),
            "flags.experiments.alive": float(alive["experiment"].astype(bool).sum()),
            "flags.stale": float(alive["stale"].astype(bool).sum()),
            "flags.feature_switches.stale": float(
                (alive["stale"].astype(bool) & (alive["kind"] == FEATURE_SWITCH)).sum()
            ),
            "flags.median_age_days": _median(alive["age_days"]),
            "flags.median_days_since_change": _median(alive["days_since_change"]),
            "flags.removed_last_quarter": float(self.removed.get(last_quarter, 0)),
            "flags.feature_switches.removed_last_quarter": float(self.switches_removed.get(last_quarter, 0)),
        }

    def examples(self, last_quarter: str | None) -> dict[str, list[str]]:
        """For each ``flags.*`` latest metric, up to 10 strings naming the flags behind it, most telling first.

        Without ``last_quarter`` the removal metrics get no examples. Order: the longest untouched first (the
        oldest first for ``flags.median_age_days``; the latest removed first for removals). E.g. ``use_amp
        (config_key, configs/a.json and 39 more files, introduced 2021-03-02, last changed 2022-01-10)``.
        """
        flags = self.flags
        alive = flags[flags["alive"].astype(bool)]
        untouched = alive.sort_values(["last_changed_at", "introduced_at", "name"], kind="stable")
        oldest = alive.sort_values(["introduced_at", "name"], kind="stable")
        found = {
            "flags.alive": untouched,
            **{metric: untouched[untouched["kind"] == kind] for kind, metric in KIND_METRICS.items()},
            "flags.experiments.alive": untouched[untouched["experiment"].astype(bool)],
            "flags.stale": untouched[untouched["stale"].astype(bool)],
            "flags.feature_switches.stale": untouched[
                untouched["stale"].astype(bool) & (untouched["kind"] == FEATURE_SWITCH)
            ],
            "flags.median_age_days": oldest,
            "flags.median_days_since_change": untouched,
        }
        examples = {
            metric: [_example(row) for row in frame.head(EXAMPLES_PER_METRIC).to_dict("records")]
            for metric, frame in found.items()
        }
        if last_quarter is not None:
            ended = self.spans[np.isfinite(self.spans["end"])]
            ended = ended[quarters_of(ended["end"].astype("int64")) == last_quarter] if len(ended) else ended
            ended = ended.sort_values("end", ascending=False, kind="stable")
            records = flags.to_dict("records")
            removed = [(records[int(flag)], end) for flag, end in zip(ended["flag"], ended["end"], strict=True)]
            examples["flags.removed_last_quarter"] = [_example(row, end) for row, end in removed[:EXAMPLES_PER_METRIC]]
            switches = [(row, end) for row, end in removed if row["kind"] == FEATURE_SWITCH][:EXAMPLES_PER_METRIC]
            examples["flags.feature_switches.removed_last_quarter"] = [_example(row, end) for row, end in switches]
        return {metric: strings for metric, strings in examples.items() if strings}


def _kind_counts(flags: pd.DataFrame) -> dict[str, float | None]:
    counts = flags["kind"].value_counts()
    return {metric: float(counts.get(kind, 0)) for kind, metric in KIND_METRICS.items()}


def _median(values: pd.Series) -> float | None:
    return float(values.astype("float64").median()) if len(values) else None


# ---------------------------------------------------------------------------------------------------------
# The scan summary, the store's rows, examples


def flags_summary(history: FlagHistory, metrics: dict[str, float | None]) -> dict[str, Any]:
    """The scan summary's ``flags``: deduplicated counts per kind, and every alive flag with its files and
    both ages."""
    flags, occurrences = history.flags, history.occurrences
    alive = flags[flags["alive"].astype(bool)]
    alive_occurrences = occurrences[occurrences["alive"]]
    return {
        "alive": len(alive),
        "stale": int(alive["stale"].astype(bool).sum()),
        "stale_days": history.stale_days,
        "median_age_days": metrics["flags.median_age_days"],
        "median_days_since_change": metrics["flags.median_days_since_change"],
        "removed": int(len(flags) - len(alive)),
        "by_kind": {kind: int((alive["kind"] == kind).sum()) for kind in FLAG_KINDS},
        "experiments": int(alive["experiment"].astype(bool).sum()),
        "occurrences": len(alive_occurrences),
        "by_pattern": {
            pattern: int(count)
            for pattern, count in alive_occurrences.drop_duplicates(["pattern", *FLAG_KEY])
            .groupby("pattern")
            .size()
            .items()
        },
        "items": [_summary_item(row) for row in alive.itertuples(index=False)],
    }


def _summary_item(row: Any) -> dict[str, Any]:
    return {
        "kind": row.kind,
        "name": row.name,
        "pattern": row.pattern,
        "experiment": bool(row.experiment),
        "file": row.files[0],
        "files": list(row.files),
        "introduced_commit": row.introduced_commit,
        "introduced_at": iso_time(row.introduced_at),
        "age_days": round(float(row.age_days), 1),
        "last_changed_commit": row.last_changed_commit,
        "last_changed_at": iso_time(row.last_changed_at),
        "days_since_change": round(float(row.days_since_change), 1),
        "stale": bool(row.stale),
    }


def flag_rows(flags: pd.DataFrame) -> list[tuple[Any, ...]]:
    """Every occurrence as a row of the store's flags table (``FLAG_COLUMNS``)."""
    return [
        (
            row.pattern,
            row.name,
            row.path,
            row.introduced_commit,
            iso_time(row.introduced_at),
            row.removed_commit if isinstance(row.removed_commit, str) else None,
            iso_time(row.removed_at),
            int(row.alive),
            None if pd.isna(row.age_days) else float(row.age_days),
            int(row.stale),
            row.kind,
            int(row.experiment),
            row.last_changed_commit,
            iso_time(row.last_changed_at),
            None if pd.isna(row.days_since_change) else float(row.days_since_change),
        )
        for row in flags.itertuples(index=False)
    ]


EXAMPLES_PER_METRIC = 10


def _example(flag: dict[str, Any], removed_at: float | None = None) -> str:
    """One flag in words: its name, kind, files, and when it came and last changed (or went)."""
    files = flag["files"]
    where = files[0] if len(files) == 1 else f"{files[0]} and {len(files) - 1} more files"
    introduced = (iso_time(flag["introduced_at"]) or "?")[:10]
    if removed_at is not None:
        went = (iso_time(removed_at) or "?")[:10]
        return f"{flag['name']} ({flag['kind']}, {where}, introduced {introduced}, removed {went})"
    changed = (iso_time(flag["last_changed_at"]) or "?")[:10]
    return f"{flag['name']} ({flag['kind']}, {where}, introduced {introduced}, last changed {changed})"
