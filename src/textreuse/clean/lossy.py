"""Lossy mojibake: the context rules that restore what dropped C1 bytes took away.

UTF-8 read as Latin-1 (or cp1252) with the C1 control characters U+0080-U+009F dropped
leaves ’ “ ” ‘ – — (bytes ``E2 80 xx``) as a lone ``â``, the cp1252 ``”`` as ``â€``,
``…`` as ``â¦`` and capital accented letters as a lone ``Ã``. The lost byte is gone, so
each *site* is classed by its place (:func:`place`: apostrophe inside a word, opening or
closing quote, dash between words or digits) and its character chosen from that place
and the quotes open in its paragraph (:func:`restore_context`).

The encoding stage (:mod:`textreuse.clean.encoding`) finds the sites, runs ftfy around
them, decides from the evidence here whether a document is damaged at all, and turns the
chosen characters into steps.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "Site",
    "damage",
    "damaged_forms",
    "find_sites",
    "native_letters",
    "place",
    "restore_accent",
    "restore_context",
    "WORD_RE",
]

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
WORD_RE = re.compile(r"[^\W\d_]+")

_OPEN_DOUBLE, _CLOSE_DOUBLE = "\u201c", "\u201d"
_OPEN_SINGLE, _CLOSE_SINGLE = "\u2018", "\u2019"


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


def damaged_forms(candidate: str) -> set[str]:
    """Return what lossy mojibake can turn `candidate` into (Latin-1, cp1252, cp1252 minus €)."""
    cp = damage(candidate, mode="cp1252")
    return {damage(candidate), cp, cp.replace("\u20ac", "")}


# --------------------------------------------------------------------------------------------
# lossy sites
# --------------------------------------------------------------------------------------------


@dataclass
class Site:
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


def find_sites(raw: str) -> list[Site]:
    sites = []
    for m in _SITE_RE.finditer(raw):
        kind = m.lastgroup
        assert kind is not None
        sites.append(Site(m.start(), m.end(), kind, m.group()))
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


def place(sites: list[Site], text: str, unchanged: Sequence[tuple[int, int, int]]) -> None:
    """Set each site's position class and its weight as evidence of lossy damage.

    `text` is the ftfy-fixed text the sites' ``pos`` point into; `unchanged` its spans
    ftfy left as they were (``(start, end, raw start)``).
    """
    kept = [u[0] for u in unchanged]

    def by_ftfy(pos: int) -> bool:
        # Inside no span ftfy left as it was (and not a site): a character ftfy wrote.
        k = bisect.bisect_right(kept, pos) - 1
        return 0 <= pos < len(text) and not (k >= 0 and pos < unchanged[k][1])

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


def native_letters(text: str, unchanged: Sequence[tuple[int, int, int]]) -> int:
    """Return the accented letters outside sites and ftfy's fixes: the mark of intact text."""
    count = 0
    for lo, hi, _ in unchanged:
        for ch in text[lo:hi]:
            if ch >= "\u00c0" and ch not in "\u00e2\u00c3" and ch.isalpha():
                count += 1
    return count


def restore_accent(site: Site, text: str, vocab: set[str]) -> None:
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


def _closer_follows(sites: list[Site], i: int, paragraph_end: int) -> bool:
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


def restore_context(sites: list[Site], text: str, native: bool, *, spaced_dash: str) -> None:
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
            _decide(site, context, spaced_dash)
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

    sites: list[Site]
    index: int
    text: str
    stack: list[str]  # open quotes in the paragraph, innermost last
    native: bool  # the document has intact accented letters
    paragraph_end: int
    title: bool  # the site is in a headline


def _decide(site: Site, context: _Context, spaced_dash: str) -> None:
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
                spaced_dash,
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

