"""The short ways through template calls (templates.PageContext, and the direct calls of
page functions in codegen.py) give what Jinja gives."""

from __future__ import annotations

import jinja2
import pytest
from jinja2.compiler import CodeGenerator

from chronicle.render.templates import PageContext, make_environment, theme_dir

SOURCES = [
    "{{ href('feed.xml') }} {{ url('events', 'x') }} {{ url('years', 2019, 2) }}",
    "{% for p in ['a', 'b'] %}{{ url('places', p) }} {% endfor %}",
    # a loop or a block that rebinds page_url: the function must see the new value
    "{% for x in [1] %}{% set page_url = 'a/b/c/index.html' %}{{ href('x') }}{% endfor %}"
    " {{ href('x') }}",
    "{% for page_url in ['a/b/c/index.html'] %}{{ href('x') }}{% endfor %}",
    "{% set page_url = 'index.html' %}{{ href('x') }}",
    "{{ 'https://a'.startswith('https://') }} {{ {'k': 1}.get('k') }} {{ d.get('k', 2) }}",
    "{{ '%s-%s'|format(1, 2) }} {{ [3, 1, 2]|sort|join(',') }} {{ f(1, b=2) }}",
    "{% macro m(x) %}<{{ x }}>{% endmacro %}{{ m('a') }}{% for i in [1] %}{{ m(i) }}{% endfor %}",
    # a macro argument named page_url: the function still sees the page's
    "{% macro m(page_url) %}{{ href('x') }}{% endmacro %}{{ m('a/b/index.html') }}",
    "{% for x in [1] %}{% set y = 2 %}{{ url('events', x ~ y) }}{% endfor %}",
    "{% if true %}{% set site = 'other' %}{% endif %}{{ href('x') }}",
    "{{ href(url('events', 'x')) }} {{ href(*['x']) }} {{ url('events', 'x', page=2) }}",
]


def _both(source: str, **context) -> tuple[str, str]:
    folders = [theme_dir(".", "default") / "templates"]
    ours = make_environment(folders)
    jinjas = make_environment(folders)
    jinjas.context_class = jinja2.runtime.Context
    jinjas.code_generator_class = CodeGenerator
    assert ours.context_class is PageContext
    return (ours.from_string(source).render(**context),
            jinjas.from_string(source).render(**context))


@pytest.mark.parametrize("source", SOURCES)
def test_calls_render_what_jinja_renders(source):
    ours, jinjas = _both(source, page_url="events/e/index.html", d={},
                         f=lambda a, b: a + b)
    assert ours == jinjas


def test_a_rebound_page_url_is_seen():
    ours, _ = _both(SOURCES[2], page_url="events/e/index.html")
    assert ours == "../../../x ../../x"
