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
        "Frozen parameters (requires_grad=False) do not learn: 2,080 of the model's 2,410, in"
        " 0 (Linear). Fine if you froze them on purpose (fine-tuning)"
    )
    lines = str(found).splitlines()
    assert lines[0].startswith("Findings: none") and lines[1].startswith(note)
    summary = g.summary()
    assert note in summary and "Trainable params used in this graph: 330" in summary
    set_language("pl")
    try:
        assert "Zamrożone parametry (requires_grad=False) się nie uczą: 2" in str(g.health())
    finally:
        set_language("en")


def test_a_frozen_body_is_named_once_and_nothing_is_said_without_frozen_or_learning_ones() -> None:
    torch.manual_seed(0)
    body = nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 32), nn.ReLU())
    model = nn.Sequential()
    model.add_module("body", body.requires_grad_(False))
    model.add_module("head", nn.Linear(32, 10))
    assert "do not learn: 3,136 of the model's 3,466, in body (Sequential)." in str(
        _graph(model).health()
    )
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


def _scale_findings_of_raw_data_into_frozen(*between: nn.Module) -> list[str]:
    """The data-scale findings of raw 0..255 data into a frozen Linear(64, 64), then
    ``between``, then a Linear(64, 10) that learns."""
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(64, 64), *between, nn.Linear(64, 10))
    model[0].requires_grad_(False)
    x = torch.randint(0, 256, (64, 64)).float()
    g = ng.trace(model, x, loss=lambda out: out.pow(2).mean())
    return [f["message"] for f in g.health() if "standardised" in f["message"]]


def test_raw_data_into_a_frozen_layer_names_the_first_layer_that_learns() -> None:
    """Sweep s47 review M4: raw 0..255 pixels into a frozen first layer got "this layer gets
    huge gradients and takes huge, unstable steps" of module 0, beside the note that module 0
    is frozen. It takes no steps: module 2, which reads what it passes on, gets them."""
    scale = _scale_findings_of_raw_data_into_frozen(nn.ReLU())
    assert len(scale) == 1 and "this layer gets huge gradients" not in scale[0]
    assert "That layer is frozen (requires_grad=False), so it takes no steps" in scale[0]
    assert "on to module 2 (Linear), the first layer that learns" in scale[0]
    assert "so module 2 (Linear) gets huge gradients" in scale[0]
    assert "divide by 255" in scale[0]


def test_raw_data_into_a_frozen_layer_normalised_after_it_says_no_huge_gradients() -> None:
    scale = _scale_findings_of_raw_data_into_frozen(nn.BatchNorm1d(64), nn.ReLU())
    assert len(scale) == 1 and "huge gradients" not in scale[0]
    assert "no layer that learns reads values this large" in scale[0]
