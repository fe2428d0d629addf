"""A plain wheel install, in a fresh virtual environment, finds the banks and runs from any directory."""

from __future__ import annotations

import json
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


# Builds a wheel and installs it into a fresh venv: seconds each.
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--no-build-isolation", "-q", "-w", str(out)],
        check=True,
        cwd=out,
    )
    [built] = out.glob("scorecard-*.whl")
    return built


def test_wheel_ships_the_banks_and_templates(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    assert "scorecard/questions/sculley2015.yaml" in names
    assert "scorecard/questions/ml-test-score.yaml" in names
    assert "scorecard/questions/topics.yaml" in names
    assert "scorecard/questions/archive/sculley2015.v1.yaml" in names  # old surveys score with their version
    assert any(name.startswith("scorecard/templates/") for name in names)
    assert not any(name.startswith("tests/") for name in names)


def test_fresh_venv_install_runs_from_any_directory(wheel, tmp_path):
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=False)
    python = env_dir / "bin" / "python"
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--no-index", "-q", str(wheel)],
        check=True,
    )
    # The dependencies come from this test run's environment (no network in a test); scorecard itself only
    # from the fresh venv: a .pth line adds a path but runs no .pth inside it, so no editable install leaks in.
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    Path(site, "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    workdir = tmp_path / "elsewhere"
    workdir.mkdir()
    env = {"PATH": f"{env_dir / 'bin'}:/usr/bin:/bin", "SCORECARD_DB": str(tmp_path / "x.db"), "HOME": str(tmp_path)}

    def scorecard(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(env_dir / "bin" / "scorecard"), *args], capture_output=True, text=True, cwd=workdir, env=env
        )

    where = subprocess.run(
        [str(python), "-c", "import scorecard; print(scorecard.__file__)"],
        capture_output=True,
        text=True,
        env=env,
        cwd=workdir,
    )
    assert where.stdout.startswith(str(env_dir)), where
    listed = scorecard("questions", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    assert {bank["id"] for bank in json.loads(listed.stdout)} == {"sculley2015", "ml-test-score"}
    assert scorecard("questions", "lint").returncode == 0
    (workdir / "answers.yaml").write_text(
        "team: ranking\nanswers: {feedback-1: na, entanglement-1: automated-checks}\n"
    )
    assert scorecard("survey", "--answers", "answers.yaml").returncode == 0
    shown = scorecard("show", "--team", "ranking", "--json")
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout)["areas"]["boundary-erosion"] == 100.0
