"""The watcher on a real file system: every editor's save pattern is one rebuild.

The build is a recording fake here: what is under test is which batches reach it.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from chronicle.diagnostics import ContentError, error
from chronicle.model import Mark
from chronicle.watch import Rebuilder, Watcher, watch_and_rebuild


class RecordingBuild:
    """Stands in for chronicle.build.build: records each call's `changed` set."""

    def __init__(self, fail_with: Exception | None = None):
        self.calls: list[frozenset[Path] | None] = []
        self.fail_with = fail_with
        self._lock = threading.Lock()

    def __call__(self, root, out=None, *, drafts=None, changed=None):
        with self._lock:
            self.calls.append(None if changed is None else frozenset(changed))
        if self.fail_with is not None:
            raise self.fail_with
        return object()


@pytest.fixture
def chronology(tmp_path) -> Path:
    root = tmp_path / "chrono"
    (root / "content/events").mkdir(parents=True)
    (root / "content/actors").mkdir()
    (root / "themes/default/templates").mkdir(parents=True)
    (root / "themes/default/static").mkdir(parents=True)
    (root / "site/events/a").mkdir(parents=True)
    (root / "seeds").mkdir()
    (root / "chronicle.yaml").write_text("title: Test\n")
    (root / "content/events/a.yaml").write_text("title: A\n")
    (root / "content/events/b.yaml").write_text("title: B\n")
    (root / "themes/default/templates/base.html").write_text("<html></html>\n")
    (root / "themes/default/static/style.css").write_text("body {}\n")
    (root / "site/index.html").write_text("<html></html>\n")
    return root


def watching(root: Path, build: RecordingBuild, *, poll: bool = False, ingest: bool = False,
             ingest_articles=None, logs: list[str] | None = None) -> Watcher:
    rebuilder = Rebuilder(root, build=build, ingest=ingest, ingest_articles=ingest_articles,
                          log=(logs.append if logs is not None else lambda text: None))
    watcher = Watcher(rebuilder, poll=poll, ingest=ingest).start()
    time.sleep(0.2)  # inotify watches are in place once start() returns; polling needs a lap
    return watcher


def save_in_place(path: Path, text: str) -> None:
    with open(path, "w") as handle:
        handle.write(text[: len(text) // 2])
        handle.flush()
        handle.write(text[len(text) // 2:])


def save_via_temp_rename(path: Path, text: str) -> None:
    """VS Code with atomic saves: write a temp file beside it, rename over the original."""
    temp = path.with_name(path.name + ".tmp")
    temp.write_text(text)
    os.replace(temp, path)


def save_like_jetbrains(path: Path, text: str) -> None:
    temp = path.with_name(path.name + "___jb_tmp___")
    old = path.with_name(path.name + "___jb_old___")
    temp.write_text(text)
    os.replace(path, old)
    os.replace(temp, path)
    old.unlink()


def save_like_vim(path: Path, text: str) -> None:
    """Vim's default: swap file, 4913 probe, original renamed to a backup, new file, backup gone."""
    swap = path.with_name(f".{path.name}.swp")
    swap.write_bytes(b"b0VIM 9.0")
    probe = path.with_name("4913")
    probe.write_text("")
    probe.unlink()
    backup = path.with_name(path.name + "~")
    os.replace(path, backup)
    path.write_text(text)
    backup.unlink()
    swap.unlink()


SAVES = [save_in_place, save_via_temp_rename, save_like_jetbrains, save_like_vim]


@pytest.mark.parametrize("save", SAVES, ids=lambda f: f.__name__)
def test_each_save_pattern_is_one_rebuild_of_that_file(chronology, save):
    build = RecordingBuild()
    event = chronology / "content/events/a.yaml"
    with watching(chronology, build) as watcher:
        save(event, "title: A, edited\n")
        assert watcher.settle()
    assert build.calls == [frozenset({event})]


def test_new_file_delete_and_rename_are_one_rebuild_each(chronology):
    build = RecordingBuild()
    events = chronology / "content/events"
    with watching(chronology, build) as watcher:
        (events / "c.yaml").write_text("title: C\n")
        assert watcher.settle()
        (events / "b.yaml").unlink()
        assert watcher.settle()
        os.replace(events / "a.yaml", events / "a2.yaml")
        assert watcher.settle()
    assert build.calls == [
        frozenset({events / "c.yaml"}),
        frozenset({events / "b.yaml"}),
        frozenset({events / "a.yaml", events / "a2.yaml"}),
    ]


def test_a_burst_of_fifty_saves_is_one_or_two_rebuilds(chronology):
    build = RecordingBuild()
    event = chronology / "content/events/a.yaml"
    with watching(chronology, build) as watcher:
        for i in range(50):
            save_in_place(event, f"title: A {i}\n")
            time.sleep(0.02)
        assert watcher.settle()
    assert 1 <= len(build.calls) <= 2
    assert all(call == frozenset({event}) for call in build.calls)


def test_writing_into_the_output_and_editor_noise_rebuild_nothing(chronology):
    build = RecordingBuild()
    with watching(chronology, build) as watcher:
        for i in range(10):
            (chronology / "site/index.html").write_text(f"<p>{i}</p>")
            (chronology / f"site/events/a/page{i}.html").write_text("x")
        os.replace(chronology / "site", chronology / "site.old")   # a build swapping its output
        (chronology / "site").mkdir()
        (chronology / ".chronicle-cache").mkdir()
        (chronology / ".chronicle-cache/pages.json").write_text("{}")
        (chronology / "content/events/.a.yaml.swp").write_text("swap")
        (chronology / "content/events/a.yaml~").write_text("backup")
        (chronology / "README.md").write_text("notes")
        (chronology / "seeds/new.txt").write_text("an article, but no --ingest")
        time.sleep(0.5)
        assert watcher.settle()
    assert build.calls == []


def test_template_static_and_config_changes(chronology):
    build = RecordingBuild()
    template = chronology / "themes/default/templates/base.html"
    style = chronology / "themes/default/static/style.css"
    with watching(chronology, build) as watcher:
        template.write_text("<html><body></body></html>\n")
        assert watcher.settle()
        style.write_text("body { color: red }\n")
        assert watcher.settle()
        (chronology / "chronicle.yaml").write_text("title: Renamed\n")
        assert watcher.settle()
    # config feeds every page: a full build (changed=None), never a partial one
    assert build.calls == [frozenset({template}), frozenset({style}), None]


def test_polling_observer_sees_saves_too(chronology):
    build = RecordingBuild()
    event = chronology / "content/events/a.yaml"
    with watching(chronology, build, poll=True) as watcher:
        time.sleep(0.3)
        save_via_temp_rename(event, "title: polled\n")
        time.sleep(0.6)
        assert watcher.settle()
    assert build.calls == [frozenset({event})]


def test_content_errors_are_printed_and_kept_and_the_watcher_goes_on(chronology):
    diagnostic = error(Mark("content/events/a.yaml", 1, 8), "yaml.syntax", "bad YAML",
                       "close the quote")
    build = RecordingBuild(fail_with=ContentError([diagnostic]))
    outcomes, logs = [], []
    rebuilder = Rebuilder(chronology, build=build, on_rebuilt=outcomes.append, log=logs.append)
    with Watcher(rebuilder).start() as watcher:
        time.sleep(0.1)
        (chronology / "content/events/a.yaml").write_text('title: "A\n')
        assert watcher.settle()
        build.fail_with = RuntimeError("template exploded")
        (chronology / "content/events/a.yaml").write_text("title: A\n")
        assert watcher.settle()
        build.fail_with = None
        (chronology / "content/events/a.yaml").write_text("title: A again\n")
        assert watcher.settle()
    assert [o.diagnostics for o in outcomes] == [(diagnostic,), (), ()]
    assert outcomes[1].failure.startswith("RuntimeError: template exploded")
    assert outcomes[2].ok and outcomes[2].built
    text = "\n".join(logs)
    assert "content/events/a.yaml:1:8: error: bad YAML [yaml.syntax]" in text
    assert "hint: close the quote" in text
    assert "RuntimeError: template exploded" in text


def test_new_seed_articles_are_ingested_with_ingest(chronology):
    build = RecordingBuild()
    ingested: list[list[Path]] = []

    def ingest(root, articles):
        ingested.append(articles)
        (root / "content/events/from-seed.yaml").write_text("title: drafted\n")

    with watching(chronology, build, ingest=True, ingest_articles=ingest) as watcher:
        (chronology / "seeds/006_new.txt").write_text("An article.\n")
        assert watcher.settle()
    assert ingested == [[chronology / "seeds/006_new.txt"]]
    # the drafts it wrote are content changes of their own
    assert build.calls == [frozenset({chronology / "content/events/from-seed.yaml"})]


def test_watch_and_rebuild_runs_until_stopped(chronology):
    build = RecordingBuild()
    stop = threading.Event()
    outcomes = []
    runner = threading.Thread(target=lambda: outcomes.append(watch_and_rebuild(
        chronology, None, None, False, None, build=build, stop=stop)))
    runner.start()
    time.sleep(0.3)
    (chronology / "content/events/a.yaml").write_text("title: A2\n")
    deadline = time.monotonic() + 5
    while len(build.calls) < 2 and time.monotonic() < deadline:
        time.sleep(0.02)
    stop.set()
    runner.join(5)
    assert not runner.is_alive()
    assert outcomes == [0]
    # a full build first, then the save
    assert build.calls == [None, frozenset({chronology / "content/events/a.yaml"})]


class WarmingBuild(RecordingBuild):
    """A remembering build: records warm() calls, and any that overlap a build."""

    def __init__(self):
        super().__init__()
        self.log: list[str] = []
        self.running = threading.Lock()

    def __call__(self, root, out=None, *, drafts=None, changed=None):
        with self.running:
            self.log.append("build")
            time.sleep(0.05)
            return super().__call__(root, out, drafts=drafts, changed=changed)

    def warm(self):
        assert self.running.acquire(blocking=False), "warm() overlapped a build"
        try:
            self.log.append(f"warm on {threading.current_thread().name}")
            time.sleep(0.2)
        finally:
            self.running.release()


def test_a_remembering_build_is_warmed_after_start_and_after_each_rebuild(chronology):
    """Warming (Builder.warm) runs on the rebuild thread, so serving starts at once and
    a save arriving meanwhile waits for it instead of racing it."""
    build = WarmingBuild()
    event = chronology / "content/events/a.yaml"
    with watching(chronology, build) as watcher:
        save_in_place(event, "title: A, edited\n")  # while the first warm() runs
        assert watcher.settle()
        save_in_place(event, "title: A, again\n")
        assert watcher.settle()
    warm = "warm on chronicle-debounce"
    assert build.log == [warm, "build", warm, "build", warm]
