"""The chain replay on its own: flag lives and debt changes from changes and findings, resumable exactly."""

from __future__ import annotations

from collections import Counter

import pytest

from scorecard.evidence.findings import FileFindings
from scorecard.evidence.replay import ChainChange, ReplayState, replay

FINDINGS = {
    "b1": FileFindings(frozenset({("p", "alpha")}), Counter({"# TODO a": 1}), tracked=True),
    "b2": FileFindings(frozenset({("p", "alpha"), ("p", "beta")}), Counter(), tracked=True),
    "b3": FileFindings(frozenset(), Counter({"# FIXME": 2}), tracked=False),
}


def change(
    sha: str, when: int, path: str, blob: str | None, status: str = "M", old: str | None = None, hit: bool = True
):
    return ChainChange(sha, when, path, old, status, blob, hit)


CHANGES = [
    change("c1", 10, "a.py", "b1", "A"),
    change("c1", 10, "notes.py", "b3", "A"),
    change("c2", 20, "b.py", "b1", "R", old="a.py", hit=False),  # tracked: evaluated, its flag follows the file
    change("c3", 30, "b.py", "b2", hit=False),  # tracked: evaluated though -G saw no keyword
    change("c4", 40, "n2.py", "x", "R", old="notes.py", hit=False),  # not tracked: carried over, not evaluated
    change("c5", 50, "b.py", None, "D"),
]


def findings_of(blob: str, path: str) -> FileFindings | None:
    return FINDINGS.get(blob)


def test_flags_and_debt_comments_follow_renames_and_end_with_the_file():
    result = replay(CHANGES, findings_of)
    lives = {(f.name, f.path, f.introduced_commit, f.removed_commit) for f in result.flags}
    assert lives == {("alpha", "b.py", "c1", "c5"), ("beta", "b.py", "c3", "c5")}
    debt = [(d.sha, d.path, d.added, d.removed) for d in result.debt_changes]
    assert debt == [("c1", "a.py", 1, 0), ("c1", "notes.py", 2, 0), ("c3", "b.py", 0, 1)]
    assert result.debt_alive == {"n2.py": 2}
    assert result.blobs_evaluated == 4  # c1 twice, c2 and c3


def test_a_replay_resumed_from_its_stored_state_ends_where_one_whole_replay_does():
    whole = replay(CHANGES, findings_of)
    first = ReplayState()
    replay(CHANGES[:3], findings_of, first)
    resumed = ReplayState.from_document(first.to_document())
    replay(CHANGES[3:], findings_of, resumed)
    whole_state = ReplayState(flags=whole.flags, debt_changes=whole.debt_changes)
    assert resumed.to_document()["flags"] == whole_state.to_document()["flags"]
    assert resumed.to_document()["debt_changes"] == whole_state.to_document()["debt_changes"]
    assert resumed.debt_alive() == whole.debt_alive


def test_a_flag_changes_where_its_text_changes_and_an_older_state_is_refused():
    def found(digest: str) -> FileFindings:
        return FileFindings(frozenset({("p", "alpha")}), Counter(), True, {("p", "alpha"): digest})

    texts = {"v1": found("d1"), "v2": found("d1"), "v3": found("d2")}
    changes = [change("c1", 10, "a.py", "v1", "A"), change("c2", 20, "a.py", "v2"), change("c3", 30, "a.py", "v3")]
    [life] = replay(changes, lambda blob, path: texts[blob]).flags
    assert (life.introduced_at, life.changed_at, life.last_changed_commit) == (10, [30], "c3")
    state = ReplayState()
    replay(changes[:2], lambda blob, path: texts[blob], state)
    resumed = ReplayState.from_document(state.to_document())
    replay(changes[2:], lambda blob, path: texts[blob], resumed)
    assert resumed.flags[0].row() == life.row()
    # A state written before flags had changes (7 fields a life): read again from the history instead.
    old = state.to_document()
    old["flags"] = [row[:7] for row in old["flags"]]
    with pytest.raises(ValueError, match="7 fields"):
        ReplayState.from_document(old)
