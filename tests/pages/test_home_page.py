"""The home page with AppTest, and the diagrams it draws."""

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from components import page_links
from components.course_diagrams import EMPTY, families_svg, mappings_svg, path_svg
from models.course_map import COURSE_PATH, SEQUENCE_MAPPINGS, TRANSFORMER_FAMILIES
from models.milestones import series_by_family

ROOT = Path(__file__).resolve().parents[2]
APP, HOME = ROOT / "app.py", ROOT / "pages" / "home.py"
SECTIONS = ["Two families of generative AI", "From RNN to Transformer",
            "Four ways to map sequences", "Transformers in three families", "Playgrounds"]


def run_home() -> AppTest:
    """Home as a visitor gets it: through the router in app.py, where it is the default page."""
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert not at.exception, at.exception
    return at


def test_home_shows_its_title_and_every_section():
    at = run_home()
    assert "GenAI Playground" in at.title[0].value
    assert [h.value for h in at.header] == SECTIONS


def test_milestone_table_covers_the_six_model_lines():
    table = run_home().dataframe[0].value
    for name in ("BERT", "GPT", "XLM", "T5", "Megatron", "M2M"):
        assert table["model"].str.startswith(name).any(), name
    assert set(table["family"]) == {"encoder", "decoder", "encoder-decoder"}
    assert table["source"].str.startswith("https://").all()


def test_links_every_built_page():
    labels = [link.label for link in run_home().page_link]
    for page in page_links.PLAYGROUNDS:
        if page_links.is_built(page):
            assert page.label in labels, f"{page.path} is built but app.py does not register it"
    assert len(labels) >= 1


def test_built_pages_are_routed_and_linked_unbuilt_ones_are_not(tmp_path, monkeypatch):
    stray = tmp_path / "stray.py"  # a new page file: app.py routes it from the same table
    stray.write_text("import streamlit as st\n")
    tokens = next(p for p in page_links.PLAYGROUNDS if p.path == "pages/tokens.py")
    monkeypatch.setattr(page_links, "PLAYGROUNDS", (
        tokens,
        page_links.Playground(str(stray), "Stray page", "🧪", "A new page."),
        page_links.Playground("pages/not_built_yet.py", "Future page", "🚧", "No file yet."),
    ))
    at = run_home()
    labels = [link.label for link in at.page_link]
    assert "Stray page" in labels and "Future page" not in labels
    assert tokens.label in labels
    assert not any("Future page" in c.value for c in at.caption)  # unbuilt pages are not mentioned


def test_home_runs_outside_the_router_too():
    # Run as the main script, no page is registered: the links drop out, nothing raises.
    at = AppTest.from_file(HOME, default_timeout=30).run()
    assert not at.exception, at.exception
    assert "GenAI Playground" in at.title[0].value
    assert len(at.page_link) == 0


def test_home_does_not_import_torch_or_transformers():
    script = (
        "import sys\n"
        "from streamlit.testing.v1 import AppTest\n"
        f"at = AppTest.from_file({str(APP)!r}, default_timeout=30).run()\n"
        "assert not at.exception, at.exception\n"
        "assert 'GenAI Playground' in at.title[0].value\n"
        "print(sorted(m for m in ('torch', 'transformers') if m in sys.modules))\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]", done.stdout


# What the page draws: well-formed SVG whose shapes follow the course data.

def texts(svg: str) -> list[str]:
    return ["".join(t.itertext()) for t in ET.fromstring(svg).iter("{http://www.w3.org/2000/svg}text")]


def test_path_diagram_names_every_step_in_order():
    names = [s.name for s in COURSE_PATH]
    drawn = [t for t in texts(path_svg(COURSE_PATH)) if t in names]
    assert drawn == names


def test_diagram_text_is_escaped():
    hostile = (replace(COURSE_PATH[0], name="<script>&"),) + COURSE_PATH[1:]
    svg = path_svg(hostile)
    assert "<script>" not in svg
    assert "<script>&" in texts(svg)  # escaped in the markup, intact on screen


def test_mapping_diagram_draws_the_inputs_and_outputs_of_each_mapping():
    drawn = texts(mappings_svg(SEQUENCE_MAPPINGS))
    assert sum(t.startswith("x") for t in drawn) == sum(m.inputs for m in SEQUENCE_MAPPINGS)
    assert sum(t.startswith("y") for t in drawn) == sum(m.outputs for m in SEQUENCE_MAPPINGS)
    assert [m.name for m in SEQUENCE_MAPPINGS] == [t for t in drawn if t.endswith("-to-one")
                                                   or t.endswith("-to-many")]


def test_causal_masks_hide_exactly_the_future():
    examples = tuple((name, tuple(lines)) for name, lines in series_by_family().items())
    svg = families_svg(TRANSFORMER_FAMILIES, examples)
    cells = list(ET.fromstring(svg).iter("{http://www.w3.org/2000/svg}rect"))
    hidden = sum(c.get("fill") == EMPTY for c in cells)
    assert hidden == 2 * (5 * 4 // 2)  # decoder-only and the decoder of an encoder-decoder
    assert "e.g. BERT, XLM" in texts(svg)


@pytest.mark.parametrize("svg", [path_svg(COURSE_PATH), mappings_svg(SEQUENCE_MAPPINGS)])
def test_diagrams_fit_the_page(svg):
    root = ET.fromstring(svg)
    width, height = map(float, root.get("viewBox").split()[2:])
    assert width <= 960 and 150 <= height <= 320
