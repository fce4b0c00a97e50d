"""What a `%nngraph` line finds: the notebook's models behind a value (all of them, also one kept
in a dict or with a lazy layer not yet run), the local variables of the function the line is
in, and a graph already kept."""

from __future__ import annotations

from typing import Any

import pytest
import torch

import nngraph as ng
from nngraph import _magic_models


@pytest.fixture
def ip(magic_shell: Any) -> Any:
    magic_shell.run_cell("import torch, nngraph as ng\ntorch.manual_seed(0);")
    return magic_shell


def _run(ip: Any, code: str) -> None:
    result = ip.run_cell(code)
    assert result.success, result.error_in_exec or result.error_before_exec


def _param_names(graph: ng.Graph) -> list[str]:
    return sorted(str(d["name"]) for _, d in graph.nodes(data=True) if d["kind"] == "param")


def test_a_model_whose_lazy_layer_has_not_run_yet_names_the_parameters_used(ip: Any) -> None:
    _run(
        ip,
        "model = torch.nn.Sequential(torch.nn.Conv2d(1, 4, 3), torch.nn.ReLU(),"
        " torch.nn.Flatten(), torch.nn.LazyLinear(10))\n"
        "feats = model[1](model[0](torch.randn(2, 1, 8, 8)))",
    )
    graph = ip.run_line_magic("nngraph", "feats")
    assert len(graph) == 5 and _param_names(graph) == ["0.bias", "0.weight"]
    # beside another model: both named, the lazy layer's parameters counted as none yet
    _run(ip, "head = torch.nn.Linear(144, 1)\nscore = head(feats.flatten(1)).sum()")
    graph = ip.run_line_magic("nngraph", "score")
    assert _param_names(graph) == ["head.bias", "head.weight", "model.0.bias", "model.0.weight"]
    assert "Total params: 185" in graph.summary()  # 40 + 145


def test_every_model_a_value_was_computed_from_names_its_parameters(ip: Any) -> None:
    _run(
        ip,
        "G = torch.nn.Sequential(torch.nn.Linear(2, 8), torch.nn.ReLU(), torch.nn.Linear(8, 4))\n"
        "D = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.ReLU(), torch.nn.Linear(3, 1))\n"
        "last = D[2]\n"  # a layer kept beside its model: D names it, not a third prefix
        "loss = D(G(torch.randn(5, 2))).mean()",
    )
    graph = ip.run_line_magic("nngraph", "loss")
    assert _param_names(graph) == [
        f"{m}.{i}.{kind}" for m in "DG" for i in (0, 2) for kind in ("bias", "weight")
    ]
    summary = graph.summary()
    assert "Total params: 79" in summary and "79 parameters" in repr(graph)
    assert {"G", "D", "G.0", "D.2"} <= set(graph.graph["modules"])
    assert graph.graph["modules"]["G.0"]["type"] == "Linear"


def test_a_model_kept_in_a_dict_names_its_parameters(ip: Any) -> None:
    _run(
        ip,
        "models = {'small': torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.Linear(3, 1)),"
        " 'big': torch.nn.Linear(2, 1)}\n"
        "z = torch.randn(4, 2)\n"
        "loss_small = models['small'](z).pow(2).mean()\n"
        "both = loss_small + models['big'](z).sum()",
    )
    alone = ip.run_line_magic("nngraph", "loss_small")
    assert _param_names(alone) == ["0.bias", "0.weight", "1.bias", "1.weight"]
    both = ip.run_line_magic("nngraph", "both")
    assert _param_names(both) == [
        "models['big'].bias",
        "models['big'].weight",
        "models['small'].0.bias",
        "models['small'].0.weight",
        "models['small'].1.bias",
        "models['small'].1.weight",
    ]


@pytest.mark.parametrize("ran", ["net", "predict"])
def test_a_wrapper_without_parameters_of_its_own_leaves_the_models_names(ip: Any, ran: str) -> None:
    """A model and a wrapper made of it are as large; the graph of a loss does not say which
    one ran, so the line magic names the parameters after the model (the shorter names), as
    `%%nngraph` does when the model ran (sweep 27: a tie broken for the wrapper named them
    `0.0.weight` when only `net` had run)."""
    _run(
        ip,
        "net = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.ReLU(), torch.nn.Linear(3, 1))\n"
        "predict = torch.nn.Sequential(net, torch.nn.Sigmoid())\n"
        f"x = torch.randn(4, 2)\nloss = {ran}(x).pow(2).mean()",
    )
    names = [f"{i}.{kind}" for i in (0, 2) for kind in ("bias", "weight")]
    assert _param_names(ip.run_line_magic("nngraph", "loss")) == names


def test_a_line_in_a_function_reads_its_local_variables(ip: Any) -> None:
    _run(
        ip,
        "net = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.ReLU(), torch.nn.Linear(3, 1))\n"
        "def train_step(model, batch):\n"
        "    step_loss = model(batch).pow(2).mean()\n"
        "    shown = %nngraph step_loss\n"
        "    return shown\n"
        "graph = train_step(net, torch.randn(4, 2))",
    )
    graph = ip.user_ns["graph"]
    outputs = [graph.nodes[o]["label"] for o in graph.graph["outputs"]]
    assert outputs == ["step_loss"]
    assert _param_names(graph) == ["0.bias", "0.weight", "2.bias", "2.weight"]
    _run(
        ip,
        "def start(model, lr):\n"
        "    opt = torch.optim.SGD(model.parameters(), lr=lr)\n"
        "    %nngraph monitor --model model -o mon_in_function\n"
        "    %nngraph watch model --optimizer opt -o watch_in_function\n"
        "start(net, 0.1)",
    )
    assert ip.user_ns["mon_in_function"].model is ip.user_ns["net"]
    ip.user_ns["watch_in_function"].close()


def test_a_graph_already_kept_is_shown_as_it_is(ip: Any) -> None:
    _run(ip, "net = torch.nn.Linear(2, 1)")
    ip.run_cell_magic("nngraph", "-o g -q", "net(torch.randn(3, 2)).sum().backward()")
    assert ip.run_line_magic("nngraph", "g") is ip.user_ns["g"]


def test_naming_the_models_runs_no_code_of_the_users(ip: Any) -> None:
    _run(
        ip,
        "class Key:\n"
        "    def __repr__(self):\n"
        "        raise RuntimeError('no repr')\n"
        "class Name(str):\n"
        "    def __repr__(self):\n"
        "        raise RuntimeError('no repr either')\n"
        "G, D = torch.nn.Linear(2, 4), torch.nn.Linear(4, 1)\n"
        "cache = {Key(): 1, Name('x'): 2, 10**5000: 3}\n"
        "models = {Key(): G, 'D': D}\n"
        "loss = D(G(torch.randn(3, 2))).mean()",
    )
    graph = ip.run_line_magic("nngraph", "loss")
    # G is held by a variable; the dict item under a key that cannot be written names nothing
    assert _param_names(graph) == ["D.bias", "D.weight", "G.bias", "G.weight"]


def test_a_failure_in_naming_the_models_falls_back_to_the_largest_one(
    ip: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unreadable(container: Any) -> Any:
        raise RuntimeError("cannot read")

    monkeypatch.setattr(_magic_models, "_items", unreadable)
    _run(
        ip,
        "G, D = torch.nn.Linear(2, 4), torch.nn.Linear(4, 1)\n"
        "models = [G, D]\n"
        "loss = D(G(torch.randn(3, 2))).mean()",
    )
    graph = ip.run_line_magic("nngraph", "loss")
    named = [name for name in _param_names(graph) if name != "None"]
    assert named == ["bias", "weight"]  # G's (the larger), unprefixed, as before


def test_a_model_in_an_underscore_variable_names_its_parameters(ip: Any) -> None:
    """Sweep s45 magics, finding 8: a model kept in `_net` left every parameter unnamed (drawn
    only as "param"): every name starting with `_` was skipped, not only IPython's own."""
    _run(
        ip,
        "_net = torch.nn.Sequential(torch.nn.Linear(2, 4), torch.nn.ReLU(), torch.nn.Linear(4, 1))\n"
        "loss = _net(torch.randn(8, 2)).sum()",
    )
    assert _param_names(ip.run_line_magic("nngraph", "loss")) == [
        "0.bias",
        "0.weight",
        "2.bias",
        "2.weight",
    ]
    _run(
        ip,
        "_G, __D = torch.nn.Linear(2, 4), torch.nn.Linear(4, 1)\nout = __D(_G(torch.ones(1, 2)))",
    )
    graph = ip.run_line_magic("nngraph", "out")
    assert _param_names(graph) == ["_G.bias", "_G.weight", "__D.bias", "__D.weight"]


@pytest.mark.parametrize("name", ["_", "__", "___", "_7", "_i", "_iii", "_i7", "_oh", "__name__"])
def test_ipythons_own_variables_name_no_model(name: str) -> None:
    """Sweep s45 magics, finding 8: IPython keeps the last outputs (`_`, `_7`), inputs (`_i7`)
    and its histories in the namespace; a model shown as a cell's output is named after the
    variable the student gave it, not after `_`, which IPython made first."""
    G, D = torch.nn.Linear(2, 4), torch.nn.Linear(4, 1)
    out = D(G(torch.ones(1, 2)))
    namespace = {name: D, "G": G, "D": D, "out": out}
    assert sorted(w for w, _ in _magic_models.models_behind(out, namespace)) == ["D", "G"]
