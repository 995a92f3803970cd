"""`chronicle init DIR`: a new chronology that builds at once, one example entry of each kind.

The entries carry a `yaml-language-server` comment pointing at a JSON Schema written beside
them, so editors with the YAML extension complete and check keys as a person types.
"""

from __future__ import annotations

import json
from pathlib import Path

SCHEMA_FILE = "chronicle.schema.json"

CONFIG = """\
# Every key is optional; these are the defaults you are most likely to change.
title: {title}
description: A chronology made with Chronicle.
language: en
# site_url: https://example.org/my-chronology/   # enables feed links and sitemap.xml
drafts: true   # show draft events (marked as drafts); `chronicle build --no-drafts` hides them
"""

EVENT = """\
# yaml-language-server: $schema=../../{schema}#/$defs/event
title: The first event of the chronology
date: 2024-05-17            # YYYY, YYYY-MM or YYYY-MM-DD: the form is the precision
type: political
status: reviewed
summary: |
  What happened, in **Markdown**. Quote the sources below; link to others with
  [a link](https://example.org/).
actors:
  - {{actor: example-actor, role: associated}}
places: [example-place]
sources:
  - publisher: Example News
    url: https://example.org/article
    published: 2024-05-17
    quote: The sentence of the article this entry rests on.
"""

ACTOR = """\
# yaml-language-server: $schema=../../{schema}#/$defs/actor
name: Example Actor
aliases: [EA]
kind: other
description: Who they are, in Markdown.
"""

PLACE = """\
# yaml-language-server: $schema=../../{schema}#/$defs/place
name: Example Place
kind: town
country: Mali
admin1: Mopti
lat: 14.4843
lon: -4.1827
geo_precision: exact
coordinates_source: GeoNames (Mopti, 2453348)
description: Where it is, in Markdown.
"""

GITIGNORE = "site/\n.chronicle-cache/\n"


def init_chronology(path: Path) -> list[Path]:
    """Write the skeleton into `path` (new or empty); returns the files written."""
    from chronicle.cli import ChronicleError

    path = Path(path)
    if path.exists() and (not path.is_dir() or any(path.iterdir())):
        raise ChronicleError(f"{path} already exists and is not empty: choose a new folder")
    files = {
        "chronicle.yaml": CONFIG.format(title=json.dumps(path.resolve().name.replace("-", " ")
                                                         .title() or "Chronicle")),
        "content/events/2024-05-17-first-event.yaml": EVENT.format(schema=SCHEMA_FILE),
        "content/actors/example-actor.yaml": ACTOR.format(schema=SCHEMA_FILE),
        "content/places/example-place.yaml": PLACE.format(schema=SCHEMA_FILE),
        ".gitignore": GITIGNORE,
    }
    schema = _schema_text()
    if schema is not None:
        files[SCHEMA_FILE] = schema
    written = []
    for name, text in files.items():
        target = path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, "utf-8")
        written.append(target)
    return written


def _schema_text() -> str | None:
    """The entry schema from `chronicle schema`, when that module is installed."""
    try:
        from chronicle.schema import entry_schema
    except ImportError:
        return None
    return json.dumps(entry_schema(), indent=2, sort_keys=True) + "\n"


def init_command(path: Path) -> int:
    written = init_chronology(path)
    print(f"Created a chronology in {path}:")
    for file in written:
        print(f"  {file.relative_to(path)}")
    print(f"Next: cd {path} && chronicle build   (or `chronicle serve` to edit with a preview)")
    return 0
