"""GPT-2's byte-level alphabet: how byte-level BPE vocabularies spell raw bytes.

GPT-2, Qwen, Llama 3 and this project's decoder store each token as a string in
which every byte is one printable character ("Ġ" is the space byte 0x20, "æ" is
0xe6). A token that holds part of a multi-byte character is therefore spelled
with glyphs that are not in the text at all; mapping the spelling back gives the
bytes the token really stands for. The table is GPT-2's `bytes_to_unicode`
(openai/gpt-2, src/encoder.py); tests check it against the copy in transformers.
"""

from __future__ import annotations

from functools import cache


@cache
def byte_to_glyph() -> dict[int, str]:
    """Byte -> the character that spells it: printable Latin-1 bytes stand for themselves,
    the other 68 bytes (controls, space, soft hyphen...) borrow characters from 256 up."""
    printable = [*range(ord("!"), ord("~") + 1), *range(ord("¡"), ord("¬") + 1), *range(ord("®"), ord("ÿ") + 1)]
    glyphs = dict.fromkeys(range(256))
    for byte in printable:
        glyphs[byte] = chr(byte)
    borrowed = (b for b in range(256) if glyphs[b] is None)
    for n, byte in enumerate(borrowed):
        glyphs[byte] = chr(256 + n)
    return glyphs


@cache
def glyph_to_byte() -> dict[str, int]:
    return {glyph: byte for byte, glyph in byte_to_glyph().items()}


def spelling_to_bytes(spelling: str) -> bytes | None:
    """The bytes a byte-level token spelling stands for; None when a character is outside
    the alphabet, so the spelling cannot be a byte-level one."""
    table = glyph_to_byte()
    if not all(glyph in table for glyph in spelling):
        return None
    return bytes(table[glyph] for glyph in spelling)
