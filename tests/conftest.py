import os
from pathlib import Path

# Tests never download: the app must work on its bundled defaults.
os.environ["PLAYGROUND_OFFLINE"] = "1"
os.environ["HF_HUB_OFFLINE"] = "1"

ROOT = Path(__file__).resolve().parents[1]
