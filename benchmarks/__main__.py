"""Run every benchmark and print each figure with its in-run baseline ratio.

`python -m benchmarks` runs them all; `python -m benchmarks server finetune` only those whose
names or modules contain one of the words given.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import (attention, finetune, gan, generation, recurrent, seq2seq, server,  # noqa: E402
                        tokens_compute)


def main() -> None:
    for name, bench in (("tokens page compute", tokens_compute.run), ("recurrent cells and page", recurrent.run),
                        ("encoder-decoder decoding", seq2seq.run), ("transformer attention", attention.run),
                        ("prompt playground generation", generation.run),
                        ("fine-tuning lab job", finetune.run), ("GAN lab trainers", gan.run),
                        ("server", server.run)):
        if sys.argv[1:] and not any(word in f"{name} {bench.__module__}" for word in sys.argv[1:]):
            continue
        print(f"== {name}")
        for label, value in bench().items():
            print(f"  {label:<62} {value:10.3f}")


if __name__ == "__main__":
    main()
