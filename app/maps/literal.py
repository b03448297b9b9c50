"""Map output is text, never a template: data in a folium map cannot run on the server.

Why this exists (issue 30).  branca, under folium, renders every map element in two
passes: an element's macros are rendered with its data (a service name in a GeoJSON
property, a label in our JSON data island), and the *output* is then wrapped in
``branca.element.Element(output)``, whose constructor compiles that string as a new
Jinja template, rendered again when the page is assembled.  So a building called
``Library {{lipsum.__globals__.os.popen('id').read()}}`` ran a shell command on the
server, and a name holding ``{%`` broke the page.  Escaping every string for Jinja
before it reaches folium would have to be remembered at every call site and undone in
every JSON string; instead the second pass is removed, here, for every map in the
process.

How.  :func:`install` replaces ``Element.__init__`` so that a ``template`` string given
to the constructor is kept as :class:`Text`: rendering gives it back unchanged.  Every
``Element(...)`` call in branca and folium passes either already-rendered output (the
second pass) or fixed markup with no template syntax (the ``<meta>`` tag of a
``Figure``); the one real template passed that way, a ``Div``'s "render my children",
is recognised exactly and left to the class template that does the same.  Elements
whose templates are class attributes (every ``MacroElement``, ``Figure``, links) are
unchanged: their templates are our code or the library's, never data.

:func:`install` runs when :mod:`app.maps` is imported, so any map builder has it; it
checks itself (a canary ``{{ 6 * 7 }}`` must come back as written) and raises if a
branca release has moved the second pass elsewhere, so an upgrade fails loudly rather
than reopening the hole.  :func:`app.maps.page.page_parts`, the one place every map is
rendered, calls :func:`ensure` before rendering.  Tests: ``tests/trust/test_templates.py``.
"""

from __future__ import annotations

from typing import Any

from branca.element import Element

__all__ = ["Text", "ensure", "install", "installed"]

# branca's Div passes this template to Element(); it renders the element's children,
# which is exactly what Element's own class template does.
_CHILDREN = ("{% for name, element in this._children.items() %}"
             "{{element.render(**kwargs)}}"
             "{% endfor %}")
_CANARY = "{{ 6 * 7 }}{% if true %}x{% endif %}{# c #}"

_original_init = Element.__init__


class Text:
    """Stands where a compiled template would: ``render`` gives back the text as it is."""

    def __init__(self, text: str) -> None:
        self.text = text

    def render(self, *args: Any, **kwargs: Any) -> str:
        return self.text


def _init(self: Element, template: str | None = None,
          template_name: str | None = None) -> None:
    _original_init(self, None, template_name)
    self._template_str = template
    if template is not None and template != _CHILDREN:
        self._template = Text(template)  # type: ignore[assignment]


def installed() -> bool:
    """Whether ``Element`` keeps template strings as text."""
    return Element.__init__ is _init


def install() -> None:
    """Make ``Element(text)`` keep ``text`` as it is, and check that it does."""
    Element.__init__ = _init  # type: ignore[method-assign]
    ensure()


def ensure() -> None:
    """Raise ``RuntimeError`` unless map output is kept as text."""
    if not installed() or Element(_CANARY).render() != _CANARY:
        raise RuntimeError("branca would render map output as a Jinja template again: "
                           "app/maps/literal.py no longer holds for this branca release")
