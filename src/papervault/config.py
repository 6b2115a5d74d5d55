"""Settings: ``[tool.papervault]`` in a pyproject.toml, or a papervault.toml.

The schema *is* the dataclasses below: every field is a setting, its annotation is
its type, a ``Literal`` lists its choices. TOML keys are kebab-case
(``include-unpublished``); snake_case is accepted too. Unknown keys and wrong types
are a :class:`ConfigError` naming the key and the file (exit code 2).
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

from .errors import ConfigError

Resolution = Literal["obsidian", "quartz-shortest", "quartz-absolute", "quartz-relative"]
LinkStyle = Literal["wikilink", "markdown", "text"]
PublishMode = Literal["drafts", "explicit"]
Severity = Literal["error", "warning"]

CONFIG_FILE = "papervault.toml"
PYPROJECT = "pyproject.toml"
DEFAULT_IGNORE = ("private", "templates", ".obsidian")


@dataclass(frozen=True)
class LinksConfig:
    #: how links resolve: Obsidian's rules, or one of Quartz v4's markdownLinkResolution modes
    resolution: Resolution = "obsidian"


@dataclass(frozen=True)
class BacklinksConfig:
    #: write a backlinks section into each note that has backlinks
    enabled: bool = True
    #: the heading line at the top of the section
    heading: str = "## Backlinks"
    #: how entries link back: wikilinks (Obsidian), markdown links, or plain text
    #: (plain text keeps Quartz from counting generated entries as links)
    style: LinkStyle = "wikilink"
    #: list drafts and unpublished notes in published notes' sections
    include_unpublished: bool = False


@dataclass(frozen=True)
class TagPagesConfig:
    #: write a tag index page per tag
    enabled: bool = True
    #: the folder, inside the vault, that holds the tag pages
    folder: str = "tags"
    #: how tag pages list their notes: wikilinks, markdown links, or plain text
    style: LinkStyle = "wikilink"


@dataclass(frozen=True)
class CheckConfig:
    #: rule codes or names to report (empty: all rules)
    select: tuple[str, ...] = ()
    #: rule codes or names never to report
    ignore: tuple[str, ...] = ()
    #: per-rule severity overrides, e.g. {PV206 = "error"}
    severity: dict[str, Severity] = field(default_factory=dict)
    #: a baseline file (relative to the config file): only findings not in it fail
    baseline: str | None = None


@dataclass(frozen=True)
class Config:
    #: the vault root (relative to the config file)
    vault: Path = Path(".")
    #: folders and files to skip: gitignore-style globs (``private`` matches at any depth)
    ignore: tuple[str, ...] = DEFAULT_IGNORE
    #: which notes Quartz publishes: all but drafts (RemoveDrafts) or only publish: true
    publish: PublishMode = "drafts"
    #: keep an index cache in <vault>/.papervault/
    cache: bool = True
    links: LinksConfig = field(default_factory=LinksConfig)
    backlinks: BacklinksConfig = field(default_factory=BacklinksConfig)
    tags: TagPagesConfig = field(default_factory=TagPagesConfig)
    check: CheckConfig = field(default_factory=CheckConfig)
    #: the file the settings came from, if any (not a setting)
    source: Path | None = field(default=None, metadata={"internal": True})

    def replace(self, **changes: Any) -> Config:
        """A copy with top-level fields or dotted section fields (``links.resolution``) changed."""
        top: dict[str, Any] = {}
        for key, value in changes.items():
            section, _, name = key.partition(".")
            if name:
                top[section] = dataclasses.replace(top.get(section, getattr(self, section)), **{name: value})
            else:
                top[key] = value
        return dataclasses.replace(self, **top)


def find_config_file(start: Path) -> Path | None:
    """The nearest papervault.toml, or pyproject.toml with [tool.papervault], at or above ``start``."""
    for folder in (start, *start.parents):
        candidate = folder / CONFIG_FILE
        if _is_file(candidate):
            return candidate
        candidate = folder / PYPROJECT
        if _is_file(candidate) and _has_tool_table(candidate):
            return candidate
    return None


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except OSError:  # a folder above the vault we may not look into
        return False


def load_config(
    *,
    vault: str | os.PathLike[str] | None = None,
    config_file: str | os.PathLike[str] | None = None,
    cwd: Path | None = None,
    overrides: dict[str, Any] | None = None,
) -> Config:
    """Read the settings that apply, then apply command-line ``overrides`` (dotted keys).

    With an explicit ``vault``, the config is looked up from the vault upward; otherwise
    from ``cwd`` upward. An explicit ``vault`` always wins over the file's ``vault``.
    """
    cwd = (cwd or Path.cwd()).absolute()
    explicit_vault = Path(vault).expanduser() if vault else None
    if explicit_vault is not None and not explicit_vault.is_absolute():
        explicit_vault = cwd / explicit_vault
    if config_file is not None:
        path: Path | None = Path(config_file).absolute()
        if not path.is_file():
            raise ConfigError("config file not found", path=str(path))
    else:
        path = find_config_file(explicit_vault or cwd)
    config = _read(path) if path else Config(vault=cwd)
    if explicit_vault is not None:
        config = dataclasses.replace(config, vault=explicit_vault)
    if overrides:
        config = _apply_overrides(config, overrides)
    return config


def _has_tool_table(pyproject: Path) -> bool:
    try:
        text = pyproject.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    # cheap pre-check before a full TOML parse of an unrelated project file
    return "papervault" in text and "papervault" in _parse_toml(pyproject, text).get("tool", {})


def _parse_toml(path: Path, text: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"invalid TOML: {error}", path=str(path)) from None


def _read(path: Path) -> Config:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"cannot read config: {error}", path=str(path)) from None
    data = _parse_toml(path, text)
    if path.name == PYPROJECT:
        data = data.get("tool", {}).get("papervault", {})
    if not isinstance(data, dict):
        raise ConfigError("[tool.papervault] must be a table", path=str(path))
    config = _build(Config, data, path, prefix="")
    vault = config.vault if config.vault.is_absolute() else path.parent / config.vault
    return dataclasses.replace(config, vault=vault, source=path)


def _build(cls: type, data: dict[str, Any], path: Path, prefix: str) -> Any:
    fields = {f.name: f for f in dataclasses.fields(cls) if not f.metadata.get("internal")}
    hints = typing.get_type_hints(cls)
    values: dict[str, Any] = {}
    for raw_key, value in data.items():
        name = raw_key.replace("-", "_")
        key = prefix + raw_key
        if name not in fields:
            known = ", ".join(sorted(f.replace("_", "-") for f in fields))
            raise ConfigError(f"unknown setting '{key}' (known: {known})", path=str(path))
        hint = hints[name]
        if dataclasses.is_dataclass(hint):
            if not isinstance(value, dict):
                raise ConfigError(f"'{key}' must be a table", path=str(path))
            values[name] = _build(hint, value, path, prefix=key + ".")
        else:
            values[name] = _coerce(value, hint, key, path)
    return cls(**values)


def _coerce(value: Any, hint: Any, key: str, path: Path | None) -> Any:
    """Check ``value`` against a field annotation and convert TOML lists to tuples."""
    where = str(path) if path else None
    origin, args = get_origin(hint), get_args(hint)
    if origin in (types.UnionType, typing.Union):
        if value is None and type(None) in args:
            return None
        inner = [a for a in args if a is not type(None)]
        return _coerce(value, inner[0], key, path)
    if origin is Literal:
        if value not in args:
            choices = ", ".join(repr(a) for a in args)
            raise ConfigError(f"'{key}' must be one of {choices}, not {value!r}", path=where)
        return value
    if origin is tuple:
        if isinstance(value, str) or not isinstance(value, list | tuple):
            raise ConfigError(f"'{key}' must be a list of strings", path=where)
        if not all(isinstance(item, str) for item in value):
            raise ConfigError(f"'{key}' must be a list of strings", path=where)
        return tuple(value)
    if origin is dict:
        if not isinstance(value, dict):
            raise ConfigError(f"'{key}' must be a table", path=where)
        return {str(k): _coerce(v, args[1], f"{key}.{k}", path) for k, v in value.items()}
    if hint is Path:
        if not isinstance(value, str | Path):
            raise ConfigError(f"'{key}' must be a path string", path=where)
        return Path(value)
    if hint is bool:
        if not isinstance(value, bool):
            raise ConfigError(f"'{key}' must be true or false, not {value!r}", path=where)
        return value
    if hint is str:
        if not isinstance(value, str):
            raise ConfigError(f"'{key}' must be a string, not {value!r}", path=where)
        return value
    raise TypeError(f"unsupported setting type {hint!r}")  # a bug in the schema, not user input


def _apply_overrides(config: Config, overrides: dict[str, Any]) -> Config:
    """Check and apply ``{"links.resolution": ...}``-style overrides (kebab or snake case)."""
    checked: dict[str, Any] = {}
    for key, value in overrides.items():
        dotted = key.replace("-", "_")
        section, _, name = dotted.partition(".")
        owner = getattr(config, section) if name else config
        hint = typing.get_type_hints(type(owner))[name or section]
        checked[dotted] = _coerce(value, hint, key.replace("_", "-"), None)
    return config.replace(**checked)


def setting_names() -> list[str]:
    """Every setting as a dotted kebab-case key, for docs and error messages."""
    names: list[str] = []
    hints = typing.get_type_hints(Config)
    for f in dataclasses.fields(Config):
        if f.metadata.get("internal"):
            continue
        if dataclasses.is_dataclass(hints[f.name]):
            names += [f"{f.name}.{g.name.replace('_', '-')}" for g in dataclasses.fields(hints[f.name])]
        else:
            names.append(f.name.replace("_", "-"))
    return names
