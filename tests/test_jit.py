"""Tests for textreuse.jit and the compiled alignment kernels: same results as numpy.

The numpy functions of ``local_align`` are the reference. The kernels are checked
against them whether numba is installed (compiled) or not (plain Python), and the
numpy path is checked end to end by turning the kernels off.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from textreuse import jit
from textreuse.align import kernels, local_align
from textreuse.align.local_align import AlignConfig, SeedIndex, align_hashes, seed_index

U64 = np.uint64


def related(seed: int, vocab: int, edit: float) -> tuple[np.ndarray, np.ndarray]:
    """Return two token-hash sequences that share passages, with edits and repeats."""
    rng = np.random.default_rng(seed)
    words = rng.integers(1, 2**63, size=vocab, dtype=np.int64).astype(U64)
    shared = words[rng.integers(0, vocab, size=int(rng.integers(0, 200)))]
    a = np.concatenate([words[rng.integers(0, vocab, size=int(rng.integers(0, 150)))], shared,
                        words[rng.integers(0, vocab, size=int(rng.integers(0, 150)))], shared[:40]])
    b = shared.copy()
    edits = rng.random(b.shape[0]) < edit
    b[edits] = words[rng.integers(0, vocab, size=int(edits.sum()))]
    b = np.concatenate([words[rng.integers(0, vocab, size=int(rng.integers(0, 100)))], b])
    return a, b


def fields(s: SeedIndex) -> list[list[int]]:
    return [x.tolist() for x in (s.grams, s.order, s.sorted_grams, s.rare, s.rare_positions)]


@settings(max_examples=150, deadline=None)
@given(st.integers(0, 2**32 - 1), st.sampled_from([5, 50, 5000]), st.integers(1, 4))
def test_seed_arrays_match_numpy(seed: int, vocab: int, n: int) -> None:
    a, _ = related(seed, vocab, 0.0)
    compiled = SeedIndex(*kernels.seed_arrays(a, n))
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(local_align, "_compiled", lambda: None)
        reference = seed_index(a, n=n)
    assert fields(compiled) == fields(reference)


CONFIGS = [
    AlignConfig(),
    AlignConfig(rare_word_seeds=False),
    AlignConfig(neighbour_radius=0, one_to_one=False),
    AlignConfig(seed_n=2, max_gap=5, min_words=5, max_seed_occurrences=1),
]


@settings(max_examples=200, deadline=None)
@given(
    st.integers(0, 2**32 - 1),
    st.sampled_from([20, 300, 20000]),
    st.sampled_from([0.0, 0.05, 0.3, 0.6]),
    st.sampled_from(range(len(CONFIGS))),
)
def test_compiled_alignment_matches_numpy(seed: int, vocab: int, edit: float, which: int) -> None:
    a, b = related(seed, vocab, edit)
    config = CONFIGS[which]
    got = align_hashes(a, b, config=config)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(local_align, "_compiled", lambda: None)
        expected = align_hashes(a, b, config=config)
    assert got == expected


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 2**32 - 1), st.sampled_from([20, 300, 20000]), st.sampled_from([0.0, 0.05, 0.3, 0.6])),
        max_size=6,
    ),
    st.sampled_from(range(len(CONFIGS))),
)
def test_aligning_many_pairs_at_once_is_aligning_each(pairs: list[tuple[int, int, float]], which: int) -> None:
    texts = [related(seed, vocab, edit) for seed, vocab, edit in pairs]
    config = CONFIGS[which]
    expected = [align_hashes(a, b, config=config) for a, b in texts]
    assert local_align.align_many(texts, config=config) == expected


PLAIN = """
import json, sys
import numpy as np
from textreuse.align import kernels as ak
from textreuse.index import kernels as ik
from textreuse.index.tokenize import _bmp_word_table, _codepoints
a, b = (np.array(x, dtype=np.uint64) for x in json.loads(sys.stdin.read()))
out = {}
with np.errstate(over="ignore"):
    sa, sb = ak.seed_arrays(a, 3), ak.seed_arrays(b, 3)
    out["seed_arrays"] = [x.tolist() for x in sa]
    args = (sa[2], sa[1], sb[2], sb[1], sa[3], sa[4], sb[3], sb[4], 3, 4, True, 10, 30, 25, True)
    out["align_seeds"] = ak.align_seeds(*args).tolist()
    out["align_pair"] = ak.align_pair(a, b, 3, 4, True, 10, 30, 25, True).tolist()
    words = ak.window_words(a, b, 15)
    idf = np.log(np.arange(1.0, words[4].shape[0] + 1))
    dots = ak.window_dots(*words, idf, (len(a) + 14) // 15, (len(b) + 14) // 15, 0.1)
    out["window"] = [x.tolist() for x in words + dots]
    out["cumulative_weights"] = ak.cumulative_weights(sa[1], sa[1] + 2).tolist()
    out["split_groups"] = [x.tolist() for x in ak.split_groups(sa[1] % 40, sa[1] % 300, 3, 60)]
    cps = _codepoints("The  \u201cQuick\u201d fox's 2nd test " + "Ab" * 40)
    out["word_hashes"] = [x.tolist() for x in ik.word_hashes(cps, _bmp_word_table(), False)[:3]]
    g, p, k = ik.sketch_arrays(np.concatenate([a, b]), np.array([len(a), len(b)]), 5, 4)
    out["sketch_arrays"] = [g.tolist(), p.tolist(), k.tolist()]
print(json.dumps(out))
"""


def test_kernels_run_as_plain_python() -> None:
    # With TEXTREUSE_JIT=0 the kernels are plain Python functions: the same results.
    from textreuse.align import kernels as ak
    from textreuse.index import kernels as ik
    from textreuse.index.tokenize import _bmp_word_table, _codepoints

    a, b = related(3, 300, 0.05)
    sa, sb = ak.seed_arrays(a, 3), ak.seed_arrays(b, 3)
    args = (sa[2], sa[1], sb[2], sb[1], sa[3], sa[4], sb[3], sb[4], 3, 4, True, 10, 30, 25, True)
    cps = _codepoints("The  \u201cQuick\u201d fox's 2nd test " + "Ab" * 40)
    g, p, k = ik.sketch_arrays(np.concatenate([a, b]), np.array([len(a), len(b)]), 5, 4)
    words = ak.window_words(a, b, 15)
    idf = np.log(np.arange(1.0, words[4].shape[0] + 1))
    dots = ak.window_dots(*words, idf, (len(a) + 14) // 15, (len(b) + 14) // 15, 0.1)
    expected = {
        "seed_arrays": [x.tolist() for x in sa],
        "align_seeds": ak.align_seeds(*args).tolist(),
        "align_pair": ak.align_pair(a, b, 3, 4, True, 10, 30, 25, True).tolist(),
        "window": [x.tolist() for x in words + dots],
        "cumulative_weights": ak.cumulative_weights(sa[1], sa[1] + 2).tolist(),
        "split_groups": [x.tolist() for x in ak.split_groups(sa[1] % 40, sa[1] % 300, 3, 60)],
        "word_hashes": [x.tolist() for x in ik.word_hashes(cps, _bmp_word_table(), False)[:3]],
        "sketch_arrays": [g.tolist(), p.tolist(), k.tolist()],
    }
    assert expected["align_pair"] == expected["align_seeds"] != []
    out = subprocess.run(
        [sys.executable, "-c", PLAIN], input=json.dumps([a.tolist(), b.tolist()]),
        env={**os.environ, "TEXTREUSE_JIT": "0"}, capture_output=True, text=True, check=True,
    )
    assert json.loads(out.stdout) == expected


@settings(max_examples=100, deadline=None)
@given(
    st.integers(0, 2**32 - 1),
    st.sampled_from([20, 300, 20000]),
    st.sampled_from([0.0, 0.05, 0.3]),
    st.sampled_from(range(len(CONFIGS))),
)
def test_compiled_alignment_of_seed_indexes_matches_numpy(
    seed: int, vocab: int, edit: float, which: int
) -> None:
    a, b = related(seed, vocab, edit)
    config = CONFIGS[which]
    n = config.seed_n
    got = local_align.align_indexed(seed_index(a, n=n), seed_index(b, n=n), config=config)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(local_align, "_compiled", lambda: None)
        expected = local_align.align_indexed(seed_index(a, n=n), seed_index(b, n=n), config=config)
    assert got == expected


def test_scan_is_the_same_on_both_paths(tmp_path: Path, gen) -> None:
    from textreuse import Document, scan_documents

    p = gen.words(120)
    docs = [
        Document("a", gen.prose(gen.words(50) + p + gen.words(30))),
        Document("b", gen.prose(gen.edit(p, 0.05) + gen.words(200))),
        Document("c", gen.prose(gen.words(40) + p[:60])),
    ]
    fast = scan_documents(docs, workers=1).pairs
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(local_align, "_compiled", lambda: None)
        slow = scan_documents(docs, workers=1).pairs
    assert fast == slow and len(fast) == 3


def test_jit_can_be_turned_off() -> None:
    code = (
        "from textreuse import jit; from textreuse.align import local_align as la;"
        "print(jit.enabled(), la._compiled() is None)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env={**os.environ, "TEXTREUSE_JIT": "0"},
        capture_output=True, text=True, check=True,
    )
    assert out.stdout.split() == ["False", "True"]


def test_kernel_without_a_writable_cache_compiles_in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    numba = pytest.importorskip("numba")
    if not jit.enabled():
        pytest.skip("kernels turned off")
    real = numba.njit

    def njit(*args: object, cache: bool = False, **kw: object) -> object:
        if cache:  # what numba raises when no cache folder is writable
            raise RuntimeError("cannot cache function: no locator available")
        return real(*args, **kw)

    monkeypatch.setattr(numba, "njit", njit)
    twice = jit.kernel(lambda x: x * 2)
    assert twice(21) == 42


class _Off:
    def get(self, *, wait: bool = True) -> None:
        return None


ALPHABET = st.sampled_from(
    list("abcXYZ09 .,\n\t-'") + ["é", "É", "ß", "ﬁ", "Ⅻ", "ǅ", "̈", "“", "—", "\u00a0", "😀", "𝐀", "漢", "\ufdfa", "İ"]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(ALPHABET, max_size=12) | st.just("x" * 70) | st.just("Ab" * 40), max_size=30))
def test_compiled_tokenize_matches_numpy(parts: list[str]) -> None:
    from textreuse.index import tokenize as tk

    text = " ".join(parts)
    got = tk.tokenize(text)
    assert jit.TOKENIZE.get() is None or jit.enabled()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(jit, "TOKENIZE", _Off())
        expected = tk.tokenize(text)
    for x, y in zip((got.hashes, got.starts, got.ends), (expected.hashes, expected.starts, expected.ends)):
        assert x.dtype == y.dtype and x.tolist() == y.tolist()


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 2**32 - 1), st.lists(st.integers(0, 400), min_size=1, max_size=12))
def test_compiled_sketches_match_numpy(seed: int, sizes: list[int]) -> None:
    from textreuse.index.candidates import IndexConfig, sketch_many

    rng = np.random.default_rng(seed)
    words = rng.integers(1, 2**63, size=60, dtype=np.int64).astype(U64)  # repeats n-grams
    docs = [words[rng.integers(0, 60, size=k)] for k in sizes]
    for config in (IndexConfig(), IndexConfig(shingle_n=2, sample=1)):
        got = sketch_many(docs, config=config)
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(jit, "TOKENIZE", _Off())
            expected = sketch_many(docs, config=config)
        assert [(s.hashes.tolist(), s.positions.tolist(), s.positions.dtype) for s in got] == [
            (s.hashes.tolist(), s.positions.tolist(), s.positions.dtype) for s in expected
        ]


def test_loading_kernels_does_not_import_scipy_linalg() -> None:
    # numba's BLAS probe imports scipy.linalg (0.1-0.3 s) for functions no kernel uses;
    # numba code that needs BLAS still gets it, checked when it compiles.
    pytest.importorskip("numba")
    pytest.importorskip("scipy.linalg")
    code = (
        "import sys, numba, numpy as np\n"
        "from textreuse import jit\n"
        "jit.load_all()\n"
        "before = 'scipy.linalg' in sys.modules\n"
        "dot = numba.njit(lambda a, b: np.dot(a, b))\n"
        "corr = numba.njit(lambda a, b: np.correlate(a, b))\n"
        "x = np.arange(3.0)\n"
        "print(before, dot(x, x), corr(x, x)[0])\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "TEXTREUSE_JIT"}
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert run.stdout.split() == ["False", "5.0", "5.0"]


# ---------------------------------------------------------------- cold cache


def _kernel_module(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    source = folder / "kernels.py"
    source.write_text(
        "from textreuse.jit import kernel\n\n\n@kernel\ndef double(x):\n    return 2 * x\n\n\ndef plain(x):\n    return x\n",
        encoding="utf-8",
    )
    return source


def test_cold_names_the_cache_index_of_each_kernel(tmp_path: Path) -> None:
    source = _kernel_module(tmp_path / "pkg")
    tag = f"py{sys.version_info.major}{sys.version_info.minor}"
    assert jit.cached_names(source) == [f"kernels.double-4.{tag}.nbi"]


def test_cold_until_numba_has_cached_every_kernel(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("numba")
    monkeypatch.delenv("TEXTREUSE_JIT", raising=False)
    monkeypatch.setenv("NUMBA_CACHE_DIR", str(tmp_path / "cache"))
    source = _kernel_module(tmp_path / "pkg")
    assert jit.cold([source])
    (tmp_path / "cache" / "some" / "subpath").mkdir(parents=True)
    index = tmp_path / "cache" / "some" / "subpath" / jit.cached_names(source)[0]
    index.write_bytes(b"")
    assert not jit.cold([source])
    os.utime(source, (index.stat().st_mtime + 10, index.stat().st_mtime + 10))  # the source was edited since
    assert jit.cold([source])


def test_never_cold_when_the_kernels_are_turned_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEXTREUSE_JIT", "0")
    assert not jit.cold([_kernel_module(tmp_path / "pkg")])


def test_the_installed_kernels_are_warm_after_loading() -> None:
    jit.load_all()
    assert not jit.cold() or not jit.enabled()


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(3, 80), st.sampled_from([0, 3, 10]))
def test_compiled_chain_cut_keeps_the_numpy_seeds(seed: int, m: int, limit: int) -> None:
    # A passage's diagonal with drift, repeated coordinates and seeds far off it.
    rng = np.random.default_rng(seed)
    i = np.sort(rng.integers(0, 3 * m, size=m)).astype(np.int64)
    j = i + rng.integers(0, 4, size=m).cumsum() + 50
    off = rng.random(m) < 0.2
    j[off] = rng.integers(0, 6 * m + 60, size=int(off.sum()))
    kept = kernels._on_chain(i, j, np.arange(m, dtype=np.int64), limit)
    assert sorted(kept.tolist()) == np.flatnonzero(local_align.on_chain(i, j, limit=limit)).tolist()
