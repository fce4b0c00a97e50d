"""Monitor: a validation run with the model's Dropout or BatchNorm still in training mode (no
`model.eval()`) is said once, in a warning; a right loop, wherever it switches modes and logs,
is not. Nothing is left on the model, nor watching after the monitor is done."""

from __future__ import annotations

import copy
import gc
import pickle
import warnings
from collections.abc import Callable, Iterator

import pytest
import torch
from torch import nn
from torch.nn import functional as F
from torch.nn.modules import module as torch_module

import nngraph as ng
from nngraph.i18n import set_language
from nngraph.monitor import _validation_mode

Loop = Callable[[nn.Module, ng.Monitor, int], None]

_g = torch.Generator().manual_seed(0)
X, Y = torch.randn(96, 8, generator=_g), torch.randint(0, 3, (96,), generator=_g)
XV, YV = torch.randn(32, 8, generator=_g), torch.randint(0, 3, (32,), generator=_g)


@pytest.fixture(autouse=True)
def _nothing_watching() -> Iterator[None]:
    """Each test starts and ends with no monitor watching (one a test left is stopped)."""
    _validation_mode.stop_watching_all()
    yield
    _validation_mode.stop_watching_all()


def _dropout_net() -> nn.Module:
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Dropout(0.5), nn.Linear(16, 3))


def _batchnorm_net() -> nn.Module:
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(8, 16), nn.BatchNorm1d(16), nn.ReLU(), nn.Linear(16, 3))


def _train_epoch(model: nn.Module, opt: torch.optim.Optimizer) -> float:
    model.train()
    total = 0.0
    for i in range(0, 96, 32):
        opt.zero_grad()
        loss = F.cross_entropy(model(X[i : i + 32]), Y[i : i + 32])
        loss.backward()
        opt.step()
        total += loss.item() / 3
    return total


def _val_loss(model: nn.Module) -> float:
    with torch.no_grad():
        return F.cross_entropy(model(XV), YV).item()


def _said(
    model: nn.Module, loop: Callable[[nn.Module, ng.Monitor, torch.optim.Optimizer, int], None]
) -> list[str]:
    """The validation-mode warnings a monitor of `model` gives over 6 epochs of `loop`."""
    opt = torch.optim.SGD(model.parameters(), lr=0.05)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        mon = ng.Monitor(model=model, display=False)
        for epoch in range(1, 7):
            loop(model, mon, opt, epoch)
    return [str(w.message) for w in caught if "model.eval()" in str(w.message)]


def _no_eval(model: nn.Module, mon: ng.Monitor, opt: torch.optim.Optimizer, epoch: int) -> None:
    loss = _train_epoch(model, opt)
    mon.log(epoch, loss=loss, val_loss=_val_loss(model))  # BUG: no model.eval()


def test_validation_without_eval_is_said_once() -> None:
    """Sweep s45 mistakes, finding 4: `Monitor(model=...)` of a model with Dropout(0.5),
    validated without `model.eval()`, said nothing while GL called the dropout noise "getting
    worse" and the best epoch was picked from noisy values."""
    (said,) = _said(_dropout_net(), _no_eval)
    assert said.startswith("nngraph Monitor: validation ran with the model in training mode")
    assert "its Dropout acts as in training (Dropout drops units at random)" in said
    assert "Call model.eval() before validating, and model.train() before training again" in said

    def truth_too(model: nn.Module, mon: ng.Monitor, opt: torch.optim.Optimizer, e: int) -> None:
        loss, noisy = _train_epoch(model, opt), _val_loss(model)
        model.eval()  # the eval-mode loss of the same weights, computed besides: not logged
        _val_loss(model)
        model.train()
        mon.log(e, loss=loss, val_loss=noisy)

    # an eval-mode pass after the last step is taken for the validation (regression review s45
    # monitor, 3-4: training accuracy measured under no_grad in training mode beside a right
    # validation was told): this loop's noisy one beside it is not told
    assert _said(_dropout_net(), truth_too) == []

    def train_accuracy_too(
        model: nn.Module, mon: ng.Monitor, opt: torch.optim.Optimizer, e: int
    ) -> None:
        loss = _train_epoch(model, opt)
        _val_loss(model)  # accuracy on training data after the step: no_grad, training mode
        model.eval()
        val = _val_loss(model)
        model.train()
        mon.log(e, loss=loss, val_loss=val)

    assert _said(_dropout_net(), train_accuracy_too) == []
    assert _said(_batchnorm_net(), train_accuracy_too) == []


def test_validation_of_batchnorm_in_training_mode_is_said_in_both_languages() -> None:
    """Sweep s45 mistakes, finding 4: BatchNorm normalises the validation batch with its own
    statistics and updates its running ones with the validation data."""
    (said,) = _said(_batchnorm_net(), _no_eval)
    assert "its BatchNorm1d acts as in training (BatchNorm normalises each batch" in said
    set_language("pl")
    try:
        (said,) = _said(_batchnorm_net(), _no_eval)
    finally:
        set_language("en")
    assert said.startswith("nngraph Monitor: walidacja przebiegła z modelem w trybie treningu")
    assert "Wywołaj model.eval() przed walidacją" in said


def _eval_train_log(model: nn.Module, mon: ng.Monitor, opt: torch.optim.Optimizer, e: int) -> None:
    loss = _train_epoch(model, opt)
    model.eval()
    val = _val_loss(model)
    model.train()  # back to training mode before the log: model.training is True there
    mon.log(e, loss=loss, val_loss=val)


def _log_next_epoch(model: nn.Module, mon: ng.Monitor, opt: torch.optim.Optimizer, e: int) -> None:
    model.train()
    if e > 1:  # the last epoch's validation, logged at the top of this one
        mon.log(e - 1, loss=mon._pending[0], val_loss=mon._pending[1])  # type: ignore[attr-defined]
    loss = _train_epoch(model, opt)
    model.eval()
    mon._pending = (loss, _val_loss(model))  # type: ignore[attr-defined]


def _validate_first(model: nn.Module, mon: ng.Monitor, opt: torch.optim.Optimizer, e: int) -> None:
    model.eval()
    val = _val_loss(model)
    loss = _train_epoch(model, opt)
    mon.log(e, loss=loss, val_loss=val)


def _pseudo_labels(model: nn.Module, mon: ng.Monitor, opt: torch.optim.Optimizer, e: int) -> None:
    """A training step that runs the model under no_grad in training mode (pseudo-labels),
    and a validation in eval mode."""
    model.train()
    for i in range(0, 96, 32):
        with torch.no_grad():
            guess = model(X[i : i + 32]).argmax(1)
        opt.zero_grad()
        F.cross_entropy(model(X[i : i + 32]), guess).backward()
        opt.step()
    model.eval()
    mon.log(e, loss=1.0, val_loss=_val_loss(model))


def _monte_carlo(model: nn.Module, mon: ng.Monitor, opt: torch.optim.Optimizer, e: int) -> None:
    """Monte Carlo dropout on purpose: model.eval(), then the Dropout layers alone back on."""
    loss = _train_epoch(model, opt)
    model.eval()
    for layer in model.modules():
        if isinstance(layer, nn.Dropout):
            layer.train()
    val = sum(_val_loss(model) for _ in range(4)) / 4
    mon.log(e, loss=loss, val_loss=val)


@pytest.mark.parametrize(
    "loop",
    [_eval_train_log, _log_next_epoch, _validate_first, _pseudo_labels, _monte_carlo],
    ids=["train-before-log", "log-next-epoch", "validate-first", "pseudo-labels", "monte-carlo"],
)
@pytest.mark.parametrize("make", [_dropout_net, _batchnorm_net], ids=["dropout", "batchnorm"])
def test_a_right_loop_is_not_told(make: Callable[[], nn.Module], loop: Callable) -> None:
    """Sweep s45 mistakes, finding 4: `model.training` at the validation's log() does not say
    whether it ran in eval mode (a loop may switch back first, or log at the top of the next
    epoch): the mode the layers ran in while validating does."""
    assert _said(make(), loop) == []


def test_a_model_without_dropout_or_batchnorm_is_not_watched() -> None:
    """Sweep s45 mistakes, finding 4: nothing acts otherwise in training mode, so nothing is
    said and nothing is hooked."""
    before = dict(torch_module._global_forward_pre_hooks)
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Dropout(0.0), nn.Linear(16, 3))
    assert _said(model, _no_eval) == []
    assert torch_module._global_forward_pre_hooks == before


def test_nothing_is_left_on_the_model_nor_watching_once_done() -> None:
    """Sweep s45 mistakes, finding 4: the modes are seen through a global hook of torch, on
    only while a monitor watches: none on the model (a deepcopy or a pickle of it during the
    run carries nothing), none after the warning, after a few right validations, at the end
    of a notebook cell, or once the monitor is freed."""
    before = dict(torch_module._global_forward_pre_hooks)
    model = _dropout_net()
    mon = ng.Monitor(model=model, display=False)
    assert len(torch_module._global_forward_pre_hooks) == len(before) + 1
    assert not model._forward_pre_hooks and not any(m._forward_pre_hooks for m in model.modules())
    pickle.loads(pickle.dumps(copy.deepcopy(model)))
    del mon
    gc.collect()
    assert torch_module._global_forward_pre_hooks == before  # the monitor freed
    _said(_dropout_net(), _no_eval)
    assert torch_module._global_forward_pre_hooks == before  # told: done
    assert _said(_dropout_net(), _eval_train_log) == []
    assert torch_module._global_forward_pre_hooks == before  # judged right often enough


def test_after_a_cell_ends_the_next_validation_is_judged_on_what_it_saw() -> None:
    """Sweep s45 mistakes, finding 4: the end of a notebook cell stops the watching; the next
    log() (training in a later cell) watches again, and judges from the validation after it,
    whose whole epoch it saw."""
    model = _dropout_net()
    opt = torch.optim.SGD(model.parameters(), lr=0.05)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        mon = ng.Monitor(model=model, display=False)
        _validation_mode.stop_watching_all()  # the cell that made the monitor ended
        _no_eval(model, mon, opt, 1)  # not seen from its start: not judged
        assert not [w for w in caught if "model.eval()" in str(w.message)]
        _no_eval(model, mon, opt, 2)
    assert len([w for w in caught if "model.eval()" in str(w.message)]) == 1


def test_batchnorm_and_dropout_effects_are_kept_apart_and_the_warning_ends_a_sentence() -> None:
    """Sweep s47, L6: "... statystyki bieżące danymi walidacyjnymi i Dropout wyłącza ..." ran
    two effects together with an "and" of their own, and the warning had no full stop."""

    def both() -> nn.Module:
        torch.manual_seed(0)
        return nn.Sequential(
            nn.Linear(8, 16), nn.BatchNorm1d(16), nn.Dropout(0.5), nn.Linear(16, 3)
        )

    (said,) = _said(both(), _no_eval)
    assert "with the validation data; Dropout drops units at random)" in said
    assert said.endswith("model.train() before training again.")
    set_language("pl")
    try:
        (said,) = _said(both(), _no_eval)
    finally:
        set_language("en")
    assert "danymi walidacyjnymi; Dropout wyłącza losowo wybrane jednostki)" in said
    assert said.endswith("a model.train() przed dalszym treningiem.")
