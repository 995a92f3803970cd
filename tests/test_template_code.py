"""Templates compiled by Chronicle's code generator (render/codegen.py) render what Jinja's
own compiled code renders: the same text, and the same errors."""

from __future__ import annotations

import traceback
from dataclasses import dataclass
from pathlib import Path

import jinja2
import pytest
from jinja2.compiler import CodeGenerator
from markupsafe import Markup

from chronicle.model import Figure
from chronicle.render.codegen import FastCodeGenerator, escape_text
from chronicle.render.templates import make_environment, render_template, theme_dir

THEME = theme_dir(Path("."), "default") / "templates"


class Html:
    def __html__(self):
        return "<b>safe</b>"


class Thing:
    name = 'a "quoted" <name> & more'
    count = 3
    nothing = None

    def __init__(self):
        self.child = {"key": "item <value>", "items": [1, 2]}

    def label(self, suffix=""):
        return "label<" + suffix + ">"


SOURCES = [
    "{{ t.name }} {{ t.count }} {{ t.nothing }} {{ t.child.key }} {{ t.child['items'] }}",
    "{{ d.key }} {{ d.items is callable }} {{ d['key'] }} {{ d.get('key') }}",  # attribute vs item
    "{{ m }} {{ h }} {{ 1.5 }} {{ [1, '<'] }} {{ (1, 2) }} {{ none }} {{ true }}",
    "{{ t.label() }} {{ t.label('x')|upper }} {{ t.name|e }} {{ t.name|safe }}",
    "{% for x in t.child['items'] %}{{ loop.index }}:{{ x }}{{ ', ' if not loop.last }}"
    "{% endfor %}",
    "{% set s %}<{{ t.name }}>{% endset %}{{ s }} {{ s|length }}",
    "{% macro m2(x) %}[{{ x.name }}]{% endmacro %}{{ m2(t) }} {{ m2(n) }}",
    "{% filter upper %}{{ t.name }} text{% endfilter %}",
    "{% autoescape false %}{{ t.name }} {{ m }}{% endautoescape %} {{ t.name }}",
    "{% autoescape flag %}{{ t.name }}{% endautoescape %}",
    "{% macro show(x) %}({{ caller(x) }}){% endmacro %}"
    "{% call(x) show(t) %}{{ x.name }}{% endcall %}",
    "{{ t.name ~ m }} {{ '%s!'|format(t.name) }} {{ t.child.key|replace('<', '[') }}",
    "{% with a = t.child %}{{ a.key }}{% endwith %} {{ t.child.missing is defined }}",
    "{{ t.__class__.__name__ }} {{ d.__len__() }}",
    "{% for k, v in d|dictsort %}{{ k }}={{ v }};{% endfor %}",
    "{{ [t, n]|map(attribute='name')|join('; ') }} {{ [3, 1, 2]|select('odd')|list }}"
    " {{ [1, 2]|sum }} {{ [n, n]|groupby('name')|list|length }} {{ [2, 2]|unique|first }}",
    "100% {{ t.count }}%s %% {{ '%' }}{{ t.name }}%(x)s",  # % in the text around outputs
    "{% set b %}a {{ t.count }} b {{ t.name }}{% endset %}[{{ b }}]",
    "{% extends base %}{% block x %}<{{ t.name }}> {{ super() }}{% endblock %}"
    "never {{ t.name }} shown",
    # join (render/templates.py's short way for plain strings, and everything else)
    "{{ ['<a>', 'b']|join }} {{ ('<a>', 'b')|join(' & ') }} {{ []|join(',') }}",
    "{{ [t, n]|join(' ', attribute='name') }} {{ [t]|join(attribute='count') }}"
    " {{ [t, t]|join(',', attribute='child.key') }} {{ [[1, 2], [3]]|join(';', attribute=0) }}",
    "{{ [m, '<x>']|join('|') }} {{ ['<a>', 'b']|join(m) }} {{ [h, 'y']|join }}"
    " {{ [1, '<']|join(',') }} {{ d.key|join('-') }} {{ [1, 2]|select('odd')|join(',') }}",
    "{% autoescape false %}{{ ['<a>', m]|join('<') }}{% endautoescape %}",
]


def _environment(generator) -> jinja2.Environment:
    env = make_environment([THEME])
    env.code_generator_class = generator
    if generator is CodeGenerator:  # Jinja's own filters too, async wrappers and all
        env.filters.update(jinja2.filters.FILTERS)
        env.filters.update({k: v for k, v in make_environment([THEME]).filters.items()
                            if k not in jinja2.filters.FILTERS})
    return env


@pytest.fixture(scope="module")
def environments():
    return _environment(FastCodeGenerator), _environment(CodeGenerator)


def _variables():
    return {"t": Thing(), "d": {"key": "<k>", "items": "the item"}, "n": {"name": "<n>"},
            "m": Markup("<i>m</i>"), "h": Html(), "flag": True,
            "base": jinja2.Template("[{% block x %}base {{ 1 }} x{% endblock %}]"),
            "page_url": "events/e/index.html"}


@pytest.mark.parametrize("source", SOURCES)
def test_same_text_as_jinja(environments, source):
    ours, jinjas = environments
    assert ours.from_string(source).render(_variables()) == \
        jinjas.from_string(source).render(_variables())


@pytest.mark.parametrize("source", [
    "{{ t.missing }}",          # undefined attribute: StrictUndefined fails
    "{{ d.missing.deeper }}",
    "{{ t.count.real.missing }}",
    "{{ nowhere.name }}",
    "{{ [t]|join(',', attribute='missing') }}",
])
def test_same_errors_as_jinja(environments, source):
    ours, jinjas = environments
    with pytest.raises(jinja2.UndefinedError) as our_error:
        ours.from_string(source).render(_variables())
    with pytest.raises(jinja2.UndefinedError) as their_error:
        jinjas.from_string(source).render(_variables())
    assert str(our_error.value) == str(their_error.value)


@pytest.mark.parametrize("source, line", [
    ("line 1\n{{ t.name }}\n{{ t.missing }}\n", 3),
    ("{{ t.name }} <a\nhref='{{ t.count }}'>\n{{ t.missing }}</a>", 3),
    ("{% if t %}\n<p>{{ t.name }}</p>\n<p>{{ t.missing }}</p>{% endif %}", 3),
])
def test_an_error_points_at_the_template_line(environments, source, line):
    ours, _ = environments
    with pytest.raises(jinja2.UndefinedError) as error:
        ours.from_string(source).render(_variables())
    lines = [frame.lineno for frame in traceback.extract_tb(error.value.__traceback__)
             if frame.filename == "<template>"]
    assert lines == [line]


@pytest.mark.parametrize("value", ["a<b>&'\"", "", 5, 2.5, None, Markup("<x>"), Html(),
                                   ["<"], 0])
def test_escape_text_is_markupsafe_escape(value):
    from markupsafe import escape

    assert escape_text(value) == escape(value)
    assert type(escape_text(value)) in (str, Markup)


def test_render_template_renders_what_jinja_renders(environments):
    ours, _ = environments
    template = ours.get_template("partials/totals.html")
    variables = {"t": {"events": 1200, "killed": 3, "injured": 0}}
    assert render_template(template, variables) == template.render(variables)
    with_globals = ours.from_string("{{ g }} {{ href('x') }}", globals={"g": "own"})
    assert render_template(with_globals, {"page_url": "a/index.html"}) == "own ../x"


@dataclass(frozen=True)
class Dated:
    year: int
    name: str


@pytest.mark.parametrize("obj, argument", [
    (Dated(2019, "a"), "year"), (Dated(2019, "a"), "missing"), ({"year": 1}, "year"),
    ({"items": 1}, "items"), ([10, 20], 1), ([10, 20], "append"), ("text", 0),
    (list, "int"), (Thing(), "name"), (Thing(), "nothing"), (None, "x"),
])
def test_getitem_is_jinjas(obj, argument):
    ours = make_environment([THEME])
    jinjas = jinja2.Environment(undefined=jinja2.StrictUndefined)
    mine, theirs = ours.getitem(obj, argument), jinjas.getitem(obj, argument)
    if isinstance(theirs, jinja2.Undefined):
        assert isinstance(mine, jinja2.StrictUndefined)
        assert mine._undefined_obj is obj and mine._undefined_name == argument
    else:
        assert mine == theirs


def test_groupby_over_dataclasses_is_jinjas(environments):
    ours, _ = environments
    source = ("{% for g in items|groupby('year') %}{{ g.grouper }}: "
              "{{ g.list|map(attribute='name')|join(',') }}; {% endfor %}"
              "{{ items|sort(attribute='name')|join(' ', attribute='name') }}")
    items = [Dated(2019, "b"), Dated(2018, "c"), Dated(2019, "a")]
    jinjas = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    assert ours.from_string(source).render(items=items) == \
        jinjas.from_string(source).render(items=items)


@pytest.mark.parametrize("best, low, high", [
    (0, None, None), (12, None, None), (None, 3, None), (None, None, 7), (5, 3, 8),
    (3, 3, 8), (None, 3, 8), (4, 4, 4), (4, None, 9),
])
def test_figure_filter_writes_what_figure_format_writes(best, low, high):
    figure = Figure(best, low, high)
    assert make_environment([THEME]).filters["figure"](figure) == figure.format()
