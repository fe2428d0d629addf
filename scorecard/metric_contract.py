"""The metric contract: every git-evidence metric's name, unit, one-line definition, phrase, and team roll-up.

The one place a metric is named. The analyses write these names, the store keeps them, evidence rules in the
banks cite them (lint refuses any other), and the TUI, ``show`` and the report describe them with their phrase.
``scorecard questions metrics`` prints this table.

Two kinds, one naming scheme:

- a **quarter metric** is measured per calendar quarter (activity during it, state at its end), e.g.
  ``deletion_ratio`` of 2026Q3;
- a **latest metric** is what the banks cite: state at the scanned HEAD (``lines.code``) or the last complete
  quarter's value of a quarter metric (``commits.last_quarter`` is ``commits`` of last quarter; the contract
  records which in ``of_quarter``).

A **component** is stored only so that a team's ratio can be computed from sums over its repositories (a mean
of ratios is not a ratio); banks do not cite components. ``rollup`` says how a team's value comes from its
repositories': ``sum``; ``ratio`` of two summed metrics; or computed from the team's rows (flag ages, authors'
churn, lines per language) where neither sum nor ratio is right.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rollup:
    """How a team's value is made from its repositories' values."""

    kind: str
    """``sum``, ``ratio`` (``numerator`` / ``denominator``, each summed first), or ``computed`` (see docstring)."""
    numerator: str = ""
    denominator: str = ""


SUM = Rollup("sum")
COMPUTED = Rollup("computed")


def ratio(numerator: str, denominator: str) -> Rollup:
    return Rollup("ratio", numerator, denominator)


@dataclass(frozen=True)
class Metric:
    name: str
    unit: str
    definition: str
    phrase: str
    """How a person reads a value, a ``str.format`` template with ``{value}``."""
    rollup: Rollup = SUM
    component: bool = False
    of_quarter: str | None = None
    """For a latest metric that is last quarter's value of a quarter metric: that metric's name."""

    def describe(self, value: float) -> str:
        return self.phrase.format(value=value)


LATEST_METRICS: tuple[Metric, ...] = (
    Metric("commits.last_quarter", "commits", "Non-merge commits in the last complete quarter (after exclusions).",
           "{value:,.0f} commits last quarter", of_quarter="commits"),
    Metric("churn.last_quarter", "lines", "Lines added plus deleted by last quarter's non-merge commits.",
           "{value:,.0f} lines changed last quarter", of_quarter="churn"),
    Metric("churn.config_share", "share", "Share of last quarter's churn in config files.",
           "{value:.0%} of last quarter's churn in config",
           ratio("churn.config_last_quarter", "churn.last_quarter"), of_quarter="churn.config_share"),
    Metric("lines.code", "lines", "Lines of code files at HEAD (git's numstat count, binary files excluded).",
           "{value:,.0f} lines of code"),
    Metric("lines.config", "lines", "Lines of config files at HEAD.", "{value:,.0f} lines of config"),
    Metric("lines.test", "lines", "Lines of test files at HEAD.", "{value:,.0f} lines of tests"),
    Metric("config_to_code_ratio", "ratio", "Config lines per code line at HEAD.",
           "{value:.2f} config lines per code line", ratio("lines.config", "lines.code")),
    Metric("test_to_code_ratio", "ratio", "Test lines per code line at HEAD.",
           "{value:.2f} test lines per code line", ratio("lines.test", "lines.code")),
    Metric("flags.alive", "flags",
           "Flags alive at HEAD, of every kind; a flag is one kind and name however many files hold it.",
           "{value:,.0f} flags alive"),
    Metric("flags.cli_options", "flags", "Alive command-line switches (argparse, absl, click boolean options).",
           "{value:,.0f} command-line switches"),
    Metric("flags.env_toggles", "flags", "Alive environment toggles (ENABLE_X, X_DISABLED, USE_X read from os.environ).",
           "{value:,.0f} environment toggles"),
    Metric("flags.config_keys", "flags", "Alive boolean config keys (use_/enable_/disable_/experimental_ set true/false).",
           "{value:,.0f} boolean config keys"),
    Metric("flags.feature_switches", "flags",
           "Alive feature switches: feature-flag SDK calls, and flags of any kind whose name marks an experiment.",
           "{value:,.0f} feature and experiment switches"),
    Metric("flags.experiments.alive", "flags",
           "Alive flags whose name marks an experiment (experiment, experimental, ab, variant as a word).",
           "{value:,.0f} experiment switches alive"),
    Metric("flags.stale", "flags", "Alive flags not introduced, changed or removed anywhere for stale_days (180).",
           "{value:,.0f} flags untouched for 180+ days"),
    Metric("flags.median_age_days", "days", "Median age of the alive flags, from when each was introduced.",
           "median flag age {value:,.0f} days", COMPUTED),
    Metric("flags.feature_switches.stale", "flags",
           "Alive feature and experiment switches untouched for stale_days (180): the flags a rule on expiry reads.",
           "{value:,.0f} feature switches untouched for 180+ days"),
    Metric("flags.median_days_since_change", "days",
           "Median days since the alive flags' last change (a commit that added, changed or removed a line of one).",
           "flags last touched a median {value:,.0f} days ago", COMPUTED),
    Metric("flags.removed_last_quarter", "flags", "Flags removed from HEAD's history in the last complete quarter.",
           "{value:,.0f} flags removed last quarter", of_quarter="flags.removed"),
    Metric("flags.feature_switches.removed_last_quarter", "flags",
           "Feature and experiment switches removed in the last complete quarter.",
           "{value:,.0f} feature switches removed last quarter", of_quarter="flags.feature_switches.removed"),
    Metric("debt_comments.alive", "comments", "TODO/FIXME/XXX/HACK comment lines in code files at HEAD.",
           "{value:,.0f} TODO/FIXME/HACK/XXX comments"),
    Metric("debt_comments.added_last_quarter", "comments", "Debt-comment lines added in the last complete quarter.",
           "{value:,.0f} debt comments added last quarter", of_quarter="debt_comments.added"),
    Metric("coupling.strong_pairs", "pairs",
           "File pairs changed together in 5+ commits with degree >= 0.5 (commits of 30+ files ignored).",
           "{value:,.0f} file pairs that change together (degree >= 0.5)"),
    Metric("ownership.single_author_share", "share", "Share of files at HEAD changed by one author only.",
           "{value:.0%} of files with a single author",
           ratio("ownership.single_author_files", "ownership.files")),
    Metric("ownership.bus_factor", "authors", "Fewest authors who together made half of all churn.",
           "bus factor {value:,.0f}", COMPUTED),
    Metric("languages.count", "languages", "Programming languages with at least 5% of the code lines at HEAD.",
           "{value:,.0f} languages with 5%+ of code", COMPUTED),
    Metric("deletion_ratio.last_quarter", "ratio", "Lines deleted per line added in the last complete quarter.",
           "{value:.2f} lines deleted per line added last quarter",
           ratio("churn.deleted_last_quarter", "churn.added_last_quarter"), of_quarter="deletion_ratio"),
    # ML-aware, at HEAD (scorecard.evidence.ml_metrics defines each precisely).
    Metric("notebooks.count", "notebooks", "Jupyter notebooks (.ipynb files) at HEAD.",
           "{value:,.0f} notebooks"),
    Metric("notebooks.changed_last_quarter", "notebooks",
           "Distinct notebooks changed by the last complete quarter's non-merge commits (after exclusions).",
           "{value:,.0f} notebooks changed last quarter", of_quarter="notebooks.changed"),
    Metric("ci.lines", "lines", "Lines of CI configuration at HEAD (files of kind ci).",
           "{value:,.0f} lines of CI configuration"),
    Metric("artifacts.committed", "files",
           "Model and data binaries at HEAD (.pkl .pt .pth .ckpt .h5 .onnx .safetensors .joblib .npy .npz "
           ".parquet; Git LFS pointers not counted).",
           "{value:,.0f} model or data files committed"),
    Metric("artifacts.bytes", "bytes", "Bytes of the model and data files artifacts.committed counts (git ls-tree -l).",
           "{value:,.0f} bytes of models and data committed"),
    Metric("lockfiles.count", "files",
           "Dependency lock files at HEAD (package-lock.json, yarn.lock, poetry.lock, uv.lock, go.sum...).",
           "{value:,.0f} lock files"),
    Metric("ml_imports.files", "files",
           "Python code files at HEAD (not tests, not examples/docs/benchmarks) importing an ML framework (torch, jax...).",
           "{value:,.0f} code files import an ML framework"),
    Metric("ml_imports.share", "share", "Share of the Python code files at HEAD that import an ML framework.",
           "{value:.0%} of Python code files import an ML framework",
           ratio("ml_imports.files", "ml_imports.python_files")),
    Metric("thresholds.literals", "comparisons",
           "Comparisons (< <= > >=) with a float literal other than 0 or 1 beside them in Python code at HEAD, "
           "outside strings and comments (not tests, not examples/docs/benchmarks).",
           "{value:,.0f} comparisons against float literals"),
    # Components: summed over a team's repositories so that its ratios are ratios of sums.
    Metric("churn.added_last_quarter", "lines", "Lines added by last quarter's non-merge commits.",
           "{value:,.0f} lines added last quarter", component=True, of_quarter="churn.added"),
    Metric("churn.deleted_last_quarter", "lines", "Lines deleted by last quarter's non-merge commits.",
           "{value:,.0f} lines deleted last quarter", component=True, of_quarter="churn.deleted"),
    Metric("churn.config_last_quarter", "lines", "Churn of config files in the last complete quarter.",
           "{value:,.0f} lines of config changed last quarter", component=True, of_quarter="churn.config"),
    Metric("ownership.files", "files", "Files at HEAD with any churn.", "{value:,.0f} files", component=True),
    Metric("ownership.single_author_files", "files", "Files at HEAD changed by one author only.",
           "{value:,.0f} single-author files", component=True),
    Metric("ml_imports.python_files", "files", "Python code files at HEAD (.py of kind code; not tests, not examples/docs/benchmarks).",
           "{value:,.0f} Python code files", component=True),
)  # fmt: skip

QUARTER_METRICS: tuple[Metric, ...] = (
    Metric("commits", "commits", "Non-merge commits in the quarter (after exclusions).", "{value:,.0f} commits"),
    Metric("churn", "lines", "Lines added plus deleted by the quarter's non-merge commits.",
           "{value:,.0f} lines changed"),
    Metric("churn.added", "lines", "Lines added in the quarter.", "{value:,.0f} lines added", component=True),
    Metric("churn.deleted", "lines", "Lines deleted in the quarter.", "{value:,.0f} lines deleted", component=True),
    Metric("churn.config", "lines", "Churn of config files in the quarter.", "{value:,.0f} lines of config changed",
           component=True),
    Metric("churn.config_share", "share", "Share of the quarter's churn in config files.",
           "{value:.0%} of churn in config", ratio("churn.config", "churn")),
    Metric("lines.code", "lines", "Lines of code at the quarter's end (first-parent history).",
           "{value:,.0f} lines of code"),
    Metric("lines.config", "lines", "Lines of config at the quarter's end.", "{value:,.0f} lines of config"),
    Metric("lines.test", "lines", "Lines of tests at the quarter's end.", "{value:,.0f} lines of tests"),
    Metric("config_to_code_ratio", "ratio", "Config lines per code line at the quarter's end.",
           "{value:.2f} config lines per code line", ratio("lines.config", "lines.code")),
    Metric("test_to_code_ratio", "ratio", "Test lines per code line at the quarter's end.",
           "{value:.2f} test lines per code line", ratio("lines.test", "lines.code")),
    Metric("flags.alive", "flags", "Flags alive at the quarter's end.", "{value:,.0f} flags alive"),
    Metric("flags.cli_options", "flags", "Command-line switches alive at the quarter's end.",
           "{value:,.0f} command-line switches"),
    Metric("flags.env_toggles", "flags", "Environment toggles alive at the quarter's end.",
           "{value:,.0f} environment toggles"),
    Metric("flags.config_keys", "flags", "Boolean config keys alive at the quarter's end.",
           "{value:,.0f} boolean config keys"),
    Metric("flags.feature_switches", "flags", "Feature and experiment switches alive at the quarter's end.",
           "{value:,.0f} feature and experiment switches"),
    Metric("flags.experiments.alive", "flags", "Experiment switches alive at the quarter's end.",
           "{value:,.0f} experiment switches alive"),
    Metric("flags.stale", "flags", "Flags alive at the quarter's end and untouched for stale_days then.",
           "{value:,.0f} stale flags"),
    Metric("flags.median_age_days", "days", "Median age of the flags alive at the quarter's end.",
           "median flag age {value:,.0f} days", COMPUTED),
    Metric("flags.removed", "flags", "Flags removed in the quarter (their last occurrence went).",
           "{value:,.0f} flags removed"),
    Metric("flags.feature_switches.removed", "flags", "Feature and experiment switches removed in the quarter.",
           "{value:,.0f} feature switches removed"),
    Metric("debt_comments.alive", "comments", "Debt-comment lines alive at the quarter's end.",
           "{value:,.0f} debt comments"),
    Metric("debt_comments.added", "comments", "Debt-comment lines added in the quarter.",
           "{value:,.0f} debt comments added"),
    Metric("debt_comments.removed", "comments", "Debt-comment lines removed in the quarter.",
           "{value:,.0f} debt comments removed"),
    Metric("notebooks.changed", "notebooks", "Distinct notebooks changed by the quarter's non-merge commits.",
           "{value:,.0f} notebooks changed"),
    Metric("deletion_ratio", "ratio", "Lines deleted per line added in the quarter.",
           "{value:.2f} lines deleted per line added", ratio("churn.deleted", "churn.added")),
)  # fmt: skip

LATEST = {metric.name: metric for metric in LATEST_METRICS}
PER_QUARTER = {metric.name: metric for metric in QUARTER_METRICS}

CITABLE_METRICS: tuple[str, ...] = tuple(metric.name for metric in LATEST_METRICS if not metric.component)
"""The names an evidence rule may cite (and that ``show --json`` lists under ``metrics``)."""


def describe_metric(name: str, value: float) -> str:
    """A latest metric's value in words, e.g. ``flags.stale`` 9 -> "9 flags untouched for 180+ days"."""
    metric = LATEST.get(name) or PER_QUARTER.get(name)
    return metric.describe(value) if metric else f"{name} {value:g}"


def contract_document() -> list[dict[str, object]]:
    """The contract as JSON (``scorecard questions metrics --json``): one object per metric."""
    return [
        {
            "name": metric.name,
            "scope": scope,
            "unit": metric.unit,
            "definition": metric.definition,
            "phrase": metric.phrase,
            "rollup": metric.rollup.kind,
            "numerator": metric.rollup.numerator or None,
            "denominator": metric.rollup.denominator or None,
            "component": metric.component,
            "of_quarter": metric.of_quarter,
        }
        for scope, metrics in (("latest", LATEST_METRICS), ("quarter", QUARTER_METRICS))
        for metric in metrics
    ]
