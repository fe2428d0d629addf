"""Benchmark: scorecard's git scan against a raw ``git log`` pass and PyDriller, on real repositories and on
one synthetic repository, reported in one table.

    python bench/scan_bench.py [--repo PATH ...] [--no-synthetic] [--commits 30000] [--files 3000]
                               [--runs 2] [--pydriller-commits 2000] [--verify] [--without-checkpoint]
                               [--workdir DIR] [--keep] [--code DIR ...]

For each repository (every ``--repo``, bare or not, and unless ``--no-synthetic`` one generated with
``git fast-import``: commits over several years, thousands of files, feature branches merged back, renames,
flags added and removed, debt comments), in one run on one machine:

- *raw pass*: one ``git log --no-merges --numstat`` (after a first run that warms the page cache);
- *full scan*: the wall time of ``scan_repositories`` in a fresh process into a new database (store opened,
  repository mined, results written), with that process's peak memory and its largest git child's, and the
  CPU time (user + system) of the process and its git children, imports included (the raw pass's too);
  raw pass and full scan alternate ``--runs`` times, and the best of each is kept, so that a load from
  elsewhere on the machine hits both alike;
- *rescan*: one new commit, then a rescan (best of three, each from the state the full scan stored: its
  checkpoint). A real repository is never written to: it is cloned first (``git clone --mirror --shared``,
  a bare copy that borrows its objects, replace refs included, in a few milliseconds), and the new commit
  is made there with plumbing (no work tree needed); the full scan reads the clone too;
- with ``--verify``, a full scan of the history after the new commit, whose JSON must equal the rescan's;
  with ``--without-checkpoint``, the rescan once more with the checkpoint deleted (every metric recomputed);
- PyDriller computing per-file churn on the first ``--pydriller-commits`` non-merge commits (0: skip),
  extrapolated to them all (``pip install pydriller`` first; it is not a dependency of scorecard).

``--code DIR`` measures the scorecard package found in DIR instead of this checkout; given several times, the
codes' full scans alternate with the raw passes, one row each (before/after figures under the same load).
Targets: scan <= 2.5 x the raw pass (where the raw pass takes 2 s or more), rescan < 1 s, peak memory < 400 MB.
Not part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
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
    """A new commit on HEAD's branch, made with plumbing: works in a bare repository, touches no work tree."""
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "B",
        "GIT_AUTHOR_EMAIL": "b@x",
        "GIT_COMMITTER_NAME": "B",
        "GIT_COMMITTER_EMAIL": "b@x",
        "GIT_INDEX_FILE": str(path.parent / f"{path.name}.bench-index"),
    }

    def git(*args: str, data: bytes | None = None) -> str:
        done = subprocess.run(["git", *args], cwd=path, input=data, env=env, capture_output=True, check=True)
        return done.stdout.decode().strip()

    blob = git("hash-object", "-w", "--stdin", data=f"note {time.time()}\n".encode())
    git("read-tree", "HEAD")
    git("update-index", "--add", "--cacheinfo", f"100644,{blob},docs/bench_note.md")
    tree = git("write-tree")
    commit = git("commit-tree", tree, "-p", "HEAD", "-m", "one more")
    git("update-ref", "HEAD", commit)
    Path(env["GIT_INDEX_FILE"]).unlink(missing_ok=True)


def clone_for_rescan(source: Path, target: Path) -> Path:
    """A bare copy of ``source`` that borrows its objects (all refs, replace refs included)."""
    if target.exists():
        shutil.rmtree(target)
    subprocess.run(
        ["git", "clone", "-q", "--mirror", "--shared", str(source), str(target)], check=True, capture_output=True
    )
    return target


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
    "cpu_s": sum(getattr(resource.getrusage(who), field) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
                 for field in ("ru_utime", "ru_stime")),
    "mode": summary["scan"]["mode"],
    "from_checkpoint": summary["scan"].get("from_checkpoint", False),
    "commits": summary["commits"],
    "flags_alive": summary["flags"]["alive"],
    "flags_removed": summary["flags"]["removed"],
    "debt_alive": summary["debt_comments"]["alive"],
}}))
"""
NOW = datetime.now(UTC).isoformat()  # one scan time for every scan of a run, so their summaries compare


def run_scan(code: Path, repo: Path, db: Path, summary_file: Path | None = None) -> dict:
    script = SCAN_SCRIPT.format(
        root=str(code), db=str(db), repo=str(repo), now=NOW, summary_file=str(summary_file or "")
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


def raw_git_pass(repo: Path) -> tuple[float, float]:
    """The wall time and CPU time (user + system) of one raw pass."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(["git", "log", "--no-merges", "--numstat"], cwd=repo, stdout=subprocess.DEVNULL, check=True)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return elapsed, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def count(repo: Path, *args: str) -> int:
    done = subprocess.run(["git", "rev-list", "--count", *args, "HEAD"], cwd=repo, capture_output=True, text=True)
    return int(done.stdout.strip() or 0)


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


def load() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


@dataclass
class Measured:
    name: str
    code: str
    commits: int
    nonmerge: int
    raw: float
    raw_cpu: float
    scan: dict
    rescans: list[dict]
    without_checkpoint: dict | None
    verified: bool | None
    driller: tuple[float, int] | None
    load_before: str
    load_after: str

    @property
    def rescan(self) -> dict:
        return min(self.rescans, key=lambda result: result["elapsed_s"])


def measure(name: str, repo: Path, workdir: Path, args: argparse.Namespace) -> list[Measured]:
    """Every figure for one repository, for each ``--code`` (see the module docstring). Raw passes and full
    scans of every code alternate, so that a load from elsewhere hits them alike. ``repo`` gets a new commit."""
    load_before = load()
    raw_git_pass(repo)  # warm the page cache so both sides read from memory
    raws: list[tuple[float, float]] = []
    scans: dict[Path, list[dict]] = {code: [] for code in args.code}
    for _ in range(args.runs):
        raws.append(raw_git_pass(repo))
        for number, code in enumerate(args.code):
            db = workdir / f"{name}-{number}.db"
            db.unlink(missing_ok=True)
            scans[code].append(run_scan(code, repo, db))
    total, nonmerge = count(repo), count(repo, "--no-merges")
    one_more_commit(repo)
    driller = pydriller_churn(repo, args.pydriller_commits) if args.pydriller_commits else None
    results = []
    for number, code in enumerate(args.code):
        rescans, without, verified = _rescans(name, number, code, repo, workdir, args)
        scan = min(scans[code], key=lambda result: result["elapsed_s"])
        label = code.name if len(args.code) > 1 else ""
        results.append(
            Measured(
                name, label, total, nonmerge, *min(raws), scan, rescans, without, verified, driller, load_before, load()
            )
        )
    return results


def _rescans(
    name: str, number: int, code: Path, repo: Path, workdir: Path, args: argparse.Namespace
) -> tuple[list[dict], dict | None, bool | None]:
    """Three rescans after the new commit from the state the full scan stored, and the optional checks."""
    db = workdir / f"{name}-{number}.db"
    scanned = workdir / f"{name}-{number}-after-full-scan.db"
    copy_database(db, scanned)
    rescans = []
    for _ in range(3):
        copy_database(scanned, db)
        rescans.append(run_scan(code, repo, db, workdir / f"{name}-{number}-rescan.json"))
    without = None
    if args.without_checkpoint:
        copy_database(scanned, db)
        with sqlite3.connect(db) as conn:
            conn.execute("delete from scan_checkpoints")
        conn.close()
        without = run_scan(code, repo, db)
    verified = None
    if args.verify:
        fresh = workdir / f"{name}-{number}-verify.db"
        fresh.unlink(missing_ok=True)
        run_scan(code, repo, fresh, workdir / f"{name}-{number}-full.json")
        rescanned = json.loads((workdir / f"{name}-{number}-rescan.json").read_text())
        full = json.loads((workdir / f"{name}-{number}-full.json").read_text())
        verified = comparable(rescanned) == comparable(full)
    return rescans, without, verified


def report(results: list[Measured]) -> None:
    print()
    print(
        "| repository | commits (non-merge) | raw pass | full scan | ratio | CPU: raw / scan | rescan, best of 3 "
        "| peak RSS (scan / git) | PyDriller, extrapolated | load before / after |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for m in results:
        scan, rescan = m.scan, m.rescan
        source = "" if rescan["from_checkpoint"] else " (no checkpoint used)"
        if m.driller is None:
            driller = "not run"
        else:
            seconds, seen = m.driller
            extrapolated = seconds * m.nonmerge / max(seen, 1)
            capped = f"{seen:,} commits: {seconds:.1f} s -> " if seen < m.nonmerge else ""
            driller = f"{capped}{extrapolated:.0f} s ({extrapolated / scan['elapsed_s']:.0f}x slower)"
        name = f"{m.name} ({m.code})" if m.code else m.name
        print(
            f"| {name} | {m.commits:,} ({m.nonmerge:,}) | {m.raw:.2f} s | {scan['elapsed_s']:.2f} s | "
            f"**{scan['elapsed_s'] / m.raw:.2f}x** | {m.raw_cpu:.1f} / {scan['cpu_s']:.1f} s | "
            f"{rescan['elapsed_s']:.2f} s{source} | "
            f"{scan['peak_rss_mb']:.0f} / {scan['git_peak_rss_mb']:.0f} MB | {driller} | "
            f"{m.load_before} / {m.load_after} |"
        )
    for m in results:
        notes = [f"flags alive {m.scan['flags_alive']}, removed {m.scan['flags_removed']}"]
        notes.append(f"debt comments {m.scan['debt_alive']}")
        notes.append("rescans " + ", ".join(f"{r['elapsed_s']:.2f}" for r in m.rescans) + " s")
        if m.without_checkpoint is not None:
            notes.append(f"rescan without a checkpoint {m.without_checkpoint['elapsed_s']:.2f} s")
        if m.verified is not None:
            notes.append(f"rescan JSON equals a full scan: {m.verified}")
        name = f"{m.name} ({m.code})" if m.code else m.name
        print(f"- {name}: " + "; ".join(notes))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repo", type=Path, action="append", default=[], help="a real repository (repeatable)")
    parser.add_argument("--no-synthetic", action="store_true", help="skip the generated repository")
    parser.add_argument("--commits", type=int, default=30_000)
    parser.add_argument("--files", type=int, default=3_000)
    parser.add_argument("--runs", type=int, default=2, help="raw passes and full scans per repository (best kept)")
    parser.add_argument("--workdir", type=Path, help="where to build the repositories (default: a temp dir)")
    parser.add_argument("--keep", action="store_true", help="keep the generated repository and the clones")
    parser.add_argument("--pydriller-commits", type=int, default=2_000, help="0: no PyDriller")
    parser.add_argument(
        "--code",
        type=Path,
        action="append",
        help="a directory holding the scorecard package to measure (repeatable: compared side by side)",
    )
    parser.add_argument("--without-checkpoint", action="store_true", help="also time a rescan without a checkpoint")
    parser.add_argument(
        "--verify", action="store_true", help="also scan the final history fully and compare it with the rescan"
    )
    args = parser.parse_args()
    args.code = [code.resolve() for code in args.code or [ROOT]]
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="scorecard-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    print(
        f"machine: {os.cpu_count()} cores, load {load()}; git: {subprocess.run(['git', '--version'], capture_output=True, text=True).stdout.strip()}"
    )
    print("code measured: " + ", ".join(str(code) for code in args.code))
    results = []
    for source in args.repo:
        source = source.resolve()
        name = source.name.removesuffix(".git")
        clone = clone_for_rescan(source, workdir / f"{name}.git")
        print(f"{name}: measuring (clone {clone})", flush=True)
        results += measure(name, clone, workdir, args)
    if not args.no_synthetic:
        repo = workdir / "synthetic"
        if repo.exists():
            shutil.rmtree(repo)
        started = time.perf_counter()
        Synth(repo, args.commits, args.files).generate()
        print(f"synthetic: generated in {time.perf_counter() - started:.1f}s, measuring", flush=True)
        results += measure("synthetic", repo, workdir, args)
    report(results)
    if not args.keep and args.workdir is None:
        shutil.rmtree(workdir)


if __name__ == "__main__":
    main()
