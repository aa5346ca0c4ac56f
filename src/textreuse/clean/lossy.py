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
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

__all__ = [
    "Site",
    "damage",
    "damaged_forms",
    "find_sites",
    "has_sites",
    "native_letters",
    "place",
    "restore_accent",
    "restore_context",
    "survey_style",
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
# Words an unspaced dash so often stands beside (—and, —which, it—) that two of them
# around a lone â are two words, not one word with a genuine â in it.
_COMMON_WORDS = frozenset(
    "a an and as at be but by for from had has have he her his i if in is it its not now of "
    "on or she so than that the their them then there they this to was we were what when "
    "where which who will with would you".split()
)
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


@lru_cache(maxsize=4096)
def damaged_forms(candidate: str) -> frozenset[str]:
    """Return what lossy mojibake can turn `candidate` into (Latin-1, cp1252, cp1252 minus €).

    Asked of one or two characters at a time, many times over, so the answers are kept.

    >>> sorted(damaged_forms("\u201d"))
    ['â', 'â€']
    """
    cp = damage(candidate, mode="cp1252")
    return frozenset({damage(candidate), cp, cp.replace("\u20ac", "")})


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
    """Return the places where lossy mojibake may have dropped characters ("â", "Ã" not
    followed by what a whole UTF-8 sequence read as Latin-1 or cp1252 would continue with).

    >>> [(s.start, s.kind) for s in find_sites("weâll say â and Ã")]
    [(2, 'lone'), (10, 'lone'), (16, 'atilde')]
    """
    if "\u00e2" not in raw and "\u00c3" not in raw:
        return []  # most texts: a substring test instead of the regular expression's scan
    sites = []
    for m in _SITE_RE.finditer(raw):
        kind = m.lastgroup
        assert kind is not None
        sites.append(Site(m.start(), m.end(), kind, m.group()))
    return sites


def has_sites(raw: str) -> bool:
    """Return whether :func:`find_sites` finds any site in `raw` (the first one settles it).

    >>> has_sites("weâll say"), has_sites("we’ll say"), has_sites("Ã©tÃ©")
    (True, False, False)
    """
    if "\u00e2" not in raw and "\u00c3" not in raw:
        return False
    return _SITE_RE.search(raw) is not None


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
    # The words of the text, to tell an unspaced dash (two words) from a genuine â.
    words = frozenset(w.lower() for w in WORD_RE.findall(text) if "\u00e2" not in w)

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
        after = text[e + 1 : e + 2] if next_site and len(sites[i + 1].text) == 1 else ""
        if prev_site and sites[i - 1].position == "pair1":
            site.position = "pair2"
        elif pk in ("letter", "digit") and nk == "letter":
            _place_inside_word(site, text, words, weight)
        elif pk == "digit" and nk == "digit":
            site.position, site.evidence = "endash", weight
        elif (
            pk in ("letter", "digit", "punct")
            and prev_ch not in _OPENERS
            and prev_ch != ":"
            and (nk in ("letter", "digit") or _symbol(next_ch))
        ):
            # 0.1%âand, jobsâ17%, (£155bn)âfiled, revenuesâ£160m: a closing quote is
            # followed by a space or punctuation, never by a word, so this is a dash.
            site.position, site.evidence = "dash", 0.5 * weight
        elif (
            pk in ("letter", "digit", "punct")
            and nk == "site"
            and (after.isalnum() or _symbol(after))
            and prev_ch not in _OPENERS
        ):
            # bumpingââwhen (’—) or 2003ââseverely (—“): a quote and an unspaced dash,
            # in an order the open quotes decide.
            site.position = "pair1"
        elif (
            pk == "space"
            and nk in ("space", "edge")
            and text[:p].rstrip()[-1:] in (",", ".", "!", "?", "\u2026")
        ):
            # “It fell, ” he said: a closing quote set off by a space, or a dash after an
            # abbreviation (BUFFALO, N.Y. — Hours): the open quotes decide.
            site.position = "spaced-close"
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


def _symbol(ch: str) -> bool:
    """Return whether `ch` is a currency or other symbol (£, $, €, #): what starts an amount."""
    return bool(ch) and unicodedata.category(ch) in ("Sc", "So") or ch in "#@&"


def _place_inside_word(site: Site, text: str, words: frozenset[str], weight: float) -> None:
    """Class a lone â between two letters: an apostrophe (weâll, OâBrien) or an unspaced dash.

    The right side decides an apostrophe when it is a contraction ending (s, t after n, d,
    m, ll, re, ve); the left side when it is an elision (d’, l’, qu’) or a short
    capitalised name part before a capital or a short ending (O’Brien, Ma’a, Qur’an)
    that is not two known words (But—and, Yes—or). Anything else joins two words with a
    dash (minister—facing). Genuine â stands inside words (pâté, câine, château): a dash
    counts as evidence of damage when both sides are known words (used elsewhere in the
    text, or among the commonest English words), and against it when neither is.
    """
    p, e = site.pos, site.pos + len(site.text)
    prefix, suffix = _word_before(text, p), _word_after(text, e)
    low_p, low_s = prefix.lower(), suffix.lower()
    rock_n_roll = low_s == "n" and text[e + 1 : e + 2] == "\u00e2"
    known_p = low_p in words or low_p in _COMMON_WORDS
    known_s = low_s in words or low_s in _COMMON_WORDS
    # An elision is a word of its own (d’Artagnan), not the end of one (minister’s—won’t).
    whole = text[p - len(prefix) - 1 : p - len(prefix)] not in ("\u2019", "'", "\u00e2")
    if low_s in _CONTRACTIONS or (low_s == "t" and low_p.endswith("n")) or rock_n_roll:
        site.position, site.evidence = "apos", weight
    elif low_p in _ELISION_PREFIXES and whole and not (known_p and known_s and len(low_p) > 1):
        site.position = "apos"
    elif (
        prefix[:1].isupper()
        and len(prefix) <= 3
        and (suffix[:1].isupper() or len(suffix) <= 2)
        and not (known_p and known_s)
    ):
        site.position, site.counter = "name", 1.0
    else:
        site.position = "dash"
        if known_p and known_s:
            site.evidence = weight
        elif not (known_p or known_s):
            site.counter = 1.0  # p|té, Rom|nia, ch|teau: maybe the parts of one word


_NATIVE_RE = re.compile("[^\u0000-\u00bf\u00c3\u00e2]")


def native_letters(text: str, unchanged: Sequence[tuple[int, int, int]]) -> int:
    """Return the accented letters outside sites and ftfy's fixes: the mark of intact text."""
    count = 0
    for lo, hi, _ in unchanged:
        # The pattern finds the few characters from U+00C0 on; most of a text is below.
        count += sum(1 for m in _NATIVE_RE.finditer(text, lo, hi) if m.group().isalpha())
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


_SHORT_QUOTED = re.compile(
    "(?:(?<=\\s)|^)([\u2018\u201c])([^\u2018\u2019\u201c\u201d\\n]{1,60}?[^\\W_])([\u2019\u201d])(?![^\\W_])", re.M
)


def survey_style(texts: Iterable[str]) -> tuple[str | None, str | None]:
    """Return the spaced dash and the mark of short quoted phrases that clean `texts` use most.

    A site's house style is what lossy damage erases without a trace: ‘ and “ lose the
    same byte, and so do – and —. Undamaged pages of the same site still show it. Either
    is None when the texts show it fewer than three times.

    >>> survey_style(["Sales – and profits – fell by – say – half.", "It was ‘bumping’ then ‘New World’ wine."])
    ('–', None)
    >>> survey_style(["The ‘bumping’ rule, the ‘chip’ cards and the “Oxy Pure” bar in ‘poor’ air."])
    (None, '‘')
    """
    dashes: Counter[str] = Counter()
    marks: Counter[str] = Counter()
    for text in texts:
        dashes.update(m.group(1) for m in re.finditer("(?<=[^\\W_] )([\u2013\u2014])(?= [^\\W_])", text))
        for m in _SHORT_QUOTED.finditer(text):
            if m.group(1) == _OPEN_SINGLE and m.group(3) != _CLOSE_SINGLE:
                continue
            if m.group(1) == _OPEN_DOUBLE and m.group(3) != _CLOSE_DOUBLE:
                continue
            if len(WORD_RE.findall(m.group(2))) <= 4 and text[: m.start()].rstrip()[-1:] not in (":", ","):
                marks[m.group(1)] += 1

    def most(counts: Counter[str]) -> str | None:
        if sum(counts.values()) < 3:
            return None
        return counts.most_common(1)[0][0]

    return most(dashes), most(marks)


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


_QUOTE_PLACES = ("open", "close", "spaced-close", "pair1", "pair2")
_QUOTES = "\u201c\u201d\u2018\u2019"
_MAX_DEPTH = 3
_Quotes = tuple[str, ...]  # the open quotes of a paragraph, innermost last
_Choice = tuple[Site, str, str, float]  # site, character, rule, confidence


def restore_context(
    sites: list[Site], text: str, native: bool, *, spaced_dash: str, short_quote: str = "\u201c"
) -> None:
    """Choose each undecided site's character from its place and the quotes of its paragraph.

    Dashes, apostrophes and the like follow from their place alone. Quotes are chosen per
    paragraph as a whole: of every reading of its quote sites, the one whose marks nest
    best (a quote closes the innermost open one, a nested quote takes the other kind of
    mark, a paragraph ends with none open unless the next one continues the quotation),
    so ‘I won’t go back.’” closes the single quote first and “analysts’ forecasts” inside
    a quotation stays a possessive. `short_quote` is the mark of a short quoted phrase
    outside any quotation (‘bumping’ in British style).
    """
    quoting = {id(s) for s in sites if s.kind == "lone" and s.position in _QUOTE_PLACES}
    for site in sites:
        if site.replacement is None and id(site) not in quoting:
            _decide(site, text, native, spaced_dash)
    breaks = [m.start() for m in _PARAGRAPH_RE.finditer(text)]
    site_at = {s.pos: s for s in sites}
    events: dict[int, list[tuple[int, str, Site | None]]] = {}
    for m in re.finditer(f"[{_QUOTES}]", text):
        if m.start() not in site_at:
            events.setdefault(bisect.bisect_right(breaks, m.start()), []).append(
                (m.start(), m.group(), None)
            )
    for site in sites:
        par = bisect.bisect_right(breaks, site.pos)
        if site.replacement is None and id(site) in quoting:
            events.setdefault(par, []).append((site.pos, "", site))
        elif site.replacement and site.replacement in _QUOTES and site.position != "apos":
            events.setdefault(par, []).append((site.pos, site.replacement, None))
    title_end = _title_end(text)
    for par, found in events.items():
        found.sort(key=lambda e: e[0])
        continues = False
        if par < len(breaks):
            start = len(text) - len(text[breaks[par] :].lstrip())
            following = site_at.get(start)
            continues = text[start : start + 1] == _OPEN_DOUBLE or (
                following is not None and following.position == "open"
            )
        title = bool(found) and found[0][0] < title_end
        for site, char, rule, confidence in _solve_quotes(
            found, text, continues, title, short_quote, spaced_dash
        ):
            site.replacement, site.rule, site.confidence = char, rule, confidence


def _solve_quotes(
    events: list[tuple[int, str, Site | None]],
    text: str,
    continues: bool,
    title: bool,
    short_quote: str,
    spaced_dash: str,
) -> list[_Choice]:
    """Return the cheapest reading of one paragraph's quote sites (a small Viterbi search).

    States are the open quotes; each intact mark moves every state one way, each site
    every way its place allows, at a cost for what good typography avoids.
    """
    beams: dict[_Quotes, tuple[float, list[_Choice]]] = {(): (0.0, [])}
    k = 0
    while k < len(events):
        pos, char, site = events[k]
        k += 1
        new: dict[_Quotes, tuple[float, list[_Choice]]] = {}
        second = events[k][2] if k < len(events) else None
        if site is not None and site.position == "pair1" and second is not None and second.position == "pair2":
            k += 1
        else:
            second = None
        for state, (cost, path) in beams.items():
            moves: list[tuple[float, _Quotes, list[_Choice]]]
            if site is None:
                moves = [(0.0, _intact(state, char, text, pos), [])]
            elif second is not None:
                moves = _pair_moves(state, site, second, text, title, short_quote, events, k)
            else:
                moves = _site_moves(state, site, text, title, short_quote, events, k, spaced_dash)
            for step_cost, after, choices in moves:
                total = cost + step_cost
                if after not in new or total < new[after][0]:
                    new[after] = (total, path + choices)
        beams = new

    def closing_cost(state: _Quotes) -> float:
        if continues and state == (_OPEN_DOUBLE,):
            return 0.0  # the quotation goes on in the next paragraph
        return 2.0 * len(state)

    best = min(beams.items(), key=lambda item: item[1][0] + closing_cost(item[0]))
    return best[1][1]


def _push(state: _Quotes, mark: str) -> _Quotes:
    return (state + (mark,))[-_MAX_DEPTH:]


def _intact(state: _Quotes, char: str, text: str, pos: int) -> _Quotes:
    """Return the open quotes after an intact quote mark (a ’ before a letter is an apostrophe)."""
    if char in (_OPEN_DOUBLE, _OPEN_SINGLE):
        return _push(state, char)
    if char == _CLOSE_DOUBLE and _OPEN_DOUBLE in state:
        return state[: len(state) - 1 - state[::-1].index(_OPEN_DOUBLE)]
    if char == _CLOSE_SINGLE and state and state[-1] == _OPEN_SINGLE:
        if not text[pos + 1 : pos + 2].isalnum():
            return state[:-1]
    return state


def _short_quote_ahead(site: Site, text: str, events: list[tuple[int, str, Site | None]], k: int) -> bool:
    """Return whether the quote opening at `site` is a short phrase (‘bumping’), not speech."""
    if text[: site.pos].rstrip()[-1:] in (":", ",", ".", "!", "?"):
        return False
    for pos, char, other in events[k:]:
        closing = char in (_CLOSE_DOUBLE, _CLOSE_SINGLE) or (
            other is not None and other.position in ("close", "pair1")
        )
        if closing:
            inside = text[site.pos + len(site.text) : pos]
            return inside[-1:].isalnum() and len(WORD_RE.findall(inside)) <= 4
        if char or (other is not None and other.position == "open"):
            return False
    return False


def _opens(
    state: _Quotes, site: Site, text: str, title: bool, short_quote: str, events: list[tuple[int, str, Site | None]], k: int
) -> list[tuple[float, _Quotes, list[_Choice]]]:
    """Return the ways a quote can open at `site`: the kind nesting expects costs nothing."""
    if state:
        expected = _OPEN_SINGLE if state[-1] == _OPEN_DOUBLE else _OPEN_DOUBLE
    elif title:
        expected = _OPEN_SINGLE  # headlines quote with single marks
    elif short_quote != _OPEN_DOUBLE and _short_quote_ahead(site, text, events, k):
        expected = short_quote
    else:
        expected = _OPEN_DOUBLE
    before = text[: site.pos].rstrip()[-1:]
    nxt = text[site.pos + len(site.text) : site.pos + len(site.text) + 1]
    # A quote opening a sentence after a sentence end inside a quotation mostly starts a
    # new one: the one before ran on without a closing mark (its paragraph break lost).
    restart = bool(state) and before in (".", "!", "?", "\u2026") and nxt.isupper()
    moves: list[tuple[float, _Quotes, list[_Choice]]] = []
    for mark, rule, confidence in (
        (_OPEN_DOUBLE, "lossy:open-double", 0.85),
        (_OPEN_SINGLE, "lossy:open-single", 0.75),
    ):
        cost = 0.0 if mark == expected and not restart else 0.75 if mark == expected else 2.0
        moves.append((cost, _push(state, mark), [(site, mark, rule, confidence)]))
    if restart:
        outer = state[0]
        rule = "lossy:open-double" if outer == _OPEN_DOUBLE else "lossy:open-single"
        moves.append((0.25, (outer,), [(site, outer, rule, 0.85 if outer == _OPEN_DOUBLE else 0.75)]))
    return moves


def _closes(state: _Quotes, site: Site, text: str) -> list[tuple[float, _Quotes, list[_Choice]]]:
    """Return the ways `site` can close a quote, or be an apostrophe after a letter."""
    prev_ch = text[site.pos - 1 : site.pos]
    next_ch = text[site.pos + len(site.text) : site.pos + len(site.text) + 1]
    moves: list[tuple[float, _Quotes, list[_Choice]]] = []
    if prev_ch.isalnum():
        # players’ union, goin’: a possessive or elision, common only after an s and
        # before a word (a quote closes before a comma far more often).
        cost = 2.0 if prev_ch not in "sS" else 0.7 if next_ch.isspace() else 1.5
        moves.append((cost, state, [(site, _CLOSE_SINGLE, "lossy:apostrophe", 0.7)]))
    if state and state[-1] == _OPEN_DOUBLE:
        moves.append((0.0, state[:-1], [(site, _CLOSE_DOUBLE, "lossy:close-double", 0.85)]))
    elif _OPEN_DOUBLE in state:
        inner = state[: len(state) - 1 - state[::-1].index(_OPEN_DOUBLE)]
        moves.append((1.0, inner, [(site, _CLOSE_DOUBLE, "lossy:close-double", 0.85)]))
    else:
        moves.append((2.5, state, [(site, _CLOSE_DOUBLE, "lossy:close-double", 0.6)]))
    if state and state[-1] == _OPEN_SINGLE:
        moves.append((0.0, state[:-1], [(site, _CLOSE_SINGLE, "lossy:close-single", 0.8)]))
    return moves


def _site_moves(
    state: _Quotes,
    site: Site,
    text: str,
    title: bool,
    short_quote: str,
    events: list[tuple[int, str, Site | None]],
    k: int,
    spaced_dash: str,
) -> list[tuple[float, _Quotes, list[_Choice]]]:
    if site.position in ("open", "pair2"):
        return _opens(state, site, text, title, short_quote, events, k)
    if site.position == "spaced-close":
        dash: _Choice = (site, spaced_dash, "lossy:spaced-dash", 0.6)
        return [(1.0, state, [dash]), *_closes(state, site, text)]
    return _closes(state, site, text)


def _pair_moves(
    state: _Quotes,
    first: Site,
    second: Site,
    text: str,
    title: bool,
    short_quote: str,
    events: list[tuple[int, str, Site | None]],
    k: int,
) -> list[tuple[float, _Quotes, list[_Choice]]]:
    """Return the readings of a quote and an unspaced dash side by side (’— or —“)."""
    dash_second: _Choice = (second, "\u2014", "lossy:em-dash", 0.6)
    dash_first: _Choice = (first, "\u2014", "lossy:em-dash", 0.6)
    moves = [(c, after, [*choices, dash_second]) for c, after, choices in _closes(state, first, text)]
    moves += [
        (c, after, [dash_first, *choices])
        for c, after, choices in _opens(state, second, text, title, short_quote, events, k)
    ]
    return moves


def _decide(site: Site, text: str, native: bool, spaced_dash: str) -> None:
    """Choose the character of a site that is no quote from its place."""
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
