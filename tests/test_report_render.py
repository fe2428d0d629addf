"""render.py: the one Jinja2 environment, and writing a report to a file (atomic, the mode any new file gets)."""

from __future__ import annotations

import os
import re
import threading
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from scorecard import report
from scorecard.paths import templates_dir
from tests.disks import full_disk
from tests.history import answers_of, history_bank, resolver
from tests.runner import run_cli

HTML = "<!doctype html><title>r</title>\N{MINUS SIGN}\n"


@pytest.fixture
def umask_never_called(monkeypatch):
    """Set the umask to 0o027 for the test, and make any call of ``os.umask`` during it fail."""
    real_umask = os.umask
    previous = real_umask(0o027)
    called: list[threading.Thread] = []

    def refuse(mask: int) -> int:
        called.append(threading.current_thread())
        raise AssertionError("os.umask called: it is process-wide, and the TUI writes reports from a thread")

    monkeypatch.setattr(os, "umask", refuse)
    yield 0o027
    monkeypatch.undo()
    real_umask(previous)
    assert called == []


def test_a_new_report_gets_the_mode_of_any_new_file_without_touching_the_umask(tmp_path, umask_never_called):
    out = tmp_path / "new.html"
    report.write_report(HTML, out)
    assert out.stat().st_mode & 0o777 == 0o666 & ~umask_never_called == 0o640
    assert out.read_bytes() == HTML.encode("utf-8")


def test_a_report_written_from_a_thread_never_touches_the_umask(tmp_path, umask_never_called):
    out = tmp_path / "threaded.html"
    errors: list[BaseException] = []

    def write() -> None:
        try:
            report.write_report(HTML, out)
        except BaseException as error:  # handed to the test thread, which asserts there was none
            errors.append(error)

    worker = threading.Thread(target=write)
    worker.start()
    worker.join()
    assert errors == [] and out.stat().st_mode & 0o777 == 0o640


def test_an_existing_report_keeps_its_mode(tmp_path, umask_never_called):
    out = tmp_path / "old.html"
    out.write_text("old", encoding="utf-8")
    out.chmod(0o604)
    report.write_report(HTML, out)
    assert out.stat().st_mode & 0o777 == 0o604
    assert out.read_text(encoding="utf-8") == HTML


def test_a_failed_write_leaves_the_old_report_and_no_temporary_file(tmp_path, monkeypatch):
    out = tmp_path / "r.html"
    out.write_text("old", encoding="utf-8")

    def full_disk(source: object, target: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    with pytest.raises(report.ReportError, match=re.escape(f"cannot write {out}: the disk holding {tmp_path} is full")):
        report.write_report(HTML, out)
    assert out.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.html"]


def test_report_on_a_full_disk_says_so_and_keeps_the_old_report(tmp_path, monkeypatch):
    """`report -o` on a real 1 MiB tmpfs filled to the brim where mounting is allowed, else with os.write failing
    ENOSPC: the sentence `answers export` gives (scorecard.files), the old report unchanged, no temporary file."""
    disk = tmp_path / "disk"
    disk.mkdir()
    out = disk / "report.html"
    with full_disk(disk, monkeypatch, prepare=out, old="the old report"):
        result = run_cli("report", "--demo", "-o", str(out))
        assert result.exit_code == 1
        assert result.output == (
            f"Error: cannot write {out}: the disk holding {disk} is full; the old file, if any, is unchanged\n"
        )
        assert out.read_text(encoding="utf-8") == "the old report"
        assert sorted(p.name for p in disk.iterdir() if p.name != "filler") == ["report.html"]


@pytest.mark.parametrize("where", ["missing-folder", "directory"])
def test_an_output_that_cannot_be_written_is_a_report_error(tmp_path, where):
    out = tmp_path / "nope" / "r.html" if where == "missing-folder" else tmp_path
    with pytest.raises(report.ReportError, match=f"cannot write {out}"):
        report.check_writable(out)
    with pytest.raises(report.ReportError, match=f"cannot write {out}"):
        report.write_report(HTML, out)


def test_templates_are_partials_and_autoescaped():
    environment = report.make_environment()
    assert environment.autoescape is True
    names = sorted(p.name for p in Path(templates_dir()).glob("*.html"))
    assert [n for n in names if not n.startswith("_")] == ["report.html"]


def test_templates_can_be_overridden(tmp_path):
    (tmp_path / "_reading_guide.html").write_text("<footer class=guide>Ours: {{ title }}</footer>", encoding="utf-8")
    template = report.make_environment([tmp_path]).get_template("report.html")
    data = report.ReportInput(
        teams=["ranking", "search"], answers=answers_of(), quarters=["2026Q1", "2026Q2", "2026Q3"], title="<T>"
    )
    context = report.build_report(data, resolver(history_bank(tmp_path)))
    soup = BeautifulSoup(template.render(context), "html.parser")
    assert soup.select_one("footer.guide").get_text() == "Ours: <T>"
