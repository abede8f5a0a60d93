from components.token_chips import chips_html, readable_segments
from models.registry import PROJECT_DECODER
from models.tokenization import Piece, load_tokenizer


def test_partial_characters_show_their_bytes():
    assert readable_segments("é".encode()) == [("é", False)]
    assert readable_segments(b" \xf0\x9f") == [(" ", False), ("⟨f0 9f⟩", True)]
    assert readable_segments(b"\xa4a") == [("⟨a4⟩", True), ("a", False)]


def test_hostile_text_is_escaped():
    hostile = "<img src=x onerror=alert(1)>"
    html = chips_html([Piece(1, hostile.encode(), None), Piece(2, b'"><script>', '"><b>')])
    assert "<img" not in html and "<script>" not in html and "<b>" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_views():
    pieces = [Piece(83, b"a b\n", None)]
    assert ">83<" in chips_html(pieces, show_ids=True)
    assert "·" in chips_html(pieces, show_whitespace=True) and "↵" in chips_html(pieces, show_whitespace=True)
    assert 'title="id 83 · bytes 61 20 62 0a"' in chips_html(pieces)


def test_byte_level_fragments_show_their_own_bytes():
    tokenizer = load_tokenizer(PROJECT_DECODER)  # byte-level BPE: 東 is three tokens
    text = "東 x"
    tokens = tokenizer.tokenize(text)
    html = chips_html(tokenizer.pieces(text, tokens, 100), show_whitespace=True)
    utf8 = text.encode()
    for k, token_id in enumerate(tokens.ids[:3]):  # one byte of 東 each
        assert f'title="id {token_id} · bytes {utf8[k]:02x}"' in html
        assert f"⟨{utf8[k]:02x}⟩" in html
    assert not {"æ", "Ŀ", "±", "Ġ"} & set(html)  # the vocabulary's stand-in glyphs
    assert '<span class="ws">·</span>x' in html  # the space before x is a real space
