"""The one Jinja environment: the chronology's own `templates/` first, then the theme's.

Compiled templates are kept for the whole build (and inherited by forked render workers),
so a page costs one template call. Autoescape is always on and undefined names are errors,
so a typo in a template fails the build instead of printing an empty string.
"""

from __future__ import annotations

import hashlib
from collections import ChainMap
from pathlib import Path
from types import BuiltinFunctionType, MethodType

import jinja2
from jinja2 import meta
from jinja2.filters import sync_do_join
from jinja2.utils import missing
from markupsafe import Markup

from chronicle import __version__
from chronicle.cli import ChronicleError
from chronicle.render.codegen import FastCodeGenerator, page_function
from chronicle.render.markdown import render_markdown
from chronicle.render.urls import absolute, entity_url, relative, year_url

_CHECKOUT_THEMES = Path(__file__).resolve().parent.parent.parent / "themes"
_INSTALLED_THEMES = Path(__file__).resolve().parent.parent / "themes"


ROW_TEMPLATE = "partials/event_item.html"


class ThemeError(ChronicleError):
    """A theme or template that cannot be found or compiled; the message names the folders."""


def theme_dir(root: Path, name: str) -> Path:
    """A chronology's own `themes/<name>`, else the theme shipped with Chronicle (inside the
    installed package, or at the top of a checkout)."""
    searched = [Path(root) / "themes" / name, _INSTALLED_THEMES / name, _CHECKOUT_THEMES / name]
    for folder in searched:
        if (folder / "templates").is_dir():
            return folder
    raise ThemeError(
        f"theme '{name}' not found; searched: " + ", ".join(str(f) for f in searched)
    )


def template_dirs(root: Path, theme: Path) -> list[Path]:
    own = Path(root) / "templates"
    return ([own] if own.is_dir() else []) + [theme / "templates"]


def template_digests(env: jinja2.Environment, folders: list[Path]) -> dict[str, str]:
    """For each template, a hash of it and of every template it extends, includes or
    imports (its closure), so editing event.html re-renders event pages and nothing else.
    A template naming another through an expression could reach any: it gets them all."""
    sources: dict[str, bytes] = {}
    for folder in reversed(folders):  # the first folder wins, as in the loader
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            sources[path.relative_to(folder).as_posix()] = path.read_bytes()
    references: dict[str, set[str]] = {}
    for name, data in sources.items():
        text = data.decode("utf-8", "replace")
        try:
            found = set(meta.find_referenced_templates(env.parse(text, name)))
        except jinja2.TemplateSyntaxError as exc:
            raise ThemeError(f"{name}:{exc.lineno}: template error: {exc.message}") from None
        if None in found:
            found = set(sources)
        if "event_row(" in text:
            found.add(ROW_TEMPLATE)
        references[name] = {n for n in found if n in sources}
    digests = {}
    for name in sources:
        closure, todo = set(), [name]
        while todo:
            current = todo.pop()
            if current not in closure:
                closure.add(current)
                todo.extend(references.get(current, ()))
        digest = hashlib.blake2b(__version__.encode(), digest_size=16)
        for member in sorted(closure):
            digest.update(member.encode() + b"\0" + sources[member] + b"\0")
        digests[name] = digest.hexdigest()
    return digests


@page_function
def _href(context, target: str) -> str:
    return relative(context["page_url"], target)


@page_function
def _url(context, kind: str, entity_id: str | int, page: int = 1) -> str:
    """`url('actors', 'minusma')`: the relative link to an entity's page from this page."""
    if kind == "years":
        return relative(context["page_url"], year_url(int(entity_id), page))
    return relative(context["page_url"], entity_url(kind, str(entity_id), page))


@page_function
def _event_row(context, event) -> Markup:
    """An event's list item, rendered once per folder depth and reused on every page that
    lists it (year, actor, place and related lists): rows are most of a build's HTML.
    A row is reused only for the very event object it was made from: a long-lived build
    swaps an edited event in as a new object."""
    return _row(context.environment, event, context["site"], context["page_url"].count("/"))


def _row(env: jinja2.Environment, event, site, depth: int) -> Markup:
    """The event's row for a page `depth` folders deep: kept while the event is the same
    object, made (and kept) otherwise."""
    cache = env.globals["_row_cache"]
    made_from, row = cache.get((event.id, depth), (None, None))
    if made_from is not event:
        context = {"e": event, "site": site, "page_url": "x/" * depth + "index.html"}
        row = Markup(render_template(env.get_template(ROW_TEMPLATE), context))
        cache[(event.id, depth)] = (event, row)
    return row


#: the folder depth of entity pages (`events/<id>/index.html`), where most rows are listed
ENTITY_PAGE_DEPTH = entity_url("events", "x").count("/")


def make_rows(env: jinja2.Environment, site, events) -> None:
    """Each event's row at the depth of entity pages, made now. A build about to fork its
    render workers makes them first: each range runs in a fresh fork, which otherwise made
    again every row its pages listed (49,000 rows over ~27 ranges for 10,000 distinct at
    10k events), where inherited ones cost nothing to make. A row template that fails (or
    that a theme lacks) is left to the pages that list rows: their render reports it, as a
    serial build does, naming the page."""
    try:
        for event in events:
            _row(env, event, site, ENTITY_PAGE_DEPTH)
    except jinja2.TemplateError:
        return


class PageContext(jinja2.runtime.Context):
    """Jinja's context with a short way through `call` for the method calls every page
    makes (`s.url.startswith(...)`, `event.date.iso()`): Jinja's own `call` looks for a
    pass-context marker twice per call. Page functions (`href`, `url`, `event_row`) are
    called directly by the compiled templates (codegen.py); anything else goes through
    Jinja's `call`.
    """

    def call(__self, __obj, *args, **kwargs):  # Jinja's names: a template's keywords can't clash
        kind = __obj.__class__
        if kind is not BuiltinFunctionType and (kind is not MethodType
                                                or hasattr(__obj, "jinja_pass_arg")):
            return super().call(__obj, *args, **kwargs)
        kwargs.pop("_loop_vars", None)
        kwargs.pop("_block_vars", None)
        try:
            return __obj(*args, **kwargs)
        except StopIteration:
            return __self.environment.undefined(
                "value was undefined because a callable raised a StopIteration exception")


class PageEnvironment(jinja2.Environment):
    """Jinja's environment with a short way through `getitem` (the item, else the
    attribute), which `groupby('date.year')`, `map(attribute=...)` and `join(attribute=...)`
    use for each event listed: the model's dataclasses cannot be subscripted, so Jinja's
    try of the item raises a TypeError and catches it, twice per event, before reading the
    attribute. An object whose type has no `__getitem__` goes to the attribute at once."""

    def getitem(self, obj, argument):
        if (type(argument) is not str or hasattr(type(obj), "__getitem__")
                or isinstance(obj, type)):  # a class may be subscripted (list[int])
            return super().getitem(obj, argument)
        value = getattr(obj, argument, missing)
        return value if value is not missing else self.undefined(obj=obj, name=argument)


def atom_date(date) -> str:
    """RFC 3339 at the start of a fuzzy date; Atom cannot say BCE, so those read as year 1."""
    year, month, day = date.earliest_key()
    return f"{max(year, 1):04d}-{month:02d}-{day:02d}T00:00:00Z"


def _figure(figure) -> str:
    if figure is None:
        return ""
    if figure.low is None and figure.high is None and figure.best is not None:
        return str(figure.best)  # one number, as Figure.format writes it (most figures)
    return figure.format()


@jinja2.pass_eval_context
def _join(eval_ctx, value, d="", attribute=None) -> str:
    """Jinja's `join`, with a short way when the separator and the items (or each item's
    `attribute`, one name, looked up as the environment looks it up) are plain strings,
    as in every event row's `e.actors|join(' ', attribute='actor')`: the same string
    without Jinja's getter and its test of each item for markup (a fifth of a row)."""
    if type(d) is str and (attribute is None
                           or (type(attribute) is str and attribute.isidentifier())):
        if attribute is None:
            items = value if type(value) in (list, tuple) else list(value)
        else:
            getitem = eval_ctx.environment.getitem
            items = [getitem(item, attribute) for item in value]
        if all(type(item) is str for item in items):
            return d.join(items)
        value, attribute = items, None
    return sync_do_join(eval_ctx, value, d, attribute)


def _number(value: int) -> str:
    return f"{value:,}"


def make_environment(folders: list[Path]) -> jinja2.Environment:
    env = PageEnvironment(
        loader=jinja2.FileSystemLoader([str(f) for f in folders]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
        cache_size=-1,
    )
    env.code_generator_class = FastCodeGenerator
    # the filters with an async variant (join, map, select, groupby...) without the wrapper
    # that asks at every call whether the environment is async: this one never is
    for name, function in list(env.filters.items()):
        if getattr(function, "jinja_async_variant", False):
            env.filters[name] = function.__wrapped__
    env.context_class = PageContext
    env.globals["href"] = _href
    env.globals["url"] = _url
    env.globals["event_row"] = _event_row
    env.globals["_row_cache"] = {}
    env.filters["markdown"] = render_markdown
    env.filters["figure"] = _figure
    env.filters["join"] = _join
    env.filters["number"] = _number
    env.filters["atom_date"] = atom_date
    env.globals["absolute"] = absolute
    return env


def render_template(template: jinja2.Template, variables: dict) -> str:
    """`template.render(variables)` without Jinja's copy of the globals: a template's
    globals are a ChainMap over the environment's, which `dict()` copies key by key in
    Python, for every page and every row. Here they are the environment's dict, copied at
    C speed; a template given globals of its own is rendered Jinja's way."""
    env = template.environment
    scope = template.globals
    if not isinstance(scope, ChainMap) or len(scope.maps) != 2 or scope.maps[0] or (
            scope.maps[1] is not env.globals):
        return template.render(variables)
    context = env.context_class(env, {**env.globals, **variables}, template.name,
                                template.blocks, env.globals)
    try:
        return env.concat(template.root_render_func(context))
    except Exception:
        env.handle_exception()


def get_template(env: jinja2.Environment, name: str) -> jinja2.Template:
    """A compiled template, or a ThemeError naming the template and every folder searched."""
    try:
        return env.get_template(name)
    except jinja2.TemplateNotFound as exc:
        folders = ", ".join(env.loader.searchpath)
        raise ThemeError(f"template '{exc.name}' not found; searched: {folders}") from None
    except jinja2.TemplateSyntaxError as exc:
        raise ThemeError(f"{exc.filename}:{exc.lineno}: template error: {exc.message}") from None
