"""A full disk for the tests that write files: a real 1 MiB tmpfs where mounting is allowed, else os.write failing."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest


def run_tool(*command: str) -> str | None:
    """Run a system tool; None if it worked, else why not (the reason a test is skipped)."""
    if shutil.which(command[0]) is None:
        return f"{command[0]} is not installed"
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    return None if result.returncode == 0 else f"`{' '.join(command)}` failed: {result.stderr.strip()}"


@contextmanager
def small_disk(folder: Path) -> Iterator[bool]:
    """A 1 MiB tmpfs at ``folder`` (True), or the folder as it is (False) where mounting is not allowed."""
    if run_tool("mount", "-t", "tmpfs", "-o", "size=1m,mode=0700", "tmpfs", str(folder)) is not None:
        yield False
        return
    try:
        yield True
    finally:
        if run_tool("umount", str(folder)):
            run_tool("umount", "--lazy", str(folder))


def fill(folder: Path) -> None:
    """Write into ``folder`` until its disk is full."""
    with suppress(OSError), open(folder / "filler", "wb") as filler:
        while True:
            filler.write(b"\0" * 4096)
            filler.flush()


@contextmanager
def full_disk(folder: Path, monkeypatch: pytest.MonkeyPatch, prepare: Path, old: str) -> Iterator[None]:
    """``folder`` on a disk that is full once ``prepare`` holds ``old``: a filled tmpfs, or ENOSPC from os.write.

    Check what is left inside the block: a tmpfs is unmounted when it ends (the filler removed, os.write
    restored first)."""
    with small_disk(folder) as real:
        prepare.write_text(old, encoding="utf-8")
        if real:
            fill(folder)
        else:

            def no_space(descriptor: int, data: bytes) -> int:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

            monkeypatch.setattr(os, "write", no_space)
        try:
            yield
        finally:
            monkeypatch.undo()
            (folder / "filler").unlink(missing_ok=True)
