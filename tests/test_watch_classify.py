"""The change classifier, table-driven and without a file system (Zola's detect_change_kind)."""

from __future__ import annotations

from pathlib import PurePosixPath

import pytest

from chronicle.model import Config
from chronicle.watch.classify import (
    ChangeKind,
    RebuildPlan,
    Scope,
    classify,
    is_editor_temp,
    plan_rebuild,
)

ROOT = PurePosixPath("/work/chrono")
CONFIG = Config()

K = ChangeKind
CASES = [
    # the saved files themselves
    ("content/events/2019-01-20-aguelhok.yaml", K.CONTENT),
    ("content/actors/minusma.yaml", K.CONTENT),
    ("content/places/aguelhok.yaml", K.CONTENT),
    ("content/events", K.CONTENT),                    # a folder renamed or deleted
    ("chronicle.yaml", K.CONFIG),
    ("templates/event.html", K.TEMPLATE),
    ("themes/default/templates/base.html", K.TEMPLATE),
    ("themes/default/templates/partials/nav.html", K.TEMPLATE),
    ("themes/default/static/style.css", K.STATIC),
    ("themes/default/static/js/filters.js", K.STATIC),
    ("themes/default/theme.yaml", K.TEMPLATE),
    ("static/logo.svg", K.STATIC),         # unknown theme file: the safe side
    ("seeds/006_new-article.txt", K.SEED),
    # editor noise
    ("content/events/.x.yaml.swp", K.IGNORE),
    ("content/events/.x.yaml.swx", K.IGNORE),
    ("content/events/x.yaml~", K.IGNORE),
    ("content/events/4913", K.IGNORE),
    ("content/events/.#x.yaml", K.IGNORE),
    ("content/events/#x.yaml#", K.IGNORE),
    ("content/events/x.yaml.tmp", K.IGNORE),
    ("content/events/x.yaml___jb_tmp___", K.IGNORE),
    ("content/events/x.yaml___jb_old___", K.IGNORE),
    ("content/.DS_Store", K.IGNORE),
    ("content/events/sedoeT7XW", K.IGNORE),
    ("templates/.event.html.swp", K.IGNORE),
    # never the output, the cache or version control
    ("site/index.html", K.IGNORE),
    ("site", K.IGNORE),
    ("site/events/x/index.html", K.IGNORE),
    (".chronicle-cache/pages.json", K.IGNORE),
    (".git/index", K.IGNORE),
    ("content/.git/HEAD", K.IGNORE),
    # anything else at the root (a README, the build's staging folder)
    ("README.md", K.IGNORE),
    (".site-staging-1234/index.html", K.IGNORE),
    ("chronicle.yml.bak", K.IGNORE),
    # outside the chronology entirely
    ("/etc/passwd", K.IGNORE),
    ("/work/chrono-other/content/events/x.yaml", K.IGNORE),
    ("content/../site/index.html", K.IGNORE),
]


@pytest.mark.parametrize(("relative", "kind"), CASES)
def test_classify(relative, kind):
    assert classify(ROOT / relative, ROOT, CONFIG) is kind


def test_classify_accepts_relative_paths_against_the_root():
    assert classify("content/events/x.yaml", ROOT, CONFIG) is K.CONTENT


def test_custom_folders_from_config_and_out():
    config = Config(content_dir="entries", output_dir="public")
    assert classify(ROOT / "entries/events/x.yaml", ROOT, config) is K.CONTENT
    assert classify(ROOT / "content/events/x.yaml", ROOT, config) is K.IGNORE
    assert classify(ROOT / "public/index.html", ROOT, config) is K.IGNORE
    # --out into a folder inside content/ must still never be watched
    out = ROOT / "content/preview"
    assert classify(ROOT / "content/preview/index.html", ROOT, CONFIG, out=out) is K.IGNORE
    assert classify(ROOT / "content/events/x.yaml", ROOT, CONFIG, out=out) is K.CONTENT


@pytest.mark.parametrize("name", ["x.yaml", "2019-01-20-attack.yaml", "index.html", "4914",
                                  "tilde~in-middle.yaml", "#notes.yaml",
                                  "sediment.yaml", "sedan"])
def test_real_file_names_are_not_editor_temp(name):
    assert not is_editor_temp(name)


@pytest.mark.parametrize(("kinds", "expected"), [
    ([], RebuildPlan(Scope.NONE)),
    ([K.IGNORE, K.IGNORE], RebuildPlan(Scope.NONE)),
    ([K.STATIC], RebuildPlan(Scope.STATIC)),
    ([K.CONTENT], RebuildPlan(Scope.PAGES)),
    ([K.TEMPLATE, K.STATIC], RebuildPlan(Scope.PAGES)),
    ([K.CONTENT, K.CONFIG, K.IGNORE], RebuildPlan(Scope.FULL)),
    ([K.SEED], RebuildPlan(Scope.NONE)),
])
def test_plan_rebuild_takes_the_widest_scope(kinds, expected):
    assert plan_rebuild(kinds) == expected


def test_seeds_are_ingested_only_when_asked():
    assert plan_rebuild([K.SEED], ingest=True) == RebuildPlan(Scope.NONE, ingest=True)
    assert plan_rebuild([K.SEED, K.CONTENT], ingest=True) == RebuildPlan(Scope.PAGES, ingest=True)
    assert not plan_rebuild([K.SEED]).ingest
