"""The store: one SQLite file holding teams, surveys and answers, and repositories, scans and git evidence.

The only package in scorecard that speaks SQL. :class:`Store` is its facade; its queries live by kind of data:
:mod:`.surveys` (teams, surveys, answers), :mod:`.scans` (repositories, scans, history, metric values),
:mod:`.reports` (the report's bulk reads), :mod:`.dismissals` (contradictions set aside) and :mod:`.actions`
(what a team committed to fix), over :mod:`.connection` (opening, migrations in :mod:`.schema`, transactions).
Records go in and come out (:mod:`scorecard.survey.records`, :mod:`scorecard.evidence.records`): callers never
see a row of SQL.
"""

from __future__ import annotations

from scorecard.store.actions import ActionQueries
from scorecard.store.connection import Clock, DatabaseLocked, StoreError, utc_now
from scorecard.store.dismissals import DismissalQueries
from scorecard.store.reports import ReportQueries
from scorecard.store.schema import SCHEMA_VERSION


class Store(ReportQueries, DismissalQueries, ActionQueries):
    """A scorecard database: open it with :meth:`Store.open` (or :meth:`Store.memory` in tests)."""


__all__ = ["SCHEMA_VERSION", "Clock", "DatabaseLocked", "Store", "StoreError", "utc_now"]
