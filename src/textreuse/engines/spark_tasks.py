"""What Spark's executors run: each function takes Arrow record batches and yields
record batches, calling the stage functions (the local engine calls the same ones).

:mod:`textreuse.engines.spark` schedules them with ``mapInArrow``; the schemas here are
the Spark types of what each yields (and their Arrow twins). Nothing here imports
pyspark, so the functions can be tested on batches built by hand.
"""

from __future__ import annotations

import dataclasses
import io
import pickle
from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from textreuse.clean.encoding import Step
from textreuse.config import Config
from textreuse.model import Annotation, Document, Pair, Passage, Reject
from textreuse.relate.provenance import Evidence

# An item's ordinal: the file's place in the listing, then the item's place in its file.
ITEM_BITS = 32

READ_SCHEMA = (
    "ord long, doc_id string, raw_text string, source_path string, url string, date string, "
    "title string, source string, encoding string, n_chars long, reject_path string, line long, "
    "reason string, kind string, author string, site_name string, canonical_url string, capture_date string, "
    "links array<string>, html string, again string, claim string"
)
STEP_TYPE = (
    "struct<`start`:long, `end`:long, replacement:string, rule:string, confidence:double, witness:string>"
)
ANNOTATION_TYPE = "struct<`start`:long, `end`:long, kind:string, rule:string>"
EVIDENCE_TYPE = "struct<kind:string, favours:string, weight:double, detail:string>"
INDEX_SCHEMA = (
    f"ord long, fp long, hashes array<long>, positions array<int>, steps array<{STEP_TYPE}>, "
    f"marks array<{ANNOTATION_TYPE}>, edges binary, suspect boolean"
)
MARK_SCHEMA = f"ord long, found array<{ANNOTATION_TYPE}>"
SHARED_SCHEMA = "a long, b long, pa int, pb int, listed boolean"
CANDIDATE_SCHEMA = "a long, b long, shared long, anchored boolean"
PASSAGE_TYPE = "struct<a_start:long, a_end:long, b_start:long, b_end:long, similarity:double>"
PAIR_SCHEMA = (
    "doc_a string, doc_b string, relation string, origin string, coverage_a double, "
    f"coverage_b double, passages array<{PASSAGE_TYPE}>, evidence array<{EVIDENCE_TYPE}>"
)
# One row per story member, with its story's fields (the stories table is their distinct rows).
STORY_SCHEMA = (
    "story_id string, size int, representative string, rep_start long, rep_end long, story_origin string, "
    "first_date string, last_date string, sites int, doc_id string, relation string, source string, "
    "similarity double, coverage double, starts array<long>, ends array<long>, member long"
)
DOCUMENT_COLUMNS = (
    "doc_id", "source_path", "url", "date", "title", "source", "encoding", "n_chars", "raw_text",
    "author", "site_name", "canonical_url", "capture_date", "links", "html",
)  # fmt: skip
# What a Document holds besides its id and text (all the documents table has).
DOCUMENT_FIELDS = (
    "source_path", "url", "date", "title", "source", "encoding",
    "author", "site_name", "canonical_url", "capture_date", "links", "html",
)  # fmt: skip


def is_uri(path: str) -> bool:
    """Return whether `path` is a URI (``hdfs://...``, ``file:...``) rather than a local path."""
    return "://" in path or path.startswith("file:")


def read_batches(
    batches: Iterable[pa.RecordBatch], *, config: Config, rows_per_batch: int = 1000
) -> Iterator[pa.RecordBatch]:
    from textreuse.ingest.html import PageTask
    from textreuse.ingest.read import file_items, read_jsonl, read_text_file
    from textreuse.ingest.warc import is_warc_path

    schema = arrow_schema(READ_SCHEMA)
    # (ordinal, item, whether a WARC page, the URI a rejected WARC page claimed)
    rows: list[tuple[int, Document | Reject, bool, str | None]] = []
    for batch in batches:
        listing = batch.to_pydict()
        contents = listing.get("content") or [None] * batch.num_rows
        for index, path, doc_id, kind, content in zip(
            listing["index"], listing["path"], listing["doc_id"], listing["kind"], contents
        ):
            items: Iterable[Document | Reject | PageTask]
            warc = False
            # A file from a Hadoop URI arrives as bytes; the readers see it as a file.
            # Spark's binary source leaves out files of zero bytes: those are empty.
            if content is None and is_uri(path):
                content = b""
            source: Any = Path(path) if content is None else _Blob(path, content)
            if kind == "missing":
                items = [Reject(path, "no such file or folder")]
            elif kind.startswith("rejected:"):
                items = [Reject(path, doc_id, kind=kind.split(":", 1)[1] or None)]
            elif content is None:
                # A local file is read by its kind, as the local engine reads it: text,
                # JSONL, HTML, WARC, CSV or Parquet (pages extracted here, on the executor).
                # A WARC page is named here by URI and record id, and by its URI alone
                # where no earlier input took it (`_named`: the executor cannot know).
                warc = is_warc_path(Path(path))
                items = file_items(Path(path), doc_id, taken=_EVERY if warc else (), config=config.ingest)
            elif kind == "jsonl":
                items = read_jsonl(source, config=config.ingest)
            else:
                items = [read_text_file(source, doc_id)]
            for k, item in enumerate(items):
                # A page that gives no text still takes its URI, as the local engine's reader
                # claims it before extraction: a later capture is named by its record id.
                claim = item.url if warc and isinstance(item, PageTask) else None
                got = item.run() if isinstance(item, PageTask) else item
                claim = claim if isinstance(got, Reject) else None
                rows.append(((index << ITEM_BITS) | k, got, warc and isinstance(got, Document), claim))
                if len(rows) >= rows_per_batch:
                    yield _read_rows(rows, schema)
                    rows = []
    if rows:
        yield _read_rows(rows, schema)


class _Blob:
    """A file's bytes read by Spark, with the two methods the local readers call on a path."""

    def __init__(self, uri: str, data: bytes) -> None:
        self.uri, self.data = uri, data

    def read_bytes(self) -> bytes:
        return self.data

    def open(self, mode: str = "rb") -> io.BytesIO:
        return io.BytesIO(self.data)

    def __str__(self) -> str:
        return self.uri


class _Every:
    """A set of ids that holds every id: WARC pages read against it are named by URI and record id."""

    def __contains__(self, item: object) -> bool:
        return True


_EVERY = _Every()


def _read_rows(rows: list[tuple[int, Document | Reject, bool, str | None]], schema: pa.Schema) -> pa.RecordBatch:
    docs = [(o, d) for o, d, _, _ in rows if isinstance(d, Document)]
    rejects = [(o, r) for o, r, _, _ in rows if isinstance(r, Reject)]
    pages = [page for _, d, page, _ in rows if isinstance(d, Document)]
    none: list[None] = [None] * len(rejects)
    columns: dict[str, list[Any]] = {
        "ord": [o for o, _ in docs] + [o for o, _ in rejects],
        # A WARC page's id is its URI; the one with the record id waits in `again`.
        "doc_id": [d.url if page else d.id for (_, d), page in zip(docs, pages)] + none,
        "again": [d.id if page else None for (_, d), page in zip(docs, pages)] + none,
        "raw_text": [d.raw_text for _, d in docs] + none,
        "source_path": [d.source_path for _, d in docs] + none,
        "url": [d.url for _, d in docs] + none,
        "date": [d.date for _, d in docs] + none,
        "title": [d.title for _, d in docs] + none,
        "source": [d.source for _, d in docs] + none,
        "encoding": [d.encoding for _, d in docs] + none,
        "n_chars": [len(d.raw_text) for _, d in docs] + none,
        "reject_path": [None] * len(docs) + [r.path for _, r in rejects],
        "line": [None] * len(docs) + [r.line for _, r in rejects],
        "reason": [None] * len(docs) + [r.reason for _, r in rejects],
        "kind": [None] * len(docs) + [r.kind for _, r in rejects],
        **{name: [getattr(d, name) for _, d in docs] + none for name in DOCUMENT_FIELDS[6:]},
    }
    columns["links"] = [list(d.links) for _, d in docs] + none
    columns["claim"] = [None] * len(docs) + [claim for _, r, _, claim in rows if isinstance(r, Reject)]
    return pa.RecordBatch.from_pydict(columns, schema=schema)


def index_batches(batches: Iterable[pa.RecordBatch], *, config: Config, chunk: int = 256) -> Iterator[pa.RecordBatch]:
    from textreuse.clean.boilerplate import edges, mark
    from textreuse.clean.matching import prepare_many
    from textreuse.clean.witness import needs_witness
    from textreuse.index.candidates import fingerprint, sketch_many

    survey_on = config.boilerplate.recurring
    for batch in batches:
        ords = batch.column("ord").to_pylist()
        texts = batch.column("raw_text").to_pylist()
        for start in range(0, len(texts), chunk):
            # The local engine's index stage (`_sketch_chunk`): head and tail lines read
            # once, pattern boilerplate set aside, tokens repaired and sketched.
            part = texts[start : start + chunk]
            read = [edges(t, config=config.boilerplate) if survey_on else None for t in part]
            marks = [mark(t, config=config.boilerplate, read=r) for t, r in zip(part, read)]
            prepared = prepare_many(part, annotations=marks, encoding=config.encoding)
            tokens = [p.tokens for p in prepared]
            sketches = sketch_many([t.hashes for t in tokens], config=config.index)
            prints = np.array([fingerprint(t.hashes) if len(t) else 0 for t in tokens], dtype=np.uint64)
            sizes = np.array([len(s) for s in sketches], dtype=np.int32)
            offsets = pa.array(np.concatenate([[0], np.cumsum(sizes)]).astype(np.int32))
            empty_u = np.zeros(0, dtype=np.uint64)
            empty_i = np.zeros(0, dtype=np.int32)
            hashes = np.concatenate([s.hashes for s in sketches] or [empty_u]).view(np.int64)
            places = np.concatenate([s.positions for s in sketches] or [empty_i]).astype(np.int32)
            schema = arrow_schema(INDEX_SCHEMA)
            yield pa.RecordBatch.from_arrays(
                [
                    pa.array(ords[start : start + chunk], pa.int64()),
                    pa.array(prints.view(np.int64)),
                    pa.ListArray.from_arrays(offsets, pa.array(hashes)),
                    pa.ListArray.from_arrays(offsets, pa.array(places)),
                    pa.array([step_rows(p.steps) for p in prepared], schema.field("steps").type),
                    pa.array([_annotation_rows(p.annotations) for p in prepared], schema.field("marks").type),
                    # Only the driver's survey reads them back (same interpreter, same classes).
                    pa.array([None if r is None else pickle.dumps(r) for r in read], pa.binary()),
                    # Whether the repair stage may take it up again with a witness.
                    pa.array([needs_witness(t, p.steps) for t, p in zip(part, prepared)], pa.bool_()),
                ],
                schema=schema,
            )


def step_rows(steps: Iterable[Step]) -> list[dict[str, Any]]:
    return [dataclasses.asdict(step) for step in steps]


def _annotation_rows(annotations: Iterable[Annotation]) -> list[dict[str, Any]]:
    return [dataclasses.asdict(a) for a in annotations]


def _annotations(rows: Iterable[dict[str, Any]] | None) -> tuple[Annotation, ...]:
    return tuple(Annotation(**row) for row in rows or ())


def recurring_batches(
    batches: Iterable[pa.RecordBatch], *, corpus: Any, config: Config
) -> Iterator[pa.RecordBatch]:
    """Yield the boilerplate lines of the documents whose recurring lines change them."""
    from textreuse.clean.recurring import recurring_mark

    survey = corpus.value  # a broadcast: sent to each executor once
    schema = arrow_schema(MARK_SCHEMA)
    for batch in batches:
        rows = batch.to_pydict()
        out: dict[str, list[Any]] = {"ord": [], "found": []}
        for k, text, read, marks in zip(rows["ord"], rows["raw_text"], rows["edges"], rows["marks"]):
            found = recurring_mark(text, None if read is None else pickle.loads(read), survey, config=config.boilerplate)
            if found is not None and found != _annotations(marks):
                out["ord"].append(k)
                out["found"].append(_annotation_rows(found))
        if out["ord"]:
            yield pa.RecordBatch.from_pydict(out, schema=schema)


def _columns(batches: Iterable[pa.RecordBatch]) -> pa.Table | None:
    """Return all batches of a partition as one table, or None when there are none."""
    collected = [b for b in batches if b.num_rows]
    return pa.Table.from_batches(collected) if collected else None


def posting_batches(batches: Iterable[pa.RecordBatch], *, config: Config) -> Iterator[pa.RecordBatch]:
    from textreuse.index.candidates import anchor_pairs, shared_ngrams

    table = _columns(batches)
    if table is None:
        return
    ords = table.column("k").to_numpy()
    hashes = table.column("h").to_numpy().view(np.uint64)
    places = table.column("pos").to_numpy().astype(np.int32)
    # The stage works on small dense document numbers; np.unique keeps their order.
    uniq, codes = np.unique(ords, return_inverse=True)
    # Each document's anchor priority, counted over all partitions beforehand.
    priority = np.zeros(uniq.shape[0], dtype=np.int64)
    priority[codes] = table.column("pr").to_numpy()
    chosen = np.ones(hashes.shape[0], dtype=bool)
    (a, b, pa_, pb), long_lists = shared_ngrams(hashes, codes.astype(np.int32), places, chosen, config.index)
    xa, xb, xpa, xpb = anchor_pairs(long_lists, priority)
    listed = np.concatenate([np.ones(a.shape[0], dtype=bool), np.zeros(xa.shape[0], dtype=bool)])
    yield from _chunked(
        {"a": uniq[np.concatenate([a, xa])], "b": uniq[np.concatenate([b, xb])], "pa": np.concatenate([pa_, xpa]),
         "pb": np.concatenate([pb, xpb]), "listed": listed},
        arrow_schema(SHARED_SCHEMA),
    )


def linked_batches(batches: Iterable[pa.RecordBatch], *, config: Config) -> Iterator[pa.RecordBatch]:
    from textreuse.index.candidates import linked_pairs

    table = _columns(batches)
    if table is None:
        return
    a, b = table.column("a").to_numpy(), table.column("b").to_numpy()
    uniq = np.unique(np.concatenate([a, b]))
    ca = np.searchsorted(uniq, a).astype(np.int32)
    cb = np.searchsorted(uniq, b).astype(np.int32)
    pa_ = table.column("pa").to_numpy().astype(np.int32)
    pb = table.column("pb").to_numpy().astype(np.int32)
    listed = table.column("listed").to_numpy(zero_copy_only=False).astype(bool)
    x, y, shared = linked_pairs(ca, cb, pa_, pb, np.ones(a.shape[0], dtype=bool), config.index)
    # As find_candidates does: pairs the short lists alone do not make are anchored.
    anchored = np.zeros(x.shape[0], dtype=bool)
    if not listed.all():
        px, py, _ = linked_pairs(ca, cb, pa_, pb, listed, config.index)
        anchored = ~np.isin((x << 32) | y, (px << 32) | py)
    yield from _chunked(
        {"a": uniq[x], "b": uniq[y], "shared": shared, "anchored": anchored}, arrow_schema(CANDIDATE_SCHEMA)
    )


def _chunked(columns: dict[str, Any], schema: pa.Schema, size: int = 1 << 20) -> Iterator[pa.RecordBatch]:
    n = len(next(iter(columns.values())))
    for start in range(0, n, size):
        yield pa.RecordBatch.from_pydict({k: v[start : start + size] for k, v in columns.items()}, schema=schema)


def align_batches(batches: Iterable[pa.RecordBatch], *, config: Config, chunk: int = 64) -> Iterator[pa.RecordBatch]:
    from textreuse.relate.provenance import direct_pair
    from textreuse.relate.tasks import Relater

    table = _columns(batches)
    if table is None:
        return
    rows = table.to_pydict()
    docs: dict[int, Document] = {}
    marks: dict[int, tuple[Annotation, ...]] = {}
    groups: dict[int, list[int]] = {}
    tasks: list[tuple[int, int]] = []
    for i, (k, ra, rb, ma, mb) in enumerate(
        zip(rows["k"], rows["ra"], rows["rb"], rows["members_a"], rows["members_b"])
    ):
        if k is not None:
            docs[k] = _document(rows, i)
            if rows["marks"][i]:
                marks[k] = _annotations(rows["marks"][i])
            continue
        tasks.append((ra, rb))
        for rep, members in ((ra, ma), (rb, mb)):
            if members is not None and len(members) > 1:
                groups[rep] = members
    tasks.sort()
    by_id = {d.id: k for k, d in docs.items()}
    # The alignment stage, over the texts this bucket was sent (documents by number).
    relater = Relater(docs, groups, config, marks=marks)
    for start in range(0, len(tasks), chunk):
        pairs = relater.relate(tasks[start : start + chunk])
        # Provenance needs both documents and their boilerplate, which this bucket
        # holds already (it does not depend on the witness repairs that follow).
        directed = []
        for p in pairs:
            ka, kb = by_id[p.doc_a], by_id[p.doc_b]
            directed.append(
                direct_pair(p, docs[ka], docs[kb], marks.get(ka, ()), marks.get(kb, ()), config=config.provenance)
            )
        if directed:
            yield _pairs_batch(directed)


def _document(rows: dict[str, list[Any]], i: int) -> Document:
    """Return the document in row `i` of columns `rows` (doc_id, raw_text and DOCUMENT_FIELDS)."""
    fields = {name: rows[name][i] for name in DOCUMENT_FIELDS}
    fields["links"] = tuple(fields["links"] or ())
    return Document(rows["doc_id"][i], rows["raw_text"][i], **fields)


def _pairs_batch(directed: list[tuple[Pair, tuple[Evidence, ...]]]) -> pa.RecordBatch:
    pairs = [p for p, _ in directed]
    return pa.RecordBatch.from_pydict(
        {
            "doc_a": [p.doc_a for p in pairs],
            "doc_b": [p.doc_b for p in pairs],
            "relation": [p.relation for p in pairs],
            "origin": [p.origin for p in pairs],
            "coverage_a": [p.coverage_a for p in pairs],
            "coverage_b": [p.coverage_b for p in pairs],
            "passages": [
                [
                    {"a_start": q.a[0], "a_end": q.a[1], "b_start": q.b[0], "b_end": q.b[1], "similarity": q.similarity}
                    for q in p.passages
                ]
                for p in pairs
            ],
            "evidence": [[dataclasses.asdict(e) for e in seen] for _, seen in directed],
        },
        schema=arrow_schema(PAIR_SCHEMA),
    )


def story_batches(batches: Iterable[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """Build each component's stories with :func:`build_stories` (a story never spans two
    components), one row per member with its story's fields."""
    from textreuse.relate.stories import build_stories
    from textreuse.store import arrow

    table = _columns(batches)
    if table is None:
        return
    rows = table.to_pydict()
    pairs: dict[str, list[Pair]] = defaultdict(list)
    docs: dict[str, dict[str, Document]] = defaultdict(dict)
    for i, label in enumerate(rows["label"]):
        if rows["doc_id"][i] is not None:
            docs[label][rows["doc_id"][i]] = Document(
                rows["doc_id"][i], "", url=rows["url"][i], date=rows["date"][i], source=rows["source"][i],
                site_name=rows["site_name"][i],
            )
            continue
        passages = tuple(
            Passage((q["a_start"], q["a_end"]), (q["b_start"], q["b_end"]), q["similarity"]) for q in rows["passages"][i]
        )
        pairs[label].append(Pair(rows["doc_a"][i], rows["doc_b"][i], rows["relation"][i], rows["origin"][i],
                                 rows["coverage_a"][i], rows["coverage_b"][i], passages))
    for label, found in pairs.items():
        stories = build_stories(sorted(found, key=lambda p: (p.doc_a, p.doc_b)), docs[label])
        heads = arrow.stories_table(stories).to_pydict()
        members = arrow.story_members_table(stories).to_pydict()
        where = {sid: k for k, sid in enumerate(heads["story_id"])}
        at = [where[sid] for sid in members["story_id"]]
        out = {name: [heads[name][k] for k in at] for name in
               ("story_id", "size", "representative", "rep_start", "rep_end", "first_date", "last_date", "sites")}
        out["story_origin"] = [heads["origin"][k] for k in at]
        for name in ("doc_id", "relation", "source", "similarity", "coverage", "starts", "ends"):
            out[name] = members[name]
        out["member"] = list(range(len(at)))
        yield pa.RecordBatch.from_pydict(out, schema=arrow_schema(STORY_SCHEMA))


_PASSAGE_ARROW = pa.struct(
    [(k, pa.int64()) for k in ("a_start", "a_end", "b_start", "b_end")] + [("similarity", pa.float64())]
)
_STEP_ARROW = pa.struct(
    [("start", pa.int64()), ("end", pa.int64()), ("replacement", pa.string()), ("rule", pa.string()),
     ("confidence", pa.float64()), ("witness", pa.string())]
)
_ANNOTATION_ARROW = pa.struct([("start", pa.int64()), ("end", pa.int64()), ("kind", pa.string()), ("rule", pa.string())])
_EVIDENCE_ARROW = pa.struct(
    [("kind", pa.string()), ("favours", pa.string()), ("weight", pa.float64()), ("detail", pa.string())]
)
_ARROW = {
    READ_SCHEMA: pa.schema(
        [("ord", pa.int64())]
        + [(k, pa.string()) for k in ("doc_id", "raw_text", "source_path", "url", "date", "title", "source", "encoding")]
        + [("n_chars", pa.int64()), ("reject_path", pa.string()), ("line", pa.int64()), ("reason", pa.string()),
           ("kind", pa.string())]
        + [(k, pa.string()) for k in ("author", "site_name", "canonical_url", "capture_date")]
        + [("links", pa.list_(pa.string())), ("html", pa.string()), ("again", pa.string()),
           ("claim", pa.string())]
    ),
    INDEX_SCHEMA: pa.schema(
        [("ord", pa.int64()), ("fp", pa.int64()), ("hashes", pa.list_(pa.int64())), ("positions", pa.list_(pa.int32())),
         ("steps", pa.list_(_STEP_ARROW)), ("marks", pa.list_(_ANNOTATION_ARROW)), ("edges", pa.binary()),
         ("suspect", pa.bool_())]
    ),
    MARK_SCHEMA: pa.schema([("ord", pa.int64()), ("found", pa.list_(_ANNOTATION_ARROW))]),
    SHARED_SCHEMA: pa.schema(
        [("a", pa.int64()), ("b", pa.int64()), ("pa", pa.int32()), ("pb", pa.int32()), ("listed", pa.bool_())]
    ),
    CANDIDATE_SCHEMA: pa.schema(
        [("a", pa.int64()), ("b", pa.int64()), ("shared", pa.int64()), ("anchored", pa.bool_())]
    ),
    PAIR_SCHEMA: pa.schema(
        [("doc_a", pa.string()), ("doc_b", pa.string()), ("relation", pa.string()), ("origin", pa.string()),
         ("coverage_a", pa.float64()), ("coverage_b", pa.float64()), ("passages", pa.list_(_PASSAGE_ARROW)),
         ("evidence", pa.list_(_EVIDENCE_ARROW))]
    ),
    STORY_SCHEMA: pa.schema(
        [("story_id", pa.string()), ("size", pa.int32()), ("representative", pa.string()), ("rep_start", pa.int64()),
         ("rep_end", pa.int64()), ("story_origin", pa.string()), ("first_date", pa.string()),
         ("last_date", pa.string()), ("sites", pa.int32()), ("doc_id", pa.string()),
         ("relation", pa.string()), ("source", pa.string()), ("similarity", pa.float64()),
         ("coverage", pa.float64()), ("starts", pa.list_(pa.int64())), ("ends", pa.list_(pa.int64())),
         ("member", pa.int64())]
    ),
}


def arrow_schema(ddl: str) -> pa.Schema:
    """Return the Arrow schema of the batches a step yields for Spark's schema `ddl`."""
    return _ARROW[ddl]
