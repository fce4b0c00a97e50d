"""GradientWatch's words: what its events are stamped with, how a flag reads, which norms it reads."""

from __future__ import annotations

import math
from collections.abc import Iterator

import pytest
import torch

from nngraph import i18n
from nngraph.monitor import GradientWatch, Monitor
from tests.conftest import zero_grad_before_step


@pytest.fixture(params=["en", "pl"])
def language(request: pytest.FixtureRequest) -> Iterator[str]:
    i18n.set_language(request.param)
    yield request.param
    i18n.set_language("en")


def spike_at(gw: GradientWatch, net: torch.nn.Module, spike: int, steps: int) -> None:
    """``steps`` optimizer steps of tiny gradients, one huge at step ``spike``."""
    for step in range(1, steps + 1):
        net.zero_grad()
        (net(torch.ones(2, 4)).sum() * (1e4 if step == spike else 1e-3)).backward()
        gw.step()


def test_an_event_without_a_monitor_is_stamped_with_the_optimizer_step(language: str) -> None:
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(4, 4), torch.nn.Linear(4, 1))
    gw = GradientWatch(net, exploding=1.0, patience=1)
    spike_at(gw, net, spike=250, steps=250)
    assert gw.events and {e.message_id for e in gw.events} == {"grad.exploding"}
    event = gw.events[0]
    word = {"en": "step", "pl": "krok"}[language]
    assert str(event).startswith(f"{word} 250: ")
    assert (event.step, event.epoch, event.unit) == (250, 250, "step")
    assert event.to_dict()["unit"] == "step"


def test_an_event_with_a_monitor_is_stamped_with_the_monitors_epoch() -> None:
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(4, 4), torch.nn.Linear(4, 1))
    mon = Monitor(display=False, detectors=[])
    gw = GradientWatch(net, monitor=mon, exploding=1.0, patience=1)
    mon.log(1, loss=0.5, val_loss=0.4)  # epoch 1 done: the spike comes in epoch 2
    spike_at(gw, net, spike=3, steps=3)
    assert gw.events and mon.events == gw.events
    event = gw.events[0]
    assert (event.step, event.epoch, event.unit) == (3, 2, "epoch")
    assert str(event).startswith("epoch 2: ")


def test_the_largest_layer_with_a_tiny_gradient_reads_naturally(language: str) -> None:
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(4, 4), torch.nn.Linear(4, 1))
    gw = GradientWatch(net, patience=1, vanishing=1e-3)
    (net(torch.randn(8, 4)).sum() * 1e-6).backward()
    norms = gw.step()
    top = max(norms, key=lambda layer: norms[layer])
    by_layer = {e.values["layer"]: e for e in gw.events}
    assert set(by_layer) == {"0", "1"}
    largest = by_layer[top]
    assert largest.message_id == "grad.vanishing_below"
    assert largest.values["limit"] == 1e-3 and largest.values["norm"] == norms[top]
    shown = {"en": "below 0.001", "pl": "poniżej 0,001"}[language]
    assert shown in largest.message and f"'{top}'" in largest.message
    assert "largest" not in largest.message and "największej" not in largest.message
    assert "of the largest, '" not in largest.message


def test_a_layer_small_beside_the_largest_still_names_it() -> None:
    net = torch.nn.Sequential(torch.nn.Linear(3, 3), torch.nn.Linear(3, 1))
    gw = GradientWatch(net, patience=1)
    net[0].weight.grad = torch.full((3, 3), 1e-12)
    net[0].bias.grad = torch.zeros(3)
    net[1].weight.grad = torch.ones(1, 3)
    net[1].bias.grad = torch.ones(1)
    gw.step()
    (event,) = gw.events
    assert event.message_id == "grad.vanishing" and "of the largest, '1'" in event.message


def test_the_docstring_says_which_gradients_are_read_and_they_are() -> None:
    doc = GradientWatch.__doc__ or ""
    for words in ("GradScaler", "scaler.unscale_(optimizer)", "clip_grad_norm_", "clipped"):
        assert words in doc, words
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.Tanh(), torch.nn.Linear(8, 1))
    opt = torch.optim.SGD(net.parameters(), lr=1e-6)
    scaler = torch.amp.GradScaler("cpu")
    with GradientWatch(net, optimizer=opt) as hooked, GradientWatch(net) as manual:
        opt.zero_grad()
        scaler.scale(net(torch.randn(5, 4)).pow(2).mean() * 1e5).backward()
        scaler.unscale_(opt)
        manual.step()  # after unscale_: the true norms, as the docstring says
        true = dict(manual.last)
        torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
        scaler.step(opt)  # the optimizer's hook reads the clipped norms
    assert min(true.values()) > 1.0
    assert math.sqrt(sum(v * v for v in hooked.last.values())) == pytest.approx(1.0, rel=1e-4)


@pytest.mark.parametrize("mark", ["\n", "\r", "\u202e", "\u2028", "\ud800", "\ufffe"], ids=ascii)
def test_a_layer_name_with_a_line_break_keeps_the_table_and_repr_one_line_per_row(
    mark: str,
) -> None:
    net = torch.nn.Sequential()
    net.add_module(f"evil{mark}name", torch.nn.Linear(2, 2))
    net.add_module("out", torch.nn.Linear(2, 1))
    gw = GradientWatch(net)
    net(torch.ones(3, 2)).sum().backward()
    gw.step()
    shown = ascii(mark)[1:-1]  # "\\n", "\\u202e", ...
    rows = gw.table().split("\n")
    assert len(rows) == 3 and not any(mark in row for row in rows)
    assert rows[1].startswith(f"evil{shown}name ") and rows[2].startswith("out ")
    assert len({len(row) for row in rows}) == 1  # the columns still line up
    text = repr(gw)
    assert mark not in text and f"(evil{shown}name, out)" in text


def test_a_replaced_layer_names_both_causes_in_each_language(language: str) -> None:
    net = torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.Linear(2, 1))
    gw = GradientWatch(net)
    net[1] = torch.nn.Linear(2, 3)
    net(torch.ones(1, 2)).sum().backward()
    gw.step()
    (event,) = gw.events
    words = {
        "en": ("GradientWatch, and the optimizer, after changing the model", "inside forward"),
        "pl": ("optymalizator, dopiero po zmianie modelu", "wewnątrz forward"),
    }[language]
    assert event.message_id == "grad.replaced" and "'1'" in event.message
    assert all(w in event.message for w in (*words, "__init__"))


def test_an_added_layer_is_said_in_each_language(language: str) -> None:
    net = torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.Linear(2, 1))
    gw = GradientWatch(net)
    net.append(torch.nn.Linear(1, 1))
    net(torch.ones(1, 2)).sum().backward()
    gw.step()
    (event,) = gw.events
    words = {
        "en": ("was added to the model", "after changing the model"),
        "pl": ("została dodana do modelu", "dopiero po zmianie modelu"),
    }[language]
    assert event.message_id == "grad.added" and "'2'" in event.message
    assert all(w in event.message for w in words)


@pytest.mark.parametrize("act", [torch.nn.ReLU, torch.nn.Tanh])
def test_a_gradient_of_exactly_zero_from_the_start_is_said_so_in_each_language(
    language: str, act: type[torch.nn.Module]
) -> None:
    net = torch.nn.Sequential(torch.nn.Linear(2, 2), act(), torch.nn.Linear(2, 1))
    gw = GradientWatch(net, patience=1)
    net[0].weight.grad, net[0].bias.grad = torch.zeros(2, 2), torch.zeros(2)
    net[2].weight.grad, net[2].bias.grad = torch.ones(1, 2), torch.ones(1)
    gw.step()
    (event,) = gw.events
    kind = "dead" if act is torch.nn.ReLU else "zero"
    assert event.message_id == f"grad.{kind}_from_start"
    words = {
        "en": ("exactly 0 since its first step", "no gradient reaches its weights at all"),
        "pl": ("od pierwszego kroku", "równy dokładnie zeru", "w ogóle nie dociera gradient"),
    }[language]
    assert all(w in event.message for w in words)
    assert ("LeakyReLU" in event.message) == (act is torch.nn.ReLU)


def test_a_watch_that_recorded_no_step_says_how_to_record_one(language: str) -> None:
    """Sweep 19c §2: without optimizer= and without watch.step() the table was only its header."""
    net = torch.nn.Sequential(torch.nn.Linear(4, 4), torch.nn.ReLU(), torch.nn.Linear(4, 1))
    gw = GradientWatch(net)
    opt = torch.optim.SGD(net.parameters(), lr=0.1)
    for _ in range(3):  # the student trains, but never calls gw.step()
        opt.zero_grad()
        net(torch.ones(2, 4)).sum().backward()
        opt.step()
    table = gw.table()
    assert "watch.step()" in table and "loss.backward()" in table and "optimizer=opt" in table
    assert table.splitlines()[0].split()[0] not in ("layer", "warstwa")  # not a bare header
    assert "watch.step()" in gw._text()  # a cell's value outside a notebook
    hooked = GradientWatch(net, optimizer=opt)  # made with optimizer=: no step happened yet
    assert "optimizer.step()" in hooked.table() and "optimizer=opt" not in hooked.table()
    opt.zero_grad()
    net(torch.ones(2, 4)).sum().backward()
    opt.step()
    assert hooked.table().splitlines()[0].split()[0] in ("layer", "warstwa")
    hooked.close()


def test_a_watch_whose_optimizer_was_made_again_says_it_follows_the_old_one(
    language: str,
) -> None:
    """The optimizer cell run again after the watch was made, then 20 steps trained: the table
    said only that the norms are read at each optimizer.step() (sweep 30)."""
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(8, 16), torch.nn.ReLU(), torch.nn.Linear(16, 4))
    opt = torch.optim.SGD(net.parameters(), lr=0.1)
    watch = GradientWatch(net, optimizer=opt)
    opt = torch.optim.SGD(net.parameters(), lr=0.05)  # the optimizer's cell run again
    for _ in range(3):
        opt.zero_grad()
        torch.nn.functional.cross_entropy(
            net(torch.randn(32, 8)), torch.randint(0, 4, (32,))
        ).backward()
        opt.step()
    words = {
        "en": ("got gradients since the watch was made", "made again after the watch"),
        "pl": ("dostały gradienty już po utworzeniu", "utworzony ponownie po GradientWatch"),
    }[language]
    assert watch.steps == 0 and all(w in watch.table() for w in words)
    assert all(w in watch._text() for w in words)  # a cell's value outside a notebook
    watch.close()


@pytest.mark.parametrize("case", ["before_first_step", "accumulating", "scaler_skips"])
def test_the_same_optimizer_not_stepped_yet_is_not_said_to_be_made_again(case: str) -> None:
    """Gradients alone (read after backward() before the first step, mid gradient accumulation,
    a GradScaler skipping its first steps) were said to come from an optimizer made again."""
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 2))
    opt = torch.optim.SGD(net.parameters(), lr=0.1)
    watch = GradientWatch(net, optimizer=opt)
    scaler = torch.amp.GradScaler("cpu", init_scale=3e38)  # its first steps overflow: skipped
    x, y = torch.randn(16, 4), torch.randint(0, 2, (16,))
    for _ in range(1 if case == "before_first_step" else 2):
        loss = torch.nn.functional.cross_entropy(net(x), y) * 100
        if case == "scaler_skips":
            opt.zero_grad()
            scaler.scale(loss).backward()
            scaler.step(opt)
            scaler.update()
        else:
            loss.backward()
    assert watch.steps == 0
    assert watch.table() == i18n.message("monitor.gradwatch.no_steps_yet")
    watch.close()


# ------------------------------------- zero_grad() between backward() and step(): said, not hidden
ORDER = "zero_grad(), backward(), step()"


def test_steps_without_a_gradient_are_printed_once_when_they_happen(
    language: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Sweep 20c §3: the explanation was only in watch.events; nothing was printed."""
    gw = zero_grad_before_step(20)
    printed = capsys.readouterr().out.splitlines()
    (event,) = gw.events
    word = {"en": "step", "pl": "krok"}[language]
    assert printed == [f"  ! {word} 3: {event.message}"]
    assert event.message_id == "grad.step_none" and ORDER in event.message


def test_every_event_of_a_watch_is_printed_once(capsys: pytest.CaptureFixture[str]) -> None:
    """Not only the empty steps: an exploding layer, a layer replaced, eval mode."""
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(4, 4), torch.nn.Dropout(), torch.nn.Linear(4, 1))
    gw = GradientWatch(net, exploding=1.0, patience=1)
    net.eval()
    spike_at(gw, net, spike=2, steps=3)
    printed = capsys.readouterr().out.splitlines()
    assert {e.message_id for e in gw.events} == {"grad.exploding", "grad.eval_mode"}
    assert printed == [f"  ! {e}" for e in gw.events]


def test_a_watch_with_a_monitor_leaves_showing_its_events_to_the_monitor(
    capsys: pytest.CaptureFixture[str],
) -> None:
    quiet = Monitor(display=False, detectors=[])
    gw = zero_grad_before_step(5, monitor=quiet)
    assert capsys.readouterr().out == "" and quiet.events == gw.events  # display=False: silent
    loud = Monitor(display="text", detectors=[])
    gw = zero_grad_before_step(5, monitor=loud)
    (event,) = gw.events
    assert capsys.readouterr().out.count(event.message) == 1  # printed by the monitor, once


def test_the_table_of_steps_without_a_gradient_says_why_and_lists_the_events(
    language: str,
) -> None:
    """Sweep 20c §3: the table was its header alone, after 20 steps."""
    gw = zero_grad_before_step(20)
    lines = gw.table().splitlines()
    count = {"en": "20 steps", "pl": "20 kroków"}[language]
    assert lines[0].split()[0] not in ("layer", "warstwa")  # no bare header
    assert count in lines[0] and ORDER in lines[0] and ".grad" in lines[0]
    assert lines[1:] == [{"en": "1 event:", "pl": "1 zdarzenie:"}[language], f"  {gw.events[0]}"]
    assert gw.table() in gw._text()  # a cell's value outside a notebook


def test_the_table_says_why_it_has_no_row_without_an_optimizer_too(language: str) -> None:
    net = torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.Linear(2, 1))
    gw = GradientWatch(net)
    gw.step()  # called before any backward(): no .grad to read
    first = gw.table().splitlines()[0]
    assert "watch.step()" in first and "loss.backward()" in first and ORDER not in first
    frozen = GradientWatch(net)
    net.requires_grad_(False)  # then every parameter frozen: nothing to read, nothing trains
    frozen.step()
    assert "requires_grad_(True)" in frozen.table() and "watch.step()" not in frozen.table()


def test_the_table_lists_the_events_below_the_rows() -> None:
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(4, 4), torch.nn.Linear(4, 1))
    gw = GradientWatch(net, exploding=1.0, patience=1)
    spike_at(gw, net, spike=2, steps=3)
    lines = gw.table().splitlines()
    assert [line.split()[0] for line in lines[:3]] == ["layer", "0", "1"]
    assert lines[3:] == [f"{len(gw.events)} event{'s' * (len(gw.events) > 1)}:"] + [
        f"  {e}" for e in gw.events
    ]


def test_the_table_lines_up_layers_named_in_cjk_or_emoji_by_the_columns_they_take() -> None:
    """Sweep s41 (esc, finding 4): layer names were padded by len()."""
    from nngraph._oneline import shown_width

    model = torch.nn.Sequential()
    for name in ("层一", "x", "🔥"):
        model.add_module(name, torch.nn.Linear(2, 2))
    watch = GradientWatch(model)
    model(torch.randn(3, 2)).sum().backward()
    watch.step()
    lines = str(watch.table()).splitlines()[:4]
    assert len({shown_width(line) for line in lines}) == 1, lines
