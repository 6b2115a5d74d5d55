"""Hypothesis properties of papervault.citations: round trips, spans, and never raising."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from papervault.citations import (
    OLD_ARCHIVES,
    TRAILING_PUNCTUATION,
    find_mentions,
    match_url,
    might_mention,
    papers_from_frontmatter,
    scan_text,
)

# -- generated valid ids ---------------------------------------------------------------------


@st.composite
def new_style_ids(draw: st.DrawFn) -> str:
    year = draw(st.integers(7, 99))
    month = draw(st.integers(4 if year == 7 else 1, 12))
    yymm = f"{year:02d}{month:02d}"
    digits = 4 if yymm < "1501" else 5
    number = draw(st.integers(1, 10**digits - 1))
    return f"{yymm}.{number:0{digits}d}"


@st.composite
def old_style_ids(draw: st.DrawFn) -> tuple[str, str]:
    """(id as written, possibly with a subject class; id as canonical)."""
    archive = draw(st.sampled_from(OLD_ARCHIVES))
    year = draw(st.sampled_from([*range(91, 100), *range(0, 8)]))
    month = draw(st.integers(1, 3 if year == 7 else 12))
    number = draw(st.integers(1, 999))
    digits = f"{year:02d}{month:02d}{number:03d}"
    subject = draw(st.sampled_from(["", ".GT", ".str-el", ".acc-ph", ".LG"]))
    written = draw(st.sampled_from([archive, archive.upper()])) + subject
    return f"{written}/{digits}", f"{archive}/{digits}"


@st.composite
def arxiv_ids(draw: st.DrawFn) -> tuple[str, str, str | None]:
    """(id as written with its version, canonical paper id, version)."""
    if draw(st.booleans()):
        written = canonical = draw(new_style_ids())
    else:
        written, canonical = draw(old_style_ids())
    version = draw(st.none() | st.integers(1, 30).map(lambda n: f"v{n}"))
    return written + (version or ""), f"arxiv:{canonical}", version


ARXIV_URL_FORMS = [
    "https://arxiv.org/abs/{}",
    "http://arxiv.org/abs/{}",
    "https://www.arxiv.org/abs/{}",
    "http://export.arxiv.org/abs/{}",
    "http://xxx.lanl.gov/abs/{}",
    "https://arxiv.org/pdf/{}",
    "https://arxiv.org/pdf/{}.pdf",
    "https://arxiv.org/html/{}",
    "https://arxiv.org/html/{}/x1.png",
    "https://arxiv.org/format/{}",
    "https://arxiv.org/ps/{}",
    "https://arxiv.org/src/{}",
    "https://arxiv.org/e-print/{}",
    "https://arxiv.org/abs/{}?context=cs.LG",
    "https://arxiv.org/abs/{}#S2",
    "https://arxiv.org/abs/{}/",
    "https://arxiv.org/abs/{}%20(",
    "http://export.arxiv.org/api/query?id_list={}",
    "https://doi.org/10.48550/arXiv.{}",
    "https://ar5iv.labs.arxiv.org/html/{}",
    "https://ar5iv.org/abs/{}",
    "https://www.alphaxiv.org/abs/{}",
    "https://www.alphaxiv.org/overview/{}.md",
    "https://huggingface.co/papers/{}",
    "https://hf.co/papers/{}",
    "https://www.emergentmind.com/papers/{}",
    "https://www.arxiv-vanity.com/papers/{}",
    "https://scirate.com/arxiv/{}",
    "https://www.semanticscholar.org/arxiv/{}",
]

TEXT_FORMS = [
    "arXiv:{}",
    "arXiv: {}",
    "arxiv:{}",
    "arXiv {}",
    "doi:10.48550/arXiv.{}",
    "10.48550/arXiv.{}",
    "arxiv.org/abs/{}",
    "hf.co/papers/{}",
]

openreview_ids = st.text(
    alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-",
    min_size=9,
    max_size=12,
)

OPENREVIEW_URL_FORMS = [
    "https://openreview.net/forum?id={}",
    "https://openreview.net/forum?id={}&noteId=AbCdEfGhIj",
    "https://openreview.net/pdf?id={}",
    "https://openreview.net/attachment?id={}&name=pdf",
    "https://openreview.net/revisions?id={}",
    "https://openreview.net/forum?id={}#reviews",
]


@given(arxiv_ids(), st.sampled_from(ARXIV_URL_FORMS))
def test_every_arxiv_url_form_gives_the_canonical_id(written: tuple[str, str, str | None], form: str) -> None:
    text, canonical, version = written
    assert match_url(form.format(text)) == [(canonical, version)]


@given(arxiv_ids(), st.sampled_from(TEXT_FORMS), st.sampled_from(["", ".", ",", ")", "。", " x"]))
def test_every_text_form_gives_the_canonical_id(
    written: tuple[str, str, str | None], form: str, after: str
) -> None:
    text, canonical, version = written
    mention = form.format(text)
    line = f"see {mention}{after}"
    assert [(line[s:e], i, v) for s, e, i, v in find_mentions(line)] == [(mention, canonical, version)]


@given(arxiv_ids())
def test_frontmatter_id_keys_give_the_canonical_id(written: tuple[str, str, str | None]) -> None:
    text, canonical, version = written
    assert papers_from_frontmatter({"arxiv": text}) == [(canonical, version, "arxiv")]
    assert papers_from_frontmatter({"eprint": text, "eprinttype": "arXiv"}) == [
        (canonical, version, "eprint")
    ]


@given(openreview_ids, st.sampled_from(OPENREVIEW_URL_FORMS))
def test_every_openreview_form_keeps_the_id_exactly(note_id: str, form: str) -> None:
    assert match_url(form.format(note_id)) == [(f"openreview:{note_id}", None)]


@given(new_style_ids(), st.integers(0, 9))
def test_an_extra_digit_never_matches(base: str, digit: int) -> None:
    # a longer run is not cut down to a valid id: 4 vs 5 digits are never converted
    longer = f"{base}{digit}"
    assert match_url(f"https://arxiv.org/abs/{longer}") == []
    assert find_mentions(f"arXiv:{longer}") == []


@given(st.integers(0, 9999), st.integers(0, 99999))
def test_bare_numbers_never_match(left: int, right: int) -> None:
    assert find_mentions(f"see {left:04d}.{right:05d} and {left}.{right}") == []


@given(st.text())
def test_never_raises_on_arbitrary_text(text: str) -> None:
    match_url(text)
    find_mentions(text)
    scan_text(text)
    papers_from_frontmatter({"arxiv": text, "url": text, "openreview": text, "doi": text})


MARKERS = st.sampled_from(
    [
        *("arXiv:", "arxiv ", "arXiv：", "10.48550/arXiv.", "doi:", "arxiv.org/abs/"),
        *("openreview.net/", "forum?id=", "1706.03762", "v2", "hep-th/9901001", "https://"),
        *(".", ")", " ", "\n", "。", "-"),
    ]
)


@given(st.lists(MARKERS | st.text(max_size=3), max_size=12).map("".join))
def test_mention_spans_are_exact_and_re_match(text: str) -> None:
    found = find_mentions(text)
    assert found == sorted(found)
    for start, end, paper, version in found:
        assert 0 <= start < end <= len(text)
        matched = text[start:end]
        assert matched[-1] not in TRAILING_PUNCTUATION
        assert (paper, version) in [(i, v) for _, _, i, v in find_mentions(matched)]


@given(st.lists(MARKERS | st.text(max_size=3), max_size=12).map("".join))
def test_the_mention_hint_never_hides_a_mention(text: str) -> None:
    """The parser skips find_mentions where might_mention says no: it must never be wrong."""
    if find_mentions(text):
        assert might_mention(text)
