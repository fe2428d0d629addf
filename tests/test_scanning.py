"""Scanning end to end: incremental rescans, rewritten history, interruption, parallel repos, the CLI."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from scorecard.evidence.repository_scan import ScanOptions, scan_repository
from scorecard.services.scanning import scan_repositories
from scorecard.services.team_metrics import team_metrics
from scorecard.store import Store
from tests.gitrepo import RepoBuilder, run_git, scan_summary
from tests.runner import run_cli as run

NOW = datetime(2024, 7, 1, tzinfo=UTC)
ARGPARSE = 'parser.add_argument(\n    "--{name}",\n    action="store_true",\n)\n'


def build_history(repo: RepoBuilder) -> None:
    repo.commit(
        {"src/train.py": ARGPARSE.format(name="fast") + "# TODO one\n", "conf.yaml": "use_x: true\n"}, when="2024-01-05"
    )
    base = repo.commit({"src/model.py": "".join(f"m{i}\n" for i in range(12))}, when="2024-02-01")
    repo.commit({"src/extra.py": "# FIXME side\n"}, branch="side", parent=base, when="2024-02-10")
    repo.commit({"src/model.py": "".join(f"m{i}\n" for i in range(13))}, when="2024-02-11")
    repo.commit({"src/extra.py": "# FIXME side\n"}, merge=repo.heads["side"], when="2024-02-12")


def extend_history(repo: RepoBuilder) -> None:
    repo.commit({"src/train.py": ARGPARSE.format(name="faster") + "# TODO one\n"}, when="2024-04-02")
    repo.commit(renames={"src/model.py": "configs/model.py"}, when="2024-04-03")
    repo.commit({"conf.yaml": None, "tests/test_m.py": "# todo test\n"}, when="2024-05-03")


def comparable(summary: dict) -> dict:
    return {key: value for key, value in summary.items() if key not in ("scan", "elapsed_s")}


def test_incremental_rescan_equals_a_full_scan(tmp_path: Path):
    repo = RepoBuilder(tmp_path / "r")
    build_history(repo)
    store = Store.open(tmp_path / "a.db")
    first = scan_summary(repo.path, store=store)
    assert first["scan"]["mode"] == "full" and first["scan"]["commits_read"] == 5
    extend_history(repo)
    again = scan_summary(repo.path, store=store)
    assert again["scan"]["mode"] == "incremental" and again["scan"]["commits_read"] == 3
    fresh = scan_summary(repo.path)
    assert comparable(again) == comparable(fresh)
    assert again["flags"]["by_pattern"] == {"argparse_switch": 1}
    unchanged = scan_summary(repo.path, store=store)
    assert unchanged["scan"]["commits_read"] == 0 and comparable(unchanged) == comparable(fresh)
    assert store.db["commits"].count == 8 and store.db["scans"].count == 3
    store.close()


def test_rewritten_history_is_rescanned_fully(tmp_path: Path):
    repo = RepoBuilder(tmp_path / "r")
    build_history(repo)
    store = Store.open(tmp_path / "a.db")
    scan_summary(repo.path, store=store)
    run_git(repo.path, "reset", "-q", "--hard", "HEAD~1")
    repo.heads["main"] = run_git(repo.path, "rev-parse", "HEAD").decode().strip()
    repo.commit({"src/other.py": "x\n"}, when="2024-03-01")
    rescanned = scan_summary(repo.path, store=store)
    assert rescanned["scan"]["mode"] == "full" and "rewritten" in rescanned["scan"]["reason"]
    assert comparable(rescanned) == comparable(scan_summary(repo.path))
    assert store.db["commits"].count == rescanned["commits"] + rescanned["merges"]
    store.close()


def test_an_interrupted_scan_leaves_the_previous_one_whole(tmp_path: Path):
    repo = RepoBuilder(tmp_path / "r")
    build_history(repo)
    db = tmp_path / "a.db"
    with Store.open(db) as store:
        scan_summary(repo.path, store=store)
    before = "\n".join(sqlite3.connect(db).iterdump())
    extend_history(repo)

    def interrupt_rows():
        yield ("0" * 40, "x.py", None, "A", 1, 0, None, None, 0)
        raise KeyboardInterrupt

    with Store.open(db) as store:
        state = store.previous_scan("t", str(repo.path), None)
        result = scan_repository(repo.path, ScanOptions(team="t", now=NOW), None, None)
        with pytest.raises(KeyboardInterrupt):
            store.save_scan(replace(result.record, file_changes=interrupt_rows()))
        assert state is not None

        # Ctrl-C while git is still streaming: nothing is written either.
        def stop(message: str) -> None:
            if "new commits read" in message:
                raise KeyboardInterrupt

        with pytest.raises(KeyboardInterrupt):
            scan_repositories(store, [repo.path], ScanOptions(team="t", now=NOW), progress=stop)
    assert "\n".join(sqlite3.connect(db).iterdump()) == before


def test_parallel_repositories_and_team_metrics(tmp_path: Path):
    first, second = RepoBuilder(tmp_path / "one"), RepoBuilder(tmp_path / "two")
    first.commit({"a.py": "1\n2\n3\n4\n", "c.yaml": "use_a: true\n"}, when="2024-04-01")
    second.commit({"b.py": "1\n2\n3\n4\n5\n6\n", "d.yaml": "x: 1\ny: 2\nz: 3\n"}, when="2024-05-01")
    with Store.open(tmp_path / "a.db") as store:
        summaries = scan_repositories(store, [first.path, second.path], ScanOptions(team="t", now=NOW), jobs=2)
        assert [s["repo"] for s in summaries] == ["one", "two"]
        team = team_metrics(store, "t", per_quarter=True)
        assert team is not None and team.repos == ["one", "two"]
        metrics = team.latest
        assert (metrics["lines.code"], metrics["lines.config"]) == (10, 4)
        assert metrics["config_to_code_ratio"] == pytest.approx(0.4)
        assert metrics["commits.last_quarter"] == 2 and metrics["flags.alive"] == 1
        assert metrics["ownership.bus_factor"] == 1 and metrics["languages.count"] == 1
        quarters = team.by_quarter
        assert quarters["2024Q2"]["lines.code"] == 10 and quarters["2024Q2"]["config_to_code_ratio"] == 0.4
        assert team_metrics(store, "nobody") is None


# -- the command line ----------------------------------------------------------------------------------------


def test_cli_scan_json_has_the_contract_keys(tmp_path: Path):
    repo = RepoBuilder(tmp_path / "r")
    build_history(repo)
    db = tmp_path / "a.db"
    result = run("scan", str(repo.path), "--team", "ml", "--json", "--db", str(db))
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    for key in (
        "repo",
        "head",
        "commits",
        "churn",
        "lines",
        "config_to_code_ratio",
        "flags",
        "debt_comments",
        "coupling",
        "ownership",
        "quarters",
        "metrics",
        "examples",
        "elapsed_s",
    ):
        assert key in document
    assert set(document["churn"]) >= {"added", "deleted"}
    assert set(document["lines"]) >= {"by_kind", "by_ext"}
    assert set(document["flags"]) >= {"alive", "stale", "median_age_days", "by_pattern", "items"}
    assert set(document["flags"]) >= {"by_kind", "median_days_since_change", "experiments", "occurrences"}
    assert set(document["flags"]["items"][0]) >= {
        "pattern",
        "name",
        "file",
        "introduced_commit",
        "introduced_at",
        "age_days",
        "kind",
        "files",
        "last_changed_commit",
        "last_changed_at",
        "days_since_change",
    }
    assert set(document["quarters"][0]) >= {
        "quarter",
        "churn",
        "lines_by_kind",
        "config_to_code_ratio",
        "flags_alive",
        "debt_comments_alive",
    }
    from scorecard.metric_contract import CITABLE_METRICS as METRIC_NAMES

    assert set(document["metrics"]) == set(METRIC_NAMES)
    text = run("scan", str(repo.path), "--team", "ml", "--db", str(db))
    assert text.exit_code == 0 and "incremental scan" in text.output


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("missing", "does not exist"),
        ("file", "is not a directory"),
        ("plain", "is not a git repository"),
        ("empty", "has no commits yet"),
        ("subdir", "--subdir nowhere does not exist at HEAD"),
        ("flags", "cannot parse"),
    ],
)
def test_cli_bad_input_is_one_line_exit_1_and_the_store_is_unchanged(tmp_path: Path, setup: str, message: str):
    good = RepoBuilder(tmp_path / "good")
    good.commit({"a.py": "x\n"})
    db = tmp_path / "a.db"
    assert run("scan", str(good.path), "--team", "ml", "--db", str(db)).exit_code == 0
    before = "\n".join(sqlite3.connect(db).iterdump())
    target, extra = tmp_path / "target", []
    if setup == "file":
        target.write_text("x")
    elif setup == "plain":
        target.mkdir()
    elif setup == "empty":
        RepoBuilder(target)
    elif setup == "subdir":
        target, extra = good.path, ["--subdir", "nowhere"]
    elif setup == "flags":
        bad = tmp_path / "flags.toml"
        bad.write_text("[[flags]\n")
        target, extra = good.path, ["--flags", str(bad)]
    result = run("scan", str(target), "--team", "ml", "--db", str(db), *extra)
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: ") and message in lines[0]
    assert "\n".join(sqlite3.connect(db).iterdump()) == before


def test_cli_scan_of_a_shallow_clone_warns(tmp_path: Path):
    repo = RepoBuilder(tmp_path / "r")
    build_history(repo)
    clone = tmp_path / "shallow"
    run_git(tmp_path, "clone", "-q", "--depth", "2", f"file://{repo.path}", str(clone))
    result = run("scan", str(clone), "--team", "ml", "--db", str(tmp_path / "a.db"))
    assert result.exit_code == 0
    assert "Warning: " in result.output and "shallow boundary" in result.output


def test_every_command_has_help():
    result = run("scan", "--help")
    for option in (
        "--team",
        "--subdir",
        "--jobs",
        "--json",
        "--flags",
        "--exclude-path",
        "--exclude-author",
        "--exclude-commit",
        "--full",
        "--db",
    ):
        assert option in result.output


def test_cli_scans_a_repo_named_like_an_option_with_awkward_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    repo = RepoBuilder(tmp_path / "-repo")
    names = {"with space.py": "# TODO a\n", "tab\tname.py": "x\n", "new\nline.py": "y\n", "--output=x.py": "z\n"}
    repo.commit({**names, b"latin-\xe9.py": "w\n"}, author=(b"Jos\xe9", "jose@example.com"))
    monkeypatch.chdir(tmp_path)
    db = tmp_path / "a.db"
    result = run("scan", "--team", "ml", "--db", str(db), "--json", "--", "-repo")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["repo"] == "-repo" and document["lines"]["by_ext"] == {".py": 5}
    assert document["debt_comments"]["alive"] == 1
    with sqlite3.connect(db) as conn:
        paths = {row[0] for row in conn.execute("select path from file_changes")}
        authors = {row[0] for row in conn.execute("select author_name from commits")}
    assert paths == {*names, "latin-\\xe9.py"} and authors == {"José"}


# -- rescans from a checkpoint ------------------------------------------------------------------------------


def canonical_checkpoint(store: Store, repo: RepoBuilder, subdir: str | None = None) -> dict:
    """The stored checkpoint of ``repo`` with every interned code replaced by its name (numbering differs)."""
    from collections import Counter

    from scorecard.evidence.checkpoint import Checkpoint

    repo_id = store.find_repo("t", str(repo.path.resolve()), subdir)
    assert repo_id is not None
    blob = store.load_scan_checkpoint(repo_id)
    assert blob is not None
    checkpoint = Checkpoint.from_bytes(blob)
    assert checkpoint is not None
    paths, authors, kinds = checkpoint.paths, checkpoint.authors, checkpoint.kinds
    commits: dict[int, list[str]] = {}
    for commit, path in zip(checkpoint.touched_commit.tolist(), checkpoint.touched_path.tolist(), strict=True):
        commits.setdefault(commit, []).append(paths[path])
    replay = checkpoint.replay.to_document()
    return {
        "head": checkpoint.head,
        "settings": checkpoint.settings_fingerprint,
        "merges": checkpoint.merges,
        "first_time": checkpoint.first_time,
        "commits_by_quarter": checkpoint.commits_by_quarter,
        "churn": checkpoint.churn,
        "owners": {
            (paths[p], authors[a]): c
            for p, a, c in zip(
                checkpoint.owner_path.tolist(),
                checkpoint.owner_author.tolist(),
                checkpoint.owner_churn.tolist(),
                strict=True,
            )
        },
        "touched": Counter(tuple(sorted(files)) for files in commits.values()),
        "line_state": checkpoint.line_state,
        "line_events_seen": checkpoint.line_events_seen,
        "events": Counter(
            zip(
                checkpoint.event_time.tolist(),
                [kinds[k] for k in checkpoint.event_kind.tolist()],
                checkpoint.event_lines.tolist(),
                strict=True,
            )
        ),
        "flags": sorted(map(tuple, replay["flags"]), key=repr),
        "files": sorted(
            (
                [path, flags, debt, tracked, sorted((p, n) for p, n, _ in lives)]
                for path, flags, debt, tracked, lives in replay["files"]
            ),
            key=repr,
        ),
        "debt_changes": replay["debt_changes"],
        "notebook_changes": {
            quarter: {paths[code]: count for code, count in counts.items()}
            for quarter, counts in checkpoint.notebook_changes.items()
        },
        "head_files": checkpoint.head_files.to_document(),
    }


def stored_results(store: Store) -> dict:
    """What a scan leaves in the store besides its history: the latest scan's metrics, lines and flags."""
    queries = {
        "metrics": "select metric, value from scan_metrics where scan_id = (select max(id) from scans) order by 1",
        "lines": "select kind, ext, files, binary_files, lines from lines_at_head "
        "where scan_id = (select max(id) from scans) order by 1, 2",
        "quarters": "select quarter, metric, value from quarter_metrics order by 1, 2",
        "flags": "select pattern, name, path, introduced_commit, introduced_at, removed_commit, removed_at, alive, "
        "age_days, stale, kind, experiment, last_changed_commit, last_changed_at, days_since_change from flags "
        "order by 1, 2, 3, 5",
    }
    return {name: store.db.execute(sql).fetchall() for name, sql in queries.items()}


def move_main_to(repo: RepoBuilder, sha: str) -> None:
    run_git(repo.path, "update-ref", "refs/heads/main", sha)
    run_git(repo.path, "reset", "-q", "--hard", sha)
    repo.heads["main"] = sha


def step_plain(repo: RepoBuilder) -> None:
    files: dict[str | bytes, str | bytes | None] = {"src/new.py": "a = 1\n# TODO new\n", "logo.bin": b"\0\1\2"}
    files["src/awkward \t\n\u00e9.py"] = "# TODO in a checkpoint\n"
    files[b"src/latin-\xe9.py"] = "# FIXME not utf-8\n"
    repo.commit(files, author=(b"Jos\xe9", "jose@example.com"), when="2024-04-02")


def step_rename_across_kinds(repo: RepoBuilder) -> None:
    # src/model.py (code) becomes configs/model.py (config), with an edit: lines and kinds follow.
    repo.commit(renames={"src/model.py": "configs/model.py"}, files={"configs/model.py": "m0\nm1\n"}, when="2024-04-03")


def step_flag_changes(repo: RepoBuilder) -> None:
    # The lines of both flags change (a switch's action, a toggle's value): their last change is carried.
    switch = ARGPARSE.format(name="fast").replace("store_true", "store_false")
    repo.commit({"src/train.py": switch + "# TODO one\n", "conf.yaml": "use_x: false\n"}, when="2024-04-05")


def step_flag_removal(repo: RepoBuilder) -> None:
    # Dated before the first commit (clocks skew): the quarters now start earlier too.
    repo.commit({"src/train.py": "# TODO one\n", "conf.yaml": "lr: 1\n"}, when="2023-11-20")


def step_merge(repo: RepoBuilder) -> None:
    # A side branch (dated before the last scanned head: clocks skew) merged with a conflict resolution.
    base = repo.heads["main"]
    repo.commit({"src/side.py": ARGPARSE.format(name="side"), "src/new.py": "b = 2\n"}, branch="feat", parent=base)
    repo.commit({"src/new.py": "c = 3\n# FIXME main\n"}, when="2024-05-01")
    repo.commit({"src/new.py": "resolved\n"}, merge=repo.heads["feat"], when="2024-05-02")


def step_ml_files(repo: RepoBuilder) -> None:
    # Notebooks, an artifact, a lock file, Python with framework imports and thresholds, a config too large to
    # be hand-written; then some of them change, one is deleted and one renamed.
    repo.commit(
        {
            "src/nb/a.ipynb": "{}\n",
            "src/model.pt": bytes(range(256)),
            "src/poetry.lock": "x\n",
            "src/fit.py": "import torch\nif loss < 0.5:\n    pass\n",
            "src/big.yaml": "".join(f"k{i}: 1\n" for i in range(1_200)),
        },
        when="2024-05-05",
    )
    repo.commit(renames={"src/big.yaml": "src/small.yaml"}, when="2024-05-06")
    repo.commit(
        {"src/nb/a.ipynb": "{\n}\n", "src/fit.py": "import jax\n", "src/model.pt": None, "src/small.yaml": "k: 1\n"},
        when="2024-05-07",
    )


def step_off_the_chain(repo: RepoBuilder) -> None:
    # HEAD moves to a branch that merged the last scanned head as its second parent: still an ancestor,
    # no longer on the first-parent chain, so the chain (and every state built on it) differs below it.
    other = repo.commit({"src/other.py": "x\n# XXX other\n"}, branch="other", parent=repo.heads["feat"])
    merged = repo.commit({"src/other.py": "y\n"}, branch="other", merge=repo.heads["main"], when="2024-05-20")
    assert other != merged
    move_main_to(repo, merged)


STEPS = [
    (step_plain, True),
    (step_rename_across_kinds, True),
    (step_flag_changes, True),
    (step_flag_removal, True),
    (step_merge, True),
    (step_ml_files, True),
    (step_off_the_chain, False),
    (step_plain, True),  # the fallback wrote a checkpoint again
]


@pytest.mark.parametrize(
    "options",
    [{}, {"subdir": "src", "exclude_paths": ("src/train.py",), "exclude_authors": ("Bob",)}],
    ids=["whole-repository", "subdir-and-exclusions"],
)
def test_rescans_from_a_checkpoint_equal_full_scans(tmp_path: Path, options: dict):
    repo = RepoBuilder(tmp_path / "r")
    build_history(repo)
    repo.commit({"src/bob.py": "b\n"}, author=("Bob", "bob@example.com"), when="2024-03-01")
    store = Store.open(tmp_path / "a.db")
    first = scan_summary(repo.path, store=store, **options)
    assert first["scan"]["mode"] == "full" and not first["scan"]["from_checkpoint"]
    for number, (step, resumable) in enumerate(STEPS):
        step(repo)
        again = scan_summary(repo.path, store=store, **options)
        assert again["scan"]["mode"] == "incremental"
        assert again["scan"]["from_checkpoint"] is resumable, (number, step.__name__)
        assert resumable or "first-parent chain" in again["scan"]["reason"]
        fresh_store = Store.memory()
        fresh = scan_summary(repo.path, store=fresh_store, **options)
        assert comparable(again) == comparable(fresh), (number, step.__name__)
        assert stored_results(store) == stored_results(fresh_store), (number, step.__name__)
        subdir = options.get("subdir")
        assert canonical_checkpoint(store, repo, subdir) == canonical_checkpoint(fresh_store, repo, subdir)
        fresh_store.close()
    store.close()


def test_a_checkpoint_is_used_only_with_the_same_settings(tmp_path: Path):
    repo = RepoBuilder(tmp_path / "r")
    build_history(repo)
    store = Store.open(tmp_path / "a.db")
    scan_summary(repo.path, store=store)
    step_plain(repo)
    # Other exclusions: the stored history is replayed instead, with the same result as a full scan.
    excluded = scan_summary(repo.path, store=store, exclude_paths=("src/*",))
    assert excluded["scan"]["mode"] == "incremental" and not excluded["scan"]["from_checkpoint"]
    assert comparable(excluded) == comparable(scan_summary(repo.path, exclude_paths=("src/*",)))
    step_rename_across_kinds(repo)
    assert scan_summary(repo.path, store=store, exclude_paths=("src/*",))["scan"]["from_checkpoint"]
    # A scan written without a checkpoint (an older scorecard) leaves none to resume from.
    repo_id = store.find_repo("t", str(repo.path.resolve()), None)
    assert repo_id is not None and store.load_scan_checkpoint(repo_id) is not None
    state = store.previous_scan("t", str(repo.path.resolve()), None)
    result = scan_repository(repo.path, ScanOptions(team="t", now=NOW), state, None)
    store.save_scan(result.record)
    assert store.load_scan_checkpoint(repo_id) is None
    step_flag_removal(repo)
    again = scan_summary(repo.path, store=store)
    assert not again["scan"]["from_checkpoint"] and comparable(again) == comparable(scan_summary(repo.path))
    # A damaged checkpoint is ignored the same way.
    store.db.execute("update scan_checkpoints set state = ?", [b"PK\x03\x04 damaged"])
    step_merge(repo)
    again = scan_summary(repo.path, store=store)
    assert not again["scan"]["from_checkpoint"] and comparable(again) == comparable(scan_summary(repo.path))
    assert store.load_scan_checkpoint(repo_id) not in (None, b"PK\x03\x04 damaged")
    store.close()


def break_history_half_way(repo: RepoBuilder) -> None:
    """Remove the blob of the repository's first commit from its object store: HEAD still resolves and the
    repository passes validation, but reading the history makes git fail at that commit."""
    first_blob = run_git(repo.path, "rev-parse", f"{repo.heads['main']}~2:a.py").decode().strip()
    pack_dir = repo.path / ".git" / "objects" / "pack"
    for pack in list(pack_dir.glob("*.pack")):
        data = pack.read_bytes()
        for part in pack_dir.glob(f"{pack.stem}.*"):
            part.unlink()
        run_git(repo.path, "unpack-objects", "-q", input=data)
    (repo.path / ".git" / "objects" / first_blob[:2] / first_blob[2:]).unlink()


@pytest.mark.parametrize("jobs", [1, 3])
def test_a_repository_failing_half_way_writes_none_of_the_others(tmp_path: Path, jobs: int):
    from scorecard.evidence import git

    repos = [RepoBuilder(tmp_path / name) for name in ("one", "two", "three")]
    for n, repo in enumerate(repos):
        for month in (1, 2, 3):
            repo.commit({"a.py": f"x = {n * 10 + month}\n"}, when=f"2024-0{month}-10")
    db = tmp_path / "a.db"
    with Store.open(db) as store:
        scan_summary(repos[0].path, store=store)  # an earlier scan, which must stay the latest
    before = "\n".join(sqlite3.connect(db).iterdump())
    repos[0].commit({"b.py": "y = 1\n"}, when="2024-04-10")
    break_history_half_way(repos[2])
    git.open_repository(repos[2].path)  # the failure is not at validation

    with Store.open(db) as store, pytest.raises(git.MiningError) as raised:
        scan_repositories(store, [repo.path for repo in repos], ScanOptions(team="t", now=NOW), jobs=jobs)
    assert str(raised.value).startswith(f"scanning {repos[2].path}: git ")
    assert "\n".join(sqlite3.connect(db).iterdump()) == before


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_cli_a_repository_missing_an_object_is_named_in_the_error(tmp_path: Path, monkeypatch, jobs: str):
    good, corrupt = RepoBuilder(tmp_path / "good"), RepoBuilder(tmp_path / "corrupt")
    for repo in (good, corrupt):
        for month in (1, 2, 3):
            repo.commit({"a.py": f"x = {month}\n"}, when=f"2024-0{month}-10")
    break_history_half_way(corrupt)
    monkeypatch.chdir(tmp_path)
    result = run("scan", "good", "corrupt", "--team", "t", "--jobs", jobs, db=tmp_path / "a.db")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: scanning corrupt: git log failed: fatal: unable to read ")
