#!/usr/bin/env python3
"""Build the bundled textreuse demo corpus.

Usage:  python demo/make_demo.py        (Python 3.10+, standard library only)

Reads the hand-written articles in demo/originals/ (all written for this project; every
person, place, company and event in them is invented), deletes and recreates demo/corpus/,
plants known text reuse in it, and writes the ground truth to demo/truth.jsonl.
Standard library only; deterministic (every random choice comes from a random.Random seeded
with SEED and the name of the file being made), so re-running gives byte-identical output.

Document ids
    A file's id is its path relative to demo/corpus with "/" separators
    ("news/lowmarsh-river-flood.txt"). A record of a JSONL file has the id in its "id" field
    ("wire-20240312-pellham-strike"); its content is the "text" field (the headline is in
    "title" and is not part of the text).

demo/truth.jsonl
    One JSON object per related pair of documents:
        {"doc_a": id, "doc_b": id, "relation": REL, "origin": id or null}
    It lists the planted pairs and every pair implied by them (two documents derived from the
    same original). The relation of EVERY pair is computed below from the text actually
    written to the corpus (read back from disk), with these definitions:

    words        the \\w+ tokens of unicodedata.normalize("NFKC", text).casefold();
                 punctuation and white space are ignored.
    passage      a run of at least PASSAGE_MIN (8) consecutive words that occurs in both
                 documents; a word "lies in a shared passage" if it is inside such a run.
    coverage(X)  share of X's word characters (sum of word lengths) lying in shared passages.
    duplicate        the two word sequences are identical.
    near_duplicate   coverage >= 0.80 for BOTH documents.
    excerpt          not a near duplicate, and coverage of the shorter document (fewer word
                     characters) >= 0.60.
    overlap          none of the above, but they share one passage of >= 40 words.

    Pair order and origin:
    excerpt          doc_a is the shorter document (the excerpt), doc_b the longer one, and
                     origin is doc_b.
    duplicate, near_duplicate, overlap
                     symmetric. For planted pairs doc_a is the source article and doc_b the
                     copy / quoting document; for implied pairs the two ids are in sorted
                     order. origin is null, unless both documents carry dates (wire records)
                     and the dates differ: then origin is the earlier-dated one.

    The script fails if a planted pair does not get the relation it was planted as, or if
    the set of implied pairs differs from EXPECTED_IMPLIED (so editing an article cannot
    silently change the truth), and it checks that no other pair of documents is related.
"""

from __future__ import annotations

import difflib
import json
import random
import re
import shutil
import textwrap
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

SEED = 20240312
DEMO = Path(__file__).resolve().parent
ORIGINALS = DEMO / "originals"
CORPUS = DEMO / "corpus"
TRUTH = DEMO / "truth.jsonl"

PASSAGE_MIN = 8  # words in a run before it counts as a shared passage
OVERLAP_MIN = 40  # words in the longest shared passage for an "overlap"
NEAR_DUP_COVERAGE = 0.80
EXCERPT_COVERAGE = 0.60


# --------------------------------------------------------------------------- basics


@dataclass
class Article:
    title: str
    paras: list[str]

    def text(self) -> str:
        return self.title + "\n\n" + "\n\n".join(self.paras) + "\n"

    def body(self) -> str:
        return "\n\n".join(self.paras) + "\n"


def read_article(path: Path) -> Article:
    blocks = [b.strip() for b in path.read_text(encoding="utf-8").split("\n\n") if b.strip()]
    return Article(blocks[0], blocks[1:])


def words(text: str) -> list[str]:
    return re.findall(r"\w+", unicodedata.normalize("NFKC", text).casefold())


def n_words(text: str) -> int:
    return len(text.split())


def rng_for(name: str) -> random.Random:
    # str seeds are hashed with SHA-512 (version 2 seeding): stable across runs/platforms.
    return random.Random(f"{SEED}:{name}")


def pick(rng: random.Random, seq: list[str]) -> str:
    # Only rng.random() is used, whose output is stable across Python versions.
    return seq[int(rng.random() * len(seq))]


def write(rel: str, text: str, *, encoding: str = "utf-8", newline: str = "\n") -> None:
    path = CORPUS / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.replace("\n", newline).encode(encoding))


def curly_quotes(text: str) -> str:
    out = []
    for i, ch in enumerate(text):
        prev = text[i - 1] if i else " "
        opening = prev.isspace() or prev in "([—"
        if ch == '"':
            out.append("\u201c" if opening else "\u201d")
        elif ch == "'":
            out.append("\u2018" if opening else "\u2019")
        else:
            out.append(ch)
    return "".join(out)


TOKEN = re.compile(r"(\W*)(\w(?:[\w'\-]*\w)?)(\W*)")


# --------------------------------------------------------------------------- duplicates


def syndicated_copy(art: Article, name: str, style: str) -> str:
    """A copy that is identical after normalisation: only letter case, quote style, some
    punctuation and white space / line wrapping differ."""
    rng = rng_for(name)

    def recase(par: str) -> str:
        toks = par.split(" ")
        for i, tok in enumerate(toks):
            m = TOKEN.fullmatch(tok)
            if not m or rng.random() > 0.05:
                continue
            core = m.group(2)
            core = core.upper() if core[0].isupper() else core[0].upper() + core[1:]
            toks[i] = m.group(1) + core + m.group(3)
        return " ".join(toks)

    def repunct(par: str) -> str:
        # drop some commas, turn some into semicolons or dashes; hyphen -> en dash in scores
        par = re.sub(r"(\d)-(\d)", "\\1\u2013\\2", par)
        return re.sub(
            r", ",
            lambda m: pick(rng, [", ", ", ", ", ", " ", "; ", " \u2014 "]),
            par,
        )

    paras = [curly_quotes(repunct(recase(p))) for p in art.paras]
    # non-breaking spaces before some units
    paras = [re.sub(r"(\d) (million|pounds|percent|minutes)", "\\1\u00a0\\2", p) for p in paras]
    if style == "A":
        title = art.title.upper()
        out = [title, ""]
        for p in paras:
            for line in textwrap.wrap(p, width=66, break_long_words=False):
                line = re.sub(r"([.?!][\u201d]?) (?=[A-Z\u201c])", "\\1  ", line)
                out.append(line + (" " if rng.random() < 0.3 else ""))
            out.append("")
        return "\n".join(out)
    # style B: sentence-case headline, indented paragraphs, wide wrap, extra blank lines
    title = art.title[0] + art.title[1:].lower()
    out = [curly_quotes(title), "", ""]
    for p in paras:
        lines = textwrap.wrap(p, width=74, break_long_words=False)
        out.append("    " + lines[0])
        out.extend(lines[1:])
        out.extend(["", ""])
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------- near duplicates

SYNONYMS = {
    "said": "added",
    "about": "around",
    "around": "about",
    "roughly": "approximately",
    "began": "started",
    "started": "began",
    "almost": "nearly",
    "nearly": "almost",
    "largest": "biggest",
    "big": "large",
    "told": "informed",
    "build": "construct",
    "quickly": "rapidly",
    "sharply": "markedly",
    "several": "a number of",
    "small": "modest",
    "local": "nearby",
    "main": "principal",
    "former": "old",
    "people": "residents",
    "everything": "it all",
    "whole": "entire",
    "tested": "trialled",
}
FILLERS = ["also", "now", "still", "reportedly", "indeed", "already", "even", "recently"]
DELETABLE = {
    "very",
    "also",
    "just",
    "still",
    "now",
    "about",
    "roughly",
    "almost",
    "only",
    "then",
    "already",
    "really",
    "simply",
    "sharply",
    "eventually",
    "directly",
    "steadily",
    "finally",
    "nearly",
    "usually",
}


def edit_fraction(a: list[str], b: list[str]) -> float:
    sm = difflib.SequenceMatcher(None, a, b, autojunk=False)
    edited = sum(max(i2 - i1, j2 - j1) for op, i1, i2, j1, j2 in sm.get_opcodes() if op != "equal")
    return edited / len(a)


def near_duplicate(
    source: str, name: str, hand_edits: list[tuple[str, str]], target: float = 0.04
) -> tuple[str, float]:
    """Apply hand edits (changed names, numbers, headline...) to `source`, then seeded random
    word substitutions, insertions and deletions until `target` of its words are edited."""
    rng = rng_for(name)
    text = source
    for old, new in hand_edits:
        assert text.count(old) == 1, (name, old)
        text = text.replace(old, new)
    base = words(source)
    blocks = [b.split(" ") for b in text.split("\n\n")]

    def render() -> str:
        return "\n\n".join(" ".join(b) for b in blocks)

    def candidates(op: str) -> list[tuple[int, int]]:
        found = []
        for bi, toks in enumerate(blocks):
            if bi == 0 and len(blocks) > 1:
                continue  # leave the headline to the hand edits
            for k in range(1, len(toks) - 1):
                m = TOKEN.fullmatch(toks[k])
                if not m or any(ch.isdigit() for ch in toks[k]):
                    continue
                pre, core, post = m.groups()
                if (
                    op == "sub"
                    and core.lower() in SYNONYMS
                    or op == "del"
                    and not pre
                    and not post
                    and core.lower() in DELETABLE
                    or (
                        op == "ins"
                        and not pre
                        and core.islower()
                        and not re.search(r"[.!?:,;\"]$", toks[k - 1])
                    )
                ):
                    found.append((bi, k))
        return found

    for _ in range(1000):
        if edit_fraction(base, words(render())) >= target:
            break
        op = pick(rng, ["sub", "sub", "ins", "del"])
        spots = candidates(op)
        if not spots:
            continue
        bi, k = spots[int(rng.random() * len(spots))]
        toks = blocks[bi]
        if op == "sub":
            pre, core, post = TOKEN.fullmatch(toks[k]).groups()  # type: ignore[union-attr]
            new = SYNONYMS[core.lower()]
            if core[0].isupper():
                new = new[0].upper() + new[1:]
            toks[k] = pre + new + post
        elif op == "ins":
            toks.insert(k, pick(rng, FILLERS))
        else:
            del toks[k]
    out = render()
    frac = edit_fraction(base, words(out))
    assert 0.03 <= frac <= 0.05, (name, frac)
    return out, frac


# --------------------------------------------------------------------------- the plan

NEWS = [  # originals published as plain files under news/
    "brackenford-council-budget",
    "lowmarsh-river-flood",
    "quillfern-startup-funding",
    "corrow-athletic-promotion",
    "halvern-glass-exhibition",
    "ashgrove-science-prize",
    "fenmoor-otter-survey",
]  # the eighth original, pellham-nurses-strike, is a record of wire/feed.jsonl

DUPLICATES = [  # (original, copy, style)
    ("brackenford-council-budget", "syndicated/vale-courier-council-budget.txt", "A"),
    ("corrow-athletic-promotion", "syndicated/sportsdesk-corrow-promotion.txt", "B"),
]

NEAR_DUPLICATES = [  # (original, copy, hand edits)
    (
        "quillfern-startup-funding",
        "syndicated/agritech-weekly-quillfern.txt",
        [
            (
                "Dunmore Startup Quillfern Raises 7 Million to Bring Cheap Soil Sensors to Farms",
                "Soil Sensor Maker Quillfern Raises 7 Million Euros to Expand",
            ),
            ("About 1,400 farms in four countries", "About 1,450 farms in five countries"),
            ("Vivienne Strand", "Vivien Strand"),
            ("roughly 30 new jobs", "around 35 new jobs"),
        ],
    ),
    (
        "halvern-glass-exhibition",
        "syndicated/heritage-today-halvern-glass.txt",
        [
            (
                "Halvern Museum Opens Exhibition of Forgotten Glassmakers",
                "Halvern Celebrates Its Forgotten Glassmakers in New Show",
            ),
            ("more than 300 objects", "almost 350 objects"),
            ("Edna Coyle", "Edna Doyle"),
            ("41,000 pounds in six weeks", "41,000 pounds in five weeks"),
        ],
    ),
]

WIRE_SOURCE = "Northgate Wire Service"
WIRE_ORIGINAL_ID = "wire-20240312-pellham-strike"
WIRE_UPDATE_ID = "wire-20240314-pellham-strike"
WIRE_OTHER_ID = "wire-20240313-skerrin-ferries"
WIRE_UPDATE_TITLE = "St Oswin's Nurses Stage Two-Day Walkout Over Staffing and Pay"
WIRE_UPDATE_EDITS = [
    ("Around 400 staff", "Around 420 staff"),
    ("About 130 planned operations and 900", "About 140 planned operations and 950"),
    ("Derek Amos", "Derek Amis"),
    ("Talks are expected to resume next week", "Talks are due to resume on Monday"),
]

BLOGS = [  # (original, blog file, paragraphs excerpted, template)
    (
        "brackenford-council-budget",
        "blogs/brackenford-matters-budget.txt",
        2,
        """Brackenford Matters - local politics, minus the spin
Posted on 13 March by Maria Keller | Filed under: Council, Money | 4 comments

Maria Keller writes:

{EXCERPT}

[Continue reading…]

Read the full story at brackenfordpost.example

Print Friendly, PDF & Email

Share this:
Facebook | Email | Print
""",
    ),
    (
        "lowmarsh-river-flood",
        "blogs/tessel-valley-notes-flood.txt",
        2,
        """Tessel Valley Notes
Home | About | Archive | Contact

From the Riverside Gazette:

{EXCERPT}

Read the full story at riversidegazette.example

Share this:
Like this: Loading...
""",
    ),
    (
        "lowmarsh-river-flood",
        "blogs/lowmarsh-noticeboard-flood.txt",
        1,
        """Lowmarsh Community Noticeboard
Posted by Ken Ibbotson in News & Alerts

Ken Ibbotson writes:

{EXCERPT}

[Continue reading…]

Print Friendly, PDF & Email
""",
    ),
]

QUOTES = [  # (host, quoting file, original, first words of passage, last words of passage)
    (
        "lab-time-muddy-boots",
        "opinion/lab-time-muddy-boots.txt",
        "ashgrove-science-prize",
        "Over four months the pupils",
        "water that flowed through it.",
    ),
    (
        "crane-end-marina",
        "opinion/crane-end-marina.txt",
        "fenmoor-otter-survey",
        "The survey, organised by",
        "almost vanished from the area.",
    ),
    (
        "pellham-key-worker-housing",
        "opinion/pellham-key-worker-housing.txt",
        "pellham-nurses-strike",
        "At the heart of the dispute",
        "faster than they could be replaced.",
    ),
]

UNRELATED = [
    "oakhurst-library-of-things",
    "glenarrow-mountain-rescue",
    "kilbride-vintage-bus",
]
LEGACY = "wrenmouth-cafe-award"  # written as cp1252 bytes with CRLF line ends

# (doc_a, doc_b, relation) planted on purpose
PLANTED = [
    (
        "news/brackenford-council-budget.txt",
        "syndicated/vale-courier-council-budget.txt",
        "duplicate",
    ),
    (
        "news/corrow-athletic-promotion.txt",
        "syndicated/sportsdesk-corrow-promotion.txt",
        "duplicate",
    ),
    (
        "news/quillfern-startup-funding.txt",
        "syndicated/agritech-weekly-quillfern.txt",
        "near_duplicate",
    ),
    (
        "news/halvern-glass-exhibition.txt",
        "syndicated/heritage-today-halvern-glass.txt",
        "near_duplicate",
    ),
    (WIRE_ORIGINAL_ID, WIRE_UPDATE_ID, "near_duplicate"),
    ("blogs/brackenford-matters-budget.txt", "news/brackenford-council-budget.txt", "excerpt"),
    ("blogs/tessel-valley-notes-flood.txt", "news/lowmarsh-river-flood.txt", "excerpt"),
    ("blogs/lowmarsh-noticeboard-flood.txt", "news/lowmarsh-river-flood.txt", "excerpt"),
    ("news/ashgrove-science-prize.txt", "opinion/lab-time-muddy-boots.txt", "overlap"),
    ("news/fenmoor-otter-survey.txt", "opinion/crane-end-marina.txt", "overlap"),
    (WIRE_ORIGINAL_ID, "opinion/pellham-key-worker-housing.txt", "overlap"),
]

# Pairs implied by the planted ones (same original behind both), with the relation their
# shared text gives under the definitions above.
EXPECTED_IMPLIED = {
    # the blog quotes paragraphs 1-2 of the council story, so it is an excerpt of its copy too
    (
        "blogs/brackenford-matters-budget.txt",
        "syndicated/vale-courier-council-budget.txt",
        "excerpt",
    ),
    # both flood blogs carry headline + first paragraph; the noticeboard carries nothing else
    # of the article, so most of it lies in text shared with the longer blog post
    ("blogs/lowmarsh-noticeboard-flood.txt", "blogs/tessel-valley-notes-flood.txt", "excerpt"),
    # the quoted strike passage also survives (mostly) in the later wire update
    ("opinion/pellham-key-worker-housing.txt", WIRE_UPDATE_ID, "overlap"),
}


# --------------------------------------------------------------------------- build


def build() -> dict[str, str]:
    """Write the corpus. Returns the wire record dates by id."""
    news = {p.stem: read_article(p) for p in sorted((ORIGINALS / "news").glob("*.txt"))}
    hosts = {p.stem: read_article(p) for p in sorted((ORIGINALS / "hosts").glob("*.txt"))}
    unrelated = {p.stem: read_article(p) for p in sorted((ORIGINALS / "unrelated").glob("*.txt"))}
    for name, art in news.items():
        assert 400 <= n_words(art.text()) <= 750, (name, n_words(art.text()))
    for name, art in hosts.items():
        assert 200 <= n_words(art.text()) <= 350, (name, n_words(art.text()))
    for name, art in unrelated.items():
        assert 250 <= n_words(art.text()) <= 400, (name, n_words(art.text()))

    if CORPUS.exists():
        shutil.rmtree(CORPUS)
    CORPUS.mkdir()

    for slug in NEWS:
        write(f"news/{slug}.txt", news[slug].text())

    for slug, out, style in DUPLICATES:
        text = syndicated_copy(news[slug], out, style)
        assert words(text) == words(news[slug].text()), out
        assert text != news[slug].text()
        write(out, text, newline="\r\n" if style == "B" else "\n")

    for slug, out, edits in NEAR_DUPLICATES:
        text, frac = near_duplicate(news[slug].text(), out, edits)
        print(f"{out}: {frac:.1%} of words edited")
        write(out, text + "\n")

    for slug, out, n_paras, template in BLOGS:
        art = news[slug]
        excerpt = "\n\n".join([art.title] + art.paras[:n_paras])
        frac = n_words(excerpt) / n_words(art.text())
        assert 0.10 <= frac <= 0.40, (out, frac)
        print(f"{out}: first {frac:.0%} of {slug}")
        write(out, template.replace("{EXCERPT}", excerpt))

    for host, out, slug, start, end in QUOTES:
        body = news[slug].body()
        i = body.index(start)
        j = body.index(end, i) + len(end)
        passage = body[i:j]
        assert '"' not in passage and "\n" not in passage
        text = hosts[host].text()
        assert text.count("{{QUOTE}}") == 1
        text = text.replace("{{QUOTE}}", passage)
        share = n_words(passage) / n_words(text)
        assert 60 <= n_words(passage) <= 150 and share <= 0.34, (out, share)
        print(f"{out}: quotes {n_words(passage)} words of {slug} ({share:.0%} of the host)")
        write(out, text)

    # wire feed: the update comes first in the file, so only the dates tell which is older
    strike = news["pellham-nurses-strike"]
    update_body, frac = near_duplicate(strike.body(), WIRE_UPDATE_ID, WIRE_UPDATE_EDITS)
    print(f"wire/feed.jsonl {WIRE_UPDATE_ID}: {frac:.1%} of words edited")
    ferries = hosts["skerrin-winter-ferries"]
    records = [
        {
            "id": WIRE_OTHER_ID,
            "title": ferries.title,
            "date": "2024-03-13",
            "source": WIRE_SOURCE,
            "url": "https://wire.example/2024/03/13/skerrin-winter-sailings",
            "text": ferries.body(),
        },
        {
            "id": WIRE_UPDATE_ID,
            "title": WIRE_UPDATE_TITLE,
            "date": "2024-03-14",
            "source": "Pellham Evening Star",
            "url": "https://pellhamstar.example/news/2024/03/14/st-oswins-walkout",
            "text": update_body.rstrip("\n") + "\n",
        },
        {
            "id": WIRE_ORIGINAL_ID,
            "title": strike.title,
            "date": "2024-03-12",
            "source": WIRE_SOURCE,
            "url": "https://wire.example/2024/03/12/pellham-nurses-strike",
            "text": strike.body(),
        },
    ]
    write(
        "wire/feed.jsonl",
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records),
    )

    for slug in UNRELATED:
        write(f"misc/{slug}.txt", unrelated[slug].text())
    legacy = unrelated[LEGACY].text()
    assert any(ord(c) > 127 for c in legacy)
    write(f"misc/{LEGACY}.txt", legacy, encoding="cp1252", newline="\r\n")
    write("misc/empty.txt", "")
    rng = rng_for("misc/logo.bin")
    blob = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(
        0 if rng.random() < 0.5 else int(rng.random() * 256) for _ in range(184)
    )
    (CORPUS / "misc/logo.bin").write_bytes(blob)
    return {r["id"]: r["date"] for r in records}


# --------------------------------------------------------------------------- truth


def load_corpus() -> dict[str, str]:
    """Read the corpus back the way a scanner would, returning id -> text."""
    docs: dict[str, str] = {}
    for path in sorted(CORPUS.rglob("*")):
        if not path.is_file():
            continue
        rel = path.relative_to(CORPUS).as_posix()
        data = path.read_bytes()
        if path.suffix == ".jsonl":
            for line in data.decode("utf-8").splitlines():
                rec = json.loads(line)
                docs[rec["id"]] = rec["text"]
            continue
        if not data or b"\x00" in data:
            continue  # empty / binary: not documents
        try:
            docs[rel] = data.decode("utf-8")
        except UnicodeDecodeError:
            docs[rel] = data.decode("cp1252")
    return docs


def compare(a: list[str], b: list[str]) -> tuple[float, float, int]:
    """Coverage of a, coverage of b (by word characters), longest shared run in words."""
    k = PASSAGE_MIN
    index: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for j in range(len(b) - k + 1):
        index[tuple(b[j : j + k])].append(j)
    cov_a = [False] * len(a)
    cov_b = [False] * len(b)
    longest = 0
    for i in range(len(a) - k + 1):
        for j in index.get(tuple(a[i : i + k]), ()):
            for t in range(k):
                cov_a[i + t] = cov_b[j + t] = True
            if i == 0 or j == 0 or a[i - 1] != b[j - 1]:
                n = k
                while i + n < len(a) and j + n < len(b) and a[i + n] == b[j + n]:
                    n += 1
                longest = max(longest, n)

    def share(ws: list[str], cov: list[bool]) -> float:
        total = sum(map(len, ws))
        return sum(len(w) for w, c in zip(ws, cov) if c) / total if total else 0.0

    return share(a, cov_a), share(b, cov_b), longest


def relation(a: list[str], b: list[str]) -> tuple[str | None, str]:
    ca, cb, longest = compare(a, b)
    info = f"cov {ca:.2f}/{cb:.2f} longest {longest}"
    if a == b:
        return "duplicate", info
    if min(ca, cb) >= NEAR_DUP_COVERAGE:
        return "near_duplicate", info
    shorter_cov = ca if sum(map(len, a)) <= sum(map(len, b)) else cb
    if shorter_cov >= EXCERPT_COVERAGE:
        return "excerpt", info
    if longest >= OVERLAP_MIN:
        return "overlap", info
    return None, info


def make_truth(dates: dict[str, str]) -> list[dict[str, str | None]]:
    docs = load_corpus()
    toks = {d: words(t) for d, t in docs.items()}
    size = {d: sum(map(len, w)) for d, w in toks.items()}
    planted = {frozenset((a, b)): (a, b, rel) for a, b, rel in PLANTED}
    for a, b, _ in PLANTED:
        assert a in docs and b in docs, (a, b)

    found: dict[frozenset[str], tuple[str, str, str]] = {}
    for a, b in combinations(sorted(docs), 2):
        rel, info = relation(toks[a], toks[b])
        if rel is None:
            continue
        key = frozenset((a, b))
        if key in planted:
            pa, pb, prel = planted[key]
            assert rel == prel, (pa, pb, prel, rel, info)
            if rel == "excerpt":
                assert size[pa] < size[pb], (pa, pb)
            found[key] = (pa, pb, rel)
            tag = "planted"
        else:
            if rel == "excerpt" and size[a] > size[b]:
                a, b = b, a
            found[key] = (a, b, rel)
            tag = "implied"
        print(f"  {tag:8} {rel:15} {a}  ~  {b}   ({info})")
    missing = set(planted) - set(found)
    assert not missing, f"planted pairs not found: {missing}"
    implied = {v for k, v in found.items() if k not in planted}
    assert implied == EXPECTED_IMPLIED, implied ^ EXPECTED_IMPLIED

    rows: list[dict[str, str | None]] = []
    for a, b, rel in sorted(found.values(), key=lambda t: (t[2] != "duplicate", t)):
        origin: str | None = None
        if rel == "excerpt":
            origin = b
        elif a in dates and b in dates and dates[a] != dates[b]:
            origin = a if dates[a] < dates[b] else b
        rows.append({"doc_a": a, "doc_b": b, "relation": rel, "origin": origin})
    order = ["duplicate", "near_duplicate", "excerpt", "overlap"]
    rows.sort(key=lambda r: (order.index(str(r["relation"])), str(r["doc_a"]), str(r["doc_b"])))
    return rows


def main() -> int:
    dates = build()
    print("pairs:")
    rows = make_truth(dates)
    TRUTH.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    n_files = sum(1 for p in CORPUS.rglob("*") if p.is_file())
    print(
        f"wrote {n_files} files to {CORPUS.relative_to(DEMO.parent)}/ and {len(rows)} pairs "
        f"to {TRUTH.relative_to(DEMO.parent)}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
