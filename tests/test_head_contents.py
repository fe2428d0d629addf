"""HEAD's files for the ML metrics: one ls-tree and one cat-file, facts kept per blob so a rescan reads what
changed only; LFS pointers, symlinks, submodules and tests set apart."""

from __future__ import annotations

from pathlib import Path

from scorecard.evidence import git
from scorecard.evidence.head_contents import HeadFiles, collect_head_files, read_head_tree
from scorecard.evidence.patterns import ScanSettings
from scorecard.evidence.python_source import PythonFacts
from tests.gitrepo import RepoBuilder

LFS_POINTER = "version https://git-lfs.github.com/spec/v1\noid sha256:" + "a" * 64 + "\nsize 123456789\n"
MODEL = b"\x80\x04\x95" + bytes(range(256)) * 8  # a pickle's first bytes, then binary


def build(tmp_path: Path) -> RepoBuilder:
    repo = RepoBuilder(tmp_path / "r")
    repo.commit(
        {
            "src/train.py": "import torch\nif loss < 0.5:\n    pass\n",
            "src/util.py": "import os\n",
            "tests/test_train.py": "import torch\nassert x < 0.5\n",
            "configs/model.py": "import jax\n",
            "models/net.pt": MODEL,
            "models/big.ckpt": LFS_POINTER,
            "data/table.parquet": b"PAR1" + b"\0" * 2_000,
            "nb/explore.ipynb": "{}\n",
        },
        symlinks={"src/link.py": "train.py"},
        submodules={"vendor/lib": "1" * 40},
    )
    return repo


def collect(repo: RepoBuilder, known: HeadFiles | None = None, subdir: str | None = None) -> tuple[HeadFiles, int]:
    info = git.open_repository(repo.path, subdir)
    with git.BlobReader(info) as reader:
        return collect_head_files(info, reader, ScanSettings().kind_rules, known)


def test_the_head_tree_lists_regular_files_with_blob_and_size(tmp_path: Path):
    repo = build(tmp_path)
    entries = {entry.path: entry for entry in read_head_tree(git.open_repository(repo.path))}
    assert "src/link.py" not in entries and "vendor/lib" not in entries
    assert entries["models/net.pt"].size == len(MODEL)
    assert entries["src/util.py"].blob == git_blob(repo, "src/util.py")
    inside = {entry.path for entry in read_head_tree(git.open_repository(repo.path, "src"))}
    assert inside == {"src/train.py", "src/util.py"}


def git_blob(repo: RepoBuilder, path: str) -> str:
    from tests.gitrepo import run_git

    return run_git(repo.path, "rev-parse", f"HEAD:{path}").decode().strip()


def test_python_code_files_and_artifacts_are_read_once(tmp_path: Path):
    repo = build(tmp_path)
    head, read = collect(repo)
    assert set(head.python) == {"src/train.py", "src/util.py"}  # not the test, nor the config, nor the link
    assert head.facts_of("src/train.py") == PythonFacts(("torch",), 1)
    assert head.facts_of("src/util.py") == PythonFacts()
    assert set(head.artifacts) == {"models/net.pt", "models/big.ckpt", "data/table.parquet"}
    assert head.lfs_pointers == {head.artifacts["models/big.ckpt"][0]}
    # Two Python files and the pointer: the other artifacts are larger than any pointer can be.
    assert read == 3
    again, read_again = collect(repo, HeadFiles.from_document(head.to_document()))
    assert read_again == 0 and again == head
    repo.commit({"src/util.py": "import sklearn\n", "src/new.py": "x = 1.5 > y\n", "models/net.pt": None})
    changed, read_changed = collect(repo, again)
    assert read_changed == 2
    assert changed.facts_of("src/util.py").frameworks == ("sklearn",)
    assert "models/net.pt" not in changed.artifacts
    # Only the blobs at HEAD are kept: the cache does not grow with history.
    assert len(changed.python_facts) == 3 and len(changed.small_artifacts) == 1


def test_a_subdir_reads_its_own_files(tmp_path: Path):
    head, _ = collect(build(tmp_path), subdir="src")
    assert set(head.python) == {"src/train.py", "src/util.py"} and not head.artifacts
