"""Named SVG snapshots of each screen at 80x24 and 120x40 (pytest-textual-snapshot; `--snapshot-update`)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from scorecard.store import Store
from scorecard.survey.records import AnswerInput
from scorecard.tui import make_app

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
SIZES = [(80, 24), (120, 40)]


def clock() -> datetime:
    return NOW


def evidence(_store: Store, _team: str, _system: str | None = None) -> tuple[dict[str, float], str]:
    metrics = {"flags.alive": 14, "flags.stale": 9, "flags.median_age_days": 240, "flags.feature_switches.stale": 5}
    metrics |= {"flags.feature_switches.removed_last_quarter": 0, "flags.median_days_since_change": 400}
    return metrics, "2026-11-23T12:00:00+00:00"


def seeded_app(team: str | None = None):
    store = Store.memory(clock=clock)
    store.import_answers(
        "ranking",
        "2026Q3",
        "sculley2015",
        1,
        [AnswerInput("entanglement-1", "automated-checks", 1.0), AnswerInput("dead-code-2", "recorded", 0.67)],
        complete=True,
    )
    store.ensure_team("search")
    return make_app(store=store, team=team, quarter="2026Q4", clock=clock, evidence=evidence)


class TestHome:
    @pytest.mark.parametrize("size", SIZES)
    def test_home(self, snap_compare, size):
        assert snap_compare(seeded_app(), terminal_size=size)

    def test_welcome_on_an_empty_database(self, snap_compare):
        assert snap_compare(make_app(store=Store.memory(clock=clock), quarter="2026Q4", clock=clock))


class TestSurvey:
    @pytest.mark.slow
    @pytest.mark.parametrize("size", SIZES)
    def test_question_with_help_and_evidence(self, snap_compare, size):
        async def open_dead_code_question(pilot):
            await pilot.press("ctrl+p")
            await pilot.pause()
            await pilot.press(*"dead-code-2")
            await pilot.pause(0.3)
            await pilot.press("enter", "question_mark")
            await pilot.pause()

        assert snap_compare(seeded_app(team="ranking"), terminal_size=size, run_before=open_dead_code_question)

    @pytest.mark.parametrize("size", SIZES)
    def test_review(self, snap_compare, size):
        assert snap_compare(seeded_app(team="ranking"), terminal_size=size, press=["2", "3", "r"])


class TestResults:
    @pytest.mark.slow  # 41 answers by key
    @pytest.mark.parametrize("size", SIZES)
    def test_results(self, snap_compare, size):
        async def answer_everything(pilot):
            for index in range(41):
                await pilot.press("3" if index % 3 else "2")
            await pilot.pause()
            await pilot.press("c")
            await pilot.pause()

        assert snap_compare(seeded_app(team="ranking"), terminal_size=size, run_before=answer_everything)


def meeting_app():
    """ranking's 2026Q4 survey with two respondents who disagree (one name looks like markup), and an action."""
    from scorecard.services.actions import add_action

    store = Store.memory(clock=clock)
    for who, answers in (
        (
            "Ana",
            [
                ("dead-code-2", "recorded", 0.67, "Cleanup every quarter"),
                ("entanglement-1", "manual-slices", 0.67, None),
            ],
        ),
        (
            "Bo [b]Smith",
            [
                ("dead-code-2", "no-rules", 0.0, "[red]Never[/red], honestly"),
                ("entanglement-1", "aggregate", 0.33, None),
            ],
        ),
    ):
        given = [AnswerInput(q, o, p, note) for q, o, p, note in answers]
        store.import_answers("ranking", "2026Q4", "sculley2015", 2, given, complete=False, respondent=who)
    add_action(store, "ranking", "dead-code-2", "removed", "2027Q1", owner="Ana", note="Quarterly flag cleanup")
    return make_app(store=store, quarter="2026Q4", clock=clock, evidence=evidence)


class TestMeeting:
    @pytest.mark.parametrize("size", [(80, 24), (160, 50)])
    def test_meeting(self, snap_compare, size):
        assert snap_compare(meeting_app(), terminal_size=size, press=["m"])
