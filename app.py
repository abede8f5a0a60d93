"""Entry point: a router, nothing more. Each page lives in pages/."""

import streamlit as st

st.set_page_config(page_title="GenAI Playground", page_icon="✨", layout="wide")

# Fixed url paths so links can be shared and tests can find each page.
# A page is listed only once it is built.
PAGES = [
    st.Page("pages/home.py", title="Home", icon="🏠", url_path="home", default=True),
    st.Page("pages/tokens.py", title="Tokens & context window", icon="🔤", url_path="tokens"),
]

st.navigation(PAGES).run()
