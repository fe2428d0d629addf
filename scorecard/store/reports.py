"""Reads for reports: whole histories of many teams in a few queries, as plain rows for the report's frames."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from scorecard.store.scans import ScanQueries
from scorecard.store.surveys import lookup_key
from scorecard.survey.records import RESPONDENT_ANSWER_COLUMNS, SURVEY_ANSWER_COLUMNS


class ReportQueries(ScanQueries):
    """The report's reads: every answer of many surveys at once, the flags alive, churn per file."""

    SURVEY_ANSWER_COLUMNS = SURVEY_ANSWER_COLUMNS
    RESPONDENT_ANSWER_COLUMNS = RESPONDENT_ANSWER_COLUMNS

    def survey_answer_rows(
        self, teams: Sequence[str] | None = None, first_quarter: str | None = None
    ) -> list[tuple[Any, ...]]:
        """Every answer of the surveys of ``teams`` (default: all) from ``first_quarter`` on, in one query.

        Columns are :attr:`SURVEY_ANSWER_COLUMNS`; a survey without answers yet is one row whose answer
        columns are NULL, so it still shows in a report. Ordered by team, quarter, bank and answer order.
        """
        return self._answer_rows(teams, first_quarter, systems=False)

    def system_answer_rows(
        self, teams: Sequence[str] | None = None, first_quarter: str | None = None
    ) -> list[tuple[Any, ...]]:
        """Every answer of the surveys of the systems of ``teams`` (default: all) from ``first_quarter`` on, in one
        query: the columns of :attr:`SURVEY_ANSWER_COLUMNS` then the system's name; a system survey without
        answers is one row whose answer columns are NULL. Ordered by team, system, quarter, bank, answer order."""
        return self._answer_rows(teams, first_quarter, systems=True)

    def _answer_rows(
        self, teams: Sequence[str] | None, first_quarter: str | None, systems: bool
    ) -> list[tuple[Any, ...]]:
        """The one query behind :meth:`survey_answer_rows` and :meth:`system_answer_rows` (``systems``: the
        systems' surveys, with the system's name as a last column, ordered by it after the team)."""
        where, params = _survey_filter(teams, first_quarter, systems=systems)
        if where is None:
            return []
        return self.db.execute(
            "select t.name, s.quarter, s.bank_id, s.bank_version, s.status, s.id, a.question_id, a.option_id, "
            f"a.points, a.note, a.answered_at, a.carried_over, a.link{', s.system' if systems else ''} "
            "from surveys s join teams t on t.id = s.team_id left join answers a on a.survey_id = s.id "
            f"where {where} order by t.name,{' s.system,' if systems else ''} s.quarter, s.bank_id, a.rowid",
            params,
        ).fetchall()

    def respondent_answer_rows(
        self, teams: Sequence[str] | None = None, first_quarter: str | None = None
    ) -> list[tuple[Any, ...]]:
        """Every respondent's answer to the surveys of ``teams`` (default: all) from ``first_quarter`` on, in one
        query. Columns are :attr:`RESPONDENT_ANSWER_COLUMNS`; ordered by team, quarter, bank, respondent (by name
        key) and answer order. Surveys nobody answered as a respondent have no row."""
        where, params = _survey_filter(teams, first_quarter)
        if where is None:
            return []
        return self.db.execute(
            "select t.name, s.quarter, s.bank_id, s.bank_version, s.status, s.id, r.respondent, r.question_id, "
            "r.option_id, r.points, r.note, r.answered_at, r.link from surveys s join teams t on t.id = s.team_id "
            f"join respondent_answers r on r.survey_id = s.id where {where} "
            "order by t.name, s.quarter, s.bank_id, r.respondent_key, r.rowid",
            params,
        ).fetchall()

    def alive_flags(self, team: str) -> list[tuple[str, str, str, float | None, bool, float | None]]:
        """``(kind, name, where, age_days, stale, days_since_change)`` of the flags alive at each of a team's
        latest scans: one row per flag (kind and name in one repository), however many files hold it; ``where``
        is its first file, with "(+N files)" when there are more. Scans from before flag kinds name the
        pattern as the kind and have no days since change."""
        scan_ids = [row[0] for row in self._latest_scans(team)]
        if not scan_ids:
            return []
        rows = self.db.execute(
            "select coalesce(kind, pattern), name, min(path), count(*), max(age_days), max(stale), "
            "min(days_since_change) from flags "
            f"where alive = 1 and scan_id in ({', '.join('?' * len(scan_ids))}) "
            "group by scan_id, coalesce(kind, pattern), name "
            "order by coalesce(min(days_since_change), max(age_days)) desc, name",
            scan_ids,
        ).fetchall()
        return [
            (r[0], r[1], r[2] + (f" (+{r[3] - 1} files)" if r[3] > 1 else ""), r[4], bool(r[5]), r[6]) for r in rows
        ]

    def churn_by_quarter_and_path(self, team: str, first_quarter: str | None = None) -> list[tuple[str, str, int]]:
        """``(quarter, path, lines added + deleted)`` over a team's repositories, from ``first_quarter`` on.

        Counts non-merge commits, as churn is defined; binary changes (no line counts) count 0.
        """
        return self.db.execute(
            "select c.quarter, f.path, sum(coalesce(f.added, 0) + coalesce(f.deleted, 0)) from file_changes f "
            "join commits c on c.repo_id = f.repo_id and c.sha = f.sha join repos r on r.id = f.repo_id "
            "join teams t on t.id = r.team_id where t.key = ? and c.parent_count <= 1 and c.quarter >= ? "
            "group by c.quarter, f.path",
            [lookup_key(team), first_quarter or ""],
        ).fetchall()


def _survey_filter(
    teams: Sequence[str] | None, first_quarter: str | None, systems: bool = False
) -> tuple[str | None, list[Any]]:
    """The ``where`` clause (on ``t`` teams and ``s`` surveys) and its parameters for a bulk read of ``teams``
    from ``first_quarter`` on; None for an empty list of teams (nothing to read). The team-level surveys, or with
    ``systems`` the systems' (read apart, so a system's survey never counts as the team's)."""
    where: list[str] = ["s.system != ''" if systems else "s.system = ''"]
    params: list[Any] = []
    if teams is not None:
        if not teams:
            return None, []
        where.append(f"t.key in ({', '.join('?' * len(teams))})")
        params.extend(lookup_key(team) for team in teams)
    if first_quarter is not None:
        where.append("s.quarter >= ?")
        params.append(first_quarter)
    return " and ".join(where), params
