"""What one input may cost: regular files only, a size cap per document, names that can be stored.

A scan reads whatever a folder holds, and a folder may hold a FIFO (reading it waits
forever), a link to ``/dev/zero`` (reading it fills memory), a 200 MB log, or a file
name in Latin-1. Each is one reject with its reason; the other files are read.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from textreuse.model import Reject

# The default cap on one document's bytes (``--max-doc-bytes``). DuckDB stores a text in
# one block of its buffer pool, and the text, its tokens and its alignment arrays are
# held at once: a single text past a few hundred MB is a log or a dump, not a document.
MAX_DOC_BYTES = 64_000_000

# What `os.stat` calls each kind of file that is not a regular one, for the reject.
_KINDS = (
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISDIR, "a folder"),
)


def shown(path: Path | str) -> str:
    """Return `path` as it can be stored and printed: bytes that are not UTF-8 as ``\\xNN``.

    >>> shown(Path(os.fsdecode(b"latin1-\\xe9.txt"))), shown("caf\\u00e9.txt")
    ('latin1-\\\\xe9.txt', 'café.txt')
    """
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def bad_name(path: Path) -> Reject | None:
    """Return a reject if the path of `path` is not valid UTF-8 (it could not be stored as an id), else None.

    >>> bad_name(Path(os.fsdecode(b"latin1-\\xe9.txt"))).kind, bad_name(Path("ok.txt"))
    ('bad_name', None)
    """
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:
        return Reject(
            shown(path),
            "file name is not valid UTF-8 (its bytes are shown as \\xNN); rename it to UTF-8 "
            "(convmv -f latin1 -t utf-8 --notest FILE) to read it",
            kind="bad_name",
        )
    return None


def size_reject(where: str, size: int, cap: int, *, line: int | None = None, what: str = "file") -> Reject:
    """Return the reject of a document of `size` bytes over the `cap`.

    >>> size_reject("big.txt", 200_000_000, 64_000_000).reason
    'file is 200.0 MB, over the 64 MB cap for one document; raise it with --max-doc-bytes (IngestConfig.max_doc_bytes) to read it'
    """
    return Reject(
        where,
        f"{what} is {size / 1e6:.1f} MB, over the {cap / 1e6:g} MB cap for one document; "
        "raise it with --max-doc-bytes (IngestConfig.max_doc_bytes) to read it",
        line=line,
        kind="too_large",
    )


def not_regular(path: Path, mode: int) -> Reject:
    """Return the reject of a path that is not a regular file (what it is, and what to do)."""
    what = next((name for test, name in _KINDS if test(mode)), "not a regular file")
    via = " (through a symbolic link)" if path.is_symlink() else ""
    return Reject(
        shown(path),
        f"{what}{via}, not a regular file; only regular files are read (copy its content to a file to read it)",
        kind="not_a_file",
    )


def read_regular(path: Path, *, limit: int | None = None, what: str = "file") -> bytes | Reject:
    """Return the bytes of the regular file at `path` (symbolic links followed to one), or a reject.

    The file is opened without blocking and checked before a byte is read, so a FIFO
    or a device is refused rather than waited on or read forever. With `limit`, a file
    of more bytes is rejected unread (kind ``too_large``).
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        return _os_reject(path, exc)
    refused: Reject | None = None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            refused = not_regular(path, info.st_mode)
        elif limit is not None and info.st_size > limit:
            refused = size_reject(shown(path), info.st_size, limit, what=what)
        else:
            os.set_blocking(fd, True)
            handle = os.fdopen(fd, "rb")  # owns the descriptor from here: it alone closes it
    except BaseException as exc:
        os.close(fd)
        if isinstance(exc, OSError):
            return _os_reject(path, exc)
        raise
    if refused is not None:
        os.close(fd)
        return refused
    try:
        with handle:
            data = handle.read() if limit is None else handle.read(limit + 1)
    except OSError as exc:
        return _os_reject(path, exc)
    if limit is not None and len(data) > limit:  # it grew while read
        return size_reject(shown(path), len(data), limit, what=what)
    return data


def open_regular(path: Path) -> int | Reject:
    """Return a blocking file descriptor open on the regular file at `path`, or a reject."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        return _os_reject(path, exc)
    try:
        info = os.fstat(fd)
    except OSError as exc:
        os.close(fd)
        return _os_reject(path, exc)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        return not_regular(path, info.st_mode)
    os.set_blocking(fd, True)
    return fd


def check_regular(path: Path) -> Reject | None:
    """Return a reject if `path` is not a regular file (or a link to one), else None; reads nothing."""
    try:
        info = os.stat(path)
    except OSError as exc:
        return _os_reject(path, exc)
    return None if stat.S_ISREG(info.st_mode) else not_regular(path, info.st_mode)


def _os_reject(path: Path, exc: OSError) -> Reject:
    why = exc.strerror or str(exc)
    if isinstance(exc, FileNotFoundError) and path.is_symlink():
        return Reject(shown(path), f"broken symbolic link (to {shown(os.readlink(path))}); fix or remove the link",
                      kind="not_a_file")
    if isinstance(exc, PermissionError):
        return Reject(shown(path), f"cannot read file: {why}; give read permission (chmod +r) to read it",
                      kind="unreadable")
    return Reject(shown(path), f"cannot read file: {why}")
