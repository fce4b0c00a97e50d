"""``Monitor.restart()`` and ``Detector.restart()``: a second ``fit`` (a fresh optimizer, maybe
from the best weights put back) is not read as unstable training (sweep 21d, finding 1)."""

from __future__ import annotations

from nngraph import i18n
from nngraph.monitor import Monitor
from nngraph.monitor._gl_reading import SETTLING
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


# sweep s26/3, repro 4: a second fit whose fresh optimizer bumps the training loss at its
# second epoch (0.40 -> 0.50), then both losses fall again
BEFORE_RESTART = [(1.0, 1.0), (0.6, 0.7), (0.45, 0.55)]
BUMP_AFTER_RESTART = [(0.40, 0.50), (0.50, 0.56), (0.38, 0.49), (0.33, 0.45)]


def test_a_bump_in_the_first_epochs_after_a_restart_is_not_called_unstable() -> None:
    """Sweep s26/3, finding 4: GL said "training has become unstable ... (try a smaller
    learning rate)" of a fresh optimizer's bump after the restart's first (best) epoch."""
    for detector in (GL(5), UP(1, 1)):
        mon = Monitor(detectors=[detector], display=False)
        for epoch, (train, val) in enumerate(BEFORE_RESTART):
            mon.log(epoch, loss=train, val_loss=val)
        mon.restart()
        for epoch, (train, val) in enumerate(BUMP_AFTER_RESTART, 3):
            mon.log(epoch, loss=train, val_loss=val)
        (event,) = mon.events
        assert event.epoch == 4 and not UNSTABLE.intersection([event.message_id])
        assert "fresh optimizer" in event.message and "too soon to tell" in event.message


def test_a_training_loss_that_keeps_rising_after_a_restart_is_then_called_unstable() -> None:
    """The bump is forgiven for the first evaluations only: a rise that goes on is said once
    more, as unstable training."""
    mon = Monitor(detectors=[GL(5, stop=False)], display=False)
    for epoch, (train, val) in enumerate(BEFORE_RESTART):
        mon.log(epoch, loss=train, val_loss=val)
    mon.restart()
    rising = [(0.40, 0.50), (0.50, 0.56), (0.60, 0.62), (0.75, 0.70), (0.9, 0.8), (1.1, 0.95)]
    for epoch, (train, val) in enumerate(rising, 3):
        mon.log(epoch, loss=train, val_loss=val)
    assert [e.message_id for e in mon.events] == ["gl.restarted", "gl.stalled"]


def test_a_rise_from_the_first_evaluation_after_a_restart_is_then_called_unstable() -> None:
    """The validation loss rose at once after the restart, beside a training loss above its
    value at the best epoch: too soon to tell (it said "getting worse on data it does not
    train on"), and nothing more while the training loss grew 1.5 times an epoch, to 130
    times its low (sweep r2); then unstable training."""
    mon = Monitor(detectors=[GL(5, stop=False)], display=False)
    for epoch, (train, val) in enumerate([(1.0, 1.0), (0.6, 0.7), (0.45, 0.55), (0.4, 0.52)], 1):
        mon.log(epoch, loss=train, val_loss=val)
    mon.restart()
    for epoch in range(5, 17):
        mon.log(epoch, loss=0.4 * 1.5 ** (epoch - 4), val_loss=0.52 * 1.35 ** (epoch - 4))
    said = [(e.epoch, e.message_id) for e in mon.events]
    assert said[0] == (5, "gl.restarted") and len(said) == 2
    epoch, reading = said[1]
    assert reading in UNSTABLE and 5 + SETTLING <= epoch <= 10  # after the restart's bump
    assert "try a smaller learning rate" in mon.events[1].message


def test_pq_says_a_bump_after_a_restart_is_too_soon_to_read_in_both_languages() -> None:
    for language in ("en", "pl"):
        i18n.set_language(language)
        mon = Monitor(detectors=[PQ(0.5, 2)], display=False)
        for epoch, (train, val) in enumerate([(1.0, 1.0), (0.6, 0.7)]):
            mon.log(epoch, loss=train, val_loss=val)
        mon.restart()
        for epoch, (train, val) in enumerate([(0.40, 0.50), (0.50, 0.90)], 2):
            mon.log(epoch, loss=train, val_loss=val)
        (event,) = mon.events
        assert event.message_id == "pq.restarted"
        assert ("optymalizatorem" if language == "pl" else "fresh optimizer") in event.message


# sweep s48 teacher, finding 1: the Lightning fit cell run twice (Adam 0.05, the best weights
# of epoch 2 put back at the end of the first fit; Lightning numbers epochs from 0)
REFIT_FIRST = [(0.6075, 0.5278), (0.4232, 0.4394), (0.3254, 0.413), (0.2634, 0.4802)]
REFIT_FIRST += [(0.2402, 0.5993), (0.2427, 0.6303), (0.2381, 0.6333), (0.24, 0.6173)]


def test_the_first_epoch_of_a_second_fit_is_read_as_the_first_fits_were() -> None:
    """GL said flatly "the model is getting worse on data it does not train on" at the first
    epoch of the second fit, right after the callback's event said the rise comes from the
    restart; the first fit got the careful "may have started to memorise ... or noise" on the
    same picture (training loss below its value at the best epoch, validation 16% above)."""
    for language, careful in (("en", "may have started to memorise"), ("pl", "szum")):
        i18n.set_language(language)
        mon = Monitor(display=False)
        for epoch, (train, val) in enumerate(REFIT_FIRST):
            mon.log(epoch, loss=train, val_loss=val)
        mon.restart()
        mon.log(8, loss=0.303, val_loss=0.4829)
        first, second = [e for e in mon.events if e.detector == "GL(5)"]
        assert (first.epoch, second.epoch) == (3, 8)
        assert second.message_id == first.message_id != "gl.plain"
        at_best = "0,3254" if language == "pl" else "0.3254"  # compared with epoch 2's
        assert careful in second.message and at_best in second.message
