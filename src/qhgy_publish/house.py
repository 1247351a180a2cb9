"""The house file (``layouts/house.toml``): page, margins, type grid, and which font role draws which text.

One typed view read by the print stylesheet (:func:`page_css`) and by the
make-up measures that read the PDF back (the type area and its columns on a
left or a right page). The stylesheets' font-family rules are generated here
(:func:`role_css`) from the ``[roles]`` and ``[selectors.*]`` tables, so the
print, the EPUB and the glyph check read one table.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .paths import LAYOUTS_DIR

MM = 72 / 25.4  # points per millimetre


@dataclass(frozen=True)
class House:
    width_mm: float
    height_mm: float
    bleed_mm: float
    inner_mm: float
    top_mm: float
    body_pt: float
    line_pt: float
    chars: int
    lines: int
    columns: int
    gutter_chars: int

    @property
    def area_width(self) -> float:
        """Type area width in points: a whole number of body characters."""
        return self.chars * self.body_pt

    @property
    def area_height(self) -> float:
        return self.lines * self.line_pt

    @property
    def outer_pt(self) -> float:
        return self.width_mm * MM - self.inner_mm * MM - self.area_width

    @property
    def bottom_pt(self) -> float:
        return self.height_mm * MM - self.top_mm * MM - self.area_height

    @property
    def column_width(self) -> float:
        return (self.chars - self.gutter_chars) / self.columns * self.body_pt

    @property
    def gutter(self) -> float:
        return self.gutter_chars * self.body_pt

    def area(self, left_page: bool) -> tuple[float, float, float, float]:
        """The type area (x0, top, x1, bottom) in points from the trim's top-left corner."""
        x0 = self.outer_pt if left_page else self.inner_mm * MM
        top = self.top_mm * MM
        return x0, top, x0 + self.area_width, top + self.area_height

    def column_edges(self, left_page: bool) -> list[tuple[float, float]]:
        """(left, right) of each column of a two-column page."""
        x0, _, _, _ = self.area(left_page)
        return [
            (x0 + k * (self.column_width + self.gutter), x0 + k * (self.column_width + self.gutter) + self.column_width)
            for k in range(self.columns)
        ]


@cache
def house(path: Path = LAYOUTS_DIR / "house.toml") -> House:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    page, grid = data["page"], data["grid"]
    return House(
        width_mm=float(page["width_mm"]),
        height_mm=float(page["height_mm"]),
        bleed_mm=float(page["bleed_mm"]),
        inner_mm=float(page["inner_mm"]),
        top_mm=float(page["top_mm"]),
        body_pt=float(grid["body_pt"]),
        line_pt=float(grid["line_pt"]),
        chars=int(grid["chars"]),
        lines=int(grid["lines"]),
        columns=int(grid["columns"]),
        gutter_chars=int(grid["gutter_chars"]),
    )


def page_css(h: House | None = None) -> str:
    """The generated part of the print stylesheet: the page geometry and the font of each kind of
    text, from the house file (page.css adds the margin boxes, magazine.css the sizes)."""
    return _geometry_css(h or house()) + role_css("print")


def _geometry_css(h: House) -> str:
    inner, top = f"{h.inner_mm}mm", f"{h.top_mm}mm"
    outer, bottom = f"{h.outer_pt:.3f}pt", f"{h.bottom_pt:.3f}pt"
    return f"""
@page {{ size: {h.width_mm}mm {h.height_mm}mm; bleed: {h.bleed_mm}mm; margin: {top} {outer} {bottom} {inner}; }}
@page :left {{ margin-left: {outer}; margin-right: {inner}; }}
@page :right {{ margin-left: {inner}; margin-right: {outer}; }}
html {{ font-size: {h.body_pt}pt; line-height: {h.line_pt}pt; }}
.cols-2 .article-body {{ column-count: {h.columns}; column-gap: {h.gutter_chars}em; }}
"""


@cache
def text_roles(path: Path = LAYOUTS_DIR / "house.toml") -> dict[str, str]:
    """Which font role draws each kind of text (``[roles]`` of the house file): the glyph check
    and the EPUB's font subsets read the same table."""
    return dict(_house_data(path)["roles"])


def _house_data(path: Path) -> dict:
    return tomllib.loads(path.read_text(encoding="utf-8"))


# The generic family after each role's face, for an EPUB reader that drops the embedded fonts.
GENERIC = {"heading": "sans-serif"}


def role_css(target: str, path: Path = LAYOUTS_DIR / "house.toml") -> str:
    """font-family rules for ``target`` ("print" or "epub"): each kind's selectors
    (``[selectors.<target>]``) get the family of the kind's role (``[roles]``, faces in
    fonts/roles.toml). A compressed mark (``span.h``, OpenType halt) in a kind whose face
    has no halt feature is set in the body face, which has it."""
    from .fonts import font_roles

    roles, faces = text_roles(path), font_roles()
    selectors = _house_data(path)["selectors"][target]
    rules, halt_fix = [], []
    for kind, spec in selectors.items():
        if kind not in roles:
            raise ValueError(f"{path}: [selectors.{target}] names “{kind}”, which [roles] does not list")
        role = roles[kind]
        family = f'"{faces[role].family}", {GENERIC.get(role, "serif")}'
        plain = []
        for selector in (s.strip() for s in spec.split(",")):
            if selector.startswith("@page"):
                page, box = selector.rsplit(" ", 1)
                rules.append(f"{page} {{ {box} {{ font-family: {family}; }} }}")
            else:
                plain.append(selector)
                # the EPUB's text carries no span.h (readers compress marks themselves)
                if target == "print" and role != "body" and not _has_halt(faces[role].family):
                    halt_fix += [f"{s} .h" for s in (selector.split("::")[0],) if s != "html"]
        if plain:
            rules.append(f"{', '.join(plain)} {{ font-family: {family}; }}")
    if halt_fix:
        body = faces["body"].family
        rules.append(f'{", ".join(halt_fix)} {{ font-family: "{body}"; }}')
    return "\n".join(rules) + "\n"


@cache
def faces_without_halt() -> frozenset[str]:
    """The families whose face has no OpenType halt: a mark compressed in their text is set in
    the body face (the print CSS's ``.h`` rules above, and the WeasyPrint patch's line ends)."""
    from .fonts import font_roles

    return frozenset(role.family for role in font_roles().values() if not _has_halt(role.family))


@cache
def _has_halt(family: str) -> bool:
    """Whether the face of ``family`` has the OpenType halt feature (LXGW WenKai has none)."""
    from fontTools.ttLib import TTFont

    from .fonts import face_file, font_roles

    role = next(r for r in font_roles().values() if r.family == family)
    font = TTFont(face_file(role), lazy=True)
    return "GPOS" in font and any(
        rec.FeatureTag == "halt" for rec in font["GPOS"].table.FeatureList.FeatureRecord
    )
