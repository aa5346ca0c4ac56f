"""Encoding repair: mojibake that ftfy can fix, and the lossy kind it cannot, with steps.

Two kinds of damage are repaired:

* **Mojibake ftfy can fix** (UTF-8 read as cp1252, Latin-1, MacRoman, cp1251, ...): ftfy
  fixes it, line by line as ``ftfy.fix_text`` does, and each changed region becomes one
  step (found by diffing the line before and after, so offsets stay in the raw text).
* **Lossy mojibake**: UTF-8 read as Latin-1 (or cp1252) with the C1 control characters
  U+0080-U+009F dropped. ’ “ ” ‘ – — (bytes ``E2 80 xx``) survive as a lone ``â``, the
  cp1252 ``”`` as ``â€``, ``…`` as ``â¦`` and capital accented letters as a lone ``Ã``.
  The lost byte is gone, so ftfy cannot help; the characters are restored from context
  (apostrophe inside a word, opening or closing quote by position and nesting, dash
  between words or digits), or from an aligned clean copy of the text
  (:func:`repair_with_witness`).

A document is treated as lossy-damaged only on strong evidence: several ``â`` sites in
positions where genuine ``â`` never stands (``donât``, ``1990â95``, ``said.â``, ``word â
word``), fewer ``â`` inside words that are no contraction (``pâté``, ``România``) and
few accented letters outside the damaged sites. Clean text in any script is left as it
is: without lossy damage, only ftfy may change it, and ftfy leaves clean text alone.

Every change is a :class:`Step` on the raw text; :func:`apply_steps` replays them.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from types import ModuleType
from typing import Any

from rapidfuzz.distance import Levenshtein

__all__ = [
    "EncodingConfig",
    "Repair",
    "Step",
    "apply_steps",
    "damage",
    "repair",
    "repair_with_witness",
]


@dataclass(frozen=True)
class Step:
    """Return-type record of one change: raw span, what replaces it, the rule and its confidence.

    ``start``/``end`` are half-open code-point offsets into the raw text; ``witness`` names
    the clean document a character was taken from, if any.
    """

    start: int
    end: int
    replacement: str
    rule: str
    confidence: float
    witness: str | None = None


@dataclass(frozen=True)
class Repair:
    """Return-type of :func:`repair`: the repaired text and the steps that give it.

    ``lossy`` says whether the document was judged damaged by lossy mojibake, so that the
    context rules ran (a witness alone may repair sites of a document that was not).
    """

    text: str
    steps: tuple[Step, ...]
    lossy: bool = False


@dataclass(frozen=True)
class EncodingConfig:
    """Options of the encoding repair stage.

    * ``use_ftfy``: fix the mojibake ftfy can fix (its steps get ``ftfy_confidence``).
    * ``lossy``: repair lossy mojibake at all (context rules and witnesses).
    * ``min_evidence``: weighted count of unambiguous lossy sites a document needs before
      the context rules run (a contraction, a closing quote after punctuation, a dash
      between digits or between spaced words count 1; an opening quote before a capital or
      a closing quote after a letter 0.5; an unterminated ``â€`` 2).
    * ``spaced_dash``: what ``word â word`` becomes: the em dash, or the en dash of
      British style.
    * ``accents``: restore a lone ``Ã`` when exactly one lost capital letter makes a word
      found intact elsewhere in the document.
    """

    use_ftfy: bool = True
    lossy: bool = True
    min_evidence: float = 2.0
    spaced_dash: str = "\u2014"
    accents: bool = True
    ftfy_confidence: float = 0.9


@lru_cache(maxsize=1)
def _ftfy() -> tuple[ModuleType, Any]:
    """Return ftfy and the configuration it is called with, imported on first use (it
    takes 85 ms, and a corpus without suspect text never needs it).

    Only ftfy's encoding fixes: no HTML unescaping, quote uncurling, width or ligature
    folding, NFC normalisation or control-character removal (that is not encoding repair).
    """
    import ftfy

    config = ftfy.TextFixerConfig(
        unescape_html=False,
        remove_terminal_escapes=False,
        fix_encoding=True,
        restore_byte_a0=True,
        replace_lossy_sequences=True,
        decode_inconsistent_utf8=True,
        fix_c1_controls=True,
        fix_latin_ligatures=False,
        fix_character_width=False,
        uncurl_quotes=False,
        fix_line_breaks=False,
        fix_surrogates=True,
        remove_control_chars=False,
        normalization=None,
        explain=True,
    )
    return ftfy, config


def _cp1252(b: int) -> str:
    try:
        return bytes([b]).decode("cp1252")
    except UnicodeDecodeError:
        return ""


# Characters a UTF-8 continuation byte (0x80-0xBF) turns into under Latin-1 or cp1252:
# a lead character followed by one of these may be whole mojibake, which is ftfy's job.
_CONT = "".join(
    sorted({chr(b) for b in range(0x80, 0xC0)} | {_cp1252(b) for b in range(0x80, 0xC0)} - {""})
)
_CONT_CLASS = "".join(re.escape(c) for c in _CONT)
# "â" followed by the cp1252 form of a third byte whose middle byte 0x80 was lost.
_FRAGMENTS = {
    "\u00a6": ("\u2026", "ellipsis", 0.95),  # â¦  E2 80 A6
    "\u00ac": ("\u20ac", "euro", 0.8),  # â¬  E2 82 AC
    "\u2122": ("\u2019", "apostrophe", 0.85),  # â™  E2 80 99
    "\u0153": ("\u201c", "open-double", 0.85),  # âœ  E2 80 9C
    "\u02dc": ("\u2018", "open-single", 0.85),  # â˜  E2 80 98
    "\u201c": ("\u2013", "en-dash", 0.85),  # â“  E2 80 93
    "\u201d": ("\u2014", "em-dash", 0.85),  # â”  E2 80 94
    "\u00a2": ("\u2022", "bullet", 0.7),  # â¢  E2 80 A2 (or ™, E2 84 A2, after a word)
}
_FRAG_CLASS = "".join(re.escape(c) for c in _FRAGMENTS)
# "?" and U+FFFD after a lead byte are ftfy's lossy sequences (it makes them U+FFFD).
_SITE_RE = re.compile(
    f"(?P<euro>\u00e2\u20ac)(?![{_CONT_CLASS}?\ufffd])"
    f"|(?P<frag>\u00e2[{_FRAG_CLASS}])(?![{_CONT_CLASS}\ufffd])"
    f"|(?P<lone>\u00e2)(?![{_CONT_CLASS}\ufffd])"
    f"|(?P<atilde>\u00c3)(?![{_CONT_CLASS}?\ufffd])"
)
# C3 80-9F: the capital accented letters and ß whose second byte a lossy decode drops.
_LOST_C3 = [chr(c) for c in range(0xC0, 0xE0)]

_OPENERS = set("([{<\u00ab\u2039\u201c\u2018\u201e\u201a")
_STOPS = set(".,!?;:)]}>\u00bb\u203a\u2026\u201d")
_DASHES = set("-\u2010\u2011\u2012\u2013\u2014\u2015/")
_CONTRACTIONS = {"s", "ll", "re", "ve", "d", "m"}
_ELISION_PREFIXES = {
    "o",
    "d",
    "l",
    "y",
    "qu",
    "n",
    "s",
    "j",
    "c",
    "m",
    "t",
    "jusqu",
    "lorsqu",
    "puisqu",
}
_ELISION_WORDS = {"n", "em", "til", "tis", "twas", "cause", "bout", "round"}
_PARAGRAPH_RE = re.compile(r"\n[ \t\r\f\v]*\n")
_WORD_RE = re.compile(r"[^\W\d_]+")

_OPEN_DOUBLE, _CLOSE_DOUBLE = "\u201c", "\u201d"
_OPEN_SINGLE, _CLOSE_SINGLE = "\u2018", "\u2019"


def apply_steps(raw: str, steps: Sequence[Step]) -> str:
    """Return `raw` with the steps applied (they must be sorted and must not overlap).

    Replaying the steps of :func:`repair` on the raw text gives the repaired text.

    >>> apply_steps("weâll", [Step(2, 3, "’", "lossy:apostrophe", 0.97)])
    'we’ll'
    """
    out: list[str] = []
    pos = 0
    for step in steps:
        if step.start < pos or step.end < step.start or step.end > len(raw):
            raise ValueError(
                f"step {step.start}-{step.end} ({step.rule}) overlaps the step before it or "
                f"lies outside the text of {len(raw)} characters; pass the steps of one "
                "repair, in order"
            )
        out.append(raw[pos : step.start])
        out.append(step.replacement)
        pos = step.end
    out.append(raw[pos:])
    return "".join(out)


def damage(text: str, *, mode: str = "latin-1") -> str:
    """Return `text` damaged by lossy mojibake: UTF-8 bytes decoded as `mode`, C1 dropped.

    ``mode`` is ``"latin-1"`` (every byte 0x80-0x9F is lost) or ``"cp1252"`` (only the five
    bytes cp1252 leaves undefined are lost). Used by the tests and benchmarks, and to check
    that a witness's character can have produced the damaged one.

    >>> damage("We’ll “see” – 1990–95…")
    'Weâll âseeâ â 1990â95â¦'
    >>> damage("We’ll “see”", mode="cp1252")
    'Weâ€™ll â€œseeâ€'
    """
    data = text.encode("utf-8", "surrogatepass")
    if mode == "cp1252":
        return "".join(_cp1252(b) if b >= 0x80 else chr(b) for b in data)
    if mode != "latin-1":
        raise ValueError(f"unknown damage mode {mode!r}; use 'latin-1' or 'cp1252'")
    return "".join(c for c in data.decode("latin-1") if not "\x80" <= c <= "\x9f")


def _damaged_forms(candidate: str) -> set[str]:
    """Return what lossy mojibake can turn `candidate` into (Latin-1, cp1252, cp1252 minus €)."""
    cp = damage(candidate, mode="cp1252")
    return {damage(candidate), cp, cp.replace("\u20ac", "")}


# --------------------------------------------------------------------------------------------
# ftfy, with raw offsets
# --------------------------------------------------------------------------------------------


def _opcodes(a: str, b: str) -> list[tuple[str, int, int, int, int]]:
    """Return the edit operations turning `a` into `b` (rapidfuzz, minimal Levenshtein)."""
    return [
        (op.tag, op.src_start, op.src_end, op.dest_start, op.dest_end)
        for op in Levenshtein.opcodes(a, b)
    ]


def _rule_name(explanation: Sequence[tuple[str, str]] | None) -> str:
    parts = [f"{action}:{parameter}" for action, parameter in explanation or ()]
    return "ftfy:" + ("+".join(parts) if parts else "fix")


def _diff_steps(seg: str, fixed: str, offset: int, rule: str, confidence: float) -> list[Step]:
    """Return one step per changed region between `seg` and `fixed` (offsets + `offset`)."""
    steps: list[Step] = []
    region: list[int] | None = None  # [src_start, src_end, dest_start, dest_end]
    # A closing "equal" flushes the last changed region.
    end = ("equal", len(seg), len(seg), len(fixed), len(fixed))
    for tag, i1, i2, j1, j2 in [*_opcodes(seg, fixed), end]:
        if tag == "equal":
            if region is not None:
                src_start, src_end, dest_start, dest_end = region
                replacement = fixed[dest_start:dest_end]
                steps.append(Step(offset + src_start, offset + src_end, replacement, rule, confidence))
                region = None
        elif region is None:
            region = [i1, i2, j1, j2]
        else:
            region[1], region[3] = i2, j2
    return steps


@dataclass
class _Fixed:
    """ftfy's pass over a text with some spans protected: steps, the fixed text, where things went."""

    steps: list[Step]
    text: str
    site_pos: list[int]  # position in `text` of each protected span
    unchanged: list[tuple[int, int, int]]  # (start, end, raw start): copied from the raw text


def _ftfy_pass(raw: str, protected: Sequence[tuple[int, int]], config: EncodingConfig) -> _Fixed:
    """Return ftfy's fixes of `raw`, line by line, never across or inside a protected span."""
    steps: list[Step] = []
    out: list[str] = []
    site_pos: list[int] = []
    unchanged: list[tuple[int, int, int]] = []
    length = 0
    k = 0
    for line in re.finditer(r"[^\n]*\n?", raw):
        lo, hi = line.span()
        if lo == hi:
            continue
        pos = lo
        while pos < hi:
            if k < len(protected) and protected[k][0] == pos:
                s, e = protected[k]
                site_pos.append(length)
                out.append(raw[s:e])
                length += e - s
                pos = e
                k += 1
                continue
            end = min(hi, protected[k][0]) if k < len(protected) else hi
            seg = raw[pos:end]
            fixed = seg
            if config.use_ftfy and not seg.isascii():
                ftfy, ftfy_config = _ftfy()
                explained = ftfy.fix_and_explain(seg, config=ftfy_config)
                fixed = explained.text
                if fixed != seg:
                    rule = _rule_name(explained.explanation)
                    seg_steps = _diff_steps(seg, fixed, pos, rule, config.ftfy_confidence)
                    # Spans of the fixed segment left as they were, for the accent count.
                    cursor_raw, cursor_out = pos, length
                    for st in seg_steps:
                        if st.start > cursor_raw:
                            unchanged.append(
                                (cursor_out, cursor_out + st.start - cursor_raw, cursor_raw)
                            )
                        cursor_out += st.start - cursor_raw + len(st.replacement)
                        cursor_raw = st.end
                    if end > cursor_raw:
                        unchanged.append((cursor_out, cursor_out + end - cursor_raw, cursor_raw))
                    steps.extend(seg_steps)
            if fixed == seg:
                unchanged.append((length, length + len(seg), pos))
            out.append(fixed)
            length += len(fixed)
            pos = end
    return _Fixed(steps, "".join(out), site_pos, unchanged)


# --------------------------------------------------------------------------------------------
# lossy sites
# --------------------------------------------------------------------------------------------


@dataclass
class _Site:
    start: int  # raw span
    end: int
    kind: str  # euro | frag | lone | atilde
    text: str
    pos: int = 0  # position in the ftfy-fixed text
    position: str = "skip"  # what its place says: apos | endash | dash | open | close | ...
    evidence: float = 0.0
    counter: float = 0.0
    replacement: str | None = None
    rule: str = ""
    confidence: float = 0.0
    witness: str | None = None


def _find_sites(raw: str) -> list[_Site]:
    sites = []
    for m in _SITE_RE.finditer(raw):
        kind = m.lastgroup
        assert kind is not None
        sites.append(_Site(m.start(), m.end(), kind, m.group()))
    return sites


def _kind(ch: str) -> str:
    if not ch:
        return "edge"
    if ch.isspace():
        return "space"
    cat = unicodedata.category(ch)[0]
    if cat in "LM":
        return "letter"
    if cat == "N":
        return "digit"
    if ch in _OPENERS:
        return "open"
    if ch in _STOPS:
        return "stop"
    if ch in _DASHES:
        return "dash"
    return "punct"


def _clean_context(ch: str, fixed_by_ftfy: bool) -> bool:
    """Return whether `ch` is a neighbour that makes a site count as evidence (not garble).

    ASCII, white space, typographic punctuation, another site and what ftfy repaired are
    clean; other non-ASCII characters left as they were may be undecoded mojibake.
    """
    return (
        ch == ""
        or ch.isascii()
        or ch.isspace()
        or ch in "\u2018\u2019\u201c\u201d\u2013\u2014\u2026\u00e2"
        or fixed_by_ftfy
    )


def _word_before(text: str, pos: int) -> str:
    """Return the letters and digits just before `pos` (a lossy site ends a word)."""
    start = pos
    while start > 0 and text[start - 1].isalnum() and text[start - 1] not in "\u00e2\u00c3":
        start -= 1
    return text[start:pos]


def _word_after(text: str, pos: int) -> str:
    """Return the letters and digits from `pos` on (a lossy site ends a word)."""
    end = pos
    while end < len(text) and text[end].isalnum() and text[end] not in "\u00e2\u00c3":
        end += 1
    return text[pos:end]


_AS_KIND = {
    "open": "open",
    "close": "stop",
    "dash": "dash",
    "endash": "dash",
    "apos": "letter",
    "elision": "open",
}


def _place(sites: list[_Site], fixed: _Fixed) -> None:
    """Set each site's position class and its weight as evidence of lossy damage."""
    text = fixed.text
    kept = [u[0] for u in fixed.unchanged]

    def by_ftfy(pos: int) -> bool:
        # Inside no span ftfy left as it was (and not a site): a character ftfy wrote.
        k = bisect.bisect_right(kept, pos) - 1
        return 0 <= pos < len(text) and not (k >= 0 and pos < fixed.unchanged[k][1])

    for i, site in enumerate(sites):
        p, e = site.pos, site.pos + len(site.text)
        prev_ch = text[p - 1] if p > 0 else ""
        next_ch = text[e] if e < len(text) else ""
        clean = _clean_context(prev_ch, by_ftfy(p - 1)) and _clean_context(next_ch, by_ftfy(e))
        weight = 1.0 if clean else 0.0
        if site.kind in ("euro", "frag"):
            # Sequences genuine text never holds (unless next to other garble); an
            # unterminated â€ is decisive on its own.
            site.evidence = weight * (2.0 if site.kind == "euro" else 1.0)
            if site.kind == "euro":
                site.position = "close"
            else:
                name = _FRAGMENTS[site.text[1]][1]
                site.position = {
                    "open-double": "open",
                    "open-single": "open",
                    "en-dash": "dash",
                    "em-dash": "dash",
                }.get(name, "close")
            continue
        if site.kind != "lone":
            continue
        prev_site = i > 0 and sites[i - 1].pos + len(sites[i - 1].text) == p
        next_site = i + 1 < len(sites) and sites[i + 1].pos == e
        pk = _AS_KIND.get(sites[i - 1].position, "punct") if prev_site else _kind(prev_ch)
        nk = "site" if next_site else _kind(next_ch)
        if pk in ("letter", "digit") and nk == "letter":
            prefix, suffix = _word_before(text, p), _word_after(text, e)
            low_p, low_s = prefix.lower(), suffix.lower()
            rock_n_roll = low_s == "n" and text[e + 1 : e + 2] == "\u00e2"
            if low_s in _CONTRACTIONS or (low_s == "t" and low_p.endswith("n")) or rock_n_roll:
                site.position, site.evidence = "apos", weight
            elif low_p in _ELISION_PREFIXES:
                site.position = "apos"
            else:
                # Inside a word: an unspaced em dash, or the apostrophe of a name (Ma’a
                # Nonu, I’Anson, Qur’an) when a short capitalised part stands before it.
                is_name = prefix[:1].isupper() and len(prefix) <= 3
                site.position, site.counter = ("name" if is_name else "dash"), 1.0
        elif pk == "digit" and nk == "digit":
            site.position, site.evidence = "endash", weight
        elif (
            pk == "space"
            and nk in ("space", "edge")
            and text[:p].rstrip()[-1:] in (",", ".", "!", "?", "\u2026")
        ):
            site.position = "close"  # “It fell, ” he said: a closing quote set off by a space
        elif pk in ("space", "edge") and nk in ("space", "edge"):
            site.position = "dash"
            if _word_before(text, p - 1) and _word_after(text, e + 1):
                site.evidence = weight  # word â word
        elif pk in ("space", "edge", "open", "dash") and nk not in ("space", "edge", "stop"):
            suffix = _word_after(text, e)
            if suffix.lower() in _ELISION_WORDS or (suffix[:1].isdigit() and suffix.endswith("s")):
                site.position = "elision"
            else:
                site.position = "open"
                if next_ch[:1].isupper() or next_ch[:1].isdigit():
                    site.evidence = 0.5 * weight
        elif pk in ("space", "edge") and nk == "stop":
            site.position = "dash"
        elif prev_ch == ":" and nk == "letter":
            site.position = "open"  # said:âThe
        elif pk in ("letter", "digit", "stop", "punct", "dash"):
            site.position = "close"
            site.evidence = (1.0 if pk == "stop" else 0.5) * weight


def _native_letters(text: str, unchanged: Sequence[tuple[int, int, int]]) -> int:
    """Return the accented letters outside sites and ftfy's fixes: the mark of intact text."""
    count = 0
    for lo, hi, _ in unchanged:
        for ch in text[lo:hi]:
            if ch >= "\u00c0" and ch not in "\u00e2\u00c3" and ch.isalpha():
                count += 1
    return count


def _restore_accent(site: _Site, text: str, vocab: set[str]) -> None:
    """Restore a lone Ã when exactly one lost capital makes a word found intact in the text."""
    p, e = site.pos, site.pos + 1
    prefix, suffix = _word_before(text, p), _word_after(text, e)
    if not (prefix or suffix):
        return
    hits = {c for c in _LOST_C3 if (prefix + c + suffix).casefold() in vocab}
    if len(hits) == 1:
        [letter] = hits
        if letter != "\u00c3":
            site.replacement, site.rule, site.confidence = letter, "lossy:accent", 0.8


def _closer_follows(sites: list[_Site], i: int, paragraph_end: int) -> bool:
    """Return whether a closing quote follows site `i` in its paragraph before the next opener."""
    for site in sites[i + 1 :]:
        if site.pos >= paragraph_end or site.position == "open":
            return False
        if site.position == "close":
            return True
    return False


def _title_end(text: str) -> int:
    """Return the end of the text's first line if it is a headline (short, alone, unpunctuated).

    Headlines quote with single marks (‘Fuel costs’ hit BA), as AP and British styles do.
    A text of one such line counts as a headline too; a line of several sentences does not.
    """
    m = re.match(r"[^\n]{1,150}(?=\n[ \t]*\n|\Z)", text)
    if m is None or re.search(r"[.!?:;]\W*\s", m.group()):
        return 0  # more than one sentence: not a headline
    if m.group().rstrip().rstrip("\u00e2\u20ac\u00a6")[-1:] in (".", "!", "?", ":", ";", ","):
        return 0
    return m.end()


def _restore_context(sites: list[_Site], text: str, native: bool, config: EncodingConfig) -> None:
    """Choose each undecided site's character from its position and the open quotes."""
    breaks = [m.start() for m in _PARAGRAPH_RE.finditer(text)]
    quotes = [(m.start(), m.group()) for m in re.finditer("[\u201c\u201d\u2018\u2019]", text)]
    site_at = {s.pos: s for s in sites}
    events: list[tuple[int, int, str]] = [(q[0], 1, q[1]) for q in quotes if q[0] not in site_at]
    events += [(s.pos, 0, "") for s in sites]
    events.sort()
    stack: list[str] = []
    paragraph = -1
    title_end = _title_end(text)
    index = {id(s): i for i, s in enumerate(sites)}
    for pos, is_char, char in events:
        par = bisect.bisect_right(breaks, pos)
        if par != paragraph:
            paragraph, stack = par, []
        paragraph_end = breaks[par] if par < len(breaks) else len(text)
        if is_char:
            # A ’ before a letter is an apostrophe, not the end of a quote.
            following = text[pos + 1 : pos + 2]
            _track(stack, char, "apos" if following.isalnum() else "close")
            continue
        site = site_at[pos]
        if site.replacement is None:
            context = _Context(
                sites, index[id(site)], text, stack, native, paragraph_end, pos < title_end
            )
            _decide(site, context, config)
        if site.replacement:
            _track(stack, site.replacement, site.position)


def _track(stack: list[str], char: str, position: str) -> None:
    """Update the open quotes with a quote character met in the text (at a closing `position`)."""
    if char == _OPEN_DOUBLE:
        stack.append(char)
    elif char == _CLOSE_DOUBLE:
        if _OPEN_DOUBLE in stack:
            del stack[len(stack) - 1 - stack[::-1].index(_OPEN_DOUBLE) :]
    elif char == _OPEN_SINGLE:
        stack.append(char)
    elif char == _CLOSE_SINGLE and stack and stack[-1] == _OPEN_SINGLE and position == "close":
        stack.pop()
    if len(stack) > 8:  # unbalanced text: forget the oldest
        del stack[0]


@dataclass
class _Context:
    """What the context rules see around one site."""

    sites: list[_Site]
    index: int
    text: str
    stack: list[str]  # open quotes in the paragraph, innermost last
    native: bool  # the document has intact accented letters
    paragraph_end: int
    title: bool  # the site is in a headline


def _decide(site: _Site, context: _Context, config: EncodingConfig) -> None:
    """Choose the character of one site from its place, the open quotes and the headline."""
    text, stack, native = context.text, context.stack, context.native
    p = site.pos
    prev_ch = text[p - 1] if p > 0 else ""
    end = p + len(site.text)
    next_ch = text[end] if end < len(text) else ""
    if site.kind == "euro":
        if next_ch == "\u00f0":
            site.replacement, site.rule, site.confidence = "\u200d", "lossy:zero-width-joiner", 0.6
        elif prev_ch.isalpha() and next_ch.isalpha():
            site.replacement, site.rule, site.confidence = "\u2010", "lossy:hyphen", 0.6
        else:
            site.replacement, site.rule, site.confidence = _CLOSE_DOUBLE, "lossy:close-double", 0.95
            site.position = "close"
        return
    if site.kind == "frag":
        char, name, confidence = _FRAGMENTS[site.text[1]]
        if name == "bullet" and (prev_ch.isalnum()):
            char, name = "\u2122", "trademark"
        site.replacement, site.rule, site.confidence = char, "lossy:" + name, confidence
        return
    if site.kind != "lone":
        return
    position = site.position
    if position == "name":
        site.replacement, site.rule, site.confidence = _CLOSE_SINGLE, "lossy:apostrophe", 0.6
    elif position == "apos":
        strong = site.evidence > 0
        site.replacement, site.rule, site.confidence = (
            _CLOSE_SINGLE,
            "lossy:apostrophe",
            0.97 if strong else 0.8,
        )
    elif position == "elision":
        site.replacement, site.rule, site.confidence = _CLOSE_SINGLE, "lossy:apostrophe", 0.8
    elif position == "endash":
        site.replacement, site.rule, site.confidence = "\u2013", "lossy:en-dash", 0.95
    elif position == "dash":
        if prev_ch.isspace() or not prev_ch:
            site.replacement, site.rule, site.confidence = (
                config.spaced_dash,
                "lossy:spaced-dash",
                0.9,
            )
        elif not native:
            site.replacement, site.rule, site.confidence = "\u2014", "lossy:em-dash", 0.6
    elif position == "open":
        before = text[:p].rstrip()[-1:]
        if before in (".", "!", "?", "\u2026") and next_ch.isupper():
            # A quote opening a sentence after a sentence end is a new quote, not a nested
            # one: the one before ran on without a closing mark (a quote that continues
            # in the next paragraph, with the paragraph break lost).
            stack.clear()
        if context.title or (stack and stack[-1] == _OPEN_DOUBLE):
            site.replacement, site.rule, site.confidence = _OPEN_SINGLE, "lossy:open-single", 0.75
        else:
            site.replacement, site.rule, site.confidence = _OPEN_DOUBLE, "lossy:open-double", 0.85
    elif position == "close":
        top = stack[-1] if stack else ""
        if top == _OPEN_SINGLE:
            site.replacement, site.rule, site.confidence = _CLOSE_SINGLE, "lossy:close-single", 0.8
        elif top == _OPEN_DOUBLE:
            # “the players’ union”: the quote closes later, so this is a possessive.
            possessive = (
                prev_ch in "sS"
                and next_ch.isspace()
                and _closer_follows(context.sites, context.index, context.paragraph_end)
            )
            if possessive:
                site.replacement, site.rule, site.confidence = (
                    _CLOSE_SINGLE,
                    "lossy:apostrophe",
                    0.7,
                )
            else:
                site.replacement, site.rule, site.confidence = (
                    _CLOSE_DOUBLE,
                    "lossy:close-double",
                    0.85,
                )
        elif prev_ch.isalnum() and (next_ch.isspace() or not next_ch):
            site.replacement, site.rule, site.confidence = _CLOSE_SINGLE, "lossy:apostrophe", 0.7
        else:
            site.replacement, site.rule, site.confidence = _CLOSE_DOUBLE, "lossy:close-double", 0.6


# --------------------------------------------------------------------------------------------
# witness
# --------------------------------------------------------------------------------------------


def _raw_to_fixed(fixed: _Fixed, raw_pos: int, *, side: str) -> int:
    """Return the position in the ftfy-fixed text of raw position `raw_pos` (snapped out of fixes)."""
    delta = 0
    for step in fixed.steps:
        if step.end <= raw_pos:
            delta += len(step.replacement) - (step.end - step.start)
        elif step.start < raw_pos:  # inside a fix: take all of it
            if side == "start":
                return step.start + delta
            return step.start + delta + len(step.replacement)
        else:
            break
    return raw_pos + delta


def _decode_region(
    source: str, target: str, units: list[tuple[int, _Site]]
) -> list[tuple[_Site, str]] | None:
    """Return each site of a differing region with the witness characters it stands for.

    Walks `source` (damaged) and `target` (clean) together: characters outside sites must
    be equal, and each site must be lossy mojibake of the next one or two characters of
    the target. Returns None when the region does not decode so (the witness differs).
    """
    found: list[tuple[_Site, str]] = []
    at = dict(units)
    i = j = 0
    while i < len(source):
        site = at.get(i)
        if site is None:
            if j >= len(target) or source[i] != target[j]:
                return None
            i, j = i + 1, j + 1
            continue
        for width in (1, 2):
            candidate = target[j : j + width]
            if candidate and site.text in _damaged_forms(candidate):
                found.append((site, candidate))
                i, j = i + len(site.text), j + width
                break
        else:
            return None
    return found if j == len(target) else None


def _anchor_sites(
    inside: list[_Site], lo: int, hi: int, target: str, t_lo: int, t_hi: int
) -> list[tuple[_Site, str]]:
    """Return the sites of a region the witness also edited, each read at a fixed distance.

    A site is taken from the witness character as far from the region's start as the site
    is (or as far from its end), if exactly one of the two is lossy mojibake of it.
    """
    found = []
    for site in inside:
        candidates = set()
        for j in (t_lo + site.pos - lo, t_hi - (hi - site.pos - len(site.text)) - 1):
            char = target[j] if t_lo <= j < t_hi else ""
            if char and site.text in _damaged_forms(char):
                candidates.add(char)
        if len(candidates) == 1:
            found.append((site, candidates.pop()))
    return found


def _search_site(site: _Site, text: str, target: str, t_lo: int, t_hi: int) -> str | None:
    """Return the witness character between the site's neighbours, searched near its region.

    For a site the witness edited around: its neighbouring characters (three on each side,
    else fewer, at least three in all, no other site) must stand in the witness within 40
    characters of the aligned region around exactly one character that is lossy mojibake
    of the site.
    """
    left = text[max(0, site.pos - 3) : site.pos]
    left = left[max(left.rfind("\u00e2"), left.rfind("\u00c3")) + 1 :]
    end = site.pos + len(site.text)
    right = text[end : end + 3]
    cut = [k for k in (right.find("\u00e2"), right.find("\u00c3")) if k >= 0]
    right = right[: min(cut)] if cut else right
    window = target[max(0, t_lo - 40) : t_hi + 40]
    for n_left, n_right in ((3, 3), (2, 2), (2, 1), (1, 2)):
        before, after = left[len(left) - n_left :] if n_left <= len(left) else "", right[:n_right]
        if len(before) < n_left or len(after) < n_right:
            continue
        found = {
            m.group(1)
            for m in re.finditer(re.escape(before) + "(.)" + re.escape(after), window, re.S)
            if site.text in _damaged_forms(m.group(1))
        }
        if len(found) == 1:
            return found.pop()
    return None


def _unchanged_at(fixed: _Fixed, lo: int, hi: int) -> int | None:
    """Return the raw offset of fixed-text span [lo, hi) if ftfy left it as it was, else None."""
    k = bisect.bisect_right([u[0] for u in fixed.unchanged], lo) - 1
    if k >= 0:
        u0, u1, raw0 = fixed.unchanged[k]
        if u0 <= lo and hi <= u1:
            return raw0 + lo - u0
    return None


def _apply_witness(
    sites: list[_Site],
    fixed: _Fixed,
    clean: str,
    passages: Sequence[tuple[int, int, int, int]],
    witness: str | None,
) -> list[_Site]:
    """Take what each differing region of an aligned passage lost from the clean witness.

    A region with lossy sites is decoded site by site (:func:`_decode_region`); a region
    without sites that is mojibake of the witness's text (damage ftfy left alone) becomes
    a site of its own. Returns those new sites.
    """
    extra: list[_Site] = []
    positions = [s.pos for s in sites]
    for a0, a1, b0, b1 in passages:
        f0 = _raw_to_fixed(fixed, a0, side="start")
        f1 = _raw_to_fixed(fixed, a1, side="end")
        source, target = fixed.text[f0:f1], clean[b0:b1]
        if source == target:
            continue
        regions: list[list[int]] = []
        for tag, i1, i2, j1, j2 in _opcodes(source, target):
            if tag == "equal":
                continue
            if regions and regions[-1][1] == i1 and regions[-1][3] == j1:
                regions[-1][1], regions[-1][3] = i2, j2
            else:
                regions.append([i1, i2, j1, j2])
        for i1, i2, j1, j2 in regions:
            lo = bisect.bisect_left(positions, f0 + i1 - 2)
            hi = bisect.bisect_left(positions, f0 + i2)
            inside = [s for s in sites[lo:hi] if s.pos + len(s.text) > f0 + i1]
            if inside:
                # Widen the region to whole sites (an alignment may split "â¦"); what it
                # takes in on either side was aligned as equal text.
                s_lo = min(i1, inside[0].pos - f0)
                s_hi = max(i2, max(s.pos + len(s.text) for s in inside) - f0)
                if s_lo < 0 or s_hi > len(source):
                    continue
                t_lo, t_hi = j1 - (i1 - s_lo), j2 + (s_hi - i2)
                decoded = _decode_region(
                    source[s_lo:s_hi], target[t_lo:t_hi], [(s.pos - f0 - s_lo, s) for s in inside]
                )
                if decoded is None:
                    decoded = _anchor_sites(inside, f0 + s_lo, f0 + s_hi, target, t_lo, t_hi)
                    done = {id(site) for site, _ in decoded}
                    decoded += [
                        (site, char)
                        for site in inside
                        if id(site) not in done
                        and (char := _search_site(site, fixed.text, target, t_lo, t_hi)) is not None
                    ]
                for site, char in decoded:
                    site.replacement, site.rule, site.confidence, site.witness = (
                        char,
                        "witness",
                        1.0,
                        witness,
                    )
                continue
            raw0 = _unchanged_at(fixed, f0 + i1, f0 + i2)
            text = source[i1:i2]
            if (
                raw0 is not None
                and text
                and "\n" not in text
                and not text.isascii()
                and text in _damaged_forms(target[j1:j2])
            ):
                extra.append(
                    _Site(
                        raw0,
                        raw0 + i2 - i1,
                        "mojibake",
                        text,
                        f0 + i1,
                        replacement=target[j1:j2],
                        rule="witness",
                        confidence=1.0,
                        witness=witness,
                    )
                )
    return extra


# --------------------------------------------------------------------------------------------
# the stage
# --------------------------------------------------------------------------------------------


def _repair(
    raw: str,
    config: EncodingConfig,
    clean: str | None = None,
    passages: Sequence[tuple[int, int, int, int]] = (),
    witness: str | None = None,
) -> Repair:
    sites = _find_sites(raw) if config.lossy else []
    if not sites:
        steps = _ftfy_pass(raw, (), config).steps
        return Repair(apply_steps(raw, steps), tuple(steps))
    fixed = _ftfy_pass(raw, [(s.start, s.end) for s in sites], config)
    for site, pos in zip(sites, fixed.site_pos):
        site.pos = pos
    _place(sites, fixed)
    if clean is not None:
        extra = _apply_witness(sites, fixed, clean, passages, witness)
        sites = sorted(sites + extra, key=lambda site: site.start)
    native = _native_letters(fixed.text, fixed.unchanged)
    evidence = sum(s.evidence for s in sites)
    counter = sum(s.counter for s in sites)
    lossy = evidence >= config.min_evidence and evidence >= counter and native <= evidence
    if lossy:
        if config.accents:
            words = {w.casefold() for w in _WORD_RE.findall(fixed.text) if "\u00c3" not in w}
            for site in sites:
                if site.kind == "atilde" and site.replacement is None:
                    _restore_accent(site, fixed.text, words)
        _restore_context(sites, fixed.text, native > 0, config)
    chosen = [s for s in sites if s.replacement is not None]
    if not chosen:
        steps = _ftfy_pass(raw, (), config).steps
        return Repair(apply_steps(raw, steps), tuple(steps), False)
    if not lossy:
        # Only witnessed sites are repaired: let ftfy see the rest of the text as usual.
        fixed = _ftfy_pass(raw, [(s.start, s.end) for s in chosen], config)
    lossy_steps = [
        Step(s.start, s.end, s.replacement or "", s.rule, s.confidence, s.witness) for s in chosen
    ]
    steps = sorted(fixed.steps + lossy_steps, key=lambda st: (st.start, st.end))
    return Repair(apply_steps(raw, steps), tuple(steps), lossy)


def repair(text: str, *, config: EncodingConfig = EncodingConfig()) -> Repair:
    """Return `text` with its encoding repaired, and the steps taken (raw offsets).

    Mojibake ftfy can fix is fixed by ftfy; lossy mojibake (C1 bytes dropped) is restored
    from context when the document shows strong evidence of it. Clean text comes back
    unchanged, with no steps.

    >>> r = repair("“We’ll see,” the firm’s head said.")
    >>> r.text == "“We’ll see,” the firm’s head said.", r.steps
    (True, ())
    >>> repair("âWeâll see,â the firmâs head said â and left.").text
    '“We’ll see,” the firm’s head said — and left.'
    >>> repair("The cafÃ© is open").steps[0].rule
    'ftfy:encode:latin-1+decode:utf-8'
    """
    return _repair(text, config)


def repair_with_witness(
    damaged: str,
    clean: str,
    passages: Sequence[tuple[int, int, int, int]],
    *,
    witness: str | None = None,
    config: EncodingConfig = EncodingConfig(),
) -> Repair:
    """Return `damaged` repaired, taking lost characters from the aligned `clean` witness.

    ``passages`` are aligned spans ``(a_start, a_end, b_start, b_end)``: ``a`` in the raw
    damaged text, ``b`` in the clean text. Inside them each lossy site takes the clean
    character aligned with it (if lossy mojibake of that character gives the site), and
    its step names `witness`; elsewhere the context rules of :func:`repair` apply.

    >>> clean = "Well—I’d say ‘no’."
    >>> r = repair_with_witness("WellâIâd say ânoâ.", clean, [(0, 18, 0, 18)], witness="b")
    >>> r.text == clean, {s.witness for s in r.steps}
    (True, {'b'})
    """
    for passage in passages:
        a0, a1, b0, b1 = passage
        if not (0 <= a0 <= a1 <= len(damaged) and 0 <= b0 <= b1 <= len(clean)):
            raise ValueError(
                f"passage {passage} does not fit the texts ({len(damaged)} damaged and "
                f"{len(clean)} clean characters); give (a_start, a_end, b_start, b_end) "
                "with a in the damaged raw text and b in the clean text"
            )
    return _repair(damaged, config, clean, passages, witness)
