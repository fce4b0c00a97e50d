"""GradientWatch: per-layer gradient norms over time; nothing is ever left on the model."""

from __future__ import annotations

import itertools
import math
from typing import Any

import pytest
import torch
from torch import nn

from nngraph import i18n
from nngraph.errors import NNGraphError
from nngraph.monitor import GradientWatch, Monitor


def cnn() -> torch.nn.Module:
    torch.manual_seed(0)
    return torch.nn.Sequential(
        torch.nn.Conv2d(1, 4, 3, padding=1),
        torch.nn.BatchNorm2d(4),
        torch.nn.ReLU(),
        torch.nn.Flatten(),
        torch.nn.Linear(4 * 8 * 8, 10),
    )


def no_hooks_left(model: torch.nn.Module) -> bool:
    for m in model.modules():
        hooks = [m._forward_hooks, m._forward_pre_hooks, m._backward_hooks]
        hooks += [getattr(m, "_backward_pre_hooks", {})]
        if any(hooks):
            return False
    for p in model.parameters():
        if p._backward_hooks or getattr(p, "_post_accumulate_grad_hooks", None):
            return False
    return True


def test_norms_per_layer_match_the_gradients() -> None:
    net = cnn()
    with GradientWatch(net) as gw:
        net(torch.randn(8, 1, 8, 8)).logsumexp(1).mean().backward()
        norms = gw.step()
    assert gw.layers == ["0", "1", "4"]
    for name, module in net.named_children():
        if name in norms:
            expected = math.sqrt(sum(p.grad.pow(2).sum().item() for p in module.parameters()))
            assert norms[name] == pytest.approx(expected, rel=1e-5)


def test_a_sparse_embedding_gradient_is_watched() -> None:
    net = torch.nn.Sequential(torch.nn.Embedding(10, 4, sparse=True), torch.nn.Linear(4, 1))
    with GradientWatch(net) as gw:
        net(torch.tensor([1, 2, 2, 7])).pow(2).mean().backward()
        norms = gw.step()
    expected = net[0].weight.grad.to_dense().norm().item()
    assert norms["0"] == pytest.approx(expected, rel=1e-5) and expected > 0


def test_history_over_steps_and_a_table() -> None:
    net = cnn()
    opt = torch.optim.SGD(net.parameters(), lr=0.01)
    with GradientWatch(net, optimizer=opt) as gw:
        for _ in range(5):
            opt.zero_grad()
            net(torch.randn(8, 1, 8, 8)).pow(2).mean().backward()
            opt.step()  # the optimizer hook calls gw.step()
    steps, norms = gw.history("4")
    assert steps.tolist() == [1, 2, 3, 4, 5] and (norms > 0).all()
    assert gw.table().splitlines()[0].split() == ["layer", "last", "min", "max"]
    assert set(gw.snapshot()["layers"]) == {"0", "1", "4"}


def test_nothing_is_left_on_the_model_or_the_optimizer_even_when_training_raises() -> None:
    net = cnn()
    opt = torch.optim.SGD(net.parameters(), lr=0.01)
    with pytest.raises(RuntimeError, match="boom"), GradientWatch(net, optimizer=opt) as gw:
        net(torch.randn(2, 1, 8, 8)).sum().backward()
        opt.step()
        assert no_hooks_left(net)  # the first backward's order was read: none while it trains
        raise RuntimeError("boom")
    assert gw.steps == 1
    assert no_hooks_left(net)
    assert not opt._optimizer_step_pre_hooks


def test_parameters_without_a_gradient_are_skipped() -> None:
    net = cnn()
    for p in net[0].parameters():
        p.requires_grad_(False)
    gw = GradientWatch(net)
    assert "0" not in gw.layers
    net(torch.randn(2, 1, 8, 8)).sum().backward()
    net[1].weight.grad = None
    norms = gw.step()
    assert set(norms) == {"1", "4"}


def vanishing_first_layer(net: torch.nn.Module) -> None:
    """Gradients of a two-layer net whose first layer gets almost nothing."""
    net[0].weight.grad = torch.full((3, 3), 1e-12)
    net[0].bias.grad = torch.zeros(3)
    net[1].weight.grad = torch.ones(1, 3)
    net[1].bias.grad = torch.ones(1)


def test_vanishing_and_exploding_layers_are_flagged_with_an_explanation() -> None:
    net = torch.nn.Sequential(torch.nn.Linear(3, 3), torch.nn.Linear(3, 1))
    mon = Monitor(display=False)
    gw = GradientWatch(net, monitor=mon, patience=2)
    for _ in range(3):
        vanishing_first_layer(net)
        gw.step()
    (vanish,) = gw.events
    assert vanish.message_id == "grad.vanishing" and "layer '0'" in vanish.message
    assert vanish.step == 2 and not vanish.stop
    assert mon.events == [vanish]  # also part of the run's story
    net[1].weight.grad = torch.full((1, 3), 1e6)
    gw.step()
    gw.step()
    assert gw.events[-1].message_id == "grad.exploding"
    net[1].weight.grad = torch.full((1, 3), math.nan)
    gw.step()
    assert gw.events[-1].message_id == "grad.nonfinite"  # said at once: it never recovers
    assert len(gw.events) == 3
    gw.step()
    assert len(gw.events) == 3  # once per run


@pytest.mark.parametrize("patience", [0, 1])
def test_patience_zero_or_one_flags_the_first_offending_step(patience: int) -> None:
    net = torch.nn.Linear(2, 1)
    gw = GradientWatch(
        net, patience=patience, exploding=1e-9, vanishing=0.0
    )  # every step "explodes"
    for step in range(1, 4):
        net.zero_grad()
        net(torch.randn(4, 2)).sum().backward()
        gw.step()
        assert [e.step for e in gw.events] == [1], step  # once per episode


def test_bad_input_is_a_clear_error() -> None:
    with pytest.raises(NNGraphError, match=r"nn\.Module"):
        GradientWatch("model")
    with pytest.raises(NNGraphError, match="no trainable"):
        GradientWatch(torch.nn.ReLU())


@pytest.mark.parametrize(
    ("kwargs", "says"),
    [
        ({"patience": -1}, "whole number"),
        ({"patience": 2.5}, "whole number"),
        ({"optimizer": "adam"}, "torch.optim optimizer"),
        ({"monitor": "mon"}, "needs an ng.Monitor"),
        ({"max_points": 10}, "from 16 to 1000000"),
        ({"max_points": "abc"}, "from 16 to 1000000"),
        ({"max_points": 10**30}, "from 16 to 1000000"),
        ({"exploding": 0}, "exploding must be a positive number"),
        ({"vanishing": -1.0}, "vanishing must be zero or more"),
        ({"ratio": math.inf}, "ratio must be a finite number, got inf"),  # not "zero or more"
        ({"exploding": math.inf}, "exploding must be a finite number, got inf"),
        ({"ratio": 2000}, r"ratio is a fraction.*ratio=5e-4 \(1 / 2000"),  # "2,000 times"
        ({"ratio": 0.5}, r"ratio=0\.5\): ratio is a fraction.*below 0\.1"),
    ],
)
def test_bad_parameters_are_clear_errors_at_construction(
    kwargs: dict[str, object], says: str
) -> None:
    with pytest.raises(NNGraphError, match=says):
        GradientWatch(torch.nn.Linear(2, 1), **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(("vanishing", "exploding"), [(1.0, 0.5), (2.0, 2.0)])
def test_a_vanishing_limit_not_below_the_exploding_one_is_refused(
    vanishing: float, exploding: float
) -> None:
    """Every layer would be called exploding (or vanishing) at every step (sweep O, bug 9)."""
    with pytest.raises(NNGraphError, match=r"vanishing must be below exploding, e\.g\. vanishing="):
        GradientWatch(torch.nn.Linear(2, 1), vanishing=vanishing, exploding=exploding)


def test_the_limits_are_refused_in_polish_too() -> None:
    i18n.set_language("pl")  # the autouse fixture sets English back
    with pytest.raises(NNGraphError, match="vanishing musi być mniejsze"):
        GradientWatch(torch.nn.Linear(2, 1), vanishing=1.0, exploding=0.5)


def test_history_of_an_unknown_layer_lists_the_layers() -> None:
    net = torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.Linear(2, 1))
    gw = GradientWatch(net)
    net(torch.randn(3, 2)).sum().backward()
    gw.step()
    with pytest.raises(NNGraphError, match=r"layer 'fc'.*\['0', '1'\]"):
        gw.history("fc")


def test_the_models_own_row_is_read_back_under_the_name_the_table_shows() -> None:
    """The table's row says '(model)', and history('(model)') was refused with the list ['']."""
    net = torch.nn.Linear(2, 1, bias=False)
    gw = GradientWatch(net)
    net(torch.tensor([[3.0, 4.0]])).sum().backward()
    gw.step()
    assert gw.table().splitlines()[1].split()[0] == "(model)"
    assert [a.tolist() for a in gw.history("(model)")] == [[1.0], [5.0]]
    with pytest.raises(NNGraphError, match=r"layer 'fc'.*\['\(model\)'\]"):
        gw.history("fc")


CUDA = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")


@pytest.mark.parametrize("device", ["cpu", pytest.param("cuda", marks=[pytest.mark.cuda, CUDA])])
def test_one_host_transfer_per_step(device: str, monkeypatch: pytest.MonkeyPatch) -> None:
    net = cnn().to(device)
    gw = GradientWatch(net)
    net(torch.randn(8, 1, 8, 8, device=device)).sum().backward()
    calls = []
    original = torch.Tensor.tolist
    monkeypatch.setattr(torch.Tensor, "tolist", lambda t: calls.append(1) or original(t))
    monkeypatch.setattr(torch.Tensor, "item", lambda t: pytest.fail("item() is a sync"))
    norms = gw.step()
    assert len(calls) == 1 and set(norms) == {"0", "1", "4"}


def test_events_in_a_monitor_carry_its_epoch_and_the_optimizer_step() -> None:
    net = torch.nn.Sequential(torch.nn.Linear(3, 3), torch.nn.Linear(3, 1))
    mon = Monitor(display=False, detectors=[])
    gw = GradientWatch(net, monitor=mon, patience=3)
    mon.log(1, loss=1.0, val_loss=1.0)  # epoch 1 ends; the steps below are in epoch 2
    for _ in range(50):
        vanishing_first_layer(net)
        gw.step()
    (event,) = mon.events
    assert (event.epoch, event.step) == (2, 3)
    assert str(event).startswith("epoch 2: ")


def test_a_half_precision_model_has_finite_norms_above_the_float16_range() -> None:
    net = torch.nn.Linear(1000, 1000).half()
    gw = GradientWatch(net, patience=1, exploding=1e9)
    net.weight.grad = torch.full_like(net.weight, 100.0)  # norm 1e5 > 65504, float16's largest
    net.bias.grad = torch.zeros_like(net.bias)
    norm = gw.step()[""]
    assert math.isfinite(norm) and norm == pytest.approx(1e5, rel=1e-2)
    assert gw.events == []  # no false "training has diverged"


@pytest.mark.parametrize(("value", "word"), [(math.inf, "infinite"), (math.nan, "NaN")])
def test_a_non_finite_gradient_is_named_in_words(value: float, word: str) -> None:
    net = torch.nn.Linear(2, 1)
    gw = GradientWatch(net, patience=1)
    net.weight.grad = torch.full((1, 2), value)
    net.bias.grad = torch.zeros(1)
    gw.step()
    (event,) = gw.events
    assert f"is {word}" in event.message and " a inf" not in event.message
    assert event.values["value"] == str(value)


class _Cut(torch.nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.first, self.second = torch.nn.Linear(3, 4), torch.nn.Linear(4, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.second(self.first(x).detach())  # the student's bug: first never learns


def test_a_layer_cut_off_from_the_loss_is_said_to_get_no_gradient() -> None:
    net = _Cut()
    with GradientWatch(net, patience=2) as gw:
        for _ in range(3):
            net.zero_grad()
            net(torch.randn(8, 3)).pow(2).mean().backward()
            gw.step()
    (event,) = gw.events
    assert event.values["layer"] == "first" and event.step == 2
    assert "no gradient at all" in event.message
    net.first.requires_grad_(False)  # frozen on purpose: nothing to say
    with GradientWatch(net, patience=1) as gw:
        net.zero_grad()
        net(torch.randn(8, 3)).pow(2).mean().backward()
        gw.step()
    assert gw.events == []


def empty_batch_step(net: torch.nn.Module, opt: torch.optim.Optimizer, n: int) -> None:
    """One training step on a batch of ``n`` examples (0: the loss is NaN, every grad is 0)."""
    opt.zero_grad()
    x, y = torch.randn(n, 3), torch.randint(0, 2, (n,))
    torch.nn.functional.cross_entropy(net(x), y).backward()
    opt.step()


def test_an_empty_batch_is_not_taken_for_vanishing_gradients() -> None:
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Tanh(), torch.nn.Linear(4, 2))
    opt = torch.optim.SGD(net.parameters(), lr=0.1)
    mon = Monitor(display=False, detectors=[])
    with GradientWatch(net, optimizer=opt, monitor=mon, patience=1) as gw:
        for n in (8, 0, 0, 0, 8):  # the last batch of a split, or a filter that kept nothing
            empty_batch_step(net, opt, n)
    assert gw.steps == 5 and gw.events == [] and mon.events == []
    assert gw.history("0")[1].tolist()[1:4] == [0.0, 0.0, 0.0]  # recorded as it was
    two = torch.nn.Sequential(torch.nn.Linear(3, 3), torch.nn.Linear(3, 1))
    with GradientWatch(two, patience=1) as gw:  # a real vanishing layer is still said
        vanishing_first_layer(two)
        gw.step()
    assert [e.values["layer"] for e in gw.events] == ["0"]


# ----------------------------------------------------------------------------- a cell run again


def test_a_watch_made_again_on_the_same_optimizer_closes_the_older_one(
    capsys: pytest.CaptureFixture[str],
) -> None:
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Tanh(), torch.nn.Linear(4, 2))
    opt = torch.optim.SGD(net.parameters(), lr=0.1)
    mon = Monitor(display=False, detectors=[])
    made = [GradientWatch(net, optimizer=opt, monitor=mon, exploding=1e-6) for _ in range(2)]
    note = capsys.readouterr().out.splitlines()
    assert len(note) == 1 and "earlier GradientWatch" in note[0] and "closed" in note[0]
    assert len(opt._optimizer_step_pre_hooks) == 1
    for _ in range(3):
        empty_batch_step(net, opt, 8)
    assert no_hooks_left(net)
    first, second = made
    assert (first.steps, second.steps) == (0, 3) and first.events == []
    said = [(e.values["layer"], e.message_id) for e in mon.events]
    assert said == [("0", "grad.exploding"), ("2", "grad.exploding")]  # once each
    first.close()
    second.close()
    assert not opt._optimizer_step_pre_hooks and capsys.readouterr().out == ""


def test_watches_of_different_layers_on_one_optimizer_both_stay(
    capsys: pytest.CaptureFixture[str],
) -> None:
    net = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Tanh(), torch.nn.Linear(4, 2))
    opt = torch.optim.SGD(net.parameters(), lr=0.1)
    encoder = GradientWatch(net[0], optimizer=opt)
    decoder = GradientWatch(net[2], optimizer=opt)
    empty_batch_step(net, opt, 8)
    assert (encoder.steps, decoder.steps) == (1, 1)
    whole = GradientWatch(net, optimizer=opt)  # watches both again: they are closed
    empty_batch_step(net, opt, 8)
    assert (encoder.steps, decoder.steps, whole.steps) == (1, 1, 1)
    whole.close()
    assert len(capsys.readouterr().out.splitlines()) == 2
    assert not opt._optimizer_step_pre_hooks


def trained_watch(steps: int = 5) -> GradientWatch:
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 1))
    watch = GradientWatch(net)
    for _ in range(steps):
        net.zero_grad()
        net(torch.randn(16, 4)).pow(2).mean().backward()
        watch.step()
    return watch


def test_the_repr_says_the_layers_steps_and_events() -> None:
    from nngraph import i18n

    watch = trained_watch()
    assert repr(watch) == "<GradientWatch: 2 layers (0, 2), 5 steps, 0 events>"
    assert str(watch) == repr(watch)
    i18n.set_language("pl")
    assert repr(watch) == "<GradientWatch: 2 warstwy (0, 2); 5 kroków; 0 zdarzeń>"
    one = GradientWatch(torch.nn.Linear(2, 1))
    assert repr(one) == "<GradientWatch: 1 warstwa (model); 0 kroków; 0 zdarzeń>"


def test_the_repr_of_a_deep_model_stays_short() -> None:
    net = torch.nn.Sequential(*[torch.nn.Linear(2, 2) for _ in range(20)])
    text = repr(GradientWatch(net))
    assert text == "<GradientWatch: 20 layers (0, 1, 2, \u2026, 18, 19), 0 steps, 0 events>"


def test_outside_a_notebook_a_watch_shows_its_repr_and_table(
    displayed: list[tuple[Any, bool]],
) -> None:
    watch = trained_watch()
    watch._ipython_display_()  # what IPython calls for `watch` as a cell's last line
    [(data, raw)] = displayed
    text = data["text/plain"]
    assert raw and text.splitlines()[0] == repr(watch)
    assert text.endswith(watch.table()) and "layer" in text


# ------------------------------------------------------------- layers frozen and unfrozen in training


def fine_tune(net: torch.nn.Module, gw_kwargs: dict[str, Any], freeze: int, steps: int) -> Any:
    """``steps`` SGD steps watched through the optimizer; ``net[0]`` is frozen from step
    ``freeze`` on, with ``zero_grad(set_to_none=False)``: its ``.grad`` stays an all-zero tensor."""
    torch.manual_seed(0)
    opt = torch.optim.SGD(net.parameters(), lr=0.01)
    gw = GradientWatch(net, optimizer=opt, **gw_kwargs)
    x, y = torch.randn(16, 4), torch.randn(16, 1)
    for step in range(1, steps + 1):
        if step == freeze:
            net[0].requires_grad_(False)
        opt.zero_grad(set_to_none=False)
        torch.nn.functional.mse_loss(net(x), y).backward()
        opt.step()
    return gw


def small_mlp() -> torch.nn.Sequential:
    torch.manual_seed(0)
    return torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 1))


def test_a_layer_frozen_in_training_is_not_said_to_have_vanishing_gradients() -> None:
    """Sweep R, bug 3: its all-zero ``.grad`` is not read once ``requires_grad`` is False."""
    mon = Monitor(display=False, detectors=[])
    gw = fine_tune(small_mlp(), {"monitor": mon, "patience": 1}, freeze=3, steps=8)
    assert gw.events == [] and mon.events == []
    assert gw.history("0")[0].tolist() == [1.0, 2.0]  # no points while frozen
    assert gw.history("2")[0].tolist() == [float(s) for s in range(1, 9)]
    assert set(gw.last) == {"2"} and gw.layers == ["0", "2"]
    assert [row.split()[0] for row in gw.table().splitlines()[1:]] == ["0", "2"]


def test_steps_while_frozen_break_a_run_of_vanishing_steps() -> None:
    net = torch.nn.Sequential(torch.nn.Linear(3, 3), torch.nn.Linear(3, 1))
    gw = GradientWatch(net, patience=3)
    for frozen in (False, False, True, False):  # two tiny steps, frozen, one tiny step
        net[0].requires_grad_(not frozen)
        vanishing_first_layer(net)
        gw.step()
    assert gw.events == []


def unfreezing(net: torch.nn.Module, opt: torch.optim.Optimizer, view: Any = None) -> None:
    """Six steps; ``net[0]`` (frozen when the watch was made) learns again from step 4 on."""
    x, y = torch.randn(16, 4), torch.randn(16, 1)
    for step in range(1, 7):
        if step == 4:
            net[0].requires_grad_(True)
        opt.zero_grad()
        torch.nn.functional.mse_loss(net(x), y).backward()
        opt.step()
        if view is not None:
            view.refresh()


def test_a_layer_unfrozen_after_the_watch_was_made_is_recorded_from_then_on() -> None:
    """Sweep R, bug 4: gradual unfreezing; the layer joins ``layers`` in the model's order."""
    from nngraph.widgets import LossView

    net = small_mlp()
    net[0].requires_grad_(False)
    opt = torch.optim.SGD(net.parameters(), lr=0.01)
    gw = GradientWatch(net, optimizer=opt)
    assert gw.layers == ["2"]
    view = LossView(gw)
    unfreezing(net, opt, view)
    assert gw.layers == ["0", "2"] and set(gw.last) == {"0", "2"}
    steps, norms = gw.history("0")
    assert steps.tolist() == [4.0, 5.0, 6.0] and (norms > 0).all()
    assert set(gw.snapshot()["layers"]) == {"0", "2"}
    assert [row.split()[0] for row in gw.table().splitlines()[1:]] == ["0", "2"]
    assert repr(gw) == "<GradientWatch: 2 layers (0, 2), 6 steps, 0 events>"
    assert "0" in {m for header, _ in view.sent for m in header.get("metrics", [])}
    assert set(view.full_snapshot()["runs"][""]["metrics"]) == {"0", "2"}


def test_a_layer_unfrozen_but_cut_off_from_the_loss_is_said_to_get_no_gradient() -> None:
    net = _Cut()
    net.first.requires_grad_(False)
    with GradientWatch(net, patience=2) as gw:
        for step in range(1, 5):
            net.first.requires_grad_(step >= 2)
            net.zero_grad()
            net(torch.randn(8, 3)).pow(2).mean().backward()
            gw.step()
    (event,) = gw.events
    assert event.values["layer"] == "first" and event.step == 3
    assert gw.layers == ["first", "second"]


def test_a_step_inside_a_recording_adds_nothing_to_the_graph() -> None:
    import nngraph as ng

    net = torch.nn.Sequential(torch.nn.Embedding(10, 4, sparse=True), torch.nn.Linear(4, 1))

    def ops(watch: bool) -> list[Any]:
        with ng.record() as rec:
            net.zero_grad()
            net(torch.tensor([1, 2, 2])).sum().backward()
            if watch:  # a sparse gradient: coalesced, then its norm taken
                with GradientWatch(net) as gw:
                    gw.step()
        return [d.get("op") for _, d in rec.graph.nodes(data=True)]

    assert ops(watch=True) == ops(watch=False)


@pytest.mark.parametrize("scale", [1e20, 1e-30])
def test_float32_gradients_far_from_one_get_their_true_norm(scale: float) -> None:
    """A finite gradient of ~1e19 read as "infinite", one of ~1e-31 as 0, which counted as an
    empty batch with no vanishing event (sweep Z)."""
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(64, 64), nn.Linear(64, 1))
    watch = GradientWatch(model, patience=1)
    (model(torch.randn(16, 64)).pow(2).mean() * scale).backward()
    watch.step()
    for name, layer in (("0", model[0]), ("1", model[1])):
        grads = [p.grad.double() for p in layer.parameters()]
        expected = sum(g.pow(2).sum().item() for g in grads) ** 0.5
        assert watch.last[name] == pytest.approx(expected, rel=1e-5)
    words = "above 1000" if scale > 1 else "gets almost no gradient"
    assert len(watch.events) == 2 and all(words in e.message for e in watch.events)


@pytest.mark.parametrize("scale", [1e20, 1e-30])
def test_bfloat16_gradients_far_from_one_get_their_true_norm_as_float32_ones_do(
    scale: float,
) -> None:
    """bfloat16 holds float32's range, but only float32 norms were summed again: a finite norm of
    ~1e21 was read as infinite (said as a NaN), one of ~1e-26 as 0 (sweep 30)."""
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(64, 64), nn.Linear(64, 1)).to(torch.bfloat16)
    watch = GradientWatch(model, patience=1)
    (model(torch.randn(16, 64, dtype=torch.bfloat16)).float().pow(2).mean() * scale).backward()
    watch.step()
    for name, layer in (("0", model[0]), ("1", model[1])):
        grads = [p.grad.double() for p in layer.parameters()]
        expected = sum(g.pow(2).sum().item() for g in grads) ** 0.5
        assert 0 < expected < math.inf
        assert watch.last[name] == pytest.approx(expected, rel=1e-5)
    words = "above 1000" if scale > 1 else "gets almost no gradient"
    assert len(watch.events) == 2 and all(words in e.message for e in watch.events)


def test_a_compiled_model_is_watched_under_its_own_layer_names() -> None:
    model = nn.Sequential(nn.Linear(4, 4), nn.ReLU(), nn.Linear(4, 1))
    compiled = torch.compile(model)
    assert GradientWatch(compiled).layers == GradientWatch(model).layers == ["0", "2"]


def test_a_compiled_submodule_is_watched_under_the_names_the_graph_gives_it() -> None:
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 1))
    model[0] = torch.compile(model[0])  # type: ignore[assignment]  # nothing runs: the wrapper
    assert GradientWatch(model).layers == ["0", "2"]  # not "0._orig_mod", as in the summary


class LayerScaleBlock(nn.Module):
    """A residual MLP block whose branch ends in a learnable per-channel scale of 1e-6, as
    ConvNeXt's and CaiT's blocks do."""

    def __init__(self, width: int, *, learnable: bool = True) -> None:
        super().__init__()
        self.mlp = nn.Sequential(
            nn.Linear(width, 4 * width), nn.GELU(), nn.Linear(4 * width, width)
        )
        self.layer_scale = nn.Parameter(torch.full((width,), 1e-6), requires_grad=learnable)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.layer_scale * self.mlp(x)


def layer_scale_events(*, learnable: bool) -> list[str]:
    """The layers the watch calls vanishing (or exploding)."""
    torch.manual_seed(0)
    model = nn.Sequential(
        nn.Linear(8, 16),
        *[LayerScaleBlock(16, learnable=learnable) for _ in range(3)],
        nn.Linear(16, 1),
    )
    opt = torch.optim.SGD(model.parameters(), lr=1e-3)
    watch = GradientWatch(model, optimizer=opt, patience=1)
    x, y = torch.randn(32, 8), torch.randn(32, 1)
    for _ in range(3):
        opt.zero_grad()
        nn.functional.mse_loss(model(x), y).backward()
        opt.step()
    return [layer for e in watch.events for layer in e.values.get("layers", [e.values["layer"]])]


def test_layers_behind_a_tiny_layer_scale_are_not_called_vanishing() -> None:
    """A fresh ConvNeXt got 27 "gets almost no gradient" events (sweep X): its 1e-6 layer scale
    shrinks its block's gradients until the first steps grow it."""
    assert layer_scale_events(learnable=True) == []
    frozen = layer_scale_events(learnable=False)  # a scale that never grows is no gate
    assert "1.mlp.0" in frozen


class OwnLinear(nn.Module):
    """A linear layer of one's own, as students write it: ``W`` and a zero bias under any name."""

    def __init__(self, n_in: int, n_out: int, bias_name: str) -> None:
        super().__init__()
        bound = 1 / math.sqrt(n_in)  # PyTorch's default range
        self.W = nn.Parameter(torch.empty(n_out, n_in).uniform_(-bound, bound))
        self.bias_name = bias_name
        self.register_parameter(bias_name, nn.Parameter(torch.zeros(n_out)))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x @ self.W.T + getattr(self, self.bias_name)


class TinyScale(nn.Module):
    """timm's LayerScale: a learnable per-channel scale of 1e-6, and no module of its own."""

    def __init__(self, width: int) -> None:
        super().__init__()
        self.gamma = nn.Parameter(torch.full((width,), 1e-6))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * self.gamma


def sigmoid_events(layers: list[nn.Module], steps: int = 10) -> list[tuple[str, str]]:
    """``(message id, layer)`` of the events of a deep sigmoid net trained with SGD."""
    torch.manual_seed(1)
    model = nn.Sequential(*layers)
    opt = torch.optim.SGD(model.parameters(), lr=0.05)
    watch = GradientWatch(model, optimizer=opt)
    x, y = torch.randn(64, 32), torch.randn(64, 1)
    for _ in range(steps):
        opt.zero_grad()
        nn.functional.mse_loss(model(x), y).backward()
        opt.step()
    watch.close()
    return [(e.message_id, e.values["layer"]) for e in watch.events]


def sigmoid_stack(make: Any, sizes: tuple[int, ...] = (32, 64, 64, 64, 64, 64, 1)) -> list[Any]:
    torch.manual_seed(0)
    layers: list[nn.Module] = []
    for n_in, n_out in itertools.pairwise(sizes):
        layers += [make(n_in, n_out), nn.Sigmoid()]
    return layers[:-1]


@pytest.mark.parametrize("bias_name", ["b", "beta", "shift", "offset"])
def test_a_zero_bias_of_ones_own_is_no_gate_whatever_it_is_called(bias_name: str) -> None:
    """A 6-layer sigmoid MLP of a hand-written linear layer whose zero bias is called `b` was
    never said to learn slower in its first layers, while the same net with `bias` was: each
    `b` was taken for a layer scale whose block, its owner having no module, was the whole
    model (sweep 30)."""
    named = sigmoid_stack(lambda n_in, n_out: OwnLinear(n_in, n_out, bias_name))
    as_torch_names = sigmoid_stack(lambda n_in, n_out: OwnLinear(n_in, n_out, "bias"))
    assert sigmoid_events(named) == sigmoid_events(as_torch_names) == [("grad.depth", "0")]


def test_a_tiny_scale_at_the_models_top_level_silences_no_layer() -> None:
    """A gate whose block would be the model itself covered every layer."""
    layers = [*sigmoid_stack(nn.Linear), TinyScale(1)]
    assert ("grad.depth", "0") in sigmoid_events(layers, steps=3)


def test_a_bias_is_told_by_its_place_not_only_by_its_name() -> None:
    from nngraph.monitor._gradgates import is_bias

    layer = OwnLinear(4, 3, "offset")
    assert is_bias(layer, "offset", layer.offset) and not is_bias(layer, "W", layer.W)
    transposed = nn.Module()  # x @ W + b: the output is W's last side
    transposed.W, transposed.b = nn.Parameter(torch.ones(4, 3)), nn.Parameter(torch.zeros(3))
    assert is_bias(transposed, "b", transposed.b)
    norm = nn.Module()  # a norm of one's own: the shift beside its scale
    norm.gamma, norm.beta = nn.Parameter(torch.ones(8)), nn.Parameter(torch.zeros(8))
    assert is_bias(norm, "beta", norm.beta) and not is_bias(norm, "gamma", norm.gamma)
    zero_init = nn.BatchNorm1d(8)  # torchvision's zero_init_residual: a gate, not a bias
    nn.init.zeros_(zero_init.weight)
    assert not is_bias(zero_init, "weight", zero_init.weight)


class ScaledBlock(nn.Module):
    """``x + s * relu(norm(x) @ W)``: a block of one's own holding its weight ``W`` beside its
    layer scale (named ``scale``, or ``g`` as a ``GatedLinear``'s per-output gate)."""

    def __init__(self, scale_name: str, width: int = 32) -> None:
        super().__init__()
        self.W = nn.Parameter(torch.randn(width, width) / math.sqrt(width))
        self.norm = nn.LayerNorm(width)
        self.scale_name = scale_name
        self.register_parameter(scale_name, nn.Parameter(torch.full((width,), 1e-7)))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        scale = getattr(self, self.scale_name)
        return x + scale * torch.relu(self.norm(x) @ self.W)


@pytest.mark.parametrize("scale_name", ["scale", "g", "gamma", "Gate", "ls", "alpha"])
def test_a_layer_scale_beside_its_blocks_weight_is_a_gate_not_a_bias(scale_name: str) -> None:
    """A 1-D parameter as long as a side of a weight of its module was taken for a bias
    whatever its name, so a layer scale of 1e-7 was no gate and the layers behind it were told
    they get almost no gradient (sweep 30); a name that says scale or gate keeps it a gate."""
    from nngraph.monitor._gradgates import is_bias

    block = ScaledBlock(scale_name)
    assert not is_bias(block, scale_name, getattr(block, scale_name))
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(10, 32), *[ScaledBlock(scale_name) for _ in range(4)])
    model.append(nn.Linear(32, 3))
    opt = torch.optim.Adam(model.parameters(), lr=1e-5)
    watch = GradientWatch(model, optimizer=opt)
    x, y = torch.randn(64, 10), torch.randint(0, 3, (64,))
    for _ in range(6):
        opt.zero_grad()
        nn.functional.cross_entropy(model(x), y).backward()
        opt.step()
    assert watch.events == []


class Experts(nn.Module):
    """Two experts; `route` picks the one this step runs, as an MoE router does."""

    def __init__(self) -> None:
        super().__init__()
        self.experts = nn.ModuleList([nn.Linear(4, 1), nn.Linear(4, 1)])
        self.route = 0

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.experts[self.route](x)


def test_a_layer_the_data_skips_for_a_while_is_not_called_cut_off() -> None:
    """An MoE expert the router skipped for 3 steps was "cut ... its weights never change",
    though its own history showed it learning (sweep AA)."""
    model, x = Experts(), torch.randn(8, 4)
    watch = GradientWatch(model, patience=2)
    for route in (0, 1, 1, 1, 1, 0):
        model.route = route
        model.zero_grad(set_to_none=True)
        model(x).sum().backward()
        watch.step()
    assert watch.events == []
    never = Experts()  # expert 1 never runs: that one is cut off
    watch = GradientWatch(never, patience=2)
    for _ in range(3):
        never.zero_grad(set_to_none=True)
        never(x).sum().backward()
        watch.step()
    assert [e.message_id for e in watch.events] == ["grad.none"]


class SkipPath(nn.Module):
    """``x + relu(fc(x))`` twice, then a head: a dead branch's zeros are added to the skip path."""

    def __init__(self) -> None:
        super().__init__()
        self.inp, self.head = nn.Linear(10, 16), nn.Linear(16, 3)
        self.fc = nn.ModuleList(nn.Linear(16, 16) for _ in range(2))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.inp(x)
        for layer in self.fc:
            x = x + torch.relu(layer(x))
        return self.head(x)


def _stuck_relu6() -> nn.Module:
    return nn.Sequential(
        nn.Linear(10, 16), nn.ReLU6(), nn.Linear(16, 16), nn.ReLU6(), nn.Linear(16, 3)
    )


@pytest.mark.parametrize(
    ("make", "stuck"),
    [(SkipPath, "fc.0"), (_stuck_relu6, "0")],
    ids=["dead-relu-beside-a-skip-path", "relu6-stuck-at-6"],
)
def test_units_stuck_where_no_later_layer_sees_zeros_are_still_said(make: Any, stuck: str) -> None:
    """Dead ReLUs whose zeros are added to a skip path, or ReLU6 units stuck at 6 (a constant,
    not 0), leave no later layer with all-zero inputs: their layer's exact zero was not judged,
    and nothing was said (sweep 30, 29 of 160 runs). A layer left at zeros by
    zero_grad(set_to_none=False) is judged (a skipped MoE expert too: a known limitation)."""
    torch.manual_seed(0)
    x, y = torch.randn(64, 10), torch.randint(0, 3, (64,))
    model = make()
    opt = torch.optim.SGD(model.parameters(), lr=0.05)
    watch = GradientWatch(model, optimizer=opt)
    for step in range(1, 11):
        if step == 6:  # as after a step too large: the layer's units are stuck for every input
            with torch.no_grad():
                model.get_submodule(stuck).bias.fill_(100.0 if stuck == "0" else -100.0)
        opt.zero_grad()
        nn.functional.cross_entropy(model(x), y).backward()
        opt.step()
    said = [(e.step, e.values["layer"]) for e in watch.events]
    assert said == [(8, stuck)]
    assert watch.events[0].message_id in ("grad.dead", "grad.zero")


class WithClassToken(nn.Module):
    """A ViT-style class token (zeros at first, the model's own) before a deep sigmoid body."""

    def __init__(self) -> None:
        super().__init__()
        self.class_token = nn.Parameter(torch.zeros(1, 1, 8))
        self.body = nn.Sequential(
            *[nn.Sequential(nn.Linear(8, 8), nn.Sigmoid()) for _ in range(12)]
        )
        self.head = nn.Linear(8, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = torch.cat([self.class_token.expand(x.shape[0], -1, -1), x], 1)
        return self.head(self.body(x)[:, 0])


def test_a_class_token_is_no_gate_and_vanishing_layers_are_still_said() -> None:
    """A zero class token at the model's top was taken for a gate over every layer, and no
    layer was ever called vanishing (review)."""
    torch.manual_seed(0)
    model = WithClassToken()
    watch = GradientWatch(model, patience=1)
    model(torch.randn(16, 5, 8)).pow(2).mean().backward()
    watch.step()
    assert any("body.0.0" in e.values.get("layers", [e.values["layer"]]) for e in watch.events)


def test_a_complex_gradient_that_is_zero_is_read_as_zero() -> None:
    model = nn.Module()
    model.z = nn.Parameter(torch.ones(3, dtype=torch.complex64))
    model.w = nn.Parameter(torch.ones(3))
    watch = GradientWatch(model)
    model.z.grad = torch.zeros(3, dtype=torch.complex64)
    model.w.grad = torch.ones(3)
    assert watch.step() == {"": pytest.approx(3**0.5)}


def test_a_parametrized_layer_is_one_layer() -> None:
    from torch.nn.utils.parametrizations import spectral_norm, weight_norm

    net = nn.Sequential(weight_norm(nn.Linear(4, 16)), nn.ReLU(), spectral_norm(nn.Linear(16, 2)))
    watch = GradientWatch(net)
    assert watch.layers == ["0", "2"]
    net(torch.randn(8, 4)).pow(2).mean().backward()
    watch.step()
    assert set(watch.last) == {"0", "2"}


class FromScratch(nn.Module):
    """The from-scratch MLP of the classic exercise: its weights and biases on the model itself
    (``x @ W + b``), registered in turn, sigmoid between them."""

    def __init__(self, sizes: tuple[int, ...] = (32, 64, 64, 64, 64, 64, 1)) -> None:
        super().__init__()
        torch.manual_seed(0)
        for i, (n_in, n_out) in enumerate(itertools.pairwise(sizes), start=1):
            layer = nn.Linear(n_in, n_out)  # PyTorch's default init
            setattr(self, f"W{i}", nn.Parameter(layer.weight.detach().T.clone()))
            setattr(self, f"b{i}", nn.Parameter(layer.bias.detach().clone()))
        self.n = len(sizes) - 1

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for i in range(1, self.n + 1):
            x = x @ getattr(self, f"W{i}") + getattr(self, f"b{i}")
            x = torch.sigmoid(x) if i < self.n else x
        return x


class LowRank(nn.Module):
    """A frozen linear layer with a LoRA update of one's own: ``A`` and ``B`` have no bias."""

    def __init__(self) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.randn(4, 8), requires_grad=False)
        self.bias = nn.Parameter(torch.zeros(4), requires_grad=False)
        self.A, self.B = nn.Parameter(torch.randn(2, 8)), nn.Parameter(torch.zeros(4, 2))


def test_a_from_scratch_mlp_is_one_layer_per_weight_and_its_vanishing_gradient_is_said() -> None:
    """Its parameters on the model itself made one layer, '(model)': its vanishing gradient,
    which the same net of nn.Linear gets said, could not be (sweep 30)."""
    model = FromScratch()
    opt = torch.optim.SGD(model.parameters(), lr=0.05)
    watch = GradientWatch(model, optimizer=opt)
    assert watch.layers == ["W1", "W2", "W3", "W4", "W5", "W6"]
    torch.manual_seed(1)
    x, y = torch.randn(64, 32), torch.randn(64, 1)
    for _ in range(10):
        opt.zero_grad()
        nn.functional.mse_loss(model(x), y).backward()
        opt.step()
    watch.close()
    expected = math.hypot(model.W1.grad.norm().item(), model.b1.grad.norm().item())
    assert watch.last["W1"] == pytest.approx(expected, rel=1e-5)  # each weight with its bias
    assert [(e.message_id, e.values["layer"], e.values["last"]) for e in watch.events] == [
        ("grad.depth", "W1", "W6")
    ]
    # torch's own modules, and weights without a bias of their own, stay one layer
    assert GradientWatch(nn.Sequential(nn.LSTM(4, 8), nn.Linear(8, 1))).layers == ["0", "1"]
    assert GradientWatch(nn.Sequential(LowRank(), nn.Linear(4, 1))).layers == ["0", "1"]


class _MakesItsLastLayerEveryCall(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.fc1 = nn.Linear(4, 8)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self.fc2 = nn.Linear(8, 2)  # belongs in __init__: new random weights at every call
        return self.fc2(torch.relu(self.fc1(x)))


def test_a_layer_replaced_in_forward_is_said_to_be_replaced_not_cut_off() -> None:
    """It was blamed on .detach()/.item() in forward (sweep S)."""
    torch.manual_seed(0)
    model = _MakesItsLastLayerEveryCall()
    x, y = torch.randn(32, 4), torch.randint(0, 2, (32,))
    model(x)  # a first call, to see the output's shape: fc2 is in the model now
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    watch = GradientWatch(model, optimizer=optimizer)
    for _ in range(5):
        optimizer.zero_grad()
        nn.functional.cross_entropy(model(x), y).backward()
        optimizer.step()
    (event,) = watch.events
    assert event.message_id == "grad.replaced" and "create the layer once, in __init__" in (
        event.message
    )
    assert event.step == 1 and event.values == {"layer": "fc2"}  # said at once, and once
    watch.close()


def _two_layers() -> nn.Sequential:
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(2, 2), nn.Linear(2, 1))


def test_a_head_replaced_after_the_watch_is_said_once_with_both_causes() -> None:
    """Fine-tuning a new head: it was blamed on forward ("create the layer once, in
    __init__"), which is wrong advice for a head swapped in outside forward (sweep 18b)."""
    net = _two_layers()
    watch = GradientWatch(net)
    net[1] = nn.Linear(2, 3)
    for _ in range(5):
        net.zero_grad()
        net(torch.ones(1, 2)).sum().backward()
        watch.step()
    (event,) = watch.events
    assert event.message_id == "grad.replaced" and event.values == {"layer": "1"}
    assert event.step == 1 and event.message.startswith("layer '1' (or one of its parameters)")
    said = event.message
    assert "after changing the model" in said and "and the optimizer" in said
    assert "inside forward" in said and "in __init__" in said
    assert "self.1" not in said  # no longer `self.{layer} = ...`: not Python for layer '1'


def test_a_head_replaced_after_some_training_is_said_too() -> None:
    """A layer that had a gradient before it was replaced was never said at all."""
    net = _two_layers()
    watch = GradientWatch(net)
    for step in range(1, 7):
        if step == 4:  # a new head after 3 steps, the watch made before
            net[1] = nn.Linear(2, 1)
        net.zero_grad()
        net(torch.ones(1, 2)).sum().backward()
        watch.step()
    assert [(e.message_id, e.step, e.values["layer"]) for e in watch.events] == [
        ("grad.replaced", 4, "1")
    ]


def test_a_parameter_replaced_after_the_watch_is_said() -> None:
    """`net.weight = nn.Parameter(...)` was silently ignored: the norm was the bias' only."""
    net = nn.Linear(2, 1)
    watch = GradientWatch(net)
    net.weight = nn.Parameter(torch.ones(1, 2))
    for _ in range(3):
        net.zero_grad()
        net(torch.ones(1, 2)).sum().backward()
        watch.step()
    (event,) = watch.events
    assert event.message_id == "grad.replaced" and event.values == {"layer": ""}
    assert event.message.startswith("layer '(model)' (or one of its parameters) was replaced")


def test_a_layer_added_after_the_watch_is_said_once() -> None:
    """`net.append(nn.Linear(...))` after the watch: the new layer was never read, silently, and
    the first-to-last rule took the old last layer for the last (sweep 28)."""
    torch.manual_seed(0)
    net = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 1))
    optimizer = torch.optim.SGD(net.parameters(), lr=0.01)
    watch = GradientWatch(net, optimizer=optimizer)
    net.append(nn.Linear(1, 1))
    optimizer.add_param_group({"params": net[3].parameters()})
    for _ in range(5):
        optimizer.zero_grad()
        net(torch.randn(8, 4)).pow(2).mean().backward()
        optimizer.step()
    (event,) = watch.events
    assert event.message_id == "grad.added" and event.values == {"layer": "3"}
    assert event.step == 1 and event.message.startswith("layer '3' was added to the model after")
    assert "after changing the model" in event.message and "in __init__" in event.message
    watch.close()


def test_many_layers_added_at_once_are_said_in_one_event_and_not_their_replacement() -> None:
    net = nn.Sequential(nn.Linear(2, 2), nn.Linear(2, 2))
    watch = GradientWatch(net)
    net[1] = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 2))  # a replacement, once
    net.append(nn.Sequential(nn.Linear(2, 2), nn.Linear(2, 2), nn.Linear(2, 1)))
    for _ in range(3):
        net.zero_grad()
        net(torch.ones(1, 2)).sum().backward()
        watch.step()
    replaced, added = watch.events
    assert replaced.message_id == "grad.replaced" and replaced.values == {"layer": "1"}
    assert added.message_id == "grad.added_many" and added.values["layers"] == [
        "2.0",
        "2.1",
        "2.2",
    ]
    assert added.message.startswith("3 layers ('2.0', '2.1', '2.2') were added to the model")


def test_a_change_that_keeps_every_parameter_is_not_said() -> None:
    """The model's structure changed but it holds every watched parameter: a parametrization
    added later, a shared layer dropped from one of its two places, a new layer added, a
    dtype converted."""
    from torch.nn.utils.parametrizations import spectral_norm

    shared = nn.Linear(2, 2)
    net = nn.Sequential(shared, nn.ReLU(), shared, nn.Linear(2, 1))
    watch = GradientWatch(net)
    spectral_norm(net[3])
    net[0] = nn.Identity()
    net.add_module("extra", nn.Identity())
    net.double()
    for _ in range(4):
        net.zero_grad()
        net(torch.ones(1, 2, dtype=torch.float64)).sum().backward()
        watch.step()
    assert watch.events == [] and set(watch.last) == {"0", "3"}


def deep_sigmoid_watch(loss_scale: float = 1.0, depth: int = 30) -> GradientWatch:
    torch.manual_seed(0)
    layers: list[nn.Module] = [nn.Linear(4, 8)]
    for _ in range(depth):
        layers += [nn.Linear(8, 8), nn.Sigmoid()]
    model = nn.Sequential(*layers, nn.Linear(8, 1))
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    watch = GradientWatch(model, optimizer=opt)
    x, y = torch.randn(32, 4), torch.randn(32, 1)
    for _ in range(5):
        opt.zero_grad()
        (loss_scale * nn.functional.mse_loss(model(x), y)).backward()
        opt.step()
    return watch


def test_many_layers_vanishing_at_one_step_are_said_in_one_event() -> None:
    """A 30-layer sigmoid net gave 26 events with the same sentence, one per layer (sweep 18)."""
    (event,) = deep_sigmoid_watch().events
    assert event.message_id == "grad.vanishing_many" and event.values["n"] == 26
    assert event.message.startswith("26 layers get almost no gradient ('0', '1', '3', ..., '49'")
    assert event.values["layers"][:3] == ["0", "1", "3"] and event.values["layer"] == "0"


def test_many_layers_with_a_nan_gradient_are_said_in_one_event() -> None:
    (event,) = deep_sigmoid_watch(math.nan, depth=3).events
    assert event.message_id == "grad.nonfinite_many" and event.values["n"] == 5
    assert "the gradients of 5 layers are not finite" in event.message


def test_two_layers_vanishing_at_one_step_keep_an_event_each() -> None:
    events = deep_sigmoid_watch(depth=6).events  # 2 layers: fewer than a group
    assert [(e.message_id, e.values["layer"]) for e in events] == [
        ("grad.vanishing", "0"),
        ("grad.vanishing", "1"),
    ]


def test_a_model_with_lazy_layers_not_run_yet_is_refused_with_what_to_do() -> None:
    """GradientWatch crashed with PyTorch's "Can't access the shape of an uninitialized
    parameter" on a LazyLinear before its first forward (review)."""
    net = nn.Sequential(nn.LazyLinear(4), nn.ReLU(), nn.Linear(4, 1))
    with pytest.raises(NNGraphError, match=r"lazy layers' parameters \(0.weight, 0.bias\)"):
        GradientWatch(net)
    net(torch.randn(2, 3))  # what the message says: one batch first
    assert GradientWatch(net).layers == ["0", "2"]


def test_an_optimizer_of_an_old_model_is_refused_at_once_and_nothing_is_hooked() -> None:
    """The model cell run again, not the optimizer cell: opt.step() never trains the new model,
    and the watch showed its gradients piling up (no zero_grad reaches them) without a word."""
    torch.manual_seed(0)
    old = nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 1))
    opt = torch.optim.SGD(old.parameters(), lr=0.1)
    net = nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 1))  # the model cell again
    with pytest.raises(NNGraphError) as caught:
        GradientWatch(net, optimizer=opt)
    said = str(caught.value)
    assert "holds none of this model's parameters" in said and "\n" not in said
    assert "model run again" in said and "opt = torch.optim.SGD(model.parameters()" in said
    assert not opt._optimizer_step_pre_hooks and no_hooks_left(net)
    i18n.set_language("pl")  # the autouse fixture sets English back
    with pytest.raises(NNGraphError, match="żadnego z parametrów tego modelu"):
        GradientWatch(net, optimizer=opt)


def test_an_optimizer_holding_only_some_of_the_models_parameters_is_fine() -> None:
    """Fine-tuning: the optimizer steps the new head only (or a group added later)."""
    torch.manual_seed(0)
    net = nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 1))
    net[0].requires_grad_(False)
    opt = torch.optim.SGD(net[2].parameters(), lr=0.1)
    with GradientWatch(net, optimizer=opt) as watch:
        net(torch.randn(4, 2)).sum().backward()
        opt.step()
    assert watch.steps == 1 and watch.layers == ["2"]


@pytest.mark.parametrize("language", ["en", "pl"])
def test_trainable_parameters_the_optimizer_leaves_out_are_said(language: str) -> None:
    """The head replaced after the optimizer was made: 30 steps and not a word, while the
    head never learned (sweep s33 S, finding 1)."""
    torch.manual_seed(0)
    net = nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 1))
    opt = torch.optim.SGD(net.parameters(), lr=0.1)
    net[2] = nn.Linear(8, 1)
    i18n.set_language(language)
    said = "does not hold 2.weight and 2.bias" if language == "en" else "nie zawiera 2.weight i"
    with pytest.warns(UserWarning, match=said), GradientWatch(net, optimizer=opt):
        pass


def test_a_long_list_of_parameters_the_optimizer_leaves_out_is_cut_short() -> None:
    """A head-only optimizer over a trainable 30-layer backbone named all 60 parameters."""
    net = nn.Sequential(*[nn.Linear(4, 4) for _ in range(30)], nn.Linear(4, 1))
    opt = torch.optim.SGD(net[30].parameters(), lr=0.1)
    with pytest.warns(UserWarning) as caught, GradientWatch(net, optimizer=opt):
        pass
    (said,) = [str(w.message) for w in caught if "does not hold" in str(w.message)]
    assert "does not hold 0.weight, 0.bias, 1.weight, 1.bias, 2.weight and 55 more," in said


def test_an_optimizer_made_again_after_recorded_steps_is_asked_about_in_the_table() -> None:
    """Sweep s40 (helper nb): the optimizer cell run again (a new learning rate) after the
    watch recorded steps left it showing the old norms, in silence."""
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(2, 8), torch.nn.ReLU(), torch.nn.Linear(8, 2))
    x, y = torch.randn(16, 2), torch.randint(0, 2, (16,))

    def train(opt: torch.optim.Optimizer, steps: int, *, look: bool = False) -> None:
        for _ in range(steps):
            opt.zero_grad()
            torch.nn.functional.cross_entropy(net(x), y).backward()
            if look:  # the table read between backward() and step(): nothing to say
                assert "no step recorded after" not in watch.table()
            opt.step()

    opt = torch.optim.SGD(net.parameters(), lr=0.1)
    watch = GradientWatch(net, optimizer=opt)
    train(opt, 3, look=True)
    assert "no step recorded after" not in watch.table()
    train(torch.optim.SGD(net.parameters(), lr=0.5), 3)
    assert watch.steps == 3
    assert "no step recorded after step 3" in watch.table()
    assert "make the GradientWatch again" in watch.table()
