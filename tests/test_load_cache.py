"""Loading fast without loading differently: the parse cache, forked workers and the
ContentStore a long-lived process keeps must all give exactly what a plain load gives."""

from __future__ import annotations

import os
import pickle
import random
import sys
import time
from pathlib import Path

import pytest

from chronicle.content import cache, load, parallel
from chronicle.content.load import ContentReader, load_content
from chronicle.content.store import ContentStore
from chronicle.validate import load_checked

SITES_INVALID = Path(__file__).resolve().parent / "sites_invalid"
EVENT = "content/events/2019-01-20-aguelhok-attack.yaml"
HOUR_AGO = time.time() - 3600


def settle(root: Path) -> None:
    """Date every file an hour back: the cache keeps only files not changed just now."""
    for folder, _, names in os.walk(root):
        for name in names:
            os.utime(Path(folder) / name, (HOUR_AGO, HOUR_AGO))


def snapshot(result) -> tuple:
    """Everything a load gives, marks included (entries compare without them)."""
    chronology, diagnostics = result
    marks = [(e.path, dict(e.marks)) for e in (*chronology.events, *chronology.actors,
                                                 *chronology.places)]
    return chronology, [d.format() for d in diagnostics], diagnostics, marks


@pytest.fixture
def reads(monkeypatch) -> list[str]:
    """The paths of the entry files actually parsed, in order."""
    parsed: list[str] = []
    real = load.read_stamped

    def counting(root, kind, path, entry_id):
        parsed.append(path)
        return real(root, kind, path, entry_id)

    monkeypatch.setattr(load, "read_stamped", counting)
    monkeypatch.setattr(parallel, "PARALLEL_MIN_FILES", 10**9)  # parse here, to count
    return parsed


@pytest.fixture
def basic(copy_site) -> Path:
    root = copy_site("basic")
    settle(root)
    return root


def cached_paths(root: Path) -> list[str]:
    """The paths the cache file holds results for: a header, then its shards."""
    with open(root / ".chronicle-cache" / cache.CACHE_FILE, "rb") as stream:
        _, _, shards = pickle.load(stream)
        return [path for _ in range(shards) for path, _, _ in pickle.load(stream)]


# -- the parse cache ------------------------------------------------------------------------

def test_a_load_after_no_change_parses_nothing_and_gives_the_same(basic, reads):
    cold = snapshot(load_content(basic))
    assert len(reads) == 11
    assert (basic / ".chronicle-cache" / cache.CACHE_FILE).is_file()
    reads.clear()
    assert snapshot(load_content(basic)) == cold
    assert reads == []
    assert snapshot(load_content(basic, cache=False)) == cold


def test_an_edited_file_is_read_again(basic, reads):
    load_content(basic)
    reads.clear()
    file = basic / EVENT
    file.write_text(file.read_text().replace("Militants attack", "Gunmen attack"))
    chronology, _ = load_content(basic)
    assert reads == [EVENT]
    event = next(e for e in chronology.events if e.path == EVENT)
    assert event.title == "Gunmen attack the MINUSMA camp at Aguelhok"


def test_a_file_touched_but_unchanged_reads_the_same(basic, reads):
    cold = snapshot(load_content(basic))
    os.utime(basic / EVENT)  # saved again without a change: a new mtime
    reads.clear()
    assert snapshot(load_content(basic)) == cold
    assert reads == [EVENT]


def test_a_deleted_file_is_gone_from_the_chronology_and_the_cache(basic, reads):
    load_content(basic)
    (basic / EVENT).unlink()
    chronology, _ = load_content(basic)
    assert EVENT not in [e.path for e in chronology.events]
    stored = cache.ParseCache(basic)
    assert stored.get(EVENT, (1, 1)) is None
    assert EVENT not in cached_paths(basic)
    assert len(cached_paths(basic)) == 10


def test_files_changed_just_now_are_not_kept(basic, reads):
    """Two saves within one mtime tick can look alike by size and mtime: such files are
    read again next time rather than trusted."""
    load_content(basic)
    file = basic / EVENT
    file.write_text(file.read_text().replace("8", "9"))
    load_content(basic)
    reads.clear()
    load_content(basic)
    assert reads == [EVENT]


@pytest.mark.parametrize("garbage", [b"", b"not a pickle", b"\x80\x05K\x01.",
                                     pickle.dumps(("an old version", {}))])
def test_a_corrupt_or_old_cache_is_ignored(basic, reads, garbage):
    cold = snapshot(load_content(basic, cache=False))
    folder = basic / ".chronicle-cache"
    folder.mkdir(exist_ok=True)
    (folder / cache.CACHE_FILE).write_bytes(garbage)
    reads.clear()
    assert snapshot(load_content(basic)) == cold
    assert len(reads) == 11
    reads.clear()
    assert snapshot(load_content(basic)) == cold  # and it was written anew
    assert reads == []


def test_a_cache_from_an_older_chronicle_is_not_served(basic, reads):
    """Results stored by other code (here: a made-up title) are never used."""
    chronology, _ = load_content(basic)
    event = next(e for e in chronology.events if e.path == EVENT)
    import dataclasses
    stamp = cache.signature(str(basic / EVENT))
    forged = [(EVENT, stamp, (dataclasses.replace(event, title="Forged"), ()))]
    (basic / ".chronicle-cache" / cache.CACHE_FILE).write_bytes(
        cache.dumps(("0" * 64, time.time_ns(), 1)) + cache.dumps(forged))
    chronology, _ = load_content(basic)
    assert "Forged" not in [e.title for e in chronology.events]


class _Planted:
    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (os.mkdir, (str(self.marker),))


def test_a_cache_naming_other_code_runs_nothing(basic, tmp_path):
    """A chronology cloned from elsewhere may carry a .chronicle-cache/ of its own."""
    marker = tmp_path / "planted"
    cold = snapshot(load_content(basic, cache=False))
    folder = basic / ".chronicle-cache"
    folder.mkdir(exist_ok=True)
    (folder / cache.CACHE_FILE).write_bytes(pickle.dumps((cache.VERSION, _Planted(marker))))
    assert snapshot(load_content(basic)) == cold
    assert not marker.exists()


def test_a_read_only_chronology_still_loads(basic, monkeypatch):
    def refuse(*args, **kwargs):
        raise PermissionError("read-only")

    monkeypatch.setattr(Path, "write_bytes", refuse)
    chronology, _ = load_content(basic)
    assert len(chronology.events) == 4
    assert not (basic / ".chronicle-cache" / cache.CACHE_FILE).exists()


# -- forked workers -----------------------------------------------------------------------

INVALID_CASES = sorted(p.name for p in SITES_INVALID.iterdir() if p.is_dir())


@pytest.mark.skipif(sys.platform == "win32", reason="no fork on Windows: always serial")
@pytest.mark.parametrize("case", ["many-errors", "duplicate-id", "not-utf8", "url-collision"])
def test_forked_workers_read_exactly_what_one_process_reads(monkeypatch, case):
    assert case in INVALID_CASES
    root = SITES_INVALID / case
    serial = snapshot(ContentReader(root, cache=False).read())
    monkeypatch.setattr(parallel, "PARALLEL_MIN_FILES", 1)
    monkeypatch.setattr(parallel, "workers", lambda: 2)
    assert snapshot(ContentReader(root, cache=False).read()) == serial


@pytest.mark.skipif(sys.platform == "win32", reason="no fork on Windows: always serial")
def test_what_forked_workers_read_is_cached_for_the_next_load(basic, monkeypatch):
    monkeypatch.setattr(parallel, "PARALLEL_MIN_FILES", 1)
    monkeypatch.setattr(parallel, "workers", lambda: 2)
    cold = snapshot(load_content(basic))
    assert sorted(cached_paths(basic)) == sorted(
        str(p.relative_to(basic)) for p in (basic / "content").rglob("*.yaml"))
    monkeypatch.setattr(parallel, "PARALLEL_MIN_FILES", 10**9)
    monkeypatch.setattr(load, "read_stamped", lambda *args: pytest.fail(f"read {args}"))
    assert snapshot(load_content(basic)) == cold


@pytest.mark.skipif(sys.platform == "win32", reason="no fork on Windows: always serial")
def test_forked_workers_read_the_sample_chronology_alike(monkeypatch, repo_root):
    serial = snapshot(ContentReader(repo_root, cache=False).read())
    monkeypatch.setattr(parallel, "PARALLEL_MIN_FILES", 1)
    monkeypatch.setattr(parallel, "workers", lambda: 2)
    parallel_read = snapshot(ContentReader(repo_root, cache=False).read())
    assert parallel_read == serial
    assert len(parallel_read[0].events) > 10


# -- the store a long-lived process keeps ---------------------------------------------------

def _edits(root: Path, rng: random.Random) -> list[Path]:
    """One random change a person might make, and the paths it touched."""
    content = root / "content"
    files = sorted(p for p in content.rglob("*.yaml"))
    file = rng.choice(files)
    choice = rng.randrange(10)
    if choice == 0:  # edit a value, keeping the size: mtime may not even change
        file.write_bytes(file.read_bytes().replace(b"a", b"e", 1))
    elif choice == 1:  # break the YAML
        file.write_bytes(file.read_bytes() + b"oops: [unclosed\n")
    elif choice == 2:
        file.unlink()
    elif choice == 3:  # a new event naming someone unknown, or known by an alias
        actor = rng.choice(["GSIM", "fama", "nobody-known", "JNIM", "minusmaa"])
        new = content / "events" / f"2020-0{rng.randrange(1, 9)}-new-{rng.randrange(99)}.yaml"
        new.write_text(f"title: New\ndate: 2020-03-0{rng.randrange(1, 9)}\ntype: attack\n"
                       f"actors: [{actor}]\nplaces: [kerena]\nstatus: draft\n"
                       "sources: [{file: seeds/a.txt}]\n")
        return [new]
    elif choice == 4:  # rename
        target = file.with_name(f"renamed-{rng.randrange(99)}.yaml")
        file.rename(target)
        return [file, target]
    elif choice == 5 and (content / "actors").is_dir():  # aliases change who a name means
        actor = content / "actors" / "renamed-actor.yaml"
        actor.write_text(f"name: Renamed\naliases: [{rng.choice(['GSIM', 'Kerena', 'x'])}]\n")
        return [actor]
    elif choice == 6:
        (root / "chronicle.yaml").write_text(
            f"title: T\nevent_types: [attack, {rng.choice(['political', 'battle'])}]\n")
        return [root / "chronicle.yaml"]
    elif choice == 8:  # the article an event cites appears or goes
        seed = root / "seeds" / "a.txt"
        if seed.exists():
            seed.unlink()
        else:
            seed.parent.mkdir(exist_ok=True)
            seed.write_text("An article.\n")
        return [seed]
    elif choice == 7:
        file.write_bytes(b"title: \xff\n")
    else:
        file.write_text("")
    return [file]


@pytest.mark.parametrize("seed", range(8))
def test_updates_give_what_a_fresh_load_gives(copy_site, seed):
    root = copy_site("basic")
    settle(root)
    rng = random.Random(seed)
    drafts = rng.choice([None, False, True])
    store = ContentStore(drafts=drafts)
    assert snapshot(store.load(root)) == snapshot(load_checked(root, drafts))
    for _ in range(12):
        changed = _edits(root, rng)
        if rng.random() < 0.5:
            changed = [str(p.relative_to(root)) for p in changed]
        assert snapshot(store.update(changed)) == snapshot(load_checked(root, drafts))


def test_an_update_reads_only_the_files_named(basic, reads):
    store = ContentStore()
    store.load(basic)
    reads.clear()
    file = basic / EVENT
    file.write_text(file.read_text().replace("jnim", "GSIM"))
    chronology, diagnostics = store.update([file])
    assert reads == [EVENT]
    assert not [d for d in diagnostics if d.is_error]
    event = next(e for e in chronology.events if e.path == EVENT)
    assert event.actors[0].actor == "jnim"  # the alias resolved


def test_paths_outside_the_chronology_are_ignored(basic, tmp_path):
    store = ContentStore()
    loaded = snapshot(store.load(basic))
    assert snapshot(store.update([tmp_path / "elsewhere.yaml", "../x.yaml"])) == loaded


def test_update_before_load_is_a_mistake_of_the_caller():
    with pytest.raises(RuntimeError):
        ContentStore().update(["content/events/x.yaml"])


def test_a_cited_article_that_appears_is_found_by_the_next_update(basic):
    store = ContentStore()
    store.load(basic)
    event = basic / "content" / "events" / "2020-03-01-cites-an-article.yaml"
    event.write_text("title: T\ndate: 2020-03-01\ntype: attack\nsources: [{file: seeds/a.txt}]\n")
    _, diagnostics = store.update([event])
    assert "source.file" in [d.code for d in diagnostics]
    (basic / "seeds").mkdir(exist_ok=True)
    (basic / "seeds" / "a.txt").write_text("The article.\n")
    _, diagnostics = store.update([basic / "seeds" / "a.txt"])
    assert "source.file" not in [d.code for d in diagnostics]
    assert snapshot(store.update([])) == snapshot(load_checked(basic))


def test_suggestions_after_an_update_follow_the_order_a_fresh_load_gives(basic):
    """Past 50 distinct misses no more spellings are suggested, so fixing an early miss
    gives a later one its suggestion: an update must notice, as a fresh load does."""
    events = basic / "content" / "events"
    for index in range(51):
        (events / f"2022-01-01-miss-{index:02d}.yaml").write_text(
            f"title: T\ndate: 2022-01-01\ntype: attack\nactors: [jnim{index:02d}]\n")
    store = ContentStore()
    first = store.load(basic)
    assert sum("did you mean" in d.message for d in first[1]) == 50
    fixed = events / "2022-01-01-miss-00.yaml"
    fixed.write_text("title: T\ndate: 2022-01-01\ntype: attack\nactors: [jnim]\n")
    updated = store.update([fixed])
    assert snapshot(updated) == snapshot(load_checked(basic))
    assert "unknown actor 'jnim50' (did you mean 'jnim'?)" in [d.message for d in updated[1]]


# -- updates in place: an edit of known event files alone -----------------------------------

@pytest.fixture
def listings(monkeypatch) -> list[str]:
    """The folders listed, by any read of the chronology."""
    listed: list[str] = []
    real_names, real_stray = load.entry_names, load._stray_files

    def names(folder):
        listed.append(Path(folder).name)
        return real_names(folder)

    def stray(root, content, diagnostics):
        listed.append(Path(content).name)
        return real_stray(root, content, diagnostics)

    monkeypatch.setattr(load, "entry_names", names)
    monkeypatch.setattr(load, "_stray_files", stray)
    return listed


def test_a_text_edit_lists_no_folder_and_reads_one_file(basic, reads, listings):
    store = ContentStore()
    store.load(basic)
    reads.clear()
    listings.clear()
    file = basic / EVENT
    file.write_text(file.read_text().replace("Militants attack", "Gunmen attack"))
    updated = store.update([file])
    assert (reads, listings) == ([EVENT], [])
    assert snapshot(updated) == snapshot(load_checked(basic))
    assert "Gunmen attack the MINUSMA camp at Aguelhok" in [e.title for e in updated[0].events]


def test_a_new_or_deleted_event_file_lists_the_folders(basic, listings):
    store = ContentStore()
    store.load(basic)
    new = basic / "content/events/2022-01-01-new.yaml"
    new.write_text("title: New\ndate: 2022-01-01\ntype: attack\n")
    listings.clear()
    assert snapshot(store.update([new])) == snapshot(load_checked(basic))
    assert "events" in listings
    new.unlink()
    listings.clear()
    assert snapshot(store.update([new])) == snapshot(load_checked(basic))
    assert "events" in listings


def _event_text(rng: random.Random, number: int) -> str:
    """An event file as a person may leave it after a save: mostly fine, sometimes not."""
    actor = rng.choice(["jnim", "GSIM", "minusma", "UN mission in Mali", "togo", "jnim",
                        "minusma", "united-nations", "Togolese contingent", "minusmaa"])
    place = rng.choice(["aguelhok", "kerena", "tessalit", "Kerena", "aguelhok", "atlantis"])
    date = rng.choice(["2019-01-20", "2019-01", "2020", "2019-02-30", "2018-04",
                       f"2021-0{rng.randrange(1, 10)}-1{number % 10}"])
    lines = [f"title: Edit {number}" if rng.random() < 0.95 else "title: [unclosed",
             f"date: {date}",
             f"type: {rng.choice(['attack', 'attack', 'political', 'attak'])}"]
    if rng.random() < 0.3:
        lines.append("status: draft")
    if rng.random() < 0.3:
        lines.append(f"end_date: {rng.choice(['2018-01', '2023'])}")
    if rng.random() < 0.8:
        lines.append(f"actors:\n  - {{actor: {actor}, role: perpetrator}}")
    if rng.random() < 0.8:
        lines.append(f"places: [{place}]")
    if rng.random() < 0.4:
        lines.append(f"sources: [{{file: seeds/{rng.choice(['a', 'b'])}.txt}}]")
    if rng.random() < 0.1:
        lines.append("colour: red")
    lines.append(f"summary: Said {'*' * rng.randrange(3)}this{'*' * rng.randrange(3)}.")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("seed", range(6))
def test_event_edits_in_place_give_what_a_fresh_load_gives(copy_site, listings, seed):
    """Many rounds of edits to one or two existing event files: a chronology of a few dozen
    events, some with errors, warnings, drafts and cited articles, compared in full (every
    entry, mark and diagnostic) with a fresh load after each round. Most rounds must be
    patched in place (no folder listed), or this tests only the other path."""
    root = copy_site("basic")
    rng = random.Random(seed)
    events = root / "content" / "events"
    (root / "seeds").mkdir()
    (root / "seeds" / "a.txt").write_text("An article.\n")
    for number in range(30):
        (events / f"event-{number:02d}.yaml").write_text(_event_text(rng, number))
    settle(root)
    files = sorted(events.glob("*.yaml"))
    drafts = rng.choice([None, False, True])
    store = ContentStore(drafts=drafts)
    assert snapshot(store.load(root)) == snapshot(load_checked(root, drafts))
    in_place = 0
    for number in range(40):
        edited = rng.sample(files, rng.choice([1, 1, 1, 2]))
        for file in edited:
            file.write_text(_event_text(rng, number))
        listings.clear()
        updated = store.update(edited)
        in_place += not listings
        assert snapshot(updated) == snapshot(load_checked(root, drafts)), number
    assert in_place >= 15, in_place


def test_a_new_miss_before_fifty_others_takes_a_suggestion_from_a_later_one(basic):
    """An edited event that now names an unknown actor changes which other misses get a
    suggestion (only the first 50, in date order, do): it cannot be checked alone."""
    events = basic / "content" / "events"
    for index in range(50):
        (events / f"2022-01-01-miss-{index:02d}.yaml").write_text(
            f"title: T\ndate: 2022-01-01\ntype: attack\nactors: [jnim{index:02d}]\n")
    store = ContentStore()
    store.load(basic)
    early = events / "2018-04-aguelhok-assault.yaml"
    early.write_text(early.read_text().replace("actor: minusma", "actor: minusmaa"))
    updated = store.update([early])
    assert snapshot(updated) == snapshot(load_checked(basic))
    messages = [d.message for d in updated[1]]
    assert "unknown actor 'minusmaa' (did you mean 'minusma'?)" in messages
    assert "unknown actor 'jnim49'" in messages
