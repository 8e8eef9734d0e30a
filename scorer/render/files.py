"""Writing reports whole or not at all, and cleaning up what a killed run left behind."""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
import tempfile
from pathlib import Path

# Temporary files are named ``.scorer-PID-RANDOM.tmp``: a fixed length whatever the report's name
# (so a long name never makes it too long), unpredictable (mkstemp: O_EXCL, O_NOFOLLOW, so a
# planted link is never written through), and carrying the PID, so that a later run can tell a
# file left by a killed run (its process gone) from one another run is writing now.
TEMP_PREFIX = ".scorer-"
TEMP_SUFFIX = ".tmp"
_OUR_TEMP = re.compile(r"\.scorer-(\d+)-[a-z0-9_]{8}\.tmp\Z")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # it exists but is not ours to signal
        return True
    return True


def remove_stale_temporaries(folder: str | Path) -> list[Path]:
    """Remove the temporary files a killed run left in ``folder``: only names of our own making,
    only regular files (never a link), only ours, only when the process that made them is gone."""
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        found = _OUR_TEMP.match(entry.name)
        if not found or int(found.group(1)) == os.getpid() or _alive(int(found.group(1))):
            continue
        try:
            info = entry.stat(follow_symlinks=False)
            if stat.S_ISREG(info.st_mode) and info.st_uid == os.getuid():
                os.unlink(entry.path)
                removed.append(Path(entry.path))
        except OSError:
            continue
    return removed


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def probe_folder(path: str | Path) -> None:
    """Raise the OSError writing ``path`` would meet in its folder (missing, not a folder, no
    permission, read-only, name too long), before any work: a temporary file is made and removed
    there, and the name checked against the folder's limits."""
    path = Path(path)
    folder = path.parent
    descriptor, temporary = tempfile.mkstemp(TEMP_SUFFIX, f"{TEMP_PREFIX}{os.getpid()}-", folder)
    os.close(descriptor)
    os.unlink(temporary)
    name_max = os.pathconf(folder, "PC_NAME_MAX")
    if len(os.fsencode(path.name)) > name_max:
        raise OSError(errno.ENAMETOOLONG, os.strerror(errno.ENAMETOOLONG), str(path))


def write_atomic(path: str | Path, data: bytes) -> None:
    """Write a whole file or nothing: a temporary file beside it (see TEMP_PREFIX), then a
    rename. The file gets the permissions a plain open() would give it: an existing file's, or
    0666 less the umask. On any failure the temporary file is removed and the error raised."""
    path = Path(path)
    folder = path.parent
    remove_stale_temporaries(folder)
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        mode = 0o666 & ~_umask()
    descriptor, temporary = tempfile.mkstemp(TEMP_SUFFIX, f"{TEMP_PREFIX}{os.getpid()}-", folder)
    try:
        try:
            os.fchmod(descriptor, mode)
            view = memoryview(data)
            while view:
                view = view[os.write(descriptor, view) :]
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
