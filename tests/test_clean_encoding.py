"""Tests for the encoding repair stage: ftfy's fixes with raw offsets, lossy mojibake, witnesses."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from textreuse.clean.encoding import (
    EncodingConfig,
    Repair,
    Step,
    apply_steps,
    damage,
    house_style,
    repair,
    repair_with_witness,
)

CASES = Path(__file__).parent / "cases" / "encoding.json"
FTFY_CASES = Path(__file__).resolve().parents[2] / "shared/data/ftfy-cases"

# A short news text with every kind of punctuation lossy decoding destroys.
NEWS = (
    "Fuel costs ‘hit’ BA\n\n"
    "“We’ll see,” the State’s lawyer said. “I don’t know — nobody does.”\n\n"
    "Profits rose in 1990–95, the firm’s report says… “It’s the players’ view,” he said. "
    "“He told me ‘never again’.”"
)


def lossy(text: str) -> str:
    """Return `text` damaged the usual way: UTF-8 read as Latin-1, C1 controls dropped."""
    return damage(text, mode="latin-1")


def check_replay(raw: str, result: Repair) -> None:
    """Assert the steps are ordered, inside the text, and replay to the repaired text."""
    pos = 0
    for step in result.steps:
        assert pos <= step.start <= step.end <= len(raw)
        assert 0.0 < step.confidence <= 1.0
        assert step.rule
        pos = step.end
    assert apply_steps(raw, result.steps) == result.text


# --------------------------------------------------------------------------------------------
# damage and apply_steps
# --------------------------------------------------------------------------------------------


def test_damage_latin1_drops_c1_bytes() -> None:
    assert damage("we’ll “go” – … é É") == "weâll âgoâ â â¦ Ã© Ã"


def test_damage_cp1252_drops_only_undefined_bytes() -> None:
    assert damage("“go” Í", mode="cp1252") == "â€œgoâ€ Ã"


def test_damage_rejects_unknown_mode() -> None:
    with pytest.raises(ValueError, match="unknown damage mode"):
        damage("x", mode="utf-7")


def test_apply_steps_replays_in_order() -> None:
    steps = [Step(0, 1, "A", "r", 1.0), Step(2, 2, "+", "r", 1.0), Step(3, 4, "", "r", 1.0)]
    assert apply_steps("abcd", steps) == "Ab+c"


def test_apply_steps_rejects_overlapping_steps() -> None:
    with pytest.raises(ValueError, match="overlaps"):
        apply_steps("abcd", [Step(0, 2, "x", "r", 1.0), Step(1, 3, "y", "r", 1.0)])


def test_apply_steps_rejects_steps_past_the_end() -> None:
    with pytest.raises(ValueError, match="outside the text"):
        apply_steps("ab", [Step(1, 5, "x", "r", 1.0)])


# --------------------------------------------------------------------------------------------
# ftfy with raw offsets
# --------------------------------------------------------------------------------------------


def test_ftfy_fix_is_a_step_on_the_raw_span() -> None:
    raw = "The cafÃ© opens"
    result = repair(raw)
    assert result.text == "The café opens"
    assert result.steps == (Step(7, 9, "é", "ftfy:encode:latin-1+decode:utf-8", 0.9),)
    assert not result.lossy
    check_replay(raw, result)


def test_ftfy_runs_line_by_line_and_offsets_stay_raw() -> None:
    raw = "clean line\nHÃ´tel de Police\nÐ´Ð¾Ñ€Ð¾Ð³Ðµ\n"
    result = repair(raw)
    assert result.text == "clean line\nHôtel de Police\nдороге\n"
    assert all(s.start >= len("clean line\n") for s in result.steps)
    check_replay(raw, result)


def test_only_encoding_fixes_are_applied() -> None:
    # fix_text would unescape HTML, uncurl quotes, fold width and ligatures: not here.
    raw = "&amp; “quoted” ﬁsh ＡＢ"
    assert repair(raw) == Repair(raw, ())


def test_c1_controls_become_cp1252_characters() -> None:
    raw = "beaucoup parlé\x85 Tu sais"
    result = repair(raw)
    assert result.text == "beaucoup parlé… Tu sais"
    assert result.steps[0].rule.startswith("ftfy:")


def test_ftfy_disabled_leaves_mojibake() -> None:
    assert repair("cafÃ©", config=EncodingConfig(use_ftfy=False)).text == "cafÃ©"


# --------------------------------------------------------------------------------------------
# lossy mojibake: one rule per test
# --------------------------------------------------------------------------------------------


def _rules(result: Repair, raw: str) -> dict[str, str]:
    return {raw[max(0, s.start - 3) : s.end + 3]: s.rule for s in result.steps}


def test_apostrophes_inside_words() -> None:
    clean = "We’ll go. The State’s case. I don’t know. I’m here, they’re there, we’ve won, I’d say."
    result = repair(lossy(clean))
    assert result.text == clean
    assert {s.rule for s in result.steps} == {"lossy:apostrophe"}
    assert all(s.confidence >= 0.9 for s in result.steps)


def test_opening_and_closing_double_quotes() -> None:
    clean = "“Yes,” he said. “No,” she said. “Maybe.”"
    result = repair(lossy(clean))
    assert result.text == clean
    assert [s.rule for s in result.steps] == ["lossy:open-double", "lossy:close-double"] * 3


def test_nested_single_quote_closed_with_the_double() -> None:
    clean = "“He said ‘no’ twice,” she said. “Then he said ‘I’m done.’”"
    assert repair(lossy(clean)).text == clean


def test_possessive_plural_inside_a_quote() -> None:
    clean = "“The players’ union is strong,” he said. “It won’t give in.”"
    assert repair(lossy(clean)).text == clean


def test_plural_possessive_outside_quotes() -> None:
    clean = "The players’ union said it isn’t over. The clubs’ owners didn’t agree."
    assert repair(lossy(clean)).text == clean


def test_spaced_dash_between_words() -> None:
    clean = "The result — a loss — wasn’t what the firm’s owners wanted."
    result = repair(lossy(clean))
    assert result.text == clean
    assert [s.rule for s in result.steps].count("lossy:spaced-dash") == 2


def test_spaced_dash_can_be_an_en_dash() -> None:
    clean = "The result – a loss – wasn’t what the firm’s owners wanted."
    config = EncodingConfig(spaced_dash="\u2013")
    assert repair(lossy(clean), config=config).text == clean


def test_en_dash_between_digits() -> None:
    clean = "In 1990–95 it didn’t grow; in 2001–04 it’s grown."
    result = repair(lossy(clean))
    assert result.text == clean
    assert "lossy:en-dash" in {s.rule for s in result.steps}


def test_ellipsis_fragment() -> None:
    clean = "It’s over… we’re done… that’s all."
    result = repair(lossy(clean))
    assert result.text == clean
    assert [s.rule for s in result.steps].count("lossy:ellipsis") == 2


def test_cp1252_lost_closing_quote() -> None:
    clean = "“We’ll see,” she said."
    raw = damage(clean, mode="cp1252")
    assert raw == "â€œWeâ€™ll see,â€ she said."
    result = repair(raw)
    assert result.text == clean
    assert "lossy:close-double" in {s.rule for s in result.steps}
    check_replay(raw, result)


def test_headline_quotes_are_single() -> None:
    clean = "BA ‘to cut’ jobs\n\nThe airline’s plan “is final”, it said. It won’t change."
    assert repair(lossy(clean)).text == clean


def test_quote_opening_after_sentence_end_is_a_new_quote() -> None:
    # The first quote runs on (its closing mark is in a later paragraph that was lost).
    clean = "He said: “It’s early. We don’t know. “We’ll go on,” he added."
    assert repair(lossy(clean)).text == clean


def test_unspaced_em_dash_in_a_damaged_document() -> None:
    clean = "The plan—which isn’t new—is “a mess,” he said. “It’s over.” They’re sure, it’s done."
    assert repair(lossy(clean)).text == clean


def test_apostrophe_in_names() -> None:
    clean = "Ma’a Nonu and Dan O’Brien didn’t play. It’s the coach’s call, he’s said."
    assert repair(lossy(clean)).text == clean


def test_elisions_before_words_and_decades() -> None:
    clean = "Rock ’n’ roll in the ’90s: “It’s loud,” they’re saying."
    assert repair(lossy(clean)).text == clean


def test_capital_accent_restored_when_the_word_is_known() -> None:
    clean = "“École” is the school’s name, he said. “The école isn’t open,” she said."
    result = repair(lossy(clean))
    assert result.text == clean
    assert "lossy:accent" in {s.rule for s in result.steps}


def test_capital_accent_left_when_the_word_is_unknown() -> None:
    raw = lossy("Élan isn’t here. It’s late, they’re gone.")
    result = repair(raw)
    assert result.text.startswith("Ãlan")
    assert result.text.endswith("isn’t here. It’s late, they’re gone.")


def test_lossy_steps_point_at_the_damaged_characters() -> None:
    raw = lossy(NEWS)
    result = repair(raw)
    assert result.lossy
    for step in result.steps:
        if step.rule.startswith("lossy:"):
            assert raw[step.start] == "â"
    check_replay(raw, result)


def test_lossy_repair_can_be_turned_off() -> None:
    raw = lossy(NEWS)
    result = repair(raw, config=EncodingConfig(lossy=False))
    assert not any(s.rule.startswith("lossy:") for s in result.steps)


# --------------------------------------------------------------------------------------------
# house styles of real sites (issue 15)
# --------------------------------------------------------------------------------------------


def test_unspaced_em_dashes_between_words_are_dashes_not_apostrophes() -> None:
    clean = (
        "The minister—facing a revolt—resigned. “They are rivals now—and I know them,” she "
        "said. The party—at least as he tells it—lost. UFJ—which is Japan’s—agreed."
    )
    result = repair(lossy(clean))
    assert result.text == clean
    assert result.lossy


def test_unspaced_dash_beside_digits_and_symbols_is_a_dash() -> None:
    clean = "Growth was 0.1%—and jobs fell—17% of staff. Revenue—£160m—isn’t enough, it’s said."
    assert repair(lossy(clean)).text == clean


def test_many_unspaced_dashes_do_not_hide_the_damage() -> None:
    # Each dash joins two words the text uses elsewhere: evidence of damage, not against it.
    clean = (
        "Rank set to sell off its film unit. Rank’s plans—film, leisure—include a sale of the "
        "unit. The sale—a leisure plan—is set. The film unit—and leisure—is for sale."
    )
    result = repair(lossy(clean))
    assert result.lossy and result.text == clean


def test_contraction_after_a_word_is_still_an_apostrophe() -> None:
    clean = "The minister’s plan—it’s the minister’s—won’t pass, the ministers’ aides said."
    assert repair(lossy(clean)).text == clean


def test_nested_quotes_close_innermost_first() -> None:
    clean = "“One day, he said, ‘I won’t go back.’” She didn’t agree. “It’s over,” she said."
    result = repair(lossy(clean))
    assert result.text == clean
    assert [s.rule for s in result.steps if "single" in s.rule] == [
        "lossy:open-single",
        "lossy:close-single",
    ]


def test_possessive_inside_a_quotation_with_a_nested_quote() -> None:
    clean = (
        "“Profits beat analysts’ forecasts. ‘We are pleased,’ the chief said. ‘It’s a good "
        "year,’ he added.” They didn’t say more."
    )
    assert repair(lossy(clean)).text == clean


def test_quote_and_unspaced_dash_side_by_side() -> None:
    clean = (
        "Overbooking can lead to “bumping”—when a passenger moves. It’s rare, they’re sure. "
        "Sales fell in 2003—“severely affected” demand, it’s said."
    )
    assert repair(lossy(clean)).text == clean


def test_quotation_continued_in_the_next_paragraph() -> None:
    clean = "He said: “It’s over. We’ve lost.\n\n“We’ll be back,” he added. “They won’t stop us.”"
    assert repair(lossy(clean)).text == clean


def test_house_style_gives_the_spaced_en_dash_and_single_short_quotes() -> None:
    site = [
        "Profits – up a fifth – rose, and the ‘bumping’ rule – which irks – stays.",
        "The ‘chip’ and ‘pin’ cards – new this year – work.",
    ]
    clean = "Sales – down a tenth – fell. It’s the ‘chip’ cards, we’re told, and they’re late."
    config = house_style(site)
    assert (config.spaced_dash, config.short_quote) == ("–", "‘")
    assert repair(lossy(clean)).text != clean
    assert repair(lossy(clean), config=config).text == clean


def test_house_style_keeps_the_defaults_without_evidence() -> None:
    assert house_style(["No dashes or quotes here."]) == EncodingConfig()


# --------------------------------------------------------------------------------------------
# evidence: never touch a clean document
# --------------------------------------------------------------------------------------------


def test_clean_typographic_text_is_unchanged() -> None:
    assert repair(NEWS) == Repair(NEWS, ())


@pytest.mark.parametrize(
    "text",
    [
        "Le pâté du château, l’âge d’or. Il a mangé un gâteau au théâtre, âme et grâce.",
        "România: câine, când, cât, mâine, pâine, rămâs, încât, râd.",
        "O âmbito da câmara e a lâmpada.",
        "Tiếng Việt: tâm, cân, dân, Ân.",
        "Türkçe: hâlâ, kâr, dükkân.",
    ],
)
def test_genuine_circumflex_words_are_unchanged(text: str) -> None:
    result = repair(text)
    assert result.text == text
    assert not result.lossy


def test_a_single_site_is_not_enough_evidence() -> None:
    raw = "The Mona Lisa doesnât have eyebrows."
    assert repair(raw) == Repair(raw, ())


def test_intact_accents_outweighing_the_evidence_block_lossy_repair() -> None:
    # Genuine French (intact accents) with two stray contractions: mixed, not damaged.
    raw = "Été, éclairé, évité, à côté, élève, référé, créé. Weâll see, donât."
    assert not repair(raw).lossy


@pytest.mark.parametrize(
    "text",
    [
        "مرحبا بالعالم، هذا نص عربي نظيف.",
        "Привет, мир! Это «чистый» русский текст — без ошибок.",
        "这是一个干净的中文文本。「引号」…",
        "日本語のテキスト、カタカナとひらがな。",
    ],
)
def test_other_scripts_are_unchanged(text: str) -> None:
    assert repair(text) == Repair(text, ())


# --------------------------------------------------------------------------------------------
# bad input
# --------------------------------------------------------------------------------------------


def test_empty_text() -> None:
    assert repair("") == Repair("", ())


@pytest.mark.parametrize("raw", ["ââââ", "â â â â", "Ã Ã Ã", "ã†â€™ãƒâ€ ã¢â‚¬â„¢ãƒæ’ã‚â¢"])
def test_text_of_only_mojibake_without_word_context_is_left(raw: str) -> None:
    # Lossy sites are read from the words around them; with none, there is no evidence.
    result = repair(raw)
    assert not result.lossy
    check_replay(raw, result)


def test_all_mojibake_that_ftfy_can_fix_is_fixed() -> None:
    assert repair("Ã©Ã©Ã© Ã¨").text == "ééé è"


def test_control_characters_are_kept() -> None:
    raw = "a\x00b\x1a c\x07d\te\r\nf"
    assert repair(raw) == Repair(raw, ())


def test_control_characters_inside_damaged_text_are_kept() -> None:
    clean = "“We’ll see,”\x00 the State’s\x07 lawyer said. “I don’t know.”"
    assert repair(lossy(clean)).text == clean


def test_mixed_encodings_in_one_text() -> None:
    cp1252 = "â€œIt’s fine,â€ he said."  # ftfy-fixable, with one lost byte
    latin = lossy("“We’ll see,” the State’s lawyer said. “I don’t know.”")
    clean = "Le pâté — “déjà vu”."
    raw = "\n\n".join([cp1252, latin, clean])
    result = repair(raw)
    assert result.text == "\n\n".join(
        [
            "“It’s fine,” he said.",
            "“We’ll see,” the State’s lawyer said. “I don’t know.”",
            clean,
        ]
    )
    start = raw.index(clean)
    assert all(s.end <= start for s in result.steps)
    check_replay(raw, result)


# --------------------------------------------------------------------------------------------
# witness
# --------------------------------------------------------------------------------------------


def test_witness_restores_what_context_gets_wrong() -> None:
    clean = "Overbooking can lead to ‘bumping’ — he said it’s rare, and they’re right."
    raw = lossy(clean)
    assert repair(raw).text != clean  # context reads the scare quotes as double
    result = repair_with_witness(raw, clean, [(0, len(raw), 0, len(clean))], witness="bbc-1")
    assert result.text == clean
    assert {s.witness for s in result.steps} == {"bbc-1"}
    assert {s.rule for s in result.steps} == {"witness"}
    check_replay(raw, result)


def test_witness_only_inside_aligned_passages() -> None:
    first = "“We’ll see,” the State’s lawyer said."
    second = "“I don’t know,” he said. It’s ‘late’."
    clean = first + "\n\n" + second
    raw = lossy(clean)
    a_start = raw.index("\n\n") + 2
    b_start = clean.index("\n\n") + 2
    result = repair_with_witness(
        raw, clean, [(a_start, len(raw), b_start, len(clean))], witness="w"
    )
    assert result.text == clean
    for step in result.steps:
        assert (step.witness == "w") == (step.start >= a_start)


def test_witness_repairs_a_document_with_too_little_evidence() -> None:
    clean = "The Mona Lisa doesn’t have eyebrows."
    raw = lossy(clean)
    result = repair_with_witness(raw, clean, [(0, len(raw), 0, len(clean))], witness="w")
    assert result.text == clean
    assert not result.lossy


def test_witness_character_must_damage_into_the_site() -> None:
    # The witness has a hyphen where the damaged text has "â": a hyphen is ASCII and
    # survives any decoding, so it is not what was lost; the context rule decides.
    clean = "“We’ll see,” the State’s lawyer said - “I don’t know.”"
    raw = lossy(clean.replace(" - ", " — "))
    result = repair_with_witness(raw, clean, [(0, len(raw), 0, len(clean))], witness="w")
    dash = next(s for s in result.steps if raw[s.start - 1 : s.end + 1] == " â ")
    assert dash.rule == "lossy:spaced-dash" and dash.witness is None
    assert result.text == clean.replace(" - ", " — ")


def test_witness_passage_offsets_are_raw_after_ftfy_fixes() -> None:
    clean = "The café’s “menu” isn’t long, the chef’s wife said."
    raw = lossy(clean)  # "Ã©" (ftfy) before the passage shifts fixed offsets
    a0 = raw.index("menu") - 1
    b0 = clean.index("menu") - 1
    result = repair_with_witness(raw, clean, [(a0, len(raw), b0, len(clean))], witness="w")
    assert result.text == clean


def test_witness_edited_text_still_gives_the_characters() -> None:
    clean = "“We’ll see,” the State’s top lawyer said on Monday. “I don’t know.”"
    witness = "“We’ll see,” the State’s lawyer said. “I really don’t know.”"
    raw = lossy(clean)
    result = repair_with_witness(raw, witness, [(0, len(raw), 0, len(witness))], witness="w")
    assert result.text == clean
    assert sum(s.witness == "w" for s in result.steps) == 7


def test_witness_fixes_mojibake_ftfy_leaves() -> None:
    clean = "a ｣15.8m signing, “he’s” the club’s best, it’s said."
    raw = lossy(clean)
    assert "ï½£" in repair(raw).text
    result = repair_with_witness(raw, clean, [(0, len(raw), 0, len(clean))], witness="w")
    assert result.text == clean


# --------------------------------------------------------------------------------------------
# golden cases and ftfy's own cases
# --------------------------------------------------------------------------------------------


def _golden() -> list[object]:
    params: list[object] = []
    for case in json.loads(CASES.read_text(encoding="utf-8")):
        marks = (
            [pytest.mark.xfail(strict=True, reason="known failure")]
            if case["expect"] == "fail"
            else []
        )
        params.append(pytest.param(case["input"], case["expected"], id=case["label"], marks=marks))
    return params


@pytest.mark.parametrize(("raw", "expected"), _golden())
def test_golden_cases(raw: str, expected: str) -> None:
    result = repair(raw)
    check_replay(raw, result)
    assert result.text == expected


def _ftfy_cases() -> list[dict[str, str]]:
    folder = FTFY_CASES / "repo-test-cases"
    if not folder.is_dir():
        pytest.skip("../shared/data/ftfy-cases is absent")
    cases = []
    for name in ("in-the-wild", "synthetic", "language-names", "negative"):
        cases += json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))
    return cases


def test_ftfy_cases_fixed_like_fix_encoding() -> None:
    failures = []
    for case in _ftfy_cases():
        expected = case.get("fixed-encoding", case["fixed"])
        result = repair(case["original"])
        check_replay(case["original"], result)
        if result.text != expected:
            failures.append(case["label"])
    assert failures == []


def test_ftfy_derived_lossy_cases_beat_ftfy() -> None:
    import ftfy

    ours = theirs = 0
    for case in _ftfy_cases():
        target = case.get("fixed-encoding", case["fixed"])
        raw = lossy(target)
        if raw == target.encode("utf-8").decode("latin-1"):
            continue  # nothing lost
        ours += repair(raw).text == target
        theirs += ftfy.fix_encoding(raw) == target
    assert ours > theirs


# --------------------------------------------------------------------------------------------
# properties
# --------------------------------------------------------------------------------------------

ENGLISH = st.sampled_from(
    "the firm said we’ll don’t it’s players’ State’s 1990 95 profit rose “quoted” ‘single’ "
    "— – … . , ? ! : ; ( ) \n \n\n é café".split(" ")
)
PUNCT = st.sampled_from(
    [" ", " ", " ", "\n", "", ", ", ". ", "’", "‘", "“", "”", "—", " — ", "–", "…"]
)


@st.composite
def typographic_english(draw: st.DrawFn) -> str:
    parts = draw(st.lists(st.tuples(ENGLISH, PUNCT), max_size=40))
    return "".join(w + p for w, p in parts)


CLEAN_WORDS = {
    "arabic": "مرحبا بالعالم هذا نص عربي نظيف كتاب مدرسة".split(),
    "cyrillic": "привет мир это чистый русский текст Москва Україна дороге".split(),
    "cjk": "这是 一个 干净 的 中文 文本 日本語 テキスト 한국어".split(),
}
SCRIPT_TEXT = (
    st.sampled_from(sorted(CLEAN_WORDS))
    .flatmap(
        lambda script: st.lists(
            st.tuples(
                st.sampled_from(CLEAN_WORDS[script]),
                st.sampled_from([" ", "، ", ", ", ". ", "\n", "«", "»", "—", "…", "“", "”"]),
            ),
            max_size=30,
        )
    )
    .map(lambda parts: "".join(w + p for w, p in parts))
)

ODD_TEXT = st.text(
    alphabet=st.one_of(
        st.sampled_from(list("âÃ€¦™œ˜“”’‘ \n.,'\"abcsdtlm0123456789") + ["\x85", "\x9d", "\xa0"]),
        st.characters(),
    ),
    max_size=60,
)


@given(ODD_TEXT)
def test_steps_replay_on_arbitrary_text(raw: str) -> None:
    check_replay(raw, repair(raw))


@given(typographic_english(), st.sampled_from(["latin-1", "cp1252"]))
def test_steps_replay_on_damaged_text(clean: str, mode: str) -> None:
    raw = damage(clean, mode=mode)
    result = repair(raw)
    check_replay(raw, result)
    for step in result.steps:
        if step.rule.startswith("lossy:"):
            assert raw[step.start] in "âÃ"  # lossy rules touch only damaged characters


@given(typographic_english(), st.sampled_from(["latin-1", "cp1252"]))
def test_whole_text_witness_restores_damaged_text(clean: str, mode: str) -> None:
    raw = damage(clean, mode=mode)
    result = repair_with_witness(raw, clean, [(0, len(raw), 0, len(clean))], witness="w")
    check_replay(raw, result)
    assert result.text == clean


@given(typographic_english())
def test_clean_typographic_english_is_unchanged(text: str) -> None:
    assert repair(text) == Repair(text, ())


@given(SCRIPT_TEXT)
def test_clean_arabic_cyrillic_cjk_are_unchanged(text: str) -> None:
    assert repair(text) == Repair(text, ())


def test_witness_passage_outside_the_texts_is_an_error() -> None:
    with pytest.raises(ValueError, match="does not fit the texts"):
        repair_with_witness("abc", "abc", [(0, 4, 0, 3)])


def test_witness_gives_the_dash_a_passage_edge_split_off() -> None:
    # The aligner's passage starts after "ministerâfacing" (no shared word) on the damaged
    # side and at the start of the clean one: the lost dashes still come from the witness.
    clean = "The minister—facing a revolt—resigned on Monday after a long night of talks."
    raw = lossy(clean)
    a0 = raw.index("a revolt")
    result = repair_with_witness(raw, clean, [(a0, len(raw), 0, len(clean))], witness="w")
    assert result.text == clean
    assert {s.witness for s in result.steps} == {"w"}


def test_scan_witnesses_a_copy_too_unclear_to_call_damaged(tmp_path: Path) -> None:
    import textreuse

    clean = (
        "The minister—facing a revolt—resigned on Monday after a long night of talks in the "
        "capital. Officials—speaking privately—said the cabinet—already divided—would meet "
        "again soon. The party—at least as he tells it—lost its way years ago, and the "
        "voters—tired of promises—left. "
    ) * 3
    raw = lossy(clean)
    assert not repair(raw).lossy  # no contraction or quote proves the damage
    (tmp_path / "clean.txt").write_text(clean, encoding="utf-8")
    (tmp_path / "damaged.txt").write_text(raw, encoding="utf-8")
    result = textreuse.scan([tmp_path], workers=1)
    steps = result.repairs["damaged.txt"]
    assert apply_steps(raw, steps) == clean
    assert {s.witness for s in steps} == {"clean.txt"} and "clean.txt" not in result.repairs


_SEARCH_ALPHABET = st.sampled_from(list("ab\n â\u00c3c"))


@given(
    st.text(_SEARCH_ALPHABET, max_size=40),
    st.text(_SEARCH_ALPHABET, min_size=1, max_size=3),
    st.text(_SEARCH_ALPHABET, max_size=3),
)
def test_between_finds_what_the_pattern_found(window: str, before: str, after: str) -> None:
    import re

    from textreuse.clean.encoding import _between

    pattern = re.escape(before) + "(.)" + re.escape(after)
    assert _between(before, after, window) == [m.group(1) for m in re.finditer(pattern, window, re.S)]


@given(st.text(st.sampled_from(list("ab €\u00e2\u00c3\u0080\u0099\u009c\u00a9\u2019")), max_size=30))
def test_has_sites_is_whether_find_sites_finds_any(text: str) -> None:
    from textreuse.clean.lossy import find_sites, has_sites

    assert has_sites(text) == bool(find_sites(text))


def test_agreement_reads_a_whole_damaged_sequence() -> None:
    # ” damaged by cp1252 is â€ (its third byte dropped), by Latin-1 a lone â: the longer
    # form must be tried first, whatever order the set of forms comes in.
    from textreuse.clean.encoding import _agree

    assert _agree("said â€ and left", 5, "said ” and left", 5, 20) == (16, 15)


@given(st.text(st.sampled_from(list("aZ \x00\u00bf\u00c0\u00c3\u00e2\u00e9\u00d7\u00f7\u0416\u2019\u4e2d\U0001f600")), max_size=30))
def test_native_letters_counts_accented_letters_outside_sites(text: str) -> None:
    from textreuse.clean.lossy import native_letters

    spans = [(0, len(text) // 2, 0), (len(text) // 2 + 1, len(text), 0)]
    expected = sum(1 for lo, hi, _ in spans for ch in text[lo:hi]
                   if ch >= "\u00c0" and ch not in "\u00e2\u00c3" and ch.isalpha())
    assert native_letters(text, spans) == expected
