"""Change coupling: the degree of files changed together, sweeping commits ignored."""

from __future__ import annotations

from pathlib import Path

from tests.gitrepo import RepoBuilder, scan_summary


def test_change_coupling_degree(tmp_path: Path):
    repo = RepoBuilder(tmp_path / "r")
    for n in range(6):
        repo.commit({"a.py": f"a{n}\n", "b.py": f"b{n}\n"}, when=f"2024-01-{n + 1:02d}")
    for n in range(2):
        repo.commit({"a.py": f"a only {n}\n"}, when=f"2024-01-{n + 10:02d}")
    for n in range(4):
        repo.commit({"a.py": f"a with c {n}\n", "c.py": f"c{n}\n"}, when=f"2024-01-{n + 15:02d}")
    # One sweeping commit (31 files) is ignored.
    repo.commit({**{f"gen/{n}.py": "x\n" for n in range(29)}, "a.py": "sweep\n", "b.py": "sweep\n"}, when="2024-01-25")
    coupling = scan_summary(repo.path)["coupling"]
    assert coupling["top_pairs"] == [{"files": ["a.py", "b.py"], "shared_commits": 6, "degree": round(6 / 9, 3)}]
    assert coupling["strong_pairs"] == 1
