"""A loss that runs away below 0 (no lower bound: nn.NLLLoss on raw scores, a missing log or
square, a sign error): Divergence says so in plain words and stops, while the losses that go
below 0 as they learn (a Gaussian NLL, a contrastive loss without its constant, -accuracy, an
ELBO) are left alone; and Runs marks no run best by such a value.
"""

from __future__ import annotations

import math

import pytest
import torch
from torch import nn

import nngraph as ng
from nngraph import datasets
from nngraph.monitor import Monitor, Runs, compare
from nngraph.monitor.detectors import Divergence
from tests.monitor.test_patience_recovering import NLL_TRAIN


def _mlp(hidden: list[int]) -> nn.Sequential:
    layers: list[nn.Module] = []
    size = 4
    for h in hidden:
        layers += [nn.Linear(size, h), nn.ReLU()]
        size = h
    return nn.Sequential(*layers, nn.Linear(size, 3))


def _train_with_nll_on_scores(mon: Monitor, hidden: list[int], epochs: int) -> None:
    """The lab's loop with the student's slip: nn.NLLLoss() given the raw scores."""
    torch.manual_seed(0)
    data = datasets.iris()
    model = _mlp(hidden)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    loss_fn = nn.NLLLoss()
    for epoch in range(1, epochs + 1):
        optimizer.zero_grad()
        loss = loss_fn(model(data.x_train), data.y_train)
        loss.backward()
        optimizer.step()
        with torch.no_grad():
            val_loss = loss_fn(model(data.x_val), data.y_val)
        mon.log(epoch, loss=loss, val_loss=val_loss)
        if mon.should_stop:
            break


def test_nll_loss_on_raw_scores_is_said_to_have_no_lower_bound_and_stops() -> None:
    """Sweep s45 demos, finding 2: nn.NLLLoss on raw scores took the loss to -6.4e8 with
    accuracy at chance, and no detector spoke (Divergence took a falling loss for progress)."""
    torch.set_num_threads(1)
    mon = Monitor(display=False, print_interval=1e9)
    _train_with_nll_on_scores(mon, [256, 256, 256], epochs=150)
    (said,) = [e for e in mon.events if e.detector.startswith("Divergence")]
    assert said.message_id == "divergence.runaway" and said.stop and mon.should_stop
    assert said.epoch < 30 and mon.epoch == said.epoch  # the loop stopped there
    text = said.message
    assert "times the size of its first value" in text and "below 0" in text
    assert "no lower bound" in text and "nn.NLLLoss (F.nll_loss) given raw scores" in text
    assert "missing a log or a square" in text and "a sign error" in text
    assert "blowing up" not in text and "learning rate" not in text


@pytest.mark.parametrize(
    "values",
    [
        [0.03218, -2.2, -40.0, -118.6],  # the lab's NLLLoss at epoch 6: past -100
        [-2.194, -20.0, -203.8, -340.6],  # 155 times the size of -2.194
        [5.0, -10.0, -300.0, -501.0],  # 100 times the size of 5
        [0.1 * 3**k - 1.0 for k in range(3)] + [-(3.0**k) for k in range(3, 25)],
    ],
    ids=["near-0-start", "negative-start", "positive-start", "geometric"],
)
def test_a_loss_falling_by_orders_of_magnitude_below_0_has_run_away(values: list[float]) -> None:
    """Sweep s45 demos, finding 2: a loss that keeps falling far below 0, as its size grows
    more than 100 times its first value's (and past -100), is no training's loss."""
    d = Divergence()
    said = [d.update(epoch, loss=v) for epoch, v in enumerate(values, 1)]
    fired = [e for e in said if e is not None]
    assert len(fired) == 1 and fired[0].message_id == "divergence.runaway"
    first_below = next(v for v in values if v < -100 * max(abs(values[0]), 1.0))
    assert fired[0].values["value"] == first_below


@pytest.mark.parametrize(
    "values",
    [
        NLL_TRAIN,  # a Gaussian NLL, learned variance: 0.17 -> -2.06
        [0.003, -0.8, -2.5, -4.1, -5.0, -5.4, -5.5, -5.52, -5.5],  # InfoNCE - log N
        [-0.33 - 0.05 * e for e in range(14)],  # -accuracy: -0.33 -> -1
        [500.0, 100.0, -400.0, -1200.0, -1800.0, -2100.0, -2150.0],  # ELBO of continuous data
        [0.01, -3.0, -12.0, -30.0, -45.0, -38.0, -41.0],  # a WGAN critic's loss
        [-1.0, -1.5, -3.0, -10.0, -50.0],  # a negative log-likelihood, further below 0
    ],
    ids=["gaussian-nll", "contrastive", "neg-accuracy", "elbo", "wgan-critic", "nll"],
)
def test_a_loss_that_learns_below_0_is_no_runaway(values: list[float]) -> None:
    """Sweep s45 demos, finding 2, the other side: losses that go below 0 legitimately are
    not told to have run away, whatever their first value (0.003 for the contrastive one)."""
    mon = Monitor(display=False, print_interval=1e9)
    for epoch, value in enumerate(values, 1):
        mon.log(epoch, loss=value, val_loss=value * 1.01)
    assert not [e for e in mon.events if e.detector.startswith("Divergence")]


def test_the_training_and_validation_loss_running_away_are_said_once() -> None:
    """The same loss function runs away in training and in validation an epoch apart (the
    lab's -118.6 at epoch 6, -340.6 in validation at epoch 7): one text, not two."""
    d = Divergence(stop=False)
    train = [0.03218, -2.0, -20.0, -50.0, -80.0, -118.6, -211.5, -400.0]
    val = [-2.194, -10.0, -40.0, -90.0, -150.0, -203.8, -340.6, -600.0]
    for epoch, (t, v) in enumerate(zip(train, val, strict=True), 1):
        d.update(epoch, loss=t, val_loss=v)
    assert [(e.epoch, e.message_id) for e in d.events] == [(6, "divergence.runaway")]
    assert d.events[0].message.startswith("training loss is -118.6 at step 6: 3,700 times")


def test_divergence_without_a_factor_watches_no_runaway() -> None:
    d = Divergence(factor=None)
    assert [d.update(e, loss=-(10.0**e)) for e in range(1, 10)] == [None] * 9
    ten = Divergence(factor=10)  # 10 times the size of 2 below 0: -20
    assert [ten.update(e, loss=v) for e, v in enumerate([2.0, -15.0], 1)] == [None, None]
    assert ten.update(3, loss=-21.0).message_id == "divergence.runaway"  # type: ignore[union-attr]


def test_the_runaway_is_said_in_polish() -> None:
    ng.set_language("pl")
    d = Divergence()
    d.update(1, loss=0.03218)
    event = d.update(2, loss=-118.6)
    assert event is not None and event.message.startswith(
        "strata treningowa w kroku 2 wynosi -118,6: to 3\u00a0700 razy więcej niż wartość"
        " bezwzględna pierwszego wyniku (0,03218), tyle że poniżej zera."
    )
    assert "nie ma dolnego ograniczenia" in event.message
    assert "nn.NLLLoss (F.nll_loss) dostaje surowe wyniki" in event.message


# ----------------------------------------------------------------------------------- Runs


def _logged(name: str, losses: list[float], ratio: float = 1.0) -> Monitor:
    mon = Monitor(name=name, display=False, print_interval=1e9)
    for epoch, value in enumerate(losses, 1):
        mon.log(epoch, loss=value, val_loss=value * ratio)
    return mon


def test_runs_marks_no_run_best_whose_loss_ran_away() -> None:
    """Sweep s45 demos, finding 2: `val_loss -6.37e+08 *`, the broken run marked best."""
    runs = Runs(display=False)
    broken = runs.new("deep")
    for epoch, value in enumerate([0.03218, -2.2, -5e6, -6.419e8], 1):
        broken.log(epoch, loss=value, val_loss=value * 0.99)
    fine = runs.new("1 layer")
    for epoch, value in enumerate([1.1, 0.6, 0.4, 0.35], 1):
        fine.log(epoch, loss=value, val_loss=value + 0.05)
    assert runs.winners() == ["1 layer"] and runs.winner() == "1 layer"
    lines = runs.table().splitlines()
    deep = next(line for line in lines if line.startswith("deep"))
    assert "*" not in deep and "*" in next(line for line in lines if line.startswith("1 layer"))
    assert lines[-1].startswith("not ranked, as the loss ran away below 0")
    assert "no lower bound" in lines[-1] and lines[-1].endswith("deep (val_loss -6.355e+08)")
    assert runs.snapshot()["winners"] == ["1 layer"]


def test_a_run_stopped_when_its_training_loss_ran_away_is_not_ranked_either() -> None:
    """Divergence stops the run when its training loss runs away, before its validation loss
    is as far down (-203.8 from -2.194): the validation loss is that same loss all the same."""
    torch.set_num_threads(1)
    runs = Runs(display=False)
    _train_with_nll_on_scores(runs.new("deep", print_interval=1e9), [256, 256, 256], 150)
    fine = runs.new("fine")
    for epoch in range(1, 6):
        fine.log(epoch, loss=1.0 / epoch, val_loss=0.5 + 0.1 / epoch)
    assert runs["deep"].should_stop and runs.winners() == ["fine"]
    assert "deep (loss " in runs.table().splitlines()[-1]


def test_a_run_whose_loss_blew_up_keeps_its_best_from_before() -> None:
    """Consistent with the above: an upward blow-up leaves the best epoch before it, a real
    result that restore_best() keeps, so that run is ranked by it."""
    blew = _logged("lr too high", [1.0, 0.4, 0.3, 500.0, 1e7])
    fine = _logged("fine", [1.0, 0.6, 0.5, 0.45, 0.44])
    assert compare(blew, fine, display=False).winner() == "lr too high"


def test_runs_by_accuracy_rank_a_run_whose_loss_ran_away_as_measured() -> None:
    """An accuracy is measured as before whatever the loss did: it ranks every run."""
    runs = Runs(metric="val_acc", display=False)
    for name, acc in [("ran away", 0.9), ("fine", 0.8)]:
        mon = runs.new(name, metric="val_acc")
        for epoch, value in enumerate([0.03, -2.2, -5e6, -6e8] if acc > 0.85 else [1, 0.5], 1):
            mon.log(epoch, loss=value, val_loss=value, val_acc=acc)
    assert runs.winner() == "ran away"


def test_a_series_thinned_by_a_long_run_still_shows_its_runaway() -> None:
    mon = Monitor(display=False, print_interval=1e9, max_points=64)
    for epoch in range(1, 401):
        mon.log(epoch, val_loss=0.05 - 0.5 * epoch**3)
    assert math.isfinite(mon.best.value)  # type: ignore[union-attr]
    runs = compare(mon, _logged("fine", [1.0, 0.5]), display=False)
    assert runs.winners() == ["fine"]
