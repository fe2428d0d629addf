"""Teams, surveys and answers: every query of the survey side of the store."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from typing import Any

from scorecard.store.connection import Database
from scorecard.survey.bank_versions import CarrySource
from scorecard.survey.records import AnswerInput, StoredAnswer, Survey, Team
from scorecard.survey.respondents import respondent_key
from scorecard.survey.systems import normalize_system_name, same_system
from scorecard.team_names import TeamNameError, normalize_team_name, team_key


def lookup_key(name: str) -> str | None:
    """The key a query finds the team called ``name`` by; None (no team) for a name no team can have."""
    try:
        return team_key(name)
    except TeamNameError:
        return None


class SurveyQueries(Database):
    """Reads and writes of teams, surveys and answers; every write is one transaction.

    A team is found by its key (:func:`scorecard.team_names.team_key`), so ``Ranking``, ``RANKING`` and
    ``ranking`` are one team; its display name is the spelling it was first given. A survey belongs to one of the
    team's systems (``system``, :mod:`scorecard.survey.systems`; ``''``, the default everywhere, is the
    team-level survey): a system is found by its key among the team's stored spellings and keeps the first.
    """

    # -- teams --------------------------------------------------------------------------------------------

    def get_team(self, name: str) -> Team | None:
        row = self.db.execute("select id, name from teams where key = ?", [lookup_key(name)]).fetchone()
        return Team(row[0], row[1]) if row else None

    def ensure_team(self, name: str) -> Team:
        """The team called ``name`` (however it is cased), created if new (in its own transaction)."""
        name = normalize_team_name(name)  # before the transaction: a blank name never reaches the database
        with self._writing():
            return self._ensure_team(name)

    def _ensure_team(self, name: str) -> Team:
        # Callers normalise names already; normalising again keeps a blank or invisible name out of the table.
        name = normalize_team_name(name)
        team = self.get_team(name)
        if team:
            return team
        cursor = self.db.execute(
            "insert into teams (name, key, created_at) values (?, ?, ?)", [name, team_key(name), self._now()]
        )
        return Team(int(cursor.lastrowid or 0), name)

    def list_teams(self) -> list[Team]:
        return [Team(r[0], r[1]) for r in self.db.execute("select id, name from teams order by name")]

    # -- surveys ------------------------------------------------------------------------------------------

    _SURVEY_COLUMNS = (
        "s.id, t.name, s.quarter, s.bank_id, s.bank_version, s.status, s.started_at, s.updated_at, s.completed_at, "
        "s.system"
    )

    def _surveys(self, where: str, params: Iterable[Any]) -> list[Survey]:
        sql = (
            f"select {self._SURVEY_COLUMNS} from surveys s join teams t on t.id = s.team_id "
            f"where {where} order by s.quarter desc, s.updated_at desc, s.id desc"
        )
        return [Survey(*row) for row in self.db.execute(sql, list(params))]

    def find_survey(self, team: str, quarter: str, bank_id: str, system: str = "") -> Survey | None:
        found = self._surveys(
            "t.key = ? and s.quarter = ? and s.bank_id = ? and s.system = ?",
            [lookup_key(team), quarter, bank_id, self._stored_system(team, system)],
        )
        return found[0] if found else None

    def surveys_for_team(self, team: str, bank_id: str | None = None, system: str = "") -> list[Survey]:
        """A team's surveys of one system (default: the team-level ones), newest quarter first."""
        stored = self._stored_system(team, system)
        if bank_id is None:
            return self._surveys("t.key = ? and s.system = ?", [lookup_key(team), stored])
        return self._surveys("t.key = ? and s.bank_id = ? and s.system = ?", [lookup_key(team), bank_id, stored])

    def system_surveys(self, team: str, quarter: str | None = None, bank_id: str | None = None) -> list[Survey]:
        """The surveys of the team's systems (not the team-level ones), of ``quarter`` and bank when given, newest
        quarter first."""
        where, params = ["t.key = ?", "s.system != ''"], [lookup_key(team)]
        for column, value in (("s.quarter", quarter), ("s.bank_id", bank_id)):
            if value is not None:
                where.append(f"{column} = ?")
                params.append(value)
        return self._surveys(" and ".join(where), params)

    def systems_of(self, team: str) -> list[str]:
        """The names of the team's systems (surveyed or tied to a repository), by name."""
        rows = self.db.execute(
            "select s.system from surveys s join teams t on t.id = s.team_id where t.key = ? and s.system != '' "
            "union select r.system from repos r join teams t on t.id = r.team_id where t.key = ? and r.system != ''",
            [lookup_key(team), lookup_key(team)],
        )
        return sorted({row[0] for row in rows}, key=lambda name: (name.casefold(), name))

    def _stored_system(self, team: str, system: str) -> str:
        """The spelling the store holds for the team's system ``system`` (matched by key), else ``system`` as it
        normalises (a system the team does not have yet); ``''`` stays the team level."""
        if system == "":
            return ""
        for stored in self.systems_of(team):
            if same_system(stored, system):
                return stored
        return normalize_system_name(system)

    def latest_survey(
        self, team: str, bank_id: str | None = None, quarter: str | None = None, system: str = ""
    ) -> Survey | None:
        """The survey of ``quarter`` (or the newest quarter) for ``team``'s ``system``, optionally of one bank."""
        surveys = self.surveys_for_team(team, bank_id, system)
        if quarter is not None:
            surveys = [s for s in surveys if s.quarter == quarter]
        return surveys[0] if surveys else None

    def answers_for(self, survey_id: int) -> dict[str, StoredAnswer]:
        """The team answers of a survey (those without a respondent), question id -> answer, in answer order."""
        rows = self.db.execute(
            "select question_id, option_id, points, note, answered_at, carried_over, link from answers "
            "where survey_id = ? order by rowid",
            [survey_id],
        )
        return {r[0]: StoredAnswer(r[0], r[1], r[2], r[3], r[4], bool(r[5]), r[6]) for r in rows}

    def respondent_answers_for(self, survey_id: int) -> dict[str, dict[str, StoredAnswer]]:
        """Each respondent's answers to a survey: name -> question id -> answer, names in key order."""
        rows = self.db.execute(
            "select respondent, question_id, option_id, points, note, answered_at, link from respondent_answers "
            "where survey_id = ? order by respondent_key, rowid",
            [survey_id],
        )
        found: dict[str, dict[str, StoredAnswer]] = {}
        for name, *answer in rows:
            question_id, option_id, points, note, answered_at, link = answer
            found.setdefault(name, {})[question_id] = StoredAnswer(
                question_id, option_id, points, note, answered_at, False, link
            )
        return found

    def _ensure_survey(self, team: Team, quarter: str, bank_id: str, bank_version: int, system: str = "") -> int:
        row = self.db.execute(
            "select id, bank_version from surveys where team_id = ? and quarter = ? and bank_id = ? and system = ?",
            [team.id, quarter, bank_id, system],
        ).fetchone()
        if row:
            if row[1] != bank_version:
                self.db.execute(
                    "update surveys set bank_version = ?, updated_at = ? where id = ?",
                    [bank_version, self._now(), row[0]],
                )
            return int(row[0])
        now = self._now()
        cursor = self.db.execute(
            "insert into surveys (team_id, quarter, bank_id, bank_version, status, started_at, updated_at, system) "
            "values (?, ?, ?, ?, 'draft', ?, ?, ?)",
            [team.id, quarter, bank_id, bank_version, now, now, system],
        )
        return int(cursor.lastrowid or 0)

    def start_survey(
        self,
        team: str,
        quarter: str,
        bank_id: str,
        bank_version: int,
        carry_over: Collection[str] = (),
        system: str = "",
        carry_from: tuple[int, Mapping[str, CarrySource]] | None = None,
    ) -> Survey:
        """The survey of ``team`` for ``quarter`` and bank, created as a draft if there is none.

        A new survey starts from the team's most recent earlier survey of the bank: its confirmed answers to
        the questions in ``carry_over`` are copied in, marked carried over. Creating the survey and carrying
        the answers over is one transaction, so a crash leaves no survey, or one with its carry-over. A system's
        survey carries over from that system's earlier survey only.

        ``carry_over`` applies when that survey is of the same bank version. ``carry_from`` is ``(older version,
        mapping)``: when that survey is of that version, each new question id in the mapping takes the answer to
        its old question, the option translated (an option the mapping leaves out does not carry). A survey of any
        other version carries nothing: every question is asked afresh.
        """
        now = self._now()
        with self._writing():
            team_row = self._ensure_team(team)
            system = self._stored_system(team_row.name, system)
            existing = self._survey_id(team_row, quarter, bank_id, system)
            survey_id = self._ensure_survey(team_row, quarter, bank_id, bank_version, system)
            if existing is None and (carry_over or carry_from):
                mapping = {question: (question, None) for question in carry_over}
                self._carry_over(
                    team_row, (quarter, bank_id, bank_version, system), survey_id, mapping, carry_from, now
                )
        return self._surveys("s.id = ?", [survey_id])[0]

    def _survey_id(self, team: Team, quarter: str, bank_id: str, system: str = "") -> int | None:
        row = self.db.execute(
            "select id from surveys where team_id = ? and quarter = ? and bank_id = ? and system = ?",
            [team.id, quarter, bank_id, system],
        ).fetchone()
        return int(row[0]) if row else None

    def _carry_over(
        self,
        team: Team,
        key: tuple[str, str, int, str],
        survey_id: int,
        same_version: Mapping[str, tuple[str, None]],
        carry_from: tuple[int, Mapping[str, CarrySource]] | None,
        now: str,
    ) -> None:
        quarter, bank_id, bank_version, system = key
        previous = self.db.execute(
            "select id, bank_version from surveys where team_id = ? and bank_id = ? and quarter < ? and system = ? "
            "order by quarter desc, updated_at desc, id desc limit 1",
            [team.id, bank_id, quarter, system],
        ).fetchone()
        if previous is None:
            return
        mapping: Mapping[str, tuple[str, Mapping[str, tuple[str, float | None]] | None]] = {}
        if previous[1] == bank_version:
            mapping = same_version
        elif carry_from is not None and previous[1] == carry_from[0]:
            mapping = carry_from[1]
        old_answers = self.answers_for(int(previous[0]))
        for question, (source, options) in mapping.items():
            answer = old_answers.get(source)
            if answer is None or answer.carried_over:
                continue
            option, points = (
                (answer.option_id, answer.points) if options is None else options.get(answer.option_id, ("", None))
            )
            if option:
                carried = AnswerInput(question, option, points, answer.note, True, answer.link)
                self._upsert_answer(survey_id, carried, now)

    def _upsert_answer(self, survey_id: int, answer: AnswerInput, now: str, respondent: str | None = None) -> bool:
        """Write one answer, the team's or ``respondent``'s; returns whether anything changed (the same option,
        note and link: untouched, its time included)."""
        if respondent is not None:
            return self._upsert_respondent_answer(survey_id, answer, now, respondent)
        current = self.db.execute(
            "select option_id, points, note, carried_over, link from answers where survey_id = ? and question_id = ?",
            [survey_id, answer.question_id],
        ).fetchone()
        wanted = (answer.option_id, answer.points, answer.note, int(answer.carried_over), answer.link)
        if current is not None and tuple(current) == wanted:
            return False
        self.db.execute(
            "insert into answers (survey_id, question_id, option_id, points, note, answered_at, carried_over, link) "
            "values (?, ?, ?, ?, ?, ?, ?, ?) on conflict (survey_id, question_id) do update set "
            "option_id = excluded.option_id, points = excluded.points, note = excluded.note, "
            "answered_at = excluded.answered_at, carried_over = excluded.carried_over, link = excluded.link",
            [survey_id, answer.question_id, *wanted[:3], now, wanted[3], wanted[4]],
        )
        return True

    def _upsert_respondent_answer(self, survey_id: int, answer: AnswerInput, now: str, respondent: str) -> bool:
        # The name is normalised by the caller (scorecard.survey.respondents); its key makes one person of
        # every spelling, and the first spelling stays the one shown.
        key = respondent_key(respondent)
        current = self.db.execute(
            "select option_id, points, note, link from respondent_answers "
            "where survey_id = ? and respondent_key = ? and question_id = ?",
            [survey_id, key, answer.question_id],
        ).fetchone()
        wanted = (answer.option_id, answer.points, answer.note, answer.link)
        if current is not None and tuple(current) == wanted:
            return False
        shown = self.db.execute(
            "select respondent from respondent_answers where survey_id = ? and respondent_key = ? limit 1",
            [survey_id, key],
        ).fetchone()
        self.db.execute(
            "insert into respondent_answers (survey_id, respondent_key, respondent, question_id, option_id, points, "
            "note, link, answered_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "on conflict (survey_id, respondent_key, question_id) do update set option_id = excluded.option_id, "
            "points = excluded.points, note = excluded.note, link = excluded.link, answered_at = excluded.answered_at",
            [survey_id, key, shown[0] if shown else respondent, answer.question_id, *wanted, now],
        )
        return True

    def import_answers(
        self,
        team: str,
        quarter: str,
        bank_id: str,
        bank_version: int,
        answers: Iterable[AnswerInput],
        complete: bool | Callable[[int], bool],
        respondent: str | None = None,
        system: str = "",
    ) -> tuple[Survey, int]:
        """Write a whole answers file, the team's or one ``respondent``'s, in one transaction: all or nothing.

        Answers equal to the stored ones are left untouched (their time included), so importing the same file
        twice changes nothing. ``complete``: the survey's status after the import, or a function of the survey id
        that decides it from what is stored once the answers are in (read inside the transaction, so two
        respondents importing at once cannot both miss the other's answers). Returns the survey and the number
        of answers that changed. ``system``: the team's system the answers are for ('' the team level).
        """
        now = self._now()
        with self._writing():
            team_row = self._ensure_team(team)
            system = self._stored_system(team_row.name, system)
            survey_id = self._ensure_survey(team_row, quarter, bank_id, bank_version, system)
            changed = sum(self._upsert_answer(survey_id, answer, now, respondent) for answer in answers)
            if callable(complete):
                complete = complete(survey_id)
            self._set_status(survey_id, complete, now, touched=changed > 0)
        return self._surveys("s.id = ?", [survey_id])[0], changed

    def record_answer(self, survey_id: int, answer: AnswerInput, respondent: str | None = None) -> None:
        """Save one answer (the team's, or ``respondent``'s) the moment it is given, in its own transaction."""
        now = self._now()
        with self._writing():
            if self._upsert_answer(survey_id, answer, now, respondent):
                self.db.execute("update surveys set updated_at = ? where id = ?", [now, survey_id])

    def set_survey_status(self, survey_id: int, complete: bool) -> None:
        with self._writing():
            self._set_status(survey_id, complete, self._now(), touched=True)

    def _set_status(self, survey_id: int, complete: bool, now: str, touched: bool) -> None:
        status, completed_at = self.db.execute(
            "select status, completed_at from surveys where id = ?", [survey_id]
        ).fetchone()
        new_status = "complete" if complete else "draft"
        if new_status == status and not touched:
            return
        if new_status == "draft":
            completed_at = None
        elif status != "complete":
            completed_at = now
        self.db.execute(
            "update surveys set status = ?, completed_at = ?, updated_at = ? where id = ?",
            [new_status, completed_at, now, survey_id],
        )
