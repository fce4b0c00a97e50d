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


def _sigmoid_net(depth: int = 6) -> torch.nn.Sequential:
    torch.manual_seed(0)
    layers: list[torch.nn.Module] = [torch.nn.Linear(8, 32), torch.nn.Sigmoid()]
    for _ in range(depth - 2):
        layers += [torch.nn.Linear(32, 32), torch.nn.Sigmoid()]
    return torch.nn.Sequential(*layers, torch.nn.Linear(32, 1))


def _record_cell(net: torch.nn.Module) -> ng.Graph:
    """The lesson's `%%nngraph -o g` cell: forward and backward, no optimizer, no zero_grad."""
    x, y = torch.randn(128, 8), torch.randn(128, 1)
    with ng.record(net) as rec:
        torch.nn.functional.mse_loss(net(x), y).backward()
    return rec.graph


def test_a_cell_run_twice_shows_its_accumulated_gradients_in_one_line() -> None:
    """Sweep 24C finding 2: the second run of the lesson cell showed one line per weight and
    bias (12 here, 20 in the lesson), all saying the same, and its vanishing findings were gone
    without a word. Now one line names the parameters and the next says the gradient sizes
    were not judged, and why; the list keeps a dict per parameter."""
    net = _sigmoid_net()
    first = _record_cell(net).health()
    assert "vanishing" in {f["kind"] for f in first}
    assert "not judged" not in shown(first)
    found = _record_cell(net).health()
    names = [name for name, _ in net.named_parameters()]
    assert [(f["kind"], f["name"]) for f in found] == [("accumulated", n) for n in names]
    assert json.loads(json.dumps(found)) == list(found)
    head, line, note = shown(found).splitlines()
    assert head == f"Findings ({len(names)}, in one line):"
    assert line.startswith("- [accumulated gradient] The .grad of each of 12 parameters")
    assert line.endswith(f"The parameters: {', '.join(names)}.")
    assert "not judged (vanishing or exploding)" in note
    assert "sum over several backward passes" in note and "zero_grad()" in note
    assert str(found) == shown(found)  # print(g.health()) writes the same lines


def test_the_summary_says_too_that_accumulated_gradient_sizes_are_not_judged() -> None:
    net = _sigmoid_net()
    _record_cell(net)
    text = _record_cell(net).summary()
    findings = text.split("Findings (12, in one line):\n")[1].splitlines()
    assert len(findings) == 2 and findings[0].startswith("- [accumulated gradient]")
    assert "not judged" in findings[1]


def test_the_unjudged_gradient_sizes_are_said_in_polish() -> None:
    net = _sigmoid_net()
    _record_cell(net)
    ng.set_language("pl")
    lines = shown(_record_cell(net).health()).splitlines()
    assert lines[0] == "Wykryte problemy (12, w jednym wierszu):"
    assert "Wielkość tych gradientów nie jest oceniana" in lines[2]


def test_accumulated_biases_alone_leave_the_gradient_sizes_judged() -> None:
    """Where only the biases kept a gradient from before, every weight's gradient size is
    still judged: no line says otherwise."""
    net = _sigmoid_net()
    _record_cell(net)
    for name, p in net.named_parameters():
        if name.endswith("weight"):
            p.grad = None
    found = _record_cell(net).health()
    assert {f["kind"] for f in found} >= {"accumulated", "vanishing"}
    assert "not judged" not in shown(found)
    assert shown(found).splitlines()[0] == f"Findings ({len(found)}, in {len(found) - 5} lines):"


class _Experts(torch.nn.Module):
    """A mixture of experts whose router sends every example to the first expert."""

    def __init__(self) -> None:
        super().__init__()
        self.experts = torch.nn.ModuleList(torch.nn.Linear(8, 8) for _ in range(6))

    def forward(self, x: torch.Tensor, choice: torch.Tensor) -> torch.Tensor:
        out = torch.zeros_like(x)
        for i, expert in enumerate(self.experts):
            rows = (choice == i).nonzero().squeeze(1)
            out[rows] += expert(x[rows])
        return out


def test_experts_that_got_no_examples_are_said_in_one_line() -> None:
    """Review 24: each of 60 empty experts would have had its own identical sentence."""
    x, choice = torch.randn(10, 8), torch.zeros(10, dtype=torch.long)
    found = ng.trace(_Experts(), x, choice, loss=lambda y: y.pow(2).mean()).health()
    assert len(found) == 5 and all(f["no_examples"] for f in found)
    lines = shown(found).splitlines()
    assert lines[0] == "Findings (5, in one line):" and len(lines) == 2
    assert "modules experts.1, experts.2, experts.3, experts.4, experts.5 (Linear)" in lines[1]
