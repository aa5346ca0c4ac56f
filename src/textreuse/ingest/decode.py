"""Bytes to text: byte-order marks, UTF-8 (with a few stray bytes), then charset detection.

Binary is rejected. A file that is UTF-8 but for a few bytes (a £ or é pasted from a
Latin-1 or cp1252 source into UTF-8 text) is read as UTF-8, each stray byte as the Latin-1
character of its value, and labelled ``utf-8+latin-1``: the text as read keeps every byte
(the file is the text encoded as UTF-8, those characters as Latin-1). For bytes
0xA0-0xFF Latin-1 and cp1252 agree, so the character read is already the repaired one;
bytes 0x80-0x9F read as C1 control characters, which the encoding repair stage replaces
with their cp1252 characters (’ “ ” – — … €) as steps on the raw text, so the repair is
recorded where every other repair is (``textreuse.clean.encoding``), and replaying the
steps on the raw text gives the clean text. Charset detection is not asked about such a
file: from one or two bytes it guesses (it read a lone 0xA3 as the cp932 ｣).
"""

from __future__ import annotations

import codecs
import re
import unicodedata

from textreuse.errors import IngestError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Without a byte-order mark, UTF-16/32 are recognised by their NUL bytes instead;
# charset detection must not guess them for 8-bit text.
_WIDE = ["utf_16", "utf_16_le", "utf_16_be", "utf_32", "utf_32_le", "utf_32_be"]
_SAMPLE = 65536
_LETTERS = re.compile(r"[^\W\d_]+")
# Stray bytes in a UTF-8 file, read as Latin-1 (see the module docstring).
STRAY_BYTES = "utf-8+latin-1"
_FEW_STRAYS = 3
_SURROGATE = re.compile("[\udc80-\udcff]+")
_BINARY = "binary content (NUL or control bytes), not text; convert it to text first"


def _controls(data: bytes) -> int:
    return sum(data.count(bytes([c])) for c in range(32) if c not in (9, 10, 12, 13, 27))


def _utf16_without_bom(data: bytes) -> str | None:
    """Return the text if `data` looks like BOM-less UTF-16 (NULs in every other byte)."""
    sample = data[:_SAMPLE]
    half = max(1, len(sample) // 2)
    for encoding, nuls in (("utf-16-le", sample[1::2]), ("utf-16-be", sample[0::2])):
        if len(data) % 2 == 0 and nuls.count(0) >= 0.6 * half:
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                continue
            if sum(not (c.isprintable() or c in "\r\n\t") for c in text[:_SAMPLE]) <= 0.01 * half:
                return text
    return None


def _mixed_script_words(text: str) -> int:
    """Return how many words mix letters of two scripts: the mark of a wrong 8-bit guess."""
    count = 0
    for word in _LETTERS.findall(text[:_SAMPLE]):
        if not word.isascii():
            scripts = {unicodedata.name(c, "?").split(" ")[0] for c in word}
            count += len(scripts) > 1
    return count


def _utf8_with_strays(data: bytes) -> str | None:
    """Return `data` read as UTF-8 with its stray bytes read as Latin-1, if they are few.

    Few means: in a file with valid multi-byte UTF-8, at most three stray bytes or no more
    than its multi-byte characters (most of its non-ASCII text is UTF-8: a file in another
    code page makes valid UTF-8 only by chance); in one that is ASCII besides, at most
    three bytes standing alone, each 0xA0-0xFF (where Latin-1 and cp1252 read alike:
    ``£``, ``é``, the no-break space). Otherwise (a cp1252 file's curly quotes, a Cyrillic
    word in cp1251) charset detection decides.

    >>> _utf8_with_strays("£5 and “10”".encode("utf-8").replace("£".encode(), b"\\xa3"))
    '£5 and “10”'
    >>> _utf8_with_strays(b"caf\\xe9"), _utf8_with_strays(b"\\x93quoted\\x94") is None
    ('café', True)
    """
    text = data.decode("utf-8", "surrogateescape")
    runs = [m.group() for m in _SURROGATE.finditer(text)]
    strays = sum(len(r) for r in runs)
    multibyte = sum(not c.isascii() for c in text) - strays
    if multibyte:
        few = strays <= max(multibyte, _FEW_STRAYS)
    else:
        few = strays <= _FEW_STRAYS and all(len(r) == 1 and r >= "\udca0" for r in runs)
    if not few:
        return None
    return _SURROGATE.sub(lambda m: m.group().encode("utf-8", "surrogateescape").decode("latin-1"), text)


def decode(data: bytes) -> tuple[str, str]:
    """Return the text of `data` and the encoding used; raise IngestError if it is not text.

    >>> decode("café".encode("utf-8"))
    ('café', 'utf-8')
    >>> decode("café".encode("utf-16"))
    ('café', 'utf-16')
    >>> decode("Café “Noir”".encode("cp1252"))
    ('Café “Noir”', 'cp1252')
    >>> decode("The £15.8m “deal”".encode("utf-8").replace("£".encode(), b"\\xa3"))
    ('The £15.8m “deal”', 'utf-8+latin-1')
    >>> decode("it’s".encode("utf-8") + b" \\x93Noir\\x94")  # C1 controls: repair's job
    ('it’s \\x93Noir\\x94', 'utf-8+latin-1')
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError as exc:
                raise IngestError(
                    f"starts with a {encoding} byte-order mark but is not {encoding}: {exc}"
                ) from exc
    sample = data[:_SAMPLE]
    # A stray NUL occurs in real text (the PAN corpus has some); many mean UTF-16 or binary.
    if sample.count(0) > 0.01 * len(sample):
        text = _utf16_without_bom(data)
        if text is None:
            raise IngestError(_BINARY, kind="binary")
        return text, "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if _controls(sample) > len(sample) * 0.1:
        raise IngestError(_BINARY, kind="binary")
    text = _utf8_with_strays(data)
    if text is not None:
        return text, STRAY_BYTES
    high = [m.group() for m in re.finditer(rb"[\x80-\xff]+", data)]
    if len(high) <= _FEW_STRAYS and all(len(h) == 1 for h in high):
        # ASCII but for a few lone bytes (cp1252's curly quotes among them): too little for
        # detection, which read one as cp775 "Æ"; cp1252 is what such text is written in.
        try:
            return data.decode("cp1252"), "cp1252"
        except UnicodeDecodeError:
            pass
    from charset_normalizer import from_bytes

    options: list[tuple[str, str]] = []
    best = from_bytes(data, cp_exclusion=_WIDE).best()
    if best is not None:
        options.append((str(best), str(best.encoding)))
    try:
        options.append((data.decode("cp1252"), "cp1252"))
    except UnicodeDecodeError:
        pass
    if not options:
        raise IngestError("not valid UTF-8 and no character encoding fits; re-save it as UTF-8")
    # Short texts fool detection (a cp1252 line read as cp1125 gives "Cafщ"): prefer the
    # reading whose words keep to one script; on a tie, the detector's.
    text, encoding = min(options, key=lambda o: _mixed_script_words(o[0]))
    # Code pages agree on most Western bytes (cp1250 reads "Café" as cp1252 does): where
    # cp1252 gives the same text, say cp1252, the code page such text is written in.
    if encoding != "cp1252" and options[-1] == (text, "cp1252"):
        encoding = "cp1252"
    return text, encoding
