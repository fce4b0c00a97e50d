"""health() lists its findings in the order summary() does: causes first (see
`_summary_findings.rank`), then where they stand in the forward pass (sweep s47 L1: dead units
and the zero gradients they cause came in opposite orders)."""

from __future__ import annotations

import torch
from torch import nn

import nngraph as ng
from nngraph.datasets import iris, moons


def _dead_relu() -> ng.Graph:
    torch.manual_seed(0)
    data = moons()
    model = nn.Sequential(nn.Linear(2, 10), nn.ReLU(), nn.Linear(10, 2))
    with torch.no_grad():
        model[0].bias.fill_(-5.0)
    return ng.trace(model, data.x_train, loss=lambda out: nn.CrossEntropyLoss()(out, data.y_train))


def _deep_sigmoid() -> ng.Graph:
    torch.manual_seed(0)
    data = iris()
    layers: list[nn.Module] = []
    for size in [4] + [32] * 9:
        layers += [nn.Linear(size, 32), nn.Sigmoid()]
    model = nn.Sequential(*layers, nn.Linear(32, 3))
    return ng.trace(model, data.x_train, loss=lambda out: nn.CrossEntropyLoss()(out, data.y_train))


def _summary_lines(g: ng.Graph) -> list[str]:
    return [line for line in g.summary().splitlines() if line.startswith("- [")]


def test_health_and_summary_list_the_findings_in_the_same_order() -> None:
    for g in (_dead_relu(), _deep_sigmoid()):
        found = g.health()
        shown = [line for line in str(found).splitlines() if line.startswith("- [")]
        assert len(shown) >= 2 and shown == _summary_lines(g)
    found = _dead_relu().health()
    assert [f["kind"] for f in found] == ["dead", "vanishing", "vanishing"]  # the cause first
