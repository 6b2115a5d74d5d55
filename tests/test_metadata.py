"""The frontmatter fields a note's metadata is read from (issue 2): title, tags/tag,
aliases/alias, draft and publish, and what is left when the YAML is malformed."""

from __future__ import annotations

import pytest

from papervault.parse import parse_note, parse_text


@pytest.mark.parametrize(
    ("yaml", "tags", "codes"),
    [
        ("tags: [ml, rl/self-play]", ["ml", "rl/self-play"], []),
        ("tags:\n  - ml\n  - rl", ["ml", "rl"], []),
        ("tags: ml", ["ml"], []),
        ("tags: ml, rl", ["ml", "rl"], ["PV114"]),
        ("tags: ['#ml', rl]", ["ml", "rl"], ["PV115"]),
        ("tag: ml", ["ml"], ["PV113"]),
        ("tags: [ml, ml]", ["ml"], []),
        ("tags: [2024]", ["2024"], []),  # a number in YAML stays the string written
        ("tags:", [], []),
        ("tags: ''", [], []),
        ("tags: {a: b}", [], ["PV118"]),
        ("tags: [ml]\ntag: ignored", ["ml"], []),  # the plural key wins
    ],
)
def test_frontmatter_tags(yaml: str, tags: list[str], codes: list[str]) -> None:
    note = parse_text(f"---\n{yaml}\n---\nbody\n")
    assert [(t.name, t.source, t.line) for t in note.tags] == [(name, "frontmatter", 2) for name in tags]
    assert [d.code for d in note.diagnostics] == codes


@pytest.mark.parametrize(
    ("yaml", "aliases", "codes"),
    [
        ("aliases: [PPO, Proximal Policy Optimization]", ["PPO", "Proximal Policy Optimization"], []),
        ("aliases:\n  - PPO", ["PPO"], []),
        ("aliases: PPO", ["PPO"], []),
        ("aliases: PPO, Proximal", ["PPO", "Proximal"], ["PV114"]),
        ("alias: PPO", ["PPO"], ["PV113"]),
        ("aliases: ['#PPO']", ["#PPO"], []),  # only tags lose a leading '#'
    ],
)
def test_frontmatter_aliases(yaml: str, aliases: list[str], codes: list[str]) -> None:
    note = parse_text(f"---\n{yaml}\n---\nbody\n")
    assert list(note.aliases) == aliases
    assert [d.code for d in note.diagnostics] == codes


@pytest.mark.parametrize(
    ("yaml", "draft", "publish"),
    [
        ("", False, False),
        ("draft: true", True, False),
        ("publish: true", False, True),
        ("publish: 'true'", False, True),
        ("publish: false", False, False),
        ("draft: true\npublish: true", True, True),
    ],
)
def test_draft_and_publish(yaml: str, draft: bool, publish: bool) -> None:
    note = parse_text(f"---\ntitle: t\n{yaml}\n---\n")
    assert (note.draft, note.publish) == (draft, publish)


def test_other_fields_are_kept_as_written_strings() -> None:
    note = parse_text(
        "---\ndate: 2025-05-30\ncreated: 2025-05-30T10:00:00\nmodified: 2025-06-01\n"
        "permalink: az\ndescription: Self-play, no data.\n---\n"
    )
    assert note.frontmatter == {
        "date": "2025-05-30",
        "created": "2025-05-30T10:00:00",
        "modified": "2025-06-01",
        "permalink": "az",
        "description": "Self-play, no data.",
    }


@pytest.mark.parametrize(
    "data",
    [
        b"---\ntitle: [unclosed\ntags: [x]\n---\n# Head\nBody [[A]] #inline\n",
        b"\xef\xbb\xbf---\r\ntitle: [unclosed\r\ntags: [x]\r\n---\r\n# Head\r\nBody [[A]] #inline\r\n",
    ],
    ids=["lf", "bom-crlf"],
)
def test_malformed_yaml_leaves_empty_metadata_and_indexes_the_body(data: bytes) -> None:
    note = parse_note("notes/Broken Note.md", data)
    # line 3: where YAML finds the flow sequence opened on line 2 unclosed
    assert [(d.path, d.line, d.code) for d in note.diagnostics] == [("notes/Broken Note.md", 3, "PV110")]
    assert note.frontmatter == {}
    assert note.title == "Broken Note"
    assert [(t.name, t.source) for t in note.tags] == [("inline", "inline")]
    assert [(link.target, link.line) for link in note.links] == [("A", 6)]
    assert [(h.text, h.line) for h in note.headings] == [("Head", 5)]


@pytest.mark.parametrize(
    ("yaml", "expected"),
    [
        ("", (None, None, None, None, None)),
        ("date: 2024-05-01", ("2024-05-01", "2024-05-01", "2024-05-01", None, None)),
        ("created: 2024-01-02\ndate: 2024-05-01", ("2024-01-02", "2024-01-02", "2024-05-01", None, None)),
        ("date: 2024-05-01\nlastmod: 2024-06-01", ("2024-05-01", "2024-06-01", "2024-05-01", None, None)),
        ("updated: 2024-06-01", (None, "2024-06-01", None, None, None)),
        ("last-modified: 2024-06-02\nmodified: 2024-06-03", (None, "2024-06-03", None, None, None)),
        ("publishDate: 2024-07-01\ndate: 2024-05-01", ("2024-05-01", "2024-05-01", "2024-07-01", None, None)),
        ("description: One line.\npermalink: /papers/attn", (None, None, None, "One line.", "/papers/attn")),
        ("date: [2024]\ndescription: ''\npermalink: ''", (None, None, None, None, None)),
        ("created: ''\ndate: 2024-05-01", (None, None, "2024-05-01", None, None)),
        ("permalink: 2024", (None, None, None, None, "2024")),
    ],
    ids=[
        "none",
        "date-is-created-and-published",
        "created-beats-date",
        "lastmod",
        "updated",
        "modified-first",
        "publishDate-beats-date",
        "description-permalink",
        "unusable-values",
        "present-but-empty-wins-as-in-quartz",
        "permalink-as-resolution-reads-it",
    ],
)
def test_quartz_page_metadata(yaml: str, expected: tuple[str | None, ...]) -> None:
    """created/modified/published follow Quartz's key aliases: the first key present wins,
    even with no usable date (Quartz then takes git's); modified falls back to created.
    Values stay the strings written, as Quartz keeps them."""
    note = parse_text(f"---\n{yaml}\n---\nbody\n" if yaml else "body\n")
    assert (note.created, note.modified, note.published, note.description, note.permalink) == expected
