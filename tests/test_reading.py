"""reading.py: the one diff pass gives what the numstat and -G passes gave, on real repositories git wrote.

The oracle is the old pair of passes, kept in history.py: ``stream_history`` (``git log --numstat``) and
``keyword_hits`` (``git log -G``).
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scorecard.evidence import git as hardened_git
from scorecard.evidence import history, reading
from scorecard.evidence.diffstream import ParsedCommit
from scorecard.evidence.git import MiningError
from scorecard.evidence.patterns import ScanSettings
from scorecard.store import Store
from tests.gitrepo import RepoBuilder, build_flag_repo, build_merged_repo, run_git, scan_summary

LINES = [
    "x = 1\n",
    "# TODO: later\n",
    "use_cache = True\n",
    'parser.add_argument("--fast", action="store_true")\n',
    "+ plus\n",
    "-- minus\n",
    "diff --git a/x b/x\n",
    "@@ -1 +1 @@ use_\n",
    "\\ No newline at end of file\n",
    "\x01odd\n",
    "\n",
]
PATHS = ["a.py", "b.py", "c.txt", "d.yaml", "e.bin", "dir/f.py", "g.md", "h.json"]


def read_new(info: hardened_git.RepoInfo, scan: ScanSettings) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    with hardened_git.BlobReader(info) as reader:
        commits, changes, chain = reading.HistoryReader(info, scan, None, impossible_at=0).stream(reader=reader)
    assert chain is not None
    return commits, changes, chain


def oracle_rows(info: hardened_git.RepoInfo, scan: ScanSettings, chain: list[str]) -> dict[tuple[str, str], tuple]:
    """Every change the new reading reads (merges on the chain only), as the old passes saw it."""
    hits = history.keyword_hits(info, scan.keyword_regex(), scan.scanned_suffixes())
    on_chain = set(chain)
    rows = {}
    for commit in history.stream_history(info):
        if len(commit.parents) > 1 and commit.sha not in on_chain:
            continue
        for c in commit.changes:
            hit = ((commit.sha, c.path) in hits or (commit.sha, c.old_path) in hits) if hits is not None else None
            keyword = (1.0 if hit else 0.0) if commit.sha in on_chain and hit is not None else math.nan
            rows[(commit.sha, c.path)] = (c.old_path, c.status, c.added, c.deleted, c.blob, c.blob_lines, keyword)
    return rows


def new_rows(changes: pd.DataFrame) -> dict[tuple[str, str], tuple]:
    def number(value: float) -> int | None:
        return None if value != value else int(value)

    return {
        (row.sha, row.path): (
            row.old_path if isinstance(row.old_path, str) else None,
            row.status,
            number(row.added),
            number(row.deleted),
            row.blob if isinstance(row.blob, str) else None,
            number(row.blob_lines),
            row.keyword_hit,
        )
        for row in changes.itertuples()
    }


def assert_same(info: hardened_git.RepoInfo, scan: ScanSettings | None = None) -> pd.DataFrame:
    scan = scan or ScanSettings()
    commits, changes, chain = read_new(info, scan)
    assert list(commits["sha"]) == [row[0] for row in history.list_commits(info)]
    expected, found = oracle_rows(info, scan, chain), new_rows(changes)
    assert found.keys() == expected.keys()
    for key, row in found.items():
        old = expected[key]
        assert row[:6] == old[:6], key
        if row[1] == "T":  # a type change: either version holding a keyword line is a hit (never fewer)
            assert (math.isnan(row[6]) and math.isnan(old[6])) or row[6] >= old[6], key
        else:
            assert (math.isnan(row[6]) and math.isnan(old[6])) or row[6] == old[6], key
    return changes


@st.composite
def histories(draw: st.DrawFn) -> list[dict]:
    commits = []
    for _ in range(draw(st.integers(min_value=1, max_value=6))):
        files: dict[str, object] = {}
        for path in draw(st.lists(st.sampled_from(PATHS), min_size=1, max_size=3, unique=True)):
            lines = draw(st.lists(st.sampled_from(LINES), max_size=8))
            text = "".join(lines)
            if draw(st.booleans()) and text:
                text = text.rstrip("\n")  # no newline at the end
            kind = draw(st.sampled_from(["text", "text", "text", "binary", "delete", "empty"]))
            files[path] = {"text": text, "binary": b"\0" + text.encode(), "delete": None, "empty": ""}[kind]
        commits.append(
            {
                "files": files,
                "rename": draw(st.none() | st.tuples(st.sampled_from(PATHS), st.sampled_from(PATHS))),
                "symlink": draw(st.none() | st.sampled_from(PATHS)),
                "branch": draw(st.booleans()),
            }
        )
    return commits


def build(path: Path, plan: list[dict]) -> RepoBuilder:
    repo = RepoBuilder(path)
    present: set[str] = set()
    for number, step in enumerate(plan):
        when = 1_704_844_800 + number * 3_600  # from 2024-01-10, an hour apart
        files = {p: c for p, c in step["files"].items() if c is not None or p in present}
        renames = {}
        if step["rename"] and step["rename"][0] in present and step["rename"][1] not in present | set(files):
            renames = {step["rename"][0]: step["rename"][1]}
        symlinks = {}
        if step["symlink"] and step["symlink"] not in files and step["symlink"] not in renames:
            symlinks = {step["symlink"]: "a.py"}
        if step["branch"] and repo.heads:
            base = repo.heads["main"]
            side = repo.commit(files, renames=renames, branch="side", parent=base, when=when)
            repo.commit({"a.py": f"main {number}\n"}, when=when)
            repo.commit({"a.py": f"merged {number}\n", **{p: c for p, c in files.items()}}, merge=side, when=when)
        else:
            repo.commit(files, renames=renames, symlinks=symlinks, when=when)
        present = set(run_git(repo.path, "ls-tree", "-r", "--name-only", "-z", "HEAD").decode("utf-8").split("\0")) - {
            ""
        }
    return repo


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plan=histories())
def test_random_histories_read_as_the_numstat_and_G_passes_read_them(tmp_path_factory, plan):
    repo = build(tmp_path_factory.mktemp("random") / "r", plan)
    assert_same(hardened_git.open_repository(repo.path))


def test_prepared_histories_read_the_same(tmp_path: Path):
    for repo in (build_merged_repo(tmp_path / "merged"), build_flag_repo(tmp_path / "flags")[0]):
        assert_same(hardened_git.open_repository(repo.path))


def test_split_over_several_processes_reads_the_same(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    repo = build(
        tmp_path / "r",
        [
            {"files": {p: f"{p} {n}\n# todo\n"}, "rename": None, "symlink": None, "branch": n % 5 == 4}
            for n, p in enumerate(PATHS * 6)
        ],
    )
    info = hardened_git.open_repository(repo.path)
    alone = read_new(info, ScanSettings())[1]
    monkeypatch.setattr(reading, "SPLIT_FROM", 1)
    monkeypatch.setattr(reading, "diff_processes", lambda: 3)
    assert len(reading._shares(reading._chunks(*_to_diff(info)))) == 3
    split = assert_same(info)
    pd.testing.assert_frame_equal(split, alone)


def _to_diff(info: hardened_git.RepoInfo):
    commits, _changes, chain = read_new(info, ScanSettings())
    keywords = reading._Keywords.of(ScanSettings(), chain)
    return commits, (commits["parent_count"] <= 1).to_numpy() | commits["sha"].isin(chain).to_numpy(), keywords


def test_a_merge_off_the_chain_is_listed_but_not_diffed(tmp_path: Path):
    repo = RepoBuilder(tmp_path / "r")
    base = repo.commit({"a.py": "1\n"}, when="2024-01-10")
    side = repo.commit({"f.py": "f\n"}, branch="feature", parent=base, when="2024-01-11")
    main = repo.commit({"a.py": "2\n"}, when="2024-01-12")
    # The feature branch merges main back in: its diff against its first parent is all of main's work.
    back = repo.commit({"a.py": "2\n"}, branch="feature", merge=main, when="2024-01-13")
    head = repo.commit({"f.py": "f\n"}, merge=back, when="2024-01-14")
    info = hardened_git.open_repository(repo.path)
    commits, changes, chain = read_new(info, ScanSettings())
    assert set(commits["sha"]) == {base, side, main, back, head}
    assert back not in chain and back not in set(changes["sha"])
    assert set(changes.loc[changes["sha"] == head, "path"]) == {"f.py"}


def test_a_stored_merge_that_joins_the_chain_is_diffed_then(tmp_path: Path):
    """HEAD moves to a branch whose first-parent chain runs through a merge the last scan read off the
    chain (not diffed): the rescan diffs it, and equals a full scan."""
    repo = RepoBuilder(tmp_path / "r")
    base = repo.commit({"a.py": "1\n", "cfg.yaml": "use_x: true\n"}, when="2024-01-10")
    feature = repo.commit({"f.py": "# TODO f\n"}, branch="feature", parent=base, when="2024-01-11")
    main = repo.commit({"a.py": "1\n2\n", "m.py": "m\n" * 5}, when="2024-01-12")
    back = repo.commit({"a.py": "1\n2\n", "m.py": "m\n" * 5}, branch="feature", merge=main, when="2024-01-13")
    repo.commit({"f.py": "# TODO f\n"}, merge=back, when="2024-02-14")  # main's head: `back` is off its chain
    store = Store.memory()
    first = scan_summary(repo.path, store=store)
    assert first["scan"]["mode"] == "full"
    # HEAD becomes a commit on top of `back` that also merges main's head: `back` is now on the chain.
    top = repo.commit(
        {"a.py": "1\n2\n", "m.py": "m\n" * 5, "f.py": "# TODO f\n"},
        branch="feature",
        merge=repo.heads["main"],
        when="2024-02-20",
    )
    run_git(repo.path, "checkout", "-q", "feature")
    rescan = scan_summary(repo.path, store=store)
    assert rescan["scan"]["mode"] == "incremental" and not rescan["scan"]["from_checkpoint"]
    full = scan_summary(repo.path)
    assert {k: v for k, v in rescan.items() if k not in ("scan", "elapsed_s")} == {
        k: v for k, v in full.items() if k not in ("scan", "elapsed_s")
    }
    assert history.first_parent_chain(hardened_git.open_repository(repo.path))[:2] == [top, back]
    assert feature in history.first_parent_chain(hardened_git.open_repository(repo.path))


def test_keywords_past_the_limit_leave_every_change_of_the_chain_to_evaluate(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    repo = RepoBuilder(tmp_path / "r")
    repo.commit({"a.py": "# TODO\n", "b.py": "x\n"})
    info = hardened_git.open_repository(repo.path)
    assert list(read_new(info, ScanSettings())[1]["keyword_hit"]) == [1.0, 0.0]
    monkeypatch.setattr(history, "MAX_KEYWORD_REGEX", 5)  # as -G was not run past it
    changes = assert_same(info)
    assert changes["keyword_hit"].isna().all()


def test_without_a_scanned_suffix_nothing_hits(tmp_path: Path):
    repo = RepoBuilder(tmp_path / "r")
    repo.commit({"a.py": "# TODO\n"})
    info = hardened_git.open_repository(repo.path)
    keywords = reading._Keywords(None, frozenset(), set())
    assert keywords.tested and keywords.regex is None
    no_code = ScanSettings(flag_patterns=())
    assert no_code.scanned_suffixes()  # code suffixes stay scanned for debt comments
    assert list(read_new(info, no_code)[1]["keyword_hit"]) == [1.0]


def test_a_commit_git_was_not_asked_for_is_a_mining_error():
    keywords = reading._Keywords(None, frozenset(), set())
    share = reading._Share([reading._Chunk(["a" * 40], keywords), reading._Chunk(["b" * 40], keywords)])
    share.take([ParsedCommit("a" * 40, [])])
    with pytest.raises(MiningError, match="where another was expected"):
        share.take([ParsedCommit("c" * 40, [])])
    share.take([ParsedCommit("b" * 40, [])])
    with pytest.raises(MiningError, match="where another was expected"):
        share.take([ParsedCommit("d" * 40, [])])  # one more than asked for
