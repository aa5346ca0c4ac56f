"""Tests for textreuse.ingest: folders, encodings, JSONL records, rejects and ids."""

from __future__ import annotations

import codecs
import json
import struct
import time
from pathlib import Path

import numpy as np
import pytest

import textreuse
from textreuse.clean.encoding import apply_steps, repair
from textreuse.clean.matching import prepare
from textreuse.ingest.decode import STRAY_BYTES, decode
from textreuse.ingest.read import read_inputs, read_text_file
from textreuse.model import Document, Reject

CP1252_TEXT = (
    "\u201cIt\u2019s the best caf\u00e9 in town,\u201d he said \u2013 and he meant it.\r\n"
    "The coffee was strong and the bread was fresh; nobody complained.\r\n"
)


def read(paths: list[Path]) -> tuple[list[Document], list[Reject]]:
    items = list(read_inputs(paths))
    return [d for d in items if isinstance(d, Document)], [
        r for r in items if isinstance(r, Reject)
    ]


def test_folder_is_read_recursively_with_relative_slash_ids(tmp_path: Path, write_corpus) -> None:
    write_corpus(
        tmp_path, {"a.txt": "alpha beta", "sub/deep/b.txt": "gamma delta", "sub/c.md": "eps"}
    )
    docs, rejects = read([tmp_path])
    assert sorted(d.id for d in docs) == ["a.txt", "sub/c.md", "sub/deep/b.txt"]
    assert rejects == []


def test_hidden_files_and_folders_are_skipped(tmp_path: Path, write_corpus) -> None:
    write_corpus(tmp_path, {"a.txt": "alpha", ".git/config": "x = 1", ".DS_Store": "junk"})
    docs, _ = read([tmp_path])
    assert [d.id for d in docs] == ["a.txt"]


def test_utf8_text_is_read_exactly(tmp_path: Path) -> None:
    (tmp_path / "u.txt").write_bytes("naïve “café”\r\n日本語 😀\n".encode())
    [doc], _ = read([tmp_path])
    assert doc.raw_text == "naïve “café”\r\n日本語 😀\n" and doc.encoding == "utf-8"


def test_utf8_bom_is_not_part_of_the_text(tmp_path: Path) -> None:
    (tmp_path / "u.txt").write_bytes(codecs.BOM_UTF8 + "café au lait".encode())
    [doc], _ = read([tmp_path])
    assert doc.raw_text == "café au lait"


def test_cp1252_file_with_curly_quotes_is_detected(tmp_path: Path) -> None:
    (tmp_path / "w.txt").write_bytes(CP1252_TEXT.encode("cp1252"))
    [doc], rejects = read([tmp_path])
    assert doc.raw_text == CP1252_TEXT and rejects == []


@pytest.mark.parametrize("line", ["short \u201ccaf\u00e9\u201d", "Caf\u00e9 \u201cNoir\u201d\r\n"])
def test_short_cp1252_line_is_decoded_as_cp1252(line: str) -> None:
    text, _ = decode(line.encode("cp1252"))
    assert text == line


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_with_bom_is_read(tmp_path: Path, codec: str) -> None:
    bom = codecs.BOM_UTF16_LE if codec.endswith("le") else codecs.BOM_UTF16_BE
    (tmp_path / "w.txt").write_bytes(bom + "Grüße aus Köln “heute”".encode(codec))
    [doc], _ = read([tmp_path])
    assert doc.raw_text == "Grüße aus Köln “heute”"


def test_binary_file_is_rejected_and_reading_continues(tmp_path: Path) -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(
        np.random.default_rng(1).integers(0, 256, 4000, dtype=np.uint8)
    )
    (tmp_path / "a.png").write_bytes(png)
    (tmp_path / "b.txt").write_text("still read", encoding="utf-8")
    docs, rejects = read([tmp_path])
    assert [d.id for d in docs] == ["b.txt"]
    assert len(rejects) == 1 and rejects[0].path.endswith("a.png") and "binary" in rejects[0].reason


def test_binary_file_that_is_valid_utf8_is_rejected(tmp_path: Path) -> None:
    (tmp_path / "ints.bin").write_bytes(struct.pack("<100I", *range(100)))
    docs, rejects = read([tmp_path])
    assert docs == [] and len(rejects) == 1


def test_undecodable_file_is_rejected_with_a_reason(tmp_path: Path) -> None:
    (tmp_path / "bad.txt").write_bytes(codecs.BOM_UTF8 + b"abc \xff\xfe\xfa def")
    _, [reject] = read([tmp_path])
    assert "byte-order mark" in reject.reason and reject.path.endswith("bad.txt")


@pytest.mark.parametrize("content", [b"", b"  \r\n\t \n"])
def test_empty_file_is_rejected(tmp_path: Path, content: bytes) -> None:
    (tmp_path / "empty.txt").write_bytes(content)
    docs, [reject] = read([tmp_path])
    assert docs == [] and "empty" in reject.reason


def test_jsonl_records_with_metadata(tmp_path: Path) -> None:
    rows = [
        {
            "id": "n1",
            "text": "first text",
            "url": "https://x.test/1",
            "date": "2020-01-02",
            "title": "T",
            "source": "S",
        },
        {"id": "7", "text": "second text"},
    ]
    (tmp_path / "c.jsonl").write_text(
        "\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8"
    )
    docs, rejects = read([tmp_path / "c.jsonl"])
    assert [(d.id, d.raw_text, d.url, d.date, d.title, d.source) for d in docs] == [
        ("n1", "first text", "https://x.test/1", "2020-01-02", "T", "S"),
        ("7", "second text", None, None, None, None),
    ]
    assert rejects == []


def test_jsonl_ids_and_metadata_of_other_types_are_rejected(tmp_path: Path) -> None:
    # A number is not an id (1 and "1" would be one document), nor a list ("['x']").
    lines = ['{"id": ["x"], "text": "a"}', '{"id": "", "text": "b"}', '{"id": 1, "text": "c"}',
             '{"id": "1", "text": "d"}', '{"id": "t", "text": "e", "title": {"x": 1}}', '{"id": true, "text": "f"}']
    (tmp_path / "c.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    docs, rejects = read([tmp_path / "c.jsonl"])
    assert [d.id for d in docs] == ["1"]
    assert [(r.line, r.kind) for r in rejects] == [(1, "bad_field"), (2, "bad_field"), (3, "bad_field"),
                                                   (5, "bad_field"), (6, "bad_field")]
    assert "must be a string, not an array" in rejects[0].reason
    assert "empty 'id'" in rejects[1].reason
    assert "'title' must be a string or null, not an object" in rejects[3].reason


def test_bad_jsonl_line_is_rejected_with_its_line_number(tmp_path: Path) -> None:
    lines = ['{"id": "a", "text": "one"}', '{"id": "b", "text": ', '{"id": "c", "text": "three"}']
    (tmp_path / "c.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    docs, [reject] = read([tmp_path / "c.jsonl"])
    assert [d.id for d in docs] == ["a", "c"]
    assert reject.line == 2 and reject.path.endswith("c.jsonl")


def test_jsonl_lines_the_fast_parser_refuses_are_read_as_the_standard_library_reads_them(tmp_path: Path) -> None:
    # orjson refuses lone surrogates, NaN and integers past 64 bits; json takes them.
    lines = [
        '{"id": "s", "text": "half a pair \\ud83d here"}',
        '{"id": "n", "text": "not a number", "title": NaN}',
        '{"id": "b", "text": "big number", "n": 123456789012345678901234567890}',
        '{"id": "u", "text": "caf\u00e9 \\u2019"}',
    ]
    (tmp_path / "f.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    docs, rejects = read([tmp_path / "f.jsonl"])
    assert not rejects
    expected = [json.loads(line) for line in lines]
    assert [d.id for d in docs] == [str(e["id"]) for e in expected]
    # A lone surrogate cannot be stored as UTF-8: it becomes U+FFFD, offsets unchanged.
    expected[0]["text"] = expected[0]["text"].replace("\ud83d", "\ufffd")
    assert [d.raw_text for d in docs] == [e["text"] for e in expected]
    result = textreuse.scan([tmp_path / "f.jsonl"], db=tmp_path / "t.duckdb", workers=1)
    assert len(result.documents) == 4 and (tmp_path / "t.duckdb").exists()


@pytest.mark.parametrize(
    "line",
    [
        '["id", "text"]',
        '{"id": "x"}',
        '{"text": "no id"}',
        '{"id": "x", "text": 5}',
        '{"id": "x", "text": "  "}',
    ],
)
def test_jsonl_record_without_id_or_text_is_rejected(tmp_path: Path, line: str) -> None:
    (tmp_path / "c.jsonl").write_text(
        '{"id": "ok", "text": "fine"}\n' + line + "\n", encoding="utf-8"
    )
    docs, [reject] = read([tmp_path / "c.jsonl"])
    assert [d.id for d in docs] == ["ok"] and reject.line == 2


def test_duplicate_ids_are_rejected_naming_both_places(tmp_path: Path, write_corpus) -> None:
    write_corpus(tmp_path, {"one/x.txt": "first copy", "two/x.txt": "second copy"})
    docs, [reject] = read([tmp_path / "one", tmp_path / "two"])
    assert [d.raw_text for d in docs] == ["first copy"]
    assert str(tmp_path / "two" / "x.txt") in reject.path
    assert str(tmp_path / "one" / "x.txt") in reject.reason and "duplicate" in reject.reason


def test_duplicate_jsonl_ids_name_both_lines(tmp_path: Path) -> None:
    (tmp_path / "c.jsonl").write_text(
        '{"id": "d", "text": "a"}\n{"id": "d", "text": "b"}\n', encoding="utf-8"
    )
    docs, [reject] = read([tmp_path / "c.jsonl"])
    assert len(docs) == 1 and reject.path.endswith("c.jsonl:2") and "c.jsonl:1" in reject.reason


def test_single_file_argument_uses_its_name_as_id(tmp_path: Path) -> None:
    (tmp_path / "solo.txt").write_text("just me", encoding="utf-8")
    [doc], _ = read([tmp_path / "solo.txt"])
    assert doc.id == "solo.txt" and doc.raw_text == "just me"


def test_missing_path_is_rejected(tmp_path: Path) -> None:
    _, [reject] = read([tmp_path / "nope"])
    assert "no such file" in reject.reason


def test_read_text_file_reports_unreadable_path(tmp_path: Path) -> None:
    result = read_text_file(tmp_path / "missing.txt", "missing.txt")
    assert isinstance(result, Reject) and "cannot read" in result.reason


def test_decode_returns_the_encoding_used() -> None:
    assert decode("café".encode("utf-16")) == ("café", "utf-16")


@pytest.mark.slow
def test_fifty_megabyte_document_is_read_and_scanned(tmp_path: Path, gen) -> None:
    # ~50 MB of random words, with a passage near the end that a small file quotes.
    rng = np.random.default_rng(5)
    vocab = gen.vocab
    n_words = 50_000_000 // 7
    body = " ".join(vocab[rng.integers(0, vocab.shape[0], n_words)].tolist())
    passage = " ".join(gen.words(60))
    big = body + "\n" + passage + "\nThe end.\n"
    (tmp_path / "big.txt").write_text(big, encoding="utf-8")
    (tmp_path / "small.txt").write_text(
        " ".join(gen.words(50)) + "\n" + passage + "\n", encoding="utf-8"
    )
    started = time.perf_counter()
    result = textreuse.scan([tmp_path], workers=1)
    elapsed = time.perf_counter() - started
    assert len(big) >= 50_000_000 and [d.id for d in result.documents] == ["big.txt", "small.txt"]
    [pair] = result.pairs
    [p] = pair.passages
    big_span = p.b if pair.doc_b == "big.txt" else p.a
    assert big[big_span[0] : big_span[1]] == passage
    assert elapsed < 60


# ---------------------------------------------------------------- kinds, globs, standard input


def test_empty_and_binary_files_get_their_kind(tmp_path: Path) -> None:
    from textreuse.ingest.read import read_text_file

    (tmp_path / "e.txt").write_bytes(b" \n")
    (tmp_path / "b.bin").write_bytes(b"\x00\x01\x02\xff" * 100)
    assert read_text_file(tmp_path / "e.txt", "e").kind == "empty"
    assert read_text_file(tmp_path / "b.bin", "b").kind == "binary"


def test_include_and_exclude_pick_a_folders_files(tmp_path: Path) -> None:
    from textreuse.ingest.read import IngestConfig

    for name in ("a.txt", "sub/b.txt", "ORIGIN.md", "sub/notes.md"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(f"text of {name} " * 20, encoding="utf-8")
    config = IngestConfig(include=("*.txt", "sub/*.md"), exclude=("b.txt",))
    ids = [d.id for d in read_inputs([tmp_path], config=config)]
    assert ids == ["a.txt", "sub/notes.md"]


def test_standard_input_is_sniffed(monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from textreuse.ingest.read import read_stdin

    records = b'{"id": "x", "text": "one two three"}\n{"id": "y", "text": ""}\n'
    got = read_stdin(stream=io.BytesIO(records))
    assert [getattr(d, "id", None) for d in got] == ["x", None] and got[1].kind == "empty"
    [text] = read_stdin(stream=io.BytesIO(b"plain words here"))
    assert (text.id, text.raw_text) == ("stdin", "plain words here")
    [forced] = read_stdin(stream=io.BytesIO(records), fmt="text")
    assert forced.raw_text == records.decode()
    [empty] = read_stdin(stream=io.BytesIO(b""))
    assert empty.reason == "standard input is empty"
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"from the pipe " * 5)))
    assert [d.id for d in read_inputs(["-"])] == ["stdin"]


# --------------------------------------------------------------------------------------------
# UTF-8 with a few stray bytes (issue 15)
# --------------------------------------------------------------------------------------------

BBC_199 = Path(__file__).resolve().parents[2] / "shared/data/bbc-news/sports/199.txt"


def test_a_stray_latin1_byte_in_ascii_text_is_read_as_utf8() -> None:
    # Charset detection read the lone 0xA3 as cp932's "｣".
    text, encoding = decode(b"Chelsea paid \xa315.8m for him in the summer of 2004.")
    assert text == "Chelsea paid £15.8m for him in the summer of 2004."
    assert encoding == STRAY_BYTES


def test_stray_cp1252_bytes_in_utf8_text_are_kept_and_repaired_as_steps(tmp_path: Path) -> None:
    clean = "The café’s owner said it\u2019s “over” — for now."
    data = clean.encode("utf-8").replace("’s".encode(), b"\x92s", 1).replace("“".encode(), b"\x93")
    (tmp_path / "s.txt").write_bytes(data)
    [doc], _ = read([tmp_path])
    assert doc.encoding == STRAY_BYTES
    # The text as read keeps the bytes (Latin-1: byte value = code point) ...
    assert doc.raw_text == clean.replace("’s", "\x92s", 1).replace("“", "\x93")
    # ... and the repair stage gives their cp1252 characters, as steps on that text.
    result = repair(doc.raw_text)
    assert result.text == clean
    assert [doc.raw_text[s.start : s.end] for s in result.steps] == ["\x92", "\x93"]
    assert apply_steps(doc.raw_text, result.steps) == clean
    assert [s.replacement for s in prepare(doc.raw_text).steps] == ["’", "“"]


def test_many_stray_bytes_are_not_utf8_with_strays() -> None:
    # A cp1251 file: its Cyrillic letters are runs of bytes that are not UTF-8.
    text, encoding = decode("Привет, мир: это текст.".encode("cp1251"))
    assert text == "Привет, мир: это текст." and encoding == "cp1251"


def test_cp1252_text_read_alike_by_the_detected_code_page_is_labelled_cp1252() -> None:
    # The demo's cp1252 file was labelled cp1250, which reads these bytes the same.
    data = "Café Owner Zoë Marchand Takes Top Prize\r\n\r\nZoë Marchand’s café won.".encode("cp1252")
    assert decode(data) == ("Café Owner Zoë Marchand Takes Top Prize\r\n\r\nZoë Marchand’s café won.", "cp1252")


@pytest.mark.skipif(not BBC_199.is_file(), reason="../shared/data/bbc-news is absent")
def test_bbc_sports_199_reads_its_stray_pound_sign() -> None:
    text, encoding = decode(BBC_199.read_bytes())
    assert "£15.8m" in text and "\uff63" not in text and encoding == STRAY_BYTES


def test_ascii_with_two_lone_cp1252_bytes_is_cp1252_not_a_guess() -> None:
    # Detection read such a file as cp775 ("AlgeriaÆs").
    data = b"Unrest has been fanning resentment in some of Algeria\x92s poorest regions, \x93they say."
    assert decode(data) == ("Unrest has been fanning resentment in some of Algeria’s poorest regions, “they say.", "cp1252")
