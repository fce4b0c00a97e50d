"""health(): a softmax over the batch, dim 0 of a classifier's scores `[N, C]`, fed to a
classification loss: each example's probabilities then depend on the rest of its batch and do
not sum to 1. A softmax over dim 0 that is not the batch is left alone."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import torch
from torch import nn
from torch.nn import functional as F

import nngraph as ng
from nngraph.i18n import set_language

N, C = 32, 5


def _classifier() -> nn.Module:
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(20, 16), nn.ReLU(), nn.Linear(16, C))


def _loss_input_findings(
    model: nn.Module, loss: Callable[[torch.Tensor], torch.Tensor], x: torch.Tensor | None = None
) -> list[dict]:
    g = ng.trace(model, torch.randn(N, 20) if x is None else x, loss=loss)
    return [f for f in g.health() if f["kind"] == "loss_input"]


def _labels() -> torch.Tensor:
    return torch.randint(0, C, (N,), generator=torch.Generator().manual_seed(1))


@pytest.mark.parametrize("op", ["log_softmax", "softmax"])
def test_softmax_over_the_batch_before_nll_loss_is_told_with_dim_1(op: str) -> None:
    """Sweep s45 mistakes, finding 8: `F.nll_loss(F.log_softmax(out, dim=0), y)` normalises
    each class over the 32 examples (the rows sum to about 0.15, not 1) and got no finding."""
    y = _labels()
    squash = getattr(F, op)
    (found,) = _loss_input_findings(_classifier(), lambda out: F.nll_loss(squash(out, dim=0), y))
    text = found["message"]
    assert text.startswith(f"Your code applies {op} over dim 0 of the scores nll_loss gets")
    assert "(shape [32, 5]), and dim 0 is the batch" in text
    assert "depend on the other examples in its batch" in text
    assert "do not sum to 1 over its 5 classes" in text
    assert "F.log_softmax(scores, dim=1) (or dim=-1)" in text
    assert (found["rows"], found["classes"], found["loss"]) == (32, 5, "nll_loss")
    if op == "softmax":  # told once, with what nll_loss expects, not as a softmax over classes
        assert "expects log-probabilities over the classes" in text


@pytest.mark.parametrize(
    "loss",
    [
        lambda out, y, d: -torch.log(F.softmax(out, dim=d))[torch.arange(N), y].mean(),
        lambda out, y, d: -torch.log(F.softmax(out, dim=d)[torch.arange(N), y] + 1e-8).mean(),
        lambda out, y, d: -(F.one_hot(y, C) * F.log_softmax(out, dim=d)).sum(1).mean(),
        lambda out, y, d: -F.log_softmax(out, d).gather(1, y[:, None]).mean(),
        lambda out, y, d: -torch.sum(F.one_hot(y, C).float() * out.softmax(d).log(), dim=1).mean(),
    ],
    ids=["log-then-pick", "pick-then-log", "one-hot", "gather", "one-hot-softmax"],
)
def test_hand_written_cross_entropy_with_softmax_over_the_batch_is_told(
    loss: Callable[[torch.Tensor, torch.Tensor, int], torch.Tensor],
) -> None:
    """Sweep s45 mistakes, finding 8: a hand-written cross-entropy with `softmax(out, dim=0)`
    (the log of the probabilities, one value picked per example) got no finding."""
    y = _labels()
    (found,) = _loss_input_findings(_classifier(), lambda out: loss(out, y, 0))
    assert "over dim 0 of the scores your loss gets (shape [32, 5])" in found["message"]
    assert "Normalise over the classes instead: F." in found["message"]
    assert found["loss"] is None
    # the same losses over the classes are right
    assert _loss_input_findings(_classifier(), lambda out: loss(out, y, 1)) == []
    assert _loss_input_findings(_classifier(), lambda out: loss(out, y, -1)) == []


def test_the_models_own_log_softmax_over_the_batch_is_named_as_a_module() -> None:
    """Sweep s45 mistakes, finding 8: the model's last layer `nn.LogSoftmax(dim=0)`, its output
    read by `nll_loss` or by a hand-written loss, is told, with the module's fix."""
    y = _labels()
    model = nn.Sequential(_classifier(), nn.LogSoftmax(dim=0))
    for loss in [
        lambda out: F.nll_loss(out, y),
        lambda out: -out[torch.arange(N), y].mean(),
    ]:
        (found,) = _loss_input_findings(model, loss)
        assert found["message"].startswith("Module 1 (LogSoftmax) applies log_softmax over dim 0")
        assert found["module"] == "1"
        assert (
            "Normalise over the classes instead: nn.LogSoftmax(dim=1) (or dim=-1)."
            in (found["message"])
        )


def test_softmax_module_over_the_batch_before_cross_entropy_says_the_dim() -> None:
    """Sweep s45 mistakes, finding 8: `nn.Softmax(dim=0)` before `nn.CrossEntropyLoss` got the
    sentence of `dim=1` ("keep it only to show probabilities"), and a student kept showing
    probabilities normalised over the batch."""
    y = _labels()
    model = nn.Sequential(_classifier(), nn.Softmax(dim=0))
    (found,) = _loss_input_findings(model, lambda out: nn.CrossEntropyLoss()(out, y))
    text = found["message"]
    assert text.startswith("Module 1 (Softmax) applies softmax over dim 0 of the scores")
    assert "cross_entropy gets (shape [32, 5]), and dim 0 is the batch" in text
    assert "drop the softmax" in text and "use nn.Softmax(dim=1)." in text
    assert "keep it only to show probabilities" not in text
    # a log_softmax over the batch before cross_entropy is no harmless one over the classes
    model = nn.Sequential(_classifier(), nn.LogSoftmax(dim=0))
    (found,) = _loss_input_findings(model, lambda out: F.cross_entropy(out, y))
    assert "drop the log_softmax" in found["message"]
    # over the classes: the generic sentence, as before
    model = nn.Sequential(_classifier(), nn.Softmax(dim=1))
    (found,) = _loss_input_findings(model, lambda out: F.cross_entropy(out, y))
    assert "keep it only to show probabilities" in found["message"]
    assert "dim 0" not in found["message"]


def test_softmax_over_the_batch_in_a_recorded_loop_is_told_once() -> None:
    """Sweep s45 mistakes, finding 8: one finding for the slip, not one per step."""
    y, model = _labels(), _classifier()
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    with ng.record(model) as rec:
        for _ in range(3):
            opt.zero_grad()
            F.nll_loss(F.log_softmax(model(torch.randn(N, 20)), dim=0), y).backward()
            opt.step()
    found = [f for f in rec.graph.health() if f["kind"] == "loss_input"]
    assert len(found) == 1 and "over dim 0" in found[0]["message"]


def test_softmax_over_the_batch_is_told_in_polish() -> None:
    """Sweep s45 mistakes, finding 8: the sentence in Polish."""
    y = _labels()
    set_language("pl")
    try:
        (found,) = _loss_input_findings(
            _classifier(), lambda out: F.nll_loss(F.softmax(out, dim=0), y)
        )
    finally:
        set_language("en")
    assert found["message"].startswith("Twój kod nakłada softmax wzdłuż wymiaru 0 wyników")
    assert "a wymiar 0 to partia" in found["message"]
    assert "Użyj zamiast tego F.log_softmax(scores, dim=1)" in found["message"]


class _SequenceFirstAttention(nn.Module):
    """Attention pooling over a sequence-first `[T, N, D]` input: softmax over dim 0, time."""

    def __init__(self) -> None:
        super().__init__()
        self.score = nn.Linear(8, 1)
        self.head = nn.Linear(8, C)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        weights = F.softmax(self.score(x).squeeze(-1), dim=0)  # [T, N]
        return self.head((weights.unsqueeze(-1) * x).sum(0))


class _InstanceAttention(nn.Module):
    """A multiple-instance bag `[K, D]`: softmax over the K instances, then one prediction."""

    def __init__(self) -> None:
        super().__init__()
        self.score = nn.Linear(8, 1)
        self.head = nn.Linear(8, C)

    def forward(self, bag: torch.Tensor) -> torch.Tensor:
        weights = F.softmax(self.score(bag), dim=0)  # [K, 1]
        return self.head((weights * bag).sum(0, keepdim=True))


def test_softmax_over_dim_0_that_is_not_the_batch_is_not_told() -> None:
    """Sweep s45 mistakes, finding 8: dim 0 is legitimate where it is not the batch of a
    classifier's scores `[N, C]`: attention over a sequence-first tensor, a bag's instances, a
    1-d output of one example, a `[C, N]` layout transposed for the loss, a square table of
    similarities (a contrastive loss normalises it both ways), a pointer over the positions of
    a sequence-first `[T, N]`."""
    torch.manual_seed(0)
    y = _labels()
    one = torch.tensor(2)
    sim = nn.Linear(8, 8)
    steps, targets = 12, torch.randint(0, 12, (N,))
    cases = [
        (_SequenceFirstAttention(), lambda out: F.cross_entropy(out, y), torch.randn(10, N, 8)),
        (_InstanceAttention(), lambda out: F.cross_entropy(out, one[None]), torch.randn(7, 8)),
        (nn.Linear(20, C), lambda out: F.nll_loss(F.log_softmax(out, dim=0), one), torch.randn(20)),
        (
            nn.Linear(20, C),
            lambda out: F.nll_loss(F.log_softmax(out.t(), dim=0).t(), y),
            torch.randn(N, 20),
        ),
        (
            sim,
            lambda z: F.nll_loss(F.log_softmax(z @ z.t(), dim=0), torch.arange(N)),
            torch.randn(N, 8),
        ),
        (
            nn.Linear(N, N),
            lambda sc: -F.log_softmax(sc[:steps], dim=0).gather(0, targets[None] % steps).mean(),
            torch.randn(N, N),
        ),
    ]
    for model, loss, x in cases:
        g = ng.trace(model, x, loss=loss)
        assert [f for f in g.health() if "over dim 0" in f["message"]] == [], model


def test_a_column_taken_whole_from_a_softmax_over_dim_0_is_not_told() -> None:
    """Regression review s45 (graph, 1): a pointer network's sequence-first scores [T, N]
    and a [C, N] layout, each normalised over dim 0 on purpose and read one example (one
    column: `logp[:, i]`, `select(1, i)`) at a time, were told "dim 0 is the batch: use
    dim=1", which would break them. Only a pick by an index tensor is one value per row."""
    torch.manual_seed(0)
    steps, batch, classes = 6, 8, 5
    pointer, positions = nn.Linear(3, 1), torch.randint(0, steps, (batch,))

    def pointer_loss(out: torch.Tensor) -> torch.Tensor:
        logp = F.log_softmax(out.squeeze(-1), dim=0)  # [T, N]: over the positions
        picked = [logp[:, i].unsqueeze(0) for i in range(batch)]
        return sum(F.nll_loss(p, positions[i : i + 1]) for i, p in enumerate(picked)) / batch

    columns, y = nn.Linear(20, classes), torch.randint(0, classes, (batch,))

    def column_loss(out: torch.Tensor) -> torch.Tensor:
        logp = torch.log(F.softmax(out.T, dim=0))  # [C, N]: over the classes of each column
        return -sum(logp.select(1, i)[y[i]] for i in range(batch)) / batch

    for model, x, loss in (
        (pointer, torch.randn(steps, batch, 3), pointer_loss),
        (columns, torch.randn(batch, 20), column_loss),
    ):
        said = ng.trace(model, x, loss=loss).health()
        assert "dim 0 is the batch" not in str(said), said
