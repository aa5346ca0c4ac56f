"""Adding documents to a database, and taking them out (``scan --add``, ``remove``).

The result is the result of one scan: the database after ``scan A`` then
``scan B --add`` equals, table for table, the database of ``scan A B``; after ``remove``
it equals a scan of the documents left, in their order. Corpus-wide statistics
(recurring boilerplate lines, n-gram document frequencies, witnesses for repair,
story representatives and origins) are computed again over all the documents, so any
old document they touch is updated. What is saved is reading: the stored documents
are taken from the database (raw text and fields as read), not from their inputs,
which need not exist any more. Every stage after reading runs over the whole corpus
again (see BENCHMARKS.md for what that costs).

Each run writes a new database under a temporary name and renames it over the old one
when complete, so an interrupted ``--add`` or ``remove`` leaves the database as it was.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from textreuse.config import Config
from textreuse.engines.local import ScanResult, Stored, rescan, scan
from textreuse.errors import StoreError
from textreuse.progress import Reporter
from textreuse.store import duckdb as store


@dataclass
class Before:
    """What a database held before a change: its documents, rejects, run record, pairs and stories."""

    stored: Stored
    meta: dict[str, Any]
    pairs: set[tuple[str, str]] = field(default_factory=set)
    stories: dict[str, frozenset[str]] = field(default_factory=dict)


def read_before(db: str | Path, *, update: bool = False) -> Before:
    """Return what the database at `db` holds (nothing when there is no database there)."""
    meta = store.previous_run(db)
    if meta is None:
        return Before(Stored([], [], update), {})
    with store.connect(db) as con:
        docs = store.read_documents(con)
        rejects = store.read_rejects(con, as_written=True)
        pairs = {(a, b) for a, b in con.execute("SELECT doc_a, doc_b FROM pairs").fetchall()}
        members: dict[str, set[str]] = {}
        for story, doc in con.execute("SELECT story_id, doc_id FROM story_members").fetchall():
            members.setdefault(story, set()).add(doc)
    return Before(Stored(docs, rejects, update), meta, pairs, {k: frozenset(v) for k, v in members.items()})


def changes(before: Before, result: ScanResult) -> dict[str, Any]:
    """Return how `result` differs from what the database held: documents added, replaced
    and removed, pairs new and gone, stories new, grown (holding every member of a story
    that was there before, and more) and gone (no story holds all their old members).

    >>> from textreuse.model import Document
    >>> b = Before(Stored([Document("a", "x")], []), {}, {("a", "b")}, {"st-1": frozenset({"a", "b"})})
    >>> r = ScanResult([Document("a", "x"), Document("c", "y")], [], [])
    >>> changes(b, r)["documents"]
    {'added': 1, 'replaced': 0, 'removed': 0, 'total': 2}
    """
    old_ids = {d.id for d in before.stored.documents}
    now = {d.id for d in result.documents}
    old_text = {d.id: d.raw_text for d in before.stored.documents}
    replaced = sum(1 for d in result.documents if d.id in old_text and old_text[d.id] != d.raw_text)
    pairs = {(p.doc_a, p.doc_b) for p in result.pairs}
    stories = {s.id: frozenset(m.doc_id for m in s.members) for s in result.stories}
    holding: dict[str, list[str]] = {}
    for k, members in stories.items():
        for doc in members:
            holding.setdefault(doc, []).append(k)

    def kept_in(old: frozenset[str]) -> list[str]:
        """Return the new stories holding every member of `old`."""
        return [k for k in holding.get(next(iter(old)), []) if old <= stories[k]] if old else []

    grown: set[str] = set()
    gone = 0
    for key, old in before.stories.items():
        into = [k for k in kept_in(old) if k != key]
        if key not in stories and not into:
            gone += 1
        grown.update(into)
    appeared = [k for k in stories if k not in before.stories]
    return {
        "documents": {"added": len(now - old_ids), "replaced": replaced, "removed": len(old_ids - now), "total": len(now)},
        "pairs": {"new": len(pairs - before.pairs), "gone": len(before.pairs - pairs), "total": len(pairs)},
        "stories": {
            "new": sum(1 for k in appeared if k not in grown),
            "grown": sum(1 for k in appeared if k in grown),
            "gone": gone,
            "total": len(stories),
        },
    }


def _history(before: dict[str, Any], entry: dict[str, Any]) -> list[dict[str, Any]]:
    past = list(before.get("history") or [])
    if not past and before.get("inputs") is not None:
        past.append({"command": "scan", "inputs": before["inputs"]})
    return [*past, entry]


def add(
    paths: Iterable[str | Path],
    *,
    db: str | Path,
    update: bool = False,
    workers: int | None = None,
    config: Config = Config(),
    reporter: Reporter | None = None,
    meta: dict[str, Any] | None = None,
) -> tuple[ScanResult, dict[str, Any]]:
    """Add the documents of `paths` to the database at `db` (created when missing); return
    the new result and its :func:`changes`.

    A document whose id the database holds is rejected as a repeat, or, with `update`,
    replaces the stored one. ``meta["inputs"]`` is appended to the inputs recorded.
    """
    before = read_before(db, update=update)
    meta = dict(meta or {})
    inputs = list(before.meta.get("inputs") or []) + list(meta.get("inputs") or [])
    entry = {"command": "scan --add" + (" --update" if update else ""), "inputs": list(meta.get("inputs") or [])}
    meta.update(inputs=inputs, history=_history(before.meta, entry))
    result = scan(paths, db=db, workers=workers, config=config, reporter=reporter, meta=meta, stored=before.stored)
    return result, changes(before, result)


def remove(
    db: str | Path,
    ids: Iterable[str],
    *,
    workers: int | None = None,
    config: Config = Config(),
    reporter: Reporter | None = None,
    meta: dict[str, Any] | None = None,
) -> tuple[ScanResult, dict[str, Any], list[str]]:
    """Take the documents `ids` out of the database at `db`; return the new result, its
    :func:`changes` and the ids the database did not hold (nothing is written when it
    held none of them).

    Their rejects stay (they record what was read). Raises StoreError when there is no
    database at `db`.
    """
    before = read_before(db)
    if not before.meta:
        raise StoreError(f"no textreuse database at {db}; run 'textreuse scan CORPUS --db {db}' first")
    wanted = list(dict.fromkeys(ids))
    held = {d.id for d in before.stored.documents}
    missing = [i for i in wanted if i not in held]
    gone = set(wanted) & held
    if not gone:
        from textreuse.engines.stored import open_result

        result = open_result(db)
        return result, changes(before, result), missing
    meta = {"inputs": before.meta.get("inputs") or [], **(meta or {})}
    meta["history"] = _history(before.meta, {"command": "remove", "documents": len(gone)})
    docs = [d for d in before.stored.documents if d.id not in gone]
    result = rescan(docs, before.stored.rejects, db=db, workers=workers, config=config, reporter=reporter, meta=meta)
    return result, changes(before, result), missing
