"""A realistic sample organisation for ``scorecard report --demo``: a newcomer sees a full report in one command.

Six ML teams answer the default bank over eight quarters. Each team has its own profile (strong and weak
areas), a direction (improving, steady, slipping), answers that mostly stay put from one quarter to the next,
notes on the answers that change, "don't know" answers that linger, a team that joined late and one that
missed the latest quarter. Its engineers answer blind and disagree, and the teams commit to actions, some kept
and some missed (:mod:`scorecard.services.demo_review`). Everything is seeded: the same quarter gives the same
organisation.

Everything is written through the same use cases as real data (:func:`scorecard.services.surveys.apply_import`) into
a store the caller provides, normally a temporary database.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from scorecard.quarters import current_quarter, parse_quarter, quarter_end, quarter_window
from scorecard.services.demo_review import demo_actions, review_imports
from scorecard.services.surveys import PreparedImport, apply_import
from scorecard.store import Store
from scorecard.survey.bank import DEFAULT_BANK, NA, UNKNOWN, Bank, Question
from scorecard.survey.bank_file import load_bank
from scorecard.survey.records import AnswerInput

DEMO_QUARTERS = 8
SEED = 20150
IMPROVING = 0.02
"""A team whose maturity drifts up by more than this per quarter is improving (and keeps more of its actions)."""


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
        not_applicable=("feedback-1", "feedback-3"),
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
    surveys = demo_surveys(bank, window, rng, profiles)
    try:
        for prepared in review_imports(bank, surveys, window):
            store.clock = _quarter_clock(prepared.quarter)
            apply_import(store, prepared)
        for action in demo_actions(bank, surveys, window, {p.name for p in profiles if p.drift > IMPROVING}):
            store.clock = _quarter_clock(action.created)
            store.add_actions([action])
    finally:
        store.clock = clock
    return window


def demo_now(last_quarter: str) -> datetime:
    """A moment late in ``last_quarter``: when the demo organisation's review happens."""
    return min(quarter_end(last_quarter) - timedelta(days=3), datetime.now(UTC))
