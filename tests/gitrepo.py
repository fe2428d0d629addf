"""Real git repositories for tests, built in tmp_path with ``git fast-import`` (fast, and dates are exact).

No mocks of git: every test scans a repository git itself wrote.
"""

from __future__ import annotations

import os
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from scorecard.evidence.git import decode_path

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
        renames: dict[str | bytes, str | bytes] | None = None,
        when: str | int = "2024-01-15",
        author: tuple[str | bytes, str] = ("Ada", "ada@example.com"),
        branch: str | None = None,
        parent: str | None = None,
        merge: str | None = None,
        message: str = "change",
        symlinks: dict[str, str] | None = None,
        submodules: dict[str, str] | None = None,
    ) -> str:
        """One commit on ``branch`` (default: the main branch): renames first, then files (None deletes).

        ``parent`` starts the branch from that commit; ``merge`` adds a second parent. Paths may be bytes (any
        but NUL); ``when`` is a day, or the raw seconds git stores (any number fast-import takes).
        """
        branch = branch or self.branch
        seconds = when if isinstance(when, int) else timestamp(when)
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
            result[decode_path(path)] = None if added == b"-" else int(added)
        return result


def scan_summary(path: Path, now: str = "2024-07-01", team: str = "t", store=None, **options):
    """Scan one repository into ``store`` (default: a fresh in-memory store) and return its JSON summary."""
    from scorecard.evidence.repository_scan import ScanOptions
    from scorecard.services.scanning import scan_repositories
    from scorecard.store import Store

    moment = datetime.fromisoformat(now).replace(tzinfo=UTC)
    target = store or Store.memory()
    [summary] = scan_repositories(target, [path], ScanOptions(team=team, now=moment, **options))
    return summary


def numbered_lines(count: int, prefix: str = "line") -> str:
    """``count`` distinct lines of text, each ending in a newline."""
    return "".join(f"{prefix} {i}\n" for i in range(count))


def git_log_churn(repo: Path) -> tuple[int, int, int]:
    """The oracle for churn: ``git log --no-merges -M --numstat`` summed (added, deleted, binary entries)."""
    out = run_git(repo, "log", "--no-merges", "-M", "--numstat", "--format=", "-z")
    added = deleted = binary = 0
    for entry in out.split(b"\0"):
        entry = entry.strip(b"\n")
        if b"\t" not in entry:
            continue
        a, d, _ = entry.split(b"\t", 2)
        if a == b"-":
            binary += 1
        else:
            added, deleted = added + int(a), deleted + int(d)
    return added, deleted, binary


def build_merged_repo(path: Path) -> RepoBuilder:
    """Renames (also across kinds), a binary file, a feature branch and a merge with a conflict resolution."""
    repo = RepoBuilder(path)
    model = "".join(f"m{i}\n" for i in range(1, 6))
    repo.commit(
        {"src/a.py": numbered_lines(10), "src/model.py": "m0\n" + model, "logo.png": b"\x89PNG\0\1"}, when="2024-01-10"
    )
    repo.commit(
        renames={"src/a.py": "src/b.py"},
        files={"src/b.py": numbered_lines(9) + "changed\nadded\n", "logo.png": b"\x89PNG\0\2"},
        when="2024-02-10",
    )
    base = repo.heads["main"]
    repo.commit(
        {"feat.py": numbered_lines(4, "f"), "src/model.py": "branch\n" + model},
        branch="feature",
        parent=base,
        when="2024-04-05",
    )
    repo.commit({"README.md": "# x\n", "src/model.py": "main\n" + model}, when="2024-04-06")
    # The merge resolves the conflict on model.py with new text, and moves model.py into configs/.
    repo.commit(
        renames={"src/model.py": "configs/model.py"},
        files={"feat.py": numbered_lines(4, "f"), "configs/model.py": "resolved\nboth\n" + model},
        merge=repo.heads["feature"],
        when="2024-04-10",
    )
    return repo


TRAIN = """import argparse
parser = argparse.ArgumentParser()
parser.add_argument(
    "--use-amp",
    action="store_true",
    help="mixed precision",
)
parser.add_argument("--lr", type=float)
flags.DEFINE_boolean("legacy_eval", False, "old path")
"""


def build_flag_repo(path: Path) -> tuple[RepoBuilder, dict[str, str]]:
    """Flags added, renamed on a line without a keyword, moved with their file and removed; the commits."""
    repo = RepoBuilder(path)
    shas = {
        "added": repo.commit({"train.py": TRAIN, "config.yaml": "use_ema: true\nlr: 0.1\n"}, when="2024-01-10"),
        # Only the line after add_argument( changes: a multi-line match renamed.
        "renamed": repo.commit({"train.py": TRAIN.replace('"--use-amp"', '"--amp"')}, when="2024-02-20"),
        "moved": repo.commit(renames={"train.py": "trainer.py"}, when="2024-03-15"),
        "removed": repo.commit(
            {"trainer.py": TRAIN.replace('"--use-amp"', '"--amp"').replace(TRAIN.splitlines()[-1] + "\n", "")},
            when="2024-04-10",
        ),
    }
    return repo, shas


def git_log_numstat(repo: Path) -> dict[tuple[str, str], tuple[int | None, int | None]]:
    """The oracle for one commit's changes: ``git log -M --numstat`` per (commit, path) -> (added, deleted),
    None for binary; merges diffed against their first parent, like the scan. Not for histories with renames."""
    out = run_git(repo, "log", "-M", "--numstat", "--root", "--diff-merges=first-parent", "--format=%x01%H", "-z")
    result: dict[tuple[str, str], tuple[int | None, int | None]] = {}
    sha = ""
    for token in out.split(b"\0"):
        token = token.lstrip(b"\n")
        if token.startswith(b"\x01"):
            sha = token[1:].decode()
        elif token:
            added, deleted, path = token.split(b"\t", 2)
            assert path, "a rename: this oracle does not follow them"
            counts = (None, None) if added == b"-" else (int(added), int(deleted))
            result[(sha, decode_path(path))] = counts
    return result
