"""Plotly figures cached by their inputs and shared read-only across sessions.

Building a figure costs ~10 ms of plotly validation and a page draws many;
st.plotly_chart copies a figure before sending it, so sharing one is safe.
"""

import streamlit as st

shared_figure = st.cache_resource(max_entries=512, show_spinner=False)
