"""English text about Python that every machine running this Python already has: no download.

Two sources, both fixed by the Python version (they change only when CPython does):
  topics      `pydoc_data.topics`, the language reference behind `help("for")`,
              one document per topic, in sorted key order.
  docstrings  the docstrings of STDLIB_MODULES: one document per module, its own
              docstring followed by those of the public functions and classes it
              defines, in sorted name order. Signatures are left out, since a default's repr
              can hold a memory address that changes from run to run; so are members other
              libraries replace at run time (REPLACED_AT_RUN_TIME), and sys's hooks are read
              from the originals CPython keeps (sys.__excepthook__ ...), so the text does not
              depend on what was imported first.

Every `every`-th document (offset HELD_OUT_OFFSET) is held out, so validation text is about
topics and modules never read in training. No torch here.
"""

from __future__ import annotations

import importlib
import inspect
import platform
from dataclasses import dataclass

from pydoc_data.topics import topics

END_OF_TEXT = "<|endoftext|>"  # follows every document, as in GPT-2's training data
HELD_OUT_EVERY = 20  # 1 document in 20, about 5%
HELD_OUT_OFFSET = 10

# Pure-Python or built-in modules present on every CPython build, whose docs read like the reference.
STDLIB_MODULES = (
    "abc", "argparse", "array", "base64", "bisect", "builtins", "calendar", "cmath", "collections",
    "contextlib", "copy", "csv", "dataclasses", "datetime", "decimal", "difflib", "enum", "fnmatch",
    "fractions", "functools", "glob", "gzip", "hashlib", "heapq", "hmac", "html", "http", "inspect", "io",
    "ipaddress", "itertools", "json", "logging", "math", "operator", "os", "pathlib", "pickle", "pprint",
    "queue", "random", "re", "secrets", "shlex", "shutil", "socket", "statistics", "string", "struct",
    "subprocess", "sys", "tarfile", "tempfile", "textwrap", "threading", "time", "timeit", "tokenize",
    "traceback", "types", "typing", "unittest", "urllib.parse", "uuid", "warnings", "weakref", "zipfile",
    "zlib",
)


# Members other code may swap out at run time, so reading them live would make the corpus
# depend on what was imported first: torch.package replaces inspect.getfile on import. Left out.
REPLACED_AT_RUN_TIME = frozenset({"inspect.getfile"})


@dataclass(frozen=True)
class Document:
    name: str  # "topic:for" or "module:json"
    text: str


@dataclass(frozen=True)
class Corpus:
    train: tuple[Document, ...]
    held_out: tuple[Document, ...]

    @staticmethod
    def joined(documents: tuple[Document, ...]) -> str:
        """The documents as one string, each followed by END_OF_TEXT."""
        return "".join(document.text + END_OF_TEXT for document in documents)

    def describe(self) -> dict:
        return {"python": platform.python_version(),
                "sources": "pydoc_data.topics (sorted keys), then docstrings of models.offline_corpus.STDLIB_MODULES",
                "held out": f"every {HELD_OUT_EVERY}th document from index {HELD_OUT_OFFSET}",
                "documents": {"train": len(self.train), "held out": len(self.held_out)},
                "characters": {"train": len(self.joined(self.train)), "held out": len(self.joined(self.held_out))},
                "held-out documents": [document.name for document in self.held_out]}


def topic_documents() -> list[Document]:
    return [Document(f"topic:{key}", topics[key].strip()) for key in sorted(topics)]


def _own_docstring(obj) -> str | None:
    """`obj`'s own docstring, dedented; None when it has none (inherited ones would repeat)."""
    doc = obj.__dict__.get("__doc__") if isinstance(obj, type) else getattr(obj, "__doc__", None)
    return inspect.cleandoc(doc) if isinstance(doc, str) and doc.strip() else None


def module_document(name: str) -> Document:
    """A module's docstring, then `name.member` and its indented docstring for each public
    function or class the module defines."""
    module = importlib.import_module(name)
    parts = [f"Module {name}\n\n{_own_docstring(module) or ''}".strip()]
    for member_name in sorted(vars(module)):
        if f"{name}.{member_name}" in REPLACED_AT_RUN_TIME:
            continue
        # sys keeps its original hooks as __excepthook__ etc., since pytest, IPython and the like replace them
        member = vars(module).get(f"__{member_name}__", vars(module)[member_name])
        if member_name.startswith("_") or not (inspect.isclass(member) or inspect.isroutine(member)):
            continue
        if getattr(member, "__module__", None) not in (name, None) and name != "builtins":
            continue  # imported from elsewhere: documented where it is defined
        doc = _own_docstring(member)
        if doc:
            parts.append(f"{name}.{member_name}\n" + "\n".join("    " + line if line else ""
                                                              for line in doc.splitlines()))
    return Document(f"module:{name}", "\n\n".join(parts))


def documents() -> list[Document]:
    return topic_documents() + [module_document(name) for name in STDLIB_MODULES]


def offline_corpus() -> Corpus:
    """All documents, split: index % HELD_OUT_EVERY == HELD_OUT_OFFSET is held out."""
    docs = documents()
    held = [i % HELD_OUT_EVERY == HELD_OUT_OFFSET for i in range(len(docs))]
    return Corpus(tuple(d for d, h in zip(docs, held) if not h), tuple(d for d, h in zip(docs, held) if h))
