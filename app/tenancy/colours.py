"""A council's colours on its pages (issue 27; docs/TENANCY.md, "Council colours").

No Flask.  A colour is ``#rrggbb`` and nothing else (:data:`COLOUR`), checked
when it is stored and again here, when a page is rendered, so a value that
reached the ``council`` table some other way never becomes CSS.

Text on a council colour is white or near-black (``#0b0c0c``, the app's own
text colour), whichever contrasts more with it (WCAG 2 relative luminance).
A colour on which neither reaches :data:`AA` (4.5:1, WCAG AA for ordinary
text) is refused when it is stored, and left out (the app's own colours
instead) if one is found in the table.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..models.tenancy import COLOUR

WHITE = "#ffffff"
NEAR_BLACK = "#0b0c0c"
AA = 4.5
# The strip above and below the header bar, for a council with one colour: its
# colour this much darker (the app's own pair, #1d4e5f and #123540, is about 0.62).
SHADE = 0.62


def is_colour(value: object) -> bool:
    """``value`` is a colour written ``#rrggbb``."""
    return isinstance(value, str) and COLOUR.fullmatch(value) is not None


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(colour: str) -> float:
    """WCAG 2 relative luminance of ``#rrggbb`` (0 black to 1 white)."""
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast(first: str, second: str) -> float:
    """WCAG 2 contrast ratio of two colours (1 to 21)."""
    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def text_colour(background: str) -> str | None:
    """White or near-black, whichever reads better on ``background``; ``None`` when
    neither reaches 4.5:1."""
    best = max((WHITE, NEAR_BLACK), key=lambda text: contrast(text, background))
    return best if contrast(best, background) >= AA else None


def contrast_problem(colour: str) -> str | None:
    """Why text cannot go on ``colour`` (a valid ``#rrggbb``), or ``None``."""
    if text_colour(colour) is not None:
        return None
    return (f"{colour} is neither dark nor light enough for readable text: white on it has "
            f"a contrast ratio of {contrast(WHITE, colour):.2f}:1 and near-black "
            f"({NEAR_BLACK}) {contrast(NEAR_BLACK, colour):.2f}:1, and WCAG AA needs "
            f"{AA}:1. Choose a darker or a lighter colour.")


def darker(colour: str, factor: float = SHADE) -> str:
    """``colour`` with each channel scaled by ``factor``."""
    parts = (round(int(colour[i:i + 2], 16) * factor) for i in (1, 3, 5))
    return "#" + "".join(f"{p:02x}" for p in parts)


@dataclass(frozen=True)
class Palette:
    """The header's colours for one council: the bar (``header``) and the strip
    above and below it (``strip``: the language links, the bar's bottom edge, the
    phone menu's edge), each with its text colour.  ``None``: the app's own."""

    header: tuple[str, str] | None = None
    strip: tuple[str, str] | None = None

    def properties(self) -> list[tuple[str, str]]:
        """CSS custom properties (name, ``#rrggbb``) overriding the app's own
        (``--header-bg`` and friends in ``app/static/css/app.css``)."""
        found: list[tuple[str, str]] = []
        if self.header:
            found += [("--header-bg", self.header[0]), ("--header-text", self.header[1])]
        if self.strip:
            found += [("--header-strip", self.strip[0]), ("--header-strip-text", self.strip[1])]
        return [(name, value) for name, value in found if is_colour(value)]


def _pair(colour: object) -> tuple[str, str] | None:
    if not isinstance(colour, str) or not is_colour(colour):
        return None
    text = text_colour(colour.lower())
    return (colour.lower(), text) if text else None


def palette(primary: object, accent: object) -> Palette | None:
    """The header colours for a council's stored ``primary`` and ``accent`` (each
    checked again); ``None`` when neither is usable, so the page looks as the
    app's own."""
    header = _pair(primary)
    strip = _pair(accent)
    if strip is None and header is not None:  # none given (or unusable): a shade of it
        strip = _pair(darker(header[0])) or header
    if header is None and strip is None:
        return None
    return Palette(header=header, strip=strip)
