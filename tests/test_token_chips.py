from components.token_chips import chips_html, readable_segments
from models.tokenization import Piece


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
