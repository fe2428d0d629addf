"""What HEAD's files hold that the ML-aware metrics read: the Python code's facts and the committed artifacts.

One pass per scan, two git processes however many files: ``git ls-tree -r -l -z`` lists every file at HEAD
(within ``--subdir``) with its blob id and size, and the scan's ``cat-file --batch``
(:class:`scorecard.evidence.git.BlobReader`, pipelined) reads the blobs whose facts are not known yet:

- each Python code file (suffix ``.py``, kind ``code``: tests are not code), for its framework imports and
  threshold literals (:mod:`scorecard.evidence.python_source`);
- each model or data artifact (:data:`ARTIFACT_SUFFIXES`) of at most :data:`LFS_POINTER_MAX_BYTES` bytes, to
  tell a Git LFS pointer (a text file naming the real one, kept out of git's history) from the artifact itself.

Facts are kept by blob id in the checkpoint (:class:`HeadFiles`, the facts of the blobs at HEAD only), and the
next scan reads only the blobs that are new: a rescan of a slightly changed repository reads a few files.
A symbolic link or a submodule is no file here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from scorecard.evidence import git
from scorecard.evidence.filekinds import KindRules, suffix_of
from scorecard.evidence.python_source import NO_FACTS, PythonFacts, python_facts

ARTIFACT_SUFFIXES = frozenset(
    {".pkl", ".pt", ".pth", ".ckpt", ".h5", ".onnx", ".safetensors", ".joblib", ".npy", ".npz", ".parquet"}
)
LFS_POINTER_MAX_BYTES = 1_024  # git-lfs writes pointers of about 130 bytes, and reads none above 1,024
LFS_POINTER_START = b"version https://git-lfs.github.com/spec/"
_REGULAR_FILE_MODES = (b"100644", b"100755")


@dataclass(frozen=True)
class HeadEntry:
    """A regular file at HEAD: its path (as the scan writes paths), blob id and size in bytes."""

    path: str
    blob: str
    size: int


def read_head_tree(info: git.RepoInfo) -> list[HeadEntry]:
    """The regular files at HEAD within ``info.subdir``, from one ``git ls-tree -r -l -z``."""
    tree, prefix = (f"{info.head}:{info.subdir}", f"{info.subdir}/") if info.subdir else (info.head, "")
    entries = []
    with git.running(info, ["ls-tree", "-r", "-l", "-z", tree]) as process:
        for token in git.nul_tokens(process.stdout):
            header, _, raw_path = token.partition(b"\t")
            fields = header.split()  # mode, type, id, size ("-" for a submodule)
            if len(fields) == 4 and fields[1] == b"blob" and fields[0] in _REGULAR_FILE_MODES:
                size = int(fields[3]) if fields[3].isdigit() else 0
                entries.append(HeadEntry(prefix + git.decode_path(raw_path), fields[2].decode("ascii"), size))
        process.finish()
    return entries


@dataclass
class HeadFiles:
    """The files at HEAD the ML metrics read, and the facts of their blobs (the checkpoint keeps it)."""

    python: dict[str, str] = field(default_factory=dict)  # Python code file -> blob
    artifacts: dict[str, tuple[str, int]] = field(default_factory=dict)  # artifact -> (blob, bytes)
    python_facts: dict[str, PythonFacts] = field(default_factory=dict)  # blob -> facts
    lfs_pointers: set[str] = field(default_factory=set)  # artifact blobs that are Git LFS pointers
    small_artifacts: set[str] = field(default_factory=set)  # artifact blobs read (whether pointers or not)

    def facts_of(self, path: str) -> PythonFacts:
        return self.python_facts.get(self.python[path], NO_FACTS)

    def to_document(self) -> dict[str, Any]:
        return {
            "python": self.python,
            "artifacts": {path: list(value) for path, value in self.artifacts.items()},
            "python_facts": {blob: facts.to_document() for blob, facts in self.python_facts.items()},
            "lfs_pointers": sorted(self.lfs_pointers),
            "small_artifacts": sorted(self.small_artifacts),
        }

    @classmethod
    def from_document(cls, document: Mapping[str, Any]) -> HeadFiles:
        return cls(
            python=dict(document["python"]),
            artifacts={path: (str(blob), int(size)) for path, (blob, size) in document["artifacts"].items()},
            python_facts={blob: PythonFacts.from_document(facts) for blob, facts in document["python_facts"].items()},
            lfs_pointers=set(document["lfs_pointers"]),
            small_artifacts=set(document["small_artifacts"]),
        )


def collect_head_files(
    info: git.RepoInfo, reader: git.BlobReader, rules: KindRules, known: HeadFiles | None
) -> tuple[HeadFiles, int]:
    """The files at HEAD the ML metrics read, with the facts of their blobs: from ``known`` (the last scan's)
    where the blob is the same, else read now. Returns them and how many blobs were read."""
    known = known or HeadFiles()
    found = HeadFiles()
    for entry in read_head_tree(info):
        suffix = suffix_of(entry.path)
        if suffix == ".py" and rules.kind_of(entry.path) == "code":
            found.python[entry.path] = entry.blob
        elif suffix in ARTIFACT_SUFFIXES:
            found.artifacts[entry.path] = (entry.blob, entry.size)
    python_blobs = set(found.python.values())
    found.python_facts = {blob: facts for blob, facts in known.python_facts.items() if blob in python_blobs}
    small = {blob for blob, size in found.artifacts.values() if size <= LFS_POINTER_MAX_BYTES}
    found.small_artifacts = small & known.small_artifacts
    found.lfs_pointers = known.lfs_pointers & found.small_artifacts
    to_read = sorted(python_blobs - found.python_facts.keys()) + sorted(small - found.small_artifacts)
    for blob, data in reader.read_many(to_read):
        if blob in python_blobs:
            found.python_facts[blob] = python_facts(data) if data is not None else NO_FACTS
        if blob in small:
            found.small_artifacts.add(blob)
            if data is not None and data.startswith(LFS_POINTER_START):
                found.lfs_pointers.add(blob)
    return found, len(to_read)
