"""A page's main inputs, bound to the URL and kept across page switches.

Usage in a page:

    state = PageState("tokens", [UrlParam("model", "gpt-4o", choices=MODELS), ...])
    state.restore()                       # before the widgets
    st.selectbox("Model", MODELS, key=state.key("model"))
    ...
    state.sync()                          # after the widgets

`restore` fills each widget's session-state key from what the user had (kept
under a non-widget key, which Streamlit does not drop on a page switch), else
from the URL, else from the default. `sync` writes the values back to the URL,
leaving defaults out so links stay short. A bad value in a URL falls back to
the default rather than raising.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import streamlit as st

# Longer text is kept in the session but left out of the URL (browsers and
# chat apps truncate long links).
MAX_URL_VALUE = 2000


# Streamlit forgets a widget's value once a run does not draw it (another page, a tab not open);
# a copy under a non-widget key survives. PageState keeps its parameters this way; the three
# functions below do the same for a widget that has no place in the URL.

def kept_key(widget_key: str) -> str:
    return f"_kept.{widget_key}"


def restore_widget(widget_key: str, default: Any, fit: Callable[[Any], Any] | None = None) -> str:
    """Refill the widget's value from its kept copy (else `default`) if Streamlit dropped it; returns the key.

    `fit` adapts a restored value to the widget as it is now drawn (a slider with a smaller maximum).
    """
    if widget_key not in st.session_state:
        value = st.session_state.get(kept_key(widget_key), default)
        st.session_state[widget_key] = value if fit is None else fit(value)
    return widget_key


def keep_widget(widget_key: str) -> None:
    """Call after drawing the widget."""
    st.session_state[kept_key(widget_key)] = st.session_state[widget_key]


def set_widget(widget_key: str, value: Any) -> None:
    """Change a kept widget's value from code (call before it is drawn)."""
    st.session_state[widget_key] = st.session_state[kept_key(widget_key)] = value


@dataclass(frozen=True)
class UrlParam:
    name: str
    default: Any
    parse: Callable[[str], Any] = str  # raises ValueError for a value it rejects
    choices: Sequence[Any] | None = None


def int_between(low: int, high: int) -> Callable[[str], int]:
    def parse(raw: str) -> int:
        value = int(raw)
        if not low <= value <= high:
            raise ValueError(f"{value} is outside {low}..{high}")
        return value

    return parse


def float_between(low: float, high: float) -> Callable[[str], float]:
    def parse(raw: str) -> float:
        value = float(raw)
        if not low <= value <= high:  # also rejects nan
            raise ValueError(f"{value} is outside {low}..{high}")
        return value

    return parse


def flag(raw: str) -> bool:
    if raw not in ("0", "1"):
        raise ValueError(raw)
    return raw == "1"


def listed(raw: str) -> list[str]:
    """A comma-separated list (for multiselects)."""
    return [item for item in raw.split(",") if item]


def _dump(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    return ",".join(map(str, value)) if isinstance(value, (list, tuple)) else str(value)


class PageState:
    def __init__(self, page: str, params: Sequence[UrlParam]):
        self.page = page
        self.params = {p.name: p for p in params}

    def key(self, name: str) -> str:
        """The widget key of parameter `name`, namespaced by page."""
        return f"{self.page}.{name}"

    def _kept(self, name: str) -> str:
        return kept_key(self.key(name))

    def _from_url(self, param: UrlParam) -> Any:
        raw = st.query_params.get(param.name)
        if raw is None:
            return param.default
        try:
            value = param.parse(raw)
        except (TypeError, ValueError):
            return param.default
        values = value if isinstance(value, list) else [value]
        if param.choices is not None and any(v not in param.choices for v in values):
            return param.default
        return value

    def restore(self) -> None:
        for name, param in self.params.items():
            if self._kept(name) not in st.session_state:
                st.session_state[self._kept(name)] = self._from_url(param)
            if self.key(name) not in st.session_state:
                st.session_state[self.key(name)] = st.session_state[self._kept(name)]

    def value(self, name: str) -> Any:
        return st.session_state[self.key(name)]

    def set(self, name: str, value: Any) -> None:
        """Change a value from code (call before its widget is drawn)."""
        set_widget(self.key(name), value)

    def sync(self) -> None:
        for name, param in self.params.items():
            value = st.session_state.get(self.key(name), param.default)
            st.session_state[self._kept(name)] = value
            text = _dump(value)
            if value == param.default or len(text) > MAX_URL_VALUE:
                if name in st.query_params:
                    del st.query_params[name]
            elif st.query_params.get(name) != text:
                st.query_params[name] = text
