"""GradientWatch(optimizer=...) says when the optimizer steps with no gradient at all (sweep S,
bug 2): ``zero_grad()`` between ``backward()`` and ``step()``, or no ``backward()``. Never for a
step that has a gradient somewhere: the other model of a GAN, a frozen model, a skipped expert.
A step given a closure (LBFGS, Lightning) is read after its closure ran (sweep 21d, finding 5)."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Callable
from typing import Any

import pytest
import torch
from torch import nn
from torch.nn import functional as F

from nngraph import i18n
from nngraph.monitor import GradientWatch, Monitor


def mlp() -> nn.Sequential:
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 2))


def train(
    step: Callable[[nn.Module, torch.optim.Optimizer, torch.Tensor], None],
    steps: int,
    **watch: object,
) -> tuple[GradientWatch, Monitor, nn.Module]:
    net = mlp()
    opt = torch.optim.SGD(net.parameters(), lr=0.1)
    mon = Monitor(display=False, detectors=[])
    gw = GradientWatch(net, optimizer=opt, monitor=mon, **watch)  # type: ignore[arg-type]
    x = torch.randn(32, 4)
    for epoch in range(1, steps + 1):
        step(net, opt, x)
        mon.log(epoch, loss=1.0)
    gw.close()
    return gw, mon, net


def zero_grad_after_backward(net: nn.Module, opt: torch.optim.Optimizer, x: torch.Tensor) -> None:
    F.cross_entropy(net(x), (x[:, 0] > 0).long()).backward()
    opt.zero_grad()  # the mistake: the gradients are gone before the step
    opt.step()


def zero_grad_kept_zeros(net: nn.Module, opt: torch.optim.Optimizer, x: torch.Tensor) -> None:
    F.cross_entropy(net(x), (x[:, 0] > 0).long()).backward()
    opt.zero_grad(set_to_none=False)
    opt.step()


def no_backward(net: nn.Module, opt: torch.optim.Optimizer, x: torch.Tensor) -> None:
    opt.zero_grad()
    F.cross_entropy(net(x), (x[:, 0] > 0).long())
    opt.step()


def test_zero_grad_between_backward_and_step_is_said_once_with_its_cause() -> None:
    before = [p.detach().clone() for p in mlp().parameters()]
    gw, mon, net = train(zero_grad_after_backward, steps=10)
    assert all(torch.equal(a, b) for a, b in zip(before, net.parameters(), strict=True))
    (event,) = gw.events  # once, at the third step in a row (patience 3)
    assert event.message_id == "grad.step_none" and event.epoch == 3 and event.step == 3
    assert mon.events == [event]
    text = event.message
    assert "no parameter had a gradient" in text and "3 times in a row" in text
    assert "zero_grad() is called after loss.backward() and before optimizer.step()" in text
    assert "loss.backward() is not called" in text


def test_it_is_said_at_the_second_step_with_a_patience_below_two() -> None:
    for patience in (0, 1, 2):
        gw, _, _ = train(zero_grad_after_backward, steps=4, patience=patience)
        assert [(e.message_id, e.step) for e in gw.events] == [("grad.step_none", 2)]


def test_a_missing_backward_is_said_too() -> None:
    gw, _, _ = train(no_backward, steps=5)
    assert [(e.message_id, e.step) for e in gw.events] == [("grad.step_unreached", 3)]
    assert "loss.backward() is not called at all" in gw.events[0].message
    assert "zero_grad() is called after" not in gw.events[0].message  # no backward to clear


@pytest.mark.parametrize("language", ["en", "pl"])
@pytest.mark.parametrize("with_optimizer", [True, False])
def test_a_model_made_again_without_its_optimizer_and_watch_is_said(
    language: str, with_optimizer: bool
) -> None:
    """Sweep s38 (helper nb): the student runs the model's cell again, not the optimizer's nor
    the watch's, and trains with the right loop: the watch blamed a misplaced zero_grad()."""
    i18n.set_language(language)
    torch.manual_seed(0)
    x, y = torch.randn(16, 4), torch.randint(0, 3, (16,))
    net = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))
    opt = torch.optim.SGD(net.parameters(), lr=0.1)
    gw = GradientWatch(net, optimizer=opt if with_optimizer else None)
    for model in (net, nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))):
        for _ in range(5):  # the old model, then a new one (its cell run again)
            opt.zero_grad()
            nn.functional.cross_entropy(model(x), y).backward()
            if not with_optimizer:
                gw.step()
            opt.step()
    which = "step" if with_optimizer else "watch"
    assert [e.message_id for e in gw.events] == [f"grad.{which}_unreached"]
    cell = {"en": "the cell that makes the model run again", "pl": "komórka, która tworzy model"}
    assert cell[language] in gw.events[0].message
    gw.close()


def _loss_of_item(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return torch.tensor(F.cross_entropy(model(x), y).item(), requires_grad=True)


def _loss_under_no_grad(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    with torch.no_grad():
        out = model(x)
    return F.cross_entropy(out, y).requires_grad_(True)


@pytest.mark.parametrize("language", ["en", "pl"])
@pytest.mark.parametrize("with_optimizer", [True, False])
@pytest.mark.parametrize("loss_of", [_loss_of_item, _loss_under_no_grad])
def test_a_loss_with_no_graph_behind_it_is_among_the_causes_said(
    language: str,
    with_optimizer: bool,
    loss_of: Callable[[nn.Module, torch.Tensor, torch.Tensor], torch.Tensor],
) -> None:
    """Sweep s45 mistakes, finding 3 (second part): `backward()` runs at every step on a loss
    rebuilt from `.item()` (or computed under `torch.no_grad()`); the watch said only that
    backward() is not called or that the loss comes from another model."""
    i18n.set_language(language)
    torch.manual_seed(0)
    x, y = torch.randn(16, 4), torch.randint(0, 3, (16,))
    net = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))
    opt = torch.optim.SGD(net.parameters(), lr=0.1)
    gw = GradientWatch(net, optimizer=opt if with_optimizer else None)
    for _ in range(5):
        opt.zero_grad()
        loss_of(net, x, y).backward()
        if not with_optimizer:
            gw.step()
        opt.step()
    which = "step" if with_optimizer else "watch"
    (event,) = gw.events
    assert event.message_id == f"grad.{which}_unreached"
    no_graph = {"en": "the loss has no graph behind it", "pl": "za stratą nie stoi żaden graf"}
    assert no_graph[language] in event.message
    assert ".item()" in event.message and "torch.no_grad()" in event.message
    gw.close()


def test_all_zero_gradients_take_five_steps_and_name_a_constant_loss_too() -> None:
    gw, _, _ = train(zero_grad_kept_zeros, steps=8)
    assert [(e.message_id, e.step) for e in gw.events] == [("grad.step_zero", 5)]
    assert "every gradient was exactly zero" in gw.events[0].message
    assert "constant loss" in gw.events[0].message


def test_the_words_in_polish() -> None:
    i18n.set_language("pl")
    gw, _, _ = train(zero_grad_after_backward, steps=3)
    text = gw.events[0].message
    assert "żaden parametr nie miał gradientu" in text and "3 razy z rzędu" in text
    assert "optimizer.zero_grad() jest wywoływane po loss.backward()" in text


def blown_up_logits(net: nn.Module, opt: torch.optim.Optimizer, x: torch.Tensor) -> None:
    """A right loop whose loss is exactly 0 (sweep 31: the lab's MLP under Adam at lr=10):
    logits so large that cross-entropy rounds to 0, so backward() gives every gradient 0."""
    opt.zero_grad()
    logits = net(x) * 1e6
    loss = F.cross_entropy(logits, logits.argmax(1).detach())
    assert loss.item() == 0.0
    loss.backward()
    opt.step()


def single_output(net: nn.Module, opt: torch.optim.Optimizer, x: torch.Tensor) -> None:
    """A right loop on a constant loss: cross-entropy over one output is always 0."""
    opt.zero_grad(set_to_none=False)
    F.cross_entropy(net(x)[:, :1], torch.zeros(len(x), dtype=torch.long)).backward()
    opt.step()


@pytest.mark.parametrize("step", [blown_up_logits, single_output])
def test_a_loss_that_gives_no_gradient_from_the_first_step_blames_the_loss_not_the_lr(
    step: Callable[[nn.Module, torch.optim.Optimizer, torch.Tensor], None],
) -> None:
    """Sweep s47, H4: a loss of 0 from the first step on (cross-entropy over one output) was
    said first as logits blown up by a learning rate far too high, before any step could."""
    gw, mon, net = train(step, steps=8)
    assert [(e.message_id, e.step) for e in gw.events] == [("grad.zero_flat_start", 5)]
    assert mon.events == gw.events and gw.events[0].values == {"layer": "", "steps": 5}
    text = gw.events[0].message
    assert text.startswith("optimizer.step() ran 5 times in a row while every gradient was")
    assert "loss.backward() itself gave these zeros" in text
    assert "nor the learning rate is the cause" in text
    assert text.index("cross-entropy over a single output") < text.index("far too high")
    assert "lower it 10 to 100 times" not in text and "zero_grad() is called after" not in text
    assert all(not p._post_accumulate_grad_hooks for p in net.parameters())  # none left


def test_a_loss_that_got_to_0_after_learning_blames_the_learning_rate() -> None:
    calls = iter(range(100))

    def learns_then_blown_up(net: nn.Module, opt: torch.optim.Optimizer, x: torch.Tensor) -> None:
        if next(calls) < 3:
            right_step(net, opt, x)
        else:
            blown_up_logits(net, opt, x)

    gw, _, _ = train(learns_then_blown_up, steps=10)
    assert [(e.message_id, e.step) for e in gw.events] == [("grad.zero_flat", 8)]
    text = gw.events[0].message
    assert "Most often the loss is exactly 0" in text and "lower it 10 to 100 times" in text


def test_a_misplaced_zero_grad_after_a_loss_of_0_keeps_its_own_words() -> None:
    calls = iter(range(100))

    def zero_loss_then_misplaced(
        net: nn.Module, opt: torch.optim.Optimizer, x: torch.Tensor
    ) -> None:
        n = next(calls)
        if n < 6:
            blown_up_logits(net, opt, x)
        elif n == 6:  # a right step with a gradient: the run ends
            opt.zero_grad()
            F.cross_entropy(net(x), (x[:, 0] > 0).long()).backward()
            opt.step()
        else:
            zero_grad_kept_zeros(net, opt, x)

    gw, _, _ = train(zero_loss_then_misplaced, steps=14)
    said = [(e.message_id, e.step) for e in gw.events]
    assert said == [("grad.zero_flat_start", 5), ("grad.step_zero", 12)]
    assert "zero_grad() is called after loss.backward()" in gw.events[1].message


@pytest.mark.parametrize("with_optimizer", [True, False])
def test_a_misplaced_zero_grad_once_a_loss_of_0_is_gone_is_a_new_run(with_optimizer: bool) -> None:
    """Sweep 31 (regression of the probe): a loss of exactly 0 at first was said as backward's
    own zeros, and the misplaced zero_grad() that cleared the real gradients after it never."""
    net = mlp()
    opt = torch.optim.SGD(net.parameters(), lr=0.1)
    gw = GradientWatch(net, optimizer=opt if with_optimizer else None)
    x = torch.randn(32, 4)
    for n in range(16):
        out = net(x)
        loss = (out * 0).sum() if n < 7 else F.cross_entropy(out, (x[:, 0] > 0).long())
        loss.backward()
        opt.zero_grad(set_to_none=False)  # the mistake, from the first step on
        if not with_optimizer:
            gw.step()
        opt.step()
    gw.close()
    cleared = "grad.step_zero" if with_optimizer else "grad.watch_zero"
    said = [(e.message_id, e.step) for e in gw.events]
    assert said == [("grad.zero_flat_start", 5), (cleared, 12)]
    assert gw.events[1].values == {"layer": "", "steps": 5}
    assert "zero_grad(" in gw.events[1].message and "backward() itself" not in gw.events[1].message
    assert all(not p._post_accumulate_grad_hooks for p in net.parameters())


def right_step(net: nn.Module, opt: torch.optim.Optimizer, x: torch.Tensor) -> None:
    opt.zero_grad()
    F.cross_entropy(net(x), (x[:, 0] > 0).long()).backward()
    opt.step()


@pytest.mark.parametrize("step", [right_step, blown_up_logits])
def test_a_forgotten_watch_with_an_optimizer_is_freed_and_leaves_no_hook(
    step: Callable[[nn.Module, torch.optim.Optimizer, torch.Tensor], None],
) -> None:
    """Sweep 31: a watch never closed (its cell run again) stayed alive with its model and
    optimizer for the whole process, and kept the probe's hooks on a run's parameters."""
    net = mlp()
    opt = torch.optim.SGD(net.parameters(), lr=0.1)
    gw = GradientWatch(net, optimizer=opt)
    x = torch.randn(32, 4)
    for _ in range(2):  # with a loss of 0: a short run, its backward passes read by hooks
        step(net, opt, x)
    armed = any(p._post_accumulate_grad_hooks for p in net.parameters())
    assert armed == (step is blown_up_logits)
    watch, optimizer, model = weakref.ref(gw), weakref.ref(opt), weakref.ref(net)
    del gw, opt
    gc.collect()
    assert watch() is None and optimizer() is None
    assert all(not p._post_accumulate_grad_hooks for p in net.parameters())
    del net
    gc.collect()
    assert model() is None


def test_the_probe_is_on_the_parameters_only_while_a_run_lasts() -> None:
    net = mlp()
    opt = torch.optim.SGD(net.parameters(), lr=0.1)
    gw = GradientWatch(net, optimizer=opt)
    x = torch.randn(32, 4)
    for _ in range(2):  # a right step: the first backward's order is read, then no hook
        opt.zero_grad()
        F.cross_entropy(net(x), (x[:, 0] > 0).long()).backward()
        opt.step()
        assert all(not p._post_accumulate_grad_hooks for p in net.parameters())
    blown_up_logits(net, opt, x)  # a run begins: its backward passes are read
    assert all(p._post_accumulate_grad_hooks for p in net.parameters())
    gw.close()
    assert all(not p._post_accumulate_grad_hooks for p in net.parameters())


def test_a_loss_of_0_in_polish() -> None:
    i18n.set_language("pl")
    gw, _, _ = train(blown_up_logits, steps=5)
    text = gw.events[0].message
    assert text.startswith("optimizer.step() wykonano 5 razy z rzędu")
    assert "te zera dało już samo loss.backward()" in text
    assert "ani współczynnik uczenia" in text and "dla jednego wyjścia zawsze daje 0" in text


def test_a_good_step_ends_the_run_and_a_new_run_is_said_again() -> None:
    calls = iter(range(100))

    def sometimes(net: nn.Module, opt: torch.optim.Optimizer, x: torch.Tensor) -> None:
        n = next(calls)
        if n in (2, 5):  # a right step now and then: runs of 2 never reach 3
            opt.zero_grad()
            F.cross_entropy(net(x), (x[:, 0] > 0).long()).backward()
            opt.step()
        else:
            zero_grad_after_backward(net, opt, x)

    gw, _, _ = train(sometimes, steps=12)  # bad: 1-2, 4-5, 7-12
    assert [(e.message_id, e.step) for e in gw.events] == [("grad.step_none", 9)]


def test_a_right_loop_and_an_empty_batch_now_and_then_say_nothing() -> None:
    def right(net: nn.Module, opt: torch.optim.Optimizer, x: torch.Tensor) -> None:
        opt.zero_grad()
        F.cross_entropy(net(x), (x[:, 0] > 0).long()).backward()
        opt.step()

    def empty_batches(net: nn.Module, opt: torch.optim.Optimizer, x: torch.Tensor) -> None:
        right(net, opt, x[:0])  # 4 empty batches in a row: every gradient 0, not said

    assert train(right, steps=6)[0].events == []
    assert train(empty_batches, steps=4)[0].events == []


def test_a_gan_each_model_stepped_by_its_own_optimizer_says_nothing() -> None:
    torch.manual_seed(0)
    gen, disc = nn.Linear(2, 4), nn.Sequential(nn.Linear(4, 1))
    opt_g = torch.optim.SGD(gen.parameters(), lr=0.01)
    opt_d = torch.optim.SGD(disc.parameters(), lr=0.01)
    watches = [GradientWatch(gen, optimizer=opt_g), GradientWatch(disc, optimizer=opt_d)]
    for _ in range(6):
        opt_d.zero_grad()  # the discriminator's step: the generator's output detached
        fake = gen(torch.randn(8, 2)).detach()
        (disc(fake).mean() - disc(torch.randn(8, 4)).mean()).backward()
        opt_d.step()
        opt_g.zero_grad()  # the generator's step: the discriminator's grads are left over
        (-disc(gen(torch.randn(8, 2))).mean()).backward()
        opt_g.step()
    assert [w.events for w in watches] == [[], []]


def test_one_optimizer_of_two_models_steps_the_one_with_a_gradient() -> None:
    torch.manual_seed(0)
    gen, disc = nn.Linear(2, 4), nn.Linear(4, 1)
    opt = torch.optim.SGD([*gen.parameters(), *disc.parameters()], lr=0.01)
    gw = GradientWatch(gen, optimizer=opt)  # only the generator watched
    for _ in range(6):
        opt.zero_grad()  # the discriminator alone learns: the generator's output detached
        disc(gen(torch.randn(8, 2)).detach()).mean().backward()
        opt.step()
    assert gw.events == [] and gw.last == {}


def test_a_frozen_model_stepped_anyway_says_nothing() -> None:
    net = mlp()
    opt = torch.optim.SGD(net.parameters(), lr=0.1)
    gw = GradientWatch(net, optimizer=opt)
    net.requires_grad_(False)
    for _ in range(6):
        opt.zero_grad()
        net(torch.randn(8, 4)).sum()
        opt.step()
    assert gw.events == [] and gw.steps == 6


def test_an_expert_the_router_skips_is_no_step_without_a_gradient() -> None:
    torch.manual_seed(0)
    experts = nn.ModuleList([nn.Linear(4, 4), nn.Linear(4, 4)])
    opt = torch.optim.SGD(experts.parameters(), lr=0.1)
    gw = GradientWatch(experts, optimizer=opt)
    for _ in range(6):
        opt.zero_grad()
        experts[0](torch.randn(8, 4)).pow(2).mean().backward()  # expert 1 never picked
        opt.step()
    assert [e.message_id for e in gw.events] == ["grad.none"]  # never picked: cut off, as before


def test_an_optimizer_with_a_closure_computes_its_gradient_itself() -> None:
    net = mlp()
    opt = torch.optim.LBFGS(net.parameters(), max_iter=2)
    gw = GradientWatch(net, optimizer=opt)
    x = torch.randn(16, 4)

    def closure() -> torch.Tensor:
        opt.zero_grad()
        loss = F.cross_entropy(net(x), (x[:, 0] > 0).long())
        loss.backward()
        return loss

    for _ in range(4):
        opt.zero_grad()  # no gradient before the step: the closure makes it
        opt.step(closure)
    assert gw.events == []


def epochs(net: nn.Module, *, back_to_train: bool, epochs: int = 4) -> GradientWatch:
    """The lecture's loop: train an epoch of batches, then validate in eval mode."""
    opt = torch.optim.SGD(net.parameters(), lr=0.1)
    mon = Monitor(display=False, detectors=[])
    gw = GradientWatch(net, optimizer=opt, monitor=mon)
    x, y = torch.randn(64, 4), torch.randint(0, 2, (64,))
    for epoch in range(1, epochs + 1):
        if back_to_train:
            net.train()
        for batch in range(4):
            opt.zero_grad()
            F.cross_entropy(net(x[batch::4]), y[batch::4]).backward()
            opt.step()
        net.eval()
        with torch.no_grad():
            mon.log(epoch, loss=1.0, val_loss=F.cross_entropy(net(x), y))
    gw.close()
    return gw


def with_dropout() -> nn.Sequential:
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Dropout(0.3), nn.Linear(16, 2))


def test_training_after_validation_without_model_train_is_said_once() -> None:
    gw = epochs(with_dropout(), back_to_train=False)
    (event,) = gw.events
    assert event.message_id == "grad.eval_mode" and event.epoch == 2
    assert "its Dropout acts as at test time, so Dropout drops nothing." in event.message
    assert "BatchNorm" not in event.message  # the model has none
    assert "Call model.train()" in event.message


@pytest.mark.parametrize("dropout_first", [True, False], ids=["Dropout first", "BatchNorm first"])
def test_the_effects_in_eval_mode_follow_the_order_of_the_modules_named(
    dropout_first: bool,
) -> None:
    """The modules are named in the model's order, and what each does in eval mode is said in
    that order too (review 24c: 'its BatchNorm1d and Dropout act ..., so Dropout ... and
    BatchNorm ...')."""
    torch.manual_seed(0)
    dropout, norm = nn.Dropout(0.3), nn.BatchNorm1d(16)
    middle = [dropout, norm] if dropout_first else [norm, dropout]
    net = nn.Sequential(nn.Linear(4, 16), *middle, nn.Linear(16, 2))
    (event,) = epochs(net, back_to_train=False).events
    drops = "Dropout drops nothing"
    stats = "BatchNorm uses its running statistics (no longer updated) instead of the batch's"
    if dropout_first:
        said = f"its Dropout and BatchNorm1d act as at test time, so {drops} and {stats}."
    else:
        said = f"its BatchNorm1d and Dropout act as at test time, so {stats} and {drops}."
    assert said in event.message


def test_no_word_when_the_loop_calls_model_train_or_the_mode_changes_nothing() -> None:
    assert epochs(with_dropout(), back_to_train=True).events == []
    assert epochs(mlp(), back_to_train=False).events == []  # no Dropout, no BatchNorm


def test_batchnorm_frozen_for_fine_tuning_is_not_eval_mode_training() -> None:
    torch.manual_seed(0)
    net = nn.Sequential(nn.Linear(4, 16), nn.BatchNorm1d(16), nn.ReLU(), nn.Linear(16, 2))
    opt = torch.optim.SGD(net.parameters(), lr=0.1)
    gw = GradientWatch(net, optimizer=opt)
    net[1].eval()  # frozen statistics: the model itself trains
    for _ in range(5):
        opt.zero_grad()
        net(torch.randn(8, 4)).sum().backward()
        opt.step()
    assert gw.events == []


def test_a_linear_probe_or_a_dropout_of_zero_in_eval_mode_is_not_told() -> None:
    """A frozen backbone put in eval on purpose while its new head trains, and a Dropout(p=0)
    that acts the same in both modes: no 'call model.train()' (review)."""
    torch.manual_seed(0)
    backbone = nn.Sequential(nn.Linear(4, 16), nn.BatchNorm1d(16), nn.ReLU(), nn.Dropout(0.2))
    backbone.requires_grad_(False)
    for net in (
        nn.Sequential(backbone, nn.Linear(16, 2)),
        nn.Sequential(nn.Linear(4, 2), nn.Dropout(0.0)),
    ):
        opt = torch.optim.SGD([p for p in net.parameters() if p.requires_grad], lr=0.1)
        gw = GradientWatch(net, optimizer=opt)
        net.eval()
        for _ in range(5):
            opt.zero_grad()
            net(torch.randn(8, 4)).sum().backward()
            opt.step()
        gw.close()
        assert gw.events == []


def same_norms(watch: GradientWatch, expected: list[dict[str, float]]) -> None:
    """``watch`` recorded ``expected`` (one ``{layer: norm}`` per step), step by step."""
    assert watch.steps == len(expected)
    for layer in watch.layers:
        steps, norms = watch.history(layer)
        assert steps.tolist() == list(range(1, len(expected) + 1))
        assert norms.tolist() == pytest.approx([e[layer] for e in expected], rel=1e-6)


@pytest.mark.parametrize("keyword", [False, True], ids=["step(closure)", "step(closure=...)"])
def test_a_step_given_a_closure_reads_the_gradients_its_closure_made(keyword: bool) -> None:
    """zero_grad, forward and backward run inside step(closure): read at its pre-hook, the
    watch got the step before's gradients (none at step 1, never the last step's)."""
    net = mlp()
    opt = torch.optim.SGD(net.parameters(), lr=0.1)
    watch = GradientWatch(net, optimizer=opt)
    x = torch.randn(16, 4)
    made: list[dict[str, float]] = []  # each layer's gradient norm, as each closure left it

    def closure() -> torch.Tensor:
        opt.zero_grad()
        loss = F.cross_entropy(net(x), (x[:, 0] > 0).long())
        loss.backward()
        made.append({
            layer: torch.cat([p.grad.reshape(-1) for p in net[int(layer)].parameters()]).norm().item()
            for layer in ("0", "2")
        })  # fmt: skip
        return loss

    for _ in range(3):
        opt.step(closure=closure) if keyword else opt.step(closure)
    watch.close()
    assert watch.steps == 3 and watch.layers == ["0", "2"]
    for layer in ("0", "2"):
        steps, norms = watch.history(layer)
        assert steps.tolist() == [1, 2, 3]  # a point at step 1, and the last step's too
        assert norms.tolist() == pytest.approx([step[layer] for step in made], rel=1e-6)
    assert made[0]["0"] != pytest.approx(made[1]["0"], rel=1e-3)  # one step late would show


def test_lbfgs_is_read_as_its_last_closure_call_left_the_gradients() -> None:
    net = mlp()
    opt = torch.optim.LBFGS(net.parameters(), max_iter=4)
    hooked, raw = GradientWatch(net, optimizer=opt), GradientWatch(net)
    x = torch.randn(16, 4)
    calls: list[dict[str, float]] = []

    def closure() -> torch.Tensor:
        opt.zero_grad()
        loss = F.cross_entropy(net(x), (x[:, 0] > 0).long())
        loss.backward()
        calls.append(raw.step())
        return loss

    last = []
    for _ in range(3):
        before = len(calls)
        opt.step(closure)
        assert len(calls) - before > 1  # several calls in one step
        last.append(calls[-1])
    hooked.close()
    same_norms(hooked, last)


@pytest.mark.parametrize("closure", [False, True], ids=["step()", "step(closure)"])
def test_training_in_eval_mode_is_said_with_or_without_a_closure(closure: bool) -> None:
    net = with_dropout().eval()
    opt = torch.optim.SGD(net.parameters(), lr=0.1)
    gw = GradientWatch(net, optimizer=opt)

    def backward() -> torch.Tensor:
        opt.zero_grad()
        loss = net(torch.randn(8, 4)).pow(2).mean()
        loss.backward()
        return loss

    for _ in range(5):
        if closure:
            opt.step(backward)
        else:
            backward()
            opt.step()
    gw.close()
    assert [e.message_id for e in gw.events] == ["grad.eval_mode"]
    assert gw.steps == 5 and len(gw.history("0")[0]) == 5


@pytest.mark.parametrize("clip", [None, 0.5], ids=["raw", "gradient_clip_val"])
def test_under_lightning_each_step_is_read_as_its_closure_left_it(clip: float | None) -> None:
    """Lightning calls optimizer.step(closure) at every step and clips inside the closure: the
    hooked norms are those after on_after_backward, then after clipping (if any); the raw ones
    are read in on_before_optimizer_step, as the GradientWatch docstring says."""
    pl = pytest.importorskip("lightning.pytorch")

    class Net(pl.LightningModule):  # type: ignore[misc,name-defined]
        def __init__(self) -> None:
            super().__init__()
            self.net = mlp()

        def on_train_start(self) -> None:
            self.hooked = GradientWatch(self, optimizer=self.trainer.optimizers[0])
            self.after_backward, self.after_clip = GradientWatch(self), GradientWatch(self)
            self.before_step = GradientWatch(self)
            self.raw: list[dict[str, float]] = []
            self.unclipped: list[dict[str, float]] = []
            self.clipped: list[dict[str, float]] = []

        def on_after_backward(self) -> None:
            self.raw.append(self.after_backward.step())

        def on_before_optimizer_step(self, optimizer: Any) -> None:
            self.unclipped.append(self.before_step.step())

        def configure_gradient_clipping(self, optimizer: Any, **clipping: Any) -> None:
            super().configure_gradient_clipping(optimizer, **clipping)
            self.clipped.append(self.after_clip.step())

        def training_step(self, batch: list[torch.Tensor], _: int) -> torch.Tensor:
            x, y = batch
            return F.cross_entropy(self.net(x) * 30, y)  # big gradients: clipping cuts them

        def configure_optimizers(self) -> torch.optim.Optimizer:
            return torch.optim.Adam(self.parameters(), lr=0.05)

    torch.manual_seed(0)
    x = torch.randn(40, 4)
    data = torch.utils.data.DataLoader(
        torch.utils.data.TensorDataset(x, (x[:, 0] > 0).long()), batch_size=8
    )
    trainer = pl.Trainer(
        max_epochs=1,
        accelerator="cpu",
        devices=1,
        logger=False,
        enable_checkpointing=False,
        enable_progress_bar=False,
        enable_model_summary=False,
        gradient_clip_val=clip,
    )
    model = Net()
    trainer.fit(model, data)
    model.hooked.close()
    same_norms(model.hooked, model.clipped)  # 5 steps: the first and the last too
    same_norms(model.before_step, model.raw)
    if clip is None:
        same_norms(model.hooked, model.raw)
    else:
        total = sum(v * v for v in model.hooked.last.values()) ** 0.5
        assert total == pytest.approx(clip, rel=1e-4)


# ------------------------------------------------------------- watch.step() as well as opt.step()


@pytest.mark.parametrize(
    ("language", "says"),
    [("en", "would count every step twice"), ("pl", "liczyłoby każdy krok dwa razy")],
)
def test_a_watch_stepped_by_the_optimizer_counts_each_step_once(language: str, says: str) -> None:
    """watch.step() after backward() on a watch given optimizer= counted every step twice in
    silence: 60 steps were 120, and the events named twice the real step numbers."""
    i18n.set_language(language)  # tests/conftest.py sets English again
    net = mlp()
    opt = torch.optim.SGD(net.parameters(), lr=0.1)
    gw = GradientWatch(net, optimizer=opt)
    x = torch.randn(32, 4)
    with pytest.warns(UserWarning) as caught:
        for _ in range(5):
            opt.zero_grad()
            net(x).pow(2).mean().backward()
            norms = gw.step()  # the norms now, not recorded
            opt.step()
    told = [w for w in caught if "optimizer=" in str(w.message)]
    assert len(told) == 1 and says in str(told[0].message) and told[0].filename == __file__
    assert gw.steps == 5 and gw.history("0")[0].tolist() == [1.0, 2.0, 3.0, 4.0, 5.0]
    assert norms == gw.last  # no clipping here: the raw norms are the ones recorded
    gw.close()
    assert gw.step() == norms and gw.steps == 6  # no optimizer hook any more: step() records
