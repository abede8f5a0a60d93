"""The BPE panel in a simulated app: walk a word's merges, train, and stay safe with hostile text."""

from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT

HOSTILE = "<img src=x onerror=alert(1)>"


def _panel_script(root: str, sample_text: str | None) -> None:
    # AppTest runs only this function's body, so it imports from the repo root it is given.
    import sys

    if root not in sys.path:
        sys.path.insert(0, root)
    import streamlit as st

    from components.bpe_panel import bpe_panel
    from models.encodings import bundled_cl100k

    bpe_panel(st.cache_resource(bundled_cl100k)(), sample_text=sample_text)  # cached, as a page does


def _app(sample_text: str | None = None) -> AppTest:
    return AppTest.from_function(_panel_script, args=(str(ROOT), sample_text), default_timeout=30).run()


def _steps_html(at: AppTest) -> str:
    return at.html[0].value  # the chips of the chosen step come first


def test_renders_with_every_key_namespaced():
    at = _app()
    assert not at.exception
    widgets = [*at.text_input, *at.slider, *at.text_area, *at.button]
    assert widgets and all(w.key.startswith("tokens.bpe.") for w in widgets)
    assert 'title="merges next' in _steps_html(at)  # step 0: a pair is outlined


def test_typing_a_word_changes_the_chips():
    at = _app()
    before = _steps_html(at)
    at.text_input(key="tokens.bpe.word").input("unbelievably").run()
    assert not at.exception
    after = _steps_html(at)
    assert after != before and "bytes 75" in after and "bytes 6e" in after  # "u", "n" as single bytes


def test_step_slider_walks_to_the_final_tokens():
    at = _app()
    slider = at.slider(key="tokens.bpe.step")
    assert slider.value == 0 and slider.max > 0
    slider.set_value(slider.max).run()
    html = _steps_html(at)
    assert not at.exception and "Done" in html and "bpe-next" not in html.split("</style>")[-1]
    assert 'title="id 4037 ' in html and 'title="id 2065 ' in html  # " token" + "ization", as tiktoken says


def test_shorter_word_restarts_the_steps():
    at = _app()
    at.slider(key="tokens.bpe.step").set_value(at.slider(key="tokens.bpe.step").max).run()
    at.text_input(key="tokens.bpe.word").input("hey").run()
    assert not at.exception
    assert at.slider(key="tokens.bpe.step").value == 0 and at.slider(key="tokens.bpe.step").max == 2


def test_train_shows_merges_and_own_tokens():
    at = _app()
    assert not at.dataframe
    at.slider(key="tokens.bpe.vocab_size").set_value(270).run()
    at.button(key="tokens.bpe.train").click().run()
    assert not at.exception
    table = at.dataframe[0].value
    assert list(table.columns) == ["rank", "left", "right", "merged", "count"]
    assert len(table) == 14 and table["rank"].tolist() == list(range(256, 270))
    assert [m.label for m in at.metric][1].startswith("cl100k_base")
    at.text_input(key="tokens.bpe.word").input("cat").run()  # the result survives reruns
    assert len(at.dataframe[0].value) == 14


def test_sample_text_seeds_training():
    at = _app(sample_text="banana bandana " * 20)
    assert at.text_area(key="tokens.bpe.text").value.startswith("banana bandana")
    at.button(key="tokens.bpe.train").click().run()
    assert "an" in at.dataframe[0].value["merged"].tolist()


def test_empty_word_and_empty_training_text():
    at = _app()
    at.text_input(key="tokens.bpe.word").input("").run()
    at.text_area(key="tokens.bpe.text").input("").run()
    at.button(key="tokens.bpe.train").click().run()
    assert not at.exception
    assert any("Type a word" in i.value for i in at.info)
    assert any("no pair" in i.value for i in at.info) and len(at.dataframe[0].value) == 0


def test_huge_texts_are_cut_not_crashed():
    at = _app(sample_text="lorem ipsum dolor " * 2_000)  # 36,000 characters
    assert len(at.text_area(key="tokens.bpe.text").value) == 20_000
    at.text_input(key="tokens.bpe.word").input("x" * 500).run()
    at.button(key="tokens.bpe.train").click().run()
    assert not at.exception and len(at.dataframe[0].value) > 0


def test_hostile_word_renders_as_text():
    at = _app()
    at.text_input(key="tokens.bpe.word").input(HOSTILE).run()
    at.text_area(key="tokens.bpe.text").input(HOSTILE * 3).run()
    at.button(key="tokens.bpe.train").click().run()
    assert not at.exception
    # Steps, ladder and own tokens: the tag's characters show as escaped text.
    assert len(at.html) == 3 and all("<img" not in e.value for e in at.html)
    assert "&lt;img" in at.html[1].value  # the ladder's last row: "<img" is one cl100k token
    assert "&lt;" in at.html[2].value and "onerror" in at.html[2].value
    assert "&lt;img" not in _steps_html(at)  # step 0: "<" is still a byte of its own
    at.slider(key="tokens.bpe.step").set_value(at.slider(key="tokens.bpe.step").max).run()
    assert "&lt;img" in _steps_html(at) and "<img" not in _steps_html(at)
