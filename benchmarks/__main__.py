"""Run every benchmark and print each figure with its in-run baseline ratio."""

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
        print(f"== {name}")
        for label, value in bench().items():
            print(f"  {label:<62} {value:10.3f}")


if __name__ == "__main__":
    main()
