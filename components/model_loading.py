"""Registry models for pages: loaded once per server, downloaded once with progress, or explained.

Every page that shows a transformer goes through `ready`, so all share one
cache (read-only models) and one offline message.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from components.download_progress import with_download_progress
from models.cpu_threads import share_cores
from models.hub import model_dir
from models.offline import DownloadUnavailable
from models.registry import ModelSpec, model_spec, specs_for
from models.transformer_loading import LoadedModel, load_transformer


@st.cache_resource(max_entries=3, show_spinner=False)
def shared_transformer(repo_id: str) -> LoadedModel:
    share_cores()
    return load_transformer(repo_id)  # shared by every session: read it, never change it


@st.cache_resource(show_spinner=False)
def _fetched_models() -> set:
    return set()  # hub models whose files are already here, so no progress bar is needed


def ready(repo_id: str, playground: str, use_instead: Callable[[str], None] | None) -> LoadedModel | None:
    """The loaded model, or None after saying why (and offering `playground`'s offline models, if asked)."""
    spec = model_spec(repo_id)
    try:
        if spec.source == "hub" and repo_id not in _fetched_models():
            with_download_progress(lambda report: model_dir(spec, on_progress=report, playground=playground),
                                   spec.label)
            _fetched_models().add(repo_id)
        with st.spinner(f"Loading {spec.label}…"):
            return shared_transformer(repo_id)
    except DownloadUnavailable as problem:
        st.warning(str(problem))
        if use_instead is None:
            return None
        offline = [s for s in specs_for(playground) if s.offline]
        for column, other in zip(st.columns(len(offline) + 2), offline):
            column.button(f"Use {other.label}", key=f"{playground}.use.{other.repo_id}",
                          on_click=use_instead, args=(other.repo_id,))
        return None


def model_caption(spec: ModelSpec) -> None:
    where = {"package": "installed with the app", "project": "trained by this project, in the repo",
             "hub": "Hugging Face Hub, downloaded once"}[spec.source]
    st.caption(f"{spec.family.capitalize()} · {spec.layers} layers × {spec.heads} heads · "
               f"{spec.parameters_m:g} M parameters (about {spec.memory_mb} MB) · context {spec.context_length} "
               f"tokens · {where} · licence {spec.licence}. {spec.note}")
