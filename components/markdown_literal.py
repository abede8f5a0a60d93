"""User text inside Streamlit Markdown, shown literally: no emphasis, links, HTML or LaTeX from what a student typed."""

from __future__ import annotations

import string

# CommonMark lets a backslash escape any ASCII punctuation, so escaping all of it
# covers *emphasis*, [links](...), `code`, <tags>, # headings and Streamlit's $maths$.
_ESCAPED = str.maketrans({char: "\\" + char for char in string.punctuation})


def markdown_literal(text: str) -> str:
    """`text` escaped so that st.markdown (and st.warning, st.caption...) shows exactly its characters."""
    return text.translate(_ESCAPED)
