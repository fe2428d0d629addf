"""Real git repositories for tests, built in tmp_path with ``git fast-import`` (fast, and dates are exact).

No mocks of git: every test scans a repository git itself wrote.
"""

from __future__ import annotations

import os
import subprocess
from datetime import UTC, datetime
from pathlib import Path

GIT_ENV = {
    **os.environ,
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": "/dev/null",
    "GIT_TERMINAL_PROMPT": "0",
    "LC_ALL": "C",
}
EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"

Content = str | bytes | None


def run_git(repo: Path, *args: str, input: bytes | None = None) -> bytes:
    """Run git in ``repo`` (for fixtures and for the oracle side of assertions)."""
    result = subprocess.run(["git", *args], cwd=repo, input=input, capture_output=True, env=GIT_ENV, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"git {' '.join(args)} failed: {result.stderr.decode(errors='replace')}")
    return result.stdout


def timestamp(day: str) -> int:
    """``"2024-02-15"`` or ``"2024-02-15T10:00"`` -> Unix seconds, UTC."""
    moment = datetime.fromisoformat(day)
    return int((moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp())


def _quote(path: str | bytes) -> bytes:
    raw = path.encode("utf-8") if isinstance(path, str) else path
    if not any(c in raw for c in b'"\\\n\t ') and not raw.startswith(b'"'):
        return raw
    escaped = raw.replace(b"\\", b"\\\\").replace(b'"', b'\\"').replace(b"\n", b"\\n").replace(b"\t", b"\\t")
    return b'"' + escaped + b'"'


def _data(content: str | bytes) -> bytes:
    raw = content.encode("utf-8") if isinstance(content, str) else content
    return b"data %d\n" % len(raw) + raw + b"\n"


class RepoBuilder:
    """Build a repository commit by commit; each call to :meth:`commit` returns the new commit's sha."""

    def __init__(self, path: Path, bare: bool = False, branch: str = "main"):
        self.path = path
        path.mkdir(parents=True, exist_ok=True)
        run_git(path, "init", "-q", *(["--bare"] if bare else []), f"--initial-branch={branch}")
        self.bare = bare
        self.branch = branch
        self.heads: dict[str, str] = {}

    def commit(
        self,
        files: dict[str | bytes, Content] | None = None,
        *,
        renames: dict[str, str] | None = None,
        when: str = "2024-01-15",
        author: tuple[str | bytes, str] = ("Ada", "ada@example.com"),
        branch: str | None = None,
        parent: str | None = None,
        merge: str | None = None,
        message: str = "change",
        symlinks: dict[str, str] | None = None,
        submodules: dict[str, str] | None = None,
    ) -> str:
        """One commit on ``branch`` (default: the main branch): renames first, then files (None deletes).

        ``parent`` starts the branch from that commit; ``merge`` adds a second parent.
        """
        branch = branch or self.branch
        seconds = timestamp(when)
        name = author[0].encode("utf-8") if isinstance(author[0], str) else author[0]
        who = name + b" <" + author[1].encode() + b"> %d +0000\n" % seconds
        stream = b"commit refs/heads/" + branch.encode() + b"\n"
        stream += b"author " + who + b"committer " + who + _data(message)
        start = parent or self.heads.get(branch)
        if start:
            stream += b"from " + start.encode() + b"\n"
        if merge:
            stream += b"merge " + merge.encode() + b"\n"
        for old, new in (renames or {}).items():
            stream += b"R " + _quote(old) + b" " + _quote(new) + b"\n"
        for path, content in (files or {}).items():
            if content is None:
                stream += b"D " + _quote(path) + b"\n"
            else:
                stream += b"M 100644 inline " + _quote(path) + b"\n" + _data(content)
        for path, target in (symlinks or {}).items():
            stream += b"M 120000 inline " + _quote(path) + b"\n" + _data(target)
        for path, sha in (submodules or {}).items():
            stream += b"M 160000 " + sha.encode() + b" " + _quote(path) + b"\n"
        run_git(self.path, "fast-import", "--quiet", "--force", input=stream + b"done\n")
        sha = run_git(self.path, "rev-parse", f"refs/heads/{branch}").decode().strip()
        self.heads[branch] = sha
        if branch == self.branch and not self.bare:
            run_git(self.path, "reset", "-q", "--hard", sha)
        return sha

    def numstat_at_head(self, *pathspec: str) -> dict[str, int | None]:
        """``git diff --numstat <empty tree> HEAD``: lines per path (None for binary), the oracle for lines."""
        out = run_git(self.path, "diff", "--numstat", "-z", "--no-renames", EMPTY_TREE, "HEAD", "--", *pathspec)
        result: dict[str, int | None] = {}
        for entry in out.split(b"\0"):
            if not entry:
                continue
            added, _deleted, path = entry.split(b"\t", 2)
            result[path.decode("utf-8", "backslashreplace")] = None if added == b"-" else int(added)
        return result


def scan_summary(path: Path, now: str = "2024-07-01", team: str = "t", store=None, **options):
    """Scan one repository into ``store`` (default: a fresh in-memory store) and return its JSON summary."""
    from scorecard.evidence.scan import ScanOptions
    from scorecard.services.scanning import scan_repositories
    from scorecard.store import Store

    moment = datetime.fromisoformat(now).replace(tzinfo=UTC)
    target = store or Store.memory()
    [summary] = scan_repositories(target, [path], ScanOptions(team=team, now=moment, **options))
    return summary
