"""git.py against real repositories: opening and validating, reading objects, and hardening."""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

import git.cmd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scorecard.evidence import git as hardened_git
from scorecard.evidence import history
from tests.gitrepo import RepoBuilder, run_git


@pytest.fixture
def repo(tmp_path: Path) -> RepoBuilder:
    builder = RepoBuilder(tmp_path / "repo")
    builder.commit({"src/app.py": "print('hi')\n", "README.md": "# app\n"}, when="2024-01-10")
    return builder


# -- opening: bad input, one-line errors ------------------------------------------------------------------


def test_open_refuses_a_missing_path_and_a_file(tmp_path: Path):
    with pytest.raises(hardened_git.MiningError, match="does not exist"):
        hardened_git.open_repository(tmp_path / "nope")
    (tmp_path / "file.txt").write_text("x")
    with pytest.raises(hardened_git.MiningError, match="is not a directory"):
        hardened_git.open_repository(tmp_path / "file.txt")


def test_open_refuses_a_plain_directory_and_a_subdirectory_of_a_repo(tmp_path: Path, repo: RepoBuilder):
    (tmp_path / "plain").mkdir()
    with pytest.raises(hardened_git.MiningError, match="is not a git repository") as error:
        hardened_git.open_repository(tmp_path / "plain")
    assert "\n" not in str(error.value)
    with pytest.raises(hardened_git.MiningError, match="is not a git repository"):
        hardened_git.open_repository(repo.path / "src")


def test_open_refuses_a_repository_without_commits(tmp_path: Path):
    RepoBuilder(tmp_path / "empty")
    with pytest.raises(hardened_git.MiningError, match="has no commits yet"):
        hardened_git.open_repository(tmp_path / "empty")


def test_open_checks_the_subdir_at_head(repo: RepoBuilder):
    assert hardened_git.open_repository(repo.path, "src/").subdir == "src"
    assert hardened_git.open_repository(repo.path, ".").subdir is None
    with pytest.raises(hardened_git.MiningError, match="--subdir lib does not exist at HEAD"):
        hardened_git.open_repository(repo.path, "lib")
    with pytest.raises(hardened_git.MiningError, match="does not exist at HEAD"):
        hardened_git.open_repository(repo.path, "README.md")  # a file, not a directory
    with pytest.raises(hardened_git.MiningError, match="starts with '-'"):
        hardened_git.open_repository(repo.path, "--output=x")
    with pytest.raises(hardened_git.MiningError, match="relative path inside"):
        hardened_git.open_repository(repo.path, "../elsewhere")


def test_bare_repository_and_detached_head_are_scanned(tmp_path: Path):
    bare = RepoBuilder(tmp_path / "bare.git", bare=True)
    sha = bare.commit({"a.py": "x = 1\n"})
    info = hardened_git.open_repository(bare.path)
    assert (info.bare, info.head, info.name) == (True, sha, "bare")
    assert [c.sha for c in history.stream_history(info)] == [sha]

    work = RepoBuilder(tmp_path / "work")
    first = work.commit({"a.py": "x = 1\n"})
    work.commit({"a.py": "x = 2\n"})
    run_git(work.path, "checkout", "-q", "--detach", first)
    info = hardened_git.open_repository(work.path)
    assert info.detached and info.head == first


def test_shallow_clone_is_scanned_with_a_warning(tmp_path: Path, repo: RepoBuilder):
    repo.commit({"src/app.py": "print('bye')\n"}, when="2024-02-10")
    latest = repo.commit({"src/app.py": "print('again')\n"}, when="2024-03-10")
    clone = tmp_path / "shallow"
    run_git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo.path}", str(clone))
    info = hardened_git.open_repository(clone)
    assert info.shallow and info.head == latest
    assert "shallow boundary" in info.warnings[0]
    assert [c.sha for c in history.stream_history(info)] == [latest]


# -- reading objects ---------------------------------------------------------------------------------------


def test_blob_reader_and_line_counts(repo: RepoBuilder):
    info = hardened_git.open_repository(repo.path)
    with hardened_git.BlobReader(info) as reader:
        assert reader.read(f"{info.head}:src/app.py") == b"print('hi')\n"
        assert reader.read(f"{info.head}:missing.py") is None
        assert reader.object_type(info.head) == "commit"
        blob = run_git(repo.path, "rev-parse", f"{info.head}:README.md").decode().strip()
        [sniffed] = reader.sniff_many([blob])
        assert sniffed is not None and not sniffed.binary and sniffed.lines == 1
    assert hardened_git.count_lines(b"a\nb") == 2 and hardened_git.count_lines(b"") == 0


# -- hardening ---------------------------------------------------------------------------------------------


def _evil_script(tmp_path: Path) -> tuple[Path, Path]:
    marker = tmp_path / "MARKER"
    script = tmp_path / "evil.sh"
    script.write_text(f"#!/bin/sh\ntouch {marker}\ncat\n")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return script, marker


def _hostile_repo(tmp_path: Path, script: Path) -> RepoBuilder:
    builder = RepoBuilder(tmp_path / "hostile")
    builder.commit({".gitattributes": "* diff=evil filter=evil\n", "a.py": "# TODO one\nx = 1\n"})
    builder.commit({"a.py": "# TODO two\nx = 2\n", "b.py": "parser.add_argument('--x', action='store_true')\n"})
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    for hook in ("post-checkout", "pre-commit", "post-merge", "reference-transaction", "pre-auto-gc"):
        (hooks / hook).write_text(f"#!/bin/sh\n{script}\n")
        (hooks / hook).chmod(0o755)
    settings = {
        "core.fsmonitor": str(script),
        "core.pager": str(script),
        "core.hooksPath": str(hooks),
        "core.sshCommand": str(script),
        "core.askPass": str(script),
        "diff.external": str(script),
        "diff.evil.textconv": str(script),
        "diff.evil.command": str(script),
        "filter.evil.clean": str(script),
        "filter.evil.smudge": str(script),
        "filter.evil.process": str(script),
        "alias.log": f"!{script}",
        "log.showSignature": "true",
        "gpg.program": str(script),
        "pager.log": str(script),
    }
    for key, value in settings.items():
        run_git(builder.path, "config", key, value)
    # A signed-looking commit, so that a signature check would run gpg.program.
    body = run_git(builder.path, "cat-file", "commit", "HEAD").decode()
    header, message = body.split("\n\n", 1)
    signature = "gpgsig -----BEGIN PGP SIGNATURE-----\n \n abc\n -----END PGP SIGNATURE-----"
    signed = f"{header}\n{signature}\n\n{message}".encode()
    sha = run_git(builder.path, "hash-object", "-t", "commit", "-w", "--stdin", input=signed).decode().strip()
    run_git(builder.path, "update-ref", "refs/heads/main", sha)
    return builder


def test_nothing_a_hostile_repository_configures_runs(tmp_path: Path):
    from datetime import UTC, datetime

    from scorecard.evidence.repository_scan import ScanOptions
    from scorecard.services.scanning import scan_repositories
    from scorecard.store import Store

    script, marker = _evil_script(tmp_path)
    builder = _hostile_repo(tmp_path, script)
    # The trap is real: plain git with this config runs the script.
    subprocess.run(["git", "log", "-p", "-1"], cwd=builder.path, capture_output=True, check=False)
    assert marker.exists()
    marker.unlink()

    with Store.memory() as store:
        [summary] = scan_repositories(
            store, [builder.path], ScanOptions(team="t", now=datetime(2024, 6, 1, tzinfo=UTC))
        )
    assert not marker.exists()
    assert summary["flags"]["alive"] == 1 and summary["debt_comments"]["alive"] == 1


def test_a_scan_runs_a_constant_number_of_git_processes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from datetime import UTC, datetime

    from scorecard.evidence.repository_scan import ScanOptions
    from scorecard.services.scanning import scan_repositories
    from scorecard.store import Store

    started: list[list[str]] = []
    real_popen = subprocess.Popen

    class CountingPopen(real_popen):  # type: ignore[misc, valid-type]
        def __init__(self, args, *rest, **kwargs):
            if isinstance(args, list | tuple) and args and os.path.basename(str(args[0])) == "git":
                started.append(list(args))
            super().__init__(args, *rest, **kwargs)

    def processes_for(commits: int) -> int:
        builder = RepoBuilder(tmp_path / f"r{commits}")
        for number in range(commits):
            builder.commit({f"f{number % 7}.py": f"# TODO {number}\nx = {number}\n"}, when="2024-01-10")
        started.clear()
        monkeypatch.setattr(git.cmd, "safer_popen", CountingPopen)
        with Store.memory() as store:
            scan_repositories(store, [builder.path], ScanOptions(team="t", now=datetime(2024, 6, 1, tzinfo=UTC)))
        monkeypatch.setattr(git.cmd, "safer_popen", real_popen)
        return len(started)

    few, many = processes_for(3), processes_for(40)
    assert few == many <= 8


# -- paths as text ---------------------------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=40).map(lambda raw: raw.replace(b"\0", b"")))
def test_a_path_written_as_text_gives_git_back_its_bytes(raw: bytes):
    # Any bytes but NUL: so two paths never read the same, and check-attr reads the path git printed.
    text = hardened_git.decode_path(raw)
    assert hardened_git.encode_path(text) == raw
    text.encode("utf-8")  # no surrogates: the store and JSON take it (this raises on one)
    if b"\\" not in raw and raw.decode("utf-8", "ignore").encode() == raw:
        assert text == raw.decode("utf-8")  # an ordinary path reads as it is
