"""An embedding table that trains only the rows a job's data uses.

Fine-tuning a whole encoder trains its word-embedding table too, but a row whose
token never occurs in the training texts gets no gradient, so the optimizer
never moves it (AdamW's weight decay aside). MiniLM's table is half of the
encoder (30,522 x 384, 47 MB): a dense copy, its gradient and its two Adam
states cost ~190 MB for a few thousand rows that learn. `TrainedRows` keeps the
shared table read-only and trains a copy of the used rows only.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F


class TrainedRows(nn.Module):
    """`nn.Embedding`'s forward, with rows `ids` learnt in `rows` and the rest read from `table`."""

    def __init__(self, table: torch.Tensor, ids: torch.Tensor):
        super().__init__()
        self.table = table.detach()  # a plain attribute: shared, never trained, not in the state dict
        self.register_buffer("ids", ids.unique())  # sorted
        self.rows = nn.Parameter(self.table[self.ids].clone())
        position = torch.full((table.shape[0],), -1, dtype=torch.long)
        position[self.ids] = torch.arange(len(self.ids))
        self.register_buffer("position", position, persistent=False)  # token id -> index into rows, or -1

    @property
    def weight(self) -> torch.Tensor:
        """The whole table as trained, a new tensor (what a dense embedding's weight would be)."""
        with torch.no_grad():
            return self.table.index_copy(0, self.ids, self.rows)

    def forward(self, input_ids: torch.Tensor) -> torch.Tensor:
        position = self.position[input_ids]
        learned = self.rows[position.clamp(min=0)]  # rows with -1 are replaced below
        return torch.where((position >= 0).unsqueeze(-1), learned, F.embedding(input_ids, self.table))
