"""Train the project's own small GPT-2: a decoder the attention page and the prompt playground can open offline.

    python -m models.train_decoder                # the committed weights, 25-35 minutes on 1 CPU thread
    python -m models.train_decoder --steps 200    # a quick try
    python -m models.train_decoder --smoke --out /tmp/decoder   # a tiny run in seconds, for tests

Data (models.offline_corpus, Python 3.11.7): pydoc_data.topics (79 topics, sorted
keys) then the docstrings of 68 stdlib modules, 147 documents, each followed by
<|endoftext|>. Every 20th document from index 10 is held out (7 documents:
4 topics, 3 modules): 804,487 training and 30,621 held-out characters.

Tokenizer: byte-level BPE (tokenizers.models.BPE, ByteLevel pre-tokenizer and
decoder) trained on the training documents only, 4096 entries, <|endoftext|>
as id 0 and as bos/eos/unk, saved as GPT2Tokenizer(Fast). Any text round-trips.
204,274 training and 9,005 held-out tokens.

Model: transformers GPT2LMHeadModel, 4 layers, 4 heads, 128 wide, 256 positions,
tied input/output embeddings, dropout 0.1: 1,350,400 parameters, saved in fp32
(model.safetensors, 5.4 MB). Training windows are 256 tokens, the full n_positions,
so every position embedding the model has is trained.

Training: random 257-token windows of the training stream (offsets from
torch.Generator(seed)), batch 16 (4096 tokens), AdamW (weight decay 0.1 on
matrices), learning rate 2e-3 after 100 warm-up steps along a cosine to 1e-4,
gradient clipping 1.0, 1 thread, deterministic algorithms, seed 0, 1500 steps.
The held-out loss is measured every 100 steps; the weights with the lowest
one are kept, since 1500 steps read the training text about 30 times over.

Result of the committed run (models/weights/decoder/metrics.json), 2057 s on one
thread of a CPU shared with other work:
  best held-out loss 4.971 nats/token (perplexity 144) at step 1300 of 1500;
  uniform guessing is log 4096 = 8.318, a unigram model of the tokens about 6.8.
  Training loss then 3.12 (dropout on) / 2.68 (eval mode): the gap is the
  held-out documents being about other topics and modules than any trained on.
  Greedy continuations (40 tokens, line breaks shown as |) are docs-like English that soon repeats:
    "The for statement" -> '.||The "SyntaxError" statement is executed.|||The "async" statement is executed. ...'
    "def " -> ' The name is used.|||The "nonlocal" statement is used to the name is used to the name. ...'
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
import math
import platform
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import torch
from torch.nn import functional as F
from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers
from transformers import GenerationConfig, GPT2Config, GPT2LMHeadModel, GPT2TokenizerFast

from models.offline_corpus import END_OF_TEXT, Corpus, offline_corpus
from models.training_loop import train_steps

WEIGHTS_DIR = Path(__file__).resolve().parent / "weights" / "decoder"
THREADS = 1  # fixed, so a rerun adds up floating-point sums in the same order
SAMPLE_PROMPTS = ("The for statement", "def ")
SAMPLE_NEW_TOKENS = 40
VALIDATION_SAMPLE_WINDOWS = 4  # the first held-out windows; tests recompute their loss from the saved files


@dataclass(frozen=True)
class DecoderPreset:
    # tokenizer and model
    vocab_size: int = 4096
    n_layer: int = 4
    n_head: int = 4
    n_embd: int = 128
    n_positions: int = 256  # also the training window, so every position is trained
    dropout: float = 0.1
    # training
    steps: int = 1500
    batch_size: int = 16
    learning_rate: float = 2e-3
    min_learning_rate: float = 1e-4
    warmup_steps: int = 100
    weight_decay: float = 0.1
    max_grad_norm: float = 1.0
    eval_every: int = 100
    seed: int = 0
    corpus_documents: int | None = None  # None: all; the smoke run reads only the first few


PRESETS = {
    "full": DecoderPreset(),
    # Seconds, not minutes: enough to check the pipeline end to end and that reruns agree bit for bit.
    "smoke": DecoderPreset(vocab_size=320, n_layer=1, n_head=2, n_embd=32, n_positions=32, steps=6,
                           batch_size=4, warmup_steps=2, eval_every=3, corpus_documents=12),
}


# ---- tokenizer --------------------------------------------------------------

def train_tokenizer(texts: list[str], vocab_size: int) -> GPT2TokenizerFast:
    """Byte-level BPE as in GPT-2: every byte is in the alphabet, so nothing is ever unknown."""
    bpe = Tokenizer(models.BPE())
    bpe.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    bpe.decoder = decoders.ByteLevel()
    bpe.post_processor = processors.ByteLevel(trim_offsets=False)
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, min_frequency=2, special_tokens=[END_OF_TEXT],
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    bpe.train_from_iterator(texts, trainer)
    # clean_up_tokenization_spaces would turn " ." into ".": decode(encode(text)) must give text back.
    return GPT2TokenizerFast(tokenizer_object=bpe, bos_token=END_OF_TEXT, eos_token=END_OF_TEXT,
                             unk_token=END_OF_TEXT, clean_up_tokenization_spaces=False)


def token_stream(tokenizer, text: str) -> torch.Tensor:
    return torch.tensor(tokenizer(text)["input_ids"], dtype=torch.long)  # (N,)


# ---- model ------------------------------------------------------------------

def build_model(preset: DecoderPreset, tokenizer) -> GPT2LMHeadModel:
    end = tokenizer.convert_tokens_to_ids(END_OF_TEXT)
    config = GPT2Config(vocab_size=len(tokenizer), n_positions=preset.n_positions, n_embd=preset.n_embd,
                        n_layer=preset.n_layer, n_head=preset.n_head, resid_pdrop=preset.dropout,
                        embd_pdrop=preset.dropout, attn_pdrop=preset.dropout, bos_token_id=end,
                        eos_token_id=end, tie_word_embeddings=True)
    model = GPT2LMHeadModel(config)
    model.generation_config = GenerationConfig(bos_token_id=end, eos_token_id=end, pad_token_id=end)
    return model


def next_token_loss(model, windows: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy of each next token; `windows` is (B, T + 1)."""
    logits = model(input_ids=windows[:, :-1]).logits  # (B, T, V)
    return F.cross_entropy(logits.flatten(0, 1), windows[:, 1:].flatten())


def evaluation_windows(stream: torch.Tensor, length: int) -> torch.Tensor:
    """Non-overlapping (length + 1)-token windows, (W, length + 1); the tail shorter than a window is dropped."""
    starts = range(0, len(stream) - length, length)
    return torch.stack([stream[start:start + length + 1] for start in starts])


@torch.no_grad()
def evaluation_loss(model, windows: torch.Tensor, batch_size: int = 16) -> float:
    """Mean next-token loss over all windows, in eval mode (no dropout); the model's mode is restored."""
    was_training = model.training
    model.eval()
    total = sum(next_token_loss(model, windows[i:i + batch_size]).item() * len(windows[i:i + batch_size])
                for i in range(0, len(windows), batch_size))
    model.train(was_training)
    return total / len(windows)  # every window has the same number of targets


# ---- training ---------------------------------------------------------------

def learning_rate_factor(preset: DecoderPreset) -> Callable[[int], float]:
    """Linear warm-up, then a cosine from learning_rate down to min_learning_rate."""
    floor = preset.min_learning_rate / preset.learning_rate

    def factor(step: int) -> float:
        if step < preset.warmup_steps:
            return (step + 1) / preset.warmup_steps
        progress = min(1.0, (step - preset.warmup_steps) / max(1, preset.steps - preset.warmup_steps))
        return floor + (1 - floor) * 0.5 * (1 + math.cos(math.pi * progress))
    return factor


def optimizer_for(model, preset: DecoderPreset) -> torch.optim.AdamW:
    """Weight decay on matrices only; biases, layer norms stay free. Trainable parameters only."""
    trainable = [p for p in model.parameters() if p.requires_grad]
    groups = [{"params": [p for p in trainable if p.dim() >= 2], "weight_decay": preset.weight_decay},
              {"params": [p for p in trainable if p.dim() < 2], "weight_decay": 0.0}]
    return torch.optim.AdamW(groups, lr=preset.learning_rate, betas=(0.9, 0.95))


class BestCheckpoint:
    """An on_step callback: every `every` steps, score the held-out windows and keep a copy of the best weights."""

    def __init__(self, model, windows: torch.Tensor, every: int, report: Callable[[str], None] = print):
        self.model, self.windows, self.every, self.report = model, windows, every, report
        self.best_loss, self.best_step, self.best_state = math.inf, -1, None
        self.history: list[dict] = []
        self.losses: list[float] = []

    def __call__(self, step: int, loss: float) -> None:
        self.losses.append(loss)
        done = step + 1
        if done % self.every:
            return
        held_out = evaluation_loss(self.model, self.windows)
        recent = sum(self.losses[-self.every:]) / len(self.losses[-self.every:])
        self.history.append({"step": done, "train loss": recent, "validation loss": held_out})
        if held_out < self.best_loss:
            self.best_loss, self.best_step = held_out, done
            self.best_state = copy.deepcopy(self.model.state_dict())
        self.report(f"  step {done:5d}  train {recent:.3f}  held out {held_out:.3f}  best {self.best_loss:.3f}")


def train(model, preset: DecoderPreset, train_tokens: torch.Tensor, checkpoint: BestCheckpoint) -> None:
    """Train in place on random windows of `train_tokens`, then load the best checkpoint's weights."""
    window = preset.n_positions + 1
    offsets = torch.Generator().manual_seed(preset.seed)
    model.train()
    optimizer = optimizer_for(model, preset)
    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, learning_rate_factor(preset))

    def batches():
        for _ in range(preset.steps):
            starts = torch.randint(0, len(train_tokens) - window, (preset.batch_size,), generator=offsets)
            yield next_token_loss(model, torch.stack([train_tokens[s:s + window] for s in starts]))

    train_steps(model, optimizer, schedule, batches(), preset.max_grad_norm, checkpoint)
    if checkpoint.best_state is not None:
        model.load_state_dict(checkpoint.best_state)
    model.eval()


@torch.no_grad()
def greedy_samples(model, tokenizer, prompts=SAMPLE_PROMPTS, new_tokens: int = SAMPLE_NEW_TOKENS) -> dict[str, str]:
    samples = {}
    for prompt in prompts:
        ids = tokenizer(prompt, return_tensors="pt")["input_ids"]
        out = model.generate(ids, attention_mask=torch.ones_like(ids), do_sample=False,
                             max_new_tokens=min(new_tokens, model.config.n_positions - ids.shape[1]))
        samples[prompt] = tokenizer.decode(out[0, ids.shape[1]:])
    return samples


def weights_digest(out: Path) -> str:
    return hashlib.sha256((out / "model.safetensors").read_bytes()).hexdigest()


def run(preset: DecoderPreset, out: Path, report: Callable[[str], None] = print) -> dict:
    """The whole job: corpus, tokenizer, model, training, saving and the metrics (also written to out)."""
    torch.set_num_threads(THREADS)
    torch.use_deterministic_algorithms(True)
    torch.manual_seed(preset.seed)
    corpus = offline_corpus()
    if preset.corpus_documents:
        corpus = Corpus(corpus.train[:preset.corpus_documents], corpus.held_out[:2])
    tokenizer = train_tokenizer([doc.text for doc in corpus.train], preset.vocab_size)
    train_tokens = token_stream(tokenizer, Corpus.joined(corpus.train))
    held_out_tokens = token_stream(tokenizer, Corpus.joined(corpus.held_out))
    windows = evaluation_windows(held_out_tokens, preset.n_positions)
    model = build_model(preset, tokenizer)
    report(f"{sum(p.numel() for p in model.parameters()):,} parameters, {len(train_tokens):,} training "
           f"and {len(held_out_tokens):,} held-out tokens, {len(windows)} held-out windows")

    checkpoint = BestCheckpoint(model, windows, preset.eval_every, report)
    started = time.perf_counter()
    train(model, preset, train_tokens, checkpoint)
    seconds = time.perf_counter() - started

    out.mkdir(parents=True, exist_ok=True)
    tokenizer.model_max_length = preset.n_positions
    model.save_pretrained(out)
    tokenizer.save_pretrained(out)
    # Score what was saved, read back, so the numbers describe the files and not the in-memory copy.
    saved = GPT2LMHeadModel.from_pretrained(out).eval()
    validation = evaluation_loss(saved, windows)
    train_windows = evaluation_windows(train_tokens, preset.n_positions)[:len(windows)]
    metrics = {
        "script": "python -m models.train_decoder" + (" --smoke" if preset.corpus_documents else ""),
        "python": platform.python_version(), "torch": torch.__version__, "threads": THREADS,
        "preset": asdict(preset),
        "corpus": {**corpus.describe(), "tokens": {"train": len(train_tokens), "held out": len(held_out_tokens)},
                   "sha256": hashlib.sha256((Corpus.joined(corpus.train) + Corpus.joined(corpus.held_out))
                                            .encode()).hexdigest()},
        "tokenizer": {"kind": "byte-level BPE (tokenizers), trained on the training documents",
                      "vocab size": len(tokenizer), "end of text id": tokenizer.eos_token_id},
        "parameters": sum(p.numel() for p in saved.parameters()),
        "steps": preset.steps, "seconds": round(seconds, 1),
        "best step": checkpoint.best_step,
        "train loss (mean of the eval_every steps before the best step, dropout on)":
            next((h["train loss"] for h in checkpoint.history if h["step"] == checkpoint.best_step), None),
        "train loss (first held-out-sized set of training windows, eval mode)": evaluation_loss(saved, train_windows),
        "validation loss": validation,
        "validation perplexity": math.exp(validation),
        "validation windows": f"{len(windows)} non-overlapping windows of {preset.n_positions} targets",
        "validation sample loss": evaluation_loss(saved, windows[:VALIDATION_SAMPLE_WINDOWS]),
        "validation sample": f"the first {VALIDATION_SAMPLE_WINDOWS} held-out windows",
        "uniform guessing loss": math.log(len(tokenizer)),
        "greedy samples": greedy_samples(saved, tokenizer),
        "history": checkpoint.history,
        "weights sha256": weights_digest(out),
    }
    (out / "metrics.json").write_text(json.dumps(metrics, indent=2, ensure_ascii=False) + "\n")
    return metrics


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, help=f"training steps (default {PRESETS['full'].steps})")
    parser.add_argument("--out", type=Path, default=WEIGHTS_DIR, help=f"output folder (default {WEIGHTS_DIR})")
    parser.add_argument("--smoke", action="store_true", help="a tiny model on a few documents, in seconds")
    args = parser.parse_args(argv)
    preset = PRESETS["smoke" if args.smoke else "full"]
    if args.steps:
        preset = DecoderPreset(**{**asdict(preset), "steps": args.steps})
    metrics = run(preset, args.out)
    print(f"validation loss {metrics['validation loss']:.3f} (perplexity {metrics['validation perplexity']:.1f}) "
          f"at step {metrics['best step']}, {metrics['seconds']:.0f}s")
    for prompt, text in metrics["greedy samples"].items():
        print(f"  {prompt!r} -> {text!r}")
    print(f"Weights, tokenizer and metrics.json written to {args.out}")


if __name__ == "__main__":
    main()
