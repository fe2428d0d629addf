"""The passes over a repository's history, and the records they yield.

A scan runs a constant number of git processes, whatever the length of the history
(:mod:`scorecard.evidence.reading` puts them together):

- ``git rev-list --first-parent``: the commits on HEAD's first-parent chain (no diffs, fast; a rescan from a
  checkpoint lists only those above the last scanned head);
- ``git log`` without diffs (:func:`list_commits`): every commit, its parents, date and author;
- the diff pass (:func:`diff_commits`): ``git log -p --raw`` over the commits to diff, given on stdin, one
  process per core, each stream parsed as it arrives (:mod:`scorecard.evidence.diffstream`): the line counts
  ``--numstat`` prints and the keyword hits ``-G`` finds, from one patch;
- for what the patches leave open, at most one ``git check-attr``, two ``git config`` and one
  ``git log --numstat`` (:mod:`scorecard.evidence.settling`), and one ``git merge-base --is-ancestor``.

The two passes the scan ran before, one ``git log -M --raw --numstat`` stream (:func:`stream_history`) and one
``git log -G<keywords>`` (:func:`keyword_hits`), are kept: the tests hold the diff pass to them, git's own
numbers. Every process is started by :mod:`scorecard.evidence.git`, which hardens it; the contents of files
are read there too (:class:`scorecard.evidence.git.BlobReader`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

from scorecard.evidence.diffstream import DIFF_FORMAT, DiffStreamParser, ParsedCommit
from scorecard.evidence.filekinds import suffix_of
from scorecard.evidence.git import (
    CHUNK_SIZE,
    DIFF_SAFETY,
    HEX_SHA,
    GitProcess,
    MiningError,
    ProcessGroup,
    RepoInfo,
    decode_path,
    nul_tokens,
    running,
)

HISTORY_FORMAT = "%x01%H%x00%P%x00%ct%x00%aN%x00%aE"
# The commit times a quarter can name (years 1970 to 2999, see scorecard.quarters); git prints any number
# a commit holds (fast-import takes "253402300800 +0000"), and nothing for a date it cannot read.
FIRST_POSSIBLE_TIME = 0
END_OF_POSSIBLE_TIME = 32_503_680_000  # 3000-01-01T00:00:00Z
# Past this size the keyword test is not made and every change of the chain is evaluated, as exact. (The -G
# pass set it: git's cost grew with its regex on every diff line, and Linux refuses an argument over 128 KiB;
# the diff pass keeps it, so that scans find the same hits and evaluate the same blobs as before.)
MAX_KEYWORD_REGEX = 2_000
GITLINK_MODE = "160000"  # a submodule: the entry names a commit of another repository
GITLINK_LINES = 1  # git diffs a gitlink as the one line "Subproject commit <id>"


@dataclass(slots=True)
class FileChange:
    """One file in one commit's diff (a merge's diff is against its first parent)."""

    path: str  # the new path, or the old one for a deletion
    old_path: str | None  # set for renames only
    status: str  # A, M, D, R, T (type change)
    added: int | None  # None for a binary file
    deleted: int | None
    blob: str | None  # the file's blob after the change (a commit id for a submodule); None when deleted
    blob_lines: int | None = None
    """Lines of the new version where numstat says binary but git counts text: a submodule that replaced a
    binary file (the scan counts the lines of other binary changes' blobs, see ``fill_binary_lines``)."""


@dataclass(slots=True)
class CommitRecord:
    sha: str
    parents: tuple[str, ...]
    committed_at: int | None  # committer time, Unix seconds; None when git cannot read it
    author_name: str  # mailmap applied
    author_email: str
    changes: list[FileChange]


def possible_time(seconds: int | None) -> bool:
    """Whether a commit time is one a quarter can name (1970 to 2999, UTC)."""
    return seconds is not None and FIRST_POSSIBLE_TIME <= seconds < END_OF_POSSIBLE_TIME


def decode_name(raw: bytes) -> str:
    """An author name or email: UTF-8, else Latin-1 (what legacy commits without an encoding header use)."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def _revision_args(info: RepoInfo, since: str | None) -> list[str]:
    if since is not None and not HEX_SHA.match(since):
        raise MiningError(f"not a commit id: {since!r}")
    return [info.head] + ([f"^{since}"] if since else [])


def subdir_pathspec(info: RepoInfo) -> list[str]:
    """The pathspec that limits git to ``--subdir`` (none without it)."""
    return [f":(top,literal){info.subdir}"] if info.subdir else []


# ---------------------------------------------------------------------------------------------------------
# The numstat stream: every commit with git's --numstat (the oracle the diff pass is held to)


def stream_history(info: RepoInfo, since: str | None = None) -> Iterator[CommitRecord]:
    """Every commit reachable from HEAD (and not from ``since``), newest first, with its file changes.

    Non-merge commits carry their diff against their parent, merges their diff against their first parent,
    all with rename detection (``-M``) and numstat line counts; binary files have ``added = deleted = None``.
    Submodules are changes like any other, counted as git counts them (one line, ``Subproject commit``).
    Within ``--subdir`` all commits that touch it are read (``--full-history``): git's default history
    simplification could hide a side branch's commits.
    """
    args = [
        "log",
        "--no-show-signature",
        "-M",
        "--raw",
        "--numstat",
        "-z",
        "--no-abbrev",
        "--root",
        "--diff-merges=first-parent",
        "--full-history",
        "--encoding=UTF-8",
        f"--format={HISTORY_FORMAT}",
        *DIFF_SAFETY,
        *_revision_args(info, since),
    ]
    with running(info, args, subdir_pathspec(info)) as process:
        yield from _parse_history(nul_tokens(process.stdout))
        process.finish()


# ---------------------------------------------------------------------------------------------------------
# The scan's passes: the commits, then their diffs (see scorecard.evidence.reading)

CommitRow = tuple[str, str | None, int, int | None, str, str]  # frames.COMMIT_COLUMNS order


def list_commits(info: RepoInfo, since: str | None = None) -> list[CommitRow]:
    """The commits :func:`stream_history` yields, in the same order, without their diffs (fast: no blob is
    read): id, first parent, number of parents, committer time (None when unreadable), author name and email."""
    args = [
        "log",
        "--no-show-signature",
        "-z",
        "--full-history",
        "--encoding=UTF-8",
        f"--format={HISTORY_FORMAT}",
        *_revision_args(info, since),
    ]
    rows: list[CommitRow] = []
    with running(info, args, subdir_pathspec(info)) as process:
        tokens = nul_tokens(process.stdout)
        for token in tokens:
            if token[:1] == b"\n":  # git separates records with a newline where -z gives none (a safety)
                token = token[1:]
            if not token:
                continue
            if token[:1] != b"\x01":
                raise MiningError("unexpected git log output: a commit does not start where expected")
            parents = next(tokens).split()
            rows.append(
                (
                    token[1:].decode("ascii"),
                    parents[0].decode("ascii") if parents else None,
                    len(parents),
                    _time(next(tokens)),
                    decode_name(next(tokens)),
                    decode_name(next(tokens)),
                )
            )
        process.finish()
    return rows


def diff_commits(
    info: RepoInfo,
    shas: Sequence[str],
    parser: DiffStreamParser,
    take: Callable[[list[ParsedCommit]], None],
    group: ProcessGroup | None = None,
) -> None:
    """Diff each commit of ``shas`` (in that order) in ONE ``git log -p --raw`` process, handing the parsed
    commits to ``take`` as they complete.

    Each commit is diffed against its first parent (a root commit against nothing), with rename detection
    (``-M``), exactly as :func:`stream_history` diffs it; see :mod:`scorecard.evidence.diffstream` for what
    is read from the patch. Commit ids go to git on stdin (``--stdin --no-walk``): nothing is walked.
    """
    args = [
        "log",
        "--no-show-signature",
        "--no-walk=unsorted",
        "--stdin",
        "-p",
        "--raw",
        "-z",
        "-M",
        "--full-index",
        "--no-abbrev",
        "--root",
        "--diff-merges=first-parent",
        "--submodule=short",  # "Subproject commit" lines, as numstat counts them (diff.submodule could differ)
        "--no-relative",
        "--src-prefix=a/",
        "--dst-prefix=b/",
        f"--format={DIFF_FORMAT}",
        *DIFF_SAFETY,
    ]
    with running(info, args, subdir_pathspec(info), stdin=True, group=group) as process:
        writer = threading.Thread(target=_write_lines, args=(process, shas), daemon=True)
        writer.start()
        while chunk := process.stdout.read(CHUNK_SIZE):
            take(parser.feed(chunk))
        take(parser.finish())
        writer.join()
        process.finish()


def _write_lines(process: GitProcess, lines: Sequence[str]) -> None:
    try:
        for start in range(0, len(lines), 4096):
            process.stdin.write("".join(f"{line}\n" for line in lines[start : start + 4096]).encode("ascii"))
        process.stdin.close()
    except (BrokenPipeError, ValueError):  # git stopped (the reader reports why), or the scan was stopped
        pass


# (old mode, new mode, new blob, status letter, first path, second path of a rename or copy)
RawEntry = tuple[str, str, str, str, str, str | None]
Numstat = tuple[int | None, int | None]


def _parse_history(tokens: Iterator[bytes]) -> Iterator[CommitRecord]:
    commit: CommitRecord | None = None
    raw: list[RawEntry] = []
    numstat: list[Numstat] = []
    for token in tokens:
        if token[:1] == b"\x01":
            if commit is not None:
                _attach_changes(commit, raw, numstat)
                yield commit
                raw, numstat = [], []
            commit = _read_commit_header(token, tokens)
            continue
        if token[:1] == b"\n":
            token = token[1:]
        if not token:
            continue
        if token[:1] == b":":
            raw.append(_read_raw_entry(token, tokens))
        else:
            numstat.append(_read_numstat_entry(token, tokens))
    if commit is not None:
        _attach_changes(commit, raw, numstat)
        yield commit


def _read_commit_header(token: bytes, tokens: Iterator[bytes]) -> CommitRecord:
    parents = next(tokens).split()
    return CommitRecord(
        sha=token[1:].decode("ascii"),
        parents=tuple(parent.decode("ascii") for parent in parents),
        committed_at=_time(next(tokens)),
        author_name=decode_name(next(tokens)),
        author_email=decode_name(next(tokens)),
        changes=[],
    )


def _time(text: bytes) -> int | None:
    try:
        return int(text)
    except ValueError:  # empty: git could not read the date
        return None


def _read_raw_entry(token: bytes, tokens: Iterator[bytes]) -> RawEntry:
    # ":100644 100644 <old blob> <new blob> R086" then one path, or two for a rename or copy.
    old_mode, new_mode, _old_blob, new_blob, status = token[1:].decode("ascii").split(" ")
    first = decode_path(next(tokens))
    second = decode_path(next(tokens)) if status[:1] in "RC" else None
    return old_mode, new_mode, new_blob, status[:1], first, second


def _read_numstat_entry(token: bytes, tokens: Iterator[bytes]) -> Numstat:
    added, deleted, path = token.split(b"\t", 2)
    if not path:  # a rename: "added\tdeleted\t" NUL old NUL new
        next(tokens)
        next(tokens)
    return (None, None) if added == b"-" else (int(added), int(deleted))


def _attach_changes(commit: CommitRecord, raw: list[RawEntry], numstat: list[Numstat]) -> None:
    # git prints the raw and the numstat lines of one diff queue in the same order.
    if len(raw) != len(numstat):
        raise MiningError(f"unexpected git log output at commit {commit.sha[:12]}: raw and numstat differ")
    for (_old_mode, new_mode, new_blob, status, first, second), (added, deleted) in zip(raw, numstat, strict=True):
        if status in "RC":
            path, old_path = second or first, (first if status == "R" else None)
            status = "R" if status == "R" else "A"
        else:
            path, old_path = first, None
        # numstat calls a submodule replacing a binary file binary, yet a diff from nothing counts one line.
        gitlink_lines = GITLINK_LINES if new_mode == GITLINK_MODE and added is None else None
        commit.changes.append(
            FileChange(
                path=path,
                old_path=old_path,
                status=status,
                added=added,
                deleted=deleted,
                blob=None if status == "D" else new_blob,
                blob_lines=gitlink_lines,
            )
        )


# ---------------------------------------------------------------------------------------------------------
# The -G pass: where flag and debt-comment keywords were added or removed (the oracle for keyword hits)


def keyword_hits(
    info: RepoInfo,
    keyword_regex: str,
    suffixes: Iterable[str],
    since: str | None = None,
    group: ProcessGroup | None = None,
) -> set[tuple[str, str]] | None:
    """The (commit, path) pairs whose diff adds or removes a line matching ``keyword_regex``.

    ``keyword_regex`` is a POSIX extended regex (git's ``-G``, case-sensitive: spell cases out); only files with
    one of ``suffixes`` are reported, and only commits on HEAD's first-parent chain are read (the flag and
    debt-comment state is built on that chain). Renames are not detected here, so a renamed file shows as
    its old path deleted and its new path added: a pair is a hit if either side holds a keyword. Merges are
    diffed against their first parent, like :func:`stream_history`. ``-G`` skips binary diffs: callers
    evaluate every change git calls binary. None when the keywords make a regex longer than
    :data:`MAX_KEYWORD_REGEX` (a repository's pyproject can name thousands): then every change is evaluated.
    """
    # Suffixes are filtered here rather than with pathspecs: git matches each of dozens of wildcard
    # pathspecs against every path of every diff, which costs more than diffing the few other files.
    wanted = {suffix.lower() for suffix in suffixes}
    if not wanted:
        return set()
    if len(keyword_regex.encode("utf-8")) > MAX_KEYWORD_REGEX:
        return None
    args = [
        "log",
        "--no-show-signature",
        f"-G{keyword_regex}",
        "--no-renames",
        "--raw",
        "-z",
        "--no-abbrev",
        "--root",
        "--diff-merges=first-parent",
        "--first-parent",
        "--format=%x01%H",
        *DIFF_SAFETY,
        *_revision_args(info, since),
    ]
    with running(info, args, subdir_pathspec(info), group=group) as process:
        hits = _parse_keyword_hits(nul_tokens(process.stdout), wanted)
        process.finish()
    return hits


def _parse_keyword_hits(tokens: Iterator[bytes], wanted: set[str]) -> set[tuple[str, str]]:
    hits: set[tuple[str, str]] = set()
    sha = ""
    for token in tokens:
        if token[:1] == b"\x01":
            sha = token[1:].decode("ascii")
            continue
        if token[:1] == b"\n":
            token = token[1:]
        if token[:1] == b":":
            path = decode_path(next(tokens))
            if suffix_of(path) in wanted:
                hits.add((sha, path))
    return hits


# ---------------------------------------------------------------------------------------------------------
# The first-parent chain, and ancestry


def first_parent_chain(info: RepoInfo) -> list[str]:
    """The commits on HEAD's first-parent chain, newest first (the chain the line history is built on)."""
    with running(info, ["rev-list", "--first-parent", info.head]) as process:
        chain = [line.strip().decode("ascii") for line in process.stdout if line.strip()]
        process.finish()
    return chain


def first_parent_chain_since(info: RepoInfo, since: str) -> list[str] | None:
    """The commits of HEAD's first-parent chain above ``since``, newest first (empty when HEAD is ``since``).

    None when ``since`` is not on that chain, though it may be an ancestor of HEAD (HEAD moved to a branch
    that merged it as a second parent, say): the chain then differs below ``since`` too.
    """
    args = ["rev-list", "--first-parent", "--parents", *_revision_args(info, since)]
    with running(info, args) as process:
        rows = [line.split() for line in process.stdout if line.strip()]
        process.finish()
    if not rows:
        return [] if info.head == since else None
    # The oldest commit listed sits right above ``since`` exactly when its first parent is ``since``.
    parents = rows[-1][1:]
    if not parents or parents[0].decode("ascii") != since:
        return None
    return [row[0].decode("ascii") for row in rows]


def is_ancestor(info: RepoInfo, older: str) -> bool:
    """Whether commit ``older`` is an ancestor of HEAD (False also when it no longer exists)."""
    if not HEX_SHA.match(older):
        return False
    with running(info, ["merge-base", "--is-ancestor", older, info.head]) as process:
        code = process.finish(ok_codes=(0, 1, 128))
    return code == 0
