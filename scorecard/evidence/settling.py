"""Settling what a patch leaves open: the changes git printed no line for, and the keywords of renames.

A change the patch shows no line of (a pure rename or mode change, an empty file, two blobs with the same
contents, :mod:`scorecard.evidence.diffstream`) is ``0 0`` in numstat when both versions are text and ``- -``
when one is binary. :class:`BinaryTest` decides as git does (diff.c, ``diff_filespec_is_binary``): the path's
``diff`` attribute first (``-diff``/``binary``, or a driver's ``diff.<name>.binary``), else a NUL among the
first 8,000 bytes or a size over ``core.bigFileThreshold``; a submodule's version is text. A type change
(file <-> symlink or submodule) is asked of git itself (:func:`numstat_of`). Renames: the ``-G`` pass saw the
old path deleted and the new one added, so :func:`rename_hits` tests the two blobs for keywords (a text
version over :data:`MAX_SEARCHED_BYTES` counts as a hit unread: it is then evaluated, which never changes a
finding).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from scorecard.evidence.diffstream import GITLINK_MODE, NULL_ID
from scorecard.evidence.filekinds import suffix_of
from scorecard.evidence.git import (
    DIFF_SAFETY,
    BlobReader,
    GitProcess,
    RepoInfo,
    decode_path,
    encode_path,
    nul_tokens,
    running,
)

DEFAULT_BIG_FILE_THRESHOLD = 512 * 1024 * 1024  # git's core.bigFileThreshold default
EMPTY_BLOB = "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391"  # text, whatever the threshold
MAX_SEARCHED_BYTES = 32 * 1024 * 1024  # a renamed text file larger than this is not read: it counts as a hit
Counts = tuple[int | None, int | None]  # (added, deleted); (None, None) for binary


@dataclass(frozen=True)
class Version:
    """One side of a change: where it is (for attributes) and what it holds."""

    path: str
    blob: str
    mode: str


def sides(
    status: str, path: str, old_path: str | None, old_blob: str, blob: str | None, modes: tuple[str, str]
) -> list[Version]:
    """The versions a change compares that exist (none for the missing side of an addition or deletion)."""
    found = []
    if status != "A" and old_blob != NULL_ID:
        found.append(Version(old_path or path, old_blob, modes[0]))
    if status != "D" and blob is not None and blob != NULL_ID:
        found.append(Version(path, blob, modes[1]))
    return found


class BinaryTest:
    """Which file versions git diffs as binary (see the module docstring). Attributes, configuration and
    contents are each read once, blobs in pipelined batches."""

    def __init__(self, info: RepoInfo, reader: BlobReader):
        self.info = info
        self.reader = reader
        self._config: tuple[int, dict[str, bool]] | None = None
        self._attributes: dict[str, str] = {}
        self._asked: set[str] = set()
        self._binary_contents: dict[str, bool] = {EMPTY_BLOB: False}
        self._sizes: dict[str, int] = {}

    def binary(self, versions: Sequence[Version]) -> list[bool]:
        """For each version: is it binary to git?"""
        if not versions:
            return []
        _threshold, drivers = self.settings()
        unknown = {version.path for version in versions} - self._asked
        self._attributes.update(diff_attributes(self.info, unknown))
        self._asked |= unknown
        decided: list[bool | None] = []
        for version in versions:
            value = self._attributes.get(version.path, "unspecified")
            if value == "unset":
                decided.append(True)
            elif value not in ("set", "unspecified") and value in drivers:
                decided.append(drivers[value])
            elif version.mode == GITLINK_MODE:
                decided.append(False)
            else:
                decided.append(None)
        self._sniff({v.blob for v, d in zip(versions, decided, strict=True) if d is None})
        return [
            self._binary_contents.get(v.blob, False) if d is None else d for v, d in zip(versions, decided, strict=True)
        ]

    def size(self, blob: str) -> int:
        """The size of a blob :meth:`binary` read (0 if it did not)."""
        return self._sizes.get(blob, 0)

    def _sniff(self, blobs: set[str]) -> None:
        ordered = sorted(blobs - self._binary_contents.keys())
        threshold = self.settings()[0]
        for blob, sniffed in zip(ordered, self.reader.sniff_many(ordered), strict=True):
            if sniffed is not None:
                self._binary_contents[blob] = sniffed.size > threshold or sniffed.binary
                self._sizes[blob] = sniffed.size

    def settings(self) -> tuple[int, dict[str, bool]]:
        """``core.bigFileThreshold`` and the drivers' ``binary`` settings (read once)."""
        if self._config is None:
            self._config = binary_settings(self.info)
        return self._config


def settle(
    test: BinaryTest, changes: Sequence[tuple[str, str, str | None, str, str | None, tuple[str, str]]]
) -> list[Counts]:
    """The numstat counts of unsettled changes that are no type change: ``0 0`` for text, binary else.

    Each change is ``(status, path, old_path, old_blob, blob, (old_mode, new_mode))``.
    """
    versions_of = [
        sides(status, path, old, old_blob, blob, modes) for status, path, old, old_blob, blob, modes in changes
    ]
    flat = [version for versions in versions_of for version in versions]
    binary = iter(test.binary(flat))
    counts: list[Counts] = []
    for versions in versions_of:
        is_binary = any([next(binary) for _ in versions])
        counts.append((None, None) if is_binary else (0, 0))
    return counts


def rename_hits(
    test: BinaryTest,
    keywords: Any,
    wanted: frozenset[str],
    renames: Sequence[tuple[str, str, str, str, tuple[str, str]]],
) -> list[bool]:
    """For each rename ``(old path, path, old blob, blob, modes)``: does a version with a wanted suffix, not
    binary, hold a keyword on any line (as ``-G`` saw a deletion of the old path and an addition of the new)?"""
    versions_of = [
        [
            version
            for version in (Version(old, old_blob, modes[0]), Version(path, blob, modes[1]))
            if suffix_of(version.path) in wanted
        ]
        for old, path, old_blob, blob, modes in renames
    ]
    flat = [version for versions in versions_of for version in versions]
    binary = dict(zip(flat, test.binary(flat), strict=True))
    text = {version.blob for version in flat if not binary[version]}
    large = {blob for blob in text if test.size(blob) > MAX_SEARCHED_BYTES}
    holding = set(large)  # too large to hold in memory: evaluated, as if it held a keyword (never fewer hits)
    for blob, data in test.reader.read_many(sorted(text - large)):
        if data is not None and keywords.search(data):
            holding.add(blob)
    return [any(v.blob in holding and not binary[v] for v in versions) for versions in versions_of]


# ---------------------------------------------------------------------------------------------------------
# What git reads besides the blobs: attributes, configuration, and its own counts of type changes


def diff_attributes(info: RepoInfo, paths: Iterable[str]) -> dict[str, str]:
    """The ``diff`` attribute of each path that has one: ``unset``, ``set``, or a driver's name."""
    wanted = sorted(set(paths))
    if not wanted:
        return {}
    found: dict[str, str] = {}
    with running(info, ["check-attr", "-z", "--stdin", "diff"], stdin=True) as process:
        writer = threading.Thread(target=_write_paths, args=(process, wanted), daemon=True)
        writer.start()
        tokens = nul_tokens(process.stdout)
        for path in tokens:
            _attribute, value = next(tokens), next(tokens)
            if value != b"unspecified":
                found[decode_path(path)] = value.decode("utf-8", "replace")
        writer.join()
        process.finish()
    return found


def _write_paths(process: GitProcess, paths: Sequence[str]) -> None:
    try:
        for path in paths:
            process.stdin.write(encode_path(path) + b"\0")
        process.stdin.close()
    except (BrokenPipeError, ValueError):
        pass


def binary_settings(info: RepoInfo) -> tuple[int, dict[str, bool]]:
    """``core.bigFileThreshold`` in bytes, and the ``diff.<driver>.binary`` settings, as git reads them."""
    threshold = DEFAULT_BIG_FILE_THRESHOLD
    with running(info, ["config", "--type=int", "--get", "core.bigFileThreshold"]) as process:
        text = process.stdout.read().strip()
        if process.finish(ok_codes=(0, 1)) == 0 and text.isdigit():
            threshold = int(text)
    drivers: dict[str, bool] = {}
    with running(info, ["config", "-z", "--type=bool", "--get-regexp", r"^diff\..*\.binary$"]) as process:
        records = process.stdout.read().split(b"\0")
        if process.finish(ok_codes=(0, 1)) == 0:
            for record in records:
                key, _, value = record.partition(b"\n")
                if key.startswith(b"diff.") and key.endswith(b".binary"):
                    drivers[key[5:-7].decode("utf-8", "replace")] = value == b"true"
    return threshold, drivers


def numstat_of(info: RepoInfo, shas: Sequence[str], pathspecs: Sequence[str]) -> dict[tuple[str, str], Counts]:
    """git's own ``--numstat`` counts of these commits' changes, by (commit, new path)."""
    args = [
        "log",
        "--no-show-signature",
        "--no-walk=unsorted",
        "--stdin",
        "--numstat",
        "-z",
        "-M",
        "--root",
        "--diff-merges=first-parent",
        "--format=%x01%H",
        *DIFF_SAFETY,
    ]
    counts: dict[tuple[str, str], Counts] = {}
    with running(info, args, pathspecs, stdin=True) as process:
        writer = threading.Thread(target=_write_shas, args=(process, shas), daemon=True)
        writer.start()
        for sha, path, added, deleted in _numstat_records(nul_tokens(process.stdout)):
            counts[(sha, path)] = (added, deleted)
        writer.join()
        process.finish()
    return counts


def _write_shas(process: GitProcess, shas: Sequence[str]) -> None:
    try:
        process.stdin.write("".join(f"{sha}\n" for sha in shas).encode("ascii"))
        process.stdin.close()
    except (BrokenPipeError, ValueError):
        pass


def _numstat_records(tokens: Iterator[bytes]) -> Iterator[tuple[str, str, int | None, int | None]]:
    sha = ""
    for token in tokens:
        if token[:1] == b"\n":
            token = token[1:]
        if token[:1] == b"\x01":
            sha = token[1:].decode("ascii")
            continue
        if not token:
            continue
        added, deleted, path = token.split(b"\t", 2)
        if not path:  # a rename: "added\tdeleted\t" NUL old NUL new
            next(tokens)
            path = next(tokens)
        numbers = (None, None) if added == b"-" else (int(added), int(deleted))
        yield sha, decode_path(path), *numbers
