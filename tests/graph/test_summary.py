"""summary() and the notebook display: what `print(g.summary())` and `display(g)` give."""

from __future__ import annotations

import sys
import types
import warnings
from typing import Any

import networkx as nx
import pytest
import torch
from torch import nn

import nngraph as ng
from nngraph.graph import Graph
from nngraph.graph._finding import name_list
from nngraph.graph._summary_findings import finding_lines as summary_finding_lines
from tests.graph.conftest import Build, chain, deep_sigmoid, stats
from tests.tables import columns


def traced() -> Graph:
    torch.manual_seed(0)
    model = nn.Sequential()
    model.add_module("fc1", nn.Linear(3, 4))
    model.add_module("act", nn.ReLU())
    model.add_module("fc2", nn.Linear(4, 1))
    return ng.trace(model, torch.randn(64, 3), loss=lambda y: y.pow(2).mean())


def rows(text: str) -> dict[str, list[str]]:
    """Table rows by first cell (module path), split on runs of 2+ spaces."""
    import re

    lines = text.splitlines()
    body = lines[3 : lines.index(lines[0], 3)]
    return {
        re.split(r"\s{2,}", line.strip())[0]: re.split(r"\s{2,}", line.strip()) for line in body
    }


def test_summary_lists_modules_with_type_shape_params_and_grad_norm():
    g = traced()
    text = g.summary()
    assert text.splitlines()[1].split() == [
        "Module", "Type", "Output", "shape", "Params", "Grad", "norm", "Flags"
    ]  # fmt: skip
    table = rows(text)
    assert list(table) == ["(model)", "fc1", "act", "fc2"]
    assert table["fc1"][:4] == ["fc1", "Linear", "[64, 4]", "16"]
    assert table["act"][:4] == ["act", "ReLU", "[64, 4]", "0"]
    assert table["fc2"][:4] == ["fc2", "Linear", "[64, 1]", "5"]
    weight = next(d for _, d in g.nodes(data=True) if d["name"] == "fc2.weight")
    bias = next(d for _, d in g.nodes(data=True) if d["name"] == "fc2.bias")
    expected = (weight["grad"]["norm"] ** 2 + bias["grad"]["norm"] ** 2) ** 0.5
    assert float(table["fc2"][4]) == pytest.approx(expected, rel=1e-2)
    assert table["act"][4] == "-"


def test_the_model_row_shows_what_the_model_returns_not_the_loss():
    assert rows(traced().summary())["(model)"][:3] == ["(model)", "Sequential", "[64, 1]"]
    single = ng.trace(nn.Linear(3, 2), torch.randn(5, 3), loss=lambda y: y.pow(2).mean())
    assert rows(single.summary())["(model)"][:3] == ["(model)", "Linear", "[5, 2]"]
    # a loss module, as most tutorials write it, is no part of the model (review r1 of sweep 27:
    # the row showed the loss's shape, [])
    criterion, labels = nn.CrossEntropyLoss(), torch.tensor([0, 1, 1, 0, 1])
    g = ng.trace(nn.Linear(3, 2), torch.randn(5, 3), loss=lambda y: criterion(y, labels))
    assert rows(g.summary())["(model)"][:3] == ["(model)", "Linear", "[5, 2]"]


class _ReturnsItsLoss(nn.Module):
    """A Hugging Face classifier's way: the loss made inside forward, returned with the logits."""

    def __init__(self, *, loss_module: bool) -> None:
        super().__init__()
        self.fc, self.loss_module = nn.Linear(4, 3), loss_module

    def forward(self, x: torch.Tensor, labels: torch.Tensor) -> dict[str, torch.Tensor]:
        logits = self.fc(x)
        flat, targets = logits.view(-1, 3), labels.view(-1)
        if self.loss_module:
            loss = nn.CrossEntropyLoss()(flat, targets)
        else:
            loss = nn.functional.cross_entropy(flat, targets)
        return {"loss": loss, "logits": logits}


@pytest.mark.parametrize("loss_module", [True, False])
def test_the_model_row_of_a_model_returning_its_loss_shows_its_logits(loss_module: bool):
    """Sweep M1: BERT's row showed its labels reshaped ([2]), GPT-2's the loss ([])."""
    labels = torch.tensor([0, 1, 2, 0, 1])
    model = _ReturnsItsLoss(loss_module=loss_module)
    g = ng.trace(model, torch.randn(5, 4), labels, loss=lambda out: out["loss"])
    assert rows(g.summary())["(model)"][2] == "[5, 3]"


class _TwoHeads(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.body, self.cls, self.reg = nn.Linear(10, 32), nn.Linear(32, 5), nn.Linear(32, 1)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        h = torch.relu(self.body(x))
        return self.cls(h), self.reg(h)


def test_the_model_row_shows_the_result_the_loss_reads_not_another_it_returns():
    """Regression sweep RG1: a second head the loss leaves, MultiheadAttention's weights."""
    g = ng.trace(_TwoHeads(), torch.randn(8, 10), loss=lambda out: out[0].pow(2).mean())
    assert rows(g.summary())["(model)"][2] == "[8, 5]"
    attention, q = nn.MultiheadAttention(8, 2, batch_first=True), torch.randn(4, 5, 8)
    g = ng.trace(attention, q, q, q, loss=lambda out: out[0].pow(2).mean())
    assert rows(g.summary())["(model)"][2] == "[4, 5, 8]"


class _WithAnAuxLoss(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Linear(10, 5)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        logits = self.fc(x)
        return logits, logits.pow(2).mean()  # a balance or regularisation term


def test_the_model_row_of_an_evaluation_shows_the_result_the_loss_reads():
    """Regression sweep RG2: under no_grad the row showed the scalar auxiliary term."""
    y = torch.randint(0, 5, (16,))
    with torch.no_grad(), ng.record() as rec:
        logits, aux = _WithAnAuxLoss()(torch.randn(16, 10))
        loss = nn.functional.cross_entropy(logits, y)
    assert loss.shape == aux.shape == ()
    assert rows(rec.graph.summary())["(model)"][2] == "[16, 5]"


class _GradientPenalty(nn.Module):
    """A WGAN-GP critic's loss made in forward: `autograd.grad(create_graph=True)` makes ops of
    no recorded call that read the layers' values (a weight's transpose, [8, 1])."""

    def __init__(self) -> None:
        super().__init__()
        self.critic = nn.Sequential(nn.Linear(3, 8), nn.Tanh(), nn.Linear(8, 1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x.clone().requires_grad_(True)  # a leaf the forward goes on with
        score = self.critic(x)
        (grad,) = torch.autograd.grad(score.sum(), x, create_graph=True)
        return score.mean() + ((grad.norm(dim=1) - 1) ** 2).mean()


@pytest.mark.parametrize("loss", [True, False])
def test_the_model_row_of_a_gradient_penalty_in_forward_shows_what_it_returns(loss: bool):
    """Zoo sweep: the row showed [8, 1], a transpose the double backward read, for a model
    returning a number."""
    torch.manual_seed(0)
    model, x = _GradientPenalty(), torch.randn(6, 3)
    g = ng.trace(model, x, loss=(lambda y: y) if loss else None)
    assert model(x).shape == ()
    table = rows(g.summary())
    assert table["(model)"][2] == "[]"
    assert table["critic.2"][2] == "[6, 1]"


class _ReturnsText(nn.Module):
    def __init__(self, returned: Any) -> None:
        super().__init__()
        self.fc, self.returned = nn.Linear(4, 2), returned

    def forward(self, x: torch.Tensor) -> Any:
        self.fc(x)  # computed, then dropped
        return self.returned


@pytest.mark.parametrize("returned", ["hello", None])
def test_the_model_row_of_a_forward_returning_no_tensor_shows_no_shape(returned: Any):
    """Zoo sweep: it showed [3, 2], the result of a layer the forward dropped."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # None: "does forward end without `return`?"
        g = ng.trace(_ReturnsText(returned), torch.randn(3, 4))
    table = rows(g.summary())
    assert table["(model)"][2] == "-"
    assert table["fc"][2] == "[3, 2]"


@pytest.mark.parametrize("batch_first", [False, True])
def test_an_rnn_row_shows_the_output_used_not_the_final_state_thrown_away(batch_first: bool):
    class Tagger(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.rnn, self.fc = nn.GRU(4, 8, batch_first=batch_first), nn.Linear(8, 3)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            out, _ = self.rnn(x)  # the final state, made last, is dropped
            return self.fc(out)

    x = torch.randn(2, 12, 4) if batch_first else torch.randn(12, 2, 4)
    g = ng.trace(Tagger(), x, loss=lambda y: y.sum())
    used = "[2, 12, 8]" if batch_first else "[12, 2, 8]"
    assert rows(g.summary())["rnn"][2] == used
    (box,) = [d for _, d in g.collapse(0).nodes(data=True) if d["module"] == "rnn"]
    assert str(box["shape"]).replace(" ", "") == used.replace(" ", "")


def test_summary_totals_at_the_bottom():
    text = traced().summary()
    assert "Total params: 21" in text
    assert "Trainable params used in this graph: 21" in text
    assert "Backward passes: 1" in text
    assert "Module boxes" not in text  # an open graph has none: no line saying 0 under a table
    assert "Input shape(s): [64, 3]" in text


def test_summary_lists_findings_in_plain_words():
    g = traced()
    relu = next(n for n, d in g.nodes(data=True) if d["op"] == "relu")
    g.nodes[relu]["dead"] = [2, 4]
    text = g.summary()
    assert rows(text)["act"][-1] == "dead"
    assert "- [dead] 2 of 4 ReLU units in module act (ReLU) output zero" in text
    assert all(d["flags"] == [] for _, d in g.nodes(data=True))  # summary() changes nothing


def finding_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("- [")]


def test_a_run_of_layers_with_an_almost_zero_gradient_is_one_line_naming_them_all():
    g = deep_sigmoid(20)
    tiny = [f for f in g.health() if f["kind"] == "vanishing" and "per_layer" not in f]
    assert len(tiny) >= 3  # each layer keeps its own finding, in health() and on its node
    text = g.summary()
    grouped = [line for line in finding_lines(text) if "almost zero" in line]
    assert len(grouped) == 1
    modules = ", ".join(f["module"] for f in tiny)
    assert f"The weights of {len(tiny)} layers get an almost zero gradient" in grouped[0]
    assert f"so they do not learn: modules {modules} (Linear). Weights that start" in grouped[0]
    # what to do, as each single finding says it
    assert grouped[0].endswith("kaiming_normal_, and add BatchNorm or LayerNorm.")
    low, high = min(f["rms"] for f in tiny), max(f["rms"] for f in tiny)
    assert f"(RMS {low:.1e} to {high:.1e})" in grouped[0]
    # the count is still of findings, and says in how many lines they are
    assert f"Findings ({len(g.health())}, in {len(finding_lines(text))} lines):" in text
    assert all(rows(text)[f["module"]][-1] == "vanishing" for f in tiny)  # and every row flagged


def test_the_findings_head_counts_findings_and_the_lines_that_list_them():
    """Layers with an "almost zero gradient" share one line: the head said "Findings (4):"
    above two lines (sweep 24b, finding 3); it now says both numbers, in both languages."""
    g = deep_sigmoid(20)
    found = g.health()
    text = g.summary()
    lines = finding_lines(text)
    assert len(lines) < len(found)
    head = text.splitlines()[text.splitlines().index(lines[0]) - 1]
    assert head == f"Findings ({len(found)}, in {len(lines)} lines):"
    ng.set_language("pl")
    try:
        text = g.summary()
    finally:
        ng.set_language("en")
    assert f"Wykryte problemy ({len(found)}, w {len(lines)} wierszach):" in text


def test_a_grouped_line_speaks_polish_with_decimal_commas():
    g = deep_sigmoid(20)
    ng.set_language("pl")
    try:
        text = g.summary()
    finally:
        ng.set_language("en")
    line = next(line for line in finding_lines(text) if "prawie zerowy" in line)
    assert line.startswith("- [zanikający gradient] Wagi ")
    assert "warstw dostają prawie zerowy gradient (RMS od " in line
    assert "e-" in line and "," in line.split("RMS od ")[1].split(" ")[0]


def test_a_run_of_layers_with_a_huge_gradient_is_one_line_too():
    torch.manual_seed(0)
    model = nn.Sequential(*[m for _ in range(4) for m in (nn.Linear(16, 16), nn.Tanh())])
    g = ng.trace(model, torch.randn(8, 16), loss=lambda y: y.pow(2).mean() * 1e12)
    text = g.summary()
    lines = finding_lines(text)
    assert len(lines) == 1
    assert f"Findings ({len(g.health())}, in one line):" in text
    assert lines[0].startswith("- [exploding] The weights of 4 layers get a huge gradient (RMS ")
    assert lines[0].endswith(
        "so one training step can throw them far off: modules 0, 2, 4, 6 (Linear). Start from"
        " smaller weights, lower the learning rate, or clip the gradients with"
        " torch.nn.utils.clip_grad_norm_."
    )


def test_two_layers_with_an_almost_zero_gradient_keep_a_line_each():
    g = deep_sigmoid(20)
    g.health()  # stores the findings on the nodes, where summary() reads them
    kept = {"0", "2"}  # drop all but two of the per-layer findings
    for _, data in g.nodes(data=True):
        data["flags"] = [
            f for f in data.get("flags") or [] if "per_layer" in f or f.get("module") in kept
        ]
    lines = [line for line in finding_lines(g.summary()) if "almost zero" in line]
    assert len(lines) == 2
    assert lines[0].startswith("- [vanishing] The weights of module 0 (Linear)")


def too_large_init(std: float) -> Graph:
    """A 20-layer ReLU MLP whose weights start with `std`: the values grow layer after layer,
    every layer gets a huge gradient and ReLU units die (the sweeps' wall of findings)."""
    torch.manual_seed(0)
    layers: list[nn.Module] = []
    width = 16
    for _ in range(19):
        linear = nn.Linear(width, 64)
        nn.init.normal_(linear.weight, std=std)
        nn.init.zeros_(linear.bias)
        layers += [linear, nn.ReLU()]
        width = 64
    model = nn.Sequential(*layers, nn.Linear(64, 1))
    return ng.trace(model, torch.randn(32, 16), loss=lambda y: y.pow(2).mean())


def test_a_wall_of_findings_is_a_few_lines_with_the_cause_first():
    g = too_large_init(1.0)
    found = g.health()
    growing = [f for f in found if f["kind"] == "exploding" and f["where"] == "forward"]
    huge = [f["module"] for f in found if f["kind"] == "exploding" and "rms" in f]
    dead = [f["module"] for f in found if f["kind"] == "dead"]
    assert len(growing) == 1 and len(huge) >= 10
    lines = finding_lines(g.summary())
    assert lines[0].endswith(growing[0]["message"])  # what explains the rest comes first
    # then one line for every layer's huge gradient, though dead ReLUs stand between them
    (line,) = [line for line in lines if f"modules {', '.join(huge)} (Linear)" in line]
    assert line.startswith("- [exploding]") and f" {len(huge)} " in line
    said_dead = [line for line in lines if line.startswith("- [dead]")]
    if len(dead) >= 3:  # as many as make a line of their own
        assert said_dead == [next(line for line in lines if ", ".join(dead) in line)]
    else:
        assert len(said_dead) == len(dead)
    assert len(lines) == 2 + len(said_dead)  # was 19
    assert f"Findings ({len(found)}, in {len(lines)} lines):" in g.summary()


def test_the_first_non_finite_value_of_the_forward_pass_comes_before_the_backwards():
    g = too_large_init(3.0)  # the values overflow to infinity
    found = g.health()  # stored on the nodes: the backward finding's node comes first there
    forward, backward = (
        next(f for f in found if f["kind"] == "inf" and f["where"] == where)
        for where in ("forward", "backward")
    )
    lines = finding_lines(g.summary())
    assert lines[0].endswith(forward["message"]) and lines[1].endswith(backward["message"])


def test_a_forgotten_zero_grad_is_one_line_naming_every_parameter():
    torch.manual_seed(0)
    cnn = nn.Sequential(nn.Conv2d(1, 4, 3), nn.ReLU(), nn.Flatten(), nn.Linear(4 * 6 * 6, 3))
    optimizer = torch.optim.SGD(cnn.parameters(), lr=0.01)
    x, labels = torch.randn(8, 1, 8, 8), torch.randint(0, 3, (8,))
    with ng.record(cnn) as rec:
        for _ in range(2):  # two training steps, no optimizer.zero_grad() in them
            nn.functional.cross_entropy(cnn(x), labels).backward()
            optimizer.step()
    g = rec.graph
    found = [f for f in g.health() if f["kind"] == "accumulated"]
    assert len(found) == 4  # one for each parameter tensor
    for language in ("en", "pl"):
        ng.set_language(language)
        try:
            lines = finding_lines(g.summary())
        finally:
            ng.set_language("en")
        assert len(lines) == 1
        assert lines[0].startswith(
            "- [" + ("accumulated gradient]", "nagromadzony gradient]")[language == "pl"]
        )
        assert lines[0].endswith(": 0.weight, 0.bias, 3.weight, 3.bias.")
        assert " 4 " in lines[0] and "zero_grad()" in lines[0]


def test_two_gradients_added_up_are_one_line_too():
    w = torch.ones(3, requires_grad=True)
    b = torch.zeros(1, requires_grad=True)
    ((w * 2).sum() + b).sum().backward()  # an earlier pass left its gradients
    with ng.record() as rec:
        ((w * 2).sum() + b).sum().backward()
    lines = finding_lines(rec.graph.summary())
    assert len(lines) == 1 and lines[0].endswith(": w, b.")


def test_a_deep_sigmoid_net_says_how_the_gradient_shrinks_before_which_layers_barely_learn():
    g = deep_sigmoid(20)
    found = g.health()
    trend = [f for f in found if "per_layer" in f]
    assert len(trend) == 1 and len(found) > 3
    lines = finding_lines(g.summary())
    assert len(lines) == 2
    assert lines[0].endswith(trend[0]["message"])


def _said_of(module: str, key: str) -> dict[str, Any]:
    """A finding as health() writes it for one layer, with the numbers `key`'s sentence has."""
    no_gradient = {"no_gradient": "no_gradient", "no_examples": "no_gradient"}
    kind = {"dead": "dead", "dead_after": "dead", **no_gradient}.get(key)
    numbers: dict[str, Any] = {
        "vanishing_tiny": {"rms": 1e-12},
        "vanishing_zero": {"rms": 0.0},
        "vanishing_zero_input": {"rms": 0.0, "zero_input": True},
        "vanishing_underflow": {"rms": 0.0, "underflow": True},
        "exploding_huge": {"rms": 1e25},
        "dead": {"dead": 20, "units": 64},
        "dead_after": {"dead": 20, "units": 64, "layer": f"{module} (Linear)"},
        "vanishing_zero_layer": {"rms": 0.0, "zero_weight": "0.weight"},
        "dead_zero_layer": {"dead": 20, "units": 64, "zero_weight": "0.weight"},
        "dead_after_zero_layer": {
            "dead": 20,
            "units": 64,
            "layer": f"{module} (Linear)",
            "zero_weight": "0.weight",
        },
        "no_gradient": {},
        "no_examples": {"no_examples": True},
        "accumulated": {"name": f"{module}.weight"},
        "accumulated_unregistered": {"name": f"{module}.weight"},
        "accumulated_not_in_optimizer": {"name": f"{module}.weight", "not_in_optimizer": True},
        "not_in_optimizer": {"name": f"{module}.weight"},
        "vanishing_shrunk": {"rms": 1e-9, "shrunk": "0.weight, 2.weight"},
        "vanishing_equal": {"rms": 1e-9, "equal": "4.weight"},
    }[key]
    kind = kind or ("not_in_optimizer" if key == "not_in_optimizer" else key.split("_")[0])
    return {"kind": kind, "where": "backward", "node": module, "module": module,
            "message": f"{key} in {module}", **numbers}  # fmt: skip


GROUPED_KEYS = [
    "accumulated", "accumulated_not_in_optimizer", "accumulated_unregistered", "dead",
    "dead_after", "dead_after_zero_layer",
    "dead_zero_layer", "exploding_huge", "no_examples", "no_gradient", "not_in_optimizer",
    "vanishing_equal",
    "vanishing_shrunk", "vanishing_tiny", "vanishing_underflow", "vanishing_zero", "vanishing_zero_input",
    "vanishing_zero_layer",
]  # fmt: skip


@pytest.mark.parametrize("language", ["en", "pl"])
@pytest.mark.parametrize("key", GROUPED_KEYS)
def test_findings_of_one_sentence_are_one_line_wherever_they_stand(key: str, language: str):
    from nngraph.graph._summary_findings import GROUPED
    from nngraph.graph._summary_findings import finding_lines as lines_of

    assert sorted(GROUPED) == GROUPED_KEYS
    layers = ["1", "3", "5"]
    found = [_said_of(layers[0], key), {"kind": "other", "message": "between"}]
    found += [_said_of(path, key) for path in layers[1:]]
    types = dict.fromkeys(layers, "Linear")
    unregistered = set(layers) if key.endswith("unregistered") else set()
    ng.set_language(language)
    try:
        lines = lines_of(found, types, unregistered)
        fewer = [_said_of(path, key) for path in layers[: GROUPED[key] - 1]]  # too few
        alone = lines_of(fewer, types, unregistered)
    finally:
        ng.set_language("en")
    (text,) = [text for _, text in lines if text != "between"]
    assert len(lines) == 2 and " 3 " in text and "{" not in text
    assert "1, 3, 5" in text or "1.weight, 3.weight, 5.weight" in text or "1 (Linear), 3" in text
    if key.startswith("dead"):
        assert "31%" in text  # 20 of 64 units
    assert [text for _, text in alone] == [f["message"] for f in fewer]


def test_summary_of_a_healthy_and_of_a_forward_only_graph():
    assert "Findings: none (no vanishing" in traced().summary()
    g = ng.trace(nn.Linear(3, 2), torch.randn(1, 3))
    assert "no gradients recorded to check" in g.summary()


def test_summary_of_a_collapsed_graph_shows_boxes_and_carried_findings():
    g = chain(5000)
    text = g.collapse(depth=0).summary()
    table = rows(text)
    assert table["0"][:4] == ["0", "(Linear, ReLU) x5000", "[2, 8]", "360,000"]
    assert "Module boxes: 1" in text
    h = traced()
    relu = next(n for n, d in h.nodes(data=True) if d["op"] == "relu")
    h.nodes[relu]["dead"] = [2, 4]
    h.health()
    assert "[dead] 2 of 4 ReLU units" in h.collapse(depth=0).summary()


def test_summary_without_modules_lists_every_node_typed_by_its_autograd_node():
    w = torch.ones(3, requires_grad=True)
    loss = (w * 2).sum()
    loss.backward()
    text = ng.graph_of(loss, params={"w": w}).summary()
    assert text.splitlines()[1].split()[:2] == ["Node", "Type"]
    table = rows(text)
    assert [table[name][1] for name in ("w", "mul", "sum", "output")] == [
        "AccumulateGrad", "MulBackward0", "SumBackward0", "-"
    ]  # fmt: skip
    assert table["w"][4] == "3.46"  # the norm of w.grad, [2, 2, 2]


def test_graph_of_claims_no_count_of_backward_passes_it_did_not_see():
    model = nn.Linear(3, 1)
    loss = model(torch.randn(4, 3)).pow(2).mean()
    loss.backward()
    assert "Backward passes" not in ng.graph_of(loss).summary()
    assert "Backward passes" not in ng.graph_of(loss, params=model).summary()
    x = torch.ones(3, requires_grad=True)
    with ng.record() as rec:  # no modules, but the backward ran inside: counted
        (x * 2).sum().backward()
    assert "Backward passes: 1" in rec.graph.summary()


def test_summary_of_hand_built_graph_without_module_table():
    b = Build({})
    y = b.linear(b.input([2, 3]), "fc", 3, 2, batch=2)
    b.output(y)
    assert rows(b.g.summary())["fc"][:4] == ["fc", "Linear", "[2, 2]", "8"]


# -- display ---------------------------------------------------------------------------------


def test_show_builds_the_graph_view(monkeypatch):
    made: list[tuple[Any, dict]] = []

    class FakeView:
        def __init__(self, graph: Any, **options: Any) -> None:
            made.append((graph, options))

        def _repr_mimebundle_(self, **kw: Any) -> dict[str, str]:
            return {"text/html": "<div>view</div>"}

    fake = types.ModuleType("nngraph.widgets")
    fake.GraphView = FakeView  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "nngraph.widgets", fake)
    g = traced()
    assert isinstance(g.show(depth=1), FakeView)
    assert made == [(g, {"depth": 1})]
    assert g._repr_mimebundle_() == {"text/html": "<div>view</div>"}


def test_display_falls_back_to_the_summary_without_widgets(monkeypatch):
    monkeypatch.setitem(sys.modules, "nngraph.widgets", None)  # import fails
    g = traced()
    assert g._repr_mimebundle_() == {"text/plain": g.summary()}


def test_a_graph_in_a_tuple_shows_a_short_readable_line():
    g = ng.trace(nn.Linear(3, 2), torch.randn(1, 3))
    ng.set_language("en")
    assert repr(g) == "<nngraph Graph: 6 nodes, 2 ops, 8 parameters>"
    assert repr((g, g.collapse(0))) == f"({g!r}, {g.collapse(0)!r})"
    assert repr(Graph()) == "<nngraph Graph: 0 nodes, 0 ops, 0 parameters>"


def test_summary_rows_put_parents_before_children_and_boxes_under_their_parent():
    from tests.graph.test_collapse import small_resnet

    model = small_resnet()
    g = ng.trace(model, torch.randn(2, 3, 16, 16), loss=lambda y: y.sum())
    assert list(rows(g.summary()))[:6] == ["(model)", "0", "1", "2", "3", "3.0"]
    table = rows(g.collapse(depth=1).summary())
    assert table["3"][:2] == ["3", "Sequential"]
    assert table["3.0"][:4] == ["3.0", "BasicBlock x3", "[2, 8, 16, 16]", "3,552"]
    assert "Output shape(s): []" in g.summary()  # BatchNorm's batch counters are not outputs


# -- collapsed graphs --------------------------------------------------------------------------


def nested() -> Graph:
    torch.manual_seed(0)
    model = nn.Sequential(
        nn.Linear(3, 4), nn.Tanh(), nn.Sequential(nn.Linear(4, 4), nn.Tanh()), nn.Linear(4, 2)
    )
    return ng.trace(model, torch.randn(5, 3), loss=lambda o: o.pow(2).mean())


def totals(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith(("Total", "Trainable"))]


def test_a_collapsed_summary_shows_the_numbers_of_the_graph_it_folds():
    g = nested()
    flat = rows(g.summary())
    for depth in (0, 1):
        h = g.collapse(depth)
        table = rows(h.summary())
        for path in ("(model)", "0", "2", "3"):  # params and grad norm, as without boxes
            assert table[path][3:5] == flat[path][3:5], (depth, path)
        assert totals(h.summary()) == totals(g.summary())
        assert totals(g.summary()) == [
            "Total params: 46",
            "Trainable params used in this graph: 46",
        ]
        assert "Findings: none (no vanishing" in h.summary()  # checked inside the boxes
    assert float(flat["2"][4]) > 0 and float(flat["(model)"][4]) > 0


def test_a_box_row_shows_the_findings_inside_the_box():
    g = nested()
    act = next(n for n, d in g.nodes(data=True) if d["module"] == "2.1")
    g.nodes[act]["dead"] = [3, 4]  # (2 of 4 on 8 samples is chance: see _dead.DEAD_SPREAD)
    g.nodes[act]["value"] = stats(numel=8 * 4)
    h = g.collapse(0)
    assert "dead" in rows(h.summary())["2"][-1]  # found in the graph the box folds
    g.health()
    for h in (g.collapse(0), Graph.from_json(g.collapse(0).to_json())):
        assert "dead" in rows(h.summary())["2"][-1]  # stored on the box


def test_a_run_of_repeated_blocks_shows_the_gradient_of_the_whole_run():
    torch.manual_seed(0)
    model = nn.Sequential(*[nn.Linear(4, 4) for _ in range(3)])
    g = ng.trace(model, torch.randn(5, 4), loss=lambda o: o.pow(2).mean())
    row = rows(g.collapse(0).summary())["0"]
    assert row[1] == "Linear x3"
    norms = [d["grad"]["norm"] for _, d in g.nodes(data=True) if d["kind"] == "param"]
    assert float(row[4]) == pytest.approx(sum(n**2 for n in norms) ** 0.5, rel=1e-2)


def test_a_collapsed_graph_read_back_shows_no_gradient_norm_it_cannot_know():
    g = nested()
    back = Graph.from_json(g.collapse(0).to_json())  # boxes carry their output's gradient only
    table = rows(back.summary())
    assert [table[path][3:5] for path in ("(model)", "0", "2")] == [
        ["46", "-"], ["16", "-"], ["20", "-"]
    ]  # fmt: skip
    assert totals(back.summary()) == ["Total params: 46", "Trainable params used in this graph: -"]
    opened = Graph.from_json(g.collapse(1).to_json())  # fc "0" open, "2.0" in a box
    assert rows(opened.summary())["0"][3:5] == rows(g.summary())["0"][3:5]
    assert rows(opened.summary())["2"][4] == "-"


@pytest.mark.parametrize("checked", [True, False])
def test_a_collapsed_graph_read_back_knows_whether_health_looked_inside(checked: bool):
    model = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 1))
    g = ng.trace(model, torch.randn(16, 4), loss=lambda o: o.pow(2).mean())
    if checked:
        assert g.health() == []  # nothing to find: the boxes hide no finding
    last = Graph.from_json(g.collapse(0).to_json()).summary().splitlines()[-1]
    assert ("call g.health() before collapse()" in last) is not checked


def test_a_name_with_an_emoji_keeps_the_columns_aligned_on_screen():
    # an emoji takes two columns of a fixed-width font: the row was shifted by one
    import unicodedata

    model = nn.Module()
    model.add_module("fc\U0001f600", nn.Linear(3, 4))
    model.add_module("out", nn.Linear(4, 1))
    model.forward = lambda x: model.out(getattr(model, "fc\U0001f600")(x).relu())  # type: ignore[method-assign]
    lines = ng.trace(model, torch.randn(2, 3), loss=lambda y: y.sum()).summary().splitlines()
    emoji, out = [line for line in lines if "Linear" in line]

    def columns(line: str) -> int:
        return sum(2 if unicodedata.east_asian_width(c) == "W" else 1 for c in line)

    assert columns(emoji[: emoji.index("Linear")]) == out.index("Linear")
    assert columns(emoji) == len(out)  # the numbers end in the same column


def test_a_name_with_a_newline_keeps_the_table_one_row_per_module():
    model = nn.Module()
    model.add_module("line\nbreak", nn.Linear(3, 2))
    model.forward = lambda x: getattr(model, "line\nbreak")(x)  # type: ignore[method-assign]
    lines = ng.trace(model, torch.randn(1, 3), loss=lambda y: y.sum()).summary().splitlines()
    (row,) = [line for line in lines if "Linear" in line]
    assert row.startswith("line\\nbreak  Linear")


@pytest.mark.parametrize("mark", ["\u202e", "\u200f", "\u2067"])
def test_a_name_with_a_right_to_left_mark_keeps_the_row_left_to_right(mark: str):
    model = nn.Module()
    model.add_module(f"fc{mark}1", nn.Linear(3, 2))
    model.forward = lambda x: getattr(model, f"fc{mark}1")(x)  # type: ignore[method-assign]
    summary = ng.trace(model, torch.randn(1, 3), loss=lambda y: y.sum()).summary()
    assert mark not in summary
    (row,) = [line for line in summary.splitlines() if "Linear" in line]
    assert row.startswith(f"fc\\u{ord(mark):04x}1  Linear")


@pytest.mark.parametrize("name", ["bad\nname", "bad\rname", "bad\u2028name", "bad\x85name"])
def test_a_name_with_a_line_break_keeps_each_finding_on_one_line(name: str):
    model = nn.Sequential()
    model.add_module(name, nn.ReLU())
    g = ng.trace(model, -torch.ones(8, 4, requires_grad=True), loss=lambda y: y.sum())
    lines = g.summary().splitlines()
    (finding,) = [line for line in lines if line.startswith("- [dead]")]
    assert "module bad\\" in finding and "name (ReLU) output zero" in finding
    assert lines[-1] == finding


@pytest.mark.parametrize("mark", ["\ud800", "\udfff", "\ufffe"], ids=ascii)
def test_a_name_a_notebook_cannot_print_is_shown_escaped(mark: str):
    """Half a surrogate pair has no UTF-8: print(g.summary()) showed nothing (sweep L, bug 4)."""
    model = nn.Sequential()
    model.add_module(f"lone{mark}x", nn.Linear(2, 2))
    summary = ng.trace(model, torch.randn(1, 2), loss=lambda y: y.sum()).summary()
    assert mark not in summary and summary.encode("utf-8")
    (row,) = [line for line in summary.splitlines() if "Linear" in line]
    assert row.startswith(f"lone\\u{ord(mark):04x}x  Linear")


class CalledTwice(nn.Module):
    """One layer applied twice with the parent's own op in between: one box per call."""

    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Linear(4, 4)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc(self.fc(x) * 2)


def test_a_module_split_into_a_box_per_call_shows_its_parameters():
    g = ng.trace(CalledTwice(), torch.randn(2, 4), loss=lambda y: y.sum())
    h = g.collapse(depth=0)
    assert {"m:fc", "m:fc#2"} <= set(h)
    assert rows(h.summary())["fc"][1:5] == rows(g.summary())["fc"][1:5]
    assert rows(h.summary())["fc"][3] == "20"


def test_data_made_in_the_block_and_held_by_a_variable_is_an_input_shape():
    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 1))
    with ng.record() as rec:
        x = torch.randn(3, 4)
        mask = torch.ones(3, 1)  # held by a variable too: the user's data
        loss = (model(x) * mask).sum()
        loss.backward()
    assert "Input shape(s): [3, 4], [3, 1]   Output shape(s): []" in rec.graph.summary()


def test_an_input_made_by_another_model_is_an_input_shape_and_flags_nothing() -> None:
    # `trace(D, G(z))`: D's input is drawn as the op of G that made it
    torch.manual_seed(0)
    G, D = nn.Sequential(nn.Linear(2, 4), nn.Tanh()), nn.Sequential(nn.Linear(4, 1))
    text = ng.trace(D, G(torch.randn(3, 2)), loss=lambda y: y.mean()).summary()
    assert "Input shape(s): [3, 4]   Output shape(s): []" in text
    assert len(rows(text)["(model)"]) == 5  # no Flags cell
    assert "no gradient" not in text


def test_a_network_used_only_under_no_grad_trains_nothing_here() -> None:
    torch.manual_seed(0)
    online = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 2))
    target = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 2))  # a DQN's target
    s, s_next, reward = torch.randn(8, 4), torch.randn(8, 4), torch.randn(8)
    with ng.record() as rec:
        with torch.no_grad():
            wanted = reward + 0.99 * target(s_next).max(1).values
        nn.functional.mse_loss(online(s).max(1).values, wanted).backward()
    text = rec.graph.summary()
    assert "Total params: 228" in text
    assert "Trainable params used in this graph: 114" in text
    with torch.no_grad(), ng.record() as rec:  # a forward without gradients at all
        online(s)
    assert "Trainable params used in this graph: 114" in rec.graph.summary()


def test_a_node_without_a_kind_is_an_op_and_an_unknown_kind_is_shown_as_it_is() -> None:
    """ng.Graph is a networkx.DiGraph: a hand-made graph, or a note added to a captured one."""
    hand_made = Graph()
    hand_made.add_edge("x", "y")
    hand_made.add_node("z", kind="layer")
    text = hand_made.summary()
    assert rows(text)["x"][1] == "op" and rows(text)["z"][1] == "layer"
    assert "Nodes: 3   Ops: 2" in text
    x = torch.ones(3, requires_grad=True)
    captured = ng.graph_of((x * 2).sum())
    captured.add_edge(captured.graph["outputs"][0], "optimizer step")
    assert rows(captured.summary())["optimizer step"][1] == "op"
    ng.set_language("pl")
    assert rows(hand_made.summary())["y"][1] == "operacja"


def test_a_traced_graph_with_a_node_added_by_hand_still_sums_up() -> None:
    g = traced()
    g.add_edge(g.graph["outputs"][0], "note")
    g.add_node("odd", kind=None)
    assert rows(g.summary())["fc1"][3] == "16"


class _GruClassifier(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.rnn, self.fc = nn.GRU(8, 16, batch_first=True), nn.Linear(16, 3)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out, _ = self.rnn(x)  # the hidden state is thrown away
        return self.fc(out[:, -1])


def test_the_output_shapes_are_what_the_model_returned_not_what_it_threw_away():
    g = ng.trace(_GruClassifier(), torch.randn(4, 10, 8))
    assert "Output shape(s): [4, 3]\n" in g.summary() + "\n"
    (thrown,) = g.graph["unused"]
    assert g.nodes[thrown]["shape"] == [1, 4, 16]  # still drawn: a result nothing used
    assert Graph.from_json(g.to_json()).graph["unused"] == [thrown]


def test_a_named_result_without_gradient_is_an_output_shape():
    model = nn.Sequential(nn.Linear(8, 5))
    x = torch.randn(32, 8)
    with ng.record(model) as rec:
        loss = model(x).pow(2).mean()
        loss.backward()
        with torch.no_grad():
            pred = model(x[:4]).argmax(1)  # a prediction the lesson prints
    assert pred.shape == (4,)
    assert "Output shape(s): [], [4]\n" in rec.graph.summary() + "\n"


def test_a_tied_weight_shows_as_shared_where_it_is_used_again():
    from tests.graph.test_collapse import Tied

    g = ng.trace(Tied(), torch.randint(0, 10, (4, 3)), loss=lambda o: o.pow(2).mean())
    for text in (g.summary(), g.collapse(0).summary()):
        rows = {line.split()[0]: line for line in text.splitlines()}
        assert "0 (+60 shared)" in rows["out"]
        assert "Total params: 60" in text
        assert "count once, in the module that registers them first" in text
    assert "shared" not in traced().summary()


def test_recording_a_layer_of_a_net_that_runs_whole_counts_each_parameter_once():
    # `ng.record(net[0])` or `%%nngraph --model net[0]` around code that runs all of `net`
    net = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 1))
    with ng.record(net[0]) as rec:
        net(torch.randn(8, 3)).sum().backward()
    g = rec.graph
    assert "Total params: 21\n" in g.summary()
    assert "21 parameters" in repr(g)
    modules = g.graph["modules"]
    assert modules[""]["params"] == 21
    assert "Sequential.0" not in modules  # net[0] is the recorded model itself: path ""
    # the outer net holds net[0] whole: it counts what it adds (the last layer), shares nothing
    assert modules["Sequential"]["params"] == 5 and "shared" not in modules["Sequential"]


class _Block(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.fc, self.act = nn.Linear(4, 4), nn.ReLU()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.act(self.fc(x))


def test_a_finding_in_a_later_block_of_a_folded_run_shows_on_the_runs_row():
    model = nn.Sequential(nn.Linear(3, 4), _Block(), _Block(), _Block(), nn.Linear(4, 1))
    with torch.no_grad():
        model[2].fc.bias.fill_(-100.0)  # the second block's units are all dead
    g = ng.trace(model, torch.randn(16, 3), loss=lambda y: y.pow(2).mean())
    lines = g.collapse(0).summary().splitlines()
    run = next(line for line in lines if "_Block x3" in line)
    top = next(line for line in lines if line.startswith("(model)"))
    assert "dead" in run and "dead" not in top


def test_findings_stored_in_another_language_are_said_in_the_summarys():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 1))
    with torch.no_grad():
        model[0].bias.fill_(-100.0)  # every ReLU unit silent
    g = ng.trace(model, torch.randn(32, 4), loss=lambda y: y.pow(2).mean())
    ng.set_language("pl")
    try:
        (dead,) = [f for f in g.health() if f["kind"] == "dead"]
        assert "Martwe jednostki ReLU" in dead["message"]
    finally:
        ng.set_language("en")
    text = g.summary()
    assert "16 of 16 ReLU units in module 1 (ReLU)" in text and "Martwe" not in text


def test_a_copy_keeps_the_language_its_findings_are_in():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 1))
    with torch.no_grad():
        model[0].bias.fill_(-100.0)
    g = ng.trace(model, torch.randn(32, 4), loss=lambda y: y.pow(2).mean())
    g.health()
    ng.set_language("pl")
    try:
        assert "Martwe jednostki ReLU" in g.copy().summary()
    finally:
        ng.set_language("en")


class _TiedToAnEmbeddingNeverCalled(nn.Module):
    """T5's layout: `shared` holds the weight its encoder embedding and output layer use."""

    def __init__(self) -> None:
        super().__init__()
        self.shared = nn.Embedding(10, 4)
        self.enc = nn.Embedding(10, 4)
        self.head = nn.Linear(4, 10, bias=False)
        self.enc.weight = self.head.weight = self.shared.weight

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        return self.head(self.enc(ids))


def test_a_module_that_owns_a_used_weight_but_never_ran_keeps_its_type() -> None:
    g = ng.trace(
        _TiedToAnEmbeddingNeverCalled(), torch.randint(0, 10, (2, 3)), loss=lambda y: y.sum()
    )
    assert g.graph["modules"]["shared"]["type"] == "Embedding"  # was missing: Type "-"
    assert rows(g.summary())["shared"][1:4] == ["Embedding", "-", "40"]


def test_the_same_output_shape_many_times_is_written_once_with_its_count() -> None:
    # a 20-step training loop recorded whole: 20 losses
    model = nn.Linear(3, 1)
    with ng.record(model) as rec:
        for _ in range(20):
            loss = model(torch.randn(4, 3)).pow(2).mean()
            loss.backward()
    shapes = next(line for line in rec.graph.summary().splitlines() if "Output shape(s)" in line)
    assert shapes.endswith("Output shape(s): [] ×20")


class _MomentumTarget(nn.Module):
    """BYOL's layout: the forward first moves the target network towards the online one."""

    def __init__(self) -> None:
        super().__init__()
        self.online = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))
        self.target = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))
        self.target.requires_grad_(False)

    def forward(self, x1: torch.Tensor, x2: torch.Tensor) -> torch.Tensor:
        with torch.no_grad():
            for pt, po in zip(self.target.parameters(), self.online.parameters(), strict=True):
                pt.mul_(0.99).add_(po.detach(), alpha=0.01)
            z2 = self.target(x2)
        return (self.online(x1) - z2).pow(2).mean()


def test_rows_stay_under_their_parent_when_forward_first_updates_another_network() -> None:
    # the update touched target.2's weights first: its row came inside "online" (sweep 21b)
    torch.manual_seed(0)
    g = ng.trace(_MomentumTarget(), torch.randn(3, 4), torch.randn(3, 4))
    assert list(rows(g.summary())) == [
        "(model)", "target", "target.0", "target.1", "target.2",
        "online", "online.0", "online.1", "online.2",
    ]  # fmt: skip


class _Hypernetwork(nn.Module):
    """Reads its second argument (`task`) first: a hypernetwork makes the weights from it."""

    def __init__(self) -> None:
        super().__init__()
        self.hyper, self.head = nn.Linear(3, 2 * 5 + 2), nn.Linear(2, 1)

    def forward(self, x: torch.Tensor, task: torch.Tensor) -> torch.Tensor:
        w = self.hyper(task)
        return self.head(torch.tanh(nn.functional.linear(x, w[:10].view(2, 5), w[10:])))


def test_input_shapes_follow_the_calls_arguments_then_the_losss_targets() -> None:
    torch.manual_seed(0)
    x, task, t = torch.randn(8, 5), torch.randn(3), torch.randn(8, 1)
    g = ng.trace(_Hypernetwork(), x, task, loss=lambda y: (y - t).pow(2).mean())
    line = "Input shape(s): [8, 5], [3], [8, 1]   Output shape(s): []"
    assert line in g.summary()
    assert line in Graph.from_json(g.to_json()).summary()
    assert line in g.collapse(depth=0).summary()
    keyword = ng.trace(_Hypernetwork(), task=task, x=x, loss=lambda y: (y - t).pow(2).mean())
    assert "Input shape(s): [3], [8, 5], [8, 1]" in keyword.summary()  # as the call gave them


def test_hand_made_weights_count_as_parameters() -> None:
    """Sweep 24c: a lesson's `w` and `b` (`requires_grad=True`, no nn.Module) showed 0 params."""
    w, b = torch.randn(3, 2, requires_grad=True), torch.zeros(2, requires_grad=True)
    x = torch.randn(4, 3)
    with ng.record() as rec:
        (x @ w + b).pow(2).mean().backward()
    text = rec.graph.summary()
    rows = {cells[0]: cells for cells in map(columns, text.splitlines()) if cells}
    assert rows["w"][3] == "6" and rows["b"][3] == "2" and rows["x"][3] == "0"
    assert "Total params: 8" in text and "Input shape(s): [3, 2], [4, 3], [2] " in text


def test_hand_made_scalar_weights_count_one_parameter_each() -> None:
    """Lesson 1's linear regression: `w = torch.tensor(0., requires_grad=True)` holds one
    number (shape `[]`), as `w.numel()` says; it counted 0, and the model "0 parameters"."""
    w, b = torch.tensor(0.0, requires_grad=True), torch.tensor(0.0, requires_grad=True)
    xs = torch.linspace(0, 1, 20)
    with ng.record() as rec:
        loss = ((w * xs + b - (3 * xs + 1)) ** 2).mean()
        loss.backward()
    for g in (rec.graph, ng.graph_of(loss)):
        text = g.summary()
        rows = [cells for cells in map(columns, text.splitlines()) if "AccumulateGrad" in cells]
        assert [cells[3] for cells in rows] == ["1", "1"]  # `w` and `b` (graph_of: unnamed)
        assert "Total params: 2" in text and "Trainable params used in this graph: 2" in text
        assert repr(g).endswith(", 2 parameters>")


def test_a_leaf_that_requires_grad_beside_a_model_stays_an_input() -> None:
    """A saliency map's input: beside the model's parameters it is data, not a parameter."""
    model, x = torch.nn.Linear(3, 1), torch.randn(2, 3, requires_grad=True)
    g = ng.graph_of(model(x).sum(), params=dict(model.named_parameters()))
    text = g.summary()
    assert "Total params: 4" in text and "Input shape(s): [2, 3]" in text


class LastStateTagger(nn.Module):
    """`out, _ = self.lstm(x)`: the final hidden and cell states are results nothing uses."""

    def __init__(self) -> None:
        super().__init__()
        self.emb, self.lstm, self.fc = (
            nn.Embedding(20, 6),
            nn.LSTM(6, 8, batch_first=True),
            nn.Linear(8, 3),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out, _ = self.lstm(self.emb(x))
        return self.fc(out[:, -1])


def shapes_and_note(g: Graph) -> list[str]:
    lines = g.summary().splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("Input shape(s)"))
    return lines[at : at + 2]


def test_renamed_nodes_never_show_discarded_results_as_outputs_in_silence():
    # networkx.relabel_nodes renames the nodes, not g.graph["unused"]: the LSTM's final states
    # showed as outputs ("[1, 3, 8], [1, 3, 8], []") with nothing said
    torch.manual_seed(0)
    g = ng.trace(LastStateTagger(), torch.randint(0, 20, (3, 7)), loss=lambda y: y.pow(2).mean())
    assert shapes_and_note(g)[0].endswith("Output shape(s): []")
    assert shapes_and_note(g)[1].startswith("=====")  # no note
    renamed = nx.relabel_nodes(g, lambda n: f"{n}:{g.nodes[n]['label']}")
    note = shapes_and_note(renamed)[1]
    assert note.startswith('Note: the node ids in g.graph["unused"] are not in this graph')
    assert "results nothing used may show among the outputs above" in note
    # a node removed since leaves its id behind: ignored, nothing to say
    trimmed = g.copy()
    trimmed.remove_nodes_from(g.graph["unused"])
    assert shapes_and_note(trimmed)[0].endswith("Output shape(s): []")
    assert shapes_and_note(trimmed)[1].startswith("=====")


def test_a_few_dozen_scattered_layers_are_all_named():
    """17 dead ReLUs among 24 blocks showed as the first five, "…" and the last: the "…" read
    as a range and hid which 11 were dead."""
    blocks = (1, 2, 3, 5, 7, 9, 10, 11, 13, 14, 15, 17, 18, 19, 21, 22, 23)
    names = [f"body.encoder_block_{i:02}.act" for i in blocks]
    assert name_list(names, "ReLU") == ", ".join(names) + " (ReLU)"


def test_a_long_list_of_layers_shows_its_first_and_last_names_and_how_many():
    # a 2,000-layer chain made a line of 10,339 characters: "modules 0, 1, 2, ..., 1841"
    found = [
        {"kind": "vanishing", "module": str(i), "rms": 0.0, "underflow": True, "message": "-"}
        for i in range(2000)
    ]
    types = {str(i): "Linear" for i in range(2000)}
    for language, shown in [
        ("en", "modules 0, 1, 2, 3, 4, …, 1999 (Linear; 2,000 in all)."),
        ("pl", "moduły 0, 1, 2, 3, 4, …, 1999 (Linear; łącznie 2\u00a0000)."),
    ]:
        ng.set_language(language)
        try:
            ((_, line),) = summary_finding_lines(found, types)
        finally:
            ng.set_language("en")
        assert shown in line and len(line) < 600
    named = [
        {"kind": "accumulated", "module": "", "name": f"w{i}", "message": "-"} for i in range(300)
    ]
    ((_, line),) = summary_finding_lines(named, {})
    assert line.endswith("The parameters: w0, w1, w2, w3, w4, …, w299 (300 in all).")
    few = found[:24]  # a list that fits a line stays whole
    assert (
        ", ".join(str(i) for i in range(24)) + " (Linear)."
        in summary_finding_lines(few, types)[0][1]
    )


def test_every_finding_line_of_a_very_deep_chain_stays_short():
    torch.manual_seed(0)
    model = nn.Sequential(*[nn.Linear(4, 4) for _ in range(400)])
    g = ng.trace(model, torch.randn(2, 4), loss=lambda y: y.pow(2).mean())
    lines = str(g.health()).splitlines()
    assert any("…" in line for line in lines)
    assert max(len(line) for line in [*lines, *g.summary().splitlines()]) < 700


class _TiedWithABias(nn.Module):
    """A language model's tied head that keeps a bias of its own."""

    def __init__(self) -> None:
        super().__init__()
        self.emb = nn.Embedding(10, 8)
        self.out = nn.Linear(8, 10)
        self.out.weight = self.emb.weight

    def forward(self, t: torch.Tensor) -> torch.Tensor:
        return self.out(torch.tanh(self.emb(t)))


def _grad_norm(params: Any) -> float:
    return float(torch.linalg.vector_norm(torch.cat([p.grad.flatten() for p in params])))


@pytest.mark.parametrize("language", ["en", "pl"])
def test_a_module_using_tied_weights_shows_their_gradient_norm_marked_as_shared(language: str):
    """Sweep s31, 4: `out` showed Grad norm `-`, the table's mark for no gradient, though
    torch gives `out.parameters()` a gradient."""
    from tests.graph.test_collapse import Tied

    torch.manual_seed(0)
    t = torch.randint(0, 10, (4, 3))
    for model in (Tied(), _TiedWithABias()):
        g = ng.trace(model, t, loss=lambda o: o.pow(2).mean())
        model(t).pow(2).mean().backward()
        ng.set_language(language)
        try:
            cells = [rows(text)["out"][4] for text in (g.summary(), g.collapse(0).summary())]
            shared = ng.i18n.number(_grad_norm([model.emb.weight]), ".3g")
            own = (
                ng.i18n.number(_grad_norm([model.out.bias]), ".3g")
                if model.out.bias is not None
                else ""
            )
            emb = rows(g.summary())["emb"][4]
        finally:
            ng.set_language("en")
        word = "shared" if language == "en" else "wspólnych"
        expected = f"{own} (+{shared} {word})"
        if not own:
            expected = f"{shared} ({'shared' if language == 'en' else 'wspólne'})"
        assert cells == [expected, expected]
        assert emb == shared  # where it is counted: no mark


def test_the_trainable_count_says_how_many_are_outside_the_model():
    """Sweep s31, 3: 'Total params: 72' above 'Trainable params used in this graph: 288'
    read as a contradiction; the layers kept in a plain list are the difference."""
    from tests.graph.test_repeats import _HiddenInAList

    torch.manual_seed(0)
    g = ng.trace(_HiddenInAList(), torch.randn(4, 8), loss=lambda y: y.pow(2).mean())
    for text in (g.summary(), g.collapse(0).summary()):
        assert "Total params: 72\n" in text
        assert "Trainable params used in this graph: 288, 216 of them not in the model\n" in text
    assert "not in the model" not in traced().summary()
    ng.set_language("pl")
    try:
        assert "Uczone parametry użyte w tym grafie: 288, w tym 216 spoza modelu\n" in g.summary()
    finally:
        ng.set_language("en")


def test_findings_are_listed_alike_before_and_after_health_dead_units_first():
    """summary() listed vanishing(0), vanishing(2), dead(1) before health() ran and
    vanishing(0), dead(1), vanishing(2) after it (sweep s32, order_summary): the dead ReLUs,
    which leave layer 0 without a gradient, go first either way."""
    torch.manual_seed(0)
    net = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
    with torch.no_grad():
        net[0].bias[:] = -100
    x, y = torch.randn(8, 2), torch.randn(8, 1)
    g = ng.trace(net, x, loss=lambda out: nn.functional.mse_loss(out, y))

    def kinds() -> list[str]:
        return [line.split("]")[0] for line in g.summary().splitlines() if line.startswith("- [")]

    before = kinds()
    g.health()
    assert kinds() == before == ["- [dead", "- [vanishing", "- [vanishing"]


def test_a_very_long_module_name_is_cut_in_the_middle_not_widening_every_line():
    # sweep s46: one ModuleDict key made from a config string widened all lines to ~390 columns
    key = "block_" + "_".join(f"opt{i}=value{i}" for i in range(25))  # 299 characters
    long_type = type("Linear" + "Variant" * 20, (nn.Linear,), {})
    model = nn.Module()
    model.blocks = nn.ModuleDict({key: long_type(4, 4), "head": nn.Linear(4, 1)})
    model.forward = lambda x: model.blocks["head"](model.blocks[key](x))  # type: ignore[method-assign]
    table = ng.trace(model, torch.randn(2, 4), loss=lambda y: y.sum()).summary()
    (row,) = [line for line in table.splitlines() if "opt0=value0" in line]
    name, kind = row.split()[:2]
    assert name.startswith("blocks.block_opt0=value0_") and name.endswith("_opt24=value24")
    assert "…" in name and len(name) <= 100
    assert kind.startswith("LinearVariant") and kind.endswith("Variant") and len(kind) <= 60
    assert len(table.splitlines()[0]) < 220  # the rule above the table, as wide as its lines
    head = [line for line in table.splitlines() if line.startswith("  blocks.head ")]
    assert head and "…" not in head[0]
