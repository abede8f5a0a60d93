"""Entry point: a router, nothing more. Each page lives in pages/."""

import streamlit as st

from components.page_links import PLAYGROUNDS, is_built

st.set_page_config(page_title="GenAI Playground", page_icon="✨", layout="wide")

# Fixed url paths (the page's file name) so links can be shared and tests can
# find each page. A playground is listed only once its file exists.
PAGES = [st.Page("pages/home.py", title="Home", icon="🏠", url_path="home", default=True)] + [
    st.Page(page.path, title=page.label, icon=page.icon, url_path=page.url_path)
    for page in PLAYGROUNDS if is_built(page)
]

st.navigation(PAGES).run()
