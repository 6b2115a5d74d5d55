"""Unit tests for papervault.citations: every URL form and negative form of identifiers.md."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from papervault.citations import (
    find_mentions,
    match_url,
    papers_from_frontmatter,
    parse_arxiv_id,
    parse_openreview_id,
    scan_text,
)
from papervault.model import Citation

ATTN = "arxiv:1706.03762"
AZ = "arxiv:2504.19162"
HEP = "arxiv:hep-th/9901001"
GT = "arxiv:math/0309136"
SK = "openreview:SkT5Yg-RZ"
O4 = "openreview:O4cHTxW9BS"

# -- arXiv ids -------------------------------------------------------------------------------

ARXIV_IDS = [
    # (text, expected (id, version) or None)
    ("0704.0001", ("arxiv:0704.0001", None)),
    ("1412.6980", ("arxiv:1412.6980", None)),
    ("1501.00001", ("arxiv:1501.00001", None)),
    ("1706.03762v5", (ATTN, "v5")),
    ("2504.19162v12", (AZ, "v12")),
    ("arXiv:2504.19162", (AZ, None)),
    ("ARXIV: 2504.19162v2", (AZ, "v2")),
    ("hep-th/9901001", (HEP, None)),
    ("hep-th/9711200v3", ("arxiv:hep-th/9711200", "v3")),
    ("math.GT/0309136", (GT, None)),
    ("math.GT/0309136v1", (GT, "v1")),
    ("cond-mat.str-el/0501001", ("arxiv:cond-mat/0501001", None)),
    ("physics.acc-ph/0601001", ("arxiv:physics/0601001", None)),
    ("HEP-TH/9901001", (HEP, None)),  # the archive is lower-cased
    ("cs/0112017", ("arxiv:cs/0112017", None)),
    ("q-bio/0703001", ("arxiv:q-bio/0703001", None)),
    (" 1706.03762 ", (ATTN, None)),
    # invalid shapes
    ("2513.12345", None),  # month 13
    ("2500.12345", None),  # month 00
    ("2504.1916", None),  # 4 digits from 1501 on (the YAML float 2504.1916)
    ("1412.06980", None),  # 5 digits before 1501: never converted
    ("2504.00000", None),  # sequence 0
    ("0703.1234", None),  # before the new scheme began
    ("0601.12345", None),  # 2106: not accepted
    ("2504.191620", None),  # 6 digits
    ("2405.123", None),  # truncated
    ("1706.03762v0", None),
    ("1706.03762v01", None),
    ("1706.03762v", None),
    ("1706.03762abc", None),
    ("foo-bar/9901001", None),  # unknown archive
    ("stat/0601001", None),  # stat has no old-style ids
    ("hep-th/9913001", None),  # month 13
    ("hep-th/9901000", None),  # number 000
    ("hep-th/0801001", None),  # old scheme ended March 2007
    ("hep-th/990100", None),  # 6 digits
    ("math/12", None),
    ("hep-th", None),  # an archive, not a paper
    ("1706.03762 and more", None),
    ("", None),
]


@pytest.mark.parametrize(("text", "expected"), ARXIV_IDS)
def test_parse_arxiv_id(text: str, expected: tuple[str, str | None] | None) -> None:
    assert parse_arxiv_id(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("SkT5Yg-RZ", SK),
        ("Hyg0vbWC-", "openreview:Hyg0vbWC-"),  # a trailing '-' is part of the id
        ("O4cHTxW9BS", O4),
        ("o4chtxw9bs", "openreview:o4chtxw9bs"),  # case is kept, never folded
        ("rJl-b3RcF7", "openreview:rJl-b3RcF7"),
        ("_x9-Ab3cd_", "openreview:_x9-Ab3cd_"),
        ("SkT5Yg-RZ&noteId=B1", SK),
        ("SkT5Yg-RZ#reviews", SK),
        ("SkT5Yg-RZ%20(ICLR)", SK),
        ("SkT5Yg-RZ).", SK),
        ("SkT5Yg-RZ.", SK),
        ("O4cHT", None),  # truncated
        ("abcdefghijklm", None),  # 13 characters
        ("ICLR.cc/2024/Conference", None),
        ("robot-learning.org/CoRL/2023/Conference", None),
        ("~First_Last1", None),
        ("SkT5Yg-RZ.cc", None),
        ("", None),
    ],
)
def test_parse_openreview_id(text: str, expected: str | None) -> None:
    found = parse_openreview_id(text)
    assert (found[0] if found else None) == expected


# -- URL forms (identifiers.md §1.3 and §2) ------------------------------------------------------

PAPER_URLS = [
    # arxiv.org/abs with http/https, www., export., mirrors
    ("https://arxiv.org/abs/2504.19162", [(AZ, None)]),
    ("http://arxiv.org/abs/1706.03762v5", [(ATTN, "v5")]),
    ("https://www.arxiv.org/abs/1706.03762", [(ATTN, None)]),
    ("http://export.arxiv.org/abs/1706.03762v2", [(ATTN, "v2")]),
    ("http://lanl.arxiv.org/abs/hep-th/9901001", [(HEP, None)]),
    ("http://de.arxiv.org/abs/hep-th/9901001v1", [(HEP, "v1")]),
    ("http://xxx.lanl.gov/abs/hep-th/9901001", [(HEP, None)]),
    ("HTTPS://ArXiv.Org/abs/2504.19162", [(AZ, None)]),
    ("//arxiv.org/abs/2504.19162", [(AZ, None)]),
    ("arxiv.org/abs/2504.19162", [(AZ, None)]),  # scheme-less link destination
    ("<https://arxiv.org/abs/2504.19162>", [(AZ, None)]),
    ("https://arxiv.org:443/abs/2504.19162", [(AZ, None)]),
    # old-style ids, subject class dropped
    ("https://arxiv.org/abs/math.GT/0309136", [(GT, None)]),
    ("https://arxiv.org/abs/math/0309136v1", [(GT, "v1")]),
    ("https://arxiv.org/abs/cs/0112017", [("arxiv:cs/0112017", None)]),
    ("https://arxiv.org/abs/astro-ph/0005112", [("arxiv:astro-ph/0005112", None)]),
    # /pdf/ with or without .pdf
    ("https://arxiv.org/pdf/1706.03762v5.pdf", [(ATTN, "v5")]),
    ("https://arxiv.org/pdf/1706.03762.pdf", [(ATTN, None)]),
    ("https://arxiv.org/pdf/2504.19162", [(AZ, None)]),
    ("https://arxiv.org/pdf/hep-th/9711200.pdf", [("arxiv:hep-th/9711200", None)]),
    ("https://arxiv.org/pdf/hep-th/9711200v2", [("arxiv:hep-th/9711200", "v2")]),
    # /html/ with and without figure assets
    ("https://arxiv.org/html/2504.19162v1", [(AZ, "v1")]),
    ("https://arxiv.org/html/2504.19162v1/x1.png", [(AZ, "v1")]),
    ("https://arxiv.org/html/2504.19162", [(AZ, None)]),
    ("https://arxiv.org/html/2504.19162v2/#S3.SS1", [(AZ, "v2")]),
    # /format/, /ps/, /src/, /e-print/
    ("https://arxiv.org/format/2504.19162", [(AZ, None)]),
    ("https://arxiv.org/ps/hep-th/9901001v1", [(HEP, "v1")]),
    ("https://arxiv.org/src/2504.19162v1", [(AZ, "v1")]),
    ("https://arxiv.org/src/2504.19162v1/anc/data.csv", [(AZ, "v1")]),
    ("https://arxiv.org/e-print/1706.03762", [(ATTN, None)]),
    ("https://arxiv.org/ps/hep-th/9901001.ps.gz", [(HEP, None)]),
    # query, fragment, trailing slash, junk
    ("https://arxiv.org/abs/2504.19162?context=cs.LG", [(AZ, None)]),
    ("https://arxiv.org/abs/2504.19162#", [(AZ, None)]),
    ("https://arxiv.org/abs/2504.19162v3#section-2", [(AZ, "v3")]),
    ("https://arxiv.org/abs/2504.19162/", [(AZ, None)]),
    ("https://arxiv.org/abs/1706.03762v5%20(v5)", [(ATTN, "v5")]),
    ("https://arxiv.org/abs/1706.03762%20", [(ATTN, None)]),
    ("https://arxiv.org/abs/1706.03762.md", [(ATTN, None)]),
    ("https://arxiv.org/abs/1706.03762).", [(ATTN, None)]),
    ("https://arxiv.org/abs/2504.19162%E3%80%82", [(AZ, None)]),  # full-width '。' encoded
    ("https://arxiv.org//abs/2504.19162", [(AZ, None)]),
    ("https://arxiv.org/abs/hep-th%2F9901001", [(HEP, None)]),
    ("https://arxiv.org/abs/arXiv:1706.03762", [(ATTN, None)]),
    # the API: one paper per id_list entry
    ("http://export.arxiv.org/api/query?id_list=1706.03762", [(ATTN, None)]),
    (
        "http://export.arxiv.org/api/query?id_list=1706.03762v5,hep-th/9901001,2504.19162",
        [(ATTN, "v5"), (HEP, None), (AZ, None)],
    ),
    ("http://export.arxiv.org/api/query?id_list=1706.03762%2C2504.19162", [(ATTN, None), (AZ, None)]),
    (
        "http://export.arxiv.org/api/query?search_query=ti:attention&id_list=1706.03762",
        [(ATTN, None)],
    ),
    ("http://export.arxiv.org/api/query?id_list=1706.03762,1412.06980", [(ATTN, None)]),
    # arXiv DOIs
    ("https://doi.org/10.48550/arXiv.2504.19162", [(AZ, None)]),
    ("https://doi.org/10.48550/ARXIV.2504.19162", [(AZ, None)]),
    ("http://dx.doi.org/10.48550/arxiv.1706.03762", [(ATTN, None)]),
    ("https://www.doi.org/10.48550/arXiv.1706.03762", [(ATTN, None)]),
    ("https://doi.org/10.48550%2FarXiv.1706.03762", [(ATTN, None)]),
    ("https://doi.org/10.48550/arXiv.hep-th/9901001", [(HEP, None)]),
    # ar5iv
    ("https://ar5iv.labs.arxiv.org/html/1706.03762", [(ATTN, None)]),
    ("https://ar5iv.org/abs/1706.03762", [(ATTN, None)]),
    ("https://ar5iv.org/html/1706.03762v5", [(ATTN, "v5")]),
    # alphaxiv, with its .md oddity
    ("https://alphaxiv.org/abs/2504.19162", [(AZ, None)]),
    ("https://www.alphaxiv.org/abs/2504.19162v2", [(AZ, "v2")]),
    ("https://www.alphaxiv.org/overview/2504.19162", [(AZ, None)]),
    ("https://www.alphaxiv.org/overview/2504.19162.md", [(AZ, None)]),
    ("https://www.alphaxiv.org/abs/2504.19162v1.md", [(AZ, "v1")]),
    # Hugging Face paper pages and other aggregators
    ("https://huggingface.co/papers/2504.19162", [(AZ, None)]),
    ("https://hf.co/papers/2504.19162", [(AZ, None)]),
    ("https://huggingface.co/papers/2504.19162#community", [(AZ, None)]),
    ("https://www.emergentmind.com/papers/2504.19162", [(AZ, None)]),
    ("https://www.arxiv-vanity.com/papers/1706.03762/", [(ATTN, None)]),
    ("https://scirate.com/arxiv/1706.03762", [(ATTN, None)]),
    ("https://www.semanticscholar.org/arxiv/1706.03762", [(ATTN, None)]),
    # OpenReview
    ("https://openreview.net/forum?id=SkT5Yg-RZ", [(SK, None)]),
    ("https://openreview.net/forum?id=O4cHTxW9BS&noteId=O4cHTxW9BS", [(O4, None)]),
    ("https://openreview.net/forum?id=O4cHTxW9BS&noteId=Xy12AbCdEf", [(O4, None)]),
    ("https://openreview.net/forum?noteId=Xy12AbCdEf&id=O4cHTxW9BS", [(O4, None)]),
    ("https://openreview.net/forum?id=O4cHTxW9BS&amp;noteId=Xy12AbCdEf", [(O4, None)]),
    ("https://openreview.net/forum?id=O4cHTxW9BS#discussion", [(O4, None)]),
    ("https://openreview.net/forum/?id=O4cHTxW9BS", [(O4, None)]),
    ("https://www.openreview.net/forum?id=O4cHTxW9BS", [(O4, None)]),
    ("https://openreview.net/pdf?id=SkT5Yg-RZ", [(SK, None)]),
    ("https://openreview.net/attachment?id=SkT5Yg-RZ&name=supplementary_material", [(SK, None)]),
    ("https://openreview.net/revisions?id=SkT5Yg-RZ", [(SK, None)]),  # decision: cites X
    ("https://openreview.net/forum?id=Hyg0vbWC-", [("openreview:Hyg0vbWC-", None)]),
    ("https://openreview.net/forum?id=SkT5Yg-RZ%20(ICLR)", [(SK, None)]),
]


@pytest.mark.parametrize(("url", "expected"), PAPER_URLS)
def test_match_url_paper_forms(url: str, expected: list[tuple[str, str | None]]) -> None:
    assert match_url(url) == expected


NOT_PAPER_URLS = [
    # listings, searches, authors, help and service pages
    "https://arxiv.org/list/cs.LG/recent",
    "https://arxiv.org/list/hep-th/9901",
    "https://arxiv.org/archive/cs",
    "https://arxiv.org/a/smith_j_1",
    "https://arxiv.org/a/smith_j_1.html",
    "https://arxiv.org/find/cs/1/au:+Smith_J/0/1/0/all/0/1",
    "https://arxiv.org/search/?query=attention&searchtype=all",
    "https://arxiv.org/search/cs?query=2504.19162",
    "https://arxiv.org/catchup",
    "https://arxiv.org/help/api/index",
    "https://arxiv.org/terms/",
    "http://arxiv.org/schemas/atom",
    "https://arxiv.org/sword-app/servicedocument",
    "https://arxiv.org/resolve/app/2504.19162",
    "https://info.arxiv.org/help/arxiv_identifier.html",
    "https://info.arxiv.org/abs/2504.19162",
    "https://rss.arxiv.org/rss/cs.LG",
    "https://arxiv.org/",
    "https://arxiv.org/abs/",
    "https://arxiv.org/abs/hep-th",  # an archive
    # invalid or truncated ids
    "https://arxiv.org/abs/2405.123",
    "https://arxiv.org/abs/math/12",
    "https://arxiv.org/abs/1412.06980",
    "https://arxiv.org/abs/2504.1916",
    "https://arxiv.org/abs/2513.12345",
    "https://arxiv.org/abs/2504.00000",
    "https://arxiv.org/abs/1706.03762v0",
    "https://arxiv.org/abs/1706.03762abc",
    "https://arxiv.org/abs/foo-bar/9901001",
    # the API without id_list is a search
    "http://export.arxiv.org/api/query?search_query=all:electron&start=0&max_results=10",
    "http://export.arxiv.org/api/query?id_list=",
    # DOIs that are not arXiv DOIs, or not on a DOI host
    "https://doi.org/10.1145/3292500.3330701",
    "https://doi.org/10.48550/arXiv.2405.123",
    # alphaxiv paths that only look like ids
    "https://www.alphaxiv.org/abs/2504.overview",
    "https://www.alphaxiv.org/explore",
    # other hosts: badges, paperswithcode, conference pages, redirects
    "https://img.shields.io/badge/arXiv-2504.19162-b31b1b.svg",
    "https://img.shields.io/badge/arXiv-2504.19162-b31b1b.svg?style=flat",
    "https://paperswithcode.com/paper/attention-is-all-you-need",
    "https://iclr.cc/virtual/2018/poster/123",
    "https://iclr.cc/virtual_2020/poster_SkT5Yg-RZ.html",
    "https://example.com/redirect?to=https://arxiv.org/abs/1706.03762",
    "https://github.com/user/repo/blob/main/arxiv.org/abs/1706.03762",
    "https://notarxiv.org/abs/1706.03762",
    "https://huggingface.co/models",
    "https://huggingface.co/datasets/papers/2504.19162",
    "https://www.semanticscholar.org/paper/abc123",
    # OpenReview pages that are not a paper
    "https://openreview.net/group?id=NeurIPS.cc/2023/Conference",
    "https://openreview.net/profile?id=~First_Last1",
    "https://openreview.net/references/pdf?id=BkxRvL0zS",
    "https://openreview.net/pdf/7f0eaa94f7e5c3a1d8e2ab36f2b5c3c8a4d1e2f3.pdf",
    "https://openreview.net/notes/edits/attachment?id=AbCdEfGhIj&name=pdf",
    "https://openreview.net/forum?id=",
    "https://openreview.net/forum?id=O4cHT",  # truncated
    "https://openreview.net/forum?id=ICLR.cc/2024/Conference",
    "https://openreview.net/forum",
    "https://openreview.net/",
    # not URLs at all
    "",
    "   ",
    "arXiv:1706.03762",
    "mailto:help@arxiv.org",
    "#heading",
    "Some Note.md",
]


@pytest.mark.parametrize("url", NOT_PAPER_URLS)
def test_match_url_rejects(url: str) -> None:
    assert match_url(url) == []


# -- text mentions ---------------------------------------------------------------------------

MENTIONS = [
    # (text, [(matched text, id, version)])
    ("arXiv:2504.19162", [("arXiv:2504.19162", AZ, None)]),
    ("see arXiv:1706.03762v5.", [("arXiv:1706.03762v5", ATTN, "v5")]),
    ("arXiv: 1706.03762", [("arXiv: 1706.03762", ATTN, None)]),
    ("arxiv:1706.03762", [("arxiv:1706.03762", ATTN, None)]),
    ("ARXIV:1706.03762", [("ARXIV:1706.03762", ATTN, None)]),
    ("on arXiv 1706.03762 today", [("arXiv 1706.03762", ATTN, None)]),
    ("arXiv ID: 1706.03762", [("arXiv ID: 1706.03762", ATTN, None)]),
    ("arXiv id 1706.03762", [("arXiv id 1706.03762", ATTN, None)]),
    ("superseded by arxiv2103.03386!", [("arxiv2103.03386", "arxiv:2103.03386", None)]),
    ("arXiv：2504.19162。", [("arXiv：2504.19162", AZ, None)]),  # full-width colon and stop
    ("（arXiv:2504.19162）", [("arXiv:2504.19162", AZ, None)]),
    ("(arXiv:2504.19162), next", [("arXiv:2504.19162", AZ, None)]),
    ("arXiv:2504.19162;", [("arXiv:2504.19162", AZ, None)]),
    ("arXiv:hep-th/9901001v2", [("arXiv:hep-th/9901001v2", HEP, "v2")]),
    ("arXiv:math.GT/0309136", [("arXiv:math.GT/0309136", GT, None)]),
    ("arXiv preprint arXiv:1706.03762 [cs.CL]", [("arXiv:1706.03762", ATTN, None)]),
    ("**arXiv:1706.03762**", [("arXiv:1706.03762", ATTN, None)]),
    ("arXiv:\n1706.03762", [("arXiv:\n1706.03762", ATTN, None)]),
    (
        "arXiv:1706.03762 and arXiv:2504.19162",
        [("arXiv:1706.03762", ATTN, None), ("arXiv:2504.19162", AZ, None)],
    ),
    # DOIs
    ("doi:10.48550/arXiv.2504.19162", [("doi:10.48550/arXiv.2504.19162", AZ, None)]),
    ("DOI: 10.48550/ARXIV.2504.19162.", [("DOI: 10.48550/ARXIV.2504.19162", AZ, None)]),
    ("(10.48550/arXiv.1706.03762)", [("10.48550/arXiv.1706.03762", ATTN, None)]),
    # host forms without a scheme
    ("arxiv.org/abs/1706.03762", [("arxiv.org/abs/1706.03762", ATTN, None)]),
    ("(see arxiv.org/abs/1706.03762).", [("arxiv.org/abs/1706.03762", ATTN, None)]),
    ("www.arxiv.org/pdf/1706.03762v2.pdf,", [("www.arxiv.org/pdf/1706.03762v2.pdf", ATTN, "v2")]),
    ("export.arxiv.org/abs/1706.03762", [("export.arxiv.org/abs/1706.03762", ATTN, None)]),
    ("doi.org/10.48550/arXiv.1706.03762", [("doi.org/10.48550/arXiv.1706.03762", ATTN, None)]),
    ("hf.co/papers/2504.19162", [("hf.co/papers/2504.19162", AZ, None)]),
    (
        "openreview.net/forum?id=SkT5Yg-RZ.",
        [("openreview.net/forum?id=SkT5Yg-RZ", SK, None)],
    ),
    (
        "openreview.net/forum?id=Hyg0vbWC-",
        [("openreview.net/forum?id=Hyg0vbWC-", "openreview:Hyg0vbWC-", None)],
    ),
    ("arxiv.org/abs/2504.19162。次", [("arxiv.org/abs/2504.19162", AZ, None)]),
]


@pytest.mark.parametrize(("text", "expected"), MENTIONS)
def test_find_mentions(text: str, expected: list[tuple[str, str, str | None]]) -> None:
    found = find_mentions(text)
    assert [(text[start:end], id_, version) for start, end, id_, version in found] == expected


NOT_MENTIONS = [
    "1706.03762",  # a bare id: never without a marker
    "version 2504.19162 of the tool",
    "pages 1412.6980",
    "cs/0112017",
    "hep-th/9901001",
    "<arxiv:primary_category term='cs.LG'/>",
    "<arxiv:comment>12 pages</arxiv:comment>",
    "<arxiv:journal_ref>JHEP 01 (1999) 001</arxiv:journal_ref>",
    'xmlns:arxiv="http://arxiv.org/schemas/atom"',
    "arxiv:doi, arxiv:affiliation",
    "in arXiv, a popular pre-prints database",
    "arXiv 2020 was a good year",
    "on arXiv.org",
    "arXiv:2405.123",  # truncated
    "arXiv:1412.06980",  # 5 digits before 2015
    "arXiv:2504.1916",  # the YAML float
    "arXiv:2513.12345",
    "arXiv:1706.03762v0",
    "arXiv-2504.19162",  # badge-style
    "myarxiv:1706.03762",
    "arxiv_id 1706.03762",
    "arxiv.org/list/cs.LG/recent",
    "arxiv.org/a/smith_j_1",
    "openreview.net/group?id=NeurIPS.cc/2023/Conference",
    "openreview.net/profile?id=~First_Last1",
    "img.shields.io/badge/arXiv-2504.19162-b31b1b.svg",
    "10.1145/3292500.3330701",
    "10.48550/arXiv.2405.123",
    # URLs with a scheme are match_url's: nothing inside one is a mention
    "https://arxiv.org/abs/1706.03762",
    "https://api.semanticscholar.org/graph/v1/paper/arXiv:1706.03762",
    "https://doi.org/10.48550/arXiv.2504.19162",
    "",
]


@pytest.mark.parametrize("text", NOT_MENTIONS)
def test_find_mentions_rejects(text: str) -> None:
    assert find_mentions(text) == []


def test_scan_text_finds_urls_and_mentions_in_order() -> None:
    html = (
        '<td><a href="https://arxiv.org/abs/1706.03762v5">arXiv:2504.19162</a></td>'
        '<img src="https://img.shields.io/badge/arXiv-2504.19162-b31b1b.svg">'
        "<a href='https://openreview.net/forum?id=SkT5Yg-RZ&amp;noteId=x'>r</a>"
    )
    found = scan_text(html)
    assert [(html[s:e], i, v) for s, e, i, v in found] == [
        ("https://arxiv.org/abs/1706.03762v5", ATTN, "v5"),
        ("arXiv:2504.19162", AZ, None),
        ("https://openreview.net/forum?id=SkT5Yg-RZ&amp;noteId=x", SK, None),
    ]


def test_scan_text_trims_trailing_punctuation_of_urls() -> None:
    text = "See https://arxiv.org/abs/1706.03762)."
    [(start, end, id_, _)] = scan_text(text)
    assert (text[start:end], id_) == ("https://arxiv.org/abs/1706.03762", ATTN)


# -- frontmatter (identifiers.md §3) ------------------------------------------------------------

FRONTMATTER = [
    ({"arxiv": "2504.19160"}, [("arxiv:2504.19160", None, "arxiv")]),
    ({"arxiv": "2401.00010v2"}, [("arxiv:2401.00010", "v2", "arxiv")]),
    ({"arXiv": "arXiv:1706.03762"}, [(ATTN, None, "arXiv")]),
    ({"arxiv": "https://arxiv.org/abs/1706.03762v5"}, [(ATTN, "v5", "arxiv")]),
    ({"arxiv": "hep-th/9901001"}, [(HEP, None, "arxiv")]),
    ({"arxiv_id": "1706.03762"}, [(ATTN, None, "arxiv_id")]),
    ({"paper id": "1706.03762"}, [(ATTN, None, "paper id")]),
    ({"Paper-ID": "1706.03762"}, [(ATTN, None, "Paper-ID")]),
    ({"openreview": "SkT5Yg-RZ"}, [(SK, None, "openreview")]),
    ({"openreview": "https://openreview.net/forum?id=SkT5Yg-RZ"}, [(SK, None, "openreview")]),
    ({"openreview": "https://arxiv.org/abs/1706.03762"}, []),  # wrong scheme for the key
    ({"doi": "10.48550/arXiv.2504.19162"}, [(AZ, None, "doi")]),
    ({"DOI": "10.48550/ARXIV.2504.19162"}, [(AZ, None, "DOI")]),
    ({"doi": "https://doi.org/10.48550/arXiv.2504.19162"}, [(AZ, None, "doi")]),
    ({"doi": "10.1145/3292500.3330701"}, []),
    ({"eprint": "1706.03762", "eprinttype": "arxiv"}, [(ATTN, None, "eprint")]),
    ({"eprint": "1706.03762", "eprinttype": "arXiv"}, [(ATTN, None, "eprint")]),
    ({"eprint": "1706.03762", "archivePrefix": "arXiv"}, [(ATTN, None, "eprint")]),
    ({"eprint": "1706.03762"}, []),  # no eprint type: a bare number is not enough
    ({"eprint": "arXiv:1706.03762"}, [(ATTN, None, "eprint")]),
    ({"eprint": "1706.03762", "eprinttype": "hal"}, []),
    ({"archiveID": "arXiv:1706.03762"}, [(ATTN, None, "archiveID")]),
    ({"url": "https://arxiv.org/abs/1706.03762"}, [(ATTN, None, "url")]),
    ({"URL": "http://arxiv.org/pdf/1706.03762v5.pdf"}, [(ATTN, "v5", "URL")]),
    ({"link": "https://openreview.net/pdf?id=SkT5Yg-RZ"}, [(SK, None, "link")]),
    ({"source": "https://huggingface.co/papers/2504.19162"}, [(AZ, None, "source")]),
    ({"pdf": "arxiv.org/pdf/2504.19162"}, [(AZ, None, "pdf")]),
    ({"paper": "[Attention](https://arxiv.org/abs/1706.03762)"}, [(ATTN, None, "paper")]),
    ({"source_url": "https://arxiv.org/abs/1706.03762"}, [(ATTN, None, "source_url")]),
    ({"abs_url": "https://arxiv.org/abs/1706.03762"}, [(ATTN, None, "abs_url")]),
    ({"url": "https://example.com/blog"}, []),
    ({"url": "https://arxiv.org/list/cs.LG/recent"}, []),
    ({"source": "[[Attention Is All You Need]]"}, []),
    ({"title": "arXiv:1706.03762"}, []),  # not an id key
    ({"tags": ["arxiv", "1706.03762"]}, []),
    ({"arxiv": ""}, []),
    ({"arxiv": "2504.1916"}, []),  # what a YAML 1.1 loader makes of 2504.19160
    ({"arxiv": ["1706.03762", "2504.19162"]}, [(ATTN, None, "arxiv"), (AZ, None, "arxiv")]),
    ({"arxiv": {"id": "1706.03762"}}, []),
    # one paper, two ids
    (
        {"arxiv": "1706.03762", "openreview": "SkT5Yg-RZ"},
        [(ATTN, None, "arxiv"), (SK, None, "openreview")],
    ),
    # the same id under two keys: one entry, first key, a version from anywhere
    (
        {"arxiv": "1706.03762", "url": "https://arxiv.org/abs/1706.03762v5"},
        [(ATTN, "v5", "arxiv")],
    ),
]


@pytest.mark.parametrize(("frontmatter", "expected"), FRONTMATTER)
def test_papers_from_frontmatter(
    frontmatter: dict[str, object], expected: list[tuple[str, str | None, str]]
) -> None:
    assert papers_from_frontmatter(frontmatter) == expected


# -- extract(): the note parser drives the matchers ----------------------------------------------


Extract = Callable[[str], list[Citation]]


@pytest.fixture
def extract() -> Extract:
    pytest.importorskip("papervault.parse", reason="the note parser (parse.py) is not there yet")
    from papervault.citations import extract

    return extract


NOTE = """---
arxiv: 1706.03762
url: https://arxiv.org/abs/1706.03762
---
# Notes

[![arXiv](https://img.shields.io/badge/arXiv-2504.19162-b31b1b.svg)](https://arxiv.org/abs/2504.19162)
[https://arxiv.org/abs/1706.03762](https://arxiv.org/abs/1706.03762v5) and arXiv:1810.04805v2.
`arXiv:1412.6980` is an example; so is

    https://openreview.net/forum?id=SkT5Yg-RZ

%% https://arxiv.org/abs/1502.03167 %%
<!-- https://arxiv.org/abs/1312.6114 -->
## More
Found at arxiv.org/abs/2106.09685.
"""


def test_extract_finds_each_reference_once_with_positions(extract: Extract) -> None:
    found = [(c.id, c.version, c.line, c.column, c.text, c.section) for c in extract(NOTE)]
    assert found == [
        (AZ, None, 7, 70, "https://arxiv.org/abs/2504.19162", "Notes"),  # the badge adds nothing
        (ATTN, "v5", 8, 36, "https://arxiv.org/abs/1706.03762v5", "Notes"),  # text = URL: once
        ("arxiv:1810.04805", "v2", 8, 76, "arXiv:1810.04805v2", "Notes"),
        ("arxiv:2106.09685", None, 16, 10, "arxiv.org/abs/2106.09685", "More"),
    ]


def test_extract_citation_text_is_the_source_text(extract: Extract) -> None:
    lines = NOTE.split("\n")
    for citation in extract(NOTE):
        line = lines[citation.line - 1]
        assert line[citation.column - 1 :].startswith(citation.text)


def test_extract_keeps_note_id_query_verbatim(extract: Extract) -> None:
    text = "x\n- see https://openreview.net/forum?id=SkT5Yg-RZ&noteId=x, then more\n"
    [citation] = extract(text)
    assert (citation.id, citation.line, citation.column) == (SK, 2, 7)
    assert citation.text == "https://openreview.net/forum?id=SkT5Yg-RZ&noteId=x"


def test_extract_reads_mentions_in_raw_html_text(extract: Extract) -> None:
    assert [c.id for c in extract("<table>\n<tr><td>arXiv:1810.04805</td></tr>\n</table>\n")] == [
        "arxiv:1810.04805"
    ]


def test_extract_reads_a_mention_across_a_line_break(extract: Extract) -> None:
    assert [c.id for c in extract("cited as arXiv:\n1706.03762 here\n")] == [ATTN]
