"""diffstream.py: the ``git log -p --raw -z`` stream parsed into counts and keyword hits, against git itself."""

from __future__ import annotations

from pathlib import Path

import pytest
import re2
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scorecard.evidence import git as hardened_git
from scorecard.evidence import history
from scorecard.evidence.diffstream import DiffStreamParser, ParsedCommit
from scorecard.evidence.git import MiningError
from tests.gitrepo import RepoBuilder, numbered_lines, run_git

KEYWORDS = re2.compile(rb"use_|add_argument|[Tt][Oo][Dd][Oo]")
# Lines a patch parser could mistake for its own structure, once git puts its +/- marker before them.
AWKWARD = (
    "diff --git a/x.py b/x.py\n"
    "@@ -1 +1 @@ use_not_a_hunk\n"
    "++ plus\n"
    "-- minus\n"
    "--- a/x.py\n"
    "+++ b/x.py\n"
    "Binary files a/x and b/x differ\n"
    "index 0000000..1111111\n"
    "\\ No newline at end of file\n"
    "\x01not a commit\n"
    "todo in a line\n"
)


class Recording(DiffStreamParser):
    """A parser that also keeps the bytes it was fed (to replay them cut elsewhere)."""

    def __init__(self) -> None:
        super().__init__(KEYWORDS)
        self.fed: list[bytes] = []

    def feed(self, chunk: bytes) -> list[ParsedCommit]:
        self.fed.append(chunk)
        return super().feed(chunk)


def build_awkward(path: Path) -> RepoBuilder:
    repo = RepoBuilder(path)
    repo.commit({"a.py": AWKWARD, "b.py": "x\n", "empty.py": "", "logo.png": b"\x89PNG\0\1"}, when="2024-01-10")
    repo.commit({"a.py": AWKWARD.replace("plus", "use_plus") + "tail"}, when="2024-01-11")  # no final newline
    repo.commit(renames={"b.py": "c.py"}, files={"logo.png": b"\x89PNG\0\2"}, when="2024-01-12")
    # A text file with a NUL past git's first 8,000 bytes, and a line that holds \n\x01 only inside it.
    repo.commit({"late.py": "x\n" * 4100 + "\0\x01 todo\n", "weird\nname.py": "todo\n"}, when="2024-01-13")
    repo.commit({"a.py": None, "empty.py": None}, symlinks={"c.py": "late.py"}, when="2024-01-14")  # a type change
    return repo


def diffed(info: hardened_git.RepoInfo, parser: DiffStreamParser) -> dict[str, ParsedCommit]:
    shas = [row[0] for row in history.list_commits(info)]
    found: dict[str, ParsedCommit] = {}
    history.diff_commits(info, shas, parser, lambda commits: found.update((c.sha, c) for c in commits))
    assert list(found) == shas
    return found


def test_counts_equal_git_numstat_and_keywords_equal_git_G(tmp_path: Path):
    repo = build_awkward(tmp_path / "r")
    info = hardened_git.open_repository(repo.path)
    found = diffed(info, DiffStreamParser(KEYWORDS))
    oracle = {c.sha: c for c in history.stream_history(info)}
    hits = history.keyword_hits(info, KEYWORDS.pattern.decode(), {".py"})
    for sha, commit in found.items():
        assert [(c.path, c.old_path, c.status, c.blob) for c in commit.changes] == [
            (c.path, c.old_path, c.status, c.blob) for c in oracle[sha].changes
        ]
        for change, expected in zip(commit.changes, oracle[sha].changes, strict=True):
            if change.settled:
                assert (change.added, change.deleted) == (expected.added, expected.deleted), change.path
            elif change.status != "T":  # no line printed: numstat says 0 0 (text) or - - (binary)
                assert (expected.added or 0, expected.deleted or 0) == (0, 0)
            if change.status not in ("R", "T"):
                assert change.keyword == ((sha, change.path) in hits), change.path
    changes = {(c.path, c.status): c for commit in found.values() for c in commit.changes}
    assert changes[("late.py", "A")].keyword and changes[("weird\nname.py", "A")].keyword
    assert {key for key, c in changes.items() if not c.settled} == {
        ("empty.py", "A"),
        ("empty.py", "D"),  # empty: no line to count
        ("c.py", "R"),  # renamed unchanged
        ("c.py", "T"),  # a file become a symlink: numstat diffs the two versions, the patch splits them
    }


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cuts=st.lists(st.integers(min_value=1, max_value=400), min_size=1, max_size=60))
def test_any_cutting_of_the_stream_parses_the_same(awkward_stream: list[bytes], cuts: list[int]):
    whole = b"".join(awkward_stream)
    expected = _parse([whole])
    pieces, position = [], 0
    for cut in cuts:
        pieces.append(whole[position : position + cut])
        position += cut
    pieces.append(whole[position:])
    assert _parse(pieces) == expected


@pytest.fixture(scope="module")
def awkward_stream(tmp_path_factory: pytest.TempPathFactory) -> list[bytes]:
    repo = build_awkward(tmp_path_factory.mktemp("stream") / "r")
    recording = Recording()
    diffed(hardened_git.open_repository(repo.path), recording)
    return recording.fed


def _parse(pieces: list[bytes]) -> list[ParsedCommit]:
    parser = DiffStreamParser(KEYWORDS)
    parsed = [commit for piece in pieces for commit in parser.feed(piece)]
    return parsed + parser.finish()


def test_a_large_patch_is_read_in_pieces(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(history, "CHUNK_SIZE", 4096)  # a patch of ~700 KB comes in many reads
    repo = RepoBuilder(tmp_path / "r")
    big = numbered_lines(60_000)
    repo.commit({"big.py": big, "small.py": "todo\n"})
    repo.commit({"big.py": big.replace("line 59999", "use_it"), "small.py": None})
    info = hardened_git.open_repository(repo.path)
    pieces = [Recording()]
    found = diffed(info, pieces[0])
    assert len(pieces[0].fed) > 100
    [first, second] = [found[row[0]] for row in reversed(history.list_commits(info))]
    assert [(c.path, c.added, c.keyword) for c in first.changes] == [("big.py", 60_000, False), ("small.py", 1, True)]
    assert [(c.path, c.added, c.deleted, c.keyword) for c in second.changes] == [
        ("big.py", 1, 1, True),
        ("small.py", 0, 1, True),
    ]


def test_only_the_commits_and_suffixes_asked_for_are_searched(tmp_path: Path):
    repo = RepoBuilder(tmp_path / "r")
    first = repo.commit({"a.py": "todo\n", "a.md": "todo\n", "quoted \t.py": "todo\n"})
    second = repo.commit({"a.py": "todo 2\n"})
    info = hardened_git.open_repository(repo.path)
    found = diffed(info, DiffStreamParser(KEYWORDS, {first}, frozenset({b".py"})))
    assert {c.path: c.keyword for c in found[first].changes} == {"a.py": True, "a.md": False, "quoted \t.py": True}
    assert [c.keyword for c in found[second].changes] == [False]


def test_a_merge_and_a_submodule_are_counted_like_numstat(tmp_path: Path):
    repo = RepoBuilder(tmp_path / "r")
    base = repo.commit({"a.py": "1\n"})
    side = repo.commit({"side.py": "todo\n"}, branch="feature", parent=base)
    merge = repo.commit({"a.py": "2\n", "side.py": "todo\n"}, merge=side)
    module = repo.commit(submodules={"vendor/lib": base})
    info = hardened_git.open_repository(repo.path)
    found = diffed(info, DiffStreamParser(KEYWORDS))
    assert [(c.path, c.added, c.deleted, c.keyword) for c in found[merge].changes] == [
        ("a.py", 1, 1, False),
        ("side.py", 1, 0, True),
    ]
    assert [(c.path, c.added, c.blob) for c in found[module].changes] == [("vendor/lib", 1, base)]


@pytest.mark.parametrize(
    "stream",
    [
        b"not a commit",
        b"\x01" + b"a" * 40 + b"\0X",
        b"\x01" + b"a" * 40 + b"\0\n:100644 100644 x y\0a.py\0\0diff --git a/a.py b/a.py\n",
        b"\x01" + b"a" * 40 + b"\0\n:100644 100644 " + b"1" * 40 + b" " + b"2" * 40 + b" M\0a.py\0\0oops\n",
        b"\x01" + b"a" * 40 + b"\0\n:100644 100644 " + b"1" * 40 + b" " + b"2" * 40 + b" M\0a.p",
    ],
)
def test_output_that_is_not_git_s_is_a_mining_error(stream: bytes):
    parser = DiffStreamParser(KEYWORDS)
    with pytest.raises(MiningError, match="unexpected git log output"):
        parser.feed(stream)
        parser.finish()


def test_a_section_for_no_entry_is_a_mining_error():
    entry = b":100644 100644 " + b"1" * 40 + b" " + b"2" * 40 + b" M\0a.py\0"
    section = b"diff --git a/a.py b/a.py\nindex " + b"3" * 40 + b".." + b"4" * 40 + b" 100644\n@@ -1 +1 @@\n-a\n+b\n"
    parser = DiffStreamParser(KEYWORDS)
    with pytest.raises(MiningError, match="match no raw entry"):
        parser.feed(b"\x01" + b"a" * 40 + b"\0\n" + entry + b"\0" + section)
        parser.finish()


def test_replaced_blobs_with_the_same_contents_print_no_patch(tmp_path: Path):
    # Snapshots replace missing blobs with one placeholder: two versions, one content, no line printed.
    repo = RepoBuilder(tmp_path / "r")
    repo.commit({"t.txt": "one\n", "b.bin": "big1\n"})
    second = repo.commit({"t.txt": "two\n", "b.bin": "big2\n", "k.py": "todo\n"})
    placeholder = run_git(repo.path, "hash-object", "-w", "--stdin", input=b"placeholder\0\n").decode().strip()
    for old_new in (("HEAD~1:t.txt", "HEAD:t.txt"), ("HEAD~1:b.bin", None), ("HEAD:b.bin", None)):
        target = run_git(repo.path, "rev-parse", old_new[1]).decode().strip() if old_new[1] else placeholder
        run_git(repo.path, "replace", run_git(repo.path, "rev-parse", old_new[0]).decode().strip(), target)
    found = diffed(hardened_git.open_repository(repo.path), DiffStreamParser(KEYWORDS))
    changes = {c.path: c for c in found[second].changes}
    assert not changes["t.txt"].settled and not changes["b.bin"].settled
    assert (changes["k.py"].added, changes["k.py"].keyword) == (1, True)


def test_keywords_that_match_the_empty_string_hit_every_changed_line_as_git_G_does(tmp_path: Path):
    repo = RepoBuilder(tmp_path / "r")
    first = repo.commit({"a.py": "x\n", "empty.py": ""})
    second = repo.commit({"a.py": "y\n"}, renames={"empty.py": "still_empty.py"})
    info = hardened_git.open_repository(repo.path)
    found = diffed(info, DiffStreamParser(re2.compile(b"|zzz")))
    hits = history.keyword_hits(info, "|zzz", {".py"})
    assert hits == {(first, "a.py"), (second, "a.py")}
    assert {(sha, c.path) for sha, commit in found.items() for c in commit.changes if c.keyword} == hits
