"""Metric names: a validation metric is known however it is spelled, by the monitor and by the
loss view alike."""

from __future__ import annotations

import json
import re
import warnings
from pathlib import Path

import pytest

import nngraph as ng
from nngraph.monitor import _names
from nngraph.monitor._names import resolve_mode, train_twin, training_base, validation_base

STORE_JS = Path(__file__).resolve().parents[2] / "js" / "src" / "loss" / "store.js"


@pytest.mark.parametrize(
    "name", ["VAL_PREFIXES", "TRAIN_PREFIXES", "VAL_SUFFIXES", "TRAIN_SUFFIXES", "SUFFIXED"]
)
def test_the_loss_view_reads_names_as_the_monitor_does(name: str) -> None:
    found = re.search(
        rf"export const {name} = Object\.freeze\(\[(.*?)\]\);", STORE_JS.read_text(), re.S
    )
    assert found is not None, f"{name} is not in js/src/loss/store.js"
    in_js, python = json.loads(f"[{found.group(1).strip().rstrip(',')}]"), getattr(_names, name)
    assert in_js == (sorted(python, key=in_js.index) if name == "SUFFIXED" else list(python))


def _textbook_run(train_name: str, val_name: str, **options: object) -> ng.Monitor:
    """A validation loss that bottoms out at epoch 27 and rises to 2.6 while training falls."""
    mon = ng.Monitor(display=False, **options)  # type: ignore[arg-type]
    for epoch in range(1, 61):
        train = 1.5 * 0.9**epoch + 0.1
        val = train + 0.1 + 0.002 * max(epoch - 25, 0) ** 2
        mon.log(epoch, **{train_name: train, val_name: val})
        if mon.should_stop:
            break
    return mon


@pytest.mark.parametrize(
    ("train_name", "val_name"),
    [
        ("loss_train", "loss_val"),
        ("Loss/train", "Loss/val"),
        ("loss", "loss_val"),
        ("loss_train", "val_loss"),
    ],
)
def test_a_validation_loss_named_with_a_suffix_is_watched_and_paired(
    train_name: str, val_name: str
) -> None:
    """Sweep s40 (helper curves): `loss_train`/`loss_val` and TensorBoard's `Loss/train`/
    `Loss/val` were watched by nothing: no stop, no best, "no validation metric logged"."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # not a "did you mean" either
        mon = _textbook_run(train_name, val_name)
    assert mon.best is not None and (mon.best.metric, mon.best.epoch) == (val_name, 27)
    assert mon.should_stop
    gl = next(e for e in mon.events if e.detector.startswith("GL"))
    assert "validation loss" in gl.message.lower() and "training" in gl.message
    assert train_twin(val_name, [train_name]) == train_name


def test_a_suffixed_validation_loss_given_as_the_metric_is_not_read_as_a_training_loss() -> None:
    """Sweep s40: following the monitor's own advice, `Monitor(metric="loss_val")`, GL read the
    validation loss as a training loss: 'it is not overfitting'."""
    mon = _textbook_run("loss_train", "loss_val", metric="loss_val")
    said = " ".join(e.message for e in mon.events)
    assert "not overfitting" not in said and "on the training data itself has risen" not in said
    assert "memorises its training data" in said


def test_names_that_only_end_like_a_split_are_not_validation_metrics() -> None:
    """Review s40 (rg, repro_02): `q_val`, `max_val`, `frac_valid` (values) became validation
    metrics, ended epochs and were ranked by."""
    names = ("interval", "eval", "_val", "val", "value", "q_val", "max_val", "frac_valid", "lr_val")
    assert [validation_base(n) for n in names] == [None] * len(names)
    assert training_base("x_train") is None and training_base("loss_train") == "loss"


@pytest.mark.parametrize(
    ("metric", "mode"),
    [
        ("neg_mean_squared_error", "max"),
        ("val_neg_mean_absolute_error", "max"),
        ("val_neg_log_prob", "min"),  # review s40 (rg, repro_01): negated probabilities
        ("neg_log_lik", "min"),
        ("negative_log_prob", "min"),
        ("neg_log_p", "min"),
        ("neg_log_density", "min"),
        ("neg_log_loss", "max"),
        ("neg_root_mean_squared_error", "max"),
        ("neg_brier_score", "max"),
        ("negative_log_likelihood", "min"),
        ("neg_log_likelihood", "min"),
        ("neg_elbo", "min"),
        ("neg_loss", "min"),  # a contrastive loss on negative samples: a loss
        ("nll", "min"),
    ],
)
def test_scikit_learns_negated_scores_are_higher_is_better(metric: str, mode: str) -> None:
    """Sweep s40 (helper curves): `val_neg_mse` was taken for a loss, and an improving run
    was said never to improve on its first value."""
    assert resolve_mode("auto", metric) == mode
