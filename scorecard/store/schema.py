"""The schema: named migrations, applied in order, each in its own transaction.

Never edit a migration that has shipped; add a new one. The number applied is the schema version (also
``PRAGMA user_version``), so a database from a newer scorecard is recognised and refused.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from functools import cache

import sqlite_utils
from sqlite_utils.migrations import Migrations

from scorecard.team_names import TeamNameError, team_key

migrations = Migrations("scorecard")
MIGRATIONS_TABLE = Migrations.migrations_table


@migrations()
def m001_teams_surveys_answers(db: sqlite_utils.Database) -> None:
    db.table("teams").create(
        {"id": int, "name": str, "created_at": str},
        pk="id",
        not_null={"name", "created_at"},
    )
    db.table("teams").create_index(["name"], unique=True)
    db.table("surveys").create(
        {
            "id": int,
            "team_id": int,
            "quarter": str,
            "bank_id": str,
            "bank_version": int,
            "status": str,
            "started_at": str,
            "updated_at": str,
            "completed_at": str,
        },
        pk="id",
        foreign_keys=[("team_id", "teams", "id")],
        not_null={"team_id", "quarter", "bank_id", "bank_version", "status", "started_at", "updated_at"},
    )
    db.table("surveys").create_index(["team_id", "quarter", "bank_id"], unique=True)
    db.table("answers").create(
        {
            "survey_id": int,
            "question_id": str,
            "option_id": str,
            "points": float,
            "note": str,
            "answered_at": str,
            "carried_over": int,
        },
        pk=("survey_id", "question_id"),
        foreign_keys=[("survey_id", "surveys", "id")],
        not_null={"survey_id", "question_id", "option_id", "answered_at"},
        defaults={"carried_over": 0},
    )


@migrations()
def m002_repos_scans_commits(db: sqlite_utils.Database) -> None:
    """Git evidence: repositories a team scans, their scans, the mined history and the latest results."""
    db.table("repos").create(
        {"id": int, "team_id": int, "path": str, "subdir": str, "name": str, "created_at": str},
        pk="id",
        foreign_keys=[("team_id", "teams", "id")],
        not_null={"team_id", "path", "subdir", "name", "created_at"},
        defaults={"subdir": ""},
    )
    db.table("repos").create_index(["team_id", "path", "subdir"], unique=True)
    db.table("scans").create(
        {
            "id": int,
            "repo_id": int,
            "scanned_at": str,
            "head": str,
            "mode": str,  # "full" or "incremental"
            "commits_read": int,
            "elapsed_s": float,
            "warnings": str,  # JSON list
            "patterns_fingerprint": str,
            "settings_fingerprint": str,
            "mailmap_fingerprint": str,
            "summary": str,  # the scan's JSON document, as `scorecard scan --json` printed it
        },
        pk="id",
        foreign_keys=[("repo_id", "repos", "id")],
        not_null={"repo_id", "scanned_at", "head", "mode"},
    )
    db.table("scans").create_index(["repo_id", "scanned_at"])
    db.table("commits").create(
        {
            "repo_id": int,
            "sha": str,
            "first_parent": str,
            "parent_count": int,
            "committed_at": int,  # committer time, Unix seconds
            "quarter": str,  # of committed_at, UTC
            "author_name": str,  # mailmap applied
            "author_email": str,
        },
        pk=("repo_id", "sha"),
        foreign_keys=[("repo_id", "repos", "id")],
    )
    db.table("file_changes").create(
        {
            "repo_id": int,
            "sha": str,  # a merge's changes are its diff against the first parent
            "path": str,  # new path; the old one for a deletion
            "old_path": str,  # renames only
            "status": str,  # A M D R T
            "added": int,  # NULL for a binary file
            "deleted": int,
            "blob": str,  # the file's contents after the change (NULL when deleted)
            "blob_lines": int,  # for a change git calls binary: the lines of the new blob if it is text
            "keyword_hit": int,  # 1 when the diff adds or removes a flag or debt-comment keyword
        },
        foreign_keys=[("repo_id", "repos", "id")],
    )
    db.table("file_changes").create_index(["repo_id", "sha"])
    db.table("blob_evidence").create(
        {"repo_id": int, "blob": str, "suffix": str, "patterns_fingerprint": str, "evidence": str},
        pk=("repo_id", "blob", "suffix"),
    )
    db.table("flags").create(
        {
            "repo_id": int,
            "scan_id": int,
            "pattern": str,
            "name": str,
            "path": str,
            "introduced_commit": str,
            "introduced_at": str,
            "removed_commit": str,
            "removed_at": str,
            "alive": int,
            "age_days": float,
            "stale": int,
        },
        foreign_keys=[("repo_id", "repos", "id"), ("scan_id", "scans", "id")],
    )
    db.table("flags").create_index(["repo_id"])
    db.table("lines_at_head").create(
        {"scan_id": int, "kind": str, "ext": str, "files": int, "binary_files": int, "lines": int},
        pk=("scan_id", "kind", "ext"),
        foreign_keys=[("scan_id", "scans", "id")],
    )
    db.table("scan_metrics").create(
        {"scan_id": int, "metric": str, "value": float},
        pk=("scan_id", "metric"),
        foreign_keys=[("scan_id", "scans", "id")],
    )
    db.table("quarter_metrics").create(
        {"repo_id": int, "quarter": str, "metric": str, "value": float, "scan_id": int},
        pk=("repo_id", "quarter", "metric"),
        foreign_keys=[("repo_id", "repos", "id"), ("scan_id", "scans", "id")],
    )


@migrations()
def m003_scan_checkpoints(db: sqlite_utils.Database) -> None:
    """Fast rescans: the metrics' running state at a repository's last scanned head, one row per repository
    (an opaque blob written and read by scorecard.evidence.checkpoint.Checkpoint; a rescan without it reads the history)."""
    db.table("scan_checkpoints").create(
        {"repo_id": int, "scan_id": int, "head": str, "state": bytes},
        pk="repo_id",
        foreign_keys=[("repo_id", "repos", "id"), ("scan_id", "scans", "id")],
        not_null={"scan_id", "head", "state"},
    )


@migrations()
def m004_blob_findings(db: sqlite_utils.Database) -> None:
    """The per-blob cache of flags and debt comments is "findings", not one more thing called evidence."""
    db.execute("alter table blob_evidence rename to blob_findings")
    db.execute("alter table blob_findings rename column evidence to findings")


@migrations()
def m005_team_keys(db: sqlite_utils.Database) -> None:
    """One team however its name is typed: ``teams.key`` is the name's :func:`scorecard.team_names.team_key`
    (case-folded NFC), unique, and every lookup by name goes through it.

    Existing rows get their key here. Two teams stored before keys existed may share one (``Ranking`` and
    ``ranking``): the migration does not fail and merges nothing. Both rows are kept with their surveys and
    scans; the first (lowest id) gets the key, each later one ``key#id`` (``#id`` repeated while that is
    taken), which is also how a person reaches it (``ranking#7``). A stored name that today's rules refuse gets
    its case-folded NFC spelling as its key.
    """
    db.execute("alter table teams add column key text")
    rows = db.execute("select id, name from teams order by id").fetchall()
    for team_id, key in distinct_team_keys(rows).items():
        db.execute("update teams set key = ? where id = ?", [key, team_id])
    db.table("teams").create_index(["key"], unique=True)


def distinct_team_keys(rows: Iterable[tuple[int, str]]) -> dict[int, str]:
    """``{id: key}`` for ``(id, name)`` rows in id order, no two alike (the collision rule of m005)."""
    wanted: dict[int, str] = {}
    for team_id, name in rows:
        try:
            wanted[team_id] = team_key(name)
        except TeamNameError:
            wanted[team_id] = unicodedata.normalize("NFC", name).casefold()
    first: dict[str, int] = {}
    for team_id, key in wanted.items():
        first.setdefault(key, team_id)
    taken = set(first)
    keys: dict[int, str] = {}
    for team_id, key in wanted.items():
        if first[key] != team_id:
            while key in taken:
                key += f"#{team_id}"
            taken.add(key)
        keys[team_id] = key
    return keys


@migrations()
def m006_scan_examples(db: sqlite_utils.Database) -> None:
    """The files (or pairs, authors, languages) behind each latest metric of a scan, most telling first: up
    to 10 strings per metric, ``position`` 0 the first (see :mod:`scorecard.evidence.examples`)."""
    db.table("scan_examples").create(
        {"scan_id": int, "metric": str, "position": int, "example": str},
        pk=("scan_id", "metric", "position"),
        foreign_keys=[("scan_id", "scans", "id")],
        not_null={"example"},
    )


@migrations()
def m007_flag_kinds(db: sqlite_utils.Database) -> None:
    """Flags by kind, and when each was last touched: a row of ``flags`` is one occurrence (pattern, name, file)
    with its ``kind`` (cli_option, env_toggle, config_key, feature_switch), whether its name marks an
    ``experiment``, and its last change (``last_changed_commit``/``_at``: the commit that last changed the lines
    holding it, or that brought it) and ``days_since_change`` (alive ones). Rows of older scans keep NULL
    there until their repository is scanned again (see scorecard.evidence.team: they count without a kind)."""
    flags = db.table("flags")
    for column, kind in (
        ("kind", str),
        ("experiment", int),
        ("last_changed_commit", str),
        ("last_changed_at", str),
        ("days_since_change", float),
    ):
        flags.add_column(column, kind)


@migrations()
def m008_dismissals(db: sqlite_utils.Database) -> None:
    """Contradictions a team examined and set aside: which rule (bank, question and the rule's claim), the value of
    each of its conditions then (``condition_values``, a JSON list of {subject, value, threshold}), the margin
    they may move before the dismissal lapses, the reason, and when (time and quarter)."""
    db.table("dismissals").create(
        {
            "id": int,
            "team_id": int,
            "bank_id": str,
            "question_id": str,
            "claim": str,
            "option_id": str,
            "condition_values": str,
            "margin": float,
            "reason": str,
            "created_at": str,
            "quarter": str,
        },
        pk="id",
        foreign_keys=[("team_id", "teams", "id")],
        not_null={"team_id", "bank_id", "question_id", "claim", "condition_values", "margin", "reason", "created_at"},
    )
    db.table("dismissals").create_index(["team_id", "bank_id", "question_id"])


@migrations()
def m009_respondents_links_actions(db: sqlite_utils.Database) -> None:
    """The quarterly review as a team practice (see :mod:`scorecard.survey.respondents` and
    :mod:`scorecard.survey.actions`).

    - ``answers.link``: where a team answer can be checked (a ticket, a CI job, a dashboard, a path).
    - ``respondent_answers``: one person's blind answers to a survey, known by the name's key (case-folded), the
      display name as first given. Kept apart from ``answers`` (the team answers) so every existing read of a
      survey keeps its meaning: an answer without a respondent is the team answer, as before.
    - ``actions``: what a team committed to fix: raise ``question_id`` to at least ``target_option``'s points by
      the ``due`` quarter; ``created_quarter`` is the quarter it was recorded in; a dropped action keeps its row
      with ``dropped_at`` and ``drop_reason``. Whether it was kept or missed is computed, never stored.
    """
    db.table("answers").add_column("link", str)
    db.table("respondent_answers").create(
        {
            "survey_id": int,
            "respondent_key": str,
            "respondent": str,
            "question_id": str,
            "option_id": str,
            "points": float,
            "note": str,
            "link": str,
            "answered_at": str,
        },
        pk=("survey_id", "respondent_key", "question_id"),
        foreign_keys=[("survey_id", "surveys", "id")],
        not_null={"survey_id", "respondent_key", "respondent", "question_id", "option_id", "answered_at"},
    )
    db.table("actions").create(
        {
            "id": int,
            "team_id": int,
            "bank_id": str,
            "question_id": str,
            "target_option": str,
            "due": str,
            "owner": str,
            "note": str,
            "created_quarter": str,
            "created_at": str,
            "dropped_at": str,
            "drop_reason": str,
        },
        pk="id",
        foreign_keys=[("team_id", "teams", "id")],
        not_null={"team_id", "bank_id", "question_id", "target_option", "due", "created_quarter", "created_at"},
    )
    db.table("actions").create_index(["team_id", "due"])


@migrations()
def m010_systems(db: sqlite_utils.Database) -> None:
    """Systems: a team owns one or more systems (a model, a pipeline, a service), each surveyed on its own.

    ``surveys.system`` is the system's name as first given ('' for the team-level survey, which every survey
    stored before this migration is); one survey per (team, system, quarter, bank), so the unique index gains
    the column. ``repos.system`` ties a repository to a system ('' for the team's). Names are matched by key
    (case-folded, :func:`scorecard.survey.systems.system_key`) in :mod:`scorecard.store.surveys`.
    """
    db.table("surveys").add_column("system", str, not_null_default="")
    db.execute("drop index if exists idx_surveys_team_id_quarter_bank_id")
    db.table("surveys").create_index(["team_id", "system", "quarter", "bank_id"], unique=True)
    db.table("repos").add_column("system", str, not_null_default="")


@migrations()
def m011_system_actions_dismissals(db: sqlite_utils.Database) -> None:
    """Actions and dismissals per system: ``actions.system`` and ``dismissals.system`` name the team's system they
    are for ('' for the team level, which every row stored before this migration is).

    An action of a system is kept or missed by that system's surveys only. A dismissal of a system says the
    evidence does not apply to that system; a team-level one ('') says it does not apply to the whole team, so it
    covers every system's surveys too (see :mod:`scorecard.survey.dismissals`).
    """
    db.table("actions").add_column("system", str, not_null_default="")
    db.table("dismissals").add_column("system", str, not_null_default="")


def known_migration_names() -> list[str]:
    return [migration.name for migration in migrations._migrations]


@cache
def known_table_names() -> frozenset[str]:
    """Every table some version of the schema has: a file holding any other is not a scorecard database."""
    names = {MIGRATIONS_TABLE}
    with sqlite_utils.Database(memory=True) as db:
        for migration in migrations._migrations:
            migration.fn(db)
            names.update(db.table_names())
    return frozenset(names)


SCHEMA_VERSION = len(known_migration_names())
