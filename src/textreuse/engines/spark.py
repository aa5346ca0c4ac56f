"""The Spark engine: the local engine's stages, scheduled on a Spark cluster.

Spark only schedules, shuffles and joins; every step that looks at text is the
function the local engine calls, run on Arrow batches by ``mapInArrow`` (the executor
functions of :mod:`textreuse.engines.spark_tasks`), with the scan's :class:`Config` (ingest, encoding, boilerplate, index, align, relate,
provenance) wherever the local engine uses it:

1. *read*: the driver lists the input files in the local engine's order; tasks read
   local files by their kind with :func:`file_items` (text, JSONL, HTML, WARC, CSV,
   Parquet; pages extracted in the task), files from Hadoop URIs with
   :func:`read_text_file` and :func:`read_jsonl`. Each item gets an ordinal
   (file, item) so that "first in input order" means the same as on one machine: a
   second document with an id already seen is rejected, naming the first one's path.
2. *index*: the local index stage per batch of documents: head and tail lines read
   once (:func:`edges`), pattern boilerplate (:func:`mark`), tokens repaired with the
   boilerplate dropped (:func:`prepare_many`), :func:`sketch_many` and
   :func:`fingerprint`. Documents with one fingerprint are duplicates; the one read
   first represents them.
3. *candidates*: the representatives' sketch entries are shuffled by n-gram hash, so
   a partition holds whole posting lists; it builds them with the candidate search's
   own function (same ``max_df`` cut-off; longer lists pair their documents with an
   anchor, whose priority, a count over all lists, is joined onto the entries first).
   The shared n-grams are shuffled by first document and judged by its own window
   rule; anchored pairs that show no copied text are dropped after alignment.
4. *boilerplate*: the survey of recurring lines needs every document's head and tail
   lines at once, so they are collected to the driver (their hashes and spans: about
   0.3 KB per document pickled and 1.5 KB as Python objects on the demo corpus, so
   some 2 GB of driver memory for a million documents),
   grouped by :func:`~textreuse.clean.recurring.survey_groups` (shared opening lines and
   duplicate groups) and surveyed by :func:`~textreuse.clean.recurring.recurring_survey`,
   the functions the local engine calls. The survey is broadcast and each task marks
   its documents with :func:`~textreuse.clean.recurring.recurring_mark`.
5. *align*: candidate pairs (and duplicate groups) are put in buckets by their first
   document; the texts each bucket needs, with their boilerplate lines, are joined
   onto it, so an executor receives only those texts, and runs the local engine's
   alignment on them. The same task decides each pair's direction from the evidence
   (:func:`direct_pair`), which needs both documents it already holds.
6. *repair*: the driver collects the repaired documents' steps; those with lossy
   repairs, their pairs and the texts of them and their partners go through
   :func:`~textreuse.clean.witness.witness_repairs` (lossy damage is rare, so this stays small).
7. *stories*: connected components by an iterative join (min-label propagation with
   pointer jumping: each round every document takes the least label among itself,
   its neighbours and its label's label, until no label changes; about log2 of the
   longest chain of pairs in rounds). Each component's pairs and documents then go
   through :func:`build_stories` (a story never spans two components), which derives
   each story's id from its members alone; the pairs kept are the stories' tree edges.
8. *write*: each table (those of the local database but the trace index: ``postings``
   and ``index_documents`` are not written, so ``textreuse trace`` needs a local scan)
   is written as Parquet under a temporary name and renamed when complete, through
   Hadoop's file system API (local paths, HDFS, S3, GCS...).

Results do not depend on the number of partitions: every function sees whole
posting lists, whole pairs, whole tasks or whole components, and all output is
sorted as the local engine sorts it.
"""

from __future__ import annotations

import functools
import json
import os
import pickle
import shutil
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textreuse.clean.encoding import Step
from textreuse.config import Config
from textreuse.engines.spark_tasks import (
    CANDIDATE_SCHEMA,
    DOCUMENT_COLUMNS,
    DOCUMENT_FIELDS,
    INDEX_SCHEMA,
    MARK_SCHEMA,
    PAIR_SCHEMA,
    READ_SCHEMA,
    SHARED_SCHEMA,
    STEP_TYPE,
    STORY_SCHEMA,
    align_batches,
    index_batches,
    is_uri,
    linked_batches,
    posting_batches,
    read_batches,
    recurring_batches,
    step_rows,
    story_batches,
)
from textreuse.errors import EngineError, StoreError
from textreuse.ingest.read import IngestConfig
from textreuse.ingest.warc import is_warc_path
from textreuse.model import RELATIONS, Document, Pair, Passage, Reject

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

    from textreuse.progress import Reporter

INSTALL_HINT = "pip install 'textreuse[spark]'"
TABLES = (
    "documents", "rejects", "pairs", "passages", "stories", "story_members", "annotations", "repairs",
    "evidence", "postings", "index_documents",
)

@dataclass
class SparkScanResult:
    """What a Spark scan wrote: counts, rejects and the Parquet tables' paths."""

    out: str
    documents: int
    rejects: list[Reject]
    candidates: int
    pairs_by_relation: dict[str, int]
    stories: int = 0
    repaired: int = 0
    with_boilerplate: int = 0
    seconds: dict[str, float] = field(default_factory=dict)
    tables: dict[str, str] = field(default_factory=dict)

    def counts(self) -> dict[str, Any]:
        """Return the summary counts, as :meth:`ScanResult.counts` does for the local engine."""
        return {
            "documents": self.documents,
            "rejected": len(self.rejects),
            "rejected_by_kind": dict(Counter(r.kind or "other" for r in self.rejects).most_common()),
            "candidates": self.candidates,
            "pairs": sum(self.pairs_by_relation.values()),
            "pairs_by_relation": dict(self.pairs_by_relation),
            "stories": self.stories,
            "repaired": self.repaired,
            "with_boilerplate": self.with_boilerplate,
            "seconds": {k: round(v, 3) for k, v in self.seconds.items()},
        }


def require_pyspark() -> None:
    """Raise EngineError naming the extra to install when pyspark cannot be imported."""
    try:
        import pyspark  # noqa: F401
    except ImportError as exc:
        raise EngineError(f"the Spark engine needs pyspark, which is not installed: {INSTALL_HINT}") from exc


def session(
    master: str | None = None, *, partitions: int | None = None, conf: dict[str, str] | None = None
) -> SparkSession:
    """Return a SparkSession for a scan, started on `master` when one is not running.

    Without `master`, Spark's own default applies (spark-submit's ``--master``, or
    ``local[*]``). A local master runs its Python workers on this interpreter, so they
    import the same textreuse, and its driver gets a 2 GB heap unless `conf` says otherwise.
    `conf` adds Spark settings (``spark.driver.memory``...).
    """
    require_pyspark()
    if not (shutil.which("java") or os.environ.get("JAVA_HOME")):
        raise EngineError(
            "the Spark engine needs Java 17 or later and no 'java' was found: install it "
            "(Debian or Ubuntu: apt-get install openjdk-17-jre-headless) or set JAVA_HOME"
        )
    from pyspark.sql import SparkSession

    conf = dict(conf or {})
    if master is None or master.startswith("local"):
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    if master is not None and master.startswith("local"):
        # A local master's driver is its executor too, cached tables included: after one
        # scan of the demo corpus its heap held some 560 MB, and Spark's default of 1 GB ran
        # out on the 10th scan of one parity-test session (a 2-core machine has room for 2 GB).
        conf.setdefault("spark.driver.memory", "2g")
    # The UI keeps the plans of the last 1,000 queries, jobs and stages by default, and a
    # scan runs hundreds of queries with long plans: in one session the driver's heap grew
    # scan after scan until a broadcast found no room (the test session's fourth scan).
    for key in ("spark.sql.ui.retainedExecutions", "spark.ui.retainedJobs", "spark.ui.retainedStages"):
        conf.setdefault(key, "50")
    builder = SparkSession.builder.appName("textreuse").config("spark.ui.showConsoleProgress", "false")
    if master:
        builder = builder.master(master)
    if partitions:
        builder = builder.config("spark.sql.shuffle.partitions", str(partitions))
    for key, value in conf.items():
        builder = builder.config(key, value)
    try:
        spark = builder.getOrCreate()
    except Exception as exc:  # pyspark raises its own runtime errors when the JVM fails
        raise EngineError(f"could not start Spark (master {master or 'default'}): {exc}") from exc
    spark.sparkContext.setLogLevel("ERROR")
    return spark


# ---------------------------------------------------------------- driver


def list_inputs(
    paths: Iterable[str | Path],
    *,
    list_uri: Callable[[str], list[tuple[str, str]] | None] | None = None,
    config: IngestConfig | None = None,
) -> list[tuple[int, str, str, str]]:
    """Return ``(index, path, doc_id, kind)`` per input file, in the local engine's order.

    `kind` is ``text``, ``jsonl``, ``missing`` (a given path that does not exist) or
    ``rejected:KIND`` (a folder that cannot be listed: `doc_id` holds the reason).
    A given URI (``hdfs://...``, ``s3a://...``) is listed by `list_uri`, which returns
    its files' URIs and ids, or None when there is nothing there. A folder's files are
    picked by the `config`'s include and exclude patterns, as the local engine picks them.
    """
    from textreuse.ingest.read import JSONL_SUFFIXES, selected, walk_folder

    include, exclude = (config.include, config.exclude) if config is not None else ((), ())

    out: list[tuple[int, str, str, str]] = []
    for given in paths:
        if list_uri is not None and is_uri(str(given)):
            found = list_uri(str(given))
            if found is None:
                out.append((len(out), str(given), "", "missing"))
            for uri, doc_id in found or []:
                if not selected(doc_id, include=include, exclude=exclude):
                    continue
                kind = "jsonl" if uri.lower().endswith(JSONL_SUFFIXES) else "text"
                out.append((len(out), uri, doc_id, kind))
            continue
        root = Path(given)
        if root.is_dir():
            files: list[tuple[Path, str]] = []
            for p in walk_folder(root):
                if isinstance(p, Reject):  # an unreadable folder, a link to one: the reason rides as the id
                    out.append((len(out), p.path, p.reason, f"rejected:{p.kind}"))
                elif selected(rel := p.relative_to(root).as_posix(), include=include, exclude=exclude):
                    files.append((p, rel))
        elif root.exists():
            files = [(root, root.name)]
        else:
            out.append((len(out), str(root), "", "missing"))
            continue
        for path, doc_id in files:
            kind = "jsonl" if path.suffix.lower() in JSONL_SUFFIXES else "text"
            out.append((len(out), str(path), doc_id, kind))
    return out


def _hadoop_lister(spark: SparkSession) -> Callable[[str], list[tuple[str, str]] | None]:
    """Return a function listing a URI's files as the local engine walks a folder.

    Hidden names (starting with a dot) are skipped; a folder's files come before its
    subfolders', each in name order, and ids are paths relative to the given folder.
    """
    jvm: Any = spark.sparkContext._jvm
    conf = spark.sparkContext._jsc.hadoopConfiguration()

    def walk(fs: Any, folder: Any, prefix: str) -> list[tuple[str, str]]:
        statuses = sorted(fs.listStatus(folder), key=lambda st: st.getPath().getName())
        visible = [st for st in statuses if not st.getPath().getName().startswith(".")]
        files = [(st.getPath().toString(), prefix + st.getPath().getName()) for st in visible if st.isFile()]
        for st in visible:
            if st.isDirectory():
                files += walk(fs, st.getPath(), prefix + st.getPath().getName() + "/")
        return files

    def list_uri(uri: str) -> list[tuple[str, str]] | None:
        path = jvm.org.apache.hadoop.fs.Path(uri)
        fs = path.getFileSystem(conf)
        if not fs.exists(path):
            return None
        status = fs.getFileStatus(path)
        if status.isFile():
            return [(fs.makeQualified(path).toString(), path.getName())]
        return walk(fs, fs.makeQualified(path), "")

    return list_uri


def components(edges: DataFrame) -> DataFrame:
    """Return ``(doc, label)``: each document of `edges` (src, dst) and the least id of its component.

    An iterative join: every round a document takes the least label among its own,
    its neighbours' and its label's label (pointer jumping, so a chain of n pairs takes
    about log2(n) rounds, not n), until no label changes. Each round is two joins and
    one aggregation, checkpointed so the plan does not grow.
    """
    from pyspark.sql import functions as F

    both = edges.select("src", "dst").union(edges.select(F.col("dst").alias("src"), F.col("src").alias("dst")))
    both = both.distinct().persist()
    labels = both.groupBy("src").agg(F.min("dst").alias("m"))
    labels = labels.select(F.col("src").alias("doc"), F.least("m", "src").alias("label")).localCheckpoint()
    while True:
        heard = both.join(labels.withColumnRenamed("doc", "src"), "src").select(F.col("dst").alias("doc"), "label")
        jumped = (
            labels.alias("x")
            .join(labels.alias("y"), F.col("x.label") == F.col("y.doc"))
            .select(F.col("x.doc").alias("doc"), F.col("y.label").alias("label"))
        )
        offers = heard.union(jumped).withColumn("own", F.lit(False))
        offers = offers.union(labels.withColumn("own", F.lit(True)))
        new = (
            offers.groupBy("doc")
            .agg(F.min("label").alias("label"), F.max(F.when(F.col("own"), F.col("label"))).alias("old"))
            .localCheckpoint()
        )
        changed = new.where(F.col("label") != F.col("old")).count()
        labels = new.select("doc", "label")
        if not changed:
            both.unpersist()
            return labels


def scan(
    paths: Iterable[str | Path],
    *,
    out: str | Path,
    spark: SparkSession | None = None,
    master: str | None = None,
    partitions: int | None = None,
    config: Config = Config(),
    reporter: Reporter | None = None,
    meta: dict[str, Any] | None = None,
) -> SparkScanResult:
    """Return the counts of a Spark scan of `paths`, whose tables are written under `out`.

    Writes ``documents``, ``rejects``, ``pairs``, ``passages``, ``stories``,
    ``story_members``, ``annotations``, ``repairs`` and ``evidence`` (and ``runs``) as Parquet folders
    ``out/NAME.parquet``, each under a temporary name
    renamed when complete; the rows equal the local engine's, in its order.
    `partitions` sets every shuffle's partition count (default: two per core of the
    cluster); it never changes the results.
    """
    from pyspark import StorageLevel
    from pyspark.sql import functions as F

    from textreuse.progress import Silent as _Silent

    reporter = reporter or _Silent()
    spark = spark or session(master, partitions=partitions)
    # Every shuffle gets this many partitions: by default two per core Spark has (its
    # own default of 200 costs a Python task each, which dwarfs a small corpus).
    parts = partitions or 2 * spark.sparkContext.defaultParallelism
    spark.conf.set("spark.sql.shuffle.partitions", str(parts))
    # Adaptive query execution re-plans each stage of this long chain of cached joins: with
    # it on, a scan of the 24-file demo corpus ran out of a 1 GB driver heap (the second scan
    # in one session before the trace index was written, the first one after); with it off
    # both scans took 57 s and 31 s. The partition count is ours, so it adapts nothing we need.
    spark.conf.set("spark.sql.adaptive.enabled", "false")
    target = _Target(spark, str(out))
    target.check(TABLES + ("runs",))
    seconds: dict[str, float] = {}
    keep = StorageLevel.MEMORY_AND_DISK
    stash: list[DataFrame] = []

    def persist(df: DataFrame) -> DataFrame:
        stash.append(df.persist(keep))
        return df

    try:
        t0 = time.perf_counter()
        with reporter.stage("read", None):
            listing = list_inputs(paths, list_uri=_hadoop_lister(spark), config=config.ingest)
            files = spark.createDataFrame(listing, "index long, path string, doc_id string, kind string", verifySchema=False)
            uris = [path for _, path, _, kind in listing if kind != "missing" and is_uri(path)]
            if uris:
                # Files behind URIs are read by Spark; their bytes join their place in the listing.
                blobs = spark.read.format("binaryFile").load(uris).select("path", "content")
                files = files.join(blobs, "path", "left")
            files = files.repartition(max(1, min(parts, len(listing))), "index")
            read = files.mapInArrow(functools.partial(read_batches, config=config), READ_SCHEMA)
            if any(kind != "missing" and is_warc_path(Path(path)) for _, path, _, kind in listing):
                read = _named(read)
            read = persist(read)
            ranked = persist(_ranked(read))
            docs = ranked.where("_rank = 1").drop(
                "_rank", "_first", "reject_path", "line", "reason", "kind", "again", "claim"
            )
            n_docs = docs.count()
            rejects = sorted(_rejects(read) + _duplicate_rejects(ranked), key=lambda r: r[0])
        seconds["read"] = time.perf_counter() - t0

        t0 = time.perf_counter()
        with reporter.stage("index", n_docs):
            index = persist(docs.select("ord", "raw_text").mapInArrow(functools.partial(index_batches, config=config), INDEX_SCHEMA))
            groups = persist(
                index.where(F.col("fp") != 0)
                .groupBy("fp")
                .agg(F.min("ord").alias("rep"), F.sort_array(F.collect_list("ord")).alias("members"))
            )
            groups.count()
        seconds["index"] = time.perf_counter() - t0

        t0 = time.perf_counter()
        with reporter.stage("candidates", None):
            entries = (
                index.join(groups.select(F.col("rep").alias("ord")), "ord")
                .select(F.col("ord").alias("k"), F.explode(F.arrays_zip("hashes", "positions")).alias("e"))
                .select("k", F.col("e.hashes").alias("h"), F.col("e.positions").alias("pos"))
            )
            # Anchor priorities (see anchor_priority) need every partition's list sizes.
            sizes = entries.groupBy("h").agg(F.count("*").alias("df"))
            priority = persist(
                entries.join(sizes.where(F.col("df") > config.index.max_df), "h")
                .groupBy("k").agg(F.count("*").alias("pr"))
            )
            entries = entries.join(priority, "k", "left").fillna(0, ["pr"])
            shared = entries.repartition(parts, "h").mapInArrow(
                functools.partial(posting_batches, config=config), SHARED_SCHEMA
            )
            # Checkpointed, not only cached: the detour rule reads the candidates three
            # times, and every later stage's plan would hold three copies of their lineage
            # (the driver ran out of heap planning the align stage).
            found = shared.repartition(parts, "a").mapInArrow(
                functools.partial(linked_batches, config=config), CANDIDATE_SCHEMA
            ).localCheckpoint()
            candidates = _without_detours(found, priority).localCheckpoint()
            n_candidates = candidates.count()
        seconds["candidates"] = time.perf_counter() - t0

        t0 = time.perf_counter()
        with reporter.stage("boilerplate", None):
            marks = persist(_marks(spark, docs, index, groups, config))
            n_marked = marks.count()
        seconds["boilerplate"] = time.perf_counter() - t0

        t0 = time.perf_counter()
        with reporter.stage("align", None):
            # Provenance runs in the same tasks, which hold both documents of each pair.
            pairs = persist(
                _held_by_copies(_align(docs, groups, candidates, marks, parts, config), docs, groups, candidates)
            )
            by_relation: dict[str, int] = {r: 0 for r in RELATIONS}
            for row in pairs.groupBy("relation").count().collect():
                by_relation[row["relation"]] = row["count"]
        seconds["align"] = time.perf_counter() - t0

        t0 = time.perf_counter()
        with reporter.stage("repair", None):
            repairs = persist(_repairs(spark, docs, index, pairs, config))
            n_repaired = repairs.count()
        seconds["repair"] = time.perf_counter() - t0

        t0 = time.perf_counter()
        with reporter.stage("stories", None):
            labels = components(pairs.select(F.col("doc_a").alias("src"), F.col("doc_b").alias("dst")))
            story_rows = persist(
                pairs.join(labels, pairs["doc_a"] == labels["doc"]).drop("doc", "evidence")
                .unionByName(
                    docs.select("doc_id", "url", "date", "source", "site_name")
                    .join(labels.withColumnRenamed("doc", "doc_id"), "doc_id"),
                    allowMissingColumns=True,
                )
                .repartition(parts, "label")
                .mapInArrow(story_batches, STORY_SCHEMA)
            )
            n_stories = story_rows.select("story_id").distinct().count()
            # The pairs a scan reports are the stories' tree edges: n - 1 for n members.
            edges = story_rows.where(F.col("source").isNotNull()).select(
                F.least("doc_id", "source").alias("lo"), F.greatest("doc_id", "source").alias("hi")
            )
            pairs = persist(
                pairs.withColumn("lo", F.least("doc_a", "doc_b")).withColumn("hi", F.greatest("doc_a", "doc_b"))
                .join(edges, ["lo", "hi"], "left_semi").drop("lo", "hi")
            )
            by_relation = {r: 0 for r in RELATIONS}
            for row in pairs.groupBy("relation").count().collect():
                by_relation[row["relation"]] = row["count"]
        seconds["stories"] = time.perf_counter() - t0

        t0 = time.perf_counter()
        with reporter.stage("write", len(TABLES)) as advance:
            written = {
                "documents": target.write("documents", docs.orderBy("ord").select(*DOCUMENT_COLUMNS)),
            }
            advance(1)
            written["rejects"] = target.write(
                "rejects",
                spark.createDataFrame(
                    [(path, line, reason, kind) for _, path, line, reason, kind in rejects],
                    "path string, line long, reason string, kind string",
                ).coalesce(1),
            )
            advance(1)
            written["pairs"] = target.write(
                "pairs",
                pairs.orderBy("doc_a", "doc_b").select(
                    "doc_a", "doc_b", "relation", "origin", "coverage_a", "coverage_b",
                    F.size("passages").cast("int").alias("n_passages"),
                ),
            )  # fmt: skip
            advance(1)
            written["passages"] = target.write(
                "passages",
                pairs.select("doc_a", "doc_b", F.posexplode("passages").alias("passage", "q"))
                .orderBy("doc_a", "doc_b", "passage")
                .select(
                    "doc_a", "doc_b", F.col("passage").cast("int").alias("passage"),
                    "q.a_start", "q.a_end", "q.b_start", "q.b_end", "q.similarity",
                ),
            )  # fmt: skip
            advance(1)
            # build_stories' order: by spread (size, sites, first date), then id.
            spread: list[Any] = [F.desc("size"), F.desc("sites"), F.coalesce("first_date", F.lit("")), "story_id"]
            written["stories"] = target.write(
                "stories",
                story_rows.select("story_id", "size", "representative", "rep_start", "rep_end",
                                  F.col("story_origin").alias("origin"), "first_date", "last_date", "sites")
                .distinct().orderBy(*spread),
            )
            advance(1)
            written["story_members"] = target.write(
                "story_members",
                story_rows.orderBy(*spread, "member").select(
                    "story_id", "doc_id", "relation", "source", "similarity", "coverage", "starts", "ends"
                ),
            )
            advance(1)
            patterned_first = F.when(F.col("patterned"), 0).otherwise(1)
            written["annotations"] = target.write(
                "annotations",
                marks.join(docs.select("ord", "doc_id"), "ord")
                .select(patterned_first.alias("o"), "ord", "doc_id", F.posexplode("marks").alias("i", "a"))
                .orderBy("o", "ord", "i")
                .select("doc_id", "a.start", "a.end", "a.kind", "a.rule"),
            )
            advance(1)
            written["repairs"] = target.write(
                "repairs",
                repairs.select("ord", "doc_id", F.posexplode("steps").alias("step", "s"))
                .orderBy("ord", "step")
                .select(
                    "doc_id", F.col("step").cast("int").alias("step"), "s.start", "s.end", "s.replacement",
                    "s.rule", "s.confidence", "s.witness",
                ),
            )  # fmt: skip
            advance(1)
            written["evidence"] = target.write(
                "evidence",
                pairs.select("doc_a", "doc_b", F.posexplode("evidence").alias("i", "e"))
                .orderBy("doc_a", "doc_b", "i")
                .select("doc_a", "doc_b", "e.kind", "e.favours", "e.weight", "e.detail"),
            )
            advance(1)
            for name, table in _trace_index(spark, docs, index, groups, priority).items():
                written[name] = target.write(name, table)
                advance(1)
        seconds["write"] = time.perf_counter() - t0
    finally:
        for df in stash:
            df.unpersist()

    result = SparkScanResult(
        out=str(out),
        documents=n_docs,
        rejects=[Reject(path, reason, line, kind) for _, path, line, reason, kind in rejects],
        candidates=n_candidates,
        pairs_by_relation=by_relation,
        stories=n_stories,
        repaired=n_repaired,
        with_boilerplate=n_marked,
        seconds=seconds,
        tables=written,
    )
    from textreuse import __version__
    from textreuse.store.postings import INDEX_KEY, index_meta

    run = {
        "version": __version__, "engine": "spark", "summary": result.counts(), INDEX_KEY: index_meta(config),
        **(meta or {}),
    }
    target.write(
        "runs", spark.createDataFrame([(k, json.dumps(v)) for k, v in run.items()], "key string, value string").coalesce(1)
    )
    return result


def _trace_index(
    spark: SparkSession, docs: DataFrame, index: DataFrame, groups: DataFrame, priority: DataFrame
) -> dict[str, DataFrame]:
    """Return the trace index tables (see :mod:`textreuse.store.postings`) as the local
    engine writes them, for a later ``trace`` or ``scan --add`` against the output.

    Documents with words are numbered in input order; each duplicate set's first
    document holds its sketch. Parquet from Spark has no unsigned integers, so the
    hashes and fingerprints keep their 64 bits as signed numbers, and
    :func:`textreuse.store.parquet.connect` reads them back as unsigned.
    """
    from pyspark.sql import functions as F

    worded = index.where(F.col("fp") != 0).select("ord", "fp").orderBy("ord")
    numbered = spark.createDataFrame(
        worded.rdd.zipWithIndex().map(lambda row: (row[0][0], row[0][1], row[1])), "ord long, fp long, doc long"
    )
    documents = (
        numbered.join(docs.select("ord", "doc_id"), "ord")
        .join(priority.select(F.col("k").alias("ord"), "pr"), "ord", "left")
        .orderBy("doc")
        .select(
            F.col("doc").cast("int").alias("doc"), "doc_id", F.col("fp").alias("fingerprint"),
            F.coalesce(F.col("pr"), F.lit(0)).cast("int").alias("priority"),
        )
    )
    entries = (
        index.join(groups.select(F.col("rep").alias("ord")), "ord")
        .select("ord", F.posexplode(F.arrays_zip("hashes", "positions")).alias("i", "e"))
        .join(numbered.select("ord", "doc"), "ord")
        .orderBy("doc", "i")
        .select(
            F.col("e.hashes").alias("hash"), F.col("doc").cast("int").alias("doc"),
            F.col("e.positions").cast("int").alias("position"),
        )
    )
    return {"postings": entries, "index_documents": documents}


def _rejects(read: DataFrame) -> list[tuple[int, str, int | None, str, str | None]]:
    rows = read.where("reject_path IS NOT NULL").select("ord", "reject_path", "line", "reason", "kind").collect()
    return [(r["ord"], r["reject_path"], r["line"], r["reason"], r["kind"]) for r in rows]


def _named(read: DataFrame) -> DataFrame:
    """Return `read` with each WARC page named as the local engine names it: by its URI,
    or by URI and record id when an earlier input (any file, or an earlier capture of the
    same URI, even one whose page gave no text) holds that id."""
    from pyspark.sql import functions as F

    least = (
        read.select(F.coalesce("doc_id", "claim").alias("doc_id"), "ord")
        .where("doc_id IS NOT NULL")
        .groupBy("doc_id")
        .agg(F.min("ord").alias("_least"))
    )
    pages = read.where(F.col("again").isNotNull()).join(least, "doc_id")
    renamed = F.when(F.col("_least") < F.col("ord"), F.col("again")).otherwise(F.col("doc_id"))
    return read.where(F.col("again").isNull()).unionByName(pages.withColumn("doc_id", renamed).drop("_least"))


def _ranked(read: DataFrame) -> DataFrame:
    """Return the documents, ranked among those of their id by input order (``_rank``, ``_first``)."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    by_id = Window.partitionBy("doc_id").orderBy("ord")
    return (
        read.where("doc_id IS NOT NULL")
        .withColumn("_rank", F.row_number().over(by_id))
        .withColumn("_first", F.first("source_path").over(by_id))
    )


def _duplicate_rejects(ranked: DataFrame) -> list[tuple[int, str, int | None, str, str | None]]:
    """Return the rejects of documents whose id was read before, worded as the local engine words them."""
    rows = ranked.where("_rank > 1").select("ord", "doc_id", "source_path", "_first").collect()
    return [
        (
            r["ord"],
            r["source_path"],
            None,
            f"duplicate id {r['doc_id']!r}: already read from {r['_first']}; ids must be unique",
            None,
        )
        for r in rows
    ]


def _align(
    docs: DataFrame, groups: DataFrame, candidates: DataFrame, marks: DataFrame, parts: int, config: Config
) -> DataFrame:
    """Return the related pairs, directed by their evidence: tasks in buckets by first
    document, each with the texts (and boilerplate lines) it needs."""
    from pyspark.sql import functions as F

    pairs = candidates.select(F.col("a").alias("ra"), F.col("b").alias("rb"))
    dups = groups.where(F.size("members") > 1).select(F.col("rep").alias("ra"), F.lit(-1).cast("long").alias("rb"))
    members = groups.select("rep", "members")
    tasks = (
        pairs.union(dups)
        .join(members.select(F.col("rep").alias("ra"), F.col("members").alias("members_a")), "ra")
        .join(members.select(F.col("rep").alias("rb"), F.col("members").alias("members_b")), "rb", "left")
        .withColumn("p", F.pmod(F.xxhash64("ra"), F.lit(parts)).cast("int"))
    )
    needed = tasks.select(
        "p", F.explode(F.concat("members_a", F.coalesce("members_b", F.array().cast("array<long>")))).alias("k")
    ).distinct()
    texts = needed.join(docs.select(F.col("ord").alias("k"), "doc_id", "raw_text", *DOCUMENT_FIELDS), "k").join(
        marks.select(F.col("ord").alias("k"), "marks"), "k", "left"
    )
    rows = tasks.select("p", "ra", "rb", "members_a", "members_b").unionByName(texts, allowMissingColumns=True)
    return rows.repartition(parts, "p").mapInArrow(functools.partial(align_batches, config=config), PAIR_SCHEMA)


def _without_detours(candidates: DataFrame, priority: DataFrame) -> DataFrame:
    """Return `candidates` without their detours, by the rule of
    :func:`textreuse.index.candidates.without_detours` (anchored pairs of a whole copy with
    an anchor other than its best one, where that anchor is a candidate with the best one)."""
    from pyspark.sql import functions as F

    # Sort-merge joins: the planner does not know the sizes of mapInArrow outputs; while the
    # candidates were only cached, a broadcast in this chain ran out of driver memory.
    pr = priority.select(F.col("k"), F.col("pr"))
    anchored = (
        candidates.where("anchored").select("a", "b")
        .join(pr.select(F.col("k").alias("a"), F.col("pr").alias("pa")).hint("merge"), "a", "left")
        .join(pr.select(F.col("k").alias("b"), F.col("pr").alias("pb")).hint("merge"), "b", "left")
        .fillna(0, ["pa", "pb"])
    )
    b_anchors = F.col("pb") > F.col("pa")
    sides = anchored.select(
        "a", "b",
        F.when(b_anchors, F.col("a")).otherwise(F.col("b")).alias("member"),
        F.when(b_anchors, F.col("b")).otherwise(F.col("a")).alias("anchor"),
        F.when(b_anchors, F.col("pb")).otherwise(F.col("pa")).alias("apr"),
        F.when(b_anchors, F.col("pa")).otherwise(F.col("pb")).alias("mpr"),
    )
    # The best anchor: highest priority, then the least document (structs compare in order).
    best = sides.groupBy("member").agg(
        F.min(F.struct((-F.col("apr")).alias("rank"), F.col("anchor").alias("anchor"))).alias("top")
    ).select("member", F.col("top.anchor").alias("best"), (-F.col("top.rank")).alias("bpr"))
    detours = (
        sides.join(best.hint("merge"), "member")
        .where((F.col("anchor") != F.col("best")) & (2 * F.col("mpr") >= F.col("bpr")))
        .select("a", "b", F.least("anchor", "best").alias("lo"), F.greatest("anchor", "best").alias("hi"))
        .join(candidates.select(F.col("a").alias("lo"), F.col("b").alias("hi")).hint("merge"), ["lo", "hi"], "left_semi")
        .select("a", "b")
    )
    return candidates.join(detours.hint("merge"), ["a", "b"], "left_anti")


def _held_by_copies(pairs: DataFrame, docs: DataFrame, groups: DataFrame, candidates: DataFrame) -> DataFrame:
    """Return `pairs` without the anchored ones that show no copied text, by the rule of
    :func:`textreuse.relate.pairs.held_by_copies`, as joins."""
    from pyspark.sql import functions as F

    from textreuse.relate.pairs import COPY_RELATIONS

    ids = docs.select(F.col("ord"), F.col("doc_id"))
    keys = (
        candidates.where("anchored")
        .join(ids.withColumnRenamed("ord", "a").withColumnRenamed("doc_id", "x"), "a")
        .join(ids.withColumnRenamed("ord", "b").withColumnRenamed("doc_id", "y"), "b")
        .select(F.least("x", "y").alias("lo"), F.greatest("x", "y").alias("hi"))
    )
    copies = F.col("relation").isin(sorted(COPY_RELATIONS))
    homed = (
        pairs.where(copies).select(F.explode(F.array("doc_a", "doc_b")).alias("d"))
        .union(
            groups.where(F.size("members") > 1).select(F.explode("members").alias("ord"))
            .join(ids, "ord").select(F.col("doc_id").alias("d"))
        )
        .distinct()
    )
    doubtful = (
        pairs.where(~copies)
        .select("doc_a", "doc_b", F.least("doc_a", "doc_b").alias("lo"), F.greatest("doc_a", "doc_b").alias("hi"))
        .join(keys, ["lo", "hi"], "left_semi")
        .join(homed.withColumnRenamed("d", "doc_a"), "doc_a", "left_anti")
        .join(homed.withColumnRenamed("d", "doc_b"), "doc_b", "left_anti")
        .select("doc_a", "doc_b")
    )
    return pairs.join(doubtful, ["doc_a", "doc_b"], "left_anti")


def _marks(spark: SparkSession, docs: DataFrame, index: DataFrame, groups: DataFrame, config: Config) -> DataFrame:
    """Return ``(ord, marks, patterned)`` per document with boilerplate lines, as the local
    engine's `marks`: pattern lines from the index stage, then recurring lines.

    ``patterned`` says the document had pattern lines (the local engine lists those
    first). The survey needs every document's head and tail lines at once: they are
    collected to the driver (their hashes and spans, about 1.5 KB per document as
    Python objects), grouped and merged there by the local engine's functions; the survey is
    broadcast back and each document is marked where it lies.
    """
    from pyspark.sql import functions as F

    from textreuse.clean.recurring import recurring_survey, survey_groups

    pattern = index.select("ord", F.col("marks").alias("pattern"))
    found = None
    if config.boilerplate.recurring:
        rows = index.select("ord", "edges").orderBy("ord").collect()
        # Documents numbered as the local engine numbers them: in input order.
        number = {r["ord"]: k for k, r in enumerate(rows)}
        read = [None if r["edges"] is None else pickle.loads(r["edges"]) for r in rows]
        del rows
        duplicates = [
            [number[m] for m in r["members"]] for r in groups.where(F.size("members") > 1).select("members").collect()
        ]
        corpus = recurring_survey(
            read, survey_groups(read, duplicates, config=config.boilerplate), config=config.boilerplate
        )
        del read
        if corpus is not None:
            shared = spark.sparkContext.broadcast(corpus.recurring())
            found = (
                index.select("ord", "edges", "marks")
                .join(docs.select("ord", "raw_text"), "ord")
                .mapInArrow(functools.partial(recurring_batches, corpus=shared, config=config), MARK_SCHEMA)
            )
    if found is None:
        return pattern.where(F.size("pattern") > 0).select(
            "ord", F.col("pattern").alias("marks"), F.lit(True).alias("patterned")
        )
    return (
        pattern.join(found, "ord", "left")
        .where(F.col("found").isNotNull() | (F.size("pattern") > 0))
        .select("ord", F.coalesce("found", "pattern").alias("marks"), (F.size("pattern") > 0).alias("patterned"))
    )


def _repairs(spark: SparkSession, docs: DataFrame, index: DataFrame, pairs: DataFrame, config: Config) -> DataFrame:
    """Return ``(ord, steps, doc_id)`` per repaired document, those that need a witness
    repaired again by :func:`~textreuse.clean.witness.witness_repairs`.

    The driver collects the repaired documents' steps, and the pairs and texts of the
    documents that need a witness (the index stage's ``suspect``: lossy-repaired, or
    holding lossy sites too few to repair by context) and of their partners. The others
    are known by id only: they are damaged (no witness) when repaired, and cannot need a
    witness themselves.
    """
    from pyspark.sql import functions as F

    from textreuse.clean.witness import witness_repairs

    found = index.where(F.size("steps") > 0).select("ord", "steps").join(docs.select("ord", "doc_id"), "ord")
    rows = (
        index.where((F.size("steps") > 0) | F.col("suspect")).select("ord", "steps", "suspect")
        .join(docs.select("ord", "doc_id"), "ord").orderBy("ord").collect()
    )
    steps = {r["ord"]: tuple(Step(**s.asDict()) for s in r["steps"]) for r in rows}
    ids = {r["ord"]: r["doc_id"] for r in rows}
    suspects = sorted(ids[r["ord"]] for r in rows if r["suspect"])
    if not suspects:
        return found
    near = sorted(
        (_pair(r) for r in pairs.where(F.col("doc_a").isin(suspects) | F.col("doc_b").isin(suspects)).collect()),
        key=lambda p: (p.doc_a, p.doc_b),
    )
    partners = {d for p in near for d in (p.doc_a, p.doc_b)} - set(ids.values())
    wanted = sorted(set(suspects) | partners)
    texts: dict[str, str] = {
        r["doc_id"]: r["raw_text"] for r in docs.where(F.col("doc_id").isin(wanted)).select("doc_id", "raw_text").collect()
    }
    ords = sorted(ids)
    # Documents keep their order (witness_jobs works in it); partners follow, by id.
    subset = [Document(ids[k], texts.get(ids[k], "")) for k in ords] + [Document(d, texts[d]) for d in sorted(partners)]
    repairs = {i: steps[k] for i, k in enumerate(ords) if steps[k]}
    witness_repairs(subset, near, repairs, config=config.encoding)
    changed = [(k, step_rows(repairs[i])) for i, k in enumerate(ords) if repairs.get(i, ()) != steps[k]]
    if not changed:
        return found
    again = spark.createDataFrame(changed, f"ord long, again array<{STEP_TYPE}>")
    return (
        found.join(again, "ord", "full")
        .join(docs.select("ord", F.col("doc_id").alias("named")), "ord")
        .select("ord", F.coalesce("again", "steps").alias("steps"), F.coalesce("doc_id", "named").alias("doc_id"))
    )


def _pair(row: Any) -> Pair:
    passages = tuple(Passage((q["a_start"], q["a_end"]), (q["b_start"], q["b_end"]), q["similarity"]) for q in row["passages"])
    return Pair(row["doc_a"], row["doc_b"], row["relation"], row["origin"], row["coverage_a"], row["coverage_b"], passages)


class _Target:
    """The output folder, through Hadoop's file system API (any URI Spark can write)."""

    def __init__(self, spark: SparkSession, out: str) -> None:
        jvm: Any = spark.sparkContext._jvm
        conf = spark.sparkContext._jsc.hadoopConfiguration()
        self.jvm = jvm
        uri = out if "://" in out or out.startswith("file:") else Path(out).resolve().as_uri()
        self.root: Any = jvm.org.apache.hadoop.fs.Path(uri)
        self.fs: Any = self.root.getFileSystem(conf)
        self.uri = uri

    def path(self, name: str) -> Any:
        return self.jvm.org.apache.hadoop.fs.Path(self.root, name)

    def check(self, names: Iterable[str]) -> None:
        """Raise StoreError if the output or a table's target is something textreuse must not replace."""
        if self.fs.exists(self.root) and not self.fs.getFileStatus(self.root).isDirectory():
            raise StoreError(f"{self.uri} is a file; --out needs a folder for the Parquet tables")
        for name in names:
            table = self.path(f"{name}.parquet")
            if not self.fs.exists(table):
                continue
            if not (self.fs.getFileStatus(table).isDirectory() and self.fs.exists(self.jvm.org.apache.hadoop.fs.Path(table, "_SUCCESS"))):
                raise StoreError(
                    f"{table.toString()} exists and is not a table a Spark scan wrote; it was left untouched. "
                    "Choose another --out folder or remove it."
                )

    def write(self, name: str, df: DataFrame) -> str:
        """Write `df` as ``NAME.parquet`` under a temporary name, then rename it into place."""
        final = self.path(f"{name}.parquet")
        tmp = self.path(f".{name}.parquet.tmp-{uuid.uuid4().hex[:12]}")
        df.write.parquet(tmp.toString())
        if self.fs.exists(final):
            old = self.path(f".{name}.parquet.old-{uuid.uuid4().hex[:12]}")
            self.fs.rename(final, old)
            self.fs.rename(tmp, final)
            self.fs.delete(old, True)
        elif not self.fs.rename(tmp, final):
            raise StoreError(f"could not rename {tmp.toString()} to {final.toString()}")
        return str(final.toString())

