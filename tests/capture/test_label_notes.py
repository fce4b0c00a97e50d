"""The label mistakes of a classification loss under `trace()` and `record()` keep PyTorch's error, type and
message, with an nngraph note under it that says the cause and the fix (sweep s47 M10: float
labels into cross_entropy, `[N, 1]` labels, one output unit for cross-entropy and a binary
cross-entropy given whole numbers raised PyTorch's bare error)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import torch
import torch.nn.functional as F
from torch import nn

import nngraph as ng
from nngraph.i18n import set_language

_LABELS = torch.tensor([0, 1, 2, 1, 0, 2, 1, 0])
_BINARY = torch.tensor([0, 1, 1, 0, 1, 0, 0, 1])


def _raised(
    outputs: int, loss: Callable[[torch.Tensor], torch.Tensor], how: str = "trace"
) -> BaseException:
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, outputs))
    x = torch.randn(8, 4)
    with pytest.raises(Exception) as caught:
        if how == "trace":
            ng.trace(model, x, loss=loss)
        else:  # the student's own training step inside the block
            with ng.record(model):
                loss(model(x)).backward()
    return caught.value


def _note(error: BaseException) -> str:
    return "\n".join(getattr(error, "__notes__", []))


@pytest.mark.parametrize(
    ("outputs", "loss", "error", "says"),
    [
        (3, lambda out: nn.CrossEntropyLoss()(out, _LABELS.float()), RuntimeError, "y.long()"),
        (3, lambda out: F.nll_loss(out.log_softmax(1), _LABELS.float()), RuntimeError, "y.long()"),
        (3, lambda out: F.cross_entropy(out, _LABELS.unsqueeze(1)), RuntimeError, "y.squeeze(1)"),
        (1, lambda out: F.cross_entropy(out, _BINARY), IndexError, "give the last layer 2 outputs"),
        (3, lambda out: F.cross_entropy(out, _LABELS + 1), IndexError, "need y - 1"),
        (
            1,
            lambda out: F.binary_cross_entropy_with_logits(out, _BINARY.float()),
            ValueError,
            "y.float().unsqueeze(1)",
        ),
        (
            1,
            lambda out: F.binary_cross_entropy_with_logits(out, _BINARY.unsqueeze(1)),
            RuntimeError,
            "y.float()",
        ),
        (
            1,
            lambda out: nn.BCELoss()(torch.sigmoid(out), _BINARY.unsqueeze(1)),
            RuntimeError,
            "y.float()",
        ),
    ],
    ids=[
        "float_labels",
        "float_labels_nll",
        "labels_as_column",
        "one_output_unit",
        "labels_from_1",
        "bce_target_shape",
        "bce_long_targets",
        "bce_probabilities_long",
    ],
)
@pytest.mark.parametrize("how", ["trace", "record"])
def test_a_label_mistake_keeps_torchs_error_with_a_note_under_it(
    outputs: int, loss: Callable[[torch.Tensor], torch.Tensor], error: type, says: str, how: str
) -> None:
    raised = _raised(outputs, loss, how)
    assert type(raised) is error  # the user's exception, as PyTorch raised it
    try:
        loss(torch.randn(8, outputs))
    except error as bare:
        assert str(raised) == str(bare)  # its message unchanged
    note = _note(raised)
    assert note.startswith("nngraph: ") and says in note, note
    assert len(raised.__notes__) == 1


def test_the_notes_give_the_shapes_and_the_classes_they_read() -> None:
    note = _note(_raised(3, lambda out: F.cross_entropy(out, _LABELS.unsqueeze(1))))
    assert "a target of shape [8]" in note and "the output has shape [8, 3]" in note
    note = _note(_raised(3, lambda out: F.cross_entropy(out, _LABELS + 1)))
    assert "from 0 to 2" in note and "(the model gives 3 per example), but one is 3" in note
    set_language("pl")
    try:
        note = _note(_raised(1, lambda out: F.cross_entropy(out, _BINARY)))
        assert note.startswith("nngraph: model ma jedno wyjście")
    finally:
        set_language("en")


def test_other_errors_in_the_loss_get_no_label_note() -> None:
    def mine(out: torch.Tensor) -> torch.Tensor:
        raise RuntimeError("my own loss failed")

    raised = _raised(3, mine)
    assert str(raised) == "my own loss failed" and _note(raised) == ""


def test_an_error_outside_a_loss_under_record_gets_no_label_note() -> None:
    model = nn.Linear(4, 3)
    with pytest.raises(RuntimeError) as caught, ng.record():
        model(torch.randn(8, 5))  # a shape mistake, not a label one
    assert _note(caught.value) == ""
