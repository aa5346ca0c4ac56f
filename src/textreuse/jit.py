"""Compiled kernels: numba when it is installed, the numpy reference code otherwise.

Per-pair alignment works on arrays of a few hundred seeds, where each numpy call
costs more in overhead than in work; a compiled loop over the seeds does the same in
a fraction of the time. Kernels are plain Python functions over numpy arrays, so they
also run (slowly) without numba, which is how tests check them against the numpy
code. ``TEXTREUSE_JIT=0`` turns them off: every stage then takes its numpy path.

A scan loads the kernels on a thread while it reads (see :func:`load_all`); until
they are ready, tokenising takes the numpy path, which gives the same tokens.

Compiled code is cached on disk next to the module (or in numba's user cache when
that folder is read-only), so only the first run after an install or an edit pays
the compilation; with no writable place at all, each process compiles again.

>>> kernel(lambda x: x + 1)(1)
2
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import os
import sys
import threading
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path
from types import ModuleType
from typing import Any, TypeVar, cast

F = TypeVar("F", bound=Callable[..., Any])


@lru_cache(maxsize=1)
def enabled() -> bool:
    """Return whether compiled kernels are used: numba is installed and not turned off."""
    if _turned_off():
        return False
    try:
        import numba  # noqa: F401
    except ImportError:
        return False
    _skip_blas_probe()
    return True


def _skip_blas_probe() -> None:
    """Keep numba from importing ``scipy.linalg`` only to learn whether BLAS is there.

    When it loads its first kernel, numba imports ``numba.np.arraymath``, which imports
    ``scipy.linalg`` when scipy is installed (0.1-0.3 s) to decide whether
    ``np.correlate`` / ``np.convolve`` may call BLAS; without it they run a plain loop.
    No kernel here uses them, so that module is imported with the probe saying no.
    ``np.dot`` and the rest of ``np.linalg`` are unaffected: they check for BLAS
    themselves when a kernel using them is compiled.
    """
    if "scipy.linalg" in sys.modules or "numba.np.arraymath" in sys.modules:
        return  # nothing to save
    try:
        import numba.np.linalg as linalg
    except ImportError:  # pragma: no cover - another numba layout: let it probe
        return
    probe = getattr(linalg, "ensure_blas", None)
    if probe is None:  # pragma: no cover
        return

    def absent() -> None:
        raise ImportError("BLAS not probed")

    linalg.ensure_blas = absent
    try:
        import numba.np.arraymath as arraymath
    finally:
        linalg.ensure_blas = probe
    names = vars(arraymath)  # it imported the probe by name: give it the real one back
    if names.get("ensure_blas") is absent:
        names["ensure_blas"] = probe


def kernel(fn: F) -> F:
    """Return `fn` compiled with numba's ``njit`` when :func:`enabled`, else `fn` itself."""
    if not enabled():
        return fn
    import numba

    try:
        return cast(F, numba.njit(cache=True, nogil=True)(fn))
    except RuntimeError:  # no writable cache folder: compile in each process instead
        return cast(F, numba.njit(nogil=True)(fn))


class Loader:
    """A module of kernels, imported and warmed up once, by whichever thread asks first."""

    def __init__(self, module: str) -> None:
        self.module = module
        self._lock = threading.Lock()
        self._done = False
        self._kernels: ModuleType | None = None

    def get(self, *, wait: bool = True) -> ModuleType | None:
        """Return the kernels module, or None when turned off.

        Without `wait`, also None while another thread is still loading it (the caller
        takes its numpy path meanwhile).
        """
        if self._done:
            return self._kernels
        if not wait and self._lock.locked():
            return None
        with self._lock:
            if not self._done:
                if enabled():
                    kernels = importlib.import_module(self.module)
                    kernels.warm_up()
                    self._kernels = kernels
                self._done = True
        return self._kernels


TOKENIZE = Loader("textreuse.index.kernels")
ALIGN = Loader("textreuse.align.kernels")


def load_all() -> None:
    """Load every kernel module: tokenising's first, as a scan needs it first."""
    TOKENIZE.get()
    ALIGN.get()


# The modules whose kernels load_all compiles, as files beside this one.
KERNEL_SOURCES = (Path(__file__).parent / "index" / "kernels.py", Path(__file__).parent / "align" / "kernels.py")


def _turned_off() -> bool:
    return os.environ.get("TEXTREUSE_JIT", "1").strip().lower() in ("0", "false", "no", "off")


def cached_names(source: Path) -> list[str]:
    """Return the file names of the cache indexes numba writes for the kernels of `source`.

    numba names them ``MODULE.FUNCTION-LINE.pyXY.nbi``, LINE being the first line of the
    decorated definition (its ``@kernel`` line).
    """
    tree = ast.parse(source.read_text(encoding="utf-8"))
    tag = f"py{sys.version_info.major}{sys.version_info.minor}"
    names = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and any(
            isinstance(d, ast.Name) and d.id == "kernel" for d in node.decorator_list
        ):
            names.append(f"{source.stem}.{node.name}-{node.decorator_list[0].lineno}.{tag}.nbi")
    return names


def _cache_folders(source: Path) -> list[Path]:
    # Where numba looks, in its order: NUMBA_CACHE_DIR, beside the source, the user's cache.
    given = os.environ.get("NUMBA_CACHE_DIR")
    if given:
        return [Path(given)]
    home = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return [source.parent / "__pycache__", home / "numba"]


def cold(sources: Iterable[Path] = KERNEL_SOURCES) -> bool:
    """Return whether the next run compiles kernels: numba is used and its disk cache
    lacks a kernel of `sources`, or holds one older than its source.

    Checked on file names and dates, without importing numba (which takes a second).
    """
    if _turned_off() or importlib.util.find_spec("numba") is None:
        return False
    for source in sources:
        stamp = source.stat().st_mtime
        folders = [f for f in _cache_folders(source) if f.is_dir()]
        for name in cached_names(source):
            found = [p for f in folders for p in ([f / name] if f.name == "__pycache__" else f.rglob(name))]
            if not any(p.is_file() and p.stat().st_mtime >= stamp for p in found):
                return True
    return False
