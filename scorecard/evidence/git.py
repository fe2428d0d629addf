"""Reading git history: the only module in scorecard that runs git.

A scan runs a constant number of git processes, whatever the length of the history:

- ``git rev-list --first-parent``: the commits on HEAD's first-parent chain (no diffs, fast; a rescan from a
  checkpoint lists only those above the last scanned head);
- one ``git log -M --raw --numstat -z --diff-merges=first-parent`` stream (:func:`stream_history`) that
  feeds churn, line history, coupling and ownership, parsed NUL by NUL as it arrives;
- one ``git log -G<keywords> --raw -z`` stream (:func:`keyword_hits`): the few file changes whose added or
  removed lines contain a flag or debt-comment keyword;
- one ``git cat-file --batch`` process (:class:`BlobReader`) for the contents of just those files;
- at most one ``git check-attr`` and one ``git merge-base --is-ancestor`` call.

Untrusted repositories are data: nothing a scanned repository configures may run. Every git call goes through
:func:`_git_command`, which overrides fsmonitor, hooks, pager, external diff and signature checking on the
command line, passes ``--no-ext-diff --no-textconv`` where diffs are made, ignores the system config, and puts
``--`` before pathspecs. Paths from the repository never become arguments: contents are read by blob id.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import git
from git.refs.symbolic import SymbolicReference

from scorecard.errors import ScorecardError
from scorecard.evidence.filekinds import suffix_of

CHUNK_SIZE = 1 << 20
HEX_SHA = re.compile(r"^[0-9a-f]{40}$")
SUBMODULE_MODE = "160000"
# git's own test for a binary blob: a NUL byte among the first 8000 bytes (xdiff's FIRST_FEW_BYTES).
BINARY_PROBE_BYTES = 8000

# Configuration a scanned repository (or its user) may set that would make git run a program, page, or
# reach the network. Command-line ``-c`` beats every config file.
HARDENING_CONFIG = (
    "core.fsmonitor=false",
    "core.hooksPath=/dev/null",
    "core.pager=cat",
    "core.untrackedCache=false",
    "core.sshCommand=false",
    "diff.external=",
    "log.showSignature=false",
    "color.ui=false",
    "protocol.allow=never",
    "mailmap.file=/dev/null",
    "i18n.logOutputEncoding=UTF-8",
    "gc.auto=0",
    "maintenance.auto=false",
)
HARDENING_ENV = {
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_TERMINAL_PROMPT": "0",
    "GIT_PAGER": "cat",
    "PAGER": "cat",
    "GIT_OPTIONAL_LOCKS": "0",
    "GIT_NO_LAZY_FETCH": "1",
    "GIT_ASKPASS": "false",
    "SSH_ASKPASS": "false",
    "GIT_FLUSH": "0",
}
# Options for every command that produces diffs: no external diff program, no textconv filter.
DIFF_SAFETY = ("--no-ext-diff", "--no-textconv", "--no-color")


class MiningError(ScorecardError):
    """A repository that cannot be scanned; the message is one line for the user."""


def _one_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    # git puts the useful part in its last "fatal:" line; warnings come before it.
    fatal = [line for line in lines if line.startswith(("fatal:", "error:"))]
    return (fatal[-1] if fatal else lines[-1]) if lines else "git failed"


def decode_path(raw: bytes) -> str:
    """A path as git prints it with ``-z``; bytes that are not UTF-8 stay visible as ``\\xNN``."""
    return raw.decode("utf-8", "backslashreplace")


def decode_name(raw: bytes) -> str:
    """An author name or email: UTF-8, else Latin-1 (what legacy commits without an encoding header use)."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def count_lines(data: bytes) -> int:
    """Lines as ``git diff --numstat`` counts them for a text blob (a last line without newline counts)."""
    return data.count(b"\n") + (1 if data and not data.endswith(b"\n") else 0)


def looks_binary(data: bytes) -> bool:
    return b"\0" in data[:BINARY_PROBE_BYTES]


# ---------------------------------------------------------------------------------------------------------
# Records


@dataclass(frozen=True)
class RepoInfo:
    """A repository validated for scanning, with HEAD resolved once so every pass reads the same history."""

    path: Path  # what the user named, resolved: the work tree, or the git dir of a bare repository
    git_dir: Path
    bare: bool
    head: str
    detached: bool
    shallow: bool
    subdir: str | None = None
    git_executable: str = field(default="git", repr=False)

    @property
    def name(self) -> str:
        base = self.path.name[:-4] if self.bare and self.path.name.endswith(".git") else self.path.name
        return f"{base}/{self.subdir}" if self.subdir else base

    @property
    def warnings(self) -> list[str]:
        found = []
        if self.shallow:
            found.append(f"{self.path} is a shallow clone: its history starts at the shallow boundary")
        return found


@dataclass(slots=True)
class FileChange:
    """One file in one commit's diff (a merge's diff is against its first parent)."""

    path: str  # the new path, or the old one for a deletion
    old_path: str | None  # set for renames only
    status: str  # A, M, D, R, T (type change)
    added: int | None  # None for a binary file
    deleted: int | None
    blob: str | None  # the file's blob after the change; None when deleted


@dataclass(slots=True)
class CommitRecord:
    sha: str
    parents: tuple[str, ...]
    committed_at: int  # committer time, Unix seconds
    author_name: str  # mailmap applied
    author_email: str
    changes: list[FileChange]

    @property
    def is_merge(self) -> bool:
        return len(self.parents) > 1


# ---------------------------------------------------------------------------------------------------------
# Opening a repository (GitPython, which reads refs in Python: no git process here)


def normalize_subdir(subdir: str | None) -> str | None:
    """``"./src/team/"`` -> ``"src/team"``; None or ``""`` or ``"."`` -> None; refuses what could escape."""
    if subdir is None:
        return None
    text = subdir.replace("\\", "/").strip()
    parts = [part for part in text.split("/") if part not in ("", ".")]
    if not parts:
        return None
    if text.startswith("/") or ".." in parts or any(c in text for c in "\n\r\0"):
        raise MiningError(f"--subdir must be a relative path inside the repository, got {subdir!r}")
    if parts[0].startswith("-"):
        raise MiningError(f"--subdir {subdir!r} starts with '-', which git would read as an option")
    return "/".join(parts)


def open_repository(path: str | os.PathLike[str], subdir: str | None = None) -> RepoInfo:
    """Validate ``path`` as a repository to scan and resolve its HEAD.

    Raises :class:`MiningError` for a path that is not a directory, not a git repository, or has no commits,
    and for a ``subdir`` that does not exist at HEAD. Bare repositories, detached HEADs and shallow clones are
    scanned (a shallow clone with a warning, see :attr:`RepoInfo.warnings`).
    """
    folder = Path(path).expanduser()
    if not folder.is_dir():
        what = "does not exist" if not folder.exists() else "is not a directory"
        raise MiningError(f"{folder} {what}")
    folder = folder.resolve()
    try:
        repo = git.Repo(folder, search_parent_directories=False)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        raise MiningError(f"{folder} is not a git repository") from None
    try:
        git_dir = Path(repo.git_dir).resolve()
        common_dir = Path(repo.common_dir).resolve()
        bare = repo.bare
        if not bare and repo.working_tree_dir and Path(repo.working_tree_dir).resolve() != folder:
            raise MiningError(f"{folder} is not the top of a git repository (try {repo.working_tree_dir})")
        try:
            head = SymbolicReference.dereference_recursive(repo, "HEAD")
        except (ValueError, OSError):
            raise MiningError(f"{folder} has no commits yet") from None
        detached = repo.head.is_detached
    finally:
        repo.close()
    if not HEX_SHA.match(head):
        raise MiningError(f"{folder}: HEAD does not name a commit")
    info = RepoInfo(
        path=folder,
        git_dir=git_dir,
        bare=bare,
        head=head,
        detached=detached,
        shallow=(common_dir / "shallow").is_file(),
        subdir=normalize_subdir(subdir),
    )
    with BlobReader(info) as reader:
        kind = reader.object_type(head)
        if kind != "commit":
            raise MiningError(f"{folder}: HEAD {head[:12]} is not a commit in the object store")
        if info.subdir is not None and reader.object_type(f"{head}:{info.subdir}") != "tree":
            raise MiningError(f"--subdir {info.subdir} does not exist at HEAD ({head[:12]}) of {folder}")
    return info


# ---------------------------------------------------------------------------------------------------------
# Running git, hardened


def _git_command(info: RepoInfo, *args: str) -> list[str]:
    command = [info.git_executable, "--no-pager", f"--git-dir={info.git_dir}"]
    for setting in HARDENING_CONFIG:
        command += ["-c", setting]
    return [*command, *args]


def _pathspec_args(pathspecs: Sequence[str]) -> list[str]:
    # Pathspecs come after "--" so git can never read one as an option; they all carry pathspec magic.
    return ["--", *pathspecs] if pathspecs else []


class _GitProcess:
    """A running git command whose stdout is read as a stream; stderr is drained in a thread (no deadlock)."""

    def __init__(self, info: RepoInfo, args: Sequence[str], stdin: bool = False):
        self.command = _git_command(info, *args)
        cwd = str(info.git_dir if info.bare else info.path)
        handle = git.Git(cwd)
        try:
            self._auto = handle.execute(
                self.command,
                istream=subprocess.PIPE if stdin else None,
                as_process=True,
                env=HARDENING_ENV,
            )
        except git.GitCommandNotFound:
            raise MiningError("git is not installed or not on PATH") from None
        proc = self._auto.proc
        assert proc is not None, "GitPython started no process"
        self.proc: subprocess.Popen[bytes] = proc
        self._stderr: list[bytes] = []
        self._stderr_reader = threading.Thread(target=self._drain_stderr, daemon=True)
        self._stderr_reader.start()

    def _drain_stderr(self) -> None:
        stream = self.proc.stderr
        assert stream is not None
        kept = 0
        for line in stream:
            if kept < 64 * 1024:  # keep the start: git's error comes first, warnings can be many
                self._stderr.append(line)
                kept += len(line)

    @property
    def stdout(self) -> IO[bytes]:
        assert self.proc.stdout is not None
        return self.proc.stdout

    @property
    def stdin(self) -> IO[bytes]:
        assert self.proc.stdin is not None
        return self.proc.stdin

    def stderr_text(self) -> str:
        return b"".join(self._stderr).decode("utf-8", "replace")

    def finish(self, ok_codes: tuple[int, ...] = (0,)) -> int:
        """Wait for git to exit; a code not in ``ok_codes`` raises :class:`MiningError` with git's message."""
        if self.proc.stdin is not None and not self.proc.stdin.closed:
            self.proc.stdin.close()
        code = self.proc.wait()
        self._stderr_reader.join(timeout=5)
        if code not in ok_codes:
            raise MiningError(f"git {self.command_name} failed: {_one_line(self.stderr_text())}")
        return code

    @property
    def command_name(self) -> str:
        """The git subcommand (``log``, ``cat-file``...) for error messages."""
        words = iter(self.command[1:])
        for word in words:
            if word == "-c":
                next(words, None)
            elif not word.startswith("-"):
                return word
        return "?"

    def kill(self) -> None:
        if self.proc.poll() is None:
            with suppress(ProcessLookupError):
                self.proc.kill()
        self.proc.wait()
        self._stderr_reader.join(timeout=5)
        for stream in (self.proc.stdout, self.proc.stdin, self.proc.stderr):
            if stream is not None and not stream.closed:
                stream.close()


class ProcessGroup:
    """The git processes of one scan, so that a scan stopped from another thread (Ctrl-C) stops them all."""

    def __init__(self) -> None:
        self._processes: list[_GitProcess] = []
        self._lock = threading.Lock()

    def add(self, process: _GitProcess) -> None:
        with self._lock:
            self._processes.append(process)

    def kill_all(self) -> None:
        with self._lock:
            for process in self._processes:
                process.kill()


@contextmanager
def _running(
    info: RepoInfo, args: Sequence[str], stdin: bool = False, group: ProcessGroup | None = None
) -> Iterator[_GitProcess]:
    process = _GitProcess(info, args, stdin=stdin)
    if group is not None:
        group.add(process)
    try:
        yield process
    finally:
        # Normal exit has already waited in finish(); an exception (or Ctrl-C) stops git at once.
        process.kill()


def _nul_tokens(stream: IO[bytes]) -> Iterator[bytes]:
    """Split a ``-z`` stream on NUL bytes as it arrives, one chunk in memory at a time."""
    rest = b""
    while True:
        chunk = stream.read(CHUNK_SIZE)
        if not chunk:
            break
        parts = (rest + chunk).split(b"\0") if rest else chunk.split(b"\0")
        rest = parts.pop()
        yield from parts
    if rest:
        yield rest


def _revision_args(info: RepoInfo, since: str | None) -> list[str]:
    if since is not None and not HEX_SHA.match(since):
        raise MiningError(f"not a commit id: {since!r}")
    return [info.head] + ([f"^{since}"] if since else [])


def _subdir_pathspec(info: RepoInfo) -> list[str]:
    return [f":(top,literal){info.subdir}"] if info.subdir else []


# ---------------------------------------------------------------------------------------------------------
# The passes


HISTORY_FORMAT = "%x01%H%x00%P%x00%ct%x00%aN%x00%aE"


def stream_history(info: RepoInfo, since: str | None = None) -> Iterator[CommitRecord]:
    """Every commit reachable from HEAD (and not from ``since``), newest first, with its file changes.

    Non-merge commits carry their diff against their parent, merges their diff against their first parent,
    all with rename detection (``-M``) and numstat line counts; binary files have ``added = deleted = None``.
    Submodule entries are skipped. Within ``--subdir`` all commits that touch it are read
    (``--full-history``): git's default history simplification could hide a side branch's commits.
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
        *_pathspec_args(_subdir_pathspec(info)),
    ]
    with _running(info, args) as process:
        yield from _parse_history(_nul_tokens(process.stdout))
        process.finish()


def _parse_history(tokens: Iterator[bytes]) -> Iterator[CommitRecord]:
    commit: CommitRecord | None = None
    raw: list[tuple[str, str, str, str, str | None]] = []  # (old mode, new mode, new blob, status, path...)
    numstat: list[tuple[int | None, int | None]] = []
    for token in tokens:
        if token[:1] == b"\x01":
            if commit is not None:
                _attach_changes(commit, raw, numstat)
                yield commit
                raw, numstat = [], []
            parents = next(tokens).split()
            commit = CommitRecord(
                sha=token[1:].decode("ascii"),
                parents=tuple(parent.decode("ascii") for parent in parents),
                committed_at=int(next(tokens) or 0),
                author_name=decode_name(next(tokens)),
                author_email=decode_name(next(tokens)),
                changes=[],
            )
            continue
        if token[:1] == b"\n":
            token = token[1:]
        if not token:
            continue
        if token[:1] == b":":
            # ":100644 100644 <old blob> <new blob> R086" then one path, or two for a rename or copy.
            old_mode, new_mode, _old_blob, new_blob, status = token[1:].decode("ascii").split(" ")
            first = decode_path(next(tokens))
            second = decode_path(next(tokens)) if status[:1] in "RC" else None
            raw.append((old_mode, new_mode, new_blob, status[:1], first, second))  # type: ignore[arg-type]
        else:
            added, deleted, path = token.split(b"\t", 2)
            if not path:  # a rename: "added\tdeleted\t" NUL old NUL new
                next(tokens)
                next(tokens)
            numstat.append((None, None) if added == b"-" else (int(added), int(deleted)))
    if commit is not None:
        _attach_changes(commit, raw, numstat)
        yield commit


def _attach_changes(commit: CommitRecord, raw: list, numstat: list) -> None:
    # git prints the raw and the numstat lines of one diff queue in the same order.
    if len(raw) != len(numstat):
        raise MiningError(f"unexpected git log output at commit {commit.sha[:12]}: raw and numstat differ")
    for (old_mode, new_mode, new_blob, status, first, second), (added, deleted) in zip(raw, numstat, strict=True):
        if SUBMODULE_MODE in (old_mode, new_mode):
            continue
        if status in "RC":
            path, old_path = second, (first if status == "R" else None)
            status = "R" if status == "R" else "A"
        else:
            path, old_path = first, None
        commit.changes.append(
            FileChange(
                path=path,
                old_path=old_path,
                status=status,
                added=added,
                deleted=deleted,
                blob=None if status == "D" else new_blob,
            )
        )


def keyword_hits(
    info: RepoInfo,
    keyword_regex: str,
    suffixes: Iterable[str],
    since: str | None = None,
    group: ProcessGroup | None = None,
) -> set[tuple[str, str]]:
    """The (commit, path) pairs whose diff adds or removes a line matching ``keyword_regex``.

    ``keyword_regex`` is a POSIX extended regex (git's ``-G``, case-sensitive: spell cases out); only files with
    one of ``suffixes`` are reported, and only commits on HEAD's first-parent chain are read (the flag and
    debt-comment state is built on that chain). Renames are not detected here, so a renamed file shows as
    its old path deleted and its new path added: a pair is a hit if either side holds a keyword. Merges are
    diffed against their first parent, like :func:`stream_history`. ``-G`` skips binary diffs: callers
    evaluate every change git calls binary.
    """
    # Suffixes are filtered here rather than with pathspecs: git matches each of dozens of wildcard
    # pathspecs against every path of every diff, which costs more than diffing the few other files.
    wanted = {suffix.lower() for suffix in suffixes}
    if not wanted:
        return set()
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
        *_pathspec_args(_subdir_pathspec(info)),
    ]
    hits: set[tuple[str, str]] = set()
    with _running(info, args, group=group) as process:
        tokens = _nul_tokens(process.stdout)
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
        process.finish()
    return hits


def count_commits(info: RepoInfo, since: str | None = None) -> int:
    """How many commits :func:`stream_history` will yield (merges included): the length of a progress bar."""
    args = ["rev-list", "--count", "--full-history", *_revision_args(info, since)]
    with _running(info, [*args, *_pathspec_args(_subdir_pathspec(info))]) as process:
        text = process.stdout.read().strip()
        process.finish()
    return int(text or 0)


def first_parent_chain(info: RepoInfo) -> list[str]:
    """The commits on HEAD's first-parent chain, newest first (the chain the line history is built on)."""
    with _running(info, ["rev-list", "--first-parent", info.head]) as process:
        chain = [line.strip().decode("ascii") for line in process.stdout if line.strip()]
        process.finish()
    return chain


def first_parent_chain_since(info: RepoInfo, since: str) -> list[str] | None:
    """The commits of HEAD's first-parent chain above ``since``, newest first (empty when HEAD is ``since``).

    None when ``since`` is not on that chain, though it may be an ancestor of HEAD (HEAD moved to a branch
    that merged it as a second parent, say): the chain then differs below ``since`` too.
    """
    args = ["rev-list", "--first-parent", "--parents", *_revision_args(info, since)]
    with _running(info, args) as process:
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
    with _running(info, ["merge-base", "--is-ancestor", older, info.head]) as process:
        code = process.finish(ok_codes=(0, 1, 128))
    return code == 0


def binary_by_attributes(info: RepoInfo, paths: Iterable[str]) -> set[str]:
    """The paths whose ``.gitattributes`` make git diff them as binary (``-diff`` or ``binary``)."""
    wanted = sorted({path for path in paths if "\\x" not in path})
    if not wanted:
        return set()
    found: set[str] = set()
    with _running(info, ["check-attr", "-z", "--stdin", "diff"], stdin=True) as process:

        def feed() -> None:
            try:
                for path in wanted:
                    process.stdin.write(path.encode("utf-8") + b"\0")
                process.stdin.close()
            except (BrokenPipeError, ValueError):
                pass

        writer = threading.Thread(target=feed, daemon=True)
        writer.start()
        tokens = _nul_tokens(process.stdout)
        for path in tokens:
            _attribute, value = next(tokens), next(tokens)
            if value == b"unset":
                found.add(decode_path(path))
        writer.join()
        process.finish()
    return found


class BlobReader:
    """One ``git cat-file --batch`` process answering many object requests (by id or ``rev:path``)."""

    def __init__(self, info: RepoInfo):
        self.info = info
        self._process: _GitProcess | None = None

    def __enter__(self) -> BlobReader:
        self._process = _GitProcess(self.info, ["cat-file", "--batch"], stdin=True)
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._process is not None:
            self._process.kill()
            self._process = None

    def _request(self, name: str) -> tuple[str, bytes | None]:
        if "\n" in name or self._process is None:
            return "missing", None
        process = self._process
        try:
            process.stdin.write(name.encode("utf-8", "surrogateescape") + b"\n")
            process.stdin.flush()
            header = process.stdout.readline()
        except BrokenPipeError:
            raise MiningError(f"git cat-file stopped: {_one_line(process.stderr_text())}") from None
        if not header:
            raise MiningError(f"git cat-file stopped: {_one_line(process.stderr_text())}")
        fields = header.split()
        if len(fields) != 3:  # "<name> missing" or "<name> ambiguous"
            return "missing", None
        size = int(fields[2])
        data = process.stdout.read(size)
        process.stdout.read(1)  # the newline after the contents
        return fields[1].decode("ascii"), data

    def read(self, name: str) -> bytes | None:
        """The contents of a blob (an id, or ``rev:path``); None if there is no such blob."""
        kind, data = self._request(name)
        return data if kind == "blob" else None

    def text_lines(self, name: str) -> int | None:
        """Lines in a blob as git counts them, or None for a binary or missing blob.

        Reads the contents in chunks, so a large binary file (a model checkpoint) costs no memory.
        """
        if "\n" in name or self._process is None:
            return None
        process = self._process
        process.stdin.write(name.encode("utf-8", "surrogateescape") + b"\n")
        process.stdin.flush()
        fields = process.stdout.readline().split()
        if len(fields) != 3:
            return None
        remaining = int(fields[2])
        lines, binary, probed, last = 0, fields[1] != b"blob", 0, b""
        while remaining:
            chunk = process.stdout.read(min(remaining, CHUNK_SIZE))
            if not chunk:
                raise MiningError(f"git cat-file stopped: {_one_line(process.stderr_text())}")
            remaining -= len(chunk)
            if probed < BINARY_PROBE_BYTES:
                binary = binary or b"\0" in chunk[: BINARY_PROBE_BYTES - probed]
                probed += len(chunk)
            lines += chunk.count(b"\n")
            last = chunk[-1:]
        process.stdout.read(1)
        if binary:
            return None
        return lines + (1 if last and last != b"\n" else 0)

    def read_many(self, names: Sequence[str]) -> Iterator[tuple[str, bytes | None]]:
        """Blob contents for many ids, pipelined: requests are written by a thread while answers are read."""
        if self._process is None:
            return
        process = self._process
        wanted = [name for name in names if "\n" not in name]

        def feed() -> None:
            try:
                for name in wanted:
                    process.stdin.write(name.encode("utf-8", "surrogateescape") + b"\n")
                process.stdin.flush()
            except (BrokenPipeError, ValueError):
                pass

        writer = threading.Thread(target=feed, daemon=True)
        writer.start()
        try:
            for name in wanted:
                fields = process.stdout.readline().split()
                if not fields:
                    raise MiningError(f"git cat-file stopped: {_one_line(process.stderr_text())}")
                if len(fields) != 3:
                    yield name, None
                    continue
                data = process.stdout.read(int(fields[2]))
                process.stdout.read(1)
                yield name, data if fields[1] == b"blob" else None
        finally:
            writer.join()

    def object_type(self, name: str) -> str:
        """``"commit"``, ``"tree"``, ``"blob"``, ``"tag"``, or ``"missing"``."""
        return self._request(name)[0]


def mailmap_fingerprint(info: RepoInfo, reader: BlobReader) -> str:
    """A digest of the mailmap git applies to author names (a change means stored authors are stale)."""
    digest = hashlib.sha1()
    if not info.bare:
        mailmap = info.path / ".mailmap"
        if mailmap.is_file() and not mailmap.is_symlink():
            digest.update(mailmap.read_bytes())
    digest.update(reader.read(f"{info.head}:.mailmap") or b"")
    return digest.hexdigest()


# ---------------------------------------------------------------------------------------------------------
# Writing (the demo's generated repositories: the only write, and never of a user's repository)


def create_bare_repository(path: Path, fast_import_stream: bytes) -> None:
    """A new bare repository at ``path`` holding the history described by a ``git fast-import`` stream.

    Only for repositories scorecard generates itself (``report --demo``): no user path, no user config.
    """
    environment = {**os.environ, **HARDENING_ENV, "GIT_CONFIG_GLOBAL": os.devnull, "LC_ALL": "C"}
    for args, data in (
        (["init", "-q", "--bare", "--initial-branch=main", str(path)], None),
        (["--git-dir", str(path), "fast-import", "--quiet"], fast_import_stream),
    ):
        command = ["git", *(part for setting in HARDENING_CONFIG for part in ("-c", setting)), *args]
        result = subprocess.run(command, input=data, capture_output=True, env=environment, check=False)
        if result.returncode != 0:
            detail = result.stderr.decode(errors="replace").strip().splitlines()
            raise MiningError(f"cannot create the repository {path}: {detail[-1] if detail else 'git failed'}")
