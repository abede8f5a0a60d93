"""Example inputs for the attention page, per model family (a model may have its own)."""

from __future__ import annotations

from models.registry import ModelSpec

# (text, second sentence or "")
BY_FAMILY: dict[str, list[tuple[str, str]]] = {
    "encoder": [
        ("The animal didn't cross the street because it was too tired.", ""),
        ("The cat sat on the mat.", "The dog lay on the rug."),
        ("She sat on the river bank, then went to the bank to pay in a cheque.", ""),
    ],
    "decoder": [
        ("The for statement is used to iterate over the elements of a sequence.", ""),
        ("If the condition is true, the first suite is executed; otherwise the else clause is run.", ""),
        ("The quick brown fox jumps over the lazy dog. The quick brown fox", ""),
    ],
    "encoder-decoder": [
        ("The house is wonderful.", ""),
        ("The agreement on the European Economic Area was signed in August 1992.", ""),
    ],
}
BY_MODEL: dict[str, list[tuple[str, str]]] = {
    "google-t5/t5-small": [
        ("translate English to German: The house is wonderful.", ""),
        ("translate English to French: The weather is nice today.", ""),
        ("summarize: The tower is 324 metres tall, about the same height as an 81-storey building, "
         "and the tallest structure in Paris.", ""),
    ],
}


def examples_for(spec: ModelSpec) -> list[tuple[str, str]]:
    return BY_MODEL.get(spec.repo_id, BY_FAMILY[spec.family])
