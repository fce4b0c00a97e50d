"""``g.summary()`` and ``g.health()`` as a notebook cell's last line show the table and the
findings, one per line, not a repr with literal ``\\n`` or a list of dicts (sweep 23b finding 5,
sweep 23h finding 3). To code they stay a str and a list."""

from __future__ import annotations

import json

import torch
from IPython.core.formatters import PlainTextFormatter

import nngraph as ng


def shown(value: object) -> str:
    """The text/plain a notebook shows (and saves) for `value` as a cell's last line."""
    return str(PlainTextFormatter()(value))


def test_a_summary_shows_as_its_table_and_stays_a_string() -> None:
    g = ng.trace(torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.ReLU()), torch.randn(4, 3))
    table = g.summary()
    assert shown(table) == str(table)  # the lines themselves, no quotes, no "\n"
    assert shown(table).splitlines()[1].split()[:3] == ["Module", "Type", "Output"]
    assert (
        isinstance(table, str)
        and table == str(table)
        and table.splitlines() == str(table).splitlines()
    )
    assert repr(table) == repr(str(table))


def test_health_shows_one_line_per_finding_and_stays_a_list() -> None:
    model = torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.ReLU())
    g = ng.trace(model, torch.full((4, 2), float("nan")), loss=lambda y: y.sum())
    findings = g.health()
    lines = shown(findings).splitlines()
    assert len(lines) == len(findings) == 2
    assert all(line.startswith("- [") for line in lines)
    assert [f["message"] in line for f, line in zip(findings, lines, strict=True)] == [True, True]
    assert isinstance(findings, list) and json.loads(json.dumps(findings)) == list(findings)


def test_health_without_a_finding_says_so() -> None:
    model = torch.nn.Linear(2, 1)
    trained = ng.trace(model, torch.randn(8, 2), loss=lambda y: y.pow(2).mean())
    assert trained.health() == []
    assert shown(trained.health()) == (
        "Findings: none (no vanishing/exploding gradients, dead units, NaN or Inf)"
    )
    forward = ng.trace(model, torch.randn(8, 2))
    assert shown(forward.health()).startswith("Findings: none in the forward pass")
