"""`chronicle build` as a whole: deterministic, cached, incremental, and all-or-nothing."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from pathlib import Path

import pytest

from chronicle.build import build
from chronicle.cli import main
from chronicle.diagnostics import ContentError
from chronicle.render import batch


def snapshot(site: Path) -> dict[str, str]:
    """Every file of a site (search index aside: Pagefind's is its own) and its hash."""
    return {
        p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(site.rglob("*"))
        if p.is_file() and "pagefind" not in p.relative_to(site).parts
    }


def test_two_builds_are_byte_identical(copy_site, tmp_path):
    root = copy_site("basic")
    build(root, tmp_path / "one", search=False)
    build(root, tmp_path / "two", search=False)  # another output: a cold build again
    assert snapshot(tmp_path / "one") == snapshot(tmp_path / "two")


def test_parallel_rendering_writes_what_serial_rendering_writes(copy_site, tmp_path, monkeypatch):
    root = copy_site("basic")
    build(root, tmp_path / "serial", search=False)
    monkeypatch.setattr(batch, "PARALLEL_MIN_PAGES", 1)
    (root / ".chronicle-cache").rename(root / "old-cache")
    report = build(root, tmp_path / "parallel", search=False)
    assert report.rendered == set(snapshot(tmp_path / "parallel"))
    assert snapshot(tmp_path / "serial") == snapshot(tmp_path / "parallel")


def test_rows_made_before_forking_are_the_rows_pages_make_and_none_is_made_again(copy_site):
    """A parallel build makes every event's row at the depth of entity pages before it
    forks (the workers inherit them): those are the rows the pages would have made, and
    rendering every page then makes none of them again."""
    from chronicle.link import link
    from chronicle.pages import plan
    from chronicle.render import render_page
    from chronicle.render.templates import (
        ENTITY_PAGE_DEPTH,
        make_environment,
        make_rows,
        template_dirs,
        theme_dir,
    )
    from chronicle.validate import load_checked

    root = copy_site("basic")
    chronology, _ = load_checked(root)
    linked = link(chronology)
    config = chronology.config
    folders = template_dirs(root, theme_dir(root, config.theme))
    lazy, early = make_environment(folders), make_environment(folders)
    make_rows(early, config, linked.events)
    rows = early.globals["_row_cache"]
    made = dict(rows)
    assert set(made) == {(e.id, ENTITY_PAGE_DEPTH) for e in linked.events}
    for page in plan(linked):
        assert render_page(early, page, config) == render_page(lazy, page, config)
    assert all(rows[key][1] is row for key, (_, row) in made.items())  # none made again
    assert {key: row for key, (_, row) in lazy.globals["_row_cache"].items()
            if key in made} == {key: row for key, (_, row) in made.items()}


@pytest.mark.parametrize("row", ["{{ e.no_such_field }}", None],
                         ids=["row template fails", "row template missing"])
def test_a_broken_row_template_gives_a_parallel_build_the_serial_builds_error(
        copy_site, tmp_path, monkeypatch, capsys, row):
    """The parallel build makes rows before it forks; a row template that fails there is
    still reported by the page that lists the row, as a serial build reports it: exit 1,
    one clear line, no traceback."""
    root = copy_site("basic")
    theme = root / "themes" / "bare"
    if row is None:  # a theme of its own, without the row partial
        from chronicle.render.templates import theme_dir

        shutil.copytree(theme_dir(root, "default"), theme)
        (theme / "templates" / "partials" / "event_item.html").unlink()
        config = root / "chronicle.yaml"
        config.write_text(config.read_text(encoding="utf-8") + "theme: bare\n",
                          encoding="utf-8")
    else:
        (root / "templates" / "partials").mkdir(parents=True)
        (root / "templates" / "partials" / "event_item.html").write_text(row)
    printed = []
    for parallel in (False, True):
        monkeypatch.setattr(batch, "PARALLEL_MIN_PAGES", 1 if parallel else 10**9)
        shutil.rmtree(root / ".chronicle-cache", ignore_errors=True)
        assert main(["build", "--root", str(root), "--out", str(tmp_path / str(parallel)),
                     "--no-search"]) == 1
        captured = capsys.readouterr()
        assert "Traceback" not in captured.err
        assert not (tmp_path / str(parallel)).exists()
        printed.append(captured.err)
    # the same error; workers may meet it first on another page that lists rows
    def same(text: str) -> str:
        return re.sub(r"while rendering \S+/index\.html:", "while rendering PAGE:", text)

    assert same(printed[0]) == same(printed[1])
    assert printed[0].startswith("error: ") and printed[0].count("\n") == 1
    assert "event_item.html" in printed[0] or "no_such_field" in printed[0]


def test_a_cold_parallel_build_starts_the_exports_before_it_plans(copy_site, tmp_path,
                                                                   monkeypatch):
    """The exports read only the linked chronology: a build that renders every page on
    workers starts them before the plan, and writes what a serial build writes."""
    from chronicle import build as build_module

    root = copy_site("basic")
    build(root, tmp_path / "serial", search=False)
    serial_keys = _manifest_keys(root)
    monkeypatch.setattr(batch, "PARALLEL_MIN_PAGES", 1)
    steps = []
    for name in ("start_exports", "plan"):
        real = getattr(build_module, name)
        monkeypatch.setattr(build_module, name,
                            lambda *args, _name=name, _real=real: steps.append(_name)
                            or _real(*args))
    report = build(root, tmp_path / "parallel", search=False)  # a new folder: cold
    assert steps == ["start_exports", "plan"]
    assert {"data/events.json", "data/events.csv"} <= report.rendered
    assert snapshot(tmp_path / "serial") == snapshot(tmp_path / "parallel")
    # the keys, made on a worker while the pages rendered, are the serial build's
    assert _manifest_keys(root) == serial_keys
    assert build(root, tmp_path / "parallel", search=False).rendered == set()


@pytest.mark.parametrize("early", [True, False], ids=["cold: started early", "staged"])
def test_a_parallel_build_makes_the_exports_in_one_worker_sharing_the_summary_text(
        copy_site, tmp_path, monkeypatch, early):
    """The CSV notes and the TimelineJS text are the same plain text of each summary: the
    four exports run in one worker, which makes it once per event, as a serial build
    does, and keeps no export's pieces past its file (the worker exits after)."""
    from chronicle import build as build_module
    from chronicle.render import exports
    from chronicle.render.pieces import EventPieces

    monkeypatch.setattr(exports, "PIECES", EventPieces())  # none from earlier builds here
    root, out = copy_site("basic"), tmp_path / "site"
    if not early:  # a rebuild of every page, staged: the exports rendered among the pages
        build(root, out, search=False)
        for path in (root / "content" / "events").glob("*.yaml"):
            path.write_text(path.read_text() + "tags: [edited]\n")
        monkeypatch.setattr(build_module, "IN_PLACE_MIN", 0)
        monkeypatch.setattr(build_module, "IN_PLACE_MAX_SHARE", 0)
        monkeypatch.setattr(exports, "PIECES", EventPieces())  # none from that build
    monkeypatch.setattr(batch, "PARALLEL_MIN_PAGES", 1)
    log = tmp_path / "made.log"

    def logging(name, real):
        def logged(*args):
            with open(log, "a") as made:
                if name == "text":
                    made.write(f"text {args[0].id}\n")
                else:  # an export starts: what the memo holds by then
                    kinds = {k for e in exports.PIECES._by_id.values() for k in e.pieces}
                    made.write(f"{name} holds {','.join(sorted(kinds)) or '-'}\n")
            return real(*args)
        return logged

    monkeypatch.setattr(exports, "_summary_text", logging("text", exports._summary_text))
    for name in ("events_json", "events_csv", "events_geojson", "timeline_json"):
        monkeypatch.setattr(exports, name, logging(name, getattr(exports, name)))
    build(root, out, search=False)
    events = sorted(path.stem for path in (root / "content" / "events").glob("*.yaml"))
    lines = log.read_text().splitlines()
    assert sorted(line[5:] for line in lines if line.startswith("text ")) == events
    # the largest first, before the shared text is held; no export's pieces kept after it
    assert [line for line in lines if " holds " in line] == [
        "events_json holds -", "events_csv holds -", "events_geojson holds text",
        "timeline_json holds text"]
    assert exports.PIECES.keeps_pieces  # this process (a watching one) keeps its memo


def test_a_cold_parallel_build_makes_the_entity_folders_before_the_render(
        copy_site, tmp_path, monkeypatch):
    """The folders of event, actor and place pages are made on a worker while the build
    links, not by the render workers (which would wait on each other for the one parent
    folder); the site is the serial build's."""
    import sys

    root = copy_site("basic")
    build(root, tmp_path / "serial", search=False)
    monkeypatch.setattr(batch, "PARALLEL_MIN_PAGES", 1)
    log, real = tmp_path / "mkdir.log", os.mkdir

    def logged(path, *args, **kwargs):
        frame = sys._getframe(1)  # who asked (through write.make_folder, which both use)
        if frame.f_code.co_name == "make_folder":
            frame = frame.f_back
        with open(log, "a") as made:
            made.write(f"{frame.f_code.co_name} {Path(path).name}\n")
        return real(path, *args, **kwargs)

    monkeypatch.setattr(os, "mkdir", logged)
    build(root, tmp_path / "parallel", search=False)
    calls = log.read_text().splitlines()
    entities = {f"{kind}/{path.stem}" for kind in ("events", "actors", "places")
                for path in (root / "content" / kind).glob("*.yaml")}
    made_early = [line.split()[1] for line in calls if line.startswith("make_folders ")]
    assert sorted(made_early) == sorted(name.split("/")[1] for name in entities)
    in_render = {line.split()[1] for line in calls if line.startswith("_render_range ")}
    assert not in_render & {name.split("/")[1] for name in entities}
    assert snapshot(tmp_path / "serial") == snapshot(tmp_path / "parallel")
    assert _folders(tmp_path / "serial") == _folders(tmp_path / "parallel")


def test_a_folder_made_early_for_an_entry_without_a_page_is_removed(copy_site, tmp_path,
                                                                    monkeypatch):
    from chronicle import build as build_module

    root = copy_site("basic")
    monkeypatch.setattr(batch, "PARALLEL_MIN_PAGES", 1)
    real_plan = build_module.plan
    dropped = "actors/minusma/index.html"
    monkeypatch.setattr(build_module, "plan",
                        lambda linked: [p for p in real_plan(linked) if p.url != dropped])
    build(root, tmp_path / "site", search=False)
    assert (tmp_path / "site" / "actors").is_dir()
    assert not (tmp_path / "site" / "actors" / "minusma").exists()
    assert all(any(folder.iterdir()) for folder in (tmp_path / "site").rglob("*")
               if folder.is_dir())


def _folders(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_dir())


def _manifest_keys(root: Path) -> dict[str, str]:
    return json.loads((root / ".chronicle-cache" / "manifest.json").read_text())["keys"]


def test_a_build_failing_after_the_exports_started_leaves_no_staging_or_worker(
        copy_site, tmp_path, monkeypatch):
    import multiprocessing

    from chronicle import build as build_module

    root, out = copy_site("basic"), tmp_path / "site"
    monkeypatch.setattr(batch, "PARALLEL_MIN_PAGES", 1)

    def failing_plan(linked):
        raise RuntimeError("plan failed")

    monkeypatch.setattr(build_module, "plan", failing_plan)
    with pytest.raises(RuntimeError, match="plan failed"):
        build(root, out, search=False)
    assert sorted(os.listdir(tmp_path)) == ["basic"]
    assert multiprocessing.active_children() == []


def test_unchanged_rebuild_renders_nothing(copy_site, tmp_path):
    root, out = copy_site("basic"), tmp_path / "site"
    cold = build(root, out, search=False)
    assert cold.rendered == set(snapshot(out))
    warm = build(root, out, search=False)
    assert warm.rendered == set()
    assert warm.pages == cold.pages


def test_editing_an_event_title_rerenders_the_pages_that_show_it(copy_site, tmp_path):
    root, out = copy_site("basic"), tmp_path / "site"
    build(root, out, search=False)
    entry = root / "content" / "events" / "2018-04-aguelhok-assault.yaml"
    entry.write_text(entry.read_text().replace("Two peacekeepers killed", "Two soldiers killed"))
    report = build(root, out, search=False)
    assert "events/2018-04-aguelhok-assault/index.html" in report.rendered
    assert "actors/minusma/index.html" in report.rendered  # lists it
    assert "places/aguelhok/index.html" in report.rendered
    assert "years/2018/index.html" in report.rendered
    assert "data/events.json" in report.rendered
    # pages that neither show nor link it stay as they were
    assert "actors/togo/index.html" not in report.rendered
    assert "places/kerena/index.html" not in report.rendered
    assert "static/style.css" not in report.rendered
    # and the result is exactly a cold build of the edited chronology
    (root / ".chronicle-cache").rename(root / "old-cache")
    build(root, tmp_path / "cold", search=False)
    assert snapshot(out) == snapshot(tmp_path / "cold")


def test_deleting_an_event_removes_its_page(copy_site, tmp_path):
    root, out = copy_site("basic"), tmp_path / "site"
    build(root, out, search=False)
    (root / "content" / "events" / "2021-mali-coup.yaml").unlink()
    report = build(root, out, search=False)
    assert "events/2021-mali-coup/index.html" in report.removed
    assert not (out / "events" / "2021-mali-coup").exists()


def test_a_template_edit_rerenders_exactly_the_pages_that_use_it(copy_site, tmp_path):
    from chronicle.render.templates import theme_dir

    root, out = copy_site("basic"), tmp_path / "site"
    build(root, out, search=False)
    (root / "templates").mkdir()
    (root / "templates" / "404.html").write_text("gone")
    assert build(root, out, search=False).rendered == {"404.html"}
    theme = theme_dir(root, "default") / "templates"
    (root / "templates" / "partials").mkdir()
    row = (theme / "partials" / "event_item.html").read_text()
    (root / "templates" / "partials" / "event_item.html").write_text(row.replace(
        'class="event', 'class="event row'))
    rows = build(root, out, search=False).rendered  # pages that list events, no others
    assert {"index.html", "years/2019/index.html", "actors/jnim/index.html"} <= rows
    assert not rows & {"actors/index.html", "places/index.html", "404.html"}  # no event rows
    base = (theme / "base.html").read_text()
    (root / "templates" / "base.html").write_text(base.replace("</body>", "<!-- x --></body>"))
    report = build(root, out, search=False)
    html = {u for u in snapshot(out) if u.endswith(".html")} - {"404.html"}
    assert report.rendered == html
    assert not any(u.startswith("data/") or u.endswith(".xml") for u in report.rendered)


def test_failed_build_leaves_the_old_site_untouched(copy_site, tmp_path):
    root, out = copy_site("basic"), tmp_path / "site"
    build(root, out, search=False)
    before = snapshot(out)
    entry = root / "content" / "events" / "2019-01-20-aguelhok-attack.yaml"
    entry.write_text(entry.read_text().replace("places: [aguelhok, tessalit]",
                                               "places: [aguelhok, nowhere]"))
    with pytest.raises(ContentError) as caught:
        build(root, out, search=False)
    assert any(d.code == "ref.unknown" for d in caught.value.diagnostics)
    assert snapshot(out) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".site")] == []


def test_a_render_error_midway_leaves_the_old_site_and_no_staging(copy_site, tmp_path):
    root, out = copy_site("basic"), tmp_path / "site"
    build(root, out, search=False)
    before = snapshot(out)
    (root / "templates").mkdir()
    (root / "templates" / "place.html").write_text("{{ no_such_name }}")
    with pytest.raises(Exception, match="no_such_name"):
        build(root, out, search=False)
    assert snapshot(out) == before
    assert sorted(os.listdir(tmp_path)) == ["basic", "site"]


def test_build_command_prints_a_summary_and_exits_0(copy_site, capsys):
    root = copy_site("basic")
    assert main(["build", "--root", str(root)]) == 0
    printed = capsys.readouterr().out
    assert "event" in printed and "Total in" in printed
    assert (root / "site" / "index.html").is_file()


def test_build_command_on_bad_content_exits_1_and_writes_nothing(copy_site, capsys):
    root = copy_site("basic")
    entry = root / "content" / "events" / "2018-04-aguelhok-assault.yaml"
    entry.write_text(entry.read_text().replace("date: 2018-04", "date: 2018-13"))
    assert main(["build", "--root", str(root)]) == 1
    err = capsys.readouterr().err
    assert "content/events/2018-04-aguelhok-assault.yaml:2:" in err
    assert not (root / "site").exists()


def test_strict_turns_warnings_into_errors(copy_site):
    root = copy_site("basic")  # kerena has no coordinates: a warning
    with pytest.raises(ContentError):
        build(root, root / "strict-site", strict=True, search=False)
    assert not (root / "strict-site").exists()


def test_leftovers_of_a_killed_build_are_cleaned_up(copy_site, tmp_path):
    root, out = copy_site("basic"), tmp_path / "site"
    dead = tmp_path / ".site.staging-999999999"  # no such process
    (dead / "events").mkdir(parents=True)
    build(root, out, search=False)
    assert not dead.exists()
    assert sorted(os.listdir(tmp_path)) == ["basic", "site"]
