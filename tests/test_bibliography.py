"""``vault papers`` output as a library: rows, citation keys, and BibTeX that real parsers
read back field for field (bibtexparser, and pybtex, which parses like BibTeX itself)."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from pathlib import Path

import bibtexparser
import pybtex.database
import pytest
from bibtexparser.middlewares.names import split_multiple_persons_names
from hypothesis import given, settings
from hypothesis import strategies as st
from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db

from papervault import load_vault
from papervault.bibliography import (
    FORMATS,
    PaperRow,
    _split_punctuation,
    base_key,
    bibtex_entry,
    bibtex_escape,
    citation_keys,
    format_bibtex,
    paper_rows,
    render,
    split_authors,
    summary,
)
from papervault.model import Vault
from papervault.papers import PaperIndex, index_papers
from tests.conftest import EXAMPLE_VAULT, VAULT_NAMES, shared_vault, write_vault

# -- decoding BibTeX values the way a reference manager does ---------------------------------

_LATEX = get_default_latex_context_db()
_LATEX.add_context_category(
    "text-escapes",
    prepend=True,
    macros=[
        MacroTextSpec("textbraceleft", "{"),
        MacroTextSpec("textbraceright", "}"),
        MacroTextSpec("textasciicircum", "^"),
        MacroTextSpec("textasciitilde", "~"),
        MacroTextSpec("textbackslash", "\\"),
    ],
)
_DECODER = LatexNodes2Text(latex_context=_LATEX, math_mode="verbatim")


def decode(value: str) -> str:
    """A BibTeX value as text: escapes undone, case-protecting braces dropped."""
    return _DECODER.latex_to_text(value)


def parse_back(text: str) -> dict[str, dict[str, str]]:
    """Parse with bibtexparser and with pybtex, which fails where BibTeX would (an escaped
    brace still counts as a brace, for one); both must read every block, and the same
    values. Returns {key: {field: raw value}}."""
    library = bibtexparser.parse_string(text)
    assert library.failed_blocks == []
    assert [b for b in library.blocks if not isinstance(b, bibtexparser.model.Entry)] == []
    entries = {entry.key: {f.key: f.value for f in entry.fields} for entry in library.entries}
    assert len(entries) == len(library.entries), "duplicate keys"
    strict = pybtex.database.parse_string(text, "bibtex").entries
    assert sorted(strict) == sorted(entries)
    for key, fields in entries.items():
        assert dict(strict[key].fields.items()) == {k: v for k, v in fields.items() if k != "author"}
        names = split_multiple_persons_names(fields.get("author", ""))
        assert len(strict[key].persons.get("author", ())) == len(names)
    return entries


def load(root: Path) -> tuple[Vault, PaperIndex]:
    vault = load_vault(root, use_cache=False)
    return vault, index_papers(vault)


def rows_of(root: Path, **filters: object) -> list[PaperRow]:
    vault, index = load(root)
    return paper_rows(index, vault, **filters)  # type: ignore[arg-type]


# -- escaping ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("Plain title", "Plain title"),
        ("50% of R&D", r"50\% of R\&D"),
        ("C# and F#", r"C\# and F\#"),
        ("snake_case", r"snake\_case"),
        ("$5 models", r"\$5 models"),
        ("$\\alpha$-divergence", r"\$\textbackslash{}alpha\$-divergence"),
        ("a {b} c", r"a \textbraceleft{}b\textbraceright{} c"),
        ("unbalanced } {", r"unbalanced \textbraceright{} \textbraceleft{}"),
        ("x^2 ~ y", r"x\textasciicircum{}2 \textasciitilde{} y"),
        ("Rocktäschel, naïve, 日本語", "Rocktäschel, naïve, 日本語"),
        ("two\n  lines\tand tabs", "two lines and tabs"),
    ],
)
def test_bibtex_escape(text: str, escaped: str) -> None:
    assert bibtex_escape(text) == escaped
    assert decode(escaped) == " ".join(text.split())


# characters with a LaTeX ligature or quote meaning (--, ``, '', ?`, !`) are left out: they
# are typography, written as the user meant them, not escapes
TEXT = st.text(
    alphabet=st.one_of(
        st.characters(categories=["L", "N"]),
        st.sampled_from(' \\{}%&#_$~^.,:;()[]/@+=*!?"|'),
    ),
    max_size=40,
)


@settings(max_examples=150, deadline=None)
@given(TEXT)
def test_escaped_text_decodes_back(text: str) -> None:
    entry = f"@misc{{k,\n  title = {{{bibtex_escape(text)}}}\n}}\n"
    (fields,) = parse_back(entry).values()
    assert decode(fields["title"]) == " ".join(text.split())


#: the pattern ``_split_punctuation`` replaced (quadratic on a long punctuation word)
OLD_WORD_CORE = re.compile(r"(\W*)(.*?)(\W*)", re.S)


@settings(max_examples=400, deadline=None)
@given(
    st.text(
        alphabet=st.one_of(
            st.sampled_from("!._-{}\\\n\t\u00a0\u2028aB1_é²ⅷ"),
            st.characters(codec="utf-8"),
        ),
        max_size=30,
    )
)
def test_split_punctuation_agrees_with_the_regex_it_replaced(word: str) -> None:
    assert _split_punctuation(word) == OLD_WORD_CORE.fullmatch(word).groups()  # type: ignore[union-attr]


# -- authors and keys --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "names"),
    [
        ("Andrew Zhao", ["Andrew Zhao"]),
        ("Zhao, Andrew", ["Zhao, Andrew"]),
        ("Andrew Zhao and Yiran Wu", ["Andrew Zhao", "Yiran Wu"]),
        ("Andrew Zhao, Yiran Wu, Yang Yue", ["Andrew Zhao", "Yiran Wu", "Yang Yue"]),
        ("Zhao, A.; Wu, Y.", ["Zhao, A.", "Wu, Y."]),
        ("Andrew Zhao & Yiran Wu", ["Andrew Zhao", "Yiran Wu"]),
        ("Zhao et al.", ["Zhao", "others"]),
        ("Andrew Zhao, Yiran Wu et al", ["Andrew Zhao", "Yiran Wu", "others"]),
        ("[[Andrew Zhao]], [[people/Yiran Wu|Wu]]", ["Andrew Zhao", "Yiran Wu"]),
        ("Zhao and others", ["Zhao", "others"]),
        ("et al.", []),
        ("", []),
    ],
)
def test_split_authors(value: str, names: list[str]) -> None:
    assert split_authors(value) == names


@pytest.mark.parametrize(
    ("yaml", "names"),
    [
        ("[Andrew Zhao, Yiran Wu]", ("Andrew Zhao", "Yiran Wu")),
        ("[Andrew Zhao, et al.]", ("Andrew Zhao", "others")),
        ("[others, Andrew Zhao]", ("Andrew Zhao", "others")),  # BibTeX needs 'others' last
        ("[Andrew Zhao et al.]", ("Andrew Zhao", "others")),
        ("['[[Andrew Zhao]]', '  ']", ("Andrew Zhao",)),
        ("Andrew Zhao and Yiran Wu", ("Andrew Zhao", "Yiran Wu")),
        ("{name: Andrew Zhao}", ()),
    ],
)
def test_authors_from_frontmatter(tmp_path: Path, yaml: str, names: tuple[str, ...]) -> None:
    (paper,) = rows_of(write_vault(tmp_path, {"p.md": f'---\narxiv: "2505.03335"\nauthors: {yaml}\n---\n'}))
    assert paper.authors == names


def row(**fields: object) -> PaperRow:
    values: dict[str, object] = {
        "id": "arxiv:2505.03335",
        "ids": ("arxiv:2505.03335",),
        "key": "",
        "versions": (),
        "note": None,
        "described_by": (),
        "cited_by": {},
    }
    values.update(fields)
    return PaperRow(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("fields", "key"),
    [
        (
            {"authors": ("Andrew Zhao", "Yiran Wu"), "year": "2025", "title": "Absolute Zero"},
            "zhao2025absolute",
        ),
        ({"authors": ("Zhao, Andrew",), "year": "2025", "title": "Absolute Zero"}, "zhao2025absolute"),
        ({"authors": ("Tim Rocktäschel",), "year": "2024", "title": "Über alles"}, "rocktaschel2024uber"),
        ({"authors": ("Martin Luther King Jr.",), "year": "1963", "title": "A Dream"}, "king1963dream"),
        ({"authors": ("Łukasz Kaiser",), "year": "2017", "title": "On the Attention"}, "kaiser2017attention"),
        ({"authors": ("Ada Lovelace",), "title": "Notes"}, "lovelacenotes"),  # no year
        ({"authors": ("Ada Lovelace",), "year": "1843", "title": "The A"}, "lovelace1843the"),
        ({"authors": ("Ada Lovelace",), "year": "1843", "title": "(When) Is It?"}, "lovelace1843when"),
        ({"authors": ("others",), "title": "X"}, "arxiv_2505_03335"),
        ({"authors": ("李四",), "title": "X"}, "arxiv_2505_03335"),  # no ASCII surname: the id
        ({"title": "Absolute Zero", "year": "2025"}, "arxiv_2505_03335"),
        ({"id": "arxiv:hep-th/9711200", "ids": ("arxiv:hep-th/9711200",)}, "arxiv_hep-th_9711200"),
        ({"id": "openreview:SkT5Yg-RZ", "ids": ("openreview:SkT5Yg-RZ",)}, "openreview_SkT5Yg-RZ"),
    ],
)
def test_base_key(fields: dict[str, object], key: str) -> None:
    assert base_key(row(**fields)) == key


def paper_note(arxiv: str, title: str, authors: str = "Ada Lovelace", year: str = "2020") -> str:
    return f'---\ntitle: "{title}"\narxiv: "{arxiv}"\nauthors: [{authors}]\nyear: "{year}"\n---\n'


def test_colliding_keys_get_letters_in_id_order(tmp_path: Path) -> None:
    vault, index = load(
        write_vault(
            tmp_path,
            {
                "p3.md": paper_note("2001.00003", "Engines"),
                "p1.md": paper_note("2001.00001", "Engines"),
                "p2.md": paper_note("2001.00002", "Engines again"),
                "q.md": paper_note("2001.00004", "Ab"),  # its key is what a suffix would make
                "r1.md": paper_note("2001.00005", "A"),
                "r2.md": paper_note("2001.00006", "A"),
            },
        )
    )
    assert citation_keys(index, vault) == {
        "arxiv:2001.00001": "lovelace2020engines",
        "arxiv:2001.00002": "lovelace2020enginesb",
        "arxiv:2001.00003": "lovelace2020enginesc",
        "arxiv:2001.00004": "lovelace2020ab",
        "arxiv:2001.00005": "lovelace2020a",
        "arxiv:2001.00006": "lovelace2020ac",  # 'ab' is taken
    }


def test_keys_differing_only_in_case_are_a_collision(tmp_path: Path) -> None:
    # BibTeX compares keys case-insensitively; OpenReview ids do not
    vault, index = load(
        write_vault(
            tmp_path, {"a.md": "openreview.net/forum?id=abcDEF1234 openreview.net/forum?id=ABCdef1234"}
        )
    )
    assert citation_keys(index, vault) == {
        "openreview:ABCdef1234": "openreview_ABCdef1234",
        "openreview:abcDEF1234": "openreview_abcDEF1234b",
    }


def test_keys_do_not_depend_on_filters_or_runs(tmp_path: Path) -> None:
    root = write_vault(
        tmp_path,
        {
            "p1.md": paper_note("2001.00001", "Engines"),
            "p2.md": paper_note("2001.00002", "Engines"),
            "reader.md": "arXiv:2001.00002 and arXiv:1706.03762",
        },
    )
    everything = {r.id: r.key for r in rows_of(root)}
    assert everything["arxiv:2001.00002"] == "lovelace2020enginesb"
    for filtered in (rows_of(root, missing=True), rows_of(root, cited_by="reader.md")):
        assert filtered and all(everything[r.id] == r.key for r in filtered)
    assert {r.id: r.key for r in rows_of(root)} == everything


metadata = st.fixed_dictionaries(
    {
        "title": st.sampled_from(["Engines", "The Engines", "A", "LLMs at scale", "Über"]),
        "authors": st.sampled_from(["Ada Lovelace", "Lovelace, Ada", "Charles Babbage", "李四"]),
        "year": st.sampled_from(["2020", "2021"]),
    }
)


@settings(max_examples=25, deadline=None)
@given(st.lists(metadata, min_size=1, max_size=12))
def test_keys_are_unique_and_well_formed(tmp_path_factory, papers: list[dict[str, str]]) -> None:
    root = tmp_path_factory.mktemp("vault")
    files = {
        f"p{i}.md": paper_note(f"2001.{i + 1:05d}", p["title"], p["authors"], p["year"])
        for i, p in enumerate(papers)
    }
    vault, index = load(write_vault(root, files))
    keys = citation_keys(index, vault)
    assert len(keys) == len(papers)
    assert len({k.casefold() for k in keys.values()}) == len(keys)
    for paper_id, key in keys.items():
        assert re.fullmatch(r"[A-Za-z0-9_-]+", key)
        assert key.startswith(base_key(next(r for r in paper_rows(index, vault) if r.id == paper_id)))
    assert parse_back(format_bibtex(paper_rows(index, vault))).keys() == set(keys.values())


# -- rows --------------------------------------------------------------------------------------


def test_example_vault_rows() -> None:
    rows = rows_of(EXAMPLE_VAULT)
    assert [(r.id, r.count, r.note) for r in rows] == [
        ("arxiv:2504.19162", 1, None),
        ("openreview:O4cHTxW9BS", 1, None),
        ("openreview:SkT5Yg-RZ", 1, "papers/Unsupervised environment design (SkT5Yg-RZ).md"),
        ("arxiv:2411.12580", 0, "papers/Procedural Knowledge in Pretraining.md"),
        ("arxiv:2505.03335", 0, "papers/Absolute Zero.md"),
    ]
    zhao = rows[-1]
    assert zhao.key == "zhao2025absolute"
    assert zhao.title == "Absolute Zero: Reinforced Self-play Reasoning with Zero Data"
    assert zhao.authors[0] == "Andrew Zhao" and len(zhao.authors) == 10
    assert zhao.year == "2025"
    assert rows[0].cited_by == {"paper-summaries.md": (14,)}
    assert rows[0].year == "2025"  # from the id, with no note
    assert [r.id for r in rows_of(EXAMPLE_VAULT, missing=True)] == [
        "arxiv:2504.19162",
        "openreview:O4cHTxW9BS",
    ]
    assert [r.id for r in rows_of(EXAMPLE_VAULT, cited_by="paper-summaries.md")] == [
        "arxiv:2504.19162",
        "openreview:O4cHTxW9BS",
        "openreview:SkT5Yg-RZ",
    ]
    assert rows_of(EXAMPLE_VAULT, cited_by="papers/Absolute Zero.md") == []
    assert summary(rows) == "5 papers: 3 cited, 2 of them without a paper note"


def test_missing_and_cited_by_together(tmp_path: Path) -> None:
    root = write_vault(
        tmp_path,
        {
            "a.md": "arXiv:2504.19162 arXiv:1706.03762 arXiv:1412.6980",
            "b.md": "arXiv:1706.03762",
            "Adam.md": '---\narxiv: "1412.6980"\n---\n',
        },
    )
    assert [r.id for r in rows_of(root, missing=True, cited_by="a.md")] == [
        "arxiv:1706.03762",
        "arxiv:2504.19162",
    ]
    assert [r.id for r in rows_of(root, missing=True, cited_by="b.md")] == ["arxiv:1706.03762"]


@pytest.mark.parametrize(
    ("frontmatter", "expected"),
    [
        ('year: "2019"\ndate: 2024-01-01', "2019"),
        ("year: 2019", "2019"),
        ("date: 2024-01-01", "2025"),  # the arXiv id before a date that may be the note's own
        ("published: 2025-05", "2025"),
    ],
)
def test_year_sources(tmp_path: Path, frontmatter: str, expected: str) -> None:
    (paper,) = rows_of(write_vault(tmp_path, {"p.md": f'---\narxiv: "2505.03335"\n{frontmatter}\n---\n'}))
    assert paper.year == expected


def test_year_of_an_openreview_paper_comes_from_its_date(tmp_path: Path) -> None:
    (paper,) = rows_of(write_vault(tmp_path, {"p.md": "---\nopenreview: SkT5Yg-RZ\ndate: 2018-02-15\n---\n"}))
    assert paper.year == "2018"


def test_old_style_ids_give_a_1990s_year(tmp_path: Path) -> None:
    (paper,) = rows_of(write_vault(tmp_path, {"a.md": "arXiv:hep-th/9711200"}))
    assert paper.year == "1997"


# -- BibTeX entries ----------------------------------------------------------------------------


def entry_for(tmp_path: Path, frontmatter: str, body: str = "") -> dict[str, str]:
    root = write_vault(tmp_path, {"paper.md": f"---\n{frontmatter}\n---\n", "reader.md": body})
    (parsed,) = parse_back(format_bibtex(rows_of(root))).values()
    return parsed


ZHAO_AUTHORS = ["Andrew Zhao", "Yiran Wu", "Yang Yue", "Tong Wu", "Quentin Xu", "Matthieu Lin",
                "Shenzhi Wang", "Qingyun Wu", "Zilong Zheng", "Gao Huang"]  # fmt: skip


def test_example_vault_bibtex_parses_back_field_for_field() -> None:
    rows = rows_of(EXAMPLE_VAULT)
    text = format_bibtex(rows)
    parsed = parse_back(text)
    entries = {row.key: bibtex_entry(row) for row in rows}
    assert set(parsed) == set(entries)
    for key, entry in entries.items():
        assert parsed[key] == dict(entry.fields)
    assert parsed["zhao2025absolute"] == {
        "title": "Absolute Zero: Reinforced Self-play Reasoning with Zero Data",
        "author": " and ".join(ZHAO_AUTHORS),
        "year": "2025",
        "eprint": "2505.03335",
        "archivePrefix": "arXiv",
        "doi": "10.48550/arXiv.2505.03335",
        "url": "https://arxiv.org/abs/2505.03335",
    }
    assert parsed["ruis2024procedural"]["note"] == "OpenReview: https://openreview.net/forum?id=1hQKHHUsMx"
    assert "Tim Rocktäschel" in parsed["ruis2024procedural"]["author"]  # UTF-8 kept
    assert parsed["openreview_SkT5Yg-RZ"]["url"] == "https://openreview.net/forum?id=SkT5Yg-RZ"
    assert parsed["openreview_SkT5Yg-RZ"]["howpublished"] == "OpenReview"
    assert (
        decode(parsed["openreview_SkT5Yg-RZ"]["title"])
        == "Unsupervised environment design (OpenReview SkT5Yg-RZ)"
    )
    assert decode(parsed["arxiv_2504_19162"]["title"]) == "arXiv:2504.19162"
    # entries run by key
    assert re.findall(r"^@\w+\{([^,]+),", text, re.M) == sorted(entries, key=str.casefold)


def test_pybtex_reads_the_same_entries_and_people() -> None:
    rows = rows_of(EXAMPLE_VAULT)
    data = pybtex.database.parse_string(format_bibtex(rows), "bibtex")
    assert sorted(data.entries) == sorted(r.key for r in rows)
    for r in rows:
        people = data.entries[r.key].persons.get("author", [])
        assert [" ".join(p.last_names) for p in people] == [name.split()[-1] for name in r.authors]
    assert data.entries["zhao2025absolute"].fields["eprint"] == "2505.03335"


def test_tricky_metadata_round_trips(tmp_path: Path) -> None:
    title = "LLMs & {agents}: 100% of $\\alpha$_tests #1 ~ ^ — naïve 日本語"
    fields = entry_for(
        tmp_path,
        "\n".join(
            [
                f"title: '{title}'",
                'arxiv: "2505.03335"',
                "authors:",
                "  - Ana María de la Cruz",
                "  - Research and Development Team",
                "  - '[[Tim Rocktäschel]]'",
                '  - "O\'Neil, Cathy"',
                "year: '2025'",
                "primaryclass: cs.LG",
            ]
        ),
    )
    assert decode(fields["title"]) == title
    assert fields["title"].startswith("{LLMs} \\& ")  # case kept for a style
    assert fields["author"] == (
        "Ana María de la Cruz and {Research and Development Team} and Tim Rocktäschel and O'Neil, Cathy"
    )
    assert fields["primaryClass"] == "cs.LG"
    data = pybtex.database.parse_string("@misc{k,\n  author = {" + fields["author"] + "}\n}\n", "bibtex")
    people = data.entries["k"].persons["author"]
    assert len(people) == 4
    assert people[3].last_names == ["O'Neil"] and people[3].first_names == ["Cathy"]


@pytest.mark.parametrize(
    ("frontmatter", "entry_type", "expected"),
    [
        ('arxiv: "2505.03335"\njournal: Nature', "article", {"journal": "Nature"}),
        ('arxiv: "2505.03335"\nvenue: ICLR 2025', "inproceedings", {"booktitle": "ICLR 2025"}),
        ('arxiv: "2505.03335"\nbooktitle: "NeurIPS"', "inproceedings", {"booktitle": "NeurIPS"}),
        ('arxiv: "2505.03335"\ndoi: 10.1145/3442188.3445922', "misc", {"doi": "10.1145/3442188.3445922"}),
        ('arxiv: "2505.03335"\ndoi: https://doi.org/10.1145/1', "misc", {"doi": "10.1145/1"}),
        ('arxiv: "2505.03335"\ndoi: 10.48550/arXiv.2505.03335', "misc", {"doi": "10.48550/arXiv.2505.03335"}),
        ('arxiv: "2505.03335"\nprimary_class: cs.LG', "misc", {"primaryClass": "cs.LG"}),
        ('arxiv: "2505.03335"\nprimaryclass: not a class', "misc", {"primaryClass": None}),
        (
            "openreview: SkT5Yg-RZ",
            "misc",
            {
                "howpublished": "OpenReview",
                "url": "https://openreview.net/forum?id=SkT5Yg-RZ",
                "eprint": None,
            },
        ),
        (
            "openreview: SkT5Yg-RZ\nvenue: ICLR 2018",
            "inproceedings",
            {
                "booktitle": "ICLR 2018",
                "howpublished": None,
                "url": "https://openreview.net/forum?id=SkT5Yg-RZ",
            },
        ),
        ('arxiv: "hep-th/9711200"', "misc", {"eprint": "hep-th/9711200", "year": "1997"}),
    ],
)
def test_entry_fields(
    tmp_path: Path, frontmatter: str, entry_type: str, expected: dict[str, str | None]
) -> None:
    (r,) = rows_of(write_vault(tmp_path, {"paper.md": f"---\n{frontmatter}\n---\n"}))
    entry = bibtex_entry(r)
    assert entry.type == entry_type
    fields = dict(entry.fields)
    for name, value in expected.items():
        assert fields.get(name) == value, name
    library = bibtexparser.parse_string(str(entry))
    assert library.failed_blocks == [] and library.entries[0].entry_type == entry_type


# -- other formats -----------------------------------------------------------------------------


def test_json_has_every_row_and_field() -> None:
    rows = rows_of(EXAMPLE_VAULT)
    records = json.loads(render(rows, "json"))
    assert [r["id"] for r in records] == [r.id for r in rows]
    first = records[0]
    assert first["cited_by"] == [{"note": "paper-summaries.md", "lines": [14]}]
    assert first["note"] is None and first["count"] == 1 and first["key"] == "arxiv_2504_19162"
    merged = next(r for r in records if r["key"] == "ruis2024procedural")
    assert merged["ids"] == ["arxiv:2411.12580", "openreview:1hQKHHUsMx"]
    assert merged["authors"][7] == "Tim Rocktäschel"


def test_csv_has_a_header_and_a_line_per_paper() -> None:
    rows = rows_of(EXAMPLE_VAULT)
    records = list(csv.DictReader(io.StringIO(render(rows, "csv"))))
    assert [r["id"] for r in records] == [r.id for r in rows]
    merged = next(r for r in records if r["key"] == "ruis2024procedural")
    assert merged["ids"] == "arxiv:2411.12580;openreview:1hQKHHUsMx"
    assert merged["count"] == "0" and merged["cited_by"] == ""
    assert records[2]["cited_by"] == "paper-summaries.md"


def test_text_lists_notes_with_lines(tmp_path: Path) -> None:
    root = write_vault(
        tmp_path,
        {
            "a.md": "arXiv:2504.19162v2\n\nand again https://arxiv.org/abs/2504.19162",
            "b.md": "arXiv:2504.19162",
            "p1.md": paper_note("2504.19162", "Self-play"),
            "p2.md": paper_note("2504.19162", "Self-play, again"),
        },
    )
    assert render(rows_of(root), "text") == (
        "arxiv:2504.19162  cited by 2 notes\n"
        "  versions  v2\n"
        "  title     Self-play\n"
        "  note      p1.md\n"
        "            p2.md\n"
        "  cited by  a.md:1,3\n"
        "            b.md:1\n"
    )


def test_every_format_renders_an_empty_list() -> None:
    assert [render([], fmt) for fmt in FORMATS] == ["", "[]\n", ",".join(
        ["key", "id", "ids", "versions", "title", "authors", "year", "note", "count", "cited_by"]
    ) + "\n", ""]  # fmt: skip


# -- the real vaults ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", VAULT_NAMES)
def test_real_vault_bibtex_parses_with_both_parsers(name: str) -> None:
    rows = rows_of(shared_vault(name))
    text = format_bibtex(rows)
    parsed = parse_back(text)
    assert len(parsed) == len(rows)
    for r in rows:
        assert parsed[r.key] == dict(bibtex_entry(r).fields)
    assert len(pybtex.database.parse_string(text, "bibtex").entries) == len(rows)


# -- BibTeX itself (Debian package texlive-binaries; skipped without it) -----------------------

# A style that only reads: it writes each entry's key, title and authors (BibTeX's own name
# parsing, surname part) on lines of their own, so the test sees what BibTeX understood.
CHECK_STYLE = r"""
ENTRY { title author } {} {}
INTEGERS { n i }
FUNCTION {show}
{ "%%key " cite$ * write$ newline$
  "%%title " title * write$ newline$
  author empty$
    'skip$
    { author num.names$ 'n :=
      #1 'i :=
      { n i < { #0 } { #1 } if$ }
      { "%%author " author i "{vv~}{ll}" format.name$ * write$ newline$
        i #1 + 'i := }
      while$ }
  if$
}
FUNCTION {misc} { show }
FUNCTION {article} { show }
FUNCTION {inproceedings} { show }
FUNCTION {default.type} { show }
READ
ITERATE {show}
"""


def run_bibtex(folder: Path, bib: str) -> list[dict[str, list[str]]]:
    """Run BibTeX on ``bib``; it must finish without a warning. Returns, per entry, what
    the style wrote (BibTeX wraps long lines, so values are read with blanks collapsed)."""
    import os
    import subprocess

    (folder / "papers.bib").write_text(bib, encoding="utf-8")
    (folder / "check.bst").write_text(CHECK_STYLE, encoding="utf-8")
    (folder / "run.aux").write_text("\\citation{*}\n\\bibstyle{check}\n\\bibdata{papers}\n", encoding="utf-8")
    env = {**os.environ, "BSTINPUTS": str(folder), "BIBINPUTS": str(folder)}
    done = subprocess.run(["bibtex", "run"], cwd=folder, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout  # 1 is a warning, 2 an error
    records: list[dict[str, list[str]]] = []
    for chunk in re.split(r"^%%", (folder / "run.bbl").read_text(encoding="utf-8"), flags=re.M)[1:]:
        name, _, value = chunk.partition(" ")
        if name == "key":
            records.append({})
        records[-1].setdefault(name, []).append(" ".join(value.split()))
    return records


needs_bibtex = pytest.mark.skipif(shutil.which("bibtex") is None, reason="bibtex is not installed")


@needs_bibtex
@pytest.mark.parametrize("name", ["example", *VAULT_NAMES])
def test_bibtex_reads_every_entry(tmp_path: Path, name: str) -> None:
    rows = rows_of(EXAMPLE_VAULT if name == "example" else shared_vault(name))
    records = run_bibtex(tmp_path, format_bibtex(rows))
    by_key = {r["key"][0]: r for r in records}
    assert sorted(by_key) == sorted(r.key for r in rows)
    for r in rows:
        fields = dict(bibtex_entry(r).fields)
        assert by_key[r.key]["title"] == [" ".join(fields["title"].split())]
        assert by_key[r.key].get("author", []) == [n.split()[-1] for n in r.authors]


@needs_bibtex
def test_bibtex_reads_tricky_values(tmp_path: Path) -> None:
    title = "LLMs & {agents}: 100% of $\\alpha$_tests #1 ~ ^ — naïve 日本語"
    vault = write_vault(
        tmp_path / "vault",
        {
            "paper.md": "---\n"
            f"title: '{title}'\n"
            'arxiv: "2505.03335"\n'
            'authors: [Ana María de la Cruz, Research and Development Team, "O\'Neil, Cathy", Zhao et al.]\n'
            "---\n"
        },
    )
    (r,) = rows_of(vault)
    (record,) = run_bibtex(tmp_path, format_bibtex([r]))
    assert record["title"] == [dict(bibtex_entry(r).fields)["title"]]
    assert decode(record["title"][0]) == title
    assert record["author"] == ["de~la Cruz", "{Research and Development Team}", "O'Neil", "Zhao", "others"]
