"""Links to the playground pages, for those that are built.

A page appears (in app.py's router and here) once its file exists; until then it is
not mentioned (no "coming soon" stubs). Paths are absolute so a link resolves the
same whichever script Streamlit runs as the main one.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import streamlit as st
from streamlit.errors import StreamlitPageNotFoundError

APP_ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Playground:
    path: str  # as app.py registers it, relative to the app root
    label: str
    icon: str
    blurb: str

    @property
    def url_path(self) -> str:
        return Path(self.path).stem


# In course order. app.py builds its st.Page list from this table: one place for
# each page's title, icon and url path (the file name: /tokens, /recurrent, ...).
PLAYGROUNDS: tuple[Playground, ...] = (
    Playground("pages/recurrent.py", "RNN, LSTM & GRU", "🔁",
               "Feed a sequence through a recurrent cell and watch its state and gates."),
    Playground("pages/seq2seq.py", "Encoder-decoder & attention", "🔀",
               "One context vector for a whole sentence, then attention's alignment heatmap."),
    Playground("pages/attention.py", "Transformer attention", "🎯",
               "Every head of every layer: who attends to whom, in encoders and decoders."),
    Playground("pages/tokens.py", "Tokens & context window", "🔤",
               "See text as a model sees it, and how much fits in its window."),
    Playground("pages/prompts.py", "Prompt playground", "💬",
               "Write a prompt, watch the answer token by token with its probabilities."),
    Playground("pages/finetune.py", "Transfer learning & fine-tuning", "🎛️",
               "Freeze all, some or none of a pre-trained model's layers."),
    Playground("pages/gan.py", "GAN lab", "🎨",
               "Train a generator against a discriminator and watch its samples."),
)


def is_built(page: Playground) -> bool:
    return (APP_ROOT / page.path).is_file()


def playgrounds_for(paths: tuple[str, ...]) -> list[Playground]:
    """The built playgrounds among `paths`, in the order given."""
    by_path = {p.path: p for p in PLAYGROUNDS}
    return [by_path[path] for path in paths if path in by_path and is_built(by_path[path])]


def page_link(page: Playground) -> bool:
    """Draw a link to `page`; False (and nothing drawn) if the router does not know it yet."""
    try:
        st.page_link(str(APP_ROOT / page.path), label=page.label, icon=page.icon)
    except StreamlitPageNotFoundError:  # built but not yet listed in app.py
        return False
    return True


def playground_cards(columns: int = 3) -> None:
    """A card per built playground, then a line naming the ones still to come."""
    built = [p for p in PLAYGROUNDS if is_built(p)]
    slots = st.columns(columns)
    shown = 0
    for page in built:
        card = slots[shown % columns].empty()
        with card.container(border=True):
            linked = page_link(page)
            if linked:
                st.caption(page.blurb)
        if linked:
            shown += 1
        else:
            card.empty()
