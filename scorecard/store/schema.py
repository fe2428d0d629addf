"""The schema: named migrations, applied in order, each in its own transaction.

Never edit a migration that has shipped; add a new one. The number applied is the schema version (also
``PRAGMA user_version``), so a database from a newer scorecard is recognised and refused.
"""

from __future__ import annotations

import sqlite_utils
from sqlite_utils.migrations import Migrations

migrations = Migrations("scorecard")


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


def known_migration_names() -> list[str]:
    return [migration.name for migration in migrations._migrations]


SCHEMA_VERSION = len(known_migration_names())
