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
  `environment.getattr` (item lookup, then undefined) when there is no such attribute.
"""

from __future__ import annotations

from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame, optimizeconst
from markupsafe import Markup
from markupsafe._speedups import _escape_inner


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
        self.writeline(f"from {__name__} import escape_text")
        super().visit_Template(node, frame)

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
