"""Whether the browser session that started a background job is still there."""

from __future__ import annotations

from collections.abc import Callable

from streamlit.runtime import Runtime
from streamlit.runtime.scriptrunner import get_script_run_ctx


def session_alive() -> Callable[[], bool]:
    """A check, safe to call from any thread: False once this session's tab is closed.

    A page switch keeps the session; only a closed (or long disconnected) tab ends it.
    """
    session_id = get_script_run_ctx().session_id

    def alive() -> bool:
        if not Runtime.exists():  # no server (tests, or shutting down): nothing to wait for
            return True
        return bool(Runtime.instance().is_active_session(session_id))

    return alive
