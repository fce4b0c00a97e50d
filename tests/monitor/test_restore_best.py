"""restore_best puts back the exact bits of the best step's weights, parameters and buffers."""

from __future__ import annotations

import threading
import warnings
from typing import Any

import pytest
import torch

from nngraph.errors import NNGraphError
from nngraph.monitor import Monitor


def small_net() -> torch.nn.Module:
    torch.manual_seed(0)
    return torch.nn.Sequential(
        torch.nn.Linear(4, 8), torch.nn.BatchNorm1d(8), torch.nn.ReLU(), torch.nn.Linear(8, 3)
    )


def train(
    net: torch.nn.Module, mon: Monitor, val_losses: list[float], start: int = 1
) -> dict[int, dict]:
    """One optimizer step per epoch, from epoch ``start``; returns the exact state after every
    epoch."""
    opt = torch.optim.SGD(net.parameters(), lr=0.1, momentum=0.9)
    x, y = torch.randn(32, 4), torch.randint(0, 3, (32,))
    states = {}
    for epoch, va in enumerate(val_losses, start):
        net.train()
        loss = torch.nn.functional.cross_entropy(net(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        states[epoch] = {k: v.clone() for k, v in net.state_dict().items()}
        mon.log(epoch, loss=loss, val_loss=va)
    return states


def as_bytes(t: torch.Tensor) -> torch.Tensor:
    return t.detach().cpu().reshape(-1).view(torch.uint8)


def bitwise_equal(a: dict, b: dict) -> bool:
    return a.keys() == b.keys() and all(
        a[k].dtype == b[k].dtype and torch.equal(as_bytes(a[k]), as_bytes(b[k])) for k in a
    )


def test_diverged_weights_are_never_restored() -> None:
    net = small_net()
    mon = Monitor(model=net, display=False)
    states = train(net, mon, [1.0, 0.8, float("-inf"), 0.7, 0.6])
    mon.restore_best()
    assert mon.best is not None and mon.best.epoch == 5
    assert bitwise_equal(net.state_dict(), states[5])


def test_restore_best_is_bitwise_for_parameters_and_buffers() -> None:
    net = small_net()
    mon = Monitor(model=net, display=False, detectors=[])
    states = train(net, mon, [0.9, 0.7, 0.5, 0.6, 0.55, 0.8])
    assert mon.best is not None and mon.best.epoch == 3
    mon.restore_best(net)
    assert bitwise_equal(net.state_dict(), states[3])
    assert net[1].num_batches_tracked.item() == 3  # a buffer, restored too


def test_restore_best_into_a_fresh_copy_of_the_architecture() -> None:
    net = small_net()
    mon = Monitor(model=net, display=False, detectors=[])
    states = train(net, mon, [0.5, 0.9])
    other = small_net()
    mon.restore_best(other)
    assert bitwise_equal(other.state_dict(), states[1])


def test_the_snapshot_lives_in_host_memory_and_is_not_shared_with_the_model() -> None:
    net = small_net()
    mon = Monitor(model=net, display=False, detectors=[])
    train(net, mon, [0.5])
    saved = mon._weights.tensors
    live = net.state_dict()
    assert all(t.device.type == "cpu" for t in saved.values())
    assert all(saved[k].data_ptr() != live[k].data_ptr() for k in saved)


@pytest.mark.parametrize("bad", ["net", torch.zeros(3)])
def test_restore_best_needs_a_module(bad: object) -> None:
    mon = Monitor(model=small_net(), display=False)
    mon.log(1, val_loss=0.5)
    with pytest.raises(NNGraphError, match=r"nn\.Module"):
        mon.restore_best(bad)


def test_restore_best_without_a_model_is_a_clear_error() -> None:
    with pytest.raises(NNGraphError, match="model="):
        Monitor(display=False).restore_best()


def test_a_mismatching_model_is_a_clear_error_and_is_left_untouched() -> None:
    mon = Monitor(model=small_net(), display=False)
    mon.log(1, val_loss=0.5)
    other = torch.nn.Sequential(torch.nn.Linear(4, 9), torch.nn.ReLU(), torch.nn.Linear(9, 3))
    before = {k: v.clone() for k, v in other.state_dict().items()}
    with pytest.raises(NNGraphError, match="does not match"):
        mon.restore_best(other)
    assert bitwise_equal(other.state_dict(), before)


def test_restore_best_into_a_model_converted_to_double_puts_the_best_values_back() -> None:
    net = small_net()
    mon = Monitor(model=net, display=False)
    states = train(net, mon, [0.5, 0.4, 0.6])
    net.double()  # float32 -> float64 holds every value exactly
    mon.restore_best(net)
    best = {k: v.to(torch.float64) if v.is_floating_point() else v for k, v in states[2].items()}
    assert bitwise_equal(net.state_dict(), best)


def test_restore_best_into_a_model_converted_to_half_says_how_to_convert_it_back() -> None:
    net = small_net()
    mon = Monitor(model=net, display=False)
    train(net, mon, [0.5, 0.4, 0.6])
    net.half()
    before = {k: v.clone() for k, v in net.state_dict().items()}
    with pytest.raises(NNGraphError) as err:
        mon.restore_best(net)
    said = str(err.value)
    assert "torch.float16" in said and "torch.float32" in said and "model.float()" in said
    assert "architecture" not in said
    assert bitwise_equal(net.state_dict(), before)
    net.float()  # as it says
    mon.restore_best(net)


def test_restore_best_into_a_model_on_the_meta_device_says_to_give_it_memory_first() -> None:
    """Sweep s42 (left alone): ``restore_best(net.to("meta"))`` did nothing, with only torch's
    warnings, and the student believed the best weights were back."""
    net = small_net()
    mon = Monitor(model=net, display=False)
    states = train(net, mon, [0.5, 0.4, 0.6])
    net.to("meta")
    with pytest.raises(NNGraphError, match=r"meta device.*\(model\.to_empty\(device='cpu'\)"):
        mon.restore_best(net)
    net.to_empty(device="cpu")  # as it says
    mon.restore_best(net)
    assert bitwise_equal(net.state_dict(), states[2])


def test_nothing_to_restore_before_the_metric_is_logged() -> None:
    mon = Monitor(model=small_net(), display=False)
    mon.log(1, loss=0.5)
    with pytest.raises(NNGraphError, match="val_loss has not been logged") as caught:
        mon.restore_best()
    # model= was given: the hint asks only for what is missing (sweep 26b, finding 4)
    said = str(caught.value)
    assert "Pass Monitor(model=model)" not in said and "mon.log(epoch, val_loss=...)" in said


def test_without_a_model_restore_best_still_asks_for_one() -> None:
    mon = Monitor(display=False)
    mon.log(1, loss=0.5)
    with pytest.raises(NNGraphError, match=r"without model=.*Pass Monitor\(model=model\)"):
        mon.restore_best()


def test_setting_the_same_model_again_keeps_its_best_weights() -> None:
    net = small_net()
    mon = Monitor(model=net, display=False, detectors=[])
    states = train(net, mon, [0.4, 0.6])
    mon.model = net  # what NNGraphCallback does at the start of every fit
    train(net, mon, [0.7], start=3)  # more training, no new best
    assert mon.best is not None and mon.best.epoch == 1
    mon.restore_best()
    assert bitwise_equal(net.state_dict(), states[1])


def test_a_new_model_is_told_that_the_best_weights_belong_to_the_earlier_one() -> None:
    first, second = small_net(), small_net()
    mon = Monitor(model=first, display=False, detectors=[])
    train(first, mon, [0.4])
    mon.model = second
    with pytest.warns(UserWarning, match="val_loss was logged for step 1 already"):
        states = train(second, mon, [0.6])  # the cell run again for the new model: epoch 1
    assert mon.best is not None and mon.best.epoch == 1  # the run's best stays
    with pytest.raises(NNGraphError, match=r"best val_loss \(epoch 1\).*earlier model"):
        mon.restore_best()
    assert bitwise_equal(second.state_dict(), states[1])  # left untouched
    mon.log(3, val_loss=0.3)  # the new model beats it: its own weights from now on
    mon.restore_best()
    assert bitwise_equal(second.state_dict(), states[1])


class LayersInAList(torch.nn.Module):
    """The classic slip: layers in a plain list, which PyTorch does not register."""

    def __init__(self) -> None:
        super().__init__()
        self.layers = [torch.nn.Linear(2, 8), torch.nn.ReLU(), torch.nn.Linear(8, 1)]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for layer in self.layers:
            x = layer(x)
        return x


@pytest.mark.parametrize("model", [LayersInAList(), torch.nn.Sequential()], ids=["list", "empty"])
def test_a_model_without_weights_is_told_it_has_none_not_that_it_came_late(
    model: torch.nn.Module,
) -> None:
    mon = Monitor(model=model, display=False, detectors=[])
    for epoch, val_loss in enumerate([0.9, 0.7, 0.8], start=1):
        mon.log(epoch, loss=1 / epoch, val_loss=val_loss)
    with pytest.raises(NNGraphError, match=r"state_dict\(\) is empty.*nn\.ModuleList") as error:
        mon.restore_best()
    assert "earlier model" not in str(error.value)


@pytest.mark.cuda
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_restore_best_for_a_model_on_the_gpu() -> None:
    net = small_net().cuda()
    mon = Monitor(model=net, display=False, detectors=[])
    x = torch.randn(32, 4, device="cuda")
    opt = torch.optim.SGD(net.parameters(), lr=0.1)
    states = {}
    for epoch, va in enumerate([0.9, 0.4, 0.7], 1):
        loss = net(x).pow(2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        states[epoch] = {k: v.clone() for k, v in net.state_dict().items()}
        mon.log(epoch, loss=loss, val_loss=va)
    # the promise users rely on: the best weights take no GPU memory (kept in host memory)
    assert all(t.device.type == "cpu" for t in mon._weights.tensors.values())
    mon.restore_best()
    assert all(v.device.type == "cuda" for v in net.state_dict().values())
    assert bitwise_equal(net.state_dict(), states[2])


def test_after_only_nan_values_restore_best_gives_the_same_reason_as_summary() -> None:
    net = small_net()
    mon = Monitor(model=net, display=False)
    for epoch in range(1, 4):
        mon.log(epoch, loss=float("nan"), val_loss=float("nan"))
    assert "NaN or infinite" in mon.summary()
    with pytest.raises(NNGraphError) as info:
        mon.restore_best()
    said = str(info.value)
    assert "every val_loss so far was NaN or infinite" in said
    assert "not been logged" not in said and "Pass Monitor(model=model)" not in said


class Counter(torch.nn.Module):
    """A layer that remembers how many samples it has seen, saved with the weights."""

    def __init__(self) -> None:
        super().__init__()
        self.lin = torch.nn.Linear(2, 2)
        self.seen = {"samples": 0}

    def get_extra_state(self) -> dict:
        return self.seen

    def set_extra_state(self, state: dict) -> None:
        self.seen = state

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self.seen["samples"] += len(x)
        return self.lin(x)


def test_a_models_extra_state_is_kept_and_restored_with_its_weights() -> None:
    torch.manual_seed(0)
    net = torch.nn.Sequential(Counter(), torch.nn.ReLU(), torch.nn.Linear(2, 1))
    mon = Monitor(model=net, display=False)
    opt = torch.optim.SGD(net.parameters(), lr=0.1)
    for epoch, val_loss in enumerate([1.0, 0.5, 0.7], 1):
        opt.zero_grad()
        net(torch.randn(4, 2)).sum().backward()
        opt.step()
        mon.log(epoch, val_loss=val_loss)
        if epoch == 2:
            best = {k: v.clone() for k, v in net.state_dict().items() if k != "0._extra_state"}
    assert net[0].seen == {"samples": 12}
    mon.restore_best()
    assert net[0].seen == {"samples": 8}  # a copy: the model's counting did not change it
    net(torch.randn(4, 2))
    mon.restore_best()
    assert net[0].seen == {"samples": 8}
    state = net.state_dict()
    assert bitwise_equal({k: state[k] for k in best}, best)


class Unpicklable(torch.nn.Module):
    def get_extra_state(self) -> object:
        return threading.Lock()  # a lock cannot be copied

    def set_extra_state(self, state: object) -> None:
        pass


def test_extra_state_that_cannot_be_copied_is_a_clear_error() -> None:
    mon = Monitor(model=torch.nn.Sequential(torch.nn.Linear(1, 1), Unpicklable()), display=False)
    with pytest.raises(NNGraphError, match="get_extra_state"):
        mon.log(1, val_loss=0.5)


def test_a_compiled_model_and_the_module_it_compiled_restore_each_other() -> None:
    """`Monitor(model=torch.compile(model))` then `restore_best(model)` said the model "does
    not match" (`_orig_mod.0.weight`), though both hold the same tensors (sweep Z)."""
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(), torch.nn.Linear(4, 1))
    compiled = torch.compile(model)  # nothing runs: the wrapper alone
    for watched, target in ((compiled, model), (model, compiled)):
        mon = Monitor(model=watched, display=False, detectors=[])
        mon.log(1, val_loss=0.5)
        best = {k: v.clone() for k, v in model.state_dict().items()}
        with torch.no_grad():
            for p in model.parameters():
                p.add_(1.0)
        mon.restore_best(target)
        assert all(torch.equal(model.state_dict()[k], v) for k, v in best.items())


# --------------------------------- the watched model is not the one trained (sweep 20c, #1)


def state_of(net: torch.nn.Module) -> dict:
    return {k: v.clone() for k, v in net.state_dict().items()}


def test_a_model_made_again_after_the_monitor_is_told_and_its_old_weights_are_refused() -> None:
    """The cell `model = make()` run again, then the training cell, with the same monitor: it
    kept the old model's weights as the new model's best (val loss 3056 instead of 0.263)."""
    first = small_net()
    mon = Monitor(model=first, display=False, detectors=[])
    train(first, mon, [0.9, 0.8, 0.7])  # the student stops here...
    second = small_net()  # ...runs the cell that makes the model again, and trains on
    with pytest.warns(UserWarning, match="has not changed since epoch 3") as caught:
        train(second, mon, [0.6, 0.5, 0.55], start=4)
    (warning,) = [w for w in caught if "has not changed" in str(w.message)]
    said = str(warning.message)
    assert "val_loss went from 0.7 to 0.6" in said and "another object" in said
    assert "ng.Monitor(model=your_model)" in said and warning.filename == __file__
    assert mon.best is not None and mon.best.epoch == 5
    before = state_of(second)
    with pytest.raises(NNGraphError, match=r"best val_loss \(epoch 5\) are not the best ones"):
        mon.restore_best(second)
    with pytest.raises(NNGraphError, match="has not changed since epoch 3"):
        mon.restore_best()
    assert bitwise_equal(second.state_dict(), before)  # left as it was
    assert "restore_best() refuses the weights kept for it" in mon.summary()


def test_the_new_model_given_to_the_monitor_gets_its_own_best_weights_back() -> None:
    first, second = small_net(), small_net()
    mon = Monitor(model=first, display=False, detectors=[])
    train(first, mon, [0.9, 0.8])
    with pytest.warns(UserWarning, match="has not changed since epoch 2"):
        train(second, mon, [0.7], start=3)
    mon.model = second  # as the warning says
    states = train(second, mon, [0.6, 0.65], start=4)
    mon.restore_best(second)
    assert bitwise_equal(second.state_dict(), states[4])


def test_weights_of_a_watched_model_that_never_changed_are_not_put_into_the_one_trained() -> None:
    first = small_net()
    mon = Monitor(model=first, display=False, detectors=[])
    second = small_net()  # made again before any training: the monitor holds the first
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # numbers typed by hand look the same: not said here
        train(second, mon, [0.9, 0.7, 0.8])
    before = state_of(second)
    with pytest.raises(NNGraphError, match=r"best val_loss \(epoch 2\) are not that model's"):
        mon.restore_best(second)
    assert bitwise_equal(second.state_dict(), before)


def test_a_model_trained_each_epoch_or_numbers_typed_by_hand_are_never_doubted() -> None:
    """Guards: a trained model, hand-typed numbers, batches that accumulate gradients."""
    net = small_net()
    mon = Monitor(model=net, display=False, detectors=[])
    typed = Monitor(model=small_net(), display=False, detectors=[])
    batches = Monitor(model=net, metric="loss", display=False, detectors=[])
    opt = torch.optim.SGD(net.parameters(), lr=0.1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        states = train(net, mon, [0.9, 0.5, 0.7])
        for epoch, value in enumerate([0.5, 0.4, 0.45], start=1):
            typed.log(epoch, val_loss=value)
        for batch in range(1, 9):  # a step every 4 batches, each batch logged
            loss = net(torch.randn(8, 4)).pow(2).mean()
            loss.backward()
            if batch % 4 == 0:
                opt.step()
                opt.zero_grad()
            batches.log(batch, loss=loss)
    copy = small_net()
    mon.restore_best(copy)  # into a copy of the architecture
    assert bitwise_equal(copy.state_dict(), states[2])
    batches.restore_best()


def test_restoring_into_an_unchanged_watched_model_says_another_may_be_trained() -> None:
    """The model cell run again after the monitor was made, the new object trained: the old
    one's weights went back into the old one, and nothing said the trained model kept its last
    weights. Numbers typed by hand look the same, so it is a warning, not an error."""
    first = small_net()
    mon = Monitor(model=first, display=False, detectors=[])
    second = small_net()
    train(second, mon, [0.9, 0.7, 0.8])
    made_with = state_of(first)
    with pytest.warns(UserWarning, match=r"best val_loss \(epoch 2\) and put back now") as caught:
        mon.restore_best()
    (warning,) = caught
    assert "another model object" in str(warning.message) and warning.filename == __file__
    assert bitwise_equal(first.state_dict(), made_with)
    typed = Monitor(model=small_net(), display=False, detectors=[])
    for epoch, value in enumerate([0.5, 0.4, 0.45], start=1):
        typed.log(epoch, val_loss=value)
    with pytest.warns(UserWarning, match="has not changed while val_loss did"):
        typed.restore_best()


def test_a_one_layer_softmax_classifier_trained_with_sgd_is_known_to_be_training() -> None:
    """Logistic regression, the lab's first model: an SGD (or momentum) update of a softmax
    layer sums to zero over the classes, so the sum of each weight stays put while it trains.
    It was taken for another model object, and restore_best() refused its best weights."""
    gen = torch.Generator().manual_seed(0)
    centres = torch.tensor([[1.0, 0.0, 0.0, 0.5], [0.0, 1.0, 0.0, -0.5], [0.0, 0.0, 1.0, 0.0]])
    labels = torch.randint(0, 3, (240,), generator=gen)
    x = centres[labels] + 0.9 * torch.randn(240, 4, generator=gen)
    (x_train, x_val), (y_train, y_val) = x.split(160), labels.split(160)
    for seed, momentum in [(0, 0.0), (1, 0.0), (2, 0.9)]:
        torch.manual_seed(seed)
        model = torch.nn.Linear(4, 3)
        opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=momentum)
        mon = Monitor(model=model, display=False)
        states = {}
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # no "another model object" warning
            for epoch in range(1, 61):
                loss = torch.nn.functional.cross_entropy(model(x_train), y_train)
                opt.zero_grad()
                loss.backward()
                opt.step()
                with torch.no_grad():
                    val = torch.nn.functional.cross_entropy(model(x_val), y_val)
                states[epoch] = state_of(model)
                mon.log(epoch, loss=loss, val_loss=val)
        assert mon.best is not None
        mon.restore_best()
        assert bitwise_equal(model.state_dict(), states[mon.best.epoch])
        assert "refuses" not in mon.summary()


def test_after_the_model_is_made_again_the_detectors_give_no_advice_on_the_jump() -> None:
    """The monitor warned that another model object is trained, and in the same log() GL
    said "training has become unstable ... try a smaller learning rate": the jump was the new
    model starting, and the advice stayed in the events and the summary."""
    first = small_net()
    mon = Monitor(model=first, display=False)  # the classroom detectors
    train(first, mon, [0.9, 0.8, 0.7])
    second = small_net()  # the model cell run again, then the training cell
    with pytest.warns(UserWarning, match="has not changed since epoch 3") as caught:
        train(second, mon, [1.4, 1.5, 1.6, 1.7, 1.8, 1.9, 2.0], start=4)
    said = next(str(w.message) for w in caught if "has not changed" in str(w.message))
    assert "detectors stay silent" in said
    assert mon.events == [] and not mon.should_stop
    assert "learning rate" not in mon.summary()
    assert mon.history("val_loss")[1].tolist()[-1] == 2.0  # the history is recorded all along
    mon.model = second  # given to the monitor: the detectors judge again
    train(second, mon, [2.1, 2.2, 2.3, 2.4, 2.5, 2.6], start=11)
    assert mon.events and mon.events[0].epoch > 10


def test_a_ctrl_c_while_a_new_best_is_kept_leaves_one_epochs_weights(
    monkeypatch: pytest.MonkeyPatch, ctrl_c: None
) -> None:
    """Sweep s43 (nb, 3): an Interrupt between two tensor copies of a new best epoch left
    `mon.best` at the new epoch with half of the weights the old epoch's; restore_best() then
    put back a mix of two epochs. The SIGINT here arrives after the first tensor is copied."""
    import os
    import signal

    net = small_net()
    mon = Monitor(model=net, display=False)
    states = train(net, mon, [0.5, 0.4])
    real = torch.Tensor.copy_
    sent: list[bool] = []

    def copy_then_interrupt(self: torch.Tensor, src: torch.Tensor, *args: Any) -> torch.Tensor:
        out = real(self, src, *args)
        if not sent:
            sent.append(True)
            os.kill(os.getpid(), signal.SIGINT)
        return out

    with torch.no_grad():
        for p in net.parameters():
            p.add_(1.0)
    epoch_3 = {k: v.clone() for k, v in net.state_dict().items()}
    monkeypatch.setattr(torch.Tensor, "copy_", copy_then_interrupt)
    with pytest.raises(KeyboardInterrupt):
        mon.log(3, val_loss=0.3)
    monkeypatch.undo()
    assert sent and mon.best is not None and mon.best.epoch == 3
    net.load_state_dict(states[2])
    mon.restore_best(net)
    assert bitwise_equal(net.state_dict(), epoch_3)  # all of epoch 3's weights, none of 2's


def test_a_run_that_logs_only_accuracies_is_told_the_monitor_to_make() -> None:
    """Sweep s47, M9: logging only acc/val_acc (a Keras habit) ended in "val_loss has not been
    logged yet ... pick a metric you log: Monitor(model=model, metric=...)"."""
    net = torch.nn.Linear(2, 2)
    mon = Monitor(model=net, display=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the watched metric never logged: said, not tested here
        for epoch in range(1, 4):
            mon.log(epoch, acc=0.5, val_acc=0.4 + epoch / 10)
    with pytest.raises(NNGraphError) as raised:
        mon.restore_best()
    text = str(raised.value)
    assert "val_loss was never logged (logged: acc, val_acc)" in text
    assert "mon = ng.Monitor(model=model, metric='val_acc')" in text
