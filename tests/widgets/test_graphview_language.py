"""GraphView speaks the current language: its `messages` trait follows ng.set_language."""

from __future__ import annotations

import html
import json
import re
import string
from pathlib import Path

import pytest
import torch

import nngraph as ng
from nngraph.i18n import en, messages, pl
from nngraph.widgets import GraphView

DEFAULTS = Path(__file__).resolve().parents[2] / "js" / "src" / "lib" / "messages.en.json"


def graph() -> ng.Graph:
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU())
    return ng.trace(model, torch.randn(2, 3), loss=lambda y: y.sum())


def test_messages_are_polish_after_set_language_and_follow_a_later_switch() -> None:
    g = graph()
    ng.set_language("pl")
    view = GraphView(g)
    assert view.messages == messages("graphview.")
    assert view.messages["graphview.forward"] == pl.MESSAGES["graphview.forward"] == "W przód"
    ng.set_language("en")
    assert view.messages["graphview.forward"] == "Forward"
    ng.set_language("pl")
    assert view.messages["graphview.step.replay"] == "▶ Odtwórz wstecz"
    assert re.search(r"\d+ węz(eł|ły|łów), \d+ operacj", view._repr_mimebundle_()[0]["text/plain"])
    view.close()


def test_a_closed_view_stops_following_the_language() -> None:
    view = GraphView(graph())
    view.close()
    ng.set_language("pl")
    assert view.messages["graphview.forward"] == "Forward"


def test_a_refused_input_is_explained_in_polish() -> None:
    ng.set_language("pl")
    with pytest.raises(ng.NNGraphError, match=r"^GraphView potrzebuje grafu: ng\.Graph"):
        GraphView(5)
    with pytest.raises(ng.NNGraphError, match=r"^GraphView nie może tego pokazać: "):
        GraphView({"hello": 1})


def test_a_bad_option_is_explained_in_polish() -> None:
    ng.set_language("pl")
    with pytest.raises(ng.NNGraphError, match=r"^GraphView\(view=\.\.\.\) musi mieć jedną z"):
        graph().show(view="sideways")
    with pytest.raises(ng.NNGraphError, match=r"^GraphView nie ma opcji 'colour_by'; jego opcje"):
        graph().show(colour_by="value")


def test_static_svg_follows_the_language(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("nngraph.widgets._static_svg.shutil.which", lambda name: None)
    payload = {"format": "nngraph.graph", "version": 1, "graph": {}, "nodes": [], "edges": []}
    view = GraphView(payload)
    assert "empty graph" in view.static_svg()
    ng.set_language("pl")
    assert "pusty graf" in view.static_svg()
    view.close()


def test_the_front_end_english_defaults_match_the_catalog() -> None:
    """js/src/lib/messages.en.json is only a fallback, but it must say what en.py says.
    Regenerate it with:
    python -c "import json; from nngraph.i18n import messages as m; print(json.dumps(m('graphview.'), ensure_ascii=False, indent=2))" > js/src/lib/messages.en.json
    """
    defaults = json.loads(DEFAULTS.read_text(encoding="utf-8"))
    assert defaults == {k: v for k, v in en.MESSAGES.items() if k.startswith("graphview.")}


def test_front_end_messages_use_only_plain_fields() -> None:
    """The browser fills `{name}` only: no format specs, conversions or escaped braces."""
    for table in (en.MESSAGES, pl.MESSAGES):
        for key, text in table.items():
            if not key.startswith("graphview."):
                continue
            assert "{{" not in text and "}}" not in text, key
            for _, name, spec, conversion in string.Formatter().parse(text):
                assert name is None or (name.isidentifier() and not spec and not conversion), key


@pytest.mark.parametrize(
    ("n", "in_english", "in_polish"),
    [
        (1, "1 node, 1 op, 1 parameter", "1 węzeł, 1 operacja, 1 parametr"),
        (3, "3 nodes, 3 ops, 3 parameters", "3 węzły, 3 operacje, 3 parametry"),
        (12, "12 nodes, 12 ops, 12 parameters", "12 węzłów, 12 operacji, 12 parametrów"),
        (22, "22 nodes, 22 ops, 22 parameters", "22 węzły, 22 operacje, 22 parametry"),
    ],
)
def test_the_text_line_counts_in_the_form_each_number_needs(
    n: int, in_english: str, in_polish: str
) -> None:
    nodes = [{"id": f"n{i}", "kind": "op"} for i in range(n)]
    payload = {"format": "nngraph.graph", "version": 1, "nodes": nodes, "edges": []}
    payload["modules"] = [{"path": "", "type": "Net", "params": n}]
    view = GraphView(payload)
    assert view._text() == f"<nngraph GraphView: {in_english}>"
    ng.set_language("pl")
    assert view._text() == f"<nngraph GraphView: {in_polish}>"
    view.close()


def sigmoid_graph() -> ng.Graph:
    """A 6-layer sigmoid MLP: health() finds its vanishing gradient."""
    torch.manual_seed(0)
    layers: list[torch.nn.Module] = []
    for _ in range(6):
        layers += [torch.nn.Linear(16, 16), torch.nn.Sigmoid()]
    model = torch.nn.Sequential(*layers)
    return ng.trace(model, torch.randn(32, 16), loss=lambda y: y.pow(2).mean())


def findings_shown(view: GraphView) -> list[str]:
    return [flag["message"] for node in view.graph["nodes"] for flag in node["flags"]]


def test_findings_stored_in_english_are_said_in_polish_by_a_view_made_after_the_switch() -> None:
    g = sigmoid_graph()
    english = [finding["message"] for finding in g.health()]
    ng.set_language("pl")
    view = GraphView(g)
    assert [flag["message"] for _, data in g.nodes(data=True) for flag in data["flags"]] == english
    polish = [finding["message"] for finding in g.health()]
    assert english != polish
    assert findings_shown(view) == polish
    assert view.graph["graph"]["health_language"] == "pl"
    view.close()


def test_an_open_view_says_its_findings_again_after_a_language_switch() -> None:
    g = sigmoid_graph()
    view = GraphView(g)
    ng.set_language("pl")
    polish = findings_shown(view)
    assert polish and polish == [finding["message"] for finding in g.health()]
    ng.set_language("en")
    english = findings_shown(view)
    assert english != polish and english == [finding["message"] for finding in g.health()]
    view.close()


class Returns(torch.nn.Module):
    """A model returning a dict: capture labels its outputs `output['mu']`, `output['spread']`."""

    def __init__(self) -> None:
        super().__init__()
        self.fc = torch.nn.Linear(2, 2)

    def forward(self, x: torch.Tensor) -> dict[str, torch.Tensor]:
        return {"mu": self.fc(x), "spread": self.fc(x) * 2}


def labels_shown(view: GraphView) -> dict[str, list[str]]:
    """The labels the view sends the browser and those in its static picture, sorted."""
    wire = view.trait_metadata("graph", "to_json")(view.graph, view)
    svg = view.static_svg()
    return {
        "browser": sorted(node["label"] for node in json.loads(json.dumps(wire))["nodes"]),
        "picture": sorted(html.unescape(t) for t in re.findall(r"<title>([^<]*)</title>", svg)),
    }


def test_nngraphs_own_labels_are_said_in_the_language_a_view_is_made_in(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Default labels of a graph captured in English show in Polish in a view made after the
    switch, as g.summary() shows them; names (`0.weight`) stay as they are (sweep 26, finding 2).
    Sequential's argument `input` is PyTorch's word, not the user's: it is said too."""
    monkeypatch.setattr("nngraph.widgets._static_svg.shutil.which", lambda name: None)
    net = torch.nn.Sequential(torch.nn.Linear(2, 3))
    graphs = [
        ng.graph_of(net(torch.randn(4, 2)).sum()),  # "param", "output"
        ng.trace(net, torch.randn(4, 2), loss=lambda y: y.sum()),  # "0.weight", "input"
        ng.trace(Returns(), torch.randn(4, 2)),  # "output['mu']"
    ]
    english = []
    for g in graphs:
        view = g.show()
        english.append(labels_shown(view)["picture"])
        view.close()
    assert "input" in english[1] and "output['mu']" in english[2]
    ng.set_language("pl")
    for g, labels in zip(graphs, english, strict=True):
        words = {"param": "parametr", "output": "wyjście", "input": "wejście"}
        polish = sorted(words.get(label, label).replace("output[", "wyjście[") for label in labels)
        view = g.show()
        assert labels_shown(view) == {"browser": polish, "picture": polish}
        view.close()
    assert [d["label"] for _, d in graphs[0].nodes(data=True)].count("param") == 2  # g as it was
    nodes = [  # a name that is one of nngraph's words, a label of the user's: as written
        {"id": "a", "kind": "input", "name": "input", "label": "input"},
        {"id": "b", "kind": "output", "name": "output", "label": "output"},
        {"id": "c", "kind": "input", "label": "wejście_x"},
        {"id": "d", "kind": "op", "label": "output"},
        {"id": "e", "kind": "output", "label": "output"},
    ]
    payload = {"format": "nngraph.graph", "version": 1, "nodes": nodes, "edges": []}
    view = GraphView(payload)
    shown = [n["label"] for n in view.graph["nodes"]]
    assert shown == ["input", "output", "wejście_x", "output", "wyjście"]
    view.close()


def test_an_open_view_says_nngraphs_own_labels_again_after_a_language_switch(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("nngraph.widgets._static_svg.shutil.which", lambda name: None)
    ng.set_language("pl")
    net = torch.nn.Sequential(torch.nn.Linear(2, 3))
    g = ng.graph_of(net(torch.randn(4, 2)).sum())  # captured in Polish: "parametr", "wyjście"
    view = g.show(selected=next(n for n, d in g.nodes(data=True) if d["kind"] == "output"))
    assert "wyjście" in labels_shown(view)["picture"]
    ng.set_language("en")
    english = ["addmm", "output", "param", "param", "sum", "t"]
    assert labels_shown(view) == {"browser": english, "picture": english}
    selected = {n["id"]: n["label"] for n in view.graph["nodes"]}[view.selected]
    assert selected == "output"  # the inspector's title; the selection kept
    view.close()
