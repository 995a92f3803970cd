"""Jinja's code generator with shorter ways for what every template expression does.

A page is a few hundred `{{ ... }}` and `a.b` evaluations, and Jinja spends more on their
machinery than on the page's text: each output is wrapped in a Markup object only to be
joined into a string at once, and each `a.b` is a method call on the environment. This
generator emits the same template with cheaper code for both (the output is the same
string; tests/test_template_code.py renders the theme and tricky templates both ways):

- an output goes through `escape_text`, which returns the escaped text as a plain string
  (Markup's own `escape` builds a Markup object per output, a third of an event page's
  time); Markup values (rows, Markdown) pass as they are;
- `a.b` reads the attribute with the built-in `getattr` inline and only falls back to
  `environment.getattr` (item lookup, then undefined) when there is no such attribute;
- the text and outputs between two statements are one string made by `%` formatting
  (`yield '<a href="%s">%s</a>' % (...)`), where Jinja yields each piece: a row of the
  filter form was eleven generator steps;
- a call of a page function (`page_function`: `href`, `url`, `event_row`, a dozen per page)
  is made directly, where Jinja's `Context.call` inspects the callee and builds keyword
  arguments each time. Those functions read only `page_url` and `site` of the context, so
  the direct call is made only in templates that never assign either name (Jinja would
  then hand the function a context holding the assigned value).
"""

from __future__ import annotations

from types import FunctionType

import jinja2
from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame, optimizeconst
from jinja2.utils import concat
from markupsafe import Markup
from markupsafe._speedups import _escape_inner

#: functions called directly by compiled templates (see `page_function`)
page_functions: set[FunctionType] = set()
#: the context variables page functions may read
PAGE_VARIABLES = frozenset({"page_url", "site"})


def page_function(function: FunctionType) -> FunctionType:
    """Mark `function(context, *args)` as reading nothing of the context but `page_url`,
    `site` and the environment: templates call it directly, and other environments (and
    templates assigning those names) through Jinja's call, as `jinja2.pass_context`."""
    page_functions.add(function)
    return jinja2.pass_context(function)


def escape_text(value: object) -> str:
    """The characters `markupsafe.escape(value)` holds, without making a Markup of them:
    outputs are only ever joined into the page's string."""
    if type(value) is str:
        return _escape_inner(value)
    if type(value) is Markup:
        return value
    html = getattr(value, "__html__", None)
    if html is not None:
        return Markup(html())  # whatever __html__ returns, as Markup would make it a str
    return _escape_inner(str(value))


class FastCodeGenerator(CodeGenerator):
    """Used for every template of the environment (`Environment.code_generator_class`)."""

    def visit_Template(self, node: nodes.Template, frame: Frame | None = None) -> None:
        self.writeline("from types import FunctionType")
        self.writeline(f"from {__name__} import escape_text, page_functions")
        self.direct_calls = not _assigns(node, PAGE_VARIABLES)
        super().visit_Template(node, frame)

    def visit_Output(self, node: nodes.Output, frame: Frame) -> None:
        finalize = self._make_finalize()
        body = self._output_body(node, frame, finalize)
        if len(body) < 2:
            super().visit_Output(node, frame)
            return
        if frame.require_output_check:  # as Jinja: outside blocks, output only if not extending
            if self.has_known_extends:
                return
            self.writeline("if parent_template is None:")
            self.indent()
        pattern = "".join(concat(part).replace("%", "%%") if isinstance(part, list) else "%s"
                          for part in body)
        into = "yield " if frame.buffer is None else f"{frame.buffer}.append("
        self.writeline(f"{into}{pattern!r} % (")
        self.indent()
        for part in body:
            if not isinstance(part, list):
                self.newline(part)  # each output on a line of its own: errors name its line
                self._output_child_pre(part, frame, finalize)
                self.visit(part, frame)
                self._output_child_post(part, frame, finalize)
                self.write(",")
        self.outdent()
        self.writeline(")" if frame.buffer is None else "))")
        if frame.require_output_check:
            self.outdent()

    def _output_body(self, node: nodes.Output, frame: Frame, finalize) -> list:
        """Jinja's grouping of an output's children: runs of text known when compiling
        (lists of strings, escaped) and the expressions between them."""
        body: list = []
        for child in node.nodes:
            try:
                if not (finalize.const or isinstance(child, nodes.TemplateData)):
                    raise nodes.Impossible()
                const = self._output_child_to_const(child, frame, finalize)
            except (nodes.Impossible, Exception):
                body.append(child)
                continue
            if body and isinstance(body[-1], list):
                body[-1].append(const)
            else:
                body.append([const])
        return body

    def _output_child_pre(self, node: nodes.Expr, frame: Frame, finalize) -> None:
        if frame.eval_ctx.volatile or not frame.eval_ctx.autoescape:
            super()._output_child_pre(node, frame, finalize)
            return
        self.write("escape_text(")
        if finalize.src is not None:
            self.write(finalize.src)

    @optimizeconst
    def visit_Getattr(self, node: nodes.Getattr, frame: Frame) -> None:
        if self.environment.is_async or self.environment.sandboxed:
            super().visit_Getattr(node, frame)
            return
        # (value if (value := getattr((owner := <node>), 'b', missing)) is not missing
        #  else environment.getattr(owner, 'b')): the owner is evaluated once either way
        value, owner = self.temporary_identifier(), self.temporary_identifier()
        self.write(f"({value} if ({value} := getattr(({owner} := ")
        self.visit(node.node, frame)
        self.write(f"), {node.attr!r}, missing)) is not missing"
                   f" else environment.getattr({owner}, {node.attr!r}))")

    @optimizeconst
    def visit_Call(self, node: nodes.Call, frame: Frame, forward_caller: bool = False) -> None:
        if (forward_caller or not self.direct_calls or self.environment.is_async
                or self.environment.sandboxed or node.kwargs or node.dyn_args
                or node.dyn_kwargs or any(arg.find(nodes.Call) for arg in node.args)):
            super().visit_Call(node, frame, forward_caller=forward_caller)
            return
        # (f(context, <args>) if type(f := <callee>) is FunctionType and f in page_functions
        #  else context.call(f, <args>, ...)): the arguments are written twice (without
        #  calls in them, so never nested) and evaluated once, after the callee, as in Jinja
        callee = self.temporary_identifier()
        self.write(f"({callee}(context")
        for arg in node.args:
            self.write(", ")
            self.visit(arg, frame)
        self.write(f") if type({callee} := ")
        self.visit(node.node, frame)
        self.write(f") is FunctionType and {callee} in page_functions else context.call({callee}")
        extra = {}  # what Jinja's visit_Call passes
        if frame.loop_frame:
            extra["_loop_vars"] = "_loop_vars"
        if frame.block_frame:
            extra["_block_vars"] = "_block_vars"
        self.signature(node, frame, extra or None)
        self.write("))")


def _assigns(template: nodes.Template, names: frozenset[str]) -> bool:
    """True when the template may bind one of `names` (set, for, macro argument, import)."""
    for name in template.find_all(nodes.Name):
        if name.ctx in ("store", "param") and name.name in names:
            return True
    for found in template.find_all((nodes.Import, nodes.FromImport)):
        targets = [found.target] if isinstance(found, nodes.Import) else [
            n[1] if isinstance(n, tuple) else n for n in found.names]
        if names.intersection(targets):
            return True
    return False
