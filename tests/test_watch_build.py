"""Watch mode against the real build: after each save, exactly the pages whose bytes
change are re-rendered, and the site equals a full build of the same sources.

The expected set is not taken from the build's own dependency records (that would test
nothing): it is the set of files that differ between full builds before and after the edit.
"""

from __future__ import annotations

import os
import random
import re
import shutil
from pathlib import Path

import pytest
import yaml

from chronicle.build import Builder, build
from chronicle.render import batch, exports, pieces
from chronicle.watch import Rebuilder, Watcher

REPO = Path(__file__).resolve().parent.parent


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def differing(before: dict[str, bytes], after: dict[str, bytes]) -> set[str]:
    """Files written with new bytes, or new (a removed file is not "rendered")."""
    return {url for url, data in after.items() if before.get(url) != data}


def copy_sources(source: Path, target: Path) -> Path:
    target.mkdir(parents=True)
    shutil.copy2(source / "chronicle.yaml", target / "chronicle.yaml")
    for folder in ("content", "themes", "templates", "seeds"):
        if (source / folder).is_dir():
            shutil.copytree(source / folder, target / folder)
    return target


def full_build(root: Path, scratch: Path) -> dict[str, bytes]:
    """A cold build of a copy of `root`'s sources: the reference for every rebuild."""
    shutil.rmtree(scratch, ignore_errors=True)
    copy = copy_sources(root, scratch)
    build(copy, copy / "site", search=False)
    return tree(copy / "site")


@pytest.fixture(params=["remembering", "stateless"])
def watched(request, tmp_path):
    """The sample chronology (with its own copy of the theme), built, and watched: by the
    Builder that watch and serve use (it remembers the last build and takes a quick path for
    text edits), and by the plain `build` function, which reloads everything each time."""
    if not (REPO / "content/events").is_dir():
        pytest.fail("the sample chronology (content/) is missing from the repository")
    root = tmp_path / "chrono"
    root.mkdir()
    shutil.copy2(REPO / "chronicle.yaml", root / "chronicle.yaml")
    shutil.copytree(REPO / "content", root / "content")
    shutil.copytree(REPO / "themes/default", root / "themes/default")
    shutil.copytree(REPO / "seeds", root / "seeds")  # sources cite the articles
    build(root, root / "site", search=False)
    outcomes = []
    # the search index is Pagefind's output, tested with the build; pages are what count here
    builder = Builder() if request.param == "remembering" else build
    rebuilder = Rebuilder(root, root / "site", build=builder, on_rebuilt=outcomes.append,
                          log=lambda text: None, build_options={"search": False})
    with Watcher(rebuilder) as watcher:
        yield root, watcher, outcomes


def save_and_rebuild(root: Path, watcher: Watcher, outcomes: list, edit) -> tuple[set, set]:
    """Apply `edit`, wait for the one rebuild; (rendered URLs, URLs whose bytes changed)."""
    before = tree(root / "site")
    count = len(outcomes)
    edit()
    assert watcher.settle(timeout=30)
    assert len(outcomes) == count + 1, "one save, one rebuild"
    outcome = outcomes[-1]
    assert outcome.ok, [d.format() for d in outcome.diagnostics if d.is_error] or outcome.failure
    after = tree(root / "site")
    assert after == full_build(root, root.parent / "reference"), "differs from a full build"
    rendered, changed = set(outcome.report.rendered), differing(before, after)
    assert changed <= rendered, f"written but not reported: {sorted(changed - rendered)}"
    return rendered, changed


def replace_line(path: Path, key: str, value: str) -> None:
    text = path.read_text()
    new, count = re.subn(rf"(?m)^{key}:.*$", f"{key}: {value}", text, count=1)
    assert count == 1, f"{path} has no top-level {key}"
    path.write_text(new)


def test_edit_an_event_title(watched):
    root, watcher, outcomes = watched
    event = sorted((root / "content/events").glob("*.yaml"))[5]
    rendered, changed = save_and_rebuild(root, watcher, outcomes, lambda: replace_line(
        event, "title", "A title nobody wrote before"))
    assert f"events/{event.stem}/index.html" in changed
    # pages that read the event without showing its title (the CSV has no title column)
    # may be re-rendered too; nothing else may
    allowed = readers(root, [event.stem])
    assert rendered - changed <= allowed, sorted(rendered - changed - allowed)


def entries(root: Path, kind: str) -> dict[str, dict]:
    return {p.stem: yaml.safe_load(p.read_text())
            for p in sorted((root / f"content/{kind}").glob("*.yaml"))}


def readers(root: Path, events: list[str]) -> set[str]:
    """What the issue says depends on these events besides their own pages: the home page,
    their year pages, the feed and the data exports."""
    data = entries(root, "events")
    years = {str(data[e]["date"])[:4] for e in events}
    return ({"index.html", "feed.xml"} | {f"years/{y}/index.html" for y in years}
            | {f"data/events.{ext}" for ext in ("json", "csv", "geojson")}
            | {"data/timeline.json"} | {f"events/{e}/index.html" for e in events})


def events_naming(root: Path, key: str, entity: str) -> list[str]:
    return [stem for stem, event in entries(root, "events").items()
            if entity in str(event.get(key))]


def test_edit_an_actor_name(watched):
    root, watcher, outcomes = watched
    actor = root / "content/actors/minusma.yaml"
    rendered, changed = save_and_rebuild(root, watcher, outcomes, lambda: replace_line(
        actor, "name", "United Nations Mission in Mali"))
    assert "actors/minusma/index.html" in changed
    # at most: the pages of its events and what lists them, the actor lists, co-actors' pages
    its_events = events_naming(root, "actors", "minusma")
    assert its_events
    allowed = readers(root, its_events) | {"actors/index.html"} | {
        f"actors/{a}/index.html" for a in entries(root, "actors")}
    assert rendered - changed <= allowed, sorted(rendered - changed - allowed)
    assert not any(url.startswith("places/") for url in rendered - changed)


def test_edit_place_coordinates(watched):
    root, watcher, outcomes = watched
    place = root / "content/places/aguelhok.yaml"
    rendered, changed = save_and_rebuild(root, watcher, outcomes, lambda: replace_line(
        place, "lat", "19.5"))
    assert "places/aguelhok/index.html" in changed and "data/events.geojson" in changed
    # at most: its events and what lists them, the place list, place pages (nearby places)
    its_events = events_naming(root, "places", "aguelhok")
    assert its_events
    allowed = readers(root, its_events) | {"places/index.html"} | {
        f"places/{p}/index.html" for p in entries(root, "places")}
    assert rendered - changed <= allowed, sorted(rendered - changed - allowed)
    assert not any(url.startswith("actors/") for url in rendered - changed)


def test_edit_the_base_template(watched):
    root, watcher, outcomes = watched
    base = root / "themes/default/templates/base.html"
    rendered, changed = save_and_rebuild(root, watcher, outcomes, lambda: base.write_text(
        base.read_text().replace("</body>", "<!-- edited --></body>")))
    assert "index.html" in changed
    # every HTML page extends base.html; the Atom feed and sitemap do not, so they stay
    assert rendered == changed
    assert "feed.xml" not in rendered


def test_edit_the_event_template(watched):
    root, watcher, outcomes = watched
    template = root / "themes/default/templates/event.html"
    rendered, changed = save_and_rebuild(root, watcher, outcomes, lambda: template.write_text(
        template.read_text().replace('class="event-page"', 'class="event-page edited"')))
    events = {f"events/{p.stem}/index.html" for p in (root / "content/events").glob("*.yaml")}
    assert changed == events
    assert rendered == events


def rewrite_entry(path: Path, **changes) -> None:
    """Load, change and write back an entry as a person's editor would save it."""
    data = yaml.safe_load(path.read_text())
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))


def test_random_edits_match_a_full_build(watched):
    root, watcher, outcomes = watched
    rng = random.Random(20190120)
    events = sorted((root / "content/events").glob("*.yaml"))
    for round_ in range(6):
        event = rng.choice(events)
        changes = rng.choice([
            {"title": f"Edited title {round_}"},
            {"summary": f"Edited summary {round_}, with **bold**."},
            {"date": f"20{rng.randint(10, 23)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
             "end_date": None, "display_date": None},
            {"casualties": {"killed": rng.randint(0, 50)}},
        ])
        rendered, changed = save_and_rebuild(
            root, watcher, outcomes, lambda e=event, c=changes: rewrite_entry(e, **c))
        assert changed <= rendered, f"stale after {changes}: {sorted(changed - rendered)}"


def test_a_run_of_text_edits_matches_a_full_build_after_each(watched):
    """Many saves in a row that change only what events say (the quick path of a remembering
    Builder), mixed with ones that move an event: every state equals a full build."""
    root, watcher, outcomes = watched
    rng = random.Random(7)
    events = sorted((root / "content/events").glob("*.yaml"))
    for round_ in range(8):
        event = rng.choice(events)
        changes = rng.choice([
            {"title": f"Retitled {round_} <b>not bold</b>"},
            {"summary": f"Summary {round_}: *new* text."},
            {"tags": [f"tag-{round_}"]},
            {"date": f"20{rng.randint(12, 23)}-0{rng.randint(1, 9)}-2{rng.randint(0, 8)}",
             "end_date": None, "display_date": None},
        ])
        rendered, _ = save_and_rebuild(
            root, watcher, outcomes, lambda e=event, c=changes: rewrite_entry(e, **c))
        if "date" not in changes:
            allowed = readers(root, [event.stem]) | {
                f"events/{stem}/index.html" for stem in entries(root, "events")} | {
                f"actors/{a}/index.html" for a in entries(root, "actors")} | {
                f"places/{p}/index.html" for p in entries(root, "places")}
            assert rendered <= allowed, sorted(rendered - allowed)


@pytest.mark.parametrize("warm", [True, False])
def test_warm_leaves_the_first_save_after_a_build_on_workers_only_its_own_pieces(
        tmp_path, monkeypatch, warm):
    """A build rendered on forked workers leaves this process without the exports' pieces;
    `Builder.warm()` (what watch and serve call after each build) makes them here, so the
    first save re-makes only the edited event's, as every later save does."""
    root = copy_sources(REPO, tmp_path / "chrono")
    monkeypatch.setattr(batch, "PARALLEL_MIN_PAGES", 1)  # on workers, as at 10,000 events
    monkeypatch.setattr(exports, "PIECES", pieces.EventPieces())  # none from other tests
    builder = Builder()
    builder(root, root / "site", search=False)
    if warm:
        builder.warm()
    made: list[str] = []
    real = exports._csv_row
    monkeypatch.setattr(exports, "_csv_row",
                        lambda linked, entry: made.append(entry.event.id) or real(linked, entry))
    event = sorted((root / "content/events").glob("*.yaml"))[3]
    replace_line(event, "title", "A title the warm build never saw")
    report = builder(root, root / "site", changed=[event], search=False)
    assert "data/events.csv" in report.rendered
    if warm or (os.cpu_count() or 1) < 2:  # one core renders here: always warm
        assert made == [event.stem]
    else:
        assert len(made) == len(list((root / "content/events").glob("*.yaml")))
