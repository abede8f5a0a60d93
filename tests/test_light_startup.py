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
heavy = sorted(m for m in sys.modules if m.split(".")[0] in ("torch", "transformers"))
print(",".join(heavy))
"""


def test_home_and_tokens_pages_do_not_import_torch():
    done = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True,
                          timeout=300, env={"PYTHONPATH": str(ROOT), "PLAYGROUND_OFFLINE": "1",
                                            "HF_HUB_OFFLINE": "1", "PATH": ""})
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1:] in ([], [""]), f"imported: {done.stdout}"
