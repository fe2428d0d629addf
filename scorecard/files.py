"""Files scorecard writes for the user (an exported answers file): whole or not at all, and never the database."""

from __future__ import annotations

import errno
import os
import secrets
import stat
from contextlib import suppress
from pathlib import Path

from scorecard.errors import ScorecardError

# The files SQLite keeps beside a database: writing over any of them destroys it.
DATABASE_COMPANIONS = ("", "-wal", "-shm", "-journal")


def write_text_atomically(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` so that a reader sees the old file or the new one, never half of one.

    A temporary file beside ``path`` is written, flushed to disk (fsync) and renamed over it. A new file gets
    the mode any new file gets (0o666 less the umask, applied by the kernel at creation: the umask is never read
    or set, which would race with other threads); an existing one keeps its mode. A symbolic link is followed,
    so the file it names is replaced and the link stays. On any failure the temporary file is removed and the
    old file is untouched; an :class:`OSError` becomes a :class:`ScorecardError` saying what went wrong.
    """
    target = Path(os.path.realpath(path)) if path.is_symlink() else path
    temporary: Path | None = None
    try:
        if target.is_dir():
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(target))
        kept_mode = stat.S_IMODE(target.stat().st_mode) if target.exists() else None
        temporary, descriptor = _create_beside(target)
        try:
            _write_all(descriptor, text.encode("utf-8"))
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
        if kept_mode is not None:
            os.chmod(temporary, kept_mode)
        os.replace(temporary, target)
        temporary = None
        _sync_folder(target.parent)
    except OSError as error:
        raise ScorecardError(f"cannot write {path}: {_explain(error, target)}") from None
    finally:
        if temporary is not None:
            with suppress(OSError):
                temporary.unlink()


def _create_beside(target: Path, attempts: int = 100) -> tuple[Path, int]:
    """A new, empty, hidden file in ``target``'s folder, opened for writing: its path and file descriptor."""
    for _attempt in range(attempts):
        candidate = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
        try:
            return candidate, os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, f"no free temporary file name beside {target}")


def _write_all(descriptor: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(descriptor, view) :]


def _sync_folder(folder: Path) -> None:
    # The rename is durable once the folder is synced; a platform or file system that cannot sync a folder
    # (Windows, some network mounts) still has the renamed file.
    with suppress(OSError, AttributeError):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def _explain(error: OSError, target: Path) -> str:
    if error.errno == errno.ENOSPC or error.errno == getattr(errno, "EDQUOT", None):
        return f"the disk holding {target.parent} is full; the old file, if any, is unchanged"
    if error.errno == errno.ENOENT and not target.parent.is_dir():
        return f"folder {target.parent} does not exist"
    if error.errno == errno.EISDIR:
        return "it is a directory"
    if error.errno in (errno.EACCES, errno.EPERM):
        return f"permission denied (the file or its folder {target.parent})"
    if error.errno == errno.EROFS:
        return f"{target.parent} is on a read-only file system"
    return error.strerror or str(error)


def refuse_overwriting_database(output: Path, database: Path) -> None:
    """:class:`ScorecardError` when ``output`` is the database file or one of SQLite's files beside it
    (``-wal``, ``-shm``, ``-journal``): compared as files (``os.path.samefile``, which sees hard links) when both
    exist, else by resolved path (symbolic links, ``..``)."""
    wanted = Path(os.path.realpath(output))
    for base in dict.fromkeys((database, Path(os.path.realpath(database)))):
        for suffix in DATABASE_COMPANIONS:
            companion = base.with_name(base.name + suffix)
            if _same(output, wanted, companion):
                raise ScorecardError(
                    f"refusing to write {output}: it is the scorecard database {database}"
                    f"{' (its ' + suffix.lstrip('-') + ' file)' if suffix else ''}; choose another file"
                )


def _same(output: Path, resolved: Path, companion: Path) -> bool:
    if output.exists() and companion.exists():
        with suppress(OSError):
            return os.path.samefile(output, companion)
    return resolved == Path(os.path.realpath(companion))
