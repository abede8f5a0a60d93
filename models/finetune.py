"""Fine-tuning lab: a sentence classifier on the bundled encoder, with blocks frozen at will.

The classifier is all-MiniLM-L6-v2 (embeddings and six transformer layers),
mean pooling over the attention mask, dropout and one Linear head. A student
picks which blocks stay frozen:

  transfer learning   every pre-trained block frozen, only the head learns;
  fine-tune the top N the bottom blocks frozen, the top layers and head learn;
  fine-tune everything.

`run_finetune` always trains a fresh copy of the shared encoder, never the
encoder itself. When every encoder block is frozen it takes the fast path: the
encoder runs once over the data and only the head is trained on those pooled
outputs, which is exactly what transfer learning computes, a hundred times
cheaper. The encoder's pooler (a [CLS] layer that mean pooling never uses) is
dropped from copies, so the parameter counts are those of what is trained.

Copies share the frozen blocks' tensors with the shared encoder (read-only,
never handed to the optimizer) and copy only what learns. When the embeddings
learn, only the rows of tokens in the training texts do (`TrainedRows`): the
other rows get no gradient anyway, and a dense table would cost ~190 MB more.
The result keeps the trained parameters of non-frozen blocks only, enough for
`predict` to rebuild the model later without a full copy per run.
"""

from __future__ import annotations

import copy
import math
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

import torch
from torch import nn
from torch.nn import functional as F

from models.embedding_rows import TrainedRows
from models.labelled_data import LabelledData
from models.training_loop import train_steps
from models.transformer_loading import LoadedModel

LAYERS = 6  # all-MiniLM-L6-v2
BLOCKS = ("embeddings", *(f"layer {i}" for i in range(LAYERS)), "head")
ENCODER_BLOCKS = BLOCKS[:-1]
HEAD = "head"  # always trained
WORD_EMBEDDINGS = "encoder.embeddings.word_embeddings"
TRAINED_ROW_IDS = f"{WORD_EMBEDDINGS}.ids"


def freeze_bottom(n: int) -> frozenset[str]:
    """The embeddings and layers 0..n-1 frozen; n = LAYERS is transfer learning."""
    if not 0 <= n <= LAYERS:
        raise ValueError(f"Freeze between 0 and {LAYERS} layers, not {n}.")
    return frozenset(ENCODER_BLOCKS[:n + 1])


TRANSFER_LEARNING = freeze_bottom(LAYERS)
FINE_TUNE_EVERYTHING: frozenset[str] = frozenset()
PRESETS = {
    "transfer learning (train the head only)": TRANSFER_LEARNING,
    "fine-tune the top 2 layers": freeze_bottom(LAYERS - 2),
    "fine-tune everything": FINE_TUNE_EVERYTHING,
}


@dataclass(frozen=True)
class FinetuneConfig:
    frozen: frozenset[str] = TRANSFER_LEARNING  # names from BLOCKS, never "head"
    steps: int = 150
    batch_size: int = 16
    learning_rate: float = 1e-4  # of the pre-trained blocks: larger steps wreck what they know
    head_learning_rate: float = 3e-3  # the head starts from random weights
    weight_decay: float = 0.01
    max_grad_norm: float = 1.0
    dropout: float = 0.1  # before the head
    max_seconds: float = 120.0  # the run stops after this, whatever `steps` says
    eval_every: int = 10  # steps between held-out batch accuracies
    eval_examples: int = 64  # size of that held-out batch
    max_tokens: int = 64  # longer texts are cut; the shipped reviews need fewer than 40
    fast_path: bool = True  # head-only runs reuse the encoder's outputs; False forces full passes (tests)
    dense_embeddings: bool = False  # True copies and trains the whole word-embedding table (tests compare)
    seed: int = 0

    @classmethod
    def tiny(cls, **changes) -> FinetuneConfig:
        """A run of seconds, for tests."""
        return replace(cls(steps=4, batch_size=8, eval_every=2, eval_examples=16, max_tokens=32), **changes)


@dataclass(frozen=True)
class StepReport:
    step: int  # 1-based: steps done so far
    loss: float  # training loss of this step's batch
    accuracy: float | None  # on the held-out batch, every `eval_every` steps and at the last step; else None
    seconds: float  # since the run started, preparation included
    steps_per_second: float  # training steps only


@dataclass(frozen=True)
class ParameterCounts:
    per_block: dict[str, int]  # every name of BLOCKS
    trainable: int
    frozen: int

    @property
    def total(self) -> int:
        return self.trainable + self.frozen


@dataclass
class FinetuneResult:
    config: FinetuneConfig
    classes: tuple[str, ...]
    test_accuracy: float
    confusion: list[list[int]]  # [true class][predicted class], over the whole test split
    per_class_accuracy: dict[str, float]  # recall of each class
    seconds: float
    steps_done: int
    stopped: str  # "steps" (all done), "time" (max_seconds) or "callback" (on_step returned False)
    trainable_parameters: int
    frozen_parameters: int
    fast_path: bool
    history: list[StepReport]
    weight_change: dict[str, float]  # ||W_after - W_before|| / ||W_before|| per block; 0.0 when frozen
    trained_state: dict[str, torch.Tensor] = field(repr=False)  # classifier names -> CPU tensors, non-frozen only

    @property
    def weight_bytes(self) -> int:
        """Memory the kept trained parameters hold."""
        return sum(t.numel() * t.element_size() for t in self.trained_state.values())


# ---- the classifier ---------------------------------------------------------------------

def mean_pooled(hidden: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
    """Average of the token vectors that are not padding: (B, T, C), (B, T) -> (B, C)."""
    mask = attention_mask.unsqueeze(-1).to(hidden.dtype)  # (B, T, 1)
    return (hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)


class SentenceClassifier(nn.Module):
    def __init__(self, encoder: nn.Module, num_classes: int, dropout: float):
        super().__init__()
        self.encoder = encoder
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(encoder.config.hidden_size, num_classes)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state  # (B, T, C)
        return self.head(self.dropout(mean_pooled(hidden, attention_mask)))  # (B, K)


def block_of(name: str) -> str | None:
    """The BLOCKS entry a classifier parameter belongs to; None for the unused pooler."""
    if name.startswith("head."):
        return HEAD
    if name.startswith("encoder.embeddings."):
        return "embeddings"
    if name.startswith("encoder.encoder.layer."):
        return f"layer {name.split('.')[3]}"
    return None


def block_module(model: SentenceClassifier, block: str) -> nn.Module:
    if block == HEAD:
        return model.head
    if block == "embeddings":
        return model.encoder.embeddings
    return model.encoder.encoder.layer[int(block.split()[1])]


def classifier_copy(base: LoadedModel, num_classes: int, config: FinetuneConfig,
                    trained_rows: torch.Tensor | None = None) -> SentenceClassifier:
    """A classifier around a copy of the base encoder, gradients on outside `config.frozen`.

    Frozen blocks keep the base's own tensors (no copy). With `trained_rows` (token ids) and
    learning embeddings, only those rows of the word-embedding table are copied and learn.
    Its head is drawn from torch's global RNG: seed it first.
    """
    shared = [p for name, p in base.model.named_parameters() if block_of(f"encoder.{name}") in config.frozen]
    sparse = trained_rows is not None and "embeddings" not in config.frozen
    table = base.model.embeddings.word_embeddings.weight
    if sparse:
        shared.append(table)  # replaced below: not worth copying
    encoder = copy.deepcopy(base.model, memo={id(p): p for p in shared})
    encoder.pooler = None  # mean pooling never uses it
    if sparse:
        encoder.embeddings.word_embeddings = TrainedRows(table, trained_rows)
    model = SentenceClassifier(encoder, num_classes, config.dropout)
    for name, parameter in model.named_parameters():
        parameter.requires_grad_(block_of(name) not in config.frozen)
    return model


def _set_modes(model: SentenceClassifier, frozen: frozenset[str]) -> None:
    """Train mode for learning blocks; frozen ones stay in eval mode (no dropout), like fixed feature extractors."""
    model.train()
    for block in frozen:
        block_module(model, block).eval()


def _check(base: LoadedModel, config: FinetuneConfig) -> None:
    unknown = set(config.frozen) - set(ENCODER_BLOCKS)
    if HEAD in unknown:
        raise ValueError("The head is always trained; take 'head' out of the frozen blocks.")
    if unknown:
        raise ValueError(f"Unknown blocks {sorted(unknown)}; choose from {list(ENCODER_BLOCKS)}.")
    for name in ("steps", "batch_size", "eval_every", "eval_examples", "max_tokens"):
        if getattr(config, name) < 1:
            raise ValueError(f"{name} must be at least 1, not {getattr(config, name)}.")
    layers = base.model.config.num_hidden_layers
    if layers != LAYERS:
        raise ValueError(f"The fine-tuning lab expects a {LAYERS}-layer encoder, not {layers} layers.")


def parameter_counts(base: LoadedModel, frozen: frozenset[str], num_classes: int = 2) -> ParameterCounts:
    """Parameters per block of the classifier, and how many of them a run with `frozen` trains."""
    hidden = base.model.config.hidden_size
    per_block = dict.fromkeys(BLOCKS, 0)
    for name, parameter in base.model.named_parameters():
        block = block_of(f"encoder.{name}")
        if block is not None:
            per_block[block] += parameter.numel()
    per_block[HEAD] = hidden * num_classes + num_classes
    frozen_count = sum(n for block, n in per_block.items() if block in frozen)
    return ParameterCounts(per_block, sum(per_block.values()) - frozen_count, frozen_count)


# ---- data --------------------------------------------------------------------------

def _token_ids(base: LoadedModel, texts: Sequence[str], max_tokens: int) -> list[list[int]]:
    # A private copy: a fast tokenizer changes its truncation settings on every call, which
    # races with other sessions using the shared one.
    tokenizer = copy.deepcopy(base.tokenizer)
    return tokenizer(list(texts), truncation=True, max_length=max_tokens)["input_ids"]


def _padded(rows: list[list[int]], pad_id: int) -> tuple[torch.Tensor, torch.Tensor]:
    length = max(len(ids) for ids in rows)
    input_ids = torch.full((len(rows), length), pad_id, dtype=torch.long)  # (B, T)
    attention_mask = torch.zeros((len(rows), length), dtype=torch.long)  # (B, T)
    for row, ids in enumerate(rows):
        input_ids[row, :len(ids)] = torch.tensor(ids)
        attention_mask[row, :len(ids)] = 1
    return input_ids, attention_mask


def _batches(ids: list[list[int]], pad_id: int, batch_size: int) -> list[tuple[torch.Tensor, torch.Tensor]]:
    return [_padded(ids[i:i + batch_size], pad_id) for i in range(0, len(ids), batch_size)]


@torch.no_grad()
def pooled_features(base: LoadedModel, texts: Sequence[str], max_tokens: int = 64,
                    batch_size: int = 64) -> torch.Tensor:
    """The frozen encoder's mean-pooled outputs, (N, C); reads the shared model, changes nothing."""
    ids = _token_ids(base, texts, max_tokens)
    pooled = [mean_pooled(base.model(input_ids=i, attention_mask=m).last_hidden_state, m)
              for i, m in _batches(ids, base.tokenizer.pad_token_id, batch_size)]
    return torch.cat(pooled)


def _sample_order(n: int, batch_size: int, generator: torch.Generator):
    """Indices of training batches, reshuffled every epoch, forever."""
    while True:
        order = torch.randperm(n, generator=generator).tolist()
        for i in range(0, n - batch_size + 1 if n >= batch_size else 1, batch_size):
            yield order[i:i + batch_size]


# ---- the run ---------------------------------------------------------------------------

@torch.no_grad()
def _logits_in_batches(model: SentenceClassifier, ids: list[list[int]], pad_id: int,
                       batch_size: int = 16) -> torch.Tensor:
    return torch.cat([model(i, m) for i, m in _batches(ids, pad_id, batch_size)])  # (N, K)


def confusion_matrix(labels: Sequence[int], predicted: Sequence[int], num_classes: int) -> list[list[int]]:
    """[true class][predicted class] counts."""
    matrix = [[0] * num_classes for _ in range(num_classes)]
    for truth, guess in zip(labels, predicted):
        matrix[truth][guess] += 1
    return matrix


@torch.no_grad()
def _relative_change(after: list[torch.Tensor], before: list[torch.Tensor], rows: int = 4096) -> float:
    # Differences in chunks of rows: one of the whole word-embedding table would be 47 MB more at a job's end.
    change = math.sqrt(sum(float(torch.linalg.vector_norm(a[i:i + rows] - b[i:i + rows])) ** 2
                           for a, b in zip(after, before) for i in range(0, len(a), rows)))
    return change / max(math.sqrt(sum(float(torch.linalg.vector_norm(b)) ** 2 for b in before)), 1e-12)


class _Job:
    """What one run needs besides its data: the config, the clock, the stop reason and the history."""

    def __init__(self, config: FinetuneConfig, on_step: Callable[[StepReport], bool | None] | None):
        self.config, self.on_step = config, on_step
        self.started = time.perf_counter()
        self.loop_started = self.started
        self.stopped = "steps"
        self.history: list[StepReport] = []

    def seconds(self) -> float:
        return time.perf_counter() - self.started

    def losses(self, order, loss_of: Callable[[list[int]], torch.Tensor]):
        """One loss per step, lazily, until the steps, the time or the caller says stop."""
        self.loop_started = time.perf_counter()
        for _ in range(self.config.steps):
            if self.stopped != "steps":
                return
            if self.seconds() >= self.config.max_seconds:
                self.stopped = "time"
                return
            yield loss_of(next(order))

    def report(self, evaluate: Callable[[], float]) -> Callable[[int, float], None]:
        def on_step(step: int, loss: float) -> None:
            done = step + 1
            due = done % self.config.eval_every == 0 or done == self.config.steps
            loop_seconds = max(time.perf_counter() - self.loop_started, 1e-9)
            report = StepReport(done, loss, evaluate() if due else None, self.seconds(), done / loop_seconds)
            self.history.append(report)
            if self.on_step is not None and self.on_step(report) is False:
                self.stopped = "callback"
        return on_step


def _optimise(job: _Job, trainable: nn.Module, head: nn.Linear, loss_of, evaluate, num_train: int) -> int:
    """AdamW over the parameters that require gradients (the head at its own rate), linear decay; steps done."""
    config = job.config
    head_ids = {id(p) for p in head.parameters()}
    body = [p for p in trainable.parameters() if p.requires_grad and id(p) not in head_ids]
    groups = [{"params": list(head.parameters()), "lr": config.head_learning_rate}]
    if body:
        groups.append({"params": body, "lr": config.learning_rate})
    # foreach=False: one tensor at a time, without temporary copies of every parameter (server memory).
    optimizer = torch.optim.AdamW(groups, weight_decay=config.weight_decay, foreach=False)
    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda step: 1 - step / config.steps)
    order = _sample_order(num_train, config.batch_size, torch.Generator().manual_seed(config.seed))
    losses = train_steps(trainable, optimizer, schedule, job.losses(order, loss_of), config.max_grad_norm,
                         job.report(evaluate))
    return len(losses)


def run_finetune(base: LoadedModel, data: LabelledData, config: FinetuneConfig = FinetuneConfig(),
                 on_step: Callable[[StepReport], bool | None] | None = None) -> FinetuneResult:
    """Train a classifier on `data` with `config.frozen` blocks frozen, on a copy of `base.model`.

    `on_step` gets a StepReport after every step; returning False stops the run. The final test
    accuracy is computed after the last step and is not counted against `max_seconds`.
    """
    _check(base, config)
    job = _Job(config, on_step)
    fast = config.fast_path and config.frozen >= set(ENCODER_BLOCKS)
    eval_rows = sorted(random.Random(config.seed).sample(range(len(data.test_texts)),
                                                         min(config.eval_examples, len(data.test_texts))))
    with torch.random.fork_rng(devices=[]):  # seed the head and dropout without touching other sessions' RNG
        torch.manual_seed(config.seed)
        run = _run_head_only if fast else _run_copy
        logits, weight_change, trained_state, steps_done = run(base, data, config, job, eval_rows)
    predicted = logits.argmax(-1).tolist()
    confusion = confusion_matrix(data.test_labels, predicted, len(data.classes))
    counts = parameter_counts(base, config.frozen, len(data.classes))
    return FinetuneResult(
        config=config, classes=data.classes,
        test_accuracy=sum(p == y for p, y in zip(predicted, data.test_labels)) / len(data.test_labels),
        confusion=confusion,
        per_class_accuracy={name: row[k] / max(sum(row), 1) for k, (name, row) in
                            enumerate(zip(data.classes, confusion))},
        seconds=job.seconds(), steps_done=steps_done, stopped=job.stopped,
        trainable_parameters=counts.trainable, frozen_parameters=counts.frozen, fast_path=fast,
        history=job.history, weight_change=weight_change, trained_state=trained_state)


def _run_head_only(base, data, config, job, eval_rows):
    """Transfer learning: the frozen encoder runs once; only the head learns, on its pooled outputs."""
    features = pooled_features(base, data.train_texts + data.test_texts, config.max_tokens)  # (N, C)
    train_x, test_x = features[:len(data.train_texts)], features[len(data.train_texts):]
    train_y, test_y = torch.tensor(data.train_labels), torch.tensor(data.test_labels)
    head = nn.Linear(features.shape[1], len(data.classes))
    dropout = nn.Dropout(config.dropout)
    initial = [p.detach().clone() for p in head.parameters()]

    @torch.no_grad()
    def evaluate() -> float:
        return (head(test_x[eval_rows]).argmax(-1) == test_y[eval_rows]).float().mean().item()

    def loss_of(rows: list[int]) -> torch.Tensor:
        return F.cross_entropy(head(dropout(train_x[rows])), train_y[rows])

    steps = _optimise(job, head, head, loss_of, evaluate, len(data.train_texts))
    with torch.no_grad():
        logits = head(test_x)
    weight_change = {block: 0.0 for block in ENCODER_BLOCKS}
    weight_change[HEAD] = _relative_change(list(head.parameters()), initial)
    trained = {f"head.{name}": p.detach().clone() for name, p in head.named_parameters()}
    return logits, weight_change, trained, steps


def _run_copy(base, data, config, job, eval_rows):
    """Fine-tuning: a copy of the encoder with frozen blocks' gradients off, trained end to end."""
    train_ids = _token_ids(base, data.train_texts, config.max_tokens)
    rows = None if config.dense_embeddings else torch.tensor(sorted({i for ids in train_ids for i in ids}))
    model = classifier_copy(base, len(data.classes), config, rows)
    initial_head = [p.detach().clone() for p in model.head.parameters()]
    pad_id = base.tokenizer.pad_token_id
    test_ids = _token_ids(base, data.test_texts, config.max_tokens)
    train_y, test_y = torch.tensor(data.train_labels), torch.tensor(data.test_labels)

    def evaluate() -> float:
        model.eval()
        logits = _logits_in_batches(model, [test_ids[i] for i in eval_rows], pad_id)
        _set_modes(model, config.frozen)
        return (logits.argmax(-1) == test_y[eval_rows]).float().mean().item()

    def loss_of(rows: list[int]) -> torch.Tensor:
        return F.cross_entropy(model(*_padded([train_ids[i] for i in rows], pad_id)), train_y[rows])

    _set_modes(model, config.frozen)
    steps = _optimise(job, model, model.head, loss_of, evaluate, len(data.train_texts))
    model.zero_grad(set_to_none=True)  # the last step's gradients
    model.eval()
    logits = _logits_in_batches(model, test_ids, pad_id)
    weight_change = _weight_change(base, model, initial_head)
    # No clone: the copy is dropped after this, so its trained tensors can move into the result as they are.
    trained = {name: p.detach() for name, p in model.named_parameters() if block_of(name) not in config.frozen}
    if isinstance(model.encoder.embeddings.word_embeddings, TrainedRows):
        trained[TRAINED_ROW_IDS] = model.encoder.embeddings.word_embeddings.ids
    return logits, weight_change, trained, steps


def _weight_change(base: LoadedModel, model: SentenceClassifier, initial_head: list[torch.Tensor]) -> dict[str, float]:
    before: dict[str, list[torch.Tensor]] = {block: [] for block in BLOCKS}
    after: dict[str, list[torch.Tensor]] = {block: [] for block in BLOCKS}
    for name, parameter in base.model.named_parameters():
        block = block_of(f"encoder.{name}")
        if block is not None:
            module, attribute = name.rsplit(".", 1)  # by attribute: TrainedRows gives its whole table
            before[block].append(parameter.detach())
            after[block].append(getattr(model.encoder.get_submodule(module), attribute).detach())
    before[HEAD], after[HEAD] = initial_head, list(model.head.parameters())
    return {block: _relative_change(after[block], before[block]) for block in BLOCKS}


# ---- using a finished run -----------------------------------------------------------------

def trained_model(base: LoadedModel, result: FinetuneResult) -> SentenceClassifier:
    """A temporary classifier: a copy of the base encoder with the run's trained parameters, in eval mode."""
    with torch.random.fork_rng(devices=[]):
        model = classifier_copy(base, len(result.classes), result.config, result.trained_state.get(TRAINED_ROW_IDS))
    missing, unexpected = model.load_state_dict(result.trained_state, strict=False)
    if unexpected:
        raise ValueError(f"This result does not fit the encoder: {unexpected[:3]}")
    return model.eval()


def predict(base: LoadedModel, result: FinetuneResult, texts: Sequence[str]) -> list[tuple[str, float]]:
    """(label, probability) of the most likely class for each text, as the run's model sees it."""
    if not texts:
        return []
    if result.fast_path:  # base encoder + trained head: no copy at all
        features = pooled_features(base, texts, result.config.max_tokens)  # (N, C)
        logits = F.linear(features, result.trained_state["head.weight"], result.trained_state["head.bias"])
    else:
        ids = _token_ids(base, texts, result.config.max_tokens)
        logits = _logits_in_batches(trained_model(base, result), ids, base.tokenizer.pad_token_id)
    probabilities, best = logits.softmax(-1).max(-1)
    return [(result.classes[k], float(p)) for k, p in zip(best.tolist(), probabilities)]
