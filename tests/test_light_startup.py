"""The home and tokens pages must come up without importing torch or transformers."""

import subprocess
import sys

from tests.conftest import ROOT

PROBE = """
import sys
from streamlit.testing.v1 import AppTest
for page in ("pages/home.py", "pages/tokens.py"):
    at = AppTest.from_file(page, default_timeout=60)
    at.run()
    assert not at.exception, (page, at.exception)
# Beyond the first render: the bundled Hugging Face tokenizers (WordPiece and this project's
# byte-level BPE) and the BPE trainer.
for key in ("sentence-transformers/all-MiniLM-L6-v2", "genai-playground/docs-gpt"):
    at.selectbox(key="tokens.model").set_value(key).run()
    assert not at.exception, (key, at.exception)
    assert "chip" in at.html[0].proto.body, key
tables_before = len(at.dataframe)
at.button(key="tokens.bpe.train").click().run()
assert not at.exception, at.exception
assert len(at.dataframe) == tables_before + 1, "the trained merges table"
heavy = sorted(m for m in sys.modules if m.split(".")[0] in ("torch", "transformers"))
print(",".join(heavy))
"""


def test_home_and_tokens_pages_do_not_import_torch_or_transformers():
    done = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True,
                          timeout=300, env={"PYTHONPATH": str(ROOT), "PLAYGROUND_OFFLINE": "1",
                                            "HF_HUB_OFFLINE": "1", "PATH": ""})
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1:] in ([], [""]), f"imported: {done.stdout}"
