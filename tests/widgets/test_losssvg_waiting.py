"""The static picture of an empty view says what feeds it (sweep CC, bug 5).

A GradientWatch with no step yet told the student to call ``mon.log(...)``, which does nothing
for it; the live view says "waiting for the first gradients", and so does the picture now.
"""

from __future__ import annotations

import contextlib
import io
import re

import pytest
import torch

import nngraph as ng
from nngraph.i18n import message
from nngraph.monitor import GradientWatch, Monitor, Runs
from nngraph.widgets import LossView
from nngraph.widgets._losssvg import loss_svg
from tests.conftest import zero_grad_before_step


@pytest.mark.parametrize("language", ["en", "pl"])
def test_an_empty_gradient_view_waits_for_gradients(language: str) -> None:
    watch = GradientWatch(torch.nn.Linear(2, 1))
    ng.set_language(language)
    try:
        view = LossView(watch)
        svg = view.static_svg()
        bundle, _ = view._repr_mimebundle_()
        expected = message("lossview.waiting_gradients")
        view.close()
    finally:
        ng.set_language("en")
    assert "optimizer.step()" in expected
    assert expected in svg and "mon.log" not in svg
    assert "mon.log" not in bundle["image/svg+xml"]
    watch.close()


@pytest.mark.parametrize("source", [lambda: Monitor(display=False), lambda: Runs(display=False)])
def test_an_empty_loss_view_still_waits_for_mon_log(source: object) -> None:
    view = LossView(source())  # type: ignore[operator]
    assert "waiting for the first mon.log(...)" in view.static_svg()
    view.close()


def test_the_picture_without_the_views_words_speaks_the_catalog() -> None:
    svg = loss_svg({"kind": "gradients", "runs": {}})
    assert "waiting for the first gradients (watch.step() or optimizer.step())" in svg
    assert "waiting for the first mon.log(...)" in loss_svg({"kind": "monitor", "runs": {}})


def test_the_text_of_a_gradient_view_with_no_step_says_how_to_record_one() -> None:
    """Sweep 19c §2: its text said only "nngraph gradient norms per layer: -" and a header."""
    watch = GradientWatch(torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.Linear(2, 1)))
    view = LossView(watch)
    bundle, _ = view._repr_mimebundle_()
    view.close()
    text = bundle["text/plain"]
    assert "call watch.step() after each loss.backward()" in text and "optimizer=opt" in text


def test_the_text_of_a_gradient_view_lists_the_layers_in_the_models_order() -> None:
    """Sweep 19c §7: the layers were sorted as strings: 0, 10, 12, 2, 20, ..."""
    net = torch.nn.Sequential(*[torch.nn.Linear(2, 2) for _ in range(12)], torch.nn.Linear(2, 1))
    watch = GradientWatch(net)
    net(torch.ones(3, 2)).sum().backward()
    watch.step()
    view = LossView(watch)
    head = view._text().splitlines()[0]
    view.close()
    assert head == "nngraph gradient norms per layer: " + ", ".join(map(str, range(13)))
    top = GradientWatch(torch.nn.Linear(2, 1))  # the top-level module is called ""
    top.model(torch.ones(1, 2)).sum().backward()
    top.step()
    view = LossView(top)
    assert view._text().splitlines()[0] == "nngraph gradient norms per layer: (model)"
    view.close()


@pytest.mark.parametrize("language", ["en", "pl"])
def test_a_gradient_view_whose_steps_found_no_gradient_says_so(language: str) -> None:
    """Sweep 20c §3: after 20 steps the picture still said "waiting for the first gradients"
    and the text was a bare table header; the event that explains it was nowhere."""
    watch = zero_grad_before_step(20)
    ng.set_language(language)
    try:
        view = LossView(watch)
        bundle, _ = view._repr_mimebundle_()
        words = [message(k) for k in ("lossview.waiting_gradients", "lossview.no_gradients")]
        table = watch.table()
        view.close()
    finally:
        ng.set_language("en")
    svg, text = bundle["image/svg+xml"], bundle["text/plain"]
    waiting, no_gradients = words
    assert waiting not in svg and "zero_grad(), backward(), step()" in no_gradients
    shown = " ".join(re.findall(r">([^<]*)</text>", svg))
    assert no_gradients in shown  # wrapped onto rows of the picture
    assert " ".join(watch.events[0].message.split()) in shown  # and the event below it
    assert text.endswith(table) and watch.events[0].message in text
    assert "zero_grad(), backward(), step()" in text.splitlines()[1]


def test_a_gradient_view_of_steps_no_backward_reached_does_not_blame_zero_grad() -> None:
    """Sweep s41 (teach, finding 1): the event said that backward() is not called, and the
    table's headline and the picture right above it asked whether zero_grad() is misplaced."""
    net = torch.nn.Linear(2, 1)
    opt = torch.optim.SGD(net.parameters(), lr=0.1)
    watch = GradientWatch(net, optimizer=opt)
    with contextlib.redirect_stdout(io.StringIO()):
        for _ in range(5):
            opt.zero_grad()
            net(torch.ones(4, 2)).sum()  # the loss, and no loss.backward()
            opt.step()
    assert [e.message_id for e in watch.events] == ["grad.step_unreached"]
    head = str(watch.table()).splitlines()[0]
    assert "no loss.backward() had reached" in head and "zero_grad() called" not in head
    view = LossView(watch)
    bundle, _ = view._repr_mimebundle_()
    view.close()
    shown = " ".join(re.findall(r">([^<]*)</text>", bundle["image/svg+xml"]))
    assert "no loss.backward() had reached" in shown and "zero_grad() called" not in shown


def test_the_picture_of_an_empty_gradient_view_lists_its_events_under_the_waiting_line() -> None:
    event = {"step": 2, "epoch": 2, "unit": "step", "detector": "GradientWatch", "message": "m"}
    svg = loss_svg({"kind": "gradients", "runs": {"": {"metrics": {}, "events": [event]}}})
    rows = re.findall(r">([^<]*)</text>", svg)
    assert rows == [
        "waiting for the first gradients (watch.step() or optimizer.step())",
        "step 2 · GradientWatch",
        "m",
    ]
