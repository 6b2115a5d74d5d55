"""splice: replace, append and remove one managed region, byte for byte."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from papervault.regions import find_regions
from papervault.splice import (
    DEFAULT_NOTE,
    MarkerError,
    Splice,
    SpliceError,
    UnclosedFenceError,
    detect_newline,
    remove_region,
    render_region,
    splice_region,
    strip_regions,
    strip_regions_with_cuts,
)
from tests.conftest import SHARED_VAULTS
from tests.test_regions import LINE_BREAK, LINE_PIECES

BODY = "## Backlinks\n\n- [[a]]\n"
START = f"<!-- papervault:backlinks:start {DEFAULT_NOTE} -->"
END = "<!-- papervault:backlinks:end -->"
REGION = f"{START}\n{BODY}{END}\n"


def crlf(text: str) -> str:
    return text.replace("\n", "\r\n")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # append: one blank line, then the region
        ("", REGION),
        ("\ufeff", "\ufeff" + REGION),
        ("# A\n", f"# A\n\n{REGION}"),
        ("# A\n\n\n", f"# A\n\n\n\n{REGION}"),
        ("\n", f"\n\n{REGION}"),
        # no final newline: add one, a blank line, and keep "no final newline" after the region
        ("# A", f"# A\n\n{REGION[:-1]}"),
        ("\ufeff# A", f"\ufeff# A\n\n{REGION[:-1]}"),
        # CRLF files get a CRLF region and separator
        (crlf("# A\nb\n"), crlf(f"# A\nb\n\n{REGION}")),
        (crlf("# A\nb"), crlf(f"# A\nb\n\n{REGION[:-1]}")),
        # mixed: the dominant style wins (2 CRLF against 1 LF)
        ("a\r\nb\r\nc\n", f"a\r\nb\r\nc\n{crlf(chr(10) + REGION)}"),
        ("a\nb\nc\r\n", f"a\nb\nc\r\n\n{REGION}"),
        # a closed fence before is fine
        ("```\ncode\n```\n", f"```\ncode\n```\n\n{REGION}"),
        # replace: only the region's lines change, the rest stays
        (
            f"# A\n\n{START}\nold\n{END}\nafter\n",
            f"# A\n\n{REGION}after\n",
        ),
        (f"# A\n\n{START}\nold\n{END}", f"# A\n\n{REGION[:-1]}"),
        # a tolerated but non-canonical marker is rewritten canonically
        (
            "x\n\n  <!-- papervault:backlinks:start -->  \n- [[a]]\n<!-- papervault:backlinks:end -->\n",
            f"x\n\n{REGION}",
        ),
        # an existing CRLF region in an LF-dominant file keeps its own style
        (
            f"a\nb\nc\n\n{crlf(START)}\r\nold\r\n{END}\r\n",
            f"a\nb\nc\n\n{crlf(REGION)}",
        ),
        # a start marker ending in a lone CR before a LF: the region is written with lone CRs
        # but keeps its own final line ending, since "\r" + "\n" would fuse into one CRLF
        (
            f"x\n\n{START}\r\rold\n{END}\n\n",
            f"x\n\n{REGION[:-1].replace(chr(10), chr(13))}\n\n",
        ),
        (
            f"x\n\n{START}\rold\r\n{END}\r\n\n",
            f"x\n\n{REGION[:-1].replace(chr(10), chr(13))}\r\n\n",
        ),
        # another region stays where it is; the new one goes at the end
        (
            "x\n\n<!-- papervault:tag-index:start -->\nt\n<!-- papervault:tag-index:end -->\n",
            f"x\n\n<!-- papervault:tag-index:start -->\nt\n<!-- papervault:tag-index:end -->\n\n{REGION}",
        ),
    ],
)
def test_set_region(text: str, expected: str) -> None:
    result = splice_region(text, "backlinks", BODY)
    assert result == Splice(expected, expected != text)
    assert splice_region(result.text, "backlinks", BODY) == Splice(expected, False)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (REGION, ""),
        ("\ufeff" + REGION, "\ufeff"),
        (f"# A\n\n{REGION}", "# A\n"),
        (f"# A\n\n{REGION[:-1]}", "# A"),
        (crlf(f"# A\n\n{REGION}"), crlf("# A\n")),
        (crlf(f"# A\n\n{REGION}")[:-2], "# A"),
        # a region in the middle: the blank line before it goes, text after it stays
        (f"# A\n\n{REGION}after\n", "# A\nafter\n"),
        # no blank line before it (the user removed it): nothing else is removed
        (f"# A\n{REGION}", "# A\n"),
        (f"# A\n{REGION[:-1]}", "# A\n"),
        # more blank lines than papervault added: only one goes
        (f"# A\n\n\n\n{REGION}", "# A\n\n\n"),
        # followed by a last region without a final newline, whose separator holds this
        # region's final line ending: that separator goes too, so the user's "a\n" stays
        (
            f"a\n{REGION}\n{REGION.replace('backlinks', 'other')[:-1]}",
            f"a\n{REGION.replace('backlinks', 'other')[:-1]}",
        ),
        (
            crlf(f"a\n{REGION}\n{REGION.replace('backlinks', 'other')[:-1]}"),
            crlf(f"a\n{REGION.replace('backlinks', 'other')[:-1]}"),
        ),
        # after a lone CR (so a CRLF separator) and before a region with an LF separator:
        # "\r" + "\n" would be one CRLF, so that separator goes too and the user's "\r" stays
        (
            f"a\n\r\r\n{crlf(REGION)}\n{REGION.replace('backlinks', 'other')}",
            f"a\n\r{REGION.replace('backlinks', 'other')}",
        ),
        # nothing to remove
        ("# A\n", "# A\n"),
        ("", ""),
    ],
)
def test_remove_region(text: str, expected: str) -> None:
    result = remove_region(text, "backlinks")
    assert result == Splice(expected, expected != text)
    assert strip_regions(result.text) == strip_regions(text)


@pytest.mark.parametrize(
    ("text", "added"),
    [
        # a lone CR ends a line: an old-Mac file gets CR line endings
        ("abc\r", "\r" + REGION.replace("\n", "\r")),
        # an LF file whose last line ends in a lone CR: "\r" + "\n" would be one CRLF
        # line break, so the separator and region are written as CRLF
        ("a\nb\nc\r", "\r\n" + crlf(REGION)),
    ],
)
def test_a_lone_carriage_return_is_a_line_break(text: str, added: str) -> None:
    result = splice_region(text, "backlinks", BODY).text
    assert result == text + added
    assert remove_region(result, "backlinks").text == text
    assert strip_regions(result) == text


def test_removing_a_region_at_the_top_takes_the_next_regions_blank_line() -> None:
    # found by hypothesis: "" + backlinks + tag-index, then backlinks removed
    both = splice_region(splice_region("", "backlinks", BODY).text, "tag-index", "t\n").text
    only_tags = remove_region(both, "backlinks").text
    assert only_tags == splice_region("", "tag-index", "t\n").text
    assert strip_regions(only_tags) == strip_regions(both) == ""


def test_replacing_with_new_content_then_stripping_gives_back_the_file() -> None:
    original = crlf("---\ntitle: A\ntags: [a, b]   # keep\n---\n\nBody text")
    first = splice_region(original, "backlinks", "- [[x]]\n").text
    second = splice_region(first, "backlinks", "- [[x]]\n- [[y]]\n").text
    third = splice_region(second, "tag-index", "Tagged\n").text
    assert strip_regions(third) == original
    assert remove_region(remove_region(third, "backlinks").text, "tag-index").text == original


@pytest.mark.parametrize(
    "text",
    [
        f"{START}\n{START}\n{END}\n",
        f"x\n{START}\nno end\n",
        f"{END}\n{START}\n{END}\n",
        f"```\n{START}\n{END}\n```\n",
        f"{START}\n```\n{END}\n",
        f"{START}\n{END}\n{START}\n{END}\n",
        "<!-- papervault:backlinks:start\n",
    ],
)
@pytest.mark.parametrize("body", [BODY, None])
def test_malformed_markers_raise_with_the_line(text: str, body: str | None) -> None:
    with pytest.raises(MarkerError) as caught:
        splice_region(text, "backlinks", body, path="notes/a.md")
    error = caught.value
    assert error.code == "PV402"
    assert error.problems and error.line == error.problems[0].line
    assert str(error).startswith(f"notes/a.md:{error.line}: ")
    with pytest.raises(MarkerError):
        strip_regions(text)


def test_a_malformed_other_region_also_blocks_the_file() -> None:
    text = "x\n<!-- papervault:tag-index:start -->\n"
    with pytest.raises(MarkerError):
        splice_region(text, "backlinks", BODY)


@pytest.mark.parametrize(("text", "line"), [("a\n```\ncode\n", 2), ("~~~~\n", 1), ("~~~\n```", 1)])
def test_appending_after_an_unclosed_fence_is_refused(text: str, line: int) -> None:
    with pytest.raises(UnclosedFenceError) as caught:
        splice_region(text, "backlinks", BODY, path="a.md")
    assert caught.value.line == line and caught.value.code == "PV406"
    # removing (nothing there) is still fine
    assert remove_region(text, "backlinks") == Splice(text, False)


def test_replacing_inside_a_file_that_has_an_unclosed_fence_after_the_region() -> None:
    text = f"x\n\n{REGION}```\nunclosed\n"
    result = splice_region(text, "backlinks", "- [[b]]\n")
    assert result.changed and strip_regions(result.text) == strip_regions(text)


def test_a_frontmatter_head_gives_a_new_tag_page() -> None:
    head = '---\ntitle: "Tag: ml"\ndescription: Notes tagged ml.\n---\n'
    page = splice_region(head, "tag-index", "- [[a]]\n").text
    assert page.startswith(head + "\n<!-- papervault:tag-index:start")
    assert strip_regions(page) == head


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "\n"),
        ("a", "\n"),
        ("a\nb\n", "\n"),
        ("a\r\nb\r\n", "\r\n"),
        ("a\r\nb\n", "\n"),  # a tie goes to LF
        ("a\r\nb\r\nc\n", "\r\n"),
        ("a\rb\r", "\r"),
        ("a\rb\r\n", "\r\n"),
        ("a\rb\n", "\n"),
    ],
)
def test_detect_newline(text: str, expected: str) -> None:
    assert detect_newline(text) == expected


@pytest.mark.parametrize(
    "body",
    [
        "- x\n<!-- papervault:backlinks:end -->\n",
        "<!-- papervault:other:start -->\n",
        "```\nunclosed\n",
        "a\rb",
        "    <!-- papervault:backlinks:start -->\n",
    ],
)
def test_render_refuses_bodies_that_would_break_the_region(body: str) -> None:
    with pytest.raises(ValueError):
        render_region("backlinks", body)


def test_render_region() -> None:
    assert render_region("backlinks", "- x", "\r\n", note="") == (
        "<!-- papervault:backlinks:start -->\r\n- x\r\n<!-- papervault:backlinks:end -->\r\n"
    )
    assert render_region("tag-index", "", final_newline=False, note="") == (
        "<!-- papervault:tag-index:start -->\n<!-- papervault:tag-index:end -->"
    )


VARIANTS = {
    "as-is": lambda text: text,
    "crlf-bom": lambda text: "\ufeff" + text.replace("\n", "\r\n"),
    "no-final-newline": lambda text: text.rstrip("\n"),
    "blank-lines-at-end": lambda text: text + "\n\n",
}


@pytest.mark.parametrize("variant", VARIANTS)
def test_real_vault_notes_round_trip(variant: str) -> None:
    notes = sorted(SHARED_VAULTS.glob("*/**/*.md"))
    assert notes
    refused = 0
    for path in notes:
        text = VARIANTS[variant](path.read_bytes().decode("utf-8", errors="surrogateescape"))
        try:
            added = splice_region(text, "backlinks", BODY).text
        except UnclosedFenceError:
            refused += 1
            continue
        assert added.startswith(text)
        assert strip_regions(added) == text, path
        assert remove_region(added, "backlinks").text == text, path
        assert splice_region(added, "backlinks", BODY).changed is False
    assert refused < len(notes) // 50


# --- properties --------------------------------------------------------------------------

TRICKY = ["\n", "\r\n", "\r", "\ufeff", "`", "```", "~~~", " ", "a", "-", "---", "<!--", "\t"]
REGION_LINES = [START, END, "<!-- papervault:tag-index:start -->", "<!-- papervault:tag-index:end -->"]


@st.composite
def user_texts(draw: st.DrawFn) -> str:
    """Texts a user could have: random runs of tricky characters, or whole lines
    (markers, fences, frontmatter) joined by a random newline style."""
    if draw(st.booleans()):
        text = "".join(draw(st.lists(st.sampled_from(TRICKY), max_size=30)))
    else:
        lines = draw(st.lists(st.sampled_from(LINE_PIECES + REGION_LINES), max_size=12))
        separators = draw(st.lists(st.sampled_from(["\n", "\r\n"]), min_size=len(lines), max_size=len(lines)))
        text = "".join(line + sep for line, sep in zip(lines, separators, strict=True))
        if lines and draw(st.booleans()):
            text = text.removesuffix(separators[-1])
    if draw(st.booleans()):
        text = "\ufeff" + text.removeprefix("\ufeff")
    return text


bodies = st.lists(
    st.sampled_from(["## Backlinks", "", "- [[a]]", "- [[b|B]] (under *Intro*)", "```", "~~~"]), max_size=5
).map(lambda lines: "\n".join(lines) + "\n" if lines else "")
names = st.sampled_from(["backlinks", "tag-index"])


def _valid_body(body: str) -> bool:
    try:
        render_region("backlinks", body)
    except ValueError:
        return False
    return True


def _splice_or_none(text: str, name: str, body: str | None) -> Splice | None:
    try:
        return splice_region(text, name, body)
    except SpliceError as error:
        # refused only for a real reason, found in the input itself
        problems = find_regions(text)[1]
        assert problems or isinstance(error, UnclosedFenceError), error
        return None


def strip_gives_back_the_user_text(text: str, name: str, body: str) -> None:
    result = _splice_or_none(text, name, body)
    if result is None:
        return
    assert strip_regions(result.text) == strip_regions(text)
    if not find_regions(text)[0]:
        assert strip_regions(result.text) == text
        assert remove_region(result.text, name).text == text


def idempotent_and_replacing_keeps_the_rest(text: str, name: str, body: str, other: str) -> None:
    once = _splice_or_none(text, name, body)
    if once is None:
        return
    assert splice_region(once.text, name, body) == Splice(once.text, False)
    replaced = splice_region(once.text, name, other)
    assert strip_regions(replaced.text) == strip_regions(text)
    assert splice_region(replaced.text, name, body).text == once.text


def any_sequence_of_edits_keeps_the_user_text(text: str, edits: list[tuple[str, str | None]]) -> None:
    if find_regions(text)[1]:
        with pytest.raises(MarkerError):
            strip_regions(text)
        return
    current = text
    for name, body in edits:
        result = _splice_or_none(current, name, body)
        if result is None:
            return
        current = result.text
    assert strip_regions(current) == strip_regions(text)


def cuts_are_what_strip_removes(text: str, edits: list[tuple[str, str | None]]) -> None:
    if find_regions(text)[1]:
        return
    for name, body in edits:
        result = _splice_or_none(text, name, body)
        if result is None:
            return
        text = result.text
    stripped, cuts = strip_regions_with_cuts(text)
    assert all(0 <= a < b <= len(text) for a, b in cuts)
    assert all(b1 < a2 for (_, b1), (a2, _) in itertools.pairwise(cuts))
    kept, position = [], 0
    for start, end in cuts:
        kept.append(text[position:start])
        position = end
    kept.append(text[position:])
    assert "".join(kept) == stripped
    assert len(cuts) <= len(find_regions(text)[0])


def bom_final_newline_and_newline_style_are_kept(text: str, body: str) -> None:
    result = _splice_or_none(text, "backlinks", body)
    if result is None or find_regions(text)[0]:
        return
    new = result.text
    assert new.startswith("\ufeff") == text.startswith("\ufeff")
    assert new.count("\ufeff") == text.count("\ufeff")
    content = text.removeprefix("\ufeff")
    assert new.endswith(("\n", "\r")) == (content == "" or text.endswith(("\n", "\r")))
    added = new[len(text) :]
    assert new.startswith(text)
    style = detect_newline(text)
    if style == "\n" and text.endswith("\r"):
        style = "\r\n"
    assert LINE_BREAK.findall(added) == [style] * len(LINE_BREAK.findall(added))


valid_bodies = bodies.filter(_valid_body)
edit_lists = st.lists(st.tuples(names, st.none() | valid_bodies), max_size=6)
PROPERTIES = {
    "strip-gives-back-user-text": (strip_gives_back_the_user_text, (user_texts(), names, valid_bodies)),
    "idempotent": (
        idempotent_and_replacing_keeps_the_rest,
        (user_texts(), names, valid_bodies, valid_bodies),
    ),
    "edit-sequences": (any_sequence_of_edits_keeps_the_user_text, (user_texts(), edit_lists)),
    "cuts": (cuts_are_what_strip_removes, (user_texts(), edit_lists)),
    "bom-newlines-kept": (bom_final_newline_and_newline_style_are_kept, (user_texts(), valid_bodies)),
}


def run_property(name: str, examples: int) -> None:
    check, strategies = PROPERTIES[name]
    configured = settings(max_examples=examples, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    configured(given(*strategies)(check))()


@pytest.mark.parametrize("name", PROPERTIES)
def test_splice_property(name: str) -> None:
    run_property(name, 300)


@pytest.mark.slow
@pytest.mark.parametrize("name", PROPERTIES)
def test_splice_property_10000_examples(name: str) -> None:
    run_property(name, 10_000)


def test_removing_a_region_between_a_lone_cr_and_a_lf_separator_keeps_the_user_text() -> None:
    # found by hypothesis (edit sequences, 5,000 examples): the text ends in a lone CR, so the
    # first region got a CRLF separator and the second an LF one; removing the first with
    # its separator put that CR before the LF, one CRLF, and the write layer refused (PV407).
    # The second region's separator now goes too: it is as if it had been added without one
    text = splice_region(splice_region("\n\n\n\r", "tag-index", "").text, "backlinks", "").text
    removed = remove_region(text, "tag-index").text
    assert removed == "\n\n\n\r" + splice_region("", "backlinks", "").text
    assert strip_regions(removed) == strip_regions(text) == "\n\n\n\r"
    assert remove_region(removed, "backlinks").text == "\n\n\n\r"
