"""`chronicle ingest`: turn articles into draft entries in content/, conservatively.

A person edits what ingest writes, so ingest never touches a file that exists: an article
already ingested (its file or its exact bytes cited by an event) gives nothing new, an event
on the same date and place as one already there is reported as a likely duplicate instead of
written, and every file is written whole (a temporary file, then a rename that refuses to
replace anything), so a crash part-way leaves no half-file behind.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import os
import sys
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from chronicle.content.slug import name_key, slugify
from chronicle.extract.actors import ActorMention
from chronicle.extract.article import Article, ArticleError
from chronicle.extract.command import (
    ExtractionError,
    extract_article,
    make_extractor,
    parse_published,
)
from chronicle.extract.events import DraftEvent
from chronicle.extract.places import PlaceMatch

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
ARTICLE_SUFFIXES = (".txt", ".text", ".md")
SCHEMA_LINE = ""  # no published schema URL yet: `chronicle schema > schema.json` makes one
_PERPETRATOR_KINDS = ("armed-group", "militia")


@dataclass
class Catalogue:
    """What content/ already holds, read tolerantly: ids per kind, name keys -> id, the
    (date, place id) of every event, and the articles events cite."""

    ids: dict[str, set[str]] = field(default_factory=lambda: {
        "events": set(), "actors": set(), "places": set()})
    names: dict[str, dict[str, str]] = field(default_factory=lambda: {"actors": {}, "places": {}})
    scenes: dict[tuple[str, str], str] = field(default_factory=dict)
    cited_files: set[str] = field(default_factory=set)
    cited_hashes: set[str] = field(default_factory=set)


@dataclass
class Plan:
    """The files one article adds: path -> text, plus what was left out and why."""

    files: dict[Path, str | bytes] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)


def ingest_command(root: Path, articles: Sequence[Path], published: str | None = None) -> int:
    """Write drafts for every article (files or folders of .txt); print what was written and
    skipped. Exit 1 when an article could not be read or gave no event."""
    root = Path(root)
    date = parse_published(published)
    if not root.is_dir():
        from chronicle.cli import ChronicleError

        raise ChronicleError(f"no chronology folder at {root}: run `chronicle init {root}`")
    paths, problems = _article_paths(articles)
    extractor, warnings = make_extractor(root)
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)
    catalogue = read_catalogue(root)
    written: list[Path] = []
    skipped: list[str] = []
    failures = len(problems)
    for message in problems:
        print(f"error: {message}", file=sys.stderr)
    progress = _Progress(len(paths))
    for path in paths:
        progress.step(path)
        try:
            plan = plan_article(root, path, date, extractor, catalogue)
        except (ArticleError, ExtractionError) as exc:
            progress.clear()
            print(f"error: {exc}", file=sys.stderr)
            failures += 1
            continue
        written.extend(write_plan(plan, catalogue))
        skipped.extend(plan.skipped)
    progress.clear()
    for path in written:
        print(f"wrote {_shown(path, root)}")
    for reason in skipped:
        print(f"skipped {reason}")
    events = sum(1 for p in written if p.parent.name == "events")
    copies = sum(1 for p in written if p.parent.name == "seeds")
    print(f"{len(paths)} article(s): {events} event(s) and {len(written) - events - copies} "
          f"stub(s) written, {copies} article(s) copied into seeds/, "
          f"{len(skipped)} skipped, {failures} failed")
    return 1 if failures else 0


def _article_paths(articles: Iterable[Path]) -> tuple[list[Path], list[str]]:
    paths, problems = [], []
    for article in articles:
        article = Path(article)
        if article.is_dir():
            found = sorted(p for p in article.rglob("*")
                           if p.is_file() and p.suffix.lower() in ARTICLE_SUFFIXES
                           and not p.name.startswith("."))
            if not found:
                problems.append(f"{article}: no .txt articles in this folder")
            paths.extend(found)
        else:
            paths.append(article)
    return paths, problems


# --- what is there already -----------------------------------------------------------------

def read_catalogue(root: Path) -> Catalogue:
    catalogue = Catalogue()
    content = root / "content"
    for kind in ("actors", "places"):
        for file in _yaml_files(content / kind):
            entry_id = slugify(file.stem)
            catalogue.ids[kind].add(entry_id)
            data = _read_yaml(file)
            catalogue.names[kind].setdefault(name_key(entry_id), entry_id)
            if isinstance(data, dict):
                for name in [data.get("name"), *(data.get("aliases") or [])]:
                    if isinstance(name, str):
                        catalogue.names[kind].setdefault(name_key(name), entry_id)
    for file in _yaml_files(content / "events"):
        entry_id = slugify(file.stem)
        catalogue.ids["events"].add(entry_id)
        data = _read_yaml(file)
        if not isinstance(data, dict):
            continue
        places = data.get("places") or []
        if data.get("date") is not None and places and isinstance(places[0], str):
            place = catalogue.names["places"].get(name_key(places[0]), slugify(places[0]))
            catalogue.scenes.setdefault((_date_text(data["date"]), place), entry_id)
        for source in data.get("sources") or []:
            if isinstance(source, dict) and isinstance(source.get("file"), str):
                catalogue.cited_files.add(source["file"])
                cited = root / source["file"]
                if cited.is_file():
                    catalogue.cited_hashes.add(_hash(cited))
    return catalogue


def _yaml_files(folder: Path) -> list[Path]:
    try:
        return sorted(p for p in folder.iterdir()
                      if p.suffix in (".yaml", ".yml") and not p.name.startswith("."))
    except OSError:
        return []


def _read_yaml(file: Path) -> object:
    try:
        return yaml.load(file.read_text(encoding="utf-8"), Loader=_LOADER)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None


def _date_text(value: object) -> str:
    return value.isoformat() if isinstance(value, datetime.date) else str(value)


def _hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- what one article adds -------------------------------------------------------------------

def plan_article(root: Path, path: Path, published: datetime.date | None, extractor,
                 catalogue: Catalogue) -> Plan:
    """The files an article would add, given what is there; raises on unreadable articles."""
    plan = Plan()
    source = _source_path(root, path)
    same_bytes = path.is_file() and _hash(path) in catalogue.cited_hashes
    if source in catalogue.cited_files or same_bytes:
        plan.skipped.append(f"{path}: already ingested")
        return plan
    article, events = extract_article(path, published, extractor)
    content = root / "content"
    if source.startswith("/") or ":" in source:
        source = _copy_in(root, path, plan)
    for event in events:
        if event.date is None or event.place is None:
            missing = "date" if event.date is None else "place"
            plan.skipped.append(f"{path}: an event without a {missing} ({event.title})")
            continue
        place_id = _place_id(_located(event.place, event.country, extractor), catalogue, plan,
                             content, article)
        scene = (event.date.iso(), place_id)
        if scene in catalogue.scenes:
            plan.skipped.append(
                f"{path}: '{event.title}' ({event.date.iso()}, {event.place.name}) is likely a "
                f"duplicate of content/events/{catalogue.scenes[scene]}.yaml")
            continue
        other_places = [_place_id(_located(p, event.country, extractor), catalogue, plan,
                                  content, article)
                        for p in event.places[1:] if p.kind != "country"]
        actors = [(_actor_id(a, catalogue, plan, content, article), a) for a in event.actors]
        entry_id = _free_id(f"{event.date.iso()}-{place_id}-{_slug_words(event)}",
                            catalogue.ids["events"])
        catalogue.ids["events"].add(entry_id)
        catalogue.scenes[scene] = entry_id
        plan.files[content / "events" / f"{entry_id}.yaml"] = render_event(
            event, article, source, [place_id, *dict.fromkeys(p for p in other_places
                                                               if p != place_id)], actors)
    catalogue.cited_files.add(source)
    return plan


def _source_path(root: Path, path: Path) -> str:
    try:
        relative = os.path.relpath(path.resolve(), root.resolve())
    except ValueError:  # another drive on Windows
        return str(path.resolve())
    return Path(relative).as_posix() if not relative.startswith("..") else str(path.resolve())


def _copy_in(root: Path, path: Path, plan: Plan) -> str:
    """An article from outside the chronology is kept in its seeds/ folder, so the sources
    the drafts cite stay inside it (and travel with it)."""
    data = path.read_bytes()
    target = root / "seeds" / path.name
    if target.exists() and target.read_bytes() != data:
        target = target.with_name(f"{path.stem}-{hashlib.sha256(data).hexdigest()[:8]}"
                                  f"{path.suffix}")
    if not target.exists():
        plan.files[target] = data
    return target.relative_to(root).as_posix()


def _free_id(wanted: str, taken: set[str]) -> str:
    wanted = slugify(wanted)
    candidate, number = wanted, 2
    while candidate in taken:
        candidate = f"{wanted}-{number}"
        number += 1
    return candidate


def _slug_words(event: DraftEvent) -> str:
    return {"battle": "clashes", "violence-against-civilians": "violence"}.get(event.type,
                                                                               event.type)


def _located(place: PlaceMatch, country: str | None, extractor) -> PlaceMatch:
    """A place named only by its cue ("the village of Tassia") is looked up once more in the
    gazetteer, and kept only if it lies in the event's country; else it keeps the country."""
    if place.source != "text":
        return place
    found = extractor.places.resolve(place.name)
    if found is not None and found.country == country and found.kind != "country":
        return dataclasses.replace(found, text=place.text)
    return dataclasses.replace(place, country=country)


def _place_id(place: PlaceMatch, catalogue: Catalogue, plan: Plan, content: Path,
              article: Article) -> str:
    for name in (place.place_id, place.name, place.text):
        if name and name_key(name) in catalogue.names["places"]:
            return catalogue.names["places"][name_key(name)]
    entry_id = _free_id(place.name, catalogue.ids["places"])
    catalogue.ids["places"].add(entry_id)
    for name in {place.name, place.text}:
        catalogue.names["places"].setdefault(name_key(name), entry_id)
    plan.files[content / "places" / f"{entry_id}.yaml"] = render_place(place, article)
    return entry_id


def _actor_id(actor: ActorMention, catalogue: Catalogue, plan: Plan, content: Path,
              article: Article) -> str:
    for name in (actor.actor_id, actor.name, *actor.aliases):
        if name and name_key(name) in catalogue.names["actors"]:
            return catalogue.names["actors"][name_key(name)]
    entry_id = _free_id(actor.name, catalogue.ids["actors"])
    catalogue.ids["actors"].add(entry_id)
    for name in {actor.name, *actor.aliases}:
        catalogue.names["actors"].setdefault(name_key(name), entry_id)
    plan.files[content / "actors" / f"{entry_id}.yaml"] = render_actor(actor, article)
    return entry_id


# --- the YAML written ------------------------------------------------------------------------

def render_event(event: DraftEvent, article: Article, source: str, places: list[str],
                 actors: list[tuple[str, ActorMention]]) -> str:
    has_perpetrator = any(a.kind in _PERPETRATOR_KINDS for _, a in actors)
    entry: dict = {
        "title": event.title,
        "date": event.date.iso() if event.date else None,
        "type": event.type,
        "status": "draft",
        "primary": event.primary,
        "summary": event.summary,
        "actors": [{"actor": actor_id, "role": _role(a, has_perpetrator)}
                   for actor_id, a in dict((i, a) for i, a in actors).items()],
        "places": places,
    }
    casualties = {k: v for k, v in (("killed", event.killed), ("injured", event.injured))
                  if v is not None}
    if casualties:
        entry["casualties"] = casualties
    cited = {s for sentences in event.evidence.values() for s in sentences}
    quotes = list(dict.fromkeys(s.text for s in event.sentences if s.text in cited))
    entry["sources"] = [
        {k: v for k, v in (("file", source), ("publisher", article.publisher),
                           ("url", article.url), ("title", article.title),
                           ("published", article.published.isoformat()
                            if article.published else None),
                           ("quote", quote)) if v is not None}
        for quote in quotes[:6] or [None]
    ]
    entry["tags"] = []
    notes = "".join(f"# note: {note}\n" for note in event.notes)
    header = f"{SCHEMA_LINE}# Draft written by `chronicle ingest` from {source}: check it.\n"
    return header + notes + _dump(entry)


def _role(actor: ActorMention, has_perpetrator: bool) -> str:
    if actor.kind in _PERPETRATOR_KINDS:
        return "perpetrator"
    return "target" if has_perpetrator else "associated"


def render_actor(actor: ActorMention, article: Article) -> str:
    entry = {"name": actor.name, "aliases": list(actor.aliases), "kind": actor.kind}
    if actor.country:
        entry["country"] = actor.country
    entry["description"] = f"Stub written by `chronicle ingest` from {Path(article.path).name}."
    return f"{SCHEMA_LINE}{_dump(entry)}"


def render_place(place: PlaceMatch, article: Article) -> str:
    entry: dict = {"name": place.name}
    if place.text and name_key(place.text) != name_key(place.name):
        entry["aliases"] = [place.text]
    entry["kind"] = place.kind if place.kind in (
        "town", "village", "city", "region", "base", "road", "area", "country") else "area"
    for key in ("country", "admin1", "lat", "lon"):
        value = getattr(place, key)
        if value is not None:
            entry[key] = value
    if place.lat is not None and place.lon is not None:
        entry["geo_precision"] = "region" if place.kind in ("region", "area") else "exact"
        if place.geonameid:
            entry["coordinates_source"] = f"GeoNames {place.geonameid}"
    entry["description"] = f"Stub written by `chronicle ingest` from {Path(article.path).name}."
    return f"{SCHEMA_LINE}{_dump(entry)}"


def _dump(entry: dict) -> str:
    return yaml.safe_dump(entry, sort_keys=False, allow_unicode=True, width=100,
                          default_flow_style=False)


# --- writing ----------------------------------------------------------------------------------

def write_plan(plan: Plan, catalogue: Catalogue) -> list[Path]:
    """Write every planned file whole; a file that appeared meanwhile is left alone."""
    written = []
    for path, text in plan.files.items():
        if _write_new(path, text):
            written.append(path)
        else:
            plan.skipped.append(f"{path}: exists; never overwritten")
    return written


def _write_new(path: Path, text: str | bytes) -> bool:
    """Temp file then a hard link: atomic, and it fails rather than replace a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        return False
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(text.encode("utf-8") if isinstance(text, str) else text)
            out.flush()
            os.fsync(out.fileno())
        try:
            os.link(temp, path)
        except FileExistsError:
            return False
        except OSError:  # a file system without hard links
            if path.exists():
                return False
            os.replace(temp, path)
            return True
        return True
    finally:
        if os.path.exists(temp):
            os.unlink(temp)


def _shown(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


class _Progress:
    """A one-line progress bar on stderr, only on a terminal and only for many articles."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.done = 0
        self.active = total > 3 and sys.stderr.isatty()

    def step(self, path: Path) -> None:
        self.done += 1
        if self.active:
            width = 30
            filled = width * self.done // self.total
            bar = "#" * filled + "-" * (width - filled)
            sys.stderr.write(f"\r[{bar}] {self.done}/{self.total} {path.name[:30]:30}")
            sys.stderr.flush()

    def clear(self) -> None:
        if self.active:
            sys.stderr.write("\r" + " " * 80 + "\r")
            sys.stderr.flush()
