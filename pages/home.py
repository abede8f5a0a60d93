"""Home: the course map, from the two families of generative AI to Transformers.

Only streamlit, pandas and plain data modules here: the first page a visitor
opens must come up without torch or transformers.
"""

import pandas as pd
import streamlit as st

from components.course_diagrams import families_svg, mappings_svg, path_svg, show_diagram
from components.page_links import page_link, playground_cards, playgrounds_for
from components.routing import ensure_router
from models.course_map import (COURSE_PATH, GENERATIVE_FAMILIES, SEQUENCE_MAPPINGS,
                               TRANSFORMER_FAMILIES)
from models.milestones import MILESTONES, milestone_rows, series_by_family, source_label

MILESTONE_COLUMNS = {
    "model": "Model",
    "family": "Family",
    "year": st.column_config.NumberColumn("Year", format="%d"),
    "layers": st.column_config.TextColumn("Layers", help="Encoder-decoders: encoder + decoder",
                                          alignment="right"),
    "heads": "Heads",
    "hidden size": st.column_config.NumberColumn("Hidden size", help="d_model"),
    "parameters": st.column_config.NumberColumn("Parameters", format="compact"),
    "paper": "Paper",
    "source": st.column_config.LinkColumn("Source", display_text=r"https?://([^/]+)/"),
}


def hero() -> None:
    st.title("✨ GenAI Playground")
    st.markdown("#### See how generative AI works by poking at it, one idea at a time.")
    steps = st.columns(3)
    steps[0].markdown("🧭 **Follow the map** below, from recurrent networks to Transformers.")
    steps[1].markdown("🕹️ **Open a playground** and change one thing at a time.")
    steps[2].markdown("🔗 **Share what you see:** a playground keeps its settings in its link.")


def generative_families() -> None:
    st.header("Two families of generative AI")
    for column, family in zip(st.columns(len(GENERATIVE_FAMILIES)), GENERATIVE_FAMILIES):
        with column.container(border=True):
            st.subheader(f"{family.icon} {family.name}")
            st.write(family.summary)
            for page in playgrounds_for(family.pages):
                page_link(page)


def course_path() -> None:
    st.header("From RNN to Transformer")
    st.caption("Each step fixes a limit of the one before. Hover a box for its paper.")
    show_diagram(path_svg(COURSE_PATH))


def sequence_mappings() -> None:
    st.header("Four ways to map sequences")
    st.caption("A recurrent network unrolled over time: inputs x, hidden states h, outputs y. "
               "RNNs, LSTMs and GRUs can all be wired these four ways.")
    show_diagram(mappings_svg(SEQUENCE_MAPPINGS))
    st.caption("Many-to-many as drawn ties the output length to the input length; "
               "the encoder-decoder lifts that limit.")


def transformer_families() -> None:
    st.header("Transformers in three families")
    st.markdown("An LLM is a Transformer trained on a very large corpus to understand and "
                "generate text. What sets the families apart is **who may attend to whom**.")
    examples = tuple((name, tuple(lines)) for name, lines in series_by_family().items())
    show_diagram(families_svg(TRANSFORMER_FAMILIES, examples))
    st.caption("Each grid is an attention mask: a row is the token that looks, "
               "a filled square a token it may look at.")
    st.subheader("Milestone models")
    st.dataframe(pd.DataFrame(milestone_rows()), column_config=MILESTONE_COLUMNS,
                 hide_index=True, height="content", placeholder="—")
    with st.expander("Where each figure comes from"):
        st.markdown("\n".join(
            f"- **{m.name}**, {m.where}: " + " · ".join(f"[{source_label(u)}]({u})" for u in m.sources)
            for m in MILESTONES))
        st.caption("A dash in the table means none of these sources states the figure.")


def home_page() -> None:
    ensure_router()
    hero()
    generative_families()
    course_path()
    sequence_mappings()
    transformer_families()
    st.header("Playgrounds")
    playground_cards()


home_page()
