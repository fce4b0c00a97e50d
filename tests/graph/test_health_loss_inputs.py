"""health(): a loss given what it does not expect, where nothing but the values or the shapes
the graph keeps tells it: raw scores in `nll_loss`, an `[N, 1]` output against an `[N]` target
in a hand-written MSE."""

from __future__ import annotations

import math
from collections.abc import Callable

import pytest
import torch
from torch import nn
from torch.nn import functional as F

import nngraph as ng
from nngraph.i18n import set_language


def _loss_input_findings(
    model: nn.Module, loss: Callable[[torch.Tensor], torch.Tensor], x: torch.Tensor | None = None
) -> list:
    g = ng.trace(model, torch.randn(8, 2) if x is None else x, loss=loss)
    return [f for f in g.health() if f["kind"] == "loss_input"]


def test_nll_loss_given_raw_scores_is_told_to_add_log_softmax() -> None:
    """`F.nll_loss(out, y)` on a Linear's raw scores gave no finding, while softmax
    probabilities were told; in a lab the loss then fell to -6.7e8 (sweep s31,
    health_misses (1b))."""
    torch.manual_seed(0)
    labels = torch.randint(0, 3, (8,))
    model = nn.Sequential(nn.Linear(2, 4), nn.ReLU(), nn.Linear(4, 3))
    for loss in [
        lambda out: F.nll_loss(out, labels),
        lambda out: nn.NLLLoss()(out.view(8, 3), labels),
        lambda out: F.nll_loss(out.t().t(), labels),
    ]:
        (found,) = _loss_input_findings(model, loss)
        assert found["module"] == "2", found
        assert found["message"].startswith("Module 2 (Linear) gives nll_loss (nn.NLLLoss) values")
        assert "some are above 0 (up to" in found["message"]
        assert "Add log_softmax before it" in found["message"]
        assert "nn.CrossEntropyLoss" in found["message"]
    # scores all at most 0 that are no log-probabilities either: their mean is too high
    (found,) = _loss_input_findings(model, lambda out: F.nll_loss(-F.relu(out) / 100, labels))
    assert "over 3 classes, log-probabilities average at most -1.1 (-log 3)" in found["message"]
    set_language("pl")
    try:
        (found,) = _loss_input_findings(model, lambda out: F.nll_loss(-F.relu(out) / 100, labels))
        assert "średnią najwyżej -1,1 (-log 3)" in found["message"]
    finally:
        set_language("en")
    # log-probabilities, however made, are not told
    x, tags = torch.randn(4, 5, 2), torch.randint(0, 3, (4, 5))

    def by_hand(out: torch.Tensor) -> torch.Tensor:
        return F.nll_loss(out - out.logsumexp(1, keepdim=True), labels)

    right = [
        (nn.Linear(2, 3), lambda out: F.nll_loss(F.log_softmax(out, 1), labels), None),
        (
            nn.Sequential(nn.Linear(2, 3), nn.LogSoftmax(dim=1)),
            lambda o: F.nll_loss(o, labels),
            None,
        ),
        (nn.Linear(2, 3), lambda out: F.nll_loss(torch.log(out.softmax(1) + 1e-8), labels), None),
        (nn.Linear(2, 3), by_hand, None),
        (nn.Linear(2, 3), lambda out: F.nll_loss(out.log_softmax(-1).transpose(1, 2), tags), x),
        # log-probabilities of some classes only, or scaled: made by a logarithm, not checked
        (nn.Linear(2, 4), lambda out: F.nll_loss(out.log_softmax(1)[:, :3], labels), None),
        (nn.Linear(2, 3), lambda out: F.nll_loss(out.log_softmax(1) * 0.1, labels), None),
    ]
    assert [_loss_input_findings(m, loss, given) for m, loss, given in right] == [[]] * len(right)
    # softmax probabilities: told once, as before (not as raw scores too)
    (found,) = _loss_input_findings(nn.Linear(2, 3), lambda out: F.nll_loss(out.softmax(1), labels))
    assert found["message"].startswith("Your code gives nll_loss (nn.NLLLoss) softmax")


def test_nll_loss_given_raw_scores_in_a_recorded_loop_is_told_once() -> None:
    torch.manual_seed(0)
    model = nn.Linear(2, 3)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    x, labels = torch.randn(8, 2), torch.randint(0, 3, (8,))
    with ng.record() as rec:
        for _ in range(3):
            optimizer.zero_grad()
            F.nll_loss(model(x), labels).backward()
            optimizer.step()
    found = [f for f in rec.graph.health() if f["kind"] == "loss_input"]
    assert len(found) == 1 and "not log-probabilities" in found[0]["message"]


@pytest.mark.filterwarnings("ignore:Using a target size")
def test_a_hand_written_mse_of_an_output_and_a_target_of_other_shapes_is_told() -> None:
    """`((out - y) ** 2).mean()` with an output [64, 1] and a target [64] makes a [64, 64]
    table and gave no finding, while `F.mse_loss` on the same shapes was told; demo 02 teaches
    MSE written by hand (sweep s31, health_misses (2b))."""
    torch.manual_seed(0)
    target, column, weights = torch.randn(8), torch.randn(8, 1), torch.rand(8)
    output_first = "the model's output of shape [8, 1] and one of shape [8]:"
    squeezed_first = "the model's output of shape [8] and one of shape [8, 1]:"
    cases = [
        (lambda out: ((out - target) ** 2).mean(), output_first),
        (lambda out: (target - out).abs().mean(), output_first),
        (lambda out: torch.square(out - target).sum() / 8, output_first),
        (lambda out: ((out - target) * (out - target)).mean(), output_first),
        (lambda out: torch.sub(target, out).pow(2).sum(1).mean().sqrt(), output_first),
        (lambda out: (weights * (out - target) ** 2).sum() / weights.sum(), output_first),
        (lambda out: ((out.squeeze(1) - column) ** 2).mean(), squeezed_first),
    ]
    for loss, expected in cases:
        (found,) = _loss_input_findings(nn.Linear(2, 1), loss)
        assert found["message"].startswith("Your loss takes the difference of"), found
        assert expected in found["message"]
        assert "[8, 8] table of every pair" in found["message"]
        assert found["table"] == "[8, 8]"
    (found,) = _loss_input_findings(nn.Linear(2, 1), cases[-1][0])
    assert found["message"].endswith("target.squeeze(1), or output.view(-1, 1).")
    set_language("pl")
    try:
        (found,) = _loss_input_findings(nn.Linear(2, 1), cases[0][0])
        assert "robi z różnicy tabelę [8, 8] wszystkich par" in found["message"]
    finally:
        set_language("en")
    # broadcasting meant is not told
    three, centre = torch.randn(8, 3), torch.randn(3)
    right: list[tuple[nn.Module, Callable[[torch.Tensor], torch.Tensor]]] = [
        (nn.Linear(2, 1), lambda out: ((out - target.view(-1, 1)) ** 2).mean()),
        (nn.Linear(2, 1), lambda out: ((out.squeeze(1) - target) ** 2).mean()),
        (nn.Linear(2, 3), lambda out: ((out - centre) ** 2).mean()),  # [N, C] minus a [C]
        (nn.Linear(2, 3), lambda out: ((out - three) ** 2).mean()),
        (nn.Linear(2, 1), lambda out: ((out - torch.ones(1)) ** 2).mean()),  # a [1]
        # the table of every pair, asked for: one side widened right before, or both
        (nn.Linear(2, 1), lambda out: ((out.squeeze(1)[:, None] - target) ** 2).mean()),
        (nn.Linear(2, 1), lambda out: ((out.squeeze(1).unsqueeze(1) - target) ** 2).mean()),
        (nn.Linear(2, 1), lambda out: ((out - target[None, :]) ** 2).mean()),
        # both sides carry gradients: which is the output is not known (a contrastive loss)
        (nn.Linear(2, 1), lambda out: ((out - out.squeeze(1)) ** 2).mean()),
        # a kernel of every pair, not a sum of the differences value by value
        (nn.Linear(2, 1), lambda out: torch.exp(-((out - target) ** 2)).mean()),
        (nn.Linear(2, 1), lambda out: torch.logsumexp(-((out - target) ** 2), 1).mean()),
        (nn.Linear(2, 1), lambda out: (torch.rand(8, 8) * (out - target) ** 2).mean()),
    ]
    assert [_loss_input_findings(model, loss) for model, loss in right] == [[]] * len(right)
    # F.mse_loss given the slip is told once, by its own finding
    (found,) = _loss_input_findings(nn.Linear(2, 1), lambda out: F.mse_loss(out, target))
    assert found["message"].startswith("mse_loss compares")


def test_a_hand_written_mse_slip_in_a_recorded_loop_is_told_once() -> None:
    torch.manual_seed(0)
    model = nn.Linear(2, 1)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    x, target = torch.randn(8, 2), torch.randn(8)
    with ng.record() as rec:
        for _ in range(3):
            optimizer.zero_grad()
            ((model(x) - target) ** 2).mean().backward()
            optimizer.step()
    found = [f for f in rec.graph.health() if f["kind"] == "loss_input"]
    assert len(found) == 1 and "[8, 8] table" in found[0]["message"]


@pytest.mark.filterwarnings("ignore:Using a target size")
def test_a_mask_or_sequence_output_with_an_extra_dim_of_one_is_told_with_its_own_fix() -> None:
    """A segmentation net's `[N, 1, H, W]` against masks `[N, H, W]`, written by hand, gave no
    finding (only a trailing `[N, 1]` was looked for), and `F.mse_loss` on them said only
    "reshape one of them" (stop 35, left alone)."""
    torch.manual_seed(0)
    conv, images, masks = (
        nn.Conv2d(3, 1, 3, padding=1),
        torch.randn(4, 3, 8, 8),
        torch.randn(4, 8, 8),
    )
    linear, steps, targets = nn.Linear(3, 1), torch.randn(5, 5, 3), torch.randn(5, 5)
    cases = [
        (conv, images, lambda out: ((out - masks) ** 2).mean(), "[4, 4, 8, 8]", 1),
        (conv, images, lambda out: (masks - out).abs().mean(), "[4, 4, 8, 8]", 1),
        (conv, images, lambda out: F.mse_loss(out, masks), "[4, 4, 8, 8]", 1),
        (linear, steps, lambda out: ((out - targets) ** 2).mean(), "[5, 5, 5]", 2),
        (linear, steps, lambda out: F.l1_loss(out, targets), "[5, 5, 5]", 2),
    ]
    for model, x, loss, table, dim in cases:
        (found,) = _loss_input_findings(model, loss, x)
        assert f"a {table} table of every pair" in found["message"]
        assert found["message"].endswith(f"output.squeeze({dim}), or target.unsqueeze({dim}).")
    set_language("pl")
    try:
        (found,) = _loss_input_findings(conv, cases[0][2], images)
        assert found["message"].endswith("output.squeeze(1) albo target.unsqueeze(1).")
    finally:
        set_language("en")
    right = [
        lambda out: ((out.squeeze(1) - masks) ** 2).mean(),
        lambda out: ((out - masks.unsqueeze(1)) ** 2).mean(),
        lambda out: ((out - masks[:, None]) ** 2).mean(),
    ]
    assert [_loss_input_findings(conv, loss, images) for loss in right] == [[]] * len(right)


def _distillation_findings(student_input: Callable[[torch.Tensor], torch.Tensor], **kw) -> list:
    """One distillation step: the teacher's soft targets under `no_grad`, the student's
    `student_input(scores)` given to `kl_div`."""
    torch.manual_seed(0)
    x = torch.randn(16, 5)
    teacher = nn.Sequential(nn.Linear(5, 8), nn.ReLU(), nn.Linear(8, 3)).eval()
    student = nn.Sequential(nn.Linear(5, 4), nn.ReLU(), nn.Linear(4, 3))
    target = F.log_softmax if kw.get("log_target") else F.softmax
    with ng.record() as rec:
        with torch.no_grad():
            soft = target(teacher(x) / 4.0, dim=1)
        F.kl_div(student_input(student(x) / 4.0), soft, reduction="batchmean", **kw).backward()
    return [f for f in rec.graph.health() if f["kind"] == "loss_input"]


def test_kl_div_given_softmax_probabilities_is_told_to_take_log_softmax() -> None:
    """The distillation slip: `F.kl_div(F.softmax(student / T), F.softmax(teacher / T))`; the
    loss goes below zero and health() said nothing (sweep s34 R, finding 2)."""
    (found,) = _distillation_findings(lambda s: F.softmax(s, dim=1))
    assert found["message"].startswith("Your code gives kl_div (nn.KLDivLoss) softmax")
    assert "use log_softmax instead of softmax for the input" in found["message"]


def test_kl_div_given_raw_scores_is_told_they_are_not_log_probabilities() -> None:
    (found,) = _distillation_findings(lambda s: s)
    assert found["message"].startswith(  # the scores divided by T, in the user's code
        "Your code gives kl_div (nn.KLDivLoss) an input that is not log-probabilities: some are"
    )


@pytest.mark.parametrize("log_target", [False, True])
def test_a_distillation_with_log_softmax_is_quiet(log_target: bool) -> None:
    assert _distillation_findings(lambda s: F.log_softmax(s, dim=1), log_target=log_target) == []


def _student_teacher() -> tuple[torch.Tensor, nn.Module, nn.Module]:
    torch.manual_seed(0)
    return torch.randn(16, 5), nn.Linear(5, 3), nn.Linear(5, 3)


def test_a_reverse_kl_or_a_kl_to_a_fixed_prior_puts_the_softmax_in_the_target() -> None:
    """`F.kl_div(log_softmax(teacher), softmax(student))` and a categorical VAE's
    `F.kl_div(log_prior, softmax(enc(x)))` are right: the softmax is kl_div's target
    (regression sweep s34 RG2, finding 1)."""
    x, student, teacher = _student_teacher()
    with ng.record() as rec:
        with torch.no_grad():
            log_t = F.log_softmax(teacher(x), dim=1)
        F.kl_div(log_t, F.softmax(student(x), dim=1), reduction="batchmean").backward()
    assert [f for f in rec.graph.health() if f["kind"] == "loss_input"] == []
    with ng.record() as rec:
        q = F.softmax(student(x), dim=1)
        log_prior = torch.full_like(q, -math.log(3))
        F.kl_div(log_prior, q, reduction="batchmean").backward()
    assert [f for f in rec.graph.health() if f["kind"] == "loss_input"] == []


def test_kl_div_given_raw_scores_is_told_also_when_the_teacher_carries_gradients() -> None:
    x, student, teacher = _student_teacher()  # the teacher not under no_grad
    with ng.record() as rec:
        F.kl_div(student(x), F.softmax(teacher(x), dim=1), reduction="batchmean").backward()
    (found,) = [f for f in rec.graph.health() if f["kind"] == "loss_input"]
    assert "gives kl_div (nn.KLDivLoss) an input that is not log-probabilities" in found["message"]


@pytest.mark.parametrize("student_input", ["raw", "softmax"])
def test_a_wrong_student_input_is_told_with_a_log_target_too(student_input: str) -> None:
    """`nn.KLDivLoss(log_target=True)` with the teacher's log_softmax as the target: the
    reverse-KL guard took that for log-probabilities in the input's place (regression sweep
    s34 RG4b, finding 4)."""
    x, student, teacher = _student_teacher()
    with ng.record() as rec:
        with torch.no_grad():
            log_t = F.log_softmax(teacher(x), dim=1)
        scores = student(x) if student_input == "raw" else F.softmax(student(x), dim=1)
        nn.KLDivLoss(reduction="batchmean", log_target=True)(scores, log_t).backward()
    assert [f["kind"] for f in rec.graph.health()].count("loss_input") == 1


@pytest.mark.parametrize("inplace", [False, True])
def test_a_relu_on_the_scores_a_classification_loss_gets_is_told(inplace: bool) -> None:
    """Sweep S: a ReLU after the last layer (a classic lab slip) gave no finding on Iris and a
    dead-units finding with the wrong causes on an MLP; the loss cannot see negative scores."""
    torch.manual_seed(0)
    labels, targets = torch.randint(0, 3, (8,)), torch.randint(0, 2, (8, 1)).float()
    for outputs, loss, says in [
        (3, lambda out: F.cross_entropy(out, labels), "scores cross_entropy gets"),
        (1, lambda out: F.binary_cross_entropy_with_logits(out, targets), "below 0.5"),
    ]:
        model = nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, outputs), nn.ReLU(inplace))
        (found,) = _loss_input_findings(model, loss)
        assert found["module"] == "3" and says in found["message"]
        assert "drop the last ReLU" in found["message"]
        model[3] = nn.Identity()  # the raw scores: quiet, also with the hidden layer's ReLU
        assert _loss_input_findings(model, loss) == []
    regression = nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 1), nn.ReLU())
    assert _loss_input_findings(regression, lambda out: F.mse_loss(out, targets)) == []


@pytest.mark.parametrize("squash", ["sigmoid", "tanh"])
def test_a_sigmoid_or_tanh_before_cross_entropy_is_told(squash: str) -> None:
    """Sweep s47 (s44): a binary habit, nn.Sigmoid() as the last layer, before the multi-class
    nn.CrossEntropyLoss gave "Findings: none" while softmax and ReLU there were told."""
    torch.manual_seed(0)
    labels = torch.randint(0, 3, (8,))
    last = nn.Sigmoid() if squash == "sigmoid" else nn.Tanh()
    model = nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 3), last)
    for loss in [
        lambda out: nn.CrossEntropyLoss()(out, labels),
        lambda out: F.cross_entropy(out.view(8, 3), labels),
    ]:
        (found,) = _loss_input_findings(model, loss)
        assert found["module"] == "3", found
        assert found["message"].startswith(f"Module 3 ({type(last).__name__}) applies {squash}")
        assert "raw scores (logits)" in found["message"]
    set_language("pl")
    try:
        (found,) = _loss_input_findings(model, lambda out: F.cross_entropy(out, labels))
        assert f"nakłada {squash}" in found["message"]
    finally:
        set_language("en")
    # a sigmoid inside the model (a gate) before a Linear head is no slip
    gated = nn.Sequential(nn.Linear(2, 8), nn.Sigmoid(), nn.Linear(8, 3))
    assert _loss_input_findings(gated, lambda out: F.cross_entropy(out, labels)) == []
