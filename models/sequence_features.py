"""Simple features of a character sequence, one number per character.

"Find units" ranks hidden units by how closely they follow one of these, the
way LSTMVis users discover cells that track quotes, brackets or line position.
"""

from __future__ import annotations

import numpy as np

OPENING, CLOSING = "([{", ")]}"


def bracket_depth(text: str) -> np.ndarray:
    """Open brackets after reading each character (never below zero)."""
    depth, values = 0, []
    for char in text:
        if char in OPENING:
            depth += 1
        elif char in CLOSING:
            depth = max(0, depth - 1)
        values.append(depth)
    return np.array(values, dtype=np.float32)


def inside_quotes(text: str) -> np.ndarray:
    """1 while inside a pair of double quotes (the quote marks themselves included)."""
    inside, values = False, []
    for char in text:
        if char == '"':
            inside = not inside
            values.append(1.0)
        else:
            values.append(float(inside))
    return np.array(values, dtype=np.float32)


def position_in_line(text: str) -> np.ndarray:
    """Characters since the last newline."""
    position, values = 0, []
    for char in text:
        position = 0 if char == "\n" else position + 1
        values.append(position)
    return np.array(values, dtype=np.float32)


def is_space(text: str) -> np.ndarray:
    return np.array([char.isspace() for char in text], dtype=np.float32)


FEATURES = {
    "bracket depth": bracket_depth,
    "inside quotes": inside_quotes,
    "position in line": position_in_line,
    "whitespace": is_space,
}
