"""Tokens as coloured chips, in HTML built only from escaped text.

A chip shows the exact text of its token; a token that holds only part of a
multi-byte character shows those bytes as hex (⟨e6 97⟩), never a replacement
glyph. Hovering a chip shows its id and bytes.
"""

from __future__ import annotations

import html
from collections.abc import Iterable

import streamlit as st

PALETTE = ("#d8c8f0", "#c8e6d0", "#f6dcb0", "#c4ddf2", "#f3c6cf", "#e2e6b8")
CHIP_STYLE = """<style>
.chips{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.95rem;line-height:1.9;
white-space:pre-wrap;word-break:break-word}
.chip{border-radius:4px;padding:1px 1px;margin-right:1px;color:#1d1d1f}
.chip .raw{color:#8a1c1c;font-size:.8em}
.chip .ws{color:#8a8a8a}
</style>"""
VISIBLE_WHITESPACE = {" ": "·", "\n": "↵\n", "\t": "→", "\r": "␍"}


def readable_segments(data: bytes) -> list[tuple[str, bool]]:
    """Split token bytes into (text, is_raw) runs: valid UTF-8 as text, the rest as hex."""
    segments: list[tuple[str, bool]] = []
    while data:
        try:
            segments.append((data.decode("utf-8"), False))
            break
        except UnicodeDecodeError as error:
            if error.start:
                segments.append((data[: error.start].decode("utf-8"), False))
            bad = data[error.start : error.end]
            segments.append(("⟨" + " ".join(f"{b:02x}" for b in bad) + "⟩", True))
            data = data[error.end :]
    return segments


def _text_html(text: str, show_whitespace: bool) -> str:
    if not show_whitespace:
        return html.escape(text)
    return "".join(
        f'<span class="ws">{html.escape(VISIBLE_WHITESPACE[c])}</span>' if c in VISIBLE_WHITESPACE
        else html.escape(c)
        for c in text
    )


def chip_html(data: bytes, token_id: int, colour: str, *, label: str | None = None,
              show_id: bool = False, show_whitespace: bool = False, note: str | None = None) -> str:
    """One chip. `label` (a tokenizer's own spelling) replaces the bytes when given; `note` ends its tooltip."""
    hex_bytes = " ".join(f"{b:02x}" for b in data)
    title = html.escape(f"id {token_id} · bytes {hex_bytes or '(none)'}"
                        + (f" · {label}" if label is not None else "") + (f" · {note}" if note else ""),
                        quote=True)
    if show_id:
        body = str(token_id)
    elif label is not None:
        body = _text_html(label, show_whitespace)
    else:
        body = "".join(f'<span class="raw">{html.escape(text)}</span>' if raw
                       else _text_html(text, show_whitespace)
                       for text, raw in readable_segments(data))
    return f'<span class="chip" style="background:{colour}" title="{title}">{body}</span>'


def chips_html(pieces: Iterable, *, show_ids: bool = False, show_whitespace: bool = False) -> str:
    """Chips for `pieces` (objects with token_id, data and label), colours cycling."""
    chips = [chip_html(p.data, p.token_id, PALETTE[k % len(PALETTE)], label=p.label,
                       show_id=show_ids, show_whitespace=show_whitespace)
             for k, p in enumerate(pieces)]
    separator = " " if show_ids else ""
    return f'{CHIP_STYLE}<div class="chips">{separator.join(chips)}</div>'


def token_chips(pieces, *, show_ids: bool = False, show_whitespace: bool = False) -> None:
    st.html(chips_html(pieces, show_ids=show_ids, show_whitespace=show_whitespace))
