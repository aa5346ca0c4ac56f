"""Tests for textreuse.index.tokenize: word spans in the raw text and normalised hashes."""

from __future__ import annotations

import unicodedata

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from textreuse.index.tokenize import ngrams, normalize_words, tokenize, tokenize_many

# Characters that stress the tokenizer: accents (precomposed and combining), CJK, emoji
# and ZWJ sequences, ligatures, case-changing letters, compatibility forms whose NFKC
# contains a space, curly quotes, dashes and unusual white space.
SPECIALS = (
    "é",
    "e\u0301",
    "\u0301",
    "ß",
    "İ",
    "ı",
    "ﬁ",
    "Å",
    "ǅ",
    "ŉ",
    "\u0345",
    "ͺ",
    "\ufdfa",
    "\ufe70",
    "½",
    "²",
    "٣",
    "漢",
    "字",
    "日本",
    "語",
    "😀",
    "👩\u200d💻",
    "🇫🇷",
    "\u200b",
    "\u00a0",
    "\u3000",
    "“",
    "”",
    "‘",
    "’",
    "'",
    '"',
    "-",
    "–",
    "—",
    "\r\n",
    "\t",
    "\n",
    " ",
    "_",
    "ʼ",
    "Ⅻ",
    "ǰ",
    "ภาษาไทย",
    "ป็",
    "ｶﾞ",
    "か\u3099",
    "ー",
    "々",
    "𠀀",
    "ລາວ",
)

unicode_text = st.lists(
    st.one_of(
        st.text(max_size=6), st.sampled_from(SPECIALS), st.sampled_from(["abc", "Word", "x9"])
    ),
    max_size=40,
).map("".join)


# Blocks of scripts written without spaces, as the tokenizer's docstring lists them.
UNSPACED = [
    (0x0E00, 0x0EFF), (0x1000, 0x109F), (0x1780, 0x17FF), (0x19E0, 0x19FF),
    (0x3005, 0x3007), (0x3021, 0x3029), (0x3031, 0x3035), (0x3040, 0x30FF), (0x31F0, 0x31FF),
    (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0xFF66, 0xFF9D), (0x20000, 0x3134F),
]


def _unspaced(ch: str) -> bool:
    cp = ord(ch)
    cat = unicodedata.category(ch)
    return cat[0] in "LN" and any(lo <= cp <= hi for lo, hi in UNSPACED)


def _joins(ch: str) -> bool:
    return unicodedata.category(ch)[0] == "M" or ch in "\uff9e\uff9f"


def reference_words(text: str) -> list[tuple[int, int]]:
    """Return the spans of maximal runs of letters, numbers and combining marks, each
    character of an unspaced script (with the marks after it) a span of its own (naive)."""
    spans, start, solo = [], None, False
    for k, ch in enumerate(text):
        word = unicodedata.category(ch)[0] in "LNM"
        if word and start is not None and not _joins(ch) and (solo or _unspaced(ch)):
            spans.append((start, k))
            start = None
        if word and start is None:
            start = k
            solo = False
        if word and not _joins(ch):
            solo = _unspaced(ch)
        elif not word and start is not None:
            spans.append((start, k))
            start = None
    if start is not None:
        spans.append((start, len(text)))
    return spans


@settings(max_examples=300, deadline=None)
@given(unicode_text)
def test_spans_match_the_words_of_the_raw_text(text: str) -> None:
    t = tokenize(text)
    spans = [(int(s), int(e)) for s, e in zip(t.starts, t.ends)]
    assert [text[s:e] for s, e in spans] == [text[s:e] for s, e in reference_words(text)]


@settings(max_examples=300, deadline=None)
@given(unicode_text)
def test_one_hash_per_word(text: str) -> None:
    t = tokenize(text)
    assert t.hashes.shape == t.starts.shape == t.ends.shape
    assert len(t) == len(reference_words(text))


def _case_stable(ch: str) -> bool:
    # Letters whose upper and lower case normalise to the same matching form
    # (Turkish dotless i, for one, does not: that is Unicode casefolding, not a bug).
    key = unicodedata.normalize("NFKC", ch).casefold()
    return all(
        unicodedata.normalize("NFKC", v).casefold() == key for v in (ch.upper(), ch.lower())
    ) and all(unicodedata.category(c)[0] in "LNM" for c in ch.upper() + ch.lower())


LETTER_POOL = [
    c
    for c in (
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
        "éèêëàâçñøåæœßüöäíóúÉÈÀÇÑØÅÆŒÜÖÄ"
        "αβγδεζηθλμπσςωΑΒΓΔΩ"
        "абвгдежзийклмнопрстуфхцчшщыэюяАБВЖЯ"
        "漢字日本語中文한국어"
    )
    if _case_stable(c)
] + ["e\u0301", "a\u0308"]

ascii_word = st.text(
    alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
    min_size=1,
    max_size=30,
)
mixed_word = st.lists(st.sampled_from(LETTER_POOL), min_size=1, max_size=30).map("".join)
# Separators on the "plain" side and on the "typeset" side: each is punctuation or space.
PLAIN_SEPS = [" ", "  ", "\n", "\t", " - ", "-", ' "', '" ', "'", ", ", ". ", " ... "]
FANCY_SEPS = [
    "\u00a0",
    "\r\n",
    " – ",
    "—",
    " “",
    "” ",
    "’",
    "\u2009",
    "\u3000",
    " ‘",
    "’ ",
    " \u2014 ",
]


@st.composite
def word_variants(draw: st.DrawFn) -> tuple[str, str]:
    """Return two renderings of the same words: case, quotes, dashes and white space differ."""
    words = draw(st.lists(st.one_of(ascii_word, mixed_word), min_size=1, max_size=25))
    a_parts, b_parts = [], []
    for k, w in enumerate(words):
        case = draw(st.sampled_from(["same", "upper", "lower", "title"]))
        v = {"same": w, "upper": w.upper(), "lower": w.lower(), "title": w.title()}[case]
        if k:
            a_parts.append(draw(st.sampled_from(PLAIN_SEPS)))
            b_parts.append(draw(st.sampled_from(FANCY_SEPS)))
        a_parts.append(w)
        b_parts.append(v)
    lead = draw(st.sampled_from(["", " ", "“", "\n\n"]))
    return "".join(a_parts), lead + "".join(b_parts) + draw(
        st.sampled_from(["", ".", "”", " \r\n"])
    )


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(word_variants())
def test_hashes_ignore_case_quotes_dashes_and_white_space(variants: tuple[str, str]) -> None:
    a, b = variants
    assert tokenize(a).hashes.tolist() == tokenize(b).hashes.tolist()


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.one_of(ascii_word, mixed_word),
        min_size=2,
        max_size=2,
        unique_by=lambda w: unicodedata.normalize("NFKC", w).casefold(),
    )
)
def test_different_words_hash_differently(pair: list[str]) -> None:
    # Includes words longer than 24 characters (hashed on a separate path).
    x, y = pair
    assert tokenize(x).hashes[0] != tokenize(y).hashes[0]


@settings(max_examples=100, deadline=None)
@given(ascii_word)
def test_ascii_word_hashes_the_same_in_ascii_and_unicode_text(word: str) -> None:
    # "é" forces the Unicode path for the whole text; the word's hash must not change.
    assert tokenize(word + " é").hashes[0] == tokenize(word).hashes[0]


def test_long_words_differing_after_24_characters_hash_differently() -> None:
    assert tokenize("a" * 30).hashes[0] != tokenize("a" * 29 + "b").hashes[0]


def test_long_words_ignore_case() -> None:
    assert tokenize("É" * 30 + "X" * 5).hashes[0] == tokenize("é" * 30 + "x" * 5).hashes[0]


def test_decomposed_and_precomposed_accents_hash_the_same() -> None:
    assert tokenize("cafe\u0301 noir").hashes.tolist() == tokenize("café noir").hashes.tolist()


def test_apostrophe_splits_words_straight_or_curly() -> None:
    assert tokenize("fox's tail").hashes.tolist() == tokenize("fox’s tail").hashes.tolist()
    assert len(tokenize("fox's tail")) == 3


def test_text_without_words_has_no_tokens() -> None:
    t = tokenize(" — “…” !! \r\n")
    assert len(t) == 0 and t.starts.shape == (0,)


def test_weights_are_raw_word_lengths() -> None:
    t = tokenize("ab  “cdé” f")
    assert t.weights.tolist() == [2, 3, 1]


def test_normalize_words_nfkc_and_casefold() -> None:
    assert normalize_words(["Straße", "ﬁsh", "ÉCOLE", "\ufdfa"])[:3] == ["strasse", "fish", "école"]
    assert " " not in normalize_words(["\ufdfa"])[0]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(0, 2**64 - 1), min_size=1, max_size=30), st.integers(1, 6))
def test_ngram_hash_depends_only_on_its_words(values: list[int], n: int) -> None:
    h = np.array(values, dtype=np.uint64)
    g = ngrams(h, n)
    assert g.shape[0] == max(0, len(values) - n + 1)
    for k in range(g.shape[0]):
        assert g[k] == ngrams(h[k : k + n], n)[0]


def test_ngram_hash_depends_on_word_order() -> None:
    h = tokenize("alpha beta gamma").hashes
    assert ngrams(h, 3)[0] != ngrams(h[::-1].copy(), 3)[0]


@settings(max_examples=150, deadline=None)
@given(st.lists(unicode_text, max_size=8), st.integers(1, 200))
def test_tokenize_many_equals_tokenize_of_each_text(texts: list[str], batch_chars: int) -> None:
    many = tokenize_many(texts, batch_chars=batch_chars)
    assert len(many) == len(texts)
    for text, t in zip(texts, many):
        one = tokenize(text)
        assert t.hashes.tolist() == one.hashes.tolist()
        assert t.starts.tolist() == one.starts.tolist() and t.ends.tolist() == one.ends.tolist()


def test_unspaced_scripts_are_tokens_one_character_each() -> None:
    text = "中文字符，日本語のテキスト ภาษาไทย abc漢字"
    t = tokenize(text)
    words = [text[s:e] for s, e in zip(t.starts.tolist(), t.ends.tolist())]
    assert words == [*"中文字符", *"日本語のテキスト", "ภ", "า", "ษ", "า", "ไ", "ท", "ย", "abc", "漢", "字"]


def test_unspaced_marks_stay_with_their_character() -> None:
    text = "เป็นか\u3099"
    t = tokenize(text)
    assert [text[s:e] for s, e in zip(t.starts.tolist(), t.ends.tolist())] == ["เ", "ป็", "น", "か\u3099"]
    # The decomposed and the precomposed kana match (NFKC), as do half-width forms.
    assert tokenize("か\u3099").hashes.tolist() == tokenize("が").hashes.tolist()
    assert tokenize("ｶﾞ").hashes.tolist() == tokenize("ガ").hashes.tolist()


def test_unspaced_hashes_are_character_4grams() -> None:
    # A character's hash depends on the three after it; the last ones of a run on fewer.
    assert tokenize("文字列です").hashes[0] == tokenize("文字列で").hashes[0]
    assert tokenize("文字列で").hashes[0] != tokenize("文字列").hashes[0]
    assert tokenize("文字列").hashes[0] != tokenize("文字例").hashes[0]
    assert tokenize("文字").hashes[1] == tokenize("字").hashes[0]
    assert tokenize("文字，列").hashes[1] == tokenize("字").hashes[0]
    # Shared text hashes the same wherever it stands, but for its last three characters.
    a, b = tokenize("前文共有する文章です"), tokenize("共有する文章ですね")
    assert a.hashes[2:7].tolist() == b.hashes[:5].tolist()
    assert a.hashes[7] != b.hashes[5]


def test_one_long_unspaced_line_is_bounded() -> None:
    import time

    text = "漢字かなカナ" * 20_000  # 120,000 characters on one line, no space
    t0 = time.perf_counter()
    t = tokenize(text)
    assert time.perf_counter() - t0 < 5.0
    assert len(t) == len(text)
    assert (t.ends - t.starts == 1).all()
