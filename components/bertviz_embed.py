"""Show a bertviz page (from components.bertviz_html) in the app and offer it as a download."""

from __future__ import annotations

import streamlit as st


def show_bertviz(html: str, height: int, file_name: str, key: str) -> None:
    """Embed the self-contained `html` at `height` pixels, with a button to save the same file.

    Only pass HTML made by `bertviz_view_html`: st.iframe runs its scripts with access to the app,
    and that function is what keeps user tokens from becoming markup.
    """
    st.iframe(html, height=height, alt="bertviz attention view")
    # on_click="ignore": saving the file need not rerun the (expensive) page.
    st.download_button("Download this view (HTML, works offline)", data=html, file_name=file_name,
                       mime="text/html", key=key, icon=":material/download:", on_click="ignore")
