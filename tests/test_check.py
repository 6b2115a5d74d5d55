"""vault check: a fixture per rule, a clean fixture, formats, selection, baseline and --fix."""

from __future__ import annotations

import json
import os
import re
import shutil
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from papervault.check import Baseline, RuleSelection, fingerprint, run_check
from papervault.cli import main
from papervault.config import load_config
from papervault.errors import ConfigError
from papervault.model import Diagnostic
from papervault.pipeline import Analysis
from papervault.rules import RULES
from papervault.sync import sync_vault
from papervault.vault import load_vault
from tests.conftest import EXAMPLE_VAULT, SHARED_VAULTS, write_vault

CLEAN = {
    "index.md": "---\ntitle: Home\ntags: [home]\n---\n# Home\nSee [[paper]] and [[paper#Method]].\n",
    "paper.md": "---\narxiv: '2504.19162'\ntags: [paper]\n---\n# Method\nA paper. ^key\n",
}

# Each rule's fixture: files that trigger it, and how (check, or the sync that hits it).
RULE_FIXTURES: dict[str, tuple[str, dict[str, str | bytes]]] = {
    "PV101": ("check", {"locked.md": "secret", "a.md": "[[locked]]"}),  # made unreadable below
    "PV102": ("check", {"latin1.md": "caf\xe9".encode("latin-1")}),
    "PV103": ("check", {"binary.md": b"\x00\x01"}),
    "PV104": ("check", {"folder.md/inner.md": "x"}),
    "PV105": ("check", {"a.md": "x"}),  # a symlink out of the vault is added below
    "PV110": ("check", {"a.md": "---\ntitle: [unclosed\n---\n"}),
    "PV111": ("check", {"a.md": "---\ntitle: x\nno end"}),
    "PV112": ("check", {"a.md": "---\n- a list\n---\n"}),
    "PV113": ("check", {"a.md": "---\ntag: x\n---\n"}),
    "PV114": ("check", {"a.md": "---\ntags: a, b\n---\n"}),
    "PV115": ("check", {"a.md": "---\ntags: ['#a']\n---\n"}),
    "PV116": ("check", {"a.md": "---\narxiv: 2504.19160\n---\n"}),
    "PV117": (
        "check",
        {
            "a.md": "---\na: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
            "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\n---\n"
        },
    ),
    "PV118": ("check", {"a.md": "---\ntags: {a: b}\n---\n"}),
    "PV201": ("check", {"a.md": "[[nowhere]]"}),
    "PV202": ("check", {"a.md": "[[b#No such heading]]", "b.md": "# Real heading\n"}),
    "PV203": ("check", {"a.md": "[[b#^nope]]", "b.md": "text ^yes\n"}),
    "PV204": ("check", {"a.md": "[[dup]]", "x/dup.md": "", "y/dup.md": ""}),
    "PV205": ("check", {"a.md": "[[Nick]]", "b.md": "---\naliases: [Nick]\n---\n"}),
    "PV206": ("check", {"a.md": "[[b]]", "B.md": ""}),
    "PV207": ("check", {"a.md": "[[Cold start]]", "x/Cold start.md": "---\naliases: [Cold start]\n---\n"}),
    "PV208": ("check", {"a.md": "[[]]"}),
    "PV209": ("check", {"a.md": "[[d]]", "d.md": "---\ndraft: true\n---\n"}),
    "PV210": ("check", {"a.md": "[x](../../etc/passwd)"}),
    "PV301": ("check", {"a.md": "#ML", "b.md": "#ml"}),
    "PV302": ("check", {"a.md": "", "A.md": ""}),
    "PV303": ("check", {"What? Why.md": "", "What Why.md": ""}),
    "PV304": (
        "check",
        {"a.md": "---\narxiv: '2504.19162'\n---\n", "b.md": "---\narxiv: '2504.19162'\n---\n"},
    ),
    "PV401": ("check", {"a.md": "[[b]]", "b.md": "no backlinks section yet"}),
    "PV402": ("check", {"a.md": "<!-- papervault:backlinks:start -->\nno end\n"}),
    "PV403": (
        "sync",
        {
            "tags/old.md": "---\ntitle: old\n---\nMine.\n\n<!-- papervault:tag-index:start -->\n"
            "<!-- papervault:tag-index:end -->\n"
        },
    ),
    "PV404": ("sync", {"a.md": "[[b]]", "b.md": "b"}),  # the write fails below
    "PV405": ("sync", {"a.md": "[[b]]", "b.md": "b"}),  # the file changes mid-run below
    "PV406": ("sync", {"a.md": "[[b]]", "b.md": "```\nnever closed"}),
    "PV407": ("sync", {"a.md": "[[b]]", "b.md": "b"}),  # the safety check is made to fail below
    "PV408": ("sync", {"a.md": "---\ntags: ['../../escape']\n---\n"}),
}


def codes_from_check(root: Path) -> set[str]:
    config = load_config(vault=root, overrides={"cache": False})
    report = run_check(Analysis(config, load_vault(config=config)), RuleSelection())
    return {f.diagnostic.code for f in report.findings}


def codes_from_sync(root: Path) -> set[str]:
    return {d.code for d in sync_vault(load_config(vault=root, overrides={"cache": False})).diagnostics()}


def test_every_rule_has_a_fixture() -> None:
    assert sorted(RULE_FIXTURES) == sorted(rule.code for rule in RULES)


@pytest.mark.parametrize("code", sorted(RULE_FIXTURES))
def test_rule_fixture_triggers_its_rule(tmp_path: Path, code: str, monkeypatch: pytest.MonkeyPatch) -> None:
    how, files = RULE_FIXTURES[code]
    root = write_vault(tmp_path / "vault", files)
    if code == "PV101":
        import papervault.vault as vault_module

        real = vault_module.read_file_with_stat

        def unreadable(base: Path, path: str) -> tuple[bytes, int, int]:
            if path == "locked.md":
                raise PermissionError(13, "Permission denied")
            return real(base, path)

        monkeypatch.setattr(vault_module, "read_file_with_stat", unreadable)
    if code == "PV105":
        os.symlink(tmp_path, root / "escape")
    if code in ("PV404", "PV405", "PV407"):
        import papervault.write as write_module

        if code == "PV404":

            def full_disk(temp: Path, target: Path) -> None:
                raise OSError(28, "No space left on device")

            monkeypatch.setattr(write_module, "before_replace", full_disk)
        elif code == "PV405":

            def someone_edits(temp: Path, target: Path) -> None:
                target.write_text("edited meanwhile")

            monkeypatch.setattr(write_module, "before_replace", someone_edits)
        else:
            monkeypatch.setattr(write_module, "verify_edit", lambda *args, **kwargs: "line 1 changed")
    found = codes_from_check(root) if how == "check" else codes_from_sync(root)
    assert code in found


def test_clean_fixture_triggers_nothing(tmp_path: Path) -> None:
    root = write_vault(tmp_path / "vault", CLEAN)
    sync_vault(load_config(vault=root))
    assert codes_from_check(root) == set()
    assert codes_from_sync(root) == set()


def test_example_vault_checks_clean() -> None:
    result = CliRunner().invoke(main, ["-C", str(EXAMPLE_VAULT), "--no-cache", "check"])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert result.stderr.strip() == "16 notes checked: 0 errors, 0 warnings"


@pytest.mark.parametrize("name", ["quartz-docs", "dswok", "ai-alignment-graph"])
def test_real_vaults_check_without_a_crash(tmp_path: Path, name: str) -> None:
    root = Path(shutil.copytree(SHARED_VAULTS / name, tmp_path / name))
    result = CliRunner().invoke(main, ["-C", str(root), "check", "--format", "json"])
    assert result.exit_code in (0, 1), result.output
    data = json.loads(result.stdout)
    assert data["summary"]["notes"] == len(list(root.rglob("*.md")))
    assert all(f["line"] >= 1 and f["path"] for f in data["findings"])


def test_readme_table_of_real_vault_findings_is_a_real_run(tmp_path: Path) -> None:
    """The README's table of what `vault check` finds in each real vault, counted by rule."""
    readme = (EXAMPLE_VAULT.parent / "README.md").read_text(encoding="utf-8")
    header = re.search(r"^\| rule \| (.*) \|$", readme, re.M)
    assert header is not None
    columns = [re.fullmatch(r"(\S+) \((\d+) notes\)", cell.strip()) for cell in header[1].split("|")]
    rows = re.findall(r"^\| `(PV\d+)` [a-z-]+ \| (.*) \|$", readme, re.M)
    documented = {code: [int(n) for n in counts.split("|")] for code, counts in rows}
    assert documented and all(columns)
    for index, column in enumerate(columns):
        assert column is not None
        name = column[1]
        root = Path(shutil.copytree(SHARED_VAULTS / name, tmp_path / name))
        data = json.loads(CliRunner().invoke(main, ["-C", str(root), "check", "--format", "json"]).stdout)
        found = Counter(f["code"] for f in data["findings"])
        assert data["summary"]["notes"] == int(column[2]), name
        assert {c: n[index] for c, n in documented.items() if n[index]} == dict(found), name


def broken(tmp_path: Path) -> Path:
    return write_vault(
        tmp_path / "v", {"a.md": "line\n[[nowhere]] and [[b]]", "b.md": "[[B#x]]", "B2.md": ""}
    )


def test_text_output_and_exit_codes(tmp_path: Path) -> None:
    root = broken(tmp_path)
    result = CliRunner().invoke(main, ["-C", str(root), "check", "--ignore", "PV401"])
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "a.md:2:1: PV201 broken link [[nowhere]]: no note or file matches",
        "b.md:1:1: PV202 [[B#x]]: no heading 'x' in this note",
        "b.md:1:1: PV206 [[B#x]] matches b.md only in another case; Quartz will not find it (fix: [[b#x|B]])",
    ]
    assert result.stderr.strip() == "3 notes checked: 2 errors, 1 warning"


def test_select_ignore_and_regrade(tmp_path: Path) -> None:
    root = broken(tmp_path)
    runner = CliRunner()
    only_warnings = runner.invoke(main, ["-C", str(root), "check", "--select", "case-only-match"])
    assert only_warnings.exit_code == 0 and "PV206" in only_warnings.stdout
    assert "PV201" not in only_warnings.stdout
    graded = runner.invoke(main, ["-C", str(root), "check", "--select", "PV206", "--severity", "PV206=error"])
    assert graded.exit_code == 1
    prefix = runner.invoke(main, ["-C", str(root), "check", "--select", "PV2", "--ignore", "PV201"])
    assert {line.split()[1] for line in prefix.stdout.splitlines()} == {"PV202", "PV206"}
    bad = runner.invoke(main, ["-C", str(root), "check", "--select", "PV999"])
    assert bad.exit_code == 2 and "no rule matches 'PV999'" in bad.stderr


def test_selection_from_config(tmp_path: Path) -> None:
    root = broken(tmp_path)
    (root / "papervault.toml").write_text(
        '[check]\nignore = ["PV201", "PV401"]\nseverity = {PV202 = "warning"}\n'
    )
    result = CliRunner().invoke(main, ["-C", str(root), "check"])
    assert result.exit_code == 0
    assert "PV201" not in result.stdout and "PV202" in result.stdout


def test_json_format(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["-C", str(broken(tmp_path)), "check", "--format", "json", "--select", "PV201"]
    )
    data = json.loads(result.stdout)
    assert data["summary"] == {"errors": 1, "warnings": 0, "baselined": 0, "notes": 3}
    [finding] = data["findings"]
    assert finding | {"fingerprint": "-"} == {
        "path": "a.md",
        "line": 2,
        "column": 1,
        "code": "PV201",
        "name": "broken-link",
        "severity": "error",
        "message": "broken link [[nowhere]]: no note or file matches",
        "fix": None,
        "fingerprint": "-",
    }


def test_github_format_escapes_data_and_properties(tmp_path: Path) -> None:
    root = write_vault(tmp_path / "v", {"we, ird: 100%.md": "[[no, such: 100%]]"})
    result = CliRunner().invoke(main, ["-C", str(root), "check", "--format", "github", "--select", "PV201"])
    assert result.stdout == (
        "::error file=we%2C ird%3A 100%25.md,line=1,col=1,title=PV201 broken-link::"
        "broken link [[no, such: 100%25]]: no note or file matches\n"
    )


def test_baseline_lets_old_findings_pass_and_survives_moved_lines(tmp_path: Path) -> None:
    root = broken(tmp_path)
    baseline = tmp_path / "baseline.json"
    runner = CliRunner()
    wrote = runner.invoke(main, ["-C", str(root), "check", "--write-baseline", str(baseline)])
    assert wrote.exit_code == 0
    assert {e["code"] for e in json.loads(baseline.read_text())["findings"]} >= {"PV201", "PV202"}
    # lines above a finding move it; it is still the same finding
    (root / "a.md").write_text("new first line\nline\n[[nowhere]] and [[b]]")
    same = runner.invoke(main, ["-C", str(root), "check", "--baseline", str(baseline)])
    assert same.exit_code == 0, same.output
    assert "in the baseline" in same.stderr
    # a new finding fails
    (root / "c.md").write_text("[[another nowhere]]")
    new = runner.invoke(main, ["-C", str(root), "check", "--baseline", str(baseline)])
    assert new.exit_code == 1
    assert new.stdout.startswith("c.md:1:1: PV201")


def test_baseline_from_config_and_bad_baseline(tmp_path: Path) -> None:
    root = broken(tmp_path)
    runner = CliRunner()
    runner.invoke(main, ["-C", str(root), "check", "--write-baseline", str(root / "baseline.json")])
    (root / "papervault.toml").write_text('[check]\nbaseline = "baseline.json"\n')
    assert runner.invoke(main, ["-C", str(root), "check"]).exit_code == 0
    (root / "baseline.json").write_text("not json")
    bad = runner.invoke(main, ["-C", str(root), "check"])
    assert bad.exit_code == 2 and "not a papervault baseline" in bad.stderr
    with pytest.raises(ConfigError):
        Baseline.read(tmp_path / "missing.json")


def test_fingerprint_ignores_line_numbers_but_not_the_message() -> None:
    a = Diagnostic("n.md", 3, 1, "PV402", "second start before the end of the region opened on line 2")
    b = Diagnostic("n.md", 9, 1, "PV402", "second start before the end of the region opened on line 8")
    c = Diagnostic("n.md", 3, 1, "PV201", "broken link [[x]]")
    assert fingerprint(a) == fingerprint(b)
    assert fingerprint(c) != fingerprint(Diagnostic("n.md", 3, 1, "PV201", "broken link [[y]]"))


def test_fix_applies_safe_fixes_and_nothing_else(tmp_path: Path) -> None:
    original_a = (
        "\ufeff---\r\ntag: x\r\narxiv: 2504.19160\r\n---\r\n[[Nick]] and [[Other note]] and [[gone]]\r\n"
    )
    root = write_vault(
        tmp_path / "v",
        {
            "a.md": original_a.encode(),
            "b.md": "---\naliases: [Nick]\n---\nbody",
            "other Note.md": "x",
        },
    )
    result = CliRunner().invoke(main, ["-C", str(root), "check", "--fix", "--ignore", "PV401"])
    fixed = [line for line in result.stdout.splitlines() if line.startswith("fixed ")]
    assert [line.split()[2] for line in fixed] == ["PV113", "PV116", "PV205", "PV206"]
    data = (root / "a.md").read_bytes()
    assert (
        data
        == (
            '\ufeff---\r\ntags: x\r\narxiv: "2504.19160"\r\n---\r\n'
            "[[b|Nick]] and [[other Note|Other note]] and [[gone]]\r\n"
        ).encode()
    )
    assert "a.md:5:" in result.stdout and "PV201 broken link [[gone]]" in result.stdout
    again = CliRunner().invoke(main, ["-C", str(root), "check", "--fix", "--ignore", "PV401"])
    assert "fixed" not in again.stdout
