"""Seeded synthetic chronologies, written both as a Chronicle folder and as a Hugo site.

The two outputs hold the same data (N events with ~120-word Markdown summaries, 1-4 actors
drawn from ~N/20, 1-2 places drawn from ~N/10 with coordinates, over 15 years), so timing
`chronicle build` against `hugo` compares the generators, not the inputs. The same N and
seed always give byte-identical files, which lets the benchmark reuse them across runs.

    python benchmarks/generate.py --n 10000 --out /tmp/synth            # both layouts
    python benchmarks/generate.py --n 1000 --out /tmp/c --layout chronicle

Other benchmarks import it: `ensure_dataset(n, seed, base)` returns the two folders,
generating them only when they are missing or were written by another generator version.
"""

from __future__ import annotations

import argparse
import datetime
import json
import random
import shutil
from dataclasses import dataclass
from pathlib import Path

#: bump when the output changes, so cached datasets are regenerated
GENERATOR_VERSION = "1"
FIRST_DAY = datetime.date(2010, 1, 1)
DAYS = 15 * 365
EVENT_TYPES = (
    "battle", "attack", "explosion", "violence-against-civilians", "protest", "riot",
    "strategic-development", "political",
)
ROLES = ("perpetrator", "target", "claimant", "responder", "associated")
ACTOR_KINDS = ("armed-group", "state-force", "militia", "un-mission", "government", "civilians")
PLACE_KINDS = ("town", "village", "city")
REGIONS = ("Kidal", "Gao", "Timbuktu", "Mopti", "Segou", "Menaka", "Taoudenit", "Sikasso")
SYLLABLES = (
    "ka", "ti", "mbo", "sa", "ra", "dou", "gou", "ma", "na", "lo", "ba", "ke", "zi", "to", "fa",
    "ni", "so", "ya", "de", "kou", "ber", "tes", "sit", "ag", "hel", "ou", "an", "sho", "mi",
)
GROUP_WORDS = ("Movement", "Front", "Brigade", "Coalition", "Battalion", "Council", "Militia")
WORDS = (
    "the", "local", "forces", "reported", "armed", "men", "near", "village", "market", "road",
    "convoy", "patrol", "base", "residents", "witnesses", "said", "officials", "attack", "after",
    "morning", "night", "vehicles", "several", "dozens", "fled", "returned", "security", "source",
    "statement", "claimed", "group", "region", "district", "soldiers", "civilians", "injured",
    "killed", "clashes", "broke", "out", "between", "rival", "fighters", "following", "week",
    "tensions", "over", "control", "of", "water", "points", "and", "grazing", "land", "in",
    "a", "that", "was", "were", "had", "by", "on", "to", "from", "with", "their", "its", "this",
)


@dataclass(frozen=True, slots=True)
class Dataset:
    """Plain rows, shared by both writers so they cannot drift apart."""

    n: int
    seed: int
    events: tuple[dict, ...]
    actors: tuple[dict, ...]
    places: tuple[dict, ...]


def make_name(rng: random.Random, parts: int) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(parts)).capitalize()


def unique_names(rng: random.Random, count: int, build) -> list[str]:
    """Names that slugify to distinct ids: a collision would be a loader error, not data."""
    names: list[str] = []
    seen: set[str] = set()
    while len(names) < count:
        name = build(rng)
        slug = slugify(name)
        if slug not in seen:
            seen.add(slug)
            names.append(name)
    return names


def slugify(text: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in text.lower()).split())


def sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def summary(rng: random.Random, place: str, actor: str) -> str:
    """About 120 words of Markdown in two paragraphs, with emphasis and a list."""
    first = " ".join(sentence(rng, rng.randint(9, 14)) for _ in range(5))
    second = " ".join(sentence(rng, rng.randint(9, 14)) for _ in range(4))
    return (
        f"Fighting near **{place}** involved *{actor}*. {first}\n\n"
        f"{second}\n\n- {sentence(rng, 6)}\n- {sentence(rng, 6)}\n"
    )


def generate(n: int, seed: int = 1) -> Dataset:
    rng = random.Random(seed)
    actor_count = max(2, n // 20)
    place_count = max(2, n // 10)
    actor_names = unique_names(
        rng, actor_count, lambda r: f"{make_name(r, r.randint(2, 3))} {r.choice(GROUP_WORDS)}")
    place_names = unique_names(rng, place_count, lambda r: make_name(r, r.randint(2, 4)))
    actors = tuple(
        {
            "id": slugify(name), "name": name, "kind": rng.choice(ACTOR_KINDS),
            "country": "Mali", "description": sentence(rng, 18),
        }
        for name in actor_names
    )
    places = tuple(
        {
            "id": slugify(name), "name": name, "kind": rng.choice(PLACE_KINDS),
            "country": "Mali", "admin1": rng.choice(REGIONS),
            "lat": round(rng.uniform(11.0, 24.0), 5), "lon": round(rng.uniform(-11.0, 4.0), 5),
            "description": sentence(rng, 14),
        }
        for name in place_names
    )
    events = []
    for number in range(n):
        day = FIRST_DAY + datetime.timedelta(days=rng.randrange(DAYS))
        precision = rng.random()
        date = (day.isoformat() if precision < 0.85
                else day.isoformat()[:7] if precision < 0.95 else str(day.year))
        event_actors = rng.sample(actors, rng.randint(1, min(4, len(actors))))
        event_places = rng.sample(places, rng.randint(1, min(2, len(places))))
        killed = rng.choice((None, 0, rng.randint(1, 40)))
        injured = rng.choice((None, rng.randint(1, 60)))
        kind = rng.choice(EVENT_TYPES)
        events.append({
            "id": f"{date}-{event_places[0]['id']}-{kind}-{number:06d}",
            "title": f"{kind.replace('-', ' ').capitalize()} near {event_places[0]['name']}",
            "date": date,
            "type": kind,
            "actors": [(a["id"], a["name"], rng.choice(ROLES)) for a in event_actors],
            "places": [(p["id"], p["name"]) for p in event_places],
            "killed": killed,
            "injured": injured,
            "summary": summary(rng, event_places[0]["name"], event_actors[0]["name"]),
            "url": f"https://news.example.org/{day.year}/{number}",
            "published": day.isoformat(),
            "quote": sentence(rng, 12),
        })
    return Dataset(n, seed, tuple(events), actors, places)


def yaml_text(value: str) -> str:
    """A double-quoted YAML scalar; JSON strings are valid YAML and escape everything needed."""
    return json.dumps(value, ensure_ascii=False)


def block(text: str, indent: str = "  ") -> str:
    return "".join(f"{indent}{line}\n" if line else "\n" for line in text.splitlines())


def write_chronicle(data: Dataset, root: Path) -> None:
    """chronicle.yaml and content/{events,actors,places}/*.yaml, one entity per file."""
    for kind in ("events", "actors", "places"):
        (root / "content" / kind).mkdir(parents=True, exist_ok=True)
    (root / "chronicle.yaml").write_text(
        f"title: Synthetic chronology ({data.n} events, seed {data.seed})\n"
        "description: Generated by benchmarks/generate.py\nlanguage: en\n", encoding="utf-8")
    for actor in data.actors:
        (root / "content" / "actors" / f"{actor['id']}.yaml").write_text(
            f"name: {yaml_text(actor['name'])}\nkind: {actor['kind']}\n"
            f"country: {actor['country']}\ndescription: {yaml_text(actor['description'])}\n",
            encoding="utf-8")
    for place in data.places:
        (root / "content" / "places" / f"{place['id']}.yaml").write_text(
            f"name: {yaml_text(place['name'])}\nkind: {place['kind']}\n"
            f"country: {place['country']}\nadmin1: {place['admin1']}\n"
            f"lat: {place['lat']}\nlon: {place['lon']}\ngeo_precision: exact\n"
            f"coordinates_source: synthetic\ndescription: {yaml_text(place['description'])}\n",
            encoding="utf-8")
    for event in data.events:
        lines = [
            f"title: {yaml_text(event['title'])}",
            f"date: {event['date']}",
            f"type: {event['type']}",
            "status: reviewed",
            "summary: |",
            block(event["summary"]).rstrip("\n"),
            "actors:",
            *(f"  - {{actor: {a}, role: {role}}}" for a, _, role in event["actors"]),
            f"places: [{', '.join(p for p, _ in event['places'])}]",
        ]
        figures = [f"  {k}: {event[k]}" for k in ("killed", "injured") if event[k] is not None]
        if figures:
            lines += ["casualties:", *figures]
        lines += [
            "sources:",
            "  - publisher: Example News",
            f"    url: {event['url']}",
            f"    published: {event['published']}",
            f"    quote: {yaml_text(event['quote'])}",
        ]
        (root / "content" / "events" / f"{event['id']}.yaml").write_text(
            "\n".join(lines) + "\n", encoding="utf-8")


HUGO_CONFIG = """\
baseURL = "https://example.org/"
title = "Synthetic chronology"
languageCode = "en"
disableKinds = ["rss"]
[taxonomies]
  actor = "actors"
  place = "places"
[pagination]
  pagerSize = 100
"""

#: the same kinds of pages Chronicle makes: home, event list, single event, term lists and pages
HUGO_LAYOUTS = {
    "_default/baseof.html": """\
<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ block "title" . }}{{ .Title }} · {{ site.Title }}{{ end }}</title></head>
<body><header><a href="{{ "/" | relURL }}">{{ site.Title }}</a>
<nav><a href="{{ "/events/" | relURL }}">Events</a> <a href="{{ "/actors/" | relURL }}">Actors</a>
<a href="{{ "/places/" | relURL }}">Places</a></nav></header>
<main>{{ block "main" . }}{{ end }}</main></body></html>
""",
    "_default/single.html": """\
{{ define "main" }}<article><h1>{{ .Title }}</h1>
<p><time datetime="{{ .Params.event_date }}">{{ .Params.event_date }}</time>
 · {{ .Params.event_type }}</p>
<p>Places: {{ range .GetTerms "places" }}
<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a> {{ end }}</p>
<p>Actors: {{ range .GetTerms "actors" }}
<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a> {{ end }}</p>
{{ with .Params.killed }}<p>Killed: {{ . }}</p>{{ end }}
{{ with .Params.injured }}<p>Injured: {{ . }}</p>{{ end }}
{{ .Content }}
<h2>Sources</h2><ul>{{ range .Params.sources }}<li><a href="{{ .url }}">{{ .publisher }}</a>,
{{ .published }}: <q>{{ .quote }}</q></li>{{ end }}</ul>
<nav>{{ with .PrevInSection }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}
{{ with .NextInSection }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}</nav>
</article>{{ end }}
""",
    "partials/item.html": """\
<li><time>{{ .Params.event_date }}</time>
<a href="{{ .RelPermalink }}">{{ .Title }}</a></li>
""",
    "_default/list.html": """\
{{ define "main" }}<h1>{{ .Title }}</h1>{{ .Content }}
<ol>{{ range (.Paginate .Pages.ByDate.Reverse).Pages }}{{ partial "item.html" . }}{{ end }}</ol>
{{ template "_internal/pagination.html" . }}{{ end }}
""",
    "_default/taxonomy.html": """\
{{ define "main" }}<h1>{{ .Title }}</h1>
<ul>{{ range .Data.Terms.Alphabetical }}
<li><a href="{{ .Page.RelPermalink }}">{{ .Page.LinkTitle }}</a> ({{ .Count }})</li>
{{ end }}</ul>{{ end }}
""",
    "_default/term.html": """\
{{ define "main" }}<h1>{{ .Title }}</h1>{{ .Content }}
{{ with .Params.lat }}<p>{{ . }}, {{ $.Params.lon }}</p>{{ end }}
<ol>{{ range .Pages.ByDate.Reverse }}{{ partial "item.html" . }}{{ end }}</ol>{{ end }}
""",
    "index.html": """\
{{ define "main" }}<h1>{{ site.Title }}</h1>
<ol>{{ range first 100 (where site.RegularPages "Section" "events").ByDate.Reverse }}
{{ partial "item.html" . }}{{ end }}</ol>{{ end }}
""",
}


def hugo_date(date: str) -> str:
    """Hugo needs a full date to sort by; the event's own precision stays in event_date."""
    if len(date) == 4:
        return f"{date}-01-01"
    return f"{date}-01" if len(date) == 7 else date


def write_hugo(data: Dataset, root: Path) -> None:
    """hugo.toml, layouts/ and content/: events as pages, actors and places as taxonomy terms."""
    (root / "content" / "events").mkdir(parents=True, exist_ok=True)
    (root / "hugo.toml").write_text(HUGO_CONFIG, encoding="utf-8")
    for name, text in HUGO_LAYOUTS.items():
        path = root / "layouts" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (root / "content" / "events" / "_index.md").write_text(
        "---\ntitle: Events\n---\n", encoding="utf-8")
    for actor in data.actors:
        folder = root / "content" / "actors" / slugify(actor["name"])
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "_index.md").write_text(
            f"---\ntitle: {yaml_text(actor['name'])}\nkind: {actor['kind']}\n"
            f"country: {actor['country']}\n---\n{actor['description']}\n", encoding="utf-8")
    for place in data.places:
        folder = root / "content" / "places" / slugify(place["name"])
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "_index.md").write_text(
            f"---\ntitle: {yaml_text(place['name'])}\nkind: {place['kind']}\n"
            f"admin1: {place['admin1']}\nlat: {place['lat']}\nlon: {place['lon']}\n---\n"
            f"{place['description']}\n", encoding="utf-8")
    for event in data.events:
        lines = [
            "---",
            f"title: {yaml_text(event['title'])}",
            f"date: {hugo_date(event['date'])}",
            f"event_date: \"{event['date']}\"",
            f"event_type: {event['type']}",
            f"actors: [{', '.join(yaml_text(name) for _, name, _ in event['actors'])}]",
            f"places: [{', '.join(yaml_text(name) for _, name in event['places'])}]",
        ]
        lines += [f"{k}: {event[k]}" for k in ("killed", "injured") if event[k] is not None]
        lines += [
            "sources:",
            "  - publisher: Example News",
            f"    url: {event['url']}",
            f"    published: {event['published']}",
            f"    quote: {yaml_text(event['quote'])}",
            "---",
            event["summary"],
        ]
        (root / "content" / "events" / f"{event['id']}.md").write_text(
            "\n".join(lines), encoding="utf-8")


def dataset_parser(description: str) -> argparse.ArgumentParser:
    """The options every benchmark shares: which synthetic chronology, and where it is kept."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--n", type=int, required=True, help="number of events")
    parser.add_argument("--seed", type=int, default=1, help="generator seed (default 1)")
    parser.add_argument("--cache", type=Path, default=Path(__file__).resolve().parent / "out",
                        help="where generated chronologies are kept (default benchmarks/out)")
    return parser


def ensure_dataset(n: int, seed: int, base: Path) -> tuple[Path, Path]:
    """The Chronicle and Hugo folders for (n, seed) under `base`, generated once and reused.

    A marker written last records the generator version, so an interrupted or outdated
    generation is redone rather than benchmarked half-written."""
    folder = Path(base) / f"n{n}-seed{seed}"
    chronicle_root, hugo_root = folder / "chronicle", folder / "hugo"
    marker = folder / "COMPLETE"
    if marker.is_file() and marker.read_text(encoding="utf-8") == GENERATOR_VERSION:
        return chronicle_root, hugo_root
    shutil.rmtree(folder, ignore_errors=True)
    data = generate(n, seed)
    write_chronicle(data, chronicle_root)
    write_hugo(data, hugo_root)
    marker.write_text(GENERATOR_VERSION, encoding="utf-8")
    return chronicle_root, hugo_root


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, required=True, help="number of events")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True, help="folder to write into")
    parser.add_argument("--layout", choices=("both", "chronicle", "hugo"), default="both",
                        help="both writes OUT/chronicle and OUT/hugo")
    options = parser.parse_args(argv)
    if options.n < 1:
        parser.error("--n must be at least 1")
    data = generate(options.n, options.seed)
    if options.layout == "chronicle":
        write_chronicle(data, options.out)
    elif options.layout == "hugo":
        write_hugo(data, options.out)
    else:
        write_chronicle(data, options.out / "chronicle")
        write_hugo(data, options.out / "hugo")
    print(f"wrote {options.n} events, {len(data.actors)} actors, {len(data.places)} places "
          f"to {options.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
