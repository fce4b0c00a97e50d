"""Notes under PyTorch's errors for the label mistakes of a classification loss, which `trace()`
meets when it calls `loss=` and `record()` when the loss runs inside its block: float class
labels into `cross_entropy`, labels of shape `[N, 1]`, one output unit for cross-entropy, labels
out of range, and a binary cross-entropy given whole numbers or a target of another shape.
PyTorch's own texts ("Target 1 is out of bounds.") name no cause; the note says what is wrong
and the fix. The error keeps its type and its message: the note goes under it (Python 3.11's
`add_note`, shown by Python and IPython).

    >>> import torch, torch.nn.functional as F
    >>> out = torch.randn(4, 3)
    >>> try:
    ...     F.cross_entropy(out, torch.tensor([0.0, 1.0, 2.0, 1.0]))
    ... except RuntimeError as error:
    ...     print(label_note(error, out)[:62])
    nngraph: the class labels are floats, but cross_entropy and nl
"""

from __future__ import annotations

import re
from typing import Any

import torch
import torch.nn.functional as F

from nngraph.i18n import message

__all__ = ["LABEL_LOSSES", "add_label_note", "label_note"]

#: the losses whose errors `record()` reads for a label mistake (`nn.CrossEntropyLoss` and the
#: others call these)
LABEL_LOSSES = frozenset(
    {F.cross_entropy, F.nll_loss, F.binary_cross_entropy, F.binary_cross_entropy_with_logits}
)

#: PyTorch's error text -> the catalog key of the note (`capture.label_note.<key>`)
_TEXTS = (
    (re.compile(r"expected target dtype to be Long|expected scalar type Long but found"), "float"),
    (re.compile(r"0D or 1D target tensor expected, multi-target not supported"), "extra_dim"),
    (re.compile(r"Target (-?\d+) is out of bounds"), "out_of_bounds"),
    (
        re.compile(r"(T|Using a t)arget size \(torch\.Size\(\[[\d, ]*\]\)\).*input size"),
        "binary_shape",
    ),
    (
        re.compile(
            r"result type Float can't be cast to the desired output type Long"
            r"|Found dtype Long but expected Float"
        ),
        "binary_long",
    ),
)


def label_note(error: BaseException, output: Any) -> str | None:
    """The note for `error`, raised by the loss on the model's `output`, where its text is one
    of the label mistakes above; None for any other error."""
    text = str(error)
    shape = list(output.shape) if isinstance(output, torch.Tensor) else None
    for pattern, key in _TEXTS:
        found = pattern.search(text)
        if found is None:
            continue
        if key == "out_of_bounds":
            return _out_of_bounds(int(found.group(1)), shape)
        n = shape[0] if shape else "N"
        return message(f"capture.label_note.{key}", shape=_shape_text(shape), n=n)
    return None


def _out_of_bounds(label: int, shape: list[int] | None) -> str:
    """The note for a class label that is not a column of the output: one output unit (a
    binary classifier given cross-entropy), or labels that start at 1 or exceed the classes."""
    classes = None if not shape else shape[1] if len(shape) >= 2 else shape[0]
    if classes == 1:
        return message("capture.label_note.one_output")
    if classes is None:
        return message("capture.label_note.out_of_bounds_unknown", label=label)
    return message(
        "capture.label_note.out_of_bounds", label=label, classes=classes, last=classes - 1
    )


def _shape_text(shape: list[int] | None) -> str:
    return "-" if shape is None else "[" + ", ".join(str(d) for d in shape) + "]"


def add_label_note(error: BaseException, output: Any) -> None:
    """Put :func:`label_note` under `error`, once (a `trace()` within a `trace()` meets it
    twice); nothing where there is none, or before Python 3.11 (no `add_note`)."""
    try:
        note = label_note(error, output)
    except Exception:  # the user's error must come out as it is, whatever happens here
        return
    add_note = getattr(error, "add_note", None)
    if note is not None and add_note is not None and note not in getattr(error, "__notes__", ()):
        add_note(note)
