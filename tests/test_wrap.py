"""gcal.core.wrap: lines by display width, broken where a person would break them."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len

from gcal.core.wrap import cell_width, clip, longest_word, wrap, wrap_spans


def test_words_are_kept_whole_when_they_fit():
    assert wrap("Performance reviews", 12) == ["Performance", "reviews"]
    assert wrap("Internationalization workshop", 20) == ["Internationalization", "workshop"]
    assert wrap("walkthrough of the code", 11) == ["walkthrough", "of the code"]


def test_hyphens_are_break_places():
    assert wrap("Design-review", 10) == ["Design-", "review"]
    assert wrap("Stand-up", 6) == ["Stand-", "up"]
    assert wrap("Stand-up", 8) == ["Stand-up"]
    # a leading or doubled hyphen is not a word's hyphen
    assert wrap("-x", 1) == ["-", "x"]  # cut only because the word is wider than the column


def test_cjk_breaks_between_characters_by_display_width():
    # where the script changes (kanji, kana) by choice, inside a run only by width
    assert wrap("東京との定例", 10) == ["東京との", "定例"]
    assert wrap("東京との定例", 9) == ["東京との", "定例"]
    assert wrap("チームランチ", 16, first_width=10) == ["", "チームランチ"]  # moved, not cut
    assert wrap("東京オフィスとの定例会議", 10) == ["東京オフィ", "スとの", "定例会議"]  # filled
    assert wrap("Release party 🎉", 10) == ["Release", "party 🎉"]
    # kinsoku: ー and small kana never begin a line, an opening bracket never ends one
    assert wrap("チームランチ", 4) == ["チー", "ムラ", "ンチ"]
    assert wrap("チームランチ", 2) == ["チ", "ー", "ム", "ラ", "ン", "チ"]  # forced: too narrow
    assert wrap("会議「予定」", 6) == ["会議", "「予", "定」"]


def test_a_word_is_cut_only_when_wider_than_the_column():
    assert wrap("Internationalization", 10) == ["Internatio", "nalization"]
    assert wrap("日本語テキスト", 5) == ["日本", "語テ", "キス", "ト"]  # never half a wide char


def test_a_narrower_first_line_moves_a_word_rather_than_cutting_it():
    assert wrap("Performance reviews", 16, first_width=10) == ["", "Performance", "reviews"]
    assert wrap("Budget review", 16, first_width=10) == ["Budget", "review"]


def test_clip_puts_the_ellipsis_on_the_last_line_without_a_space_before_it():
    assert clip(["one two", "three", "four"], 2, 6) == ["one two", "three…"]
    assert clip(["東京との定", "例です", "x"], 2, 6) == ["東京との定", "例で…"]
    assert clip(["ab cd", "x"], 1, 4) == ["ab…"]  # "ab " cut, the space dropped
    assert clip(["a", "b"], 2, 4) == ["a", "b"]


def test_longest_word():
    assert longest_word("Performance reviews") == 11
    assert longest_word("Design-review") == 7
    assert longest_word("東京との定例") == 4  # 東京, との, 定例
    assert longest_word("チームランチ") == 12  # one katakana word
    assert longest_word("") == 0


def test_cell_width_agrees_with_rich_on_common_text():
    for text in ("abc", "東京", "Συνάντηση", "اجتماع", "🎉 Party", "café"):
        assert cell_width(text) == cell_len(text)


TEXT = st.text(
    alphabet=st.sampled_from(list("ab -xy") + list("東京ーチ「」、") + ["é", "🎉"]),
    max_size=40,
)


@settings(max_examples=300, deadline=None)
@given(TEXT, st.integers(min_value=2, max_value=30), st.integers(min_value=0, max_value=30))
def test_lines_fit_and_rejoin_to_the_text(text, width, first):
    first = min(first, width)
    spans = wrap_spans(text, width, first_width=first)
    lines = [text[a:b] for a, b in spans]
    for k, line in enumerate(lines):
        assert cell_width(line) <= (first if k == 0 else width)
        assert line == line.strip()
    # between lines there is only whitespace, and every character outside it is kept
    position = len(text) - len(text.lstrip())
    for a, b in spans:
        assert text[position:a].strip() == ""
        assert a >= position
        position = b
    assert text[position:].strip() == ""
    assert "".join("".join(lines).split()) == "".join(text.split())


@settings(max_examples=200, deadline=None)
@given(TEXT, st.integers(min_value=2, max_value=30))
def test_words_that_fit_are_never_cut(text, width):
    spans = wrap_spans(text, width)
    if longest_word(text) <= width:
        # every line ends at a break place: at a space (dropped), after a hyphen, or beside a
        # wide character; never between two narrow letters of a word
        for (_, end), (start, _) in zip(spans, spans[1:]):
            if end == start and 0 < end < len(text):
                before, after = text[end - 1], text[end]
                assert before == "-" or cell_width(before) == 2 or cell_width(after) == 2


@settings(max_examples=200, deadline=None)
@given(st.lists(TEXT, max_size=6), st.integers(min_value=0, max_value=5), st.integers(3, 20))
def test_clip_keeps_within_the_width(lines, keep, width):
    lines = [line for line in (" ".join(x.split()) for x in lines)]
    lines = [line for line in lines if cell_width(line) <= width]
    result = clip(lines, keep, width)
    assert len(result) == min(keep, len(lines))
    for line in result:
        assert cell_width(line) <= width
    if len(lines) > keep > 0:
        assert result[-1].endswith("…")
        assert not result[-1][:-1].endswith(" ")
