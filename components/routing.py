"""Keep every visit on the router in app.py.

A fresh server with a pages/ folder runs its first visit by Streamlit's old
folder rules (the page script alone, no app.py) until some run of app.py calls
st.navigation. A shared link opened right after a deploy would then miss the
router's page list and settings; this sends such a visit through app.py.
"""

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager


def ensure_router() -> None:
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()
