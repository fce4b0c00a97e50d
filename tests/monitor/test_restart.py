"""``Monitor.restart()`` and ``Detector.restart()``: a second ``fit`` (a fresh optimizer, maybe
from the best weights put back) is not read as unstable training (sweep 21d, finding 1)."""

from __future__ import annotations

from nngraph.monitor import Monitor
from nngraph.monitor.detectors import GL, PQ, UP, Gap, Patience, generalization_loss

UNSTABLE = {"gl.stalled", "gl.jump", "gl.unstable", "pq.stalled", "pq.jump", "pq.unstable"}
UNSTABLE |= {"up.stalled", "up.jump", "up.unstable", "gap.unstable"}

# the first fit: the best at epoch 2, then the training loss falls to 0.26 (sweep 21d)
FIRST = [(0.70, 0.70), (0.66, 0.642), (0.55, 0.70), (0.40, 0.80), (0.30, 0.90), (0.26, 1.0)]


def first_fit(mon: Monitor) -> None:
    for epoch, (train, val) in enumerate(FIRST, 1):
        mon.log(epoch, loss=train, val_loss=val)


def test_a_refit_from_the_best_weights_is_not_called_unstable() -> None:
    """The weights of epoch 2 put back: the training loss is 2.7 times its lowest value."""
    mon = Monitor(detectors=[GL(5, stop=False), UP(2, 1, stop=False), Gap(0.5)], display=False)
    first_fit(mon)
    mon.restart()
    for epoch, (train, val) in enumerate([(0.694, 0.682), (0.68, 0.69), (0.69, 0.70)], 7):
        mon.log(epoch, loss=train, val_loss=val)
    said = [e.message_id for e in mon.events if e.epoch >= 7]
    assert said and not UNSTABLE.intersection(said)


def test_a_refit_with_a_fresh_optimizer_bump_is_not_called_unstable() -> None:
    """Both curves fall, the first epoch of the second fit bumps up (sweep 21d, repro 1)."""
    curve = [(0.676, 0.638), (0.563, 0.580), (0.484, 0.514), (0.423, 0.451), (0.385, 0.400)]
    for detector in (GL(5), PQ(0.5, 2)):
        mon = Monitor(detectors=[detector], display=False)
        for epoch, (train, val) in enumerate(curve, 1):
            mon.log(epoch, loss=train, val_loss=val)
        mon.restart()
        mon.log(6, loss=0.409, val_loss=0.434)
        assert not UNSTABLE.intersection(e.message_id for e in mon.events)


def test_real_overfitting_after_a_refit_is_still_told() -> None:
    mon = Monitor(detectors=[GL(5, stop=False)], display=False)
    first_fit(mon)
    mon.restart()
    curve = [(0.69, 0.66), (0.6, 0.70), (0.5, 0.75), (0.35, 0.80), (0.25, 0.9), (0.15, 1.0)]
    for epoch, (train, val) in enumerate(curve, 7):
        mon.log(epoch, loss=train, val_loss=val)
    said = [e.message_id for e in mon.events if e.epoch >= 7]
    assert "gl.overfit" in said and not UNSTABLE.intersection(said)


def test_a_refit_keeps_the_best_and_patiences_count() -> None:
    mon = Monitor(detectors=[Patience(3), GL(5, stop=False)], display=False)
    first_fit(mon)
    assert mon.should_stop and mon.best is not None and mon.best.epoch == 2
    mon.restart()
    assert not mon.should_stop
    for epoch in range(7, 10):
        mon.log(epoch, loss=0.7, val_loss=0.7)
    assert mon.best is not None and (mon.best.epoch, mon.best.value) == (2, 0.642)
    patience, gl = mon.detectors
    assert (patience.best, patience.best_epoch, gl.best, gl.best_epoch) == (0.642, 2, 0.642, 2)
    stops = [e for e in mon.events if e.stop]
    assert [e.epoch for e in stops] == [5, 9]  # patience epochs again, as after resume()
    assert "has not improved for 7 epochs (best 0.642 at epoch 2)" in stops[-1].message


def test_a_refit_keeps_the_strip_counting_of_pq_and_up() -> None:
    pq, up = PQ(0.5, 3), UP(2, 2)
    for epoch, val in enumerate([1.0, 0.9, 0.95, 1.0, 1.05], 1):
        pq.update(epoch, loss=1 / epoch, val_loss=val)
        up.update(epoch, loss=1 / epoch, val_loss=val)
    pq.restart()
    up.restart()
    assert (pq.epoch, up.rises) == (5, 1)  # epoch 6 ends a strip of both, as without it
    pq.update(6, loss=0.16, val_loss=1.1)
    assert pq.gl == generalization_loss(1.1, 0.9)  # judged at epoch 6, against the best
    assert up.update(6, loss=0.16, val_loss=1.1) is not None  # its 2nd rise in a row
    assert pq.best_epoch == up.best_epoch == 2
