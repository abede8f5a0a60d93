"""bertviz's head and model views as one self-contained page: no network, no way for a token to run code.

bertviz builds the view; this module only makes its HTML safe to embed. Its output loads
require.js, d3 and jQuery from a CDN (blank offline) and pastes `json.dumps(params)`, tokens
included, into a <script> unescaped. `bertviz_view_html` inlines d3 and jQuery from installed
packages, stands in for require.js with a two-line loader, and re-serialises the params so
that `<`, `>` and `&` never reach the script.
"""

from __future__ import annotations

import importlib.util
import json
import math
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

VIEWS = ("head", "model")
APP_FONT = '"Source Sans 3", "Source Sans Pro", -apple-system, "Segoe UI", Roboto, sans-serif'

# (package, file inside it). No AMD loader is on the page, so both set window globals.
# present their UMD wrappers would register anonymous AMD modules instead of window globals.
LIBRARIES = (("xstatic.pkg.jquery", "data/jquery.min.js"),   # jQuery 3.7.1 (bertviz asks for 2.0)
             ("mpld3", "js/d3.v5.min.js"))                   # d3 5.7.0, the version bertviz asks for
# bertviz only calls `requirejs(['jquery', 'd3'], main)`: a loader of two known globals does it.
LOCAL_MODULES = ("window.requirejs = window.require = (names, main) => "
                 "main(...names.map(name => ({jquery: window.jQuery, d3: window.d3})[name]));")

# bertviz's own markers; if a bertviz upgrade moves them we fail loudly instead of going online.
CDN_REQUIRE_TAG = re.compile(r'<script src="https?://[^"]*require[^"]*"></script>')
CDN_REQUIRE_CONFIG = re.compile(r"require\.config\(\{\s*paths:\s*\{[^{}]*\}\s*\}\);")
PARAMS_MARKER = "const params = "
# Characters that could end or confuse a <script> block; only ever inside JSON strings.
SCRIPT_SAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026",
                             "\u2028": "\\u2028", "\u2029": "\\u2029"})

# Pixel sizes read from bertviz's head_view.js / model_view.js, used to size the iframe.
PAGE_PADDING = 24            # body padding plus a little slack for scrollbar rounding
SELECT_ROW = 32              # the "Layer:" / "Attention:" dropdown line
HEAD_BOX_HEIGHT, HEAD_TEXT_TOP = 22.5, 30
MODEL_AXIS, MODEL_THUMB_PADDING = 38, 5
MODEL_DETAIL_BOX, MODEL_DETAIL_EXTRA = 18, 55

STYLE = f"""
:root {{ color-scheme: light; }}
html, body {{ margin: 0; background: #fff; color: #31333f; }}
body {{ padding: 8px 8px 0; font: 14px/1.4 {APP_FONT}; }}
[id^="bertviz-"] {{ font-family: inherit !important; }}
select {{ font: inherit; color: inherit; background: #fff; border: 1px solid #d5d6dc;
          border-radius: 4px; padding: 1px 4px; margin: 0 12px 6px 4px; }}
svg text {{ font-family: inherit; }}
"""


def bertviz_view_html(view: str, *, attention=None, tokens=None, sentence_b_start=None, encoder_attention=None,
                      decoder_attention=None, cross_attention=None, encoder_tokens=None, decoder_tokens=None,
                      include_layers=None, layer=None, heads=None) -> str:
    """One offline HTML document with bertviz's `view` ("head" or "model") of the given attention.

    Attention follows bertviz: a sequence over layers of arrays or tensors shaped (1, heads, q, k).
    Give either `attention` + `tokens` (self-attention), or any of encoder/decoder/cross attention
    with their tokens. `layer` and `heads` pick the head view's initial layer and heads; in the
    model view `heads` limits which heads are drawn.
    """
    if view not in VIEWS:
        raise ValueError(f"view must be one of {VIEWS}, not {view!r}")
    arguments = _checked_arguments(view, attention, tokens, sentence_b_start, encoder_attention, decoder_attention,
                                   cross_attention, encoder_tokens, decoder_tokens, include_layers, layer, heads)
    import bertviz  # imports IPython and torch: only when a view is drawn

    if view == "head":
        shown = bertviz.head_view(**arguments, html_action="return")
    else:
        shown = bertviz.model_view(**arguments, display_mode="light", html_action="return")
    return _offline_document(view, shown.data)


def bertviz_height(view: str, n_tokens: int, n_layers: int, *, n_heads: int = 12, attention_kinds: int = 1) -> int:
    """Iframe height in pixels that shows the whole view without a large empty margin.

    n_tokens: the longest token list shown (for encoder-decoder, max of encoder and decoder).
    n_heads: the model's number of heads. attention_kinds: entries of the "Attention:" dropdown
    (1 for plain self-attention, 5 with `sentence_b_start`, up to 3 for encoder-decoder).
    """
    if view not in VIEWS:
        raise ValueError(f"view must be one of {VIEWS}, not {view!r}")
    if min(n_tokens, n_layers, n_heads, attention_kinds) < 1:
        raise ValueError("n_tokens, n_layers, n_heads and attention_kinds must all be at least 1")
    if view == "head":
        drawing = n_tokens * HEAD_BOX_HEIGHT + HEAD_TEXT_TOP
        return math.ceil(SELECT_ROW + drawing + PAGE_PADDING)
    thumbnail = n_tokens * 7 * 12 / n_heads + 2 * MODEL_THUMB_PADDING
    detail = n_tokens * MODEL_DETAIL_BOX + MODEL_DETAIL_EXTRA  # the panel shown after clicking a head
    drawing = max(n_layers * thumbnail + MODEL_AXIS, detail)
    return math.ceil((SELECT_ROW if attention_kinds > 1 else 0) + drawing + PAGE_PADDING)


# -- checking the input ------------------------------------------------------------------------

def _checked_arguments(view, attention, tokens, sentence_b_start, encoder_attention, decoder_attention,
                       cross_attention, encoder_tokens, decoder_tokens, include_layers, layer, heads) -> dict:
    """bertviz's keyword arguments, attention as float64 torch tensors; a ValueError says what to fix."""
    encoder_decoder = {"encoder_attention": encoder_attention, "decoder_attention": decoder_attention,
                       "cross_attention": cross_attention}
    given = {name: value for name, value in encoder_decoder.items() if value is not None}
    if attention is not None and (given or encoder_tokens is not None or decoder_tokens is not None):
        raise ValueError("Pass either `attention` with `tokens` (self-attention) or encoder/decoder/cross "
                         "attention with `encoder_tokens`/`decoder_tokens`, not both.")
    if attention is None and not given:
        raise ValueError("No attention given: pass `attention` and `tokens`, or encoder/decoder/cross attention.")
    if attention is not None:
        arguments = _self_attention_arguments(attention, tokens, sentence_b_start)
        layers = [arguments["attention"]]
    else:
        if sentence_b_start is not None:
            raise ValueError("sentence_b_start is for self-attention only; leave it out for encoder-decoder attention.")
        arguments = _encoder_decoder_arguments(given, encoder_tokens, decoder_tokens)
        layers = [arguments[name] for name in given]

    n_layers, n_heads = {len(value) for value in layers}, {value[0].shape[1] for value in layers}
    if len(n_layers) > 1 or len(n_heads) > 1:
        raise ValueError(f"All attention must have the same number of layers and heads, got layers "
                         f"{sorted(n_layers)} and heads {sorted(n_heads)}.")
    arguments["include_layers"] = _indices("include_layers", include_layers, n_layers.pop())
    heads = _indices("heads", heads, n_heads.pop())
    if view == "model":
        if layer is not None:
            raise ValueError("`layer` only sets the head view's first layer; for the model view use `include_layers`.")
        return {**arguments, "include_heads": heads}
    shown_layers = arguments["include_layers"] or list(range(len(layers[0])))
    if layer is not None and layer not in shown_layers:
        raise ValueError(f"layer {layer!r} is not among the layers shown; pick one of {shown_layers}.")
    return {**arguments, "heads": heads, "layer": None if layer is None else int(layer)}


def _self_attention_arguments(attention, tokens, sentence_b_start) -> dict:
    layers = _layers("attention", attention)
    n = _token_count("tokens", tokens)
    _check_shape("attention", layers, n, n, "tokens", "tokens")
    if sentence_b_start is not None and not (isinstance(sentence_b_start, (int, np.integer)) and 0 < sentence_b_start < n):
        raise ValueError(f"sentence_b_start must be an index between 1 and {n - 1} (first token of sentence B), "
                         f"not {sentence_b_start!r}")
    return {"attention": layers, "tokens": list(tokens),
            "sentence_b_start": None if sentence_b_start is None else int(sentence_b_start)}


def _encoder_decoder_arguments(given: dict, encoder_tokens, decoder_tokens) -> dict:
    tokens = {"encoder_tokens": encoder_tokens, "decoder_tokens": decoder_tokens}
    # (query tokens, key tokens) of each kind: cross-attention queries are decoder positions.
    sides = {"encoder_attention": ("encoder_tokens", "encoder_tokens"),
             "decoder_attention": ("decoder_tokens", "decoder_tokens"),
             "cross_attention": ("decoder_tokens", "encoder_tokens")}
    arguments = {name: list(value) if value is not None else None for name, value in tokens.items()}
    for name, value in given.items():
        layers = _layers(name, value)
        rows, columns = sides[name]
        for needed in (rows, columns):
            if tokens[needed] is None:
                raise ValueError(f"{name} needs `{needed}`: pass the tokens it attends over.")
        _check_shape(name, layers, _token_count(rows, tokens[rows]), _token_count(columns, tokens[columns]),
                     rows, columns)
        arguments[name] = layers
    return arguments


def _layers(name: str, attention) -> list:
    """A list of float64 tensors (1, heads, q, k), one per layer; numpy arrays welcome."""
    import torch  # bertviz needs torch tensors (it calls .size() and torch.stack)

    if isinstance(attention, (np.ndarray, torch.Tensor)) and attention.ndim == 4:
        raise ValueError(f"{name} is one 4-D array; bertviz wants one (1, heads, q, k) array per layer: "
                         f"pass a list of them (e.g. the `attentions` tuple of a transformers model).")
    layers = []
    for index, layer in enumerate(attention):
        if isinstance(layer, torch.Tensor):
            layer = layer.detach().cpu().numpy()
        layer = np.asarray(layer, dtype=np.float64)
        if layer.ndim != 4 or layer.shape[0] != 1:
            raise ValueError(f"{name}[{index}] has shape {layer.shape}; each layer must be (1, heads, q, k) "
                             f"(batch of one; run the model with output_attentions=True).")
        if layers and layer.shape != layers[0].shape:
            raise ValueError(f"{name}[{index}] has shape {layer.shape} but layer 0 has {tuple(layers[0].shape)}.")
        if not np.isfinite(layer).all():
            raise ValueError(f"{name}[{index}] contains NaN or infinity; attention weights must be finite.")
        layers.append(torch.from_numpy(layer))
    if not layers:
        raise ValueError(f"{name} is empty; pass one (1, heads, q, k) array per layer.")
    return layers


def _token_count(name: str, tokens) -> int:
    if tokens is None or isinstance(tokens, str) or not all(isinstance(token, str) for token in tokens):
        raise ValueError(f"`{name}` must be a list of strings, one per position.")
    if len(tokens) == 0:
        raise ValueError(f"`{name}` is empty; there must be one token per attention position.")
    return len(tokens)


def _check_shape(name: str, layers: list, rows: int, columns: int, row_tokens: str, column_tokens: str) -> None:
    _, _, q, k = layers[0].shape
    if (q, k) != (rows, columns):
        raise ValueError(f"{name} covers {q} × {k} positions but there are {rows} {row_tokens} × {columns} "
                         f"{column_tokens}; pass exactly the tokens the model saw (special tokens included).")


def _indices(name: str, indices, size: int) -> list[int] | None:
    if indices is None:
        return None
    indices = list(indices)
    if not indices or len(set(indices)) != len(indices) or not all(
            isinstance(i, (int, np.integer)) and 0 <= i < size for i in indices):
        raise ValueError(f"{name} must be distinct indices in 0..{size - 1}, got {indices!r}.")
    return [int(i) for i in indices]


# -- making bertviz's HTML offline and safe -----------------------------------------------------

def _offline_document(view: str, bertviz_html: str) -> str:
    """bertviz's fragment, CDN references removed and params re-escaped, in a full HTML page."""
    start = bertviz_html.index(PARAMS_MARKER) + len(PARAMS_MARKER)
    # Everything before the marker is bertviz's template; user text starts at the params JSON.
    template, params_onwards = bertviz_html[:start], bertviz_html[start:]
    template, tags = CDN_REQUIRE_TAG.subn("", template)
    template, configs = CDN_REQUIRE_CONFIG.subn("/* jquery and d3 are defined locally above */", template)
    if (tags, configs) != (1, 1):
        raise RuntimeError("bertviz's HTML no longer has the expected CDN require.js tag and require.config; "
                           "check components/bertviz_html.py against the installed bertviz version.")
    params, end = json.JSONDecoder().raw_decode(params_onwards)
    # bertviz's str.replace also pasted the raw params into the "// HACK: PYTHON_PARAMS ..." comment
    # on the same line: drop that comment, or its unescaped copy would still close the script.
    if not params_onwards.startswith(";", end):
        raise RuntimeError("bertviz's params are no longer followed by ';'; check components/bertviz_html.py.")
    rest = params_onwards[params_onwards.index("\n", end):]
    body = template + script_safe_json(params) + ";" + rest
    libraries = "\n".join(f"<script>{_library(package, path)}</script>" for package, path in LIBRARIES)
    return (f'<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f"<title>Attention, {view} view (bertviz)</title>\n<style>{STYLE}</style>\n"
            f"{libraries}\n<script>{LOCAL_MODULES}</script>\n</head>\n<body>\n{body}\n</body>\n</html>\n")


def script_safe_json(value: Any) -> str:
    """JSON that can sit inside <script>: no `<`, `>`, `&` or JS line separators appear literally."""
    return json.dumps(value, ensure_ascii=False, allow_nan=False).translate(SCRIPT_SAFE)


@lru_cache(maxsize=None)
def _library(package: str, path: str) -> str:
    """A JavaScript file shipped in an installed package, safe to inline in <script>."""
    spec = importlib.util.find_spec(package)  # finds the folder without importing the package
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"Python package {package!r} is missing; run `pip install -r requirements.txt`.")
    text = (Path(next(iter(spec.submodule_search_locations))) / path).read_text(encoding="utf-8")
    return re.sub(r"</(script)", r"<\\/\1", text, flags=re.IGNORECASE)
