"""Bytes to text: byte-order marks, UTF-8, then charset detection, binary rejected."""

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


def decode(data: bytes) -> tuple[str, str]:
    """Return the text of `data` and the encoding used; raise IngestError if it is not text.

    >>> decode("café".encode("utf-8"))
    ('café', 'utf-8')
    >>> decode("café".encode("utf-16"))
    ('café', 'utf-16')
    >>> decode("Café “Noir”".encode("cp1252"))
    ('Café “Noir”', 'cp1252')
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
    return min(options, key=lambda o: _mixed_script_words(o[0]))
