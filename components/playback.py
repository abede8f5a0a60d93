"""A step slider with a Play button: a fragment that advances one step at a time.

The fragment's timer runs only while playing, so an idle page costs nothing.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st


def toggle(flag_key: str, state, name: str, last: int) -> None:
    """Play or pause; Play at the last step starts over from step 0 (there is nothing left to play)."""
    playing = not st.session_state.get(flag_key, False)
    st.session_state[flag_key] = playing
    if playing and state.value(name) >= last:
        state.set(name, 0)
        st.session_state[flag_key + ".restarted"] = True  # show step 0 before moving on


def playback(state, name: str, steps: int, draw: Callable[[int], None], *, label: str = "Step",
             seconds: float = 0.7) -> None:
    """A slider for `state`'s parameter `name` over 0..steps-1, a Play button, and `draw(t)`."""
    flag_key = f"{state.page}.playing"
    if state.value(name) > steps - 1:
        state.set(name, max(steps - 1, 0))
    playing = st.session_state.get(flag_key, False)
    st.button("⏸ Pause" if playing else "▶ Play", on_click=toggle,
              args=(flag_key, state, name, steps - 1), key=f"{state.page}.play")

    @st.fragment(run_every=seconds if playing else None)
    def stepper():
        restarted = st.session_state.pop(flag_key + ".restarted", False)
        if st.session_state.get(flag_key, False) and not restarted:
            if state.value(name) >= steps - 1:
                st.session_state[flag_key] = False
                st.rerun(scope="app")  # stop the timer: redraw with run_every off
            state.set(name, state.value(name) + 1)
        st.slider(label, 0, max(steps - 1, 1), key=state.key(name), disabled=steps < 2)
        draw(min(state.value(name), steps - 1))

    stepper()
