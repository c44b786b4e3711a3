"""Atomic file writes: a reader sees the old file or the new one, never a part; several files published together
(all or none); the temp files of a killed run swept on the next; failures named by the user's path and reason.

Temp files live beside their target, named ``.<target name>.<process id>-<8 hex>.tmp`` (hidden, and found again by
that pattern). A run that is killed leaves them behind; every later write of the same target removes those whose
process no longer runs, and any older than :data:`STALE_TEMP_S` (10 minutes: a temp from another machine sharing
the folder, or whose process id was reused). A live write keeps a temp for as long as it takes to write and fsync
bytes already in memory, so a temp of a running process that is younger is never touched. The hard link kept to put an earlier file back (:func:`atomic_write_all`) has the
same pattern and carries that file's age: a later run may sweep it at once, which removes a name, never data.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
import time
import warnings
from collections.abc import Sequence
from pathlib import Path

from geo.errors import HeatmapError

__all__ = ["atomic_write", "atomic_write_all", "sweep_temps", "os_error_reason", "WriteError", "STALE_TEMP_S"]

#: Age in seconds after which a temp file of a target is a killed run's leftover, removed by the next write.
STALE_TEMP_S = 600

#: errno -> (English, 中文) reason of a failed write.
_REASONS = {
    errno.ENOSPC: ("No space left on device (the disk is full)", "磁盘已满"),
    errno.EDQUOT: ("Disk quota exceeded", "超出磁盘配额"),
    errno.EROFS: ("Read-only file system", "文件系统为只读"),
    errno.EACCES: ("Permission denied", "没有权限"),
    errno.EPERM: ("Operation not permitted", "不允许此操作"),
    errno.EISDIR: ("Is a directory (a folder has that name)", "该路径是一个文件夹"),
    errno.ENOTDIR: ("Not a directory (a part of the path is a file)", "路径中有一段是文件而不是文件夹"),
    errno.EEXIST: ("File exists (a part of the path is a file, not a folder)", "路径中有一段是文件而不是文件夹"),
}


class WriteError(HeatmapError, OSError):
    """A file could not be written: the message names the user's path and the reason (``errno`` kept)."""


def os_error_reason(error: OSError) -> tuple[str, str]:
    """(English, 中文) reason of an OS error, e.g. ``("No space left on device (the disk is full)", "磁盘已满")``.

    >>> os_error_reason(OSError(errno.EROFS, "Read-only file system"))
    ('Read-only file system', '文件系统为只读')
    """
    return _REASONS.get(error.errno, (error.strerror or str(error), "系统错误"))


def _write_error(error: OSError, path: Path) -> WriteError:
    english, chinese = os_error_reason(error)
    failure = WriteError(f"cannot write {path}: {english} / 无法写入 {path}：{chinese}")
    failure.errno = error.errno
    return failure


def atomic_write(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` through a temp file in the same folder, fsync and rename: readers
    see the old file or the new one, never a part. Raises :class:`WriteError` naming ``path``."""
    return atomic_write_all([(path, data)])[0]


def atomic_write_all(files: Sequence[tuple[str | Path, bytes]]) -> list[Path]:
    """Publish several files together, all or none: every file is first written to a temp file beside it and
    fsynced, then the temps are renamed in the order given, so the last file is the one that is replaced last
    (a reader in between sees the new earlier files with the old last one).

    On any failure nothing is left changed: the temps are removed and a file already renamed is put back (from a
    hard link to its earlier version, taken before the renames; where the file system has no hard links the new
    earlier file stays, beside the old last one). Stale temps of each target are swept first (:func:`sweep_temps`).

    Raises
    ------
    WriteError
        Naming the file (the user's path, never a temp) and the reason: disk full, read-only, a folder ...
    """
    paths, temps, backups, renamed = [Path(path) for path, _ in files], [], {}, []
    current = paths[0] if paths else None
    try:
        for current, (_, data) in zip(paths, files):
            temps.append(_written_temp(current, data))
        for current in paths[:-1]:
            with contextlib.suppress(OSError):  # no hard links on this file system: it cannot be put back
                backups[current] = _backup(current)
        for current, temp in zip(paths, temps):
            os.replace(temp, current)
            renamed.append(current)
        for folder in dict.fromkeys(path.parent for path in paths):
            current = folder
            _fsync_folder(folder)
    except BaseException as error:
        _undo(renamed if len(renamed) < len(paths) else [], backups, error)
        for temp in [*temps[len(renamed):], *(b for b in backups.values() if b)]:
            temp.unlink(missing_ok=True)
        if isinstance(error, OSError) and not isinstance(error, WriteError):
            raise _write_error(error, current) from error
        raise
    for backup in backups.values():
        if backup:
            backup.unlink(missing_ok=True)
    return paths


def _written_temp(path: Path, data: bytes) -> Path:
    """A temp file beside ``path`` holding ``data``, fsynced, with the mode ``path`` has (or a new file would)."""
    sweep_temps(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.is_dir():
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
    handle, temp = _new_temp(path)
    try:
        with os.fdopen(handle, "wb") as stream:
            os.fchmod(stream.fileno(), _mode_for(path))
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return temp


def _temp_name(path: Path) -> Path:
    """``.<name>.<writer's process id>-<8 hex>.tmp`` beside ``path``: the sweep knows whose it is."""
    return path.with_name(f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}.tmp")


def _writer_gone(name: str) -> bool:
    """True when the temp's writing process (its id in the name) no longer runs on this machine."""
    stem = name.rsplit(".", 2)[-2]
    pid = stem.split("-")[0] if "-" in stem else ""
    if not pid.isdigit() or int(pid) in (0, os.getpid()):
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except OSError:  # it runs, as another user
        return False
    return False


def _new_temp(path: Path) -> tuple[int, Path]:
    """(descriptor, path) of a new, empty temp file beside ``path``, created exclusively (mode 0600)."""
    for _ in range(100):
        temp = _temp_name(path)
        try:
            return os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600), temp
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no free temp file name", str(path))


def _backup(path: Path) -> Path | None:
    """A hard link (temp-named) to the file at ``path`` as it is now, or None when there is none."""
    if not os.path.lexists(path):
        return None
    temp = _temp_name(path)
    os.link(path, temp, follow_symlinks=False)
    return temp


def _undo(renamed: list[Path], backups: dict[Path, Path | None], error: BaseException) -> None:
    """Put back the files already renamed: their earlier version, or no file where there was none."""
    for path in reversed(renamed):
        if path not in backups:  # no hard link could be taken: the new file stays
            continue
        try:
            if backups[path] is None:
                path.unlink(missing_ok=True)
            else:
                os.replace(backups.pop(path), path)
        except OSError as failure:
            error.add_note(f"{path} could not be put back: {failure}")


def sweep_temps(path: str | Path, *, older_than_s: float = STALE_TEMP_S) -> list[Path]:
    """Remove the temp files of target ``path`` (``.<name>.<pid>-<8 hex>.tmp`` beside it) whose writing process is
    gone, or last modified more than ``older_than_s`` seconds ago; return them. A temp that cannot be removed is left
    with a warning."""
    path = Path(path)
    pattern = re.compile(rf"\.{re.escape(path.name)}\.(?:\d+-)?[0-9a-f]{{8}}\.tmp")
    limit, removed = time.time() - older_than_s, []
    try:
        entries = list(os.scandir(path.parent))
    except OSError:  # no folder yet, or one that cannot be listed: the write itself reports what is wrong
        return removed
    for entry in entries:
        try:
            if not (pattern.fullmatch(entry.name) and entry.is_file(follow_symlinks=False)
                    and (_writer_gone(entry.name) or entry.stat(follow_symlinks=False).st_mtime < limit)):
                continue
            os.unlink(entry.path)
        except FileNotFoundError:  # another run swept it first
            continue
        except OSError as error:
            warnings.warn(f"cannot remove the stale temp file {entry.path}: {os_error_reason(error)[0]}",
                          stacklevel=2)
            continue
        removed.append(Path(entry.path))
    return removed


def _fsync_folder(folder: Path) -> None:
    directory = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def _mode_for(path: Path) -> int:
    """Mode of the file being replaced, else the usual mode of a new file (0666 less the umask)."""
    if path.exists():
        return path.stat().st_mode & 0o777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask
