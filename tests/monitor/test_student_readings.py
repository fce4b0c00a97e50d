"""GL's, PQ's, UP's and Patience's readings on the curves of sweep s47's student scripts
(/tmp/s47/students): a correct run whose validation loss still improves (H3), raw pixels
(H2), a 10-example validation set (M7), a weight decay too strong (H1), and the digits of a
chance level (L4). Each curve is the run's own numbers, rounded to 4 digits."""

from __future__ import annotations

import torch

import nngraph as ng
from nngraph.monitor import GradientWatch, Monitor
from nngraph.monitor._never_improved import Seen, reading
from nngraph.monitor._wording import above_text
from nngraph.monitor.detectors import GL, PQ, UP

S27_TRAIN = [0.9589, 0.2365, 0.1701, 0.1275, 0.1037, 0.1032, 0.081, 0.0688, 0.0792, 0.0591, 0.0716, 0.0459, 0.0321, 0.0422, 0.0351, 0.0414, 0.0364, 0.0356, 0.029, 0.0374, 0.0296, 0.0241, 0.0253, 0.0252, 0.0137, 0.0269, 0.0175, 0.0141, 0.0255, 0.0237, 0.0217, 0.0217, 0.0284, 0.0439, 0.017, 0.0315, 0.0422, 0.021, 0.0305, 0.0303]  # fmt: skip
S27_VAL = [0.2376, 0.168, 0.1231, 0.1239, 0.116, 0.1067, 0.1139, 0.1171, 0.1222, 0.108, 0.1197, 0.1133, 0.1099, 0.1086, 0.1185, 0.1082, 0.1096, 0.1117, 0.103, 0.1068, 0.1113, 0.1313, 0.1261, 0.1062, 0.1037, 0.0957, 0.1204, 0.1105, 0.1007, 0.1179, 0.1036, 0.1132, 0.1006, 0.0971, 0.0898, 0.1115, 0.129, 0.1135, 0.0986, 0.1279]  # fmt: skip
S10_TRAIN = [35.6163, 135.0746, 71.241, 75.4599, 32.6625, 2.9162, 2.1884, 2.1213, 2.0499, 1.9478, 1.8479, 1.7675, 1.697, 1.6397, 1.5914, 1.5481, 1.5096, 1.4706, 1.4405, 1.4125, 1.3989, 1.397, 1.3789, 1.3814, 1.3181, 1.2788, 1.245, 1.2271, 1.2154, 1.2384, 1.2203, 1.1906, 1.1522, 1.1469, 1.1186, 1.1211, 1.0635, 1.0474, 1.0468, 1.0848, 1.0238, 0.9966, 0.965, 0.9871, 1.0387, 1.025, 0.9104, 0.8567, 0.8463, 0.8559, 0.9198, 0.9262, 0.9235, 0.8995, 0.8759, 0.8667, 0.9167, 0.8747, 0.8363, 0.7938, 0.8099, 0.8223, 0.9997, 0.9053, 0.8326, 0.7018, 0.8498, 0.7481, 1.1526, 0.9873, 0.6696, 0.6558, 0.673, 0.9144, 0.7681, 1.1534, 1.0165, 0.9818, 0.6591, 0.5797, 0.5094, 0.4965, 0.4447, 0.4593, 0.421, 0.4798, 0.4374, 0.5645, 0.5718, 0.6076, 0.5724, 0.4292, 0.3317, 0.3146, 0.3036, 0.311, 0.331, 0.3933, 0.5481, 0.8946]  # fmt: skip
S10_VAL = [141.8287, 66.382, 67.5895, 33.8436, 2.7406, 2.2578, 2.1935, 2.1219, 2.024, 1.9465, 1.872, 1.8077, 1.7566, 1.713, 1.6805, 1.6427, 1.612, 1.5708, 1.5287, 1.5453, 1.4769, 1.5459, 1.4492, 1.4854, 1.3555, 1.4022, 1.3215, 1.3797, 1.302, 1.3696, 1.2635, 1.3137, 1.2236, 1.2863, 1.1826, 1.2289, 1.1409, 1.237, 1.1277, 1.2031, 1.0819, 1.1416, 1.0572, 1.2571, 1.0774, 1.0546, 0.9961, 1.0058, 0.9571, 1.1309, 0.9604, 1.1226, 0.939, 1.0701, 0.92, 1.137, 0.9206, 1.0203, 0.8627, 0.9981, 0.8775, 1.2252, 0.9154, 1.0395, 0.8239, 1.0464, 0.9134, 1.3871, 1.1954, 0.8426, 0.7821, 0.863, 1.0707, 1.0162, 1.0868, 1.1234, 1.1166, 0.7732, 0.704, 0.6394, 0.6369, 0.5701, 0.6095, 0.5445, 0.6578, 0.5322, 0.7707, 0.6183, 0.8394, 0.6969, 0.5939, 0.4755, 0.4698, 0.4554, 0.4701, 0.4936, 0.5645, 0.7364, 1.0915, 1.7936]  # fmt: skip
S21_TRAIN = [0.7079, 0.3391, 9.0809, 2.1741, 1.1772, 0.2999, 0.4832, 0.2403, 0.2753, 0.317, 0.3208, 0.2802, 0.2307, 0.2328, 0.2296, 0.2002, 0.1868, 0.1845, 0.1781, 0.1745, 0.1685, 0.16, 0.1581, 0.1561, 0.146, 0.143, 0.1387, 0.1264, 0.1217, 0.1137, 0.1076, 0.1016, 0.0919, 0.0878, 0.0792, 0.0761, 0.0694, 0.0666, 0.0598, 0.0574, 0.0543, 0.0507, 0.0488, 0.0479, 0.0478, 0.0481, 0.0411, 0.045, 0.0505, 0.0389, 0.0588, 0.0499, 0.0548, 0.0342, 0.0545, 0.043, 0.0522, 0.0309, 0.0539, 0.0307, 0.0436, 0.0321, 0.0359, 0.0301, 0.0318, 0.032, 0.0247, 0.0304, 0.0232, 0.0271, 0.0225, 0.0232]  # fmt: skip
S21_VAL = [0.1684, 10.4461, 4.152, 1.9366, 0.3308, 0.5371, 0.2462, 0.131, 0.1106, 0.1288, 0.1435, 0.2047, 0.338, 0.3231, 0.2124, 0.15, 0.1221, 0.09, 0.0704, 0.072, 0.0883, 0.117, 0.1229, 0.0837, 0.0527, 0.0456, 0.0525, 0.0644, 0.0538, 0.0338, 0.0257, 0.0274, 0.0291, 0.019, 0.0142, 0.0156, 0.0171, 0.0128, 0.0118, 0.0121, 0.009, 0.0117, 0.005, 0.0141, 0.0031, 0.0069, 0.0134, 0.0017, 0.0037, 0.027, 0.0015, 0.0013, 0.0077, 0.0263, 0.0025, 0.0021, 0.0061, 0.0343, 0.0066, 0.0037, 0.0056, 0.0216, 0.0161, 0.0063, 0.0061, 0.0124, 0.022, 0.0108, 0.0075, 0.0094, 0.0181, 0.0165]  # fmt: skip
S45_TRAIN = [0.6707, 0.661, 0.6592, 0.661, 0.6645, 0.6685, 0.6725, 0.6761, 0.6792, 0.6819, 0.6842, 0.6861, 0.6876, 0.6888, 0.6898, 0.6906, 0.6912, 0.6917, 0.692, 0.6923, 0.6925, 0.6927]  # fmt: skip
S45_VAL = [0.6516, 0.6498, 0.6524, 0.6567, 0.6617, 0.6666, 0.6712, 0.6753, 0.6788, 0.6817, 0.6841, 0.6861, 0.6876, 0.6889, 0.6899, 0.6906, 0.6912, 0.6917, 0.6921, 0.6923, 0.6925, 0.6927]  # fmt: skip


def _events(train: list[float], val: list[float], monitor: Monitor | None = None) -> list:
    mon = monitor if monitor is not None else Monitor(display=False)
    for epoch, (t, v) in enumerate(zip(train, val, strict=True), 1):
        mon.log(epoch, loss=t, val_loss=v)
    return mon.events


def test_a_correct_run_whose_validation_loss_still_improves_hears_no_memorising_at_first() -> None:
    """H3: a correct mini-batch run (BatchNorm, Dropout; best at epoch 35 of 40) heard "may have
    started to memorise" at epochs 7, 22, 27 and 36. Its first rise, one epoch after a new
    best, is a wobble of a loss still improving, said once."""
    events = [e for e in _events(S27_TRAIN, S27_VAL) if e.detector == "GL(5)"]
    assert events[0].epoch == 7 and events[0].message_id == "gl.improving"
    assert "memorise" not in events[0].message and "still improving" in events[0].message
    assert [e.message_id for e in events].count("gl.improving") == 1
    assert sum("memorise" in e.message for e in events) <= 2  # was 4


def test_raw_pixels_are_called_jumpy_once_not_memorising_and_unstable_by_turns() -> None:
    """H2: raw pixels 0-255 (digits, SGD 0.01): 20 GL events alternated "may have started to
    memorise" and "unstable", while the validation loss fell from 1.3 to 0.46. Now: a
    wobble, "too soon to tell", unstable once, and once jumpy, naming the inputs' scale."""
    events = [e for e in _events(S10_TRAIN, S10_VAL) if e.detector == "GL(5)"]
    assert len(events) <= 5, [(e.epoch, e.message_id) for e in events]
    assert [e.message_id for e in events].count("gl.jumpy") == 1
    (jumpy,) = [e for e in events if e.message_id == "gl.jumpy"]
    assert "not scaled" in jumpy.message and "smaller learning rate" in jumpy.message
    memorising = {"gl.overfit", "gl.flat", "gl.far_below"}
    assert sum(e.message_id in memorising for e in events) <= 1  # was 5


def test_a_tiny_validation_set_near_zero_is_not_read_as_unstable_training() -> None:
    """M7: 10 validation examples, accuracy 1.0 throughout: a training loss of 0.045 -> 0.0505
    (its noise) read as "training has become unstable"; a best of 0.005 gave "181.2% above
    its best"."""
    ids = [e.message_id for e in _events(S21_TRAIN, S21_VAL) if e.detector == "GL(5)"]
    assert not {"gl.stalled", "gl.unstable"} & set(ids), ids
    assert above_text(181.2, 5, best=0.005026, value=0.01413, first=0.1684) == (
        "0.0141 now, up from its best"
    )


def test_a_weight_decay_too_strong_is_named_not_unstable_training() -> None:
    """H1: SGD lr=0.1, weight_decay=1 on moons: the training loss climbed smoothly to ln 2
    (0.6707 -> 0.6927) and Patience said "training has become unstable ... (try a smaller
    learning rate)", which did not help. With the optimizer watched, its weight decay is
    named."""
    net = torch.nn.Linear(2, 2)
    opt = torch.optim.SGD(net.parameters(), lr=0.1, weight_decay=1.0)
    mon = Monitor(display=False)
    GradientWatch(net, optimizer=opt, monitor=mon)
    (stop,) = [e for e in _events(S45_TRAIN, S45_VAL, mon) if e.detector == "Patience(20)"]
    assert "has become unstable" not in stop.message and "rose steadily" in stop.message
    assert "weight decay" in stop.message and "weight_decay=1," in stop.message
    ng.set_language("pl")
    try:
        again = Monitor(display=False)
        GradientWatch(net, optimizer=opt, monitor=again)
        (stop,) = [e for e in _events(S45_TRAIN, S45_VAL, again) if e.detector.startswith("Pat")]
        assert "weight_decay=1," in stop.message and "niestabilny trening" in stop.message
    finally:
        ng.set_language("en")


def test_prechelts_criteria_read_a_smooth_climb_as_a_weight_decay_not_instability() -> None:
    train = [0.4 + 0.29 * (1 - 0.935**e) for e in range(40)]
    val = [0.42 + 0.27 * (1 - 0.935**e) for e in range(40)]
    found = {e.message_id for e in _events(train, val, Monitor(
        display=False, detectors=[GL(5, stop=False), PQ(0.5, 5, stop=False), UP(3, 5)]))}  # fmt: skip
    assert {"gl.rose_steadily", "pq.rose_steadily", "up.rose_steadily"} <= found
    assert not {"gl.stalled", "pq.stalled", "up.stalled"} & found
    blow_up = [0.3 * 1.5**e for e in range(12)]  # smooth too, but faster and faster
    assert "gl.rose_steadily" not in {
        e.message_id for e in _events([1.0, 0.5, *blow_up], [1.0, 0.6, *blow_up],
                                      Monitor(display=False, detectors=[GL(5)]))}  # fmt: skip


def test_a_chance_level_is_shown_with_the_digits_that_tell_it_from_ln_k() -> None:
    """L4: "2.3 is close to ln 10 = 2.3" told nothing."""
    said = reading(Seen("val_loss", "min", 2.2993, 2.2993))
    assert said.startswith("2.299 is close to ln 10 = 2.303")


# demo 6 (the lecture's overfit: 300 000 parameters, 150 training images), as it ran
DEMO6_TRAIN = [2.311, 1.743, 1.225, 0.7458, 0.4079, 0.2189, 0.1245, 0.06415, 0.03172, 0.01675, 0.009226, 0.004773, 0.002544, 0.001391, 0.0007757, 0.0004449, 0.000267, 0.0001702, 0.0001169, 8.752e-05, 7.179e-05, 6.376e-05, 5.953e-05, 5.635e-05, 5.239e-05]  # fmt: skip
DEMO6_VAL = [1.8712, 1.4301, 0.9909, 0.6509, 0.4518, 0.3671, 0.3177, 0.3017, 0.3108, 0.3286, 0.3456, 0.3612, 0.3764, 0.3922, 0.4087, 0.4257, 0.443, 0.4602, 0.477, 0.4934, 0.5091, 0.524, 0.538, 0.5512, 0.5634]  # fmt: skip


def test_the_lectures_overfitting_curves_still_hear_memorising_at_once() -> None:
    """A guard (it passes on the code before sweep s47 too): demo 6's GL(5), which stops, and
    a noisy overfit under the classroom default say memorising at their first event. Demo 6's
    smooth U (1.87 -> 0.30 at epoch 8, 0.31, 0.33) was once read as a wobble of a loss still
    falling."""
    (event,) = _events(DEMO6_TRAIN, DEMO6_VAL, Monitor(display=False, detectors=[GL(5)]))
    assert event.epoch == 10 and event.message_id == "gl.overfit", event.message
    train = [1.0 * 0.9**e + 0.02 for e in range(60)]
    val = [0.5 + 1.0 * 0.9**e + 0.012 * max(0, e - 20) + 0.01 * (-1) ** e for e in range(60)]
    events = [e for e in _events(train, val) if e.detector == "GL(5)"]
    assert events and "memorise" in events[0].message, events[0].message
