"""BPE merges drawn as chips, and a trained tokenizer's merges as a table.

Views take plain results (piece traces with their steps, a list of merges),
never an encoding. Every byte shown goes through `chip_html`, which escapes it.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.token_chips import CHIP_STYLE
from components.token_chips import VISIBLE_WHITESPACE, PALETTE, chip_html, readable_segments
from models.bpe import longest_merge_count

_STYLE = """<style>
.bpe-row{display:flex;align-items:baseline;gap:.8rem;flex-wrap:wrap}
.bpe-step{color:#8a8a8a;font-size:.8rem;min-width:3.5rem;text-align:right}
.bpe-piece{margin-right:.9rem;white-space:nowrap}
.bpe-next{outline:2px solid #d0342c;outline-offset:1px;border-radius:4px}
.bpe-note{color:#666;font-size:.8rem}
</style>"""
# One line per cell: whitespace as its visible mark, without the line break after ↵.
_TABLE_WHITESPACE = str.maketrans({c: mark.rstrip("\n") for c, mark in VISIBLE_WHITESPACE.items()})


def _state(trace, step: int):
    return trace.steps[min(step, trace.merge_count)]  # a finished piece stays finished


def _chip(data: bytes, token_id: int, k: int) -> str:
    return chip_html(data, token_id, PALETTE[k % len(PALETTE)], show_whitespace=True)


def _piece_html(state) -> str:
    chips = [_chip(part, token_id, k) for k, (part, token_id) in enumerate(zip(state.parts, state.ids))]
    i = state.merge_index
    if i is not None:  # outline the pair that merges next
        chips[i : i + 2] = [f'<span class="bpe-next" title="merges next · rank {state.merge_rank}">'
                            f"{chips[i]}{chips[i + 1]}</span>"]
    return f'<span class="bpe-piece">{"".join(chips)}</span>'


def _row_html(piece_traces, step: int) -> str:
    return "".join(_piece_html(_state(trace, step)) for trace in piece_traces)


def _next_merges_html(piece_traces, step: int) -> str:
    notes = []
    for trace in piece_traces:
        state = _state(trace, step)
        if state.merge_index is None:
            continue
        left, right = state.parts[state.merge_index], state.parts[state.merge_index + 1]
        notes.append(f"{_chip(left, state.ids[state.merge_index], 0)} + "
                     f"{_chip(right, state.ids[state.merge_index + 1], 1)} → "
                     f"{_chip(left + right, state.merge_rank, 2)} (rank {state.merge_rank})")
    if not notes:
        return '<div class="bpe-note">Done: no neighbouring pair is a token any more.</div>'
    return '<div class="bpe-note">Next merge: ' + " · ".join(notes) + "</div>"


def merge_steps_html(piece_traces, step: int) -> str:
    """The parts of every piece after `step` merges, the pair merging next outlined."""
    row = _row_html(piece_traces, step)
    return (f'{CHIP_STYLE}{_STYLE}<div class="chips"><div class="bpe-row">{row}</div>'
            f"{_next_merges_html(piece_traces, step)}</div>")


def merge_ladder_html(piece_traces) -> str:
    """Every step at once, one row each: the word assembling itself from bytes."""
    rows = "".join(f'<div class="bpe-row"><span class="bpe-step">step {step}</span>'
                   f"{_row_html(piece_traces, step)}</div>"
                   for step in range(longest_merge_count(piece_traces) + 1))
    return f'{CHIP_STYLE}{_STYLE}<div class="chips">{rows}</div>'


def merge_steps(piece_traces, step: int) -> None:
    st.html(merge_steps_html(piece_traces, step))


def merge_ladder(piece_traces) -> None:
    st.html(merge_ladder_html(piece_traces))


def readable_bytes(data: bytes) -> str:
    """Token bytes as one line of text: whitespace made visible, broken UTF-8 as hex."""
    return "".join(text for text, _ in readable_segments(data)).translate(_TABLE_WHITESPACE)


def merges_table(trained) -> pd.DataFrame:
    """One row per learned merge, in the order training made them."""
    return pd.DataFrame(
        [(m.rank, readable_bytes(m.left), readable_bytes(m.right), readable_bytes(m.merged), m.count)
         for m in trained.merges],
        columns=["rank", "left", "right", "merged", "count"],
    )
