"""Reading one ``git log -p --raw -z`` stream: each file change's line counts, and whether a changed line
holds a keyword.

One diff pass gives what ``--numstat`` and ``-G<keywords>`` gave in two, read from the patch git prints, so
every count stays git's own: *added*/*deleted* are a hunk's ``+``/``-`` lines, *binary* is ``Binary files
... differ``, *keyword* a ``+``/``-`` line matching the keyword regex. A change with no line to count (same
contents, empty, or a type change) is *unsettled* (:attr:`DiffChange.settled` False): only the blobs can
tell, and :mod:`scorecard.evidence.settling` decides as git does. The stream is parsed in batches as it
arrives: headers and raw entries by their NUL separators, patch lines with numpy; inside a patch,
``\n\x01`` can only start the next commit (every patch line starts with a marker or is a header git writes).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from scorecard.evidence.git import MiningError, decode_path

DIFF_FORMAT = "%x01%H"  # what the parser expects before each commit's raw entries: \x01 <sha> NUL
NULL_ID = "0" * 40
GITLINK_MODE = "160000"  # a submodule: the entry names a commit of another repository
_RAW_END = 0  # the NUL between the raw entries and the patch
_COLON = ord(":")
_QUOTE = ord('"')
_COMMIT = 1  # \x01, before each commit's id
_NEWLINE = 10
_PLUS, _MINUS, _AT, _B = ord("+"), ord("-"), ord("@"), ord("B")
_D, _I, _F, _N = ord("d"), ord("i"), ord("f"), ord("n")
_HEADER, _AFTER_HEADER, _RAW, _PATCH = range(4)


@dataclass(slots=True)
class DiffChange:
    """One file in one commit's diff, as the patch shows it."""

    path: str  # the new path, or the old one for a deletion
    old_path: str | None  # set for renames only
    status: str  # A, M, D, R, T
    old_mode: str
    new_mode: str
    old_blob: str
    blob: str | None  # the new blob (a commit id for a submodule); None when deleted
    added: int | None = 0  # None for binary
    deleted: int | None = 0
    keyword: bool = False  # a changed line matches the keyword regex (never for renames, see the reading)
    settled: bool = True  # False: git printed no line to count, see the module docstring


@dataclass(slots=True)
class ParsedCommit:
    sha: str
    changes: list[DiffChange]


@dataclass(slots=True)
class _Section:
    """One ``diff --git`` section of a patch."""

    index: str | None = None  # "<old id>..<new id>" from its ``index`` line
    added: int = 0
    deleted: int = 0
    hunks: int = 0
    binary: bool = False
    keyword: bool = False
    searched: bool = False


@dataclass
class _Commit:
    sha: str
    changes: list[DiffChange] = field(default_factory=list)  # from the raw entries, counted at the end
    sections: list[_Section] = field(default_factory=list)


def _unexpected(what: str) -> MiningError:
    return MiningError(f"unexpected git log output: {what}")


class DiffStreamParser:
    """Feed it the stream's bytes as they come; it hands back each commit once all of it has been read.

    ``keywords`` is a compiled bytes regex (RE2) for the keyword test, or None to skip it; it must not match
    across lines. Only the files of ``keyword_commits`` (default: all) whose suffix is one of ``suffixes``
    (lower-case bytes with the dot; default: any) are searched: the keyword of other changes stays False.
    """

    def __init__(
        self,
        keywords: Any | None = None,
        keyword_commits: set[str] | None = None,
        suffixes: frozenset[bytes] | None = None,
    ):
        self.keywords = keywords
        self.keyword_commits = keyword_commits
        self.suffixes = suffixes
        self._matches_empty = keywords is not None and keywords.search(b"") is not None
        self._rest = b""
        self._waiting: list[bytes] = []  # chunks without a separator, joined when one comes
        self._mode = _HEADER
        self._commit: _Commit | None = None
        self._in_hunk = False  # the state after the last line read of the current commit's patch

    def feed(self, chunk: bytes) -> list[ParsedCommit]:
        """The commits completed by ``chunk``."""
        if not chunk:
            return []
        if b"\n" not in chunk and b"\0" not in chunk:  # a long line: wait for its end
            self._waiting.append(chunk)
            return []
        buffer = b"".join([self._rest, *self._waiting, chunk])
        self._waiting = []
        return self._parse(buffer, final=False)

    def finish(self) -> list[ParsedCommit]:
        """The last commits, at the end of the stream."""
        buffer = b"".join([self._rest, *self._waiting])
        self._rest, self._waiting = b"", []
        done = self._parse(buffer, final=True) if buffer else []
        if self._rest:
            raise _unexpected("the stream ends inside a commit's raw entries")
        if self._commit is not None:
            done.append(self._finalize(self._commit))
            self._commit = None
        return done

    # -- the structure: headers, raw entries, patch regions

    def _parse(self, buffer: bytes, final: bool) -> list[ParsedCommit]:
        regions: list[tuple[int, int, _Commit, bool]] = []  # start, end, commit, continues the last batch
        finished: list[_Commit] = []
        position = 0
        size = len(buffer)
        while position < size:
            byte = buffer[position]
            if self._mode == _HEADER:
                if byte != _COMMIT:
                    raise _unexpected("a commit does not start where expected")
                end = buffer.find(b"\0", position)
                if end < 0:
                    break
                self._commit = _Commit(buffer[position + 1 : end].decode("ascii", "replace"))
                position, self._mode = end + 1, _AFTER_HEADER
            elif byte == _COMMIT:  # the next commit (no raw entry starts with it, nor any patch line)
                assert self._commit is not None
                finished.append(self._commit)
                self._commit, self._mode = None, _HEADER
            elif self._mode == _AFTER_HEADER:
                if byte != _NEWLINE:
                    raise _unexpected("no raw entries after a commit id")
                position, self._mode = position + 1, _RAW
            elif self._mode == _RAW:
                if byte == _RAW_END:
                    position, self._mode = position + 1, _PATCH
                    continue
                read = self._raw_entry(buffer, position)
                if read < 0:
                    break
                position = read
            else:
                position, ended = self._patch_region(buffer, position, final, regions)
                if ended:
                    assert self._commit is not None
                    finished.append(self._commit)
                    self._commit, self._mode = None, _HEADER
                elif position < size:
                    break
        self._rest = buffer[position:]
        if regions:
            self._analyze(buffer, regions)
        return [self._finalize(commit) for commit in finished]

    def _raw_entry(self, buffer: bytes, position: int) -> int:
        """Read one raw entry at ``position``; returns where the next starts, or -1 if it is not all here."""
        if buffer[position] != _COLON:
            raise _unexpected("a raw entry does not start with ':'")
        meta_end = buffer.find(b"\0", position)
        end = buffer.find(b"\0", meta_end + 1) if meta_end >= 0 else -1
        if end < 0:
            return -1
        fields = buffer[position + 1 : meta_end].decode("ascii", "replace").split(" ")  # git writes ASCII
        if len(fields) != 5:
            raise _unexpected("a raw entry without 5 fields")
        old_mode, new_mode, old_blob, new_blob, status = fields
        letter = status[:1]
        path = old_path = decode_path(buffer[meta_end + 1 : end])
        if letter in ("R", "C"):  # a rename or copy: the new path follows
            start, end = end + 1, buffer.find(b"\0", end + 1)
            if end < 0:
                return -1
            path = decode_path(buffer[start:end])
            letter = "R" if letter == "R" else "A"
        assert self._commit is not None
        self._commit.changes.append(
            DiffChange(
                path,
                old_path if letter == "R" else None,
                letter,
                old_mode,
                new_mode,
                old_blob,
                None if letter == "D" else new_blob,
            )
        )
        return end + 1

    def _patch_region(
        self, buffer: bytes, position: int, final: bool, regions: list[tuple[int, int, _Commit, bool]]
    ) -> tuple[int, bool]:
        """Claim the complete lines of the current commit's patch from ``position``; (next position, ended)."""
        assert self._commit is not None
        continued = bool(self._commit.sections)
        end = buffer.find(b"\n\x01", position)
        if end >= 0:
            regions.append((position, end + 1, self._commit, continued))
            return end + 1, True
        if final:
            regions.append((position, len(buffer), self._commit, continued))
            return len(buffer), True
        last = buffer.rfind(b"\n", position)
        if last < 0:
            return position, False
        regions.append((position, last + 1, self._commit, continued))
        return last + 1, False

    # -- the patch text, all lines of a batch at once

    def _analyze(self, buffer: bytes, regions: list[tuple[int, int, _Commit, bool]]) -> None:
        data = np.frombuffer(buffer, dtype=np.uint8)
        starts = np.array([region[0] for region in regions], dtype=np.int64)
        ends = np.array([region[1] for region in regions], dtype=np.int64)
        low, high = int(starts[0]), int(ends[-1])
        after_newline = np.flatnonzero(data[low:high] == _NEWLINE) + (low + 1)
        region_of = np.searchsorted(starts, after_newline, side="right") - 1
        # A region starts after a NUL (or where the last batch stopped), never right after a newline.
        lines = np.sort(np.concatenate([starts, after_newline[after_newline < ends[region_of]]]), kind="stable")
        last_byte = len(data) - 1
        first = data[lines]
        second = data[np.minimum(lines + 1, last_byte)]
        third = data[np.minimum(lines + 2, last_byte)]
        opens = (first == _D) & (second == _I) & (third == _F)  # "diff --git"
        hunk = first == _AT
        structural = np.flatnonzero(opens | hunk)
        # Each line's state is that of the last "diff --git" or "@@" line before it (or of the last batch).
        in_hunk = np.full(len(lines), self._in_hunk)
        if len(structural):
            in_hunk[structural[0] :] = np.repeat(hunk[structural], np.diff(np.append(structural, len(lines))))
        section = np.cumsum(opens)  # 0: the section the last batch left open
        count = int(section[-1]) + 1
        plus = in_hunk & (first == _PLUS)
        minus = in_hunk & (first == _MINUS)
        sections = self._open_sections(buffer, lines, opens, starts, regions)
        numbers = (
            np.bincount(section[plus], minlength=count),
            np.bincount(section[minus], minlength=count),
            np.bincount(section[hunk], minlength=count),
            np.bincount(section[~in_hunk & (first == _B)], minlength=count),
        )
        # A line ends after its newline (the last line of a stream that ends without one: at the end).
        line_ends = np.append(after_newline, high)[np.searchsorted(after_newline, lines, side="right")]
        found = self._keyword_sections(data, lines, line_ends, plus | minus, section, sections)
        for target, added, deleted, hunks, binary, keyword in zip(
            sections, *(values.tolist() for values in numbers), found, strict=True
        ):
            if target is not None:
                target.added += added
                target.deleted += deleted
                target.hunks += hunks
                target.binary = target.binary or binary > 0
                target.keyword = target.keyword or keyword
        for line in np.flatnonzero(~in_hunk & (first == _I) & (second == _N) & (third == _D)).tolist():
            begin = int(lines[line])
            target = sections[int(section[line])]
            if target is not None and buffer.startswith(b"index ", begin):
                ids = buffer[begin + 6 : buffer.find(b"\n", begin)]
                target.index = ids.split(b" ", 1)[0].decode("ascii", "replace")
        self._in_hunk = bool(in_hunk[-1])

    def _open_sections(
        self,
        buffer: bytes,
        lines: np.ndarray,
        opens: np.ndarray,
        starts: np.ndarray,
        regions: list[tuple[int, int, _Commit, bool]],
    ) -> list[_Section | None]:
        """The batch's sections in order: the one left open by the last batch, then one per ``diff --git``."""
        first_lines = np.searchsorted(lines, starts)
        for (_start, _end, commit, continued), line in zip(regions, first_lines.tolist(), strict=True):
            if not continued and not opens[line]:
                raise _unexpected(f"the patch of commit {commit.sha[:12]} does not start with 'diff --git'")
        left_open = regions[0][2].sections[-1] if regions[0][3] else None
        sections: list[_Section | None] = [left_open]
        heads = lines[opens]
        owner = np.searchsorted(starts, heads, side="right") - 1
        asked = [self._asked(region[2]) for region in regions]
        for region, head in zip(owner.tolist(), heads.tolist(), strict=True):
            commit = regions[region][2]
            created = _Section(searched=asked[region] and self._wanted(buffer, head))
            commit.sections.append(created)
            sections.append(created)
        return sections

    def _asked(self, commit: _Commit) -> bool:
        """Whether the keyword test is made on this commit's changes."""
        return self.keywords is not None and (self.keyword_commits is None or commit.sha in self.keyword_commits)

    def _wanted(self, buffer: bytes, head: int) -> bool:
        """Whether the path on the ``diff --git`` line at ``head`` may have a wanted suffix (a quoted path, or a
        name that is not ASCII, which ``str.lower`` could fold into one, always may)."""
        if self.suffixes is None:
            return True
        end = buffer.find(b"\n", head)
        end = len(buffer) if end < 0 else end
        dot = buffer.rfind(b".", head, end)
        if buffer[end - 1] == _QUOTE:
            return True
        if dot <= buffer.rfind(b"/", head, end) + 1:  # no dot in the last component, or a dotfile
            return False
        suffix = buffer[dot:end]
        return not suffix.isascii() or suffix.lower() in self.suffixes

    def _keyword_sections(
        self,
        data: np.ndarray,
        lines: np.ndarray,
        line_ends: np.ndarray,
        changed: np.ndarray,
        section: np.ndarray,
        sections: list[_Section | None],
    ) -> list[bool]:
        """Per section of the batch: does a changed line match the keyword regex? As ``-G`` tests each line
        without its +/- marker, the changed lines of the searched sections are searched without it, one after
        the other (each keeps its newline, so no match spans two lines)."""
        found = [False] * len(sections)
        if self.keywords is None:
            return found
        searched = np.array([target is not None and target.searched for target in sections], dtype=bool)
        chosen = np.flatnonzero(changed & searched[section])
        if not len(chosen):
            return found
        if self._matches_empty:  # a regex that matches the empty string matches every line
            line = chosen
        else:
            begin = lines[chosen] + 1
            lengths = line_ends[chosen] - begin
            offsets = np.cumsum(lengths) - lengths  # where each chosen line starts in the joined text
            joined = data[np.repeat(begin - offsets, lengths) + np.arange(int(lengths.sum()))].tobytes()
            starts = np.array([match.start() for match in self.keywords.finditer(joined)], dtype=np.int64)
            line = chosen[np.searchsorted(offsets, starts, side="right") - 1]
        for number in np.unique(section[line]).tolist():
            found[number] = True
        return found

    # -- a commit's changes from its raw entries and its sections

    def _finalize(self, commit: _Commit) -> ParsedCommit:
        sections = commit.sections
        taken = 0
        for change in commit.changes:
            if change.status == "T":
                # Printed as a deletion then a creation; numstat diffs the two versions (see the docstring).
                for ids in (f"{change.old_blob}..{NULL_ID}", f"{NULL_ID}..{change.blob}"):
                    if taken < len(sections) and sections[taken].index == ids:
                        change.keyword = change.keyword or sections[taken].keyword
                        taken += 1
                change.settled = False
            elif taken < len(sections) and _belongs(sections[taken], change.old_blob, change.blob or NULL_ID):
                _count(change, sections[taken])
                taken += 1
            else:
                change.settled = False  # git printed nothing for it: the same contents on both sides
        if taken != len(sections):
            raise _unexpected(f"commit {commit.sha[:12]} has patch sections that match no raw entry")
        return ParsedCommit(commit.sha, commit.changes)


def _belongs(section: _Section, old_blob: str, new_blob: str) -> bool:
    """Whether ``section`` is the patch of the raw entry with these blobs (in order, some have none)."""
    if section.index is None:  # no index line: git printed the header of a change with the same blob
        return old_blob == new_blob
    return section.index == f"{old_blob}..{new_blob}"


def _count(change: DiffChange, section: _Section) -> None:
    if section.hunks:
        change.added, change.deleted, change.keyword = section.added, section.deleted, section.keyword
    elif section.binary:
        change.added = change.deleted = None
    else:  # a header only: a rename or mode change without a changed line, or an empty file
        change.settled = False
