"""The graph side in Polish: health findings, the summary table, errors and DOT labels."""

from __future__ import annotations

import re
from pathlib import Path

import networkx as nx
import pytest
import torch
from torch import nn

import nngraph as ng
from nngraph.graph import Graph
from nngraph.graph._nodes import count_text
from tests.graph.conftest import Build, stats
from tests.graph.test_health import dead_graph, mlp_graph, nan_graph


def test_findings_speak_polish_with_the_right_grammatical_case():
    ng.set_language("pl")
    (finding,) = mlp_graph([0.2**k for k in range(5, -1, -1)]).health()
    assert finding["kind"] == "vanishing" and finding["per_layer"] == pytest.approx(5.0)
    assert finding["message"] == (
        "Gradient zanika: w drodze wstecz maleje około 5,0 razy na warstwę (nie licząc tego, "
        "co zmieniają same różne szerokości warstw), więc wagi modułu fc0 (Linear) dostają "
        "gradient około 3\u00a0100 razy mniejszy (RMS) niż wagi modułu fc5 (Linear). Pierwsze "
        "warstwy prawie się nie uczą. Użyj aktywacji z rodziny ReLU z nn.init.kaiming_normal_, dodaj BatchNorm albo "
        "LayerNorm lub połączenia rezydualne; sigmoid/tanh w warstwach ukrytych zmniejsza "
        "gradient w każdej warstwie."
    )
    (dead,) = dead_graph([20, 64]).health()
    assert dead["message"].startswith("Martwe jednostki ReLU w module fc2 (Block): 20 z 64.")
    forward, backward = nan_graph()[0].health()
    assert "pojawia się w wyniku operacji log;" in forward["message"]
    assert "pojawia się przy operacji exp: wynika z wartości NaN" in backward["message"]


def test_stored_findings_keep_the_language_of_their_health_call():
    g = dead_graph([20, 64])
    g.health()
    ng.set_language("pl")
    (flag,) = next(d["flags"] for _, d in g.nodes(data=True) if d["flags"])
    assert flag["message"].startswith("20 of 64 ReLU units")
    g.health()  # a new call speaks the new language
    (flag,) = next(d["flags"] for _, d in g.nodes(data=True) if d["flags"])
    assert flag["message"].startswith("Martwe jednostki ReLU")


def test_summary_in_polish_groups_digits_with_spaces():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(30, 40), nn.ReLU(), nn.Linear(40, 1))
    with torch.no_grad():
        model[0].bias[:30] = -100.0  # thirty units that never fire
    g = ng.trace(model, torch.randn(8, 30), loss=lambda y: y.pow(2).mean())
    english = g.summary()
    assert "Total params: 1,281" in english
    ng.set_language("pl")
    text = g.summary()
    assert re.search(r"^Moduł\s+Typ\s+Kształt wyjścia\s+Parametry\s+Norma gradientu", text, re.M)
    assert "Parametry razem: 1\u00a0281" in text
    assert "Przejścia wstecz: 1" in text
    assert "\n- [martwe jednostki] Martwe jednostki ReLU w module 1 (ReLU): 30 z 40." in text
    assert count_text(25557032) == "25\u00a0557\u00a0032"


def test_summary_rows_without_a_module_name_their_kind_in_polish():
    w = torch.randn(3, requires_grad=True)
    g = ng.graph_of((w * 2).sum())  # no model: one row per node
    ng.set_language("pl")
    text = g.summary()
    assert text.splitlines()[1].split()[:2] == ["Węzeł", "Typ"]
    names = [line.split()[0] for line in text.splitlines()[3:7]]
    assert names == ["wejście", "mul", "sum", "wyjście"]


def test_graph_errors_in_polish(tmp_path: Path):
    ng.set_language("pl")
    with pytest.raises(ng.NNGraphError, match="to nie jest graf nngraph"):
        Graph.from_dict({"format": "something else"})
    with pytest.raises(ng.NNGraphError, match="wymaga liczby całkowitej >= 0"):
        Graph().collapse(depth=-1)
    with pytest.raises(ng.NNGraphError, match=r"musi kończyć się jednym z: \.dot"):
        Graph().save(tmp_path / "net.jpg")
    with pytest.raises(ng.NNGraphError, match="TB, LR, BT albo RL"):
        Graph().to_dot(rankdir="XX")


def test_dot_labels_name_findings_as_the_graph_view_does_in_the_language():
    b = Build({})
    y = b.linear(b.input([2, 3]), "fc", 3, 3, batch=2)
    b.output(y)
    b.g.nodes[y]["flags"] = [{"kind": "accumulated"}, {"kind": "dead"}]
    assert "&#9888; accumulated gradient, dead</FONT>" in b.g.to_dot()  # ⚠, escaped
    ng.set_language("pl")
    dead, accumulated = (
        ng.i18n.message(f"graphview.flag.kind.{k}") for k in ("dead", "accumulated")
    )
    assert f"&#9888; {', '.join(sorted([dead, accumulated]))}</FONT>" in b.g.to_dot()
    assert "accumulated" not in b.g.to_dot()


def test_renamed_nodes_are_noted_in_polish_in_the_summary_and_the_drawing():
    b = Build({})
    y = b.linear(b.input([2, 3]), "fc", 3, 3, batch=2)
    b.output(y)
    b.g.graph["unused"] = [b.output(b.op("tanh", y, shape=[2, 3]))]  # a result nothing used
    renamed = nx.relabel_nodes(b.g, lambda n: f"{n}!")
    ng.set_language("pl")
    note = 'Uwaga: węzłów o identyfikatorach z g.graph["unused"] nie ma w tym grafie'
    assert note in renamed.summary() and note not in b.g.summary()
    assert "label=<W&#281;z&#322;&#243;w o identyfikatorach z g.graph" in renamed.to_dot()


def test_dot_labels_of_module_boxes_follow_the_language():
    b = Build({"enc": {"type": "Linear", "params": 9}})
    x = b.input([2, 3])
    w = b.param("enc.weight", [3, 3], grad=stats())
    b.output(b.op("linear", x, w, module="enc", module_type="Linear", shape=[2, 3]))
    h = b.g.collapse(depth=0)
    assert "9 params" in h.to_dot()
    ng.set_language("pl")
    assert "9 param." in h.to_dot()


def test_an_output_no_variable_names_is_labelled_in_the_language_of_its_capture():
    w = torch.ones(3, requires_grad=True)
    ng.set_language("pl")
    polish = ng.graph_of((w * 2).sum())
    ng.set_language("en")
    english = ng.graph_of((w * 2).sum())
    for graph, word in ((polish, "wyjście"), (english, "output")):
        (output,) = graph.graph["outputs"]
        assert graph.nodes[output]["label"] == word
        assert graph.nodes[output]["kind"] == "output"  # the data keeps its English key


def test_unnamed_inputs_and_parameters_are_labelled_in_the_language_of_their_capture():
    net = nn.Linear(3, 1)
    # given by a function: no variable names them (trace() names the tensors its loss= reads
    # by name, also as an attribute or in a list or dict it reads)
    extra = [nn.Parameter(torch.ones(1)), torch.zeros(2, 1)]

    def given() -> list[torch.Tensor]:
        return extra

    for lang, words in (("pl", {"wejście", "parametr"}), ("en", {"input", "param"})):
        ng.set_language(lang)
        g = ng.trace(net, torch.ones(2, 3), loss=lambda y: (y * given()[0] - given()[1]).sum())
        labels = {d["label"] for _, d in g.nodes(data=True) if d["name"] is None}
        assert words <= labels, labels


def test_an_input_named_only_by_pytorchs_generic_argument_is_labelled_in_the_language():
    """`nn.Sequential.forward(input)` named the input `input` next to `wyjście` (sweep s6 §2);
    a name of the user's (a variable, a forward parameter of their own) stays."""

    class Net(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.fc = nn.Linear(4, 3)

        def forward(self, images: torch.Tensor) -> torch.Tensor:
            return self.fc(images)

    x = torch.randn(2, 4)
    for lang, word in (("pl", "wejście"), ("en", "input")):
        ng.set_language(lang)
        g = ng.trace(nn.Sequential(nn.Linear(4, 3)), x, loss=lambda y: y.sum())
        (given,) = [d for _, d in g.nodes(data=True) if d["kind"] == "input"]
        assert (given["name"], given["label"]) == (None, word)
        assert [
            d["label"] for _, d in ng.trace(Net(), x).nodes(data=True) if d["kind"] == "input"
        ] == ["images"]
    model, batch = nn.Sequential(nn.Linear(4, 3)), torch.randn(2, 4)
    with ng.record() as rec:
        model(batch).sum().backward()
    assert [d["name"] for _, d in rec.graph.nodes(data=True) if d["kind"] == "input"] == ["batch"]


def test_print_of_a_graph_says_its_line_in_the_language():
    """`print(g)` gave networkx's English "Graph with 4 nodes and 3 edges" (sweep s6 §3)."""
    x = torch.ones(3, requires_grad=True)
    ng.set_language("pl")
    g = ng.graph_of((x * 2).sum())
    assert str(g) == f"{g}" == repr(g) == "<nngraph Graph: 4 węzły, 2 operacje, 3 parametry>"
    ng.set_language("en")
    assert str(g) == "<nngraph Graph: 4 nodes, 2 ops, 3 parameters>"
