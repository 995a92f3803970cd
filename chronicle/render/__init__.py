"""Turn planned pages into bytes: one Jinja environment, one Markdown parser, no I/O."""

from __future__ import annotations

import jinja2

from chronicle.model import Config
from chronicle.render.templates import ThemeError, get_template, render_template


def render_page(env: jinja2.Environment, page, config: Config) -> bytes:
    """The bytes of one page; template failures become a ThemeError naming the template."""
    if page.template is None:
        return page.build()
    template = get_template(env, page.template)
    context = page.build()
    context["page_url"] = page.url
    context["site"] = config
    context["kind"] = page.kind
    try:
        return render_template(template, context).encode("utf-8")
    except jinja2.TemplateError as exc:
        raise ThemeError(f"{page.template}: while rendering {page.url}: {exc}") from None
