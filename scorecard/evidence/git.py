"""Running git, hardened: the only module in scorecard that starts git.

Untrusted repositories are data: nothing a scanned repository configures may run. Every git process starts
from :func:`git_command`, which overrides fsmonitor, hooks, pager, external diff and signature checking on
the command line and ignores the system config; :func:`running` puts ``--`` before pathspecs, and
:data:`DIFF_SAFETY` keeps external diff programs and textconv filters out of every diff. Paths from the
repository never become arguments: contents are read by blob id (:class:`BlobReader`), and a path given back
to git goes on stdin as the bytes git printed (:func:`encode_path`; the scan writes paths as text with
:func:`decode_path`, any bytes but NUL).

The passes over history that use these processes are in :mod:`scorecard.evidence.history`.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import git
from git.refs.symbolic import SymbolicReference

from scorecard.errors import ScorecardError
from scorecard.evidence.gitpaths import count_lines as count_lines
from scorecard.evidence.gitpaths import decode_path as decode_path
from scorecard.evidence.gitpaths import encode_path as encode_path

CHUNK_SIZE = 1 << 20
HEX_SHA = re.compile(r"^[0-9a-f]{40}$")
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


class BlobTooLarge(MiningError):
    """A blob over the size its reader accepts (:meth:`BlobReader.read`'s ``limit``); its contents were skipped."""

    def __init__(self, name: str, size: int, limit: int):
        super().__init__(f"{name} is {size:,} bytes, over the {limit:,} read")
        self.size = size


def _one_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    # git puts the useful part in its last "fatal:" line; warnings come before it.
    fatal = [line for line in lines if line.startswith(("fatal:", "error:"))]
    return (fatal[-1] if fatal else lines[-1]) if lines else "git failed"


# ---------------------------------------------------------------------------------------------------------
# Opening a repository (GitPython, which reads refs in Python: no git process here)


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
        base = decode_path(os.fsencode(base))  # a folder name that is not UTF-8 is written like such a path
        return f"{base}/{self.subdir}" if self.subdir else base

    @property
    def warnings(self) -> list[str]:
        found = []
        if self.shallow:
            found.append(f"{self.path} is a shallow clone: its history starts at the shallow boundary")
        return found


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
    if not text.isascii() and any("\udc80" <= c <= "\udcff" for c in text):
        # A command-line argument that is not UTF-8: a name the store could not hold, nor the user read.
        raise MiningError(f"--subdir must be UTF-8 text, got {subdir!r}")
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
    info = _read_refs(folder.resolve(), subdir)
    with BlobReader(info) as reader:
        if reader.object_type(info.head) != "commit":
            raise MiningError(f"{info.path}: HEAD {info.head[:12]} is not a commit in the object store")
        if info.subdir is not None and reader.object_type(f"{info.head}:{info.subdir}") != "tree":
            raise MiningError(f"--subdir {info.subdir} does not exist at HEAD ({info.head[:12]}) of {info.path}")
    return info


def _read_refs(folder: Path, subdir: str | None) -> RepoInfo:
    """The repository at ``folder`` (its top, or a bare one) with HEAD resolved, read by GitPython in Python."""
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
    shallow = (common_dir / "shallow").is_file()
    return RepoInfo(folder, git_dir, bare, head, detached, shallow, subdir=normalize_subdir(subdir))


# ---------------------------------------------------------------------------------------------------------
# Running git, hardened


def git_command(info: RepoInfo, *args: str) -> list[str]:
    """The command line for one git call on ``info``'s repository, with the hardening settings first."""
    command = [info.git_executable, "--no-pager", f"--git-dir={info.git_dir}"]
    for setting in HARDENING_CONFIG:
        command += ["-c", setting]
    return [*command, *args]


class GitProcess:
    """A running git command whose stdout is read as a stream; stderr is drained in a thread (no deadlock)."""

    def __init__(self, info: RepoInfo, args: Sequence[str], stdin: bool = False):
        self.command = git_command(info, *args)
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
        self._processes: list[GitProcess] = []
        self._lock = threading.Lock()
        self._killed = False

    def add(self, process: GitProcess) -> None:
        with self._lock:
            self._processes.append(process)
            if self._killed:  # started by another thread as the scan stopped: it stops too
                process.kill()

    def kill_all(self) -> None:
        with self._lock:
            self._killed = True
            for process in self._processes:
                process.kill()


@contextmanager
def running(
    info: RepoInfo,
    args: Sequence[str],
    pathspecs: Sequence[str] = (),
    stdin: bool = False,
    group: ProcessGroup | None = None,
) -> Iterator[GitProcess]:
    """``git <args> -- <pathspecs>`` running for the ``with`` block, stopped at once if the block fails."""
    # Pathspecs come after "--" so git can never read one as an option; they all carry pathspec magic.
    command = [*args, "--", *pathspecs] if pathspecs else list(args)
    process = GitProcess(info, command, stdin=stdin)
    if group is not None:
        group.add(process)
    try:
        yield process
    finally:
        # Normal exit has already waited in finish(); an exception (or Ctrl-C) stops git at once.
        process.kill()


def nul_tokens(stream: IO[bytes]) -> Iterator[bytes]:
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


# ---------------------------------------------------------------------------------------------------------
# Reading objects


@dataclass(frozen=True)
class Sniffed:
    """What :meth:`BlobReader.sniff_many` tells of a blob without holding it."""

    size: int
    head: bytes  # the first BINARY_PROBE_BYTES bytes
    lines: int  # as ``git diff --numstat`` counts a text blob's lines (see count_lines)

    @property
    def binary(self) -> bool:
        """Binary by its contents, as git tests them (a NUL byte among the first bytes)."""
        return b"\0" in self.head


class BlobReader:
    """One ``git cat-file --batch`` process answering many object requests (by id or ``rev:path``)."""

    def __init__(self, info: RepoInfo):
        self.info = info
        self._process: GitProcess | None = None

    def __enter__(self) -> BlobReader:
        self._process = GitProcess(self.info, ["cat-file", "--batch"], stdin=True)
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._process is not None:
            self._process.kill()
            self._process = None

    def _request(self, name: str, limit: int | None = None) -> tuple[str, bytes | None]:
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
        if limit is not None and size > limit:
            self._sniff(size)  # the answer must be consumed (with its newline): in chunks, never held whole
            raise BlobTooLarge(name, size, limit)
        data = process.stdout.read(size)
        process.stdout.read(1)  # the newline after the contents
        return fields[1].decode("ascii"), data

    def read(self, name: str, limit: int | None = None) -> bytes | None:
        """The contents of a blob (an id, or ``rev:path``); None if there is no such blob. An object over
        ``limit`` bytes raises :class:`BlobTooLarge` (a file of the repository that must not be read whole)."""
        kind, data = self._request(name, limit)
        return data if kind == "blob" else None

    def read_many(self, names: Sequence[str]) -> Iterator[tuple[str, bytes | None]]:
        """Blob contents for many ids, pipelined: requests are written by a thread while answers are read."""
        assert self._process is not None
        stdout = self._process.stdout
        for name, fields in self._answers(names):
            if len(fields) != 3:
                yield name, None
                continue
            data = stdout.read(int(fields[2]))
            stdout.read(1)
            yield name, data if fields[1] == b"blob" else None

    def sniff_many(self, names: Sequence[str]) -> Iterator[Sniffed | None]:
        """For each blob of ``names``, pipelined: its size, first bytes and lines (None for a missing blob).

        Contents are read in chunks, so a large file costs no memory.
        """
        for _name, fields in self._answers(names):
            if len(fields) != 3:
                yield None
                continue
            sniffed = self._sniff(int(fields[2]))  # read in any case: the answer must be consumed
            yield sniffed if fields[1] == b"blob" else None

    def _answers(self, names: Sequence[str]) -> Iterator[tuple[str, list[bytes]]]:
        """Each name with the header of git's answer; the caller reads the contents that follow it."""
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
                yield name, fields
        finally:
            writer.join()

    def _sniff(self, size: int) -> Sniffed:
        assert self._process is not None
        stdout = self._process.stdout
        head = stdout.read(min(size, BINARY_PROBE_BYTES))
        remaining, newlines, last = size - len(head), head.count(b"\n"), head[-1:]
        while remaining:
            chunk = stdout.read(min(remaining, CHUNK_SIZE))
            if not chunk:
                raise MiningError(f"git cat-file stopped: {_one_line(self._process.stderr_text())}")
            remaining -= len(chunk)
            newlines += chunk.count(b"\n")
            last = chunk[-1:]
        stdout.read(1)  # the newline after the contents
        return Sniffed(size, head, newlines + (1 if last and last != b"\n" else 0))

    def object_type(self, name: str) -> str:
        """``"commit"``, ``"tree"``, ``"blob"``, ``"tag"``, or ``"missing"``."""
        return self._request(name)[0]


def mailmap_fingerprint(info: RepoInfo, reader: BlobReader) -> str:
    """A digest of the mailmap git applies to author names (a change means stored authors are stale)."""
    digest = hashlib.sha1()
    if not info.bare:
        mailmap = info.path / ".mailmap"
        if mailmap.is_file() and not mailmap.is_symlink():
            with mailmap.open("rb") as file:  # in chunks: a work tree's file can be any size
                for chunk in iter(lambda: file.read(CHUNK_SIZE), b""):
                    digest.update(chunk)
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
