"""The course map's diagrams as SVG, drawn from the project's own fixed text.

Each builder takes the course data (tuples of frozen dataclasses, so results
can be cached) and returns an SVG string; `show_diagram` puts it on the page.
Text colours that sit on the page use `currentColor`, so the diagrams follow a
light or dark theme. Arrowheads are plain polygons: marker ids would clash
between inline SVGs.
"""

from __future__ import annotations

import textwrap
from functools import lru_cache
from html import escape

import streamlit as st

INK = "#1d1d1f"  # text on a coloured box, readable in both themes
ACCENT, EMPTY = "#6C4AB6", "currentColor"  # an empty mask cell is a faint tint of the text
STAGE_COLOURS = {"recurrent": "#c8e6d0", "sequence to sequence": "#f6dcb0", "attention only": "#d8c8f0"}
INPUT, HIDDEN, OUTPUT = "#f3c6cf", "#c8e6d0", "#c4ddf2"
SUBSCRIPTS = "₁₂₃₄₅₆₇₈₉"


def show_diagram(svg: str) -> None:
    # Not st.html: its sanitizer keeps the HTML profile only and drops SVG. The
    # markup is built here from fixed course text, every string escaped.
    st.markdown(svg, unsafe_allow_html=True)  # fixed text only, each string html.escape()d


def _svg(width: int, height: int, label: str, body: list[str]) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
            f'role="img" aria-label="{escape(label)}" style="display:block;max-width:{width}px;'
            f'margin:0 auto">{"".join(body)}</svg>')


def _text(x: float, y: float, text: str, *, size: float = 13, weight: int = 400,
          fill: str = "currentColor", anchor: str = "middle", opacity: float = 1.0) -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" font-weight="{weight}" fill="{fill}" '
            f'text-anchor="{anchor}" fill-opacity="{opacity}">{escape(text)}</text>')


def _lines(x: float, y: float, text: str, width: int, *, size: float = 12.5,
           opacity: float = 0.8) -> list[str]:
    """`text` wrapped to `width` characters, one <text> per line from baseline `y` down."""
    return [_text(x, y + k * (size + 3.5), line, size=size, opacity=opacity)
            for k, line in enumerate(textwrap.wrap(text, width))]


def _box(x: float, y: float, w: float, h: float, fill: str, *, radius: float = 8) -> str:
    return f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" rx="{radius}" fill="{fill}"/>'


def _arrow(x1: float, y1: float, x2: float, y2: float, *, head: float = 7) -> str:
    """A line ending in a filled head at (x2, y2); horizontal or vertical only."""
    dx, dy = (x2 > x1) - (x2 < x1), (y2 > y1) - (y2 < y1)
    bx, by = x2 - dx * head, y2 - dy * head  # where the head's base sits
    px, py = -dy * head * 0.55, dx * head * 0.55  # half the base, across the line
    return (f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{bx:.1f}" y2="{by:.1f}" stroke="currentColor" '
            f'stroke-opacity="0.55" stroke-width="1.6"/>'
            f'<polygon points="{x2:.1f},{y2:.1f} {bx + px:.1f},{by + py:.1f} {bx - px:.1f},{by - py:.1f}" '
            f'fill="currentColor" fill-opacity="0.55"/>')


# Drawn at the width of a wide-layout page, so one SVG unit is about one pixel.
WIDTH = 960


@lru_cache(maxsize=4)
def path_svg(steps: tuple) -> str:
    """The course path as a chain of boxes, grouped by stage, each idea written below."""
    box_w, box_h, top = 136, 54, 36
    gap = (WIDTH - len(steps) * box_w) / (len(steps) - 1)
    xs = [k * (box_w + gap) for k in range(len(steps))]
    body: list[str] = []
    for stage in dict.fromkeys(s.stage for s in steps):  # stages in path order
        members = [x for x, s in zip(xs, steps) if s.stage == stage]
        left, right = members[0], members[-1] + box_w
        body.append(f'<line x1="{left + 4:.1f}" y1="24" x2="{right - 4:.1f}" y2="24" '
                    f'stroke="{STAGE_COLOURS[stage]}" stroke-width="4" stroke-linecap="round"/>')
        body.append(_text((left + right) / 2, 15, stage.upper(), size=11, weight=600, opacity=0.65))
    for k, (x, step) in enumerate(zip(xs, steps)):
        centre = x + box_w / 2
        body.append(f"<g><title>{escape(f'{step.name} ({step.authors}, {step.year}): {step.idea}')}</title>"
                    + _box(x, top, box_w, box_h, STAGE_COLOURS[step.stage])
                    + _text(centre, top + 24, step.name, size=16, weight=700, fill=INK)
                    + _text(centre, top + 43, str(step.year), size=12.5, fill=INK, opacity=0.75)
                    + "</g>")
        body.append(_text(centre, top + box_h + 20, step.authors, size=12, weight=600, opacity=0.7))
        body += _lines(centre, top + box_h + 38, step.idea, 24)
        if k + 1 < len(steps):
            body.append(_arrow(x + box_w + 4, top + box_h / 2, xs[k + 1] - 4, top + box_h / 2))
    return _svg(WIDTH, 196, "The course path: " + " → ".join(s.name for s in steps), body)


@lru_cache(maxsize=4)
def mappings_svg(mappings: tuple) -> str:
    """Each mapping as a small unrolled RNN: inputs below, hidden states, outputs above."""
    panel_w, cell_w, cell_h, step_dx = WIDTH / len(mappings), 38, 26, 62
    rows = {"output": 40, "hidden": 90, "input": 140}  # top edge of each row of boxes
    body: list[str] = []
    for p, mapping in enumerate(mappings):
        left = p * panel_w
        steps = max(mapping.inputs, mapping.outputs)
        x0 = left + (panel_w - (steps - 1) * step_dx - cell_w) / 2
        body.append(_text(left + panel_w / 2, 20, mapping.name, size=15, weight=700))
        for i in range(steps):
            x, mid = x0 + i * step_dx, x0 + i * step_dx + cell_w / 2
            body += [_box(x, rows["hidden"], cell_w, cell_h, HIDDEN, radius=6),
                     _text(mid, rows["hidden"] + 18, "h" + SUBSCRIPTS[i], size=13, fill=INK)]
            if i < mapping.inputs:  # inputs arrive first...
                body += [_box(x, rows["input"], cell_w, cell_h, INPUT, radius=6),
                         _text(mid, rows["input"] + 18, "x" + SUBSCRIPTS[i], size=13, fill=INK),
                         _arrow(mid, rows["input"] - 2, mid, rows["hidden"] + cell_h + 3)]
            if i >= steps - mapping.outputs:  # ...outputs leave last
                body += [_box(x, rows["output"], cell_w, cell_h, OUTPUT, radius=6),
                         _text(mid, rows["output"] + 18, "y" + SUBSCRIPTS[i], size=13, fill=INK),
                         _arrow(mid, rows["hidden"] - 2, mid, rows["output"] + cell_h + 3)]
            if i + 1 < steps:  # the hidden state carried to the next step
                body.append(_arrow(x + cell_w + 3, rows["hidden"] + cell_h / 2,
                                   x + step_dx - 3, rows["hidden"] + cell_h / 2))
        body += _lines(left + panel_w / 2, 190, mapping.example, 30)
    for row, top in rows.items():  # row names once, left of the one-step first panel
        body.append(_text(8, top + 18, row, size=12, anchor="start", opacity=0.6))
    return _svg(WIDTH, 218, "Four sequence mappings", body)


def _mask(x: float, y: float, n: int, causal: bool, size: float) -> list[str]:
    """An n x n attention mask: row = the token that looks, filled = a token it may attend to."""
    cells = []
    for r in range(n):
        for c in range(n):
            fill, opacity = (EMPTY, 0.14) if causal and c > r else (ACCENT, 1)
            cells.append(f'<rect x="{x + c * size:.1f}" y="{y + r * size:.1f}" width="{size - 2:.1f}" '
                         f'height="{size - 2:.1f}" rx="2" fill="{fill}" fill-opacity="{opacity}"/>')
    return cells


@lru_cache(maxsize=4)
def families_svg(families: tuple, examples: tuple) -> str:
    """The three Transformer families, each with its attention masks and example models.

    `examples` pairs a family name with its model lines: (("encoder", ("BERT", ...)), ...).
    """
    panel_w, top = WIDTH / len(families), 72
    named = dict(examples)
    # (label, causal) per mask; an encoder-decoder has all three kinds.
    masks = {"encoder": [("every token sees every token", False)],
             "decoder": [("each token sees itself and earlier ones", True)],
             "encoder-decoder": [("encoder self", False), ("decoder causal", True), ("cross", False)]}
    body: list[str] = []
    for p, family in enumerate(families):
        centre, kinds = p * panel_w + panel_w / 2, masks[family.name]
        body.append(_text(centre, 20, family.label, size=16, weight=700))
        body += _lines(centre, 40, family.attention, 40)
        size = 17 if len(kinds) == 1 else 13
        grid, spacing = 5 * size, 5 * size + 26
        first = centre - ((len(kinds) - 1) * spacing + grid) / 2
        for k, (label, causal) in enumerate(kinds):
            x = first + k * spacing
            body += _mask(x, top + 5 * 17 - grid, 5, causal, size)  # bottoms aligned
            body.append(_text(x + grid / 2, top + 5 * 17 + 16, label, size=11.5, opacity=0.7))
        body.append(_text(centre, top + 5 * 17 + 42, "e.g. " + ", ".join(named.get(family.name, ())),
                          size=13.5, weight=600))
    return _svg(WIDTH, top + 5 * 17 + 52, "Three Transformer families and their attention", body)
