"""Overfitting with a short spike after the best: Patience's stop still says "overfitting"
where the validation loss climbs beyond its noise (a spike early in its window, alone or
followed by a fall back and a climb), and a flat noisy curve with a spike of its own is still
no overfitting.
"""

from __future__ import annotations

import numpy as np
import pytest

import nngraph as ng
from nngraph.monitor import Monitor
from nngraph.monitor.detectors import Patience
from tests.monitor.test_patience_why import first_event

# the lab (07/08), digits, 3 x 256, torch seed 3: best 0.1664 at epoch 9, a spike at epochs
# 10-13, a fall back to 0.1939 at epoch 17, then 12 epochs higher each time
LAB_TRAIN = [
    2.31003, 1.9502, 1.10429, 0.93661, 0.983272, 0.505088, 0.384482, 0.31634, 0.141946,
    0.108892, 0.115742, 0.122558, 0.0990892, 0.0629472, 0.0421123, 0.0342083, 0.032225,
    0.0296622, 0.0243221, 0.0177364, 0.0123258, 0.00915872, 0.00698295, 0.00488142, 0.0033046,
    0.00246853, 0.00205522, 0.00182215, 0.00163436,
]  # fmt: skip
LAB_VAL = [
    1.96281, 1.16015, 0.959817, 1.0673, 0.649065, 0.515333, 0.444426, 0.196819, 0.166379,
    0.213626, 0.269875, 0.276479, 0.246776, 0.22055, 0.20442, 0.19526, 0.193944, 0.195817,
    0.197516, 0.19955, 0.203394, 0.20751, 0.210582, 0.213072, 0.216427, 0.221593, 0.228924,
    0.237748, 0.247122,
]  # fmt: skip


@pytest.mark.parametrize("language", ["en", "pl"])
def test_the_labs_overfitting_run_with_a_spike_after_its_best_is_said_to_overfit(
    language: str,
) -> None:
    """Sweep s45 demos, finding 3: validation loss 49% above its best and higher at each of
    its last 12 epochs, training loss 0.0016 and falling: the classroom Patience(20) said only
    "more training is unlikely to help", because the spike at epochs 10-13 lifted the mean
    of the earlier half of its window above the later one's."""
    ng.set_language(language)
    mon = Monitor(display=False, print_interval=1e9)
    for epoch, (t, v) in enumerate(zip(LAB_TRAIN, LAB_VAL, strict=True), 1):
        mon.log(epoch, loss=t, val_loss=v)
    (stop,) = [e for e in mon.events if e.detector == "Patience(20)"]
    assert (stop.epoch, stop.message_id) == (29, "patience.memorising")
    words = {"en": "(overfitting)", "pl": "(przeuczenie, ang. overfitting)"}[language]
    assert words in stop.message and "9" in stop.message


def _noisy_climb(seed: int, spike_at: int, spike_len: int, height: float) -> list[float]:
    """A validation loss best at epoch 15 (0.22), then climbing by 2.7% of it an epoch with 1
    to 3% noise, and ``spike_len`` epochs ``height`` times higher from ``spike_at`` after
    the best."""
    rng = np.random.default_rng(seed)
    epochs = np.arange(1, 61)
    best = 0.2 + np.exp(-0.25 * 15)
    val = np.where(epochs <= 15, 0.2 + np.exp(-0.25 * epochs), best + 0.006 * (epochs - 15))
    val = val * (1 + [0.01, 0.03][seed % 2] * rng.standard_normal(60))
    val[14] = 0.97 * best  # the best
    start = 15 + spike_at
    val[start : start + spike_len] *= height
    return [float(v) for v in val]


@pytest.mark.parametrize("patience", [15, 20, 30])
@pytest.mark.parametrize(("spike_at", "spike_len"), [(0, 2), (1, 3), (2, 4), (4, 3)])
@pytest.mark.parametrize("seed", range(3))
def test_a_climb_with_a_short_spike_early_after_the_best_is_overfitting(
    patience: int, spike_at: int, spike_len: int, seed: int
) -> None:
    """Sweep s45 demos, finding 3, in general: a spike of 2 to 4 epochs, 30 to 60% high,
    early in Patience's window, hid a steady climb beside a falling training loss."""
    height = 1.3 + 0.1 * (seed + spike_len)
    val = _noisy_climb(seed, spike_at, spike_len, height)
    train = [0.5 * np.exp(-0.1 * e) for e in range(1, 61)]
    event = first_event(Patience(patience), val, train)
    assert event.message_id == "patience.memorising", event.message


@pytest.mark.parametrize("patience", [15, 20, 30])
@pytest.mark.parametrize("fall", [2, 4])
def test_a_spike_a_fall_back_and_a_climb_is_overfitting(patience: int, fall: int) -> None:
    """Sweep s45 demos, finding 3: the lab's shape (a spike right after the best, a fall back
    to a low above it, then a climb over most of Patience's window), at other lengths and in
    noise."""
    rng = np.random.default_rng(patience + fall)
    best = 0.17
    before = [best * (1 + 8 * np.exp(-0.5 * k)) for k in range(8, 0, -1)]
    spike = [best * 1.6, best * 1.65, best * 1.45]
    low = best * 1.15
    back = list(np.linspace(spike[-1], low, fall + 1)[1:])
    climb = [low * 1.02**k for k in range(1, 60)]
    val = np.array([*before, best, *spike, *back, *climb])
    val *= 1 + 0.005 * rng.standard_normal(len(val))
    val[8] = best
    train = [2.0 * np.exp(-0.25 * e) for e in range(1, len(val) + 1)]
    event = first_event(Patience(patience), [float(v) for v in val], train)
    assert event.message_id == "patience.memorising", event.message


@pytest.mark.parametrize("patience", [10, 20, 30])
@pytest.mark.parametrize("seed", range(8))
def test_a_flat_noisy_curve_with_a_spike_after_a_lucky_low_is_no_overfitting(
    patience: int, seed: int
) -> None:
    """The spike left out, what remains is noise about a level: no climb, so the stop keeps
    "more training is unlikely to help" (or another reading), never "overfitting"."""
    rng = np.random.default_rng(seed)
    epochs = np.arange(1, 101)
    val = (1.0 + 1.5 * np.exp(-0.3 * epochs)) * (1 + 0.05 * rng.standard_normal(100))
    low = int(np.argmin(val[:40]))
    val[low + 1 : low + 4] *= 1.5  # a spike just after the lucky low
    train = 0.1 + 1.5 * np.exp(-0.05 * epochs)
    patience_stop = Patience(patience)
    for epoch in range(100):
        patience_stop.update(epoch + 1, loss=float(train[epoch]), val_loss=float(val[epoch]))
    assert "patience.memorising" not in [e.message_id for e in patience_stop.events]
