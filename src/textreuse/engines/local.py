"""The local engine: runs the stages on one machine, over all its cores.

It only schedules: reading, tokenising and sketching, candidate search, alignment,
relating and stories are the stage functions. Worker processes are forked after the
documents are loaded, so they read them without copying them through pipes.
"""

from __future__ import annotations

import gc
import multiprocessing as mp
import os
import queue
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import pyarrow as pa

from textreuse import interrupts, jit
from textreuse.align.local_align import (
    align_hashes,
)
from textreuse.clean.boilerplate import Edges, edges, mark
from textreuse.clean.encoding import Step, forget_first_passes
from textreuse.clean.matching import Prepared, prepare, prepare_many
from textreuse.clean.recurring import PackedEdges, recurring_marks
from textreuse.clean.witness import WitnessJob, try_repair, witness_repairs
from textreuse.config import Config
from textreuse.engines import spill
from textreuse.index.candidates import Sketch, fingerprint, search, sketch_many
from textreuse.index.sketchfile import SketchFile
from textreuse.index.tokenize import Tokens
from textreuse.ingest.read import IngestConfig, read_inputs
from textreuse.interrupts import worker_signals
from textreuse.model import RELATIONS, Annotation, Document, Pair, Reject
from textreuse.progress import Advance, Reporter
from textreuse.progress import Silent as _Silent
from textreuse.relate.pairs import held_by_copies, relate, whole
from textreuse.relate.provenance import Evidence, direct_pairs
from textreuse.relate.stories import Story, all_pairs, build_stories, tree_pairs
from textreuse.relate.tasks import Relater, task_docs
from textreuse.store import arrow, postings

T = TypeVar("T")
R = TypeVar("R")

@dataclass
class ScanResult:
    """Everything one scan found: documents, rejects, pairs, stories and timings.

    ``annotations`` and ``repairs`` hold, per document id, its boilerplate lines and the
    steps of its encoding repair (documents with none are left out).
    """

    documents: Sequence[Document]
    rejects: list[Reject]
    pairs: list[Pair]
    stories: list[Story] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    candidates: int = 0
    annotations: dict[str, tuple[Annotation, ...]] = field(default_factory=dict)
    repairs: dict[str, tuple[Step, ...]] = field(default_factory=dict)
    evidence: dict[tuple[str, str], tuple[Evidence, ...]] = field(default_factory=dict)
    index: postings.ScanIndex | None = None

    def tables(self, names: Iterable[str] | None = None) -> dict[str, pa.Table]:
        """Return the results as Arrow tables: documents, rejects, pairs, passages, stories,
        story members, annotations (boilerplate lines), repairs (encoding repair steps),
        evidence and the index.

        `names` picks some of them (the others are not built).
        """
        build = {
            "documents": lambda: pa.concat_tables(arrow.documents_tables(self.documents)),
            "rejects": lambda: arrow.rejects_table(self.rejects),
            "pairs": lambda: arrow.pairs_table(self.pairs),
            "passages": lambda: arrow.passages_table(self.pairs),
            "stories": lambda: arrow.stories_table(self.stories),
            "story_members": lambda: arrow.story_members_table(self.stories),
            "annotations": lambda: arrow.annotations_table(self.annotations),
            "repairs": lambda: arrow.repairs_table(self.repairs),
            "evidence": lambda: arrow.evidence_table(self.evidence),
            "postings": lambda: self._index().postings(),
            "index_documents": lambda: self._index().documents(),
        }
        return {name: build[name]() for name in (build if names is None else names)}

    def _index(self) -> postings.ScanIndex:
        return self.index or postings.ScanIndex([], [], [], [], {})

    def all_pairs(self) -> list[Pair]:
        """Return every pair of members of each story (what ``pairs --all`` lists): the
        stories' tree pairs as aligned, the others with passages mapped through them."""
        return all_pairs(self.stories, dict(zip((d.id for d in spill.bare(self.documents)), spill.chars(self.documents))))

    @property
    def pairs_table(self) -> pa.Table:
        """Return the pairs as an Arrow table (``.to_pandas()`` for a DataFrame)."""
        return arrow.pairs_table(self.pairs)

    @property
    def passages_table(self) -> pa.Table:
        """Return the aligned passages as an Arrow table, raw offsets into both documents."""
        return arrow.passages_table(self.pairs)

    def save(self, db: str | Path, *, meta: dict[str, Any] | None = None) -> None:
        """Write the results to a new DuckDB database at `db`, replacing it atomically."""
        from textreuse.store import duckdb as store

        store.write(db, self.tables(), self.run_meta(meta))

    def run_meta(self, meta: dict[str, Any] | None = None) -> dict[str, Any]:
        """Return what the database's `runs` table records: version, summary and `meta`."""
        from textreuse import __version__

        index = {postings.INDEX_KEY: self.index.meta} if self.index is not None else {}
        return {"version": __version__, "summary": self.counts(), **index, **(meta or {})}

    def counts(self) -> dict[str, Any]:
        """Return the summary counts: documents, rejects, candidates, pairs by relation, stories."""
        by_relation = {r: 0 for r in RELATIONS}
        for p in self.pairs:
            by_relation[p.relation] += 1
        return {
            "documents": len(self.documents),
            "rejected": len(self.rejects),
            "rejected_by_kind": dict(Counter(r.kind or "other" for r in self.rejects).most_common()),
            "candidates": self.candidates,
            "pairs": len(self.pairs),
            "pairs_by_relation": by_relation,
            "stories": len(self.stories),
            "repaired": len(self.repairs),
            "with_boilerplate": len(self.annotations),
            "seconds": {k: round(v, 3) for k, v in self.seconds.items()},
        }


# Set before worker processes fork; read-only in the workers.
_STATE: dict[str, Any] = {}


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a scan runs.

    A scan makes millions of objects that live until it ends (documents, tokens, edge
    lines, pairs) and almost no reference cycles (757 objects on the 20k benchmark
    corpus), yet each full collection walks every live object: on that corpus nine of
    them took 1.3 s of an 11.4 s scan. Reference counting still frees the rest at once.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def default_workers() -> int:
    """Return the number of cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def _chunks(items: Sequence[T], size: int) -> list[Sequence[T]]:
    return [items[k : k + size] for k in range(0, len(items), size)]


def run_parallel(
    fn: Callable[[Sequence[T]], R], items: Sequence[T], *, workers: int, advance: Advance, chunk: int
) -> Iterator[R]:
    """Yield ``fn(chunk)`` for consecutive chunks of `items`, in order, on `workers` processes."""
    chunks = _chunks(items, chunk)
    if workers <= 1 or len(chunks) <= 1:
        for c in chunks:
            interrupts.check()
            yield fn(c)
            advance(len(c))
        return
    with mp.get_context("fork").Pool(min(workers, len(chunks)), initializer=worker_signals) as pool:
        for c, result in zip(chunks, pool.imap(fn, chunks)):
            interrupts.check()
            yield result
            advance(len(c))


_Sketched = tuple[int, Sketch, "Tokens | None", tuple[Step, ...], tuple[Annotation, ...], "Edges | None"]


def _sketch_chunk(ids: Sequence[int]) -> list[_Sketched | str]:
    """Repair, set pattern boilerplate aside, tokenise and sketch documents `ids`.

    Each document's head and tail lines come back too, read once, for the corpus
    survey of recurring lines that follows the candidate search. A chunk that fails is
    done again one document at a time: a document that fails alone comes back as the
    text of its error, and costs only itself.
    """
    try:
        return list(_sketch_docs(ids))
    except Exception:  # noqa: BLE001 - found again below, document by document
        pass
    out: list[_Sketched | str] = []
    for k in ids:
        try:
            out += _sketch_docs([k])
        except Exception as exc:  # noqa: BLE001 - one document's failure costs only it
            out.append(f"{type(exc).__name__}: {exc}")
    return out


def _sketch_docs(ids: Sequence[int]) -> list[_Sketched]:
    docs: list[Document] = _STATE["docs"]
    config: Config = _STATE["config"]
    keep = _STATE["keep_tokens"]
    texts = [docs[k].raw_text for k in ids]
    survey_on = config.boilerplate.recurring
    read = [edges(t, config=config.boilerplate) if survey_on else None for t in texts]
    marks = [mark(t, config=config.boilerplate, read=r) for t, r in zip(texts, read)]
    prepared = prepare_many(texts, annotations=marks, encoding=config.encoding)
    sketches = sketch_many([p.tokens.hashes for p in prepared], config=config.index)
    return [
        (fingerprint(p.tokens.hashes) if len(p.tokens) else 0, s, p.tokens if keep else None, p.steps, p.annotations, r)
        for p, s, r in zip(prepared, sketches, read)
    ]


# Bytes of token arrays per character of text (a word of ~6 characters costs 24 bytes).
TOKEN_BYTES_PER_CHAR = 4


def _relate_chunk(tasks: Sequence[tuple[int, int]]) -> tuple[list[Pair], list[tuple[tuple[int, int], str]]]:
    """Return :func:`_relate_tasks` of `tasks`, and the tasks that failed with their error.

    A chunk that fails is done again one task at a time, so a failing pair costs only itself.
    """
    try:
        return _relate_tasks(tasks), []
    except Exception:  # noqa: BLE001 - found again below, task by task
        pass
    pairs: list[Pair] = []
    errors: list[tuple[tuple[int, int], str]] = []
    for task in tasks:
        try:
            pairs += _relate_tasks([task])
        except Exception as exc:  # noqa: BLE001 - one pair's failure costs only it
            errors.append((task, f"{type(exc).__name__}: {exc}"))
    return pairs, errors


def _relate_tasks(tasks: Sequence[tuple[int, int]]) -> list[Pair]:
    """Return :meth:`Relater.relate` of `tasks` over the documents of this process's state."""
    relater = _STATE.get("relater")
    if relater is None:
        relater = _STATE["relater"] = Relater(
            _STATE["docs"], _STATE["groups"], _STATE["config"], kept=_STATE["kept"], marks=_STATE["marks"],
            repairs=_STATE["repairs"],
        )
    return relater.relate(tasks)


@collector_paused()
def scan_documents(
    docs: Sequence[Document],
    rejects: list[Reject] | None = None,
    *,
    workers: int | None = None,
    config: Config = Config(),
    reporter: Reporter | None = None,
    token_memory: int = 512 << 20,
    emit: Callable[[str, Callable[[], pa.Table]], None] | None = None,
    tmp: str | Path | None = None,
) -> ScanResult:
    """Return the pairs and stories of documents already read.

    When the corpus's tokens fit in `token_memory` bytes and one process does the
    work, those of the index stage are kept for alignment instead of tokenising the
    documents again (sending them back from worker processes costs more than that).

    `emit` is handed each result table that is final before the scan ends (its name and
    a function that builds it), so a writer can store it meanwhile. The sketches of the
    index stage wait on disk under `tmp` (:mod:`textreuse.index.sketchfile`).
    """
    reporter = reporter or _Silent()
    workers = workers or default_workers()
    seconds: dict[str, float] = {}
    _STATE.clear()
    keep = workers == 1 and sum(spill.chars(docs)) * TOKEN_BYTES_PER_CHAR <= token_memory
    _STATE.update(docs=docs, config=config, keep_tokens=keep)
    if workers > 1:
        # Loaded before forking, so the workers inherit the compiled code (and no
        # thread is loading it while they fork).
        jit.load_all()

    t0 = time.perf_counter()
    # The sketches of the documents compared (the first of each set of exact duplicates)
    # wait on disk until the candidate search, and again until the postings are written.
    rep_file = SketchFile(tmp)
    n_indexed = 0
    kept: dict[int, Tokens] = {}
    marks: dict[int, tuple[Annotation, ...]] = {}
    repairs: dict[int, tuple[Step, ...]] = {}
    read = PackedEdges()  # a tenth of their size as objects
    by_print: dict[int, list[int]] = defaultdict(list)
    failed: list[Reject] = []
    indexed: list[int] = []
    with reporter.stage("index", len(docs)) as advance:
        ids = list(range(len(docs)))
        done = 0
        for chunk_result in run_parallel(_sketch_chunk, ids, workers=workers, advance=advance, chunk=256):
            chunk_sketches: list[Sketch] = []
            for entry in chunk_result:
                done += 1
                if isinstance(entry, str):
                    doc = docs[done - 1]
                    failed.append(Reject(doc.source_path, f"internal error while indexing document {doc.id!r}: {entry}; "
                                         "it is left out of the results (please report it)", kind="internal"))
                    continue
                indexed.append(done - 1)
                fp, sk, tokens, steps, annotations, doc_edges = entry
                k, n_indexed = n_indexed, n_indexed + 1
                read.append(doc_edges)
                if tokens is not None:
                    kept[k] = tokens
                if steps:
                    repairs[k] = steps
                if annotations:
                    marks[k] = annotations
                if fp:
                    if fp not in by_print:
                        chunk_sketches.append(sk)
                    by_print[fp].append(k)
            rep_file.add(chunk_sketches)
            del chunk_result, chunk_sketches
    if failed:
        # Documents are numbered by their place in the list: the failed ones leave it.
        docs = docs.select(indexed) if isinstance(docs, spill.Spilled) else [docs[k] for k in indexed]
        _STATE["docs"] = docs
    groups = {members[0]: members for members in by_print.values() if len(members) > 1}
    reps = [members[0] for members in by_print.values()]
    reps.sort()
    seconds["index"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    with reporter.stage("candidates", None):
        found_candidates = search(rep_file.chunks(), len(rep_file), rep_file.n_entries, config=config.index, tmp=tmp)
    a, b = found_candidates.a, found_candidates.b
    # Kept for the database, so that `textreuse trace` needs no rescan.
    doc_ids = [d.id for d in spill.bare(docs)]
    index = postings.ScanIndex.build(
        doc_ids, by_print, reps, rep_file, config, found_candidates.priority.tolist()
    )
    if emit is not None:
        emit("postings", index.postings_tables)
        emit("index_documents", index.documents)
    rep_index = np.array(reps, dtype=np.int64)
    tasks = [(int(x), int(y)) for x, y in zip(rep_index[a], rep_index[b])]
    anchored = {
        (doc_ids[int(x)], doc_ids[int(y)])
        for x, y in zip(rep_index[a[found_candidates.anchored]], rep_index[b[found_candidates.anchored]])
    }
    tasks += [(r, -1) for r in sorted(groups)]
    seconds["candidates"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    with reporter.stage("boilerplate", None):
        if config.boilerplate.recurring:
            # A line recurs only across groups of copies of an article (survey_groups).
            recurring_marks(docs, read, groups.values(), marks, kept, config=config.boilerplate, failed=failed)
    del read
    _STATE["marks"] = marks
    boilerplate = {doc_ids[k]: v for k, v in marks.items()}
    if emit is not None:
        emit("annotations", lambda: arrow.annotations_table(boilerplate))
    seconds["boilerplate"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    needed = {m for task in tasks for m in task_docs(task, groups)}
    _STATE["kept"] = {k: v for k, v in kept.items() if k in needed}
    del kept
    seconds["candidates"] += time.perf_counter() - t0

    t0 = time.perf_counter()
    pairs: list[Pair] = []
    _STATE["groups"] = groups
    _STATE["repairs"] = repairs  # as the index stage left them (the witness pass comes after)
    with reporter.stage("align", len(tasks)) as advance:
        for found, errors in run_parallel(_relate_chunk, tasks, workers=workers, advance=advance, chunk=64):
            pairs.extend(found)
            for (ra, rb), error in errors:
                what = f"aligning {doc_ids[ra]!r} with {doc_ids[rb]!r}" if rb >= 0 else f"pairing the copies of {doc_ids[ra]!r}"
                failed.append(Reject(docs[ra].source_path, f"internal error while {what}: {error}; "
                                     "those pairs are left out (please report it)", kind="internal"))
    pairs = held_by_copies(pairs, anchored, groups={doc_ids[r]: [doc_ids[m] for m in ms] for r, ms in groups.items()})
    pairs.sort(key=lambda p: (p.doc_a, p.doc_b))
    seconds["align"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    with reporter.stage("repair", None):
        try:
            _STATE.update(docs=docs, config=config)
            witness_repairs(
                docs, pairs, repairs, config=config.encoding, failed=failed,
                run=lambda jobs: [s for chunk in run_parallel(_witness_chunk, jobs, workers=workers, advance=lambda n: None,
                                                              chunk=32) for s in chunk],
            )
        finally:
            forget_first_passes()
    seconds["repair"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    with reporter.stage("provenance", None):
        pairs, found_evidence = direct_pairs(docs, pairs, marks, config=config.provenance, failed=failed)
    seconds["provenance"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    with reporter.stage("stories", None):
        stories = build_stories(pairs, {d.id: d for d in spill.bare(docs)})
        # The pairs a scan reports are the stories' tree edges: n - 1 for n members.
        pairs = tree_pairs(stories)
        found_evidence = {(p.doc_a, p.doc_b): found_evidence[(p.doc_a, p.doc_b)] for p in pairs
                          if (p.doc_a, p.doc_b) in found_evidence}
    seconds["stories"] = time.perf_counter() - t0
    _STATE.clear()
    return ScanResult(
        docs,
        list(rejects or []) + failed,
        pairs,
        stories,
        seconds,
        candidates=len(a),
        annotations=boilerplate,
        repairs={doc_ids[k]: repairs[k] for k in sorted(repairs)},  # in document order, as Spark writes them
        evidence=found_evidence,
        index=index,
    )


def _witness_chunk(jobs: Sequence[WitnessJob]) -> list[tuple[Step, ...] | str]:
    """Return each job's repair steps, or the text of the error that stopped it."""
    docs: list[Document] = _STATE["docs"]
    config: Config = _STATE["config"]
    return [try_repair(docs, job, config=config.encoding) for job in jobs]


def read_all(
    paths: Iterable[str | Path],
    reporter: Reporter | None = None,
    *,
    config: IngestConfig = IngestConfig(),
    workers: int = 1,
    known: Mapping[str, str] | None = None,
) -> tuple[list[Document], list[Reject]]:
    """Return the documents and rejects read from `paths` (web pages extracted on `workers`;
    `known`: ids read before, see :func:`textreuse.ingest.read.read_inputs`)."""
    docs: list[Document] = []
    rejects = read_into(docs, paths, reporter, config=config, workers=workers, known=known)
    return docs, rejects


def read_into(
    docs: list[Document] | spill.Spilled,
    paths: Iterable[str | Path],
    reporter: Reporter | None = None,
    *,
    config: IngestConfig = IngestConfig(),
    workers: int = 1,
    known: Mapping[str, str] | None = None,
) -> list[Reject]:
    """Append the documents read from `paths` to `docs` (a list, or a :class:`spill.Spilled`
    holding their texts on disk) and return the rejects, as :func:`read_all` reads them."""
    reporter = reporter or _Silent()
    rejects: list[Reject] = []
    with reporter.stage("read", None) as advance:
        for item in read_inputs(paths, config=config, workers=workers, known=known):
            interrupts.check()
            if isinstance(item, Document):
                docs.append(item)
            else:
                rejects.append(item)
            advance(1)
    return rejects


@dataclass
class Stored:
    """The documents and rejects an earlier scan stored, carried into this one (``scan --add``).

    With `update`, a new document whose id is stored replaces the stored one (which
    leaves its place); otherwise it is rejected as a repeat, as one scan of all the
    inputs would reject it.
    """

    documents: list[Document]
    rejects: list[Reject]
    update: bool = False

    def known(self) -> dict[str, str] | None:
        """Return the stored ids that count as read before (none when they may be replaced)."""
        return None if self.update else {d.id: d.source_path for d in self.documents}

    def joined(self, docs: list[Document], rejects: list[Reject]) -> tuple[list[Document], list[Reject]]:
        """Return the stored documents and rejects followed by the new ones."""
        new = {d.id for d in docs}
        return [d for d in self.documents if d.id not in new] + docs, self.rejects + rejects


@collector_paused()
def scan(
    paths: Iterable[str | Path],
    *,
    db: str | Path | None = None,
    workers: int | None = None,
    config: Config = Config(),
    reporter: Reporter | None = None,
    meta: dict[str, Any] | None = None,
    stored: Stored | None = None,
    tmp: str | Path | None = None,
) -> ScanResult:
    """Return what a corpus shares: read `paths`, then find, align and relate pairs.

    With `db`, the results are also written to a new DuckDB database there, put in
    place only when complete. A single-worker run writes on a thread while it scans
    (the documents first, then each table once it is final), using the core the work
    leaves free. With `stored`, the documents an earlier scan stored come first, as
    though they had been read again (:mod:`textreuse.engines.incremental`).

    The texts read wait on disk, in an unnamed temporary file under `tmp` (default: the
    system's temporary folder), until a stage needs them (:mod:`textreuse.engines.spill`);
    the result's documents read them from there.
    """
    from textreuse.store import duckdb as store

    if db is not None:
        store.check_target(Path(db))
    workers = workers or default_workers()
    loading = None
    if workers == 1:
        # numba's import and LLVM work (~0.9 s) overlap reading; tokenising takes the
        # numpy path until the kernels are ready.
        loading = threading.Thread(target=jit.load_all, daemon=True)
        loading.start()
    t0 = time.perf_counter()
    known = stored.known() if stored is not None else None
    docs: Sequence[Document]
    if stored is not None:
        docs, rejects = read_all(paths, reporter, config=config.ingest, workers=workers, known=known)
        docs, rejects = stored.joined(docs, rejects)
    else:
        docs = spill.Spilled(tmp)
        rejects = read_into(docs, paths, reporter, config=config.ingest, workers=workers)
    read_seconds = time.perf_counter() - t0
    try:
        return rescan(docs, rejects, db=db, workers=workers, config=config, reporter=reporter, meta=meta,
                      read_seconds=read_seconds, tmp=tmp)
    finally:
        _finish_loading(loading)


def rescan(
    docs: Sequence[Document],
    rejects: list[Reject],
    *,
    db: str | Path | None = None,
    workers: int | None = None,
    config: Config = Config(),
    reporter: Reporter | None = None,
    meta: dict[str, Any] | None = None,
    read_seconds: float = 0.0,
    tmp: str | Path | None = None,
) -> ScanResult:
    """Return the scan of documents already read, written to a new database at `db` when
    given (what waits on disk goes under `tmp`)."""
    from textreuse.store import duckdb as store

    workers = workers or default_workers()
    if db is None or not docs:
        result = scan_documents(docs, rejects, workers=workers, config=config, reporter=reporter, tmp=tmp)
        result.seconds = {"read": read_seconds, **result.seconds}
        return result
    largest = spill.largest_bytes(docs)  # bytes of the largest text in UTF-8, at most
    with store.Writer(db, threads=1 if workers == 1 else None, largest=largest) as writer:
        # Forking worker processes while a thread writes is unsafe, so only one worker
        # writes while it scans: the documents first, then each table once it is final.
        # The rejects are written last: a stage may add some (kind ``internal``).
        if workers == 1:
            behind = _WriteBehind(writer)
            behind.put("documents", lambda: arrow.documents_tables(docs))
            try:
                result = scan_documents(docs, rejects, workers=1, config=config, reporter=reporter, emit=behind.put,
                                        tmp=tmp)
            finally:
                error = behind.finish()
            if error is not None:
                raise error
            written = behind.names
            if len(result.documents) < len(docs):  # a document failed in the index stage
                writer.remove_documents({d.id for d in docs} - {d.id for d in result.documents})
        else:
            result = scan_documents(docs, rejects, workers=workers, config=config, reporter=reporter, tmp=tmp)
            writer.add({"documents": arrow.documents_tables(result.documents)})
            written = {"documents"}
        t1 = time.perf_counter()
        writer.add(result.tables([name for name in RESULT_TABLES if name not in written]))
        result.seconds = {"read": read_seconds, **result.seconds, "write": time.perf_counter() - t1}
        writer.commit(result.run_meta(meta))
    return result


RESULT_TABLES = (
    "documents", "rejects", "pairs", "passages", "stories", "story_members", "annotations", "repairs",
    "evidence", "postings", "index_documents",
)


class _WriteBehind:
    """Adds tables to a database on a thread, in the order given, while the scan goes on.

    Tables come as builders, called on the thread: building Arrow tables from Python
    records is work too.
    """

    def __init__(self, writer: Any) -> None:
        self.writer = writer
        self.names: set[str] = set()
        self.error: BaseException | None = None
        self.queue: queue.Queue[tuple[str, Callable[[], Any]] | None] = queue.Queue()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def put(self, name: str, build: Callable[[], pa.Table | Iterable[pa.Table]]) -> None:
        self.names.add(name)
        self.queue.put((name, build))

    def _run(self) -> None:
        while (item := self.queue.get()) is not None:
            if self.error is None:
                name, build = item
                try:
                    self.writer.add({name: build()})
                    # Here rather than in the scan's last write, which would pay for it.
                    self.writer.checkpoint()
                except BaseException as exc:  # raised on the scanning thread by finish()
                    self.error = exc

    def finish(self) -> BaseException | None:
        """Wait for every table given so far; return the error that stopped writing, if any."""
        self.queue.put(None)
        self.thread.join()
        interrupts.check()  # DuckDB may have turned Ctrl-C into its own error on the thread
        return self.error


def _finish_loading(loading: threading.Thread | None) -> None:
    # A small corpus may be done before a first run has compiled every kernel: wait, so
    # the compiled code is cached whole and the process never exits mid-compilation.
    if loading is not None:
        loading.join()


@dataclass(frozen=True)
class PairTask:
    """Two files to align, with the ids to report them under."""

    path_a: str
    path_b: str
    id_a: str
    id_b: str


@dataclass(frozen=True)
class PairOutcome:
    """The result of aligning one given pair: a pair, nothing shared, or an error."""

    task: PairTask
    pair: Pair | None
    error: str | None = None


def relate_documents(
    doc_a: Document, doc_b: Document, *, keep_order: bool = False, config: Config = Config()
) -> Pair | None:
    """Return how two documents relate, with their aligned passages, or None.

    With `keep_order`, ``doc_a`` stays first in the pair whatever the relation.
    """
    ta, tb = (_prepare(d, config).tokens for d in (doc_a, doc_b))
    duplicate = bool(len(ta)) and fingerprint(ta.hashes) == fingerprint(tb.hashes)
    found = [whole(ta, tb)] if duplicate else align_hashes(ta.hashes, tb.hashes, config=config.align)
    return relate(
        doc_a, doc_b, ta, tb, found, duplicate=duplicate, keep_order=keep_order, config=config.relate
    )


def _prepare(doc: Document, config: Config) -> Prepared:
    return prepare(doc.raw_text, encoding=config.encoding, boilerplate=config.boilerplate)


def _align_chunk(tasks: Sequence[PairTask]) -> list[PairOutcome]:
    from textreuse.ingest.read import read_text_file

    config: Config = _STATE["config"]
    texts: dict[str, Document | Reject] = _STATE.setdefault("texts", {})
    out = []
    for task in tasks:
        docs = []
        for path, doc_id in ((task.path_a, task.id_a), (task.path_b, task.id_b)):
            key = f"{path}\0{doc_id}"
            if key not in texts:
                if len(texts) > 256:
                    texts.clear()
                texts[key] = read_text_file(Path(path), doc_id)
            docs.append(texts[key])
        bad = [d for d in docs if isinstance(d, Reject)]
        if bad:
            out.append(PairOutcome(task, None, "; ".join(f"{r.path}: {r.reason}" for r in bad)))
            continue
        out.append(PairOutcome(task, relate_documents(docs[0], docs[1], keep_order=True, config=config)))  # type: ignore[arg-type]
    return out


def align_pairs(
    tasks: Sequence[PairTask],
    *,
    workers: int | None = None,
    config: Config = Config(),
    reporter: Reporter | None = None,
) -> Iterator[PairOutcome]:
    """Yield the outcome of aligning each given pair of files, in order (no candidate search)."""
    reporter = reporter or _Silent()
    workers = workers or default_workers()
    if workers > 1:
        jit.load_all()  # before forking: the workers inherit the compiled code
    _STATE.clear()
    _STATE.update(config=config)
    with reporter.stage("align", len(tasks)) as advance:
        for chunk in run_parallel(
            _align_chunk, tasks, workers=workers, advance=advance, chunk=16
        ):
            yield from chunk
    _STATE.clear()
