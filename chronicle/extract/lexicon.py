"""The names extraction knows: the curated actors and places in content/, read tolerantly,
plus a built-in list of widely reported armed actors.

Tolerant because extraction runs on chronologies that are half-written: a broken actor file
must not stop a person from turning articles into drafts, so it is skipped with a warning
(`chronicle check` reports it properly). The built-in actors let a new chronology recognise
"JNIM" or "al-Shabaab" before anyone has curated them; curated entries win on every name.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from chronicle.model import ACTOR_KINDS, Actor, Place

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

#: Widely reported actors, shipped as data beside this module.
KNOWN_ACTORS = Path(__file__).with_name("known_actors.yaml")


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Known actors and places; `warnings` name the content files that were skipped."""

    actors: tuple[Actor, ...] = ()
    places: tuple[Place, ...] = ()
    warnings: tuple[str, ...] = field(default=())


def builtin_actors() -> tuple[Actor, ...]:
    rows = yaml.load(KNOWN_ACTORS.read_text(encoding="utf-8"), Loader=_LOADER)
    return tuple(
        Actor(id=_slug(row["name"]), name=row["name"], path="<built-in>",
              aliases=tuple(row.get("aliases") or ()), kind=row["kind"],
              country=row.get("country"))
        for row in rows)


def load_lexicon(root: Path | str) -> Lexicon:
    """Curated actors and places under root/content (or chronicle.yaml's content_dir)."""
    root = Path(root)
    content = root / _content_dir(root)
    warnings: list[str] = []
    actors = [a for a in (_read_actor(f, warnings) for f in _entry_files(content / "actors"))
              if a is not None]
    places = [p for p in (_read_place(f, warnings) for f in _entry_files(content / "places"))
              if p is not None]
    return Lexicon(tuple(actors), tuple(places), tuple(warnings))


def _content_dir(root: Path) -> str:
    try:
        data = yaml.load((root / "chronicle.yaml").read_text(encoding="utf-8"), Loader=_LOADER)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return "content"
    value = data.get("content_dir") if isinstance(data, dict) else None
    return value if isinstance(value, str) and value.strip() else "content"


def _entry_files(folder: Path) -> list[Path]:
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return []
    return [folder / n for n in names if n.endswith((".yaml", ".yml")) and not n.startswith(".")]


def _read_mapping(file: Path, warnings: list[str]) -> dict | None:
    try:
        data = yaml.load(file.read_text(encoding="utf-8"), Loader=_LOADER)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        problem = getattr(exc, "problem", None) or exc.__class__.__name__
        warnings.append(f"{file}: skipped, not readable YAML ({problem}); run `chronicle check`")
        return None
    if not isinstance(data, dict) or not isinstance(data.get("name"), str):
        warnings.append(f"{file}: skipped, it has no `name`; run `chronicle check`")
        return None
    return data


def _aliases(data: dict) -> tuple[str, ...]:
    aliases = data.get("aliases") or ()
    if isinstance(aliases, str):
        aliases = [aliases]
    return tuple(str(a) for a in aliases if isinstance(a, str | int) and str(a).strip())


def _text(data: dict, key: str) -> str | None:
    value = data.get(key)
    return str(value) if isinstance(value, str | int | float) and str(value).strip() else None


def _number(data: dict, key: str) -> float | None:
    value = data.get(key)
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _read_actor(file: Path, warnings: list[str]) -> Actor | None:
    data = _read_mapping(file, warnings)
    if data is None:
        return None
    kind = data.get("kind") if data.get("kind") in ACTOR_KINDS else "other"
    return Actor(id=_slug(file.stem), name=data["name"].strip(), path=str(file),
                 aliases=_aliases(data), kind=kind, country=_text(data, "country"))


def _read_place(file: Path, warnings: list[str]) -> Place | None:
    data = _read_mapping(file, warnings)
    if data is None:
        return None
    return Place(id=_slug(file.stem), name=data["name"].strip(), path=str(file),
                 aliases=_aliases(data), kind=str(data.get("kind") or "town"),
                 country=_text(data, "country"), admin1=_text(data, "admin1"),
                 lat=_number(data, "lat"), lon=_number(data, "lon"))


def _slug(text: str) -> str:
    from chronicle.extract.text import fold

    return fold(text).replace(" ", "-")
