"""Replaying HEAD's first-parent chain, oldest commit first: flag lives and debt-comment changes.

Pure: no git, no I/O. The one idea: :func:`replay` asks a callback for a file version's findings only where
they can have changed, and is still exact. A change is evaluated when git's ``-G``
(:func:`scorecard.evidence.history.keyword_hits`) saw a *keyword* in its added or removed lines (a literal
every match of a flag pattern contains, or a debt word), or when its file's text holds a flag keyword (it is
*tracked*: a multi-line match can change on a line without one). Any other change can neither create a flag
nor change a debt comment, so its findings carry over. Hence the flags alive at HEAD are exactly what the
patterns match in the HEAD tree, and debt comments added minus removed equal those alive at HEAD. A flag
*changes* in a commit that keeps it but changes its text, formatting aside
(:func:`scorecard.evidence.findings.flag_text_digest`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from scorecard.evidence.findings import NO_FINDINGS, FileFindings


@dataclass(frozen=True)
class ChainChange:
    """A file change on the first-parent chain, in the order to replay (oldest commit first)."""

    sha: str
    committed_at: int
    path: str
    old_path: str | None
    status: str
    blob: str | None
    keyword_hit: bool


@dataclass
class FlagLife:
    """One flag's life in one file: identity (pattern, name, path at the end), when it came, when its lines
    changed (``changed_at``, oldest first; the last one's commit ``last_changed_commit``) and when it went."""

    pattern: str
    name: str
    path: str
    introduced_commit: str
    introduced_at: int
    removed_commit: str | None = None
    removed_at: int | None = None
    last_changed_commit: str | None = None
    changed_at: list[int] = field(default_factory=list)

    @property
    def alive(self) -> bool:
        return self.removed_commit is None

    def row(self) -> list[Any]:
        """The life as a JSON-able row (:meth:`from_row` reads it back)."""
        return [
            self.pattern,
            self.name,
            self.path,
            self.introduced_commit,
            self.introduced_at,
            self.removed_commit,
            self.removed_at,
            self.last_changed_commit,
            list(self.changed_at),
        ]

    @classmethod
    def from_row(cls, row: Sequence[Any]) -> FlagLife:
        if len(row) != 9:  # a row of another format: the caller reads the history again
            raise ValueError(f"a flag life of {len(row)} fields, not 9")
        pattern, name, path, introduced_commit, introduced_at, removed_commit, removed_at, last_changed, changed = row
        life = cls(pattern, name, path, introduced_commit, introduced_at, removed_commit, removed_at, last_changed)
        life.changed_at = [int(when) for when in changed]
        return life


@dataclass(frozen=True)
class DebtChange:
    """Debt-comment lines a commit added to and removed from one file."""

    sha: str
    committed_at: int
    path: str
    added: int
    removed: int


@dataclass
class _FileState:
    """What a file holds at the replayed head, and the lives of its flags (shared with ``ReplayState.flags``)."""

    findings: FileFindings
    lives: dict[tuple[str, str], FlagLife]


@dataclass
class ReplayState:
    """Where a replay of the chain stands: what each file holds, every flag life and debt change so far.

    A replay resumed from the state at commit C and fed the chain's changes after C ends exactly where one
    replay of the whole chain does (a scan keeps the state at HEAD as a checkpoint for the next rescan).
    """

    files: dict[str, _FileState] = field(default_factory=dict)
    flags: list[FlagLife] = field(default_factory=list)  # in the order they were introduced
    debt_changes: list[DebtChange] = field(default_factory=list)

    def debt_alive(self) -> dict[str, int]:
        """Debt-comment lines per path at the replayed head."""
        return {path: sum(s.findings.debt.values()) for path, s in self.files.items() if s.findings.debt}

    def to_document(self) -> dict[str, Any]:
        """A JSON-able copy (flag lives refer to their flag by position in ``flags``)."""
        position = {id(life): number for number, life in enumerate(self.flags)}
        return {
            "flags": [life.row() for life in self.flags],
            "files": [
                [
                    path,
                    sorted([p, n, s.findings.flag_texts.get((p, n))] for p, n in s.findings.flags),
                    dict(s.findings.debt),
                    s.findings.tracked,
                    [[key[0], key[1], position[id(life)]] for key, life in s.lives.items()],
                ]
                for path, s in self.files.items()
            ],
            "debt_changes": [[d.sha, d.committed_at, d.path, d.added, d.removed] for d in self.debt_changes],
        }

    @classmethod
    def from_document(cls, document: Mapping[str, Any]) -> ReplayState:
        flags = [FlagLife.from_row(row) for row in document["flags"]]
        files = {
            path: _FileState(
                FileFindings(
                    frozenset((p, n) for p, n, _ in found),
                    Counter(debt),
                    bool(tracked),
                    {(p, n): digest for p, n, digest in found if digest is not None},
                ),
                {(p, n): flags[number] for p, n, number in lives},
            )
            for path, found, debt, tracked, lives in document["files"]
        }
        return cls(files, flags, [DebtChange(*row) for row in document["debt_changes"]])


@dataclass
class ReplayResult:
    flags: list[FlagLife]  # every flag that ever lived; alive ones have no removed_commit
    debt_changes: list[DebtChange]
    debt_alive: dict[str, int]  # path -> debt-comment lines at HEAD
    blobs_evaluated: int = 0


FindingsSource = Callable[[str, str], FileFindings | None]
"""``findings_of(blob, path)``: what one file version holds (the caller reads and caches blobs)."""


def replay(
    changes: Iterable[ChainChange], findings_of: FindingsSource, state: ReplayState | None = None
) -> ReplayResult:
    """Flag lifecycles and debt-comment changes from the chain's file changes, oldest first.

    A change is evaluated (``findings_of`` is asked) when git's ``-G`` saw a keyword in it or its file holds
    a flag keyword; otherwise its file's debt comments and (absent) flags carry over, following a rename.
    ``state`` (updated in place) resumes a replay where an earlier one stopped; by default the replay starts
    before the first commit.
    """
    state = state if state is not None else ReplayState()
    evaluated = 0
    for commit_changes in _by_commit(changes):
        evaluated += _apply_commit(state, commit_changes, findings_of)
    return ReplayResult(state.flags, state.debt_changes, state.debt_alive(), evaluated)


def _by_commit(changes: Iterable[ChainChange]) -> Iterator[list[ChainChange]]:
    """The changes grouped by commit (they arrive commit by commit)."""
    batch: list[ChainChange] = []
    for change in changes:
        if batch and change.sha != batch[0].sha:
            yield batch
            batch = []
        batch.append(change)
    if batch:
        yield batch


def _apply_commit(state: ReplayState, changes: list[ChainChange], findings_of: FindingsSource) -> int:
    """One commit's changes applied to ``state``; returns how many file versions were evaluated."""
    files = state.files
    # Take every old state first: a commit may swap two files by renames.
    before = {change.path: files.pop(change.old_path or change.path, None) for change in changes}
    evaluated = 0
    for change in changes:
        old = before[change.path]
        if change.status == "D":
            new = None
        elif change.keyword_hit or (old is not None and old.findings.tracked):
            new = findings_of(change.blob, change.path) if change.blob else None
            evaluated += 1
        else:
            if old is not None:  # no flag keyword before, none added: only the path can change
                files[change.path] = old
            continue
        lives = _update_flag_lives(state, old, new or NO_FINDINGS, change)
        _record_debt_change(state, old.findings if old else NO_FINDINGS, new or NO_FINDINGS, change)
        if new is not None:
            files[change.path] = _FileState(new, lives)
    return evaluated


def _update_flag_lives(
    state: ReplayState, old: _FileState | None, after: FileFindings, change: ChainChange
) -> dict[tuple[str, str], FlagLife]:
    """End the lives of flags the file no longer holds, start those of new ones, note the changes of those it
    keeps; the file's lives after."""
    lives = old.lives if old else {}
    for key in list(lives):
        if key not in after.flags:
            life = lives.pop(key)
            life.removed_commit, life.removed_at = change.sha, change.committed_at
    before = old.findings.flag_texts if old else {}
    for key in after.flags:
        found = lives.get(key)
        if found is None:
            found = lives[key] = FlagLife(key[0], key[1], change.path, change.sha, change.committed_at)
            state.flags.append(found)
        elif before.get(key) != after.flag_texts.get(key):
            found.last_changed_commit = change.sha
            found.changed_at.append(change.committed_at)
        found.path = change.path
    return lives


def _record_debt_change(state: ReplayState, before: FileFindings, after: FileFindings, change: ChainChange) -> None:
    added = after.debt - before.debt
    removed = before.debt - after.debt
    if added or removed:
        state.debt_changes.append(
            DebtChange(change.sha, change.committed_at, change.path, sum(added.values()), sum(removed.values()))
        )
