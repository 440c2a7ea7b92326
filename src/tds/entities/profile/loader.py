"""Reads a target profile from YAML or TOML (or the packaged default) and validates it."""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from tds.config import ErpMappingSettings
from tds.entities.profile.model import Profile
from tds.errors import ConfigurationError

DEFAULT_PROFILE = "default.yaml"


def _parse(text: str, name: str) -> Any:
    try:
        if name.endswith(".toml"):
            return tomllib.loads(text)
        return yaml.safe_load(text)
    except (tomllib.TOMLDecodeError, yaml.YAMLError) as exc:
        raise ConfigurationError(
            f"ERP profile {name}: not valid YAML/TOML: {exc}", setting="erp.profile"
        ) from exc


def _describe(exc: ValidationError) -> str:
    lines = []
    for error in exc.errors():
        where = ".".join(str(part) for part in error["loc"]) or "(top level)"
        lines.append(f"  - {where}: {error['msg']}")
    return "\n".join(lines)


def parse_profile(text: str, name: str = "profile.yaml") -> Profile:
    """A profile from its text; `name` picks the format (`.toml`, else YAML) and names it in errors.

    Raises:
        ConfigurationError: the text is not YAML/TOML, or does not follow the profile format
            (every problem listed, each with where it is).
    """
    data = _parse(text, name)
    try:
        return Profile.model_validate(data)
    except ValidationError as exc:
        raise ConfigurationError(
            f"ERP profile {name} does not follow the profile format:\n{_describe(exc)}", setting="erp.profile"
        ) from exc


def default_profile_text() -> str:
    return resources.files("tds.entities.profile").joinpath(DEFAULT_PROFILE).read_text(encoding="utf-8")


def load_profile(settings: ErpMappingSettings) -> Profile:
    """The profile `erp.profile` names, else the packaged default (the `erp.*` schema).

    Raises:
        ConfigurationError: the file is missing or invalid.
    """
    if settings.profile is None:
        return parse_profile(default_profile_text(), DEFAULT_PROFILE)
    path = Path(settings.profile)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigurationError(f"ERP profile {path}: {exc.strerror}", setting="erp.profile") from exc
    return parse_profile(text, str(path))
