"""Temporary files of runs that never finished: found by the process id in their name, removed.

Every output is written under a temporary name beside its target and renamed when
complete: ``.NAME.tmp-PID`` (a database, its ``.wal``, a report or export folder) and
``.NAME.old-PID`` (the output it replaces, while it is being replaced). A run killed
before it could clean up (SIGKILL, a power cut) leaves them behind; the next run that
writes the same target removes those whose process is gone. A file of a process still
running is another run's work, and is left alone.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

_LEFTOVER = re.compile(r"\.(?P<name>.+)\.(?P<kind>tmp|old)-(?P<pid>\d+)(?:\.wal)?")


def alive(pid: int) -> bool:
    """Return whether process `pid` exists (one of another user's counts as alive).

    >>> alive(os.getpid())
    True
    """
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale(target: str | Path) -> list[Path]:
    """Remove the temporary files and folders left beside `target` by runs whose process
    is gone; return what was removed. An old output moved aside comes back when there
    is no output at `target`."""
    path = Path(target)
    folder = path.parent
    removed: list[Path] = []
    try:
        names = os.listdir(folder)
    except OSError:
        return removed
    for name in names:
        m = _LEFTOVER.fullmatch(name)
        if m is None or m.group("name") != path.name or alive(int(m.group("pid"))):
            continue
        leftover = folder / name
        if m.group("kind") == "old" and not os.path.lexists(path):
            # Killed between moving the old output aside and putting the new one in
            # place: the old one is the only whole output there is, so it comes back.
            os.replace(leftover, path)
            continue
        if leftover.is_dir() and not leftover.is_symlink():
            shutil.rmtree(leftover, ignore_errors=True)
        else:
            leftover.unlink(missing_ok=True)
        removed.append(leftover)
    return removed


def replace_folder(tmp: Path, target: Path) -> None:
    """Put the finished folder `tmp` in place of `target`: the old one moves aside as
    ``.NAME.old-PID`` first and is removed after, so `target` is never a mix of the two.

    >>> import tempfile
    >>> root = Path(tempfile.mkdtemp())
    >>> (root / "new").mkdir(); (root / "new" / "a").write_text("2"); (root / "out").mkdir()
    1
    >>> replace_folder(root / "new", root / "out")
    >>> sorted(p.name for p in root.iterdir()), (root / "out" / "a").read_text()
    (['out'], '2')
    """
    old = target.with_name(f".{target.name}.old-{os.getpid()}")
    if target.exists():
        os.replace(target, old)
    os.replace(tmp, target)
    shutil.rmtree(old, ignore_errors=True)
