"""health() and summary(): a note on parameters left frozen (requires_grad=False) beside ones
that learn (sweep s47 M2: 2,080 of 2,410 parameters frozen got "Findings: none"). A note, not a
finding: freezing is often meant, and `health()` still returns `[]` for it."""

from __future__ import annotations

import torch
from torch import nn

import nngraph as ng
from nngraph.i18n import set_language


def _graph(model: nn.Module) -> ng.Graph:
    torch.manual_seed(0)
    return ng.trace(model, torch.randn(16, 64), loss=lambda out: out.pow(2).mean())


def test_a_frozen_layer_is_named_with_its_parameters_in_health_and_summary() -> None:
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10))
    model[0].requires_grad_(False)
    g = _graph(model)
    found = g.health()
    assert found == []  # no finding: freezing may be meant
    note = (
        "Frozen (requires_grad=False), so they do not learn: 0 (Linear), 2,080 of the model's"
        " 2,410 parameters. Fine if you froze them on purpose (fine-tuning)"
    )
    lines = str(found).splitlines()
    assert lines[0].startswith("Findings: none") and lines[1].startswith(note)
    summary = g.summary()
    assert note in summary and "Trainable params used in this graph: 330" in summary
    set_language("pl")
    try:
        assert "Zamrożone (requires_grad=False), więc się nie uczą: 0 (Linear)" in str(g.health())
    finally:
        set_language("en")


def test_a_frozen_body_is_named_once_and_nothing_is_said_without_frozen_or_learning_ones() -> None:
    torch.manual_seed(0)
    body = nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 32), nn.ReLU())
    model = nn.Sequential()
    model.add_module("body", body.requires_grad_(False))
    model.add_module("head", nn.Linear(32, 10))
    assert "do not learn: body (Sequential), 3,136 of" in str(_graph(model).health())
    model.requires_grad_(True)
    assert "Frozen" not in str(_graph(model).health()) + _graph(model).summary()
    model.requires_grad_(False)  # only evaluated: nothing learns, nothing to single out
    assert "Frozen" not in ng.trace(model, torch.randn(16, 64)).summary()


def test_the_note_stands_under_the_findings_too() -> None:
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(64, 32), nn.Linear(32, 10))  # no activation: a finding
    model[1].requires_grad_(False)
    lines = str(_graph(model).health()).splitlines()
    assert lines[0].startswith("- [no activation]") and lines[-1].startswith("Frozen")
