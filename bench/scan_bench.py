"""Benchmark: scorecard's git scan against a raw ``git log`` pass and PyDriller, on one synthetic repository.

    python bench/scan_bench.py [--commits 30000] [--files 3000] [--workdir DIR] [--keep] [--verify]

Generates a repository with ``git fast-import`` (commits over several years, thousands of files, feature
branches merged back, renames, flags added and removed, debt comments), then reports, in one run:

- the scan's wall time and peak memory (a fresh process, ``scorecard.evidence.repository_scan``, into a new database);
- one raw ``git log --no-merges --numstat`` pass over the same repository, and the ratio;
- a rescan after one new commit (best of three, each from the same stored state: the checkpoint the full
  scan left), and the same rescan without a checkpoint (every metric recomputed from the stored history);
- PyDriller computing per-file churn on the first 2,000 commits, extrapolated to the whole history
  (``pip install pydriller`` first; it is not a dependency of scorecard).

Targets: scan <= 2.5 x the raw pass, >= 4 x faster than PyDriller, rescan < 1 s,
peak memory < 400 MB. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
START = 1_600_000_000  # 2020-09-13, so the history spans several years of quarters
AUTHORS = [(f"Dev {i}", f"dev{i}@example.com") for i in range(40)] + [("ci-bot", "bot@example.com")]
WORDS = [
    "model",
    "data",
    "train",
    "loss",
    "batch",
    "layer",
    "config",
    "eval",
    "metric",
    "tensor",
    "shape",
    "device",
    "optim",
    "step",
    "epoch",
]


def _line(rng: random.Random) -> str:
    return f"    {rng.choice(WORDS)}_{rng.randrange(1000)} = {rng.choice(WORDS)}({rng.randrange(100)})\n"


class Synth:
    """A repository generator: a working copy in Python dicts, written out as a fast-import stream."""

    def __init__(self, path: Path, commits: int, files: int, seed: int = 7):
        self.path = path
        self.rng = random.Random(seed)
        self.target_commits = commits
        self.files: dict[str, list[str]] = {}
        self.count = 0
        self.time = START
        self.mark = 0
        self.file_total = files
        self.flag_counter = 0

    def _new_path(self) -> str:
        rng = self.rng
        roll = rng.random()
        n = len(self.files) + rng.randrange(10**6)
        if roll < 0.03:
            return f"src/pkg{n % 40}/cli_{n}.py"  # entry points: where argparse and absl flags live
        if roll < 0.62:
            return f"src/pkg{n % 40}/mod_{n}.py"
        if roll < 0.75:
            return f"tests/pkg{n % 40}/test_mod_{n}.py"
        if roll < 0.85:
            return f"configs/exp{n % 30}/run_{n}.yaml"
        if roll < 0.9:
            return f"src/pkg{n % 40}/kernels_{n}.cu"
        if roll < 0.95:
            return f"docs/page_{n}.md"
        return f"scripts/tool_{n}.sh"

    def _content(self, path: str) -> list[str]:
        rng = self.rng
        lines = [_line(rng) for _ in range(rng.randrange(20, 90))]
        if path.endswith(".yaml"):
            lines = [f"{rng.choice(WORDS)}_{i}: {rng.randrange(100)}\n" for i in range(rng.randrange(10, 40))]
        return lines

    def _mutate(self, path: str) -> None:
        rng = self.rng
        lines = self.files[path]
        for _ in range(rng.randrange(1, 6)):
            roll = rng.random()
            position = rng.randrange(len(lines) + 1)
            if roll < 0.45 and lines:
                lines[min(position, len(lines) - 1)] = _line(rng)
            elif roll < 0.75:
                lines.insert(position, _line(rng))
            elif lines and len(lines) > 5:
                del lines[min(position, len(lines) - 1)]
        roll = rng.random()
        entry_point = "/cli_" in path
        if (entry_point and roll < 0.15) or (path.endswith(".py") and roll < 0.002):
            self.flag_counter += 1
            name = f"feature_{self.flag_counter}"
            kind = rng.random() if entry_point else 0.9
            if kind < 0.5:
                block = [
                    "parser.add_argument(\n",
                    f'    "--{name}",\n',
                    '    action="store_true",\n',
                    '    help="experimental path",\n',
                    ")\n",
                ]
            elif kind < 0.8:
                block = [f'flags.DEFINE_bool("{name}", False, "toggle")\n']
            else:
                block = [f'ENABLE = os.environ.get("{name.upper()}_ENABLE", "0")\n']
            lines[position:position] = block
        elif path.endswith(".yaml") and roll < 0.01:
            self.flag_counter += 1
            lines.insert(position, f"use_feature_{self.flag_counter}: true\n")
        elif roll < 0.04:
            lines.insert(position, f"    # TODO: clean up {rng.choice(WORDS)}\n")
        elif roll < 0.06 or (entry_point and roll < 0.25):
            # Remove a flag or a TODO: flags come and go.
            doomed = [i for i, text in enumerate(lines) if "TODO" in text or "DEFINE_bool" in text or "use_" in text]
            if doomed:
                del lines[rng.choice(doomed)]

    def _commit(
        self,
        out,
        branch: str,
        parent: str | None,
        changed: dict[str, list[str] | None],
        renames: dict[str, str] | None = None,
        merge: str | None = None,
    ) -> str:
        self.mark += 1
        self.count += 1
        self.time += self.rng.randrange(600, 9000)
        name, email = self.rng.choice(AUTHORS)
        who = f"{name} <{email}> {self.time} +0000\n".encode()
        message = f"change {self.count}".encode()
        parts = [
            f"commit refs/heads/{branch}\nmark :{self.mark}\n".encode(),
            b"author " + who,
            b"committer " + who,
            b"data %d\n" % len(message) + message + b"\n",
        ]
        if parent:
            parts.append(f"from {parent}\n".encode())
        if merge:
            parts.append(f"merge {merge}\n".encode())
        for old, new in (renames or {}).items():
            parts.append(f"R {old} {new}\n".encode())
        for path, lines in changed.items():
            if lines is None:
                parts.append(f"D {path}\n".encode())
            else:
                data = "".join(lines).encode()
                parts.append(f"M 100644 inline {path}\n".encode() + b"data %d\n" % len(data) + data + b"\n")
        out.write(b"".join(parts))
        return f":{self.mark}"

    def _work(self) -> dict[str, list[str] | None]:
        rng = self.rng
        changed: dict[str, list[str] | None] = {}
        if len(self.files) < self.file_total and rng.random() < 0.35:
            path = self._new_path()
            self.files[path] = self._content(path)
            changed[path] = list(self.files[path])
        paths = list(self.files)
        for _ in range(rng.choice((1, 1, 1, 2, 2, 3, 4, 6))):
            path = rng.choice(paths)
            self._mutate(path)
            changed[path] = list(self.files[path])
        if rng.random() < 0.004 and len(self.files) > 100:
            path = rng.choice(paths)
            if path not in changed:
                del self.files[path]
                changed[path] = None
        return changed

    def generate(self) -> None:
        subprocess.run(["git", "init", "-q", "--initial-branch=main", str(self.path)], check=True)
        process = subprocess.Popen(["git", "fast-import", "--quiet"], cwd=self.path, stdin=subprocess.PIPE)
        out = process.stdin
        assert out is not None
        # A first tree with a good share of the files.
        initial = {}
        for _ in range(self.file_total // 2):
            path = self._new_path()
            self.files[path] = self._content(path)
            initial[path] = list(self.files[path])
        head = self._commit(out, "main", None, initial)
        while self.count < self.target_commits:
            roll = self.rng.random()
            if roll < 0.05:
                # A feature branch of 2-5 commits, main moving meanwhile, merged with a merge commit.
                branch_head = head
                branch_files: dict[str, list[str]] = {}
                for _ in range(self.rng.randrange(2, 6)):
                    changed = self._work()
                    branch_files.update({p: c for p, c in changed.items() if c is not None})
                    changed = {p: c for p, c in changed.items() if c is not None}
                    branch_head = self._commit(out, "feature", branch_head, changed)
                main_change = self._work()
                main_change = {p: c for p, c in main_change.items() if p not in branch_files}
                head = self._commit(out, "main", head, main_change)
                merged = {p: list(self.files[p]) for p in branch_files if p in self.files}
                head = self._commit(out, "main", head, merged, merge=branch_head)
            elif roll < 0.055 and self.files:
                old = self.rng.choice(list(self.files))
                directory, _, name = old.rpartition("/")
                new = f"{directory}/renamed_{self.count}_{name}"
                if old.endswith(".py") and self.rng.random() < 0.3:
                    new = f"configs/moved_{self.count}/{name}"  # a rename across kinds: code -> config
                self.files[new] = self.files.pop(old)
                head = self._commit(out, "main", head, {}, renames={old: new})
            else:
                head = self._commit(out, "main", head, self._work())
        out.write(b"done\n")
        out.close()
        if process.wait() != 0:
            raise SystemExit("git fast-import failed")
        subprocess.run(["git", "reset", "-q", "--hard", "main"], cwd=self.path, check=True)


def one_more_commit(path: Path) -> None:
    (path / "docs" / "bench_note.md").parent.mkdir(exist_ok=True)
    with open(path / "docs" / "bench_note.md", "a") as handle:
        handle.write(f"note {time.time()}\n")
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "B",
        "GIT_AUTHOR_EMAIL": "b@x",
        "GIT_COMMITTER_NAME": "B",
        "GIT_COMMITTER_EMAIL": "b@x",
    }
    subprocess.run(["git", "add", "docs/bench_note.md"], cwd=path, check=True, env=env)
    subprocess.run(["git", "commit", "-q", "-m", "one more"], cwd=path, check=True, env=env)


SCAN_SCRIPT = """
import json, resource, sys, time
from datetime import datetime
sys.path.insert(0, {root!r})
from scorecard.evidence.repository_scan import ScanOptions
from scorecard.services.scanning import scan_repositories
from scorecard.store import Store
started = time.perf_counter()
with Store.open({db!r}) as store:
    summary = scan_repositories(store, [{repo!r}], ScanOptions(team="bench", now=datetime.fromisoformat({now!r})))[0]
elapsed = time.perf_counter() - started
if {summary_file!r}:
    with open({summary_file!r}, "w") as handle:
        json.dump(summary, handle)
print(json.dumps({{
    "elapsed_s": elapsed,
    "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "git_peak_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
    "mode": summary["scan"]["mode"],
    "from_checkpoint": summary["scan"].get("from_checkpoint", False),
    "commits": summary["commits"],
    "flags_alive": summary["flags"]["alive"],
    "flags_removed": summary["flags"]["removed"],
    "debt_alive": summary["debt_comments"]["alive"],
}}))
"""
NOW = datetime.now(UTC).isoformat()  # one scan time for every scan of a run, so their summaries compare


def run_scan(repo: Path, db: Path, summary_file: Path | None = None) -> dict:
    script = SCAN_SCRIPT.format(
        root=str(ROOT), db=str(db), repo=str(repo), now=NOW, summary_file=str(summary_file or "")
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SystemExit(f"scan failed: {result.stderr.strip()}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def copy_database(source: Path, target: Path) -> None:
    """A consistent copy of a SQLite database (WAL included), replacing ``target``."""
    for leftover in (target, Path(f"{target}-wal"), Path(f"{target}-shm")):
        leftover.unlink(missing_ok=True)
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    src.close()
    dst.close()


def comparable(summary: dict) -> dict:
    return {key: value for key, value in summary.items() if key not in ("scan", "elapsed_s")}


def raw_git_pass(repo: Path) -> float:
    started = time.perf_counter()
    subprocess.run(["git", "log", "--no-merges", "--numstat"], cwd=repo, stdout=subprocess.DEVNULL, check=True)
    return time.perf_counter() - started


def pydriller_churn(repo: Path, commits: int) -> tuple[float, int] | None:
    try:
        from pydriller import Repository
    except ImportError:
        return None
    started = time.perf_counter()
    churn: dict[str, int] = {}
    seen = 0
    for commit in Repository(str(repo), only_no_merge=True).traverse_commits():
        for modified in commit.modified_files:
            key = modified.new_path or modified.old_path
            churn[key] = churn.get(key, 0) + modified.added_lines + modified.deleted_lines
        seen += 1
        if seen >= commits:
            break
    return time.perf_counter() - started, seen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--commits", type=int, default=30_000)
    parser.add_argument("--files", type=int, default=3_000)
    parser.add_argument("--workdir", type=Path, help="where to build the repository (default: a temp dir)")
    parser.add_argument("--keep", action="store_true", help="keep the generated repository")
    parser.add_argument("--pydriller-commits", type=int, default=2_000)
    parser.add_argument(
        "--verify", action="store_true", help="also scan the final history fully and compare it with the rescan"
    )
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="scorecard-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    repo = workdir / "synthetic"
    if repo.exists():
        shutil.rmtree(repo)
    started = time.perf_counter()
    Synth(repo, args.commits, args.files).generate()
    generated = time.perf_counter() - started
    total = int(
        subprocess.run(
            ["git", "rev-list", "--count", "HEAD"], cwd=repo, capture_output=True, text=True, check=True
        ).stdout
    )
    nonmerge = int(
        subprocess.run(
            ["git", "rev-list", "--count", "--no-merges", "HEAD"], cwd=repo, capture_output=True, text=True, check=True
        ).stdout
    )
    files = len(
        subprocess.run(["git", "ls-files"], cwd=repo, capture_output=True, text=True, check=True).stdout.splitlines()
    )
    print(f"repository: {total} commits ({nonmerge} non-merge), {files} files at HEAD, generated in {generated:.1f}s")

    raw_git_pass(repo)  # warm the page cache so both sides read from memory
    raw = min(raw_git_pass(repo) for _ in range(2))
    db = workdir / "bench.db"
    if db.exists():
        db.unlink()
    scan = run_scan(repo, db)
    one_more_commit(repo)
    scanned = workdir / "bench-after-full-scan.db"
    copy_database(db, scanned)
    rescans = []
    for _ in range(3):
        copy_database(scanned, db)
        rescans.append(run_scan(repo, db, workdir / "rescan.json"))
    rescan = min(rescans, key=lambda result: result["elapsed_s"])
    copy_database(scanned, db)
    with sqlite3.connect(db) as conn:
        checkpoint_bytes = conn.execute("select sum(length(state)) from scan_checkpoints").fetchone()[0] or 0
        conn.execute("delete from scan_checkpoints")
    conn.close()
    without_checkpoint = run_scan(repo, db)
    verified = None
    if args.verify:
        fresh = workdir / "bench-verify.db"
        fresh.unlink(missing_ok=True)
        run_scan(repo, fresh, workdir / "full.json")
        rescanned = json.loads((workdir / "rescan.json").read_text())
        verified = comparable(rescanned) == comparable(json.loads((workdir / "full.json").read_text()))
    driller = pydriller_churn(repo, args.pydriller_commits)

    print(f"raw git log --no-merges --numstat: {raw:.2f}s")
    print(
        f"scorecard scan (full):            {scan['elapsed_s']:.2f}s  ratio {scan['elapsed_s'] / raw:.2f}x "
        f"(target <= 2.5x)"
    )
    print(
        f"  peak memory: python {scan['peak_rss_mb']:.0f} MB, largest git child {scan['git_peak_rss_mb']:.0f} MB "
        f"(target < 400 MB)"
    )
    print(
        f"  found: {scan['commits']} commits, {scan['flags_alive']} flags alive, {scan['flags_removed']} removed, "
        f"{scan['debt_alive']} debt comments"
    )
    times = ", ".join(f"{result['elapsed_s']:.2f}s" for result in rescans)
    source = "from the checkpoint" if rescan["from_checkpoint"] else "from the stored history"
    print(f"rescan after one commit:          {rescan['elapsed_s']:.2f}s best of {times} ({source}, target < 1s)")
    print(f"  checkpoint stored with the scan: {checkpoint_bytes / 1e6:.1f} MB")
    print(f"  the same rescan without a checkpoint: {without_checkpoint['elapsed_s']:.2f}s")
    if verified is not None:
        print(f"  rescan summary equals a full scan of the same history: {verified}")
    if driller is None:
        print("pydriller: not installed (pip install pydriller)")
    else:
        seconds, seen = driller
        extrapolated = seconds * nonmerge / max(seen, 1)
        print(
            f"pydriller per-file churn, first {seen} commits: {seconds:.2f}s -> {extrapolated:.1f}s extrapolated; "
            f"scorecard is {extrapolated / scan['elapsed_s']:.1f}x faster (target >= 4x)"
        )
    if not args.keep and args.workdir is None:
        shutil.rmtree(workdir)


if __name__ == "__main__":
    main()
