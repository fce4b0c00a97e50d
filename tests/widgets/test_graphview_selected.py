"""``selected`` must name something in the graph: a typo is an error with close matches."""

from __future__ import annotations

import pytest
import torch

import nngraph as ng
from nngraph.i18n import set_language
from nngraph.widgets import GraphView

EMPTY = {"format": "nngraph.graph", "version": 1, "nodes": [], "edges": []}


@pytest.fixture(scope="module")
def g() -> ng.Graph:
    torch.manual_seed(0)
    model = torch.nn.Sequential(
        torch.nn.Linear(3, 4), torch.nn.ReLU(), torch.nn.Sequential(torch.nn.Linear(4, 2))
    )
    return ng.trace(model, torch.randn(2, 3), loss=lambda y: y.sum())


def weight_id(g: ng.Graph, name: str) -> str:
    return next(n for n, found in g.nodes(data="name") if found == name)


def test_a_node_that_is_not_in_the_graph_is_refused_with_how_to_list_them(g: ng.Graph) -> None:
    """show(selected="nope") made a view that selected nothing, without a word."""
    with pytest.raises(ng.NNGraphError, match=r"^GraphView\(selected=\.\.\.\) got 'nope'") as e:
        g.show(selected="nope")
    assert isinstance(e.value, ValueError)
    assert "which is no node of this graph" in str(e.value)
    assert "list(g.nodes) gives the node ids ('n0', 'n1', 'n2', ...)" in str(e.value)


@pytest.mark.parametrize(("given", "meant"), [("0.weight", "0.weight"), ("0.wieght", "0.weight")])
def test_a_parameters_name_suggests_its_nodes_id(g: ng.Graph, given: str, meant: str) -> None:
    with pytest.raises(ng.NNGraphError, match="Did you mean") as e:
        g.show(selected=given)
    assert f"Did you mean {weight_id(g, meant)!r} ({meant})" in str(e.value)


def test_a_typo_in_an_id_or_a_module_suggests_close_ones(g: ng.Graph) -> None:
    with pytest.raises(ng.NNGraphError, match=r"got 'n33', .*Did you mean 'n3'"):
        GraphView(g, selected="n33")
    with pytest.raises(ng.NNGraphError, match=r"got '2\.0', .*Did you mean 'm:2\.0'\?"):
        GraphView(g.to_dict(), selected="2.0")


def test_an_empty_graph_says_only_nothing_can_be_selected() -> None:
    with pytest.raises(ng.NNGraphError, match="This graph has no nodes, so only '' can be"):
        GraphView(EMPTY, selected="n0")
    assert GraphView(EMPTY, selected="").selected == ""


@pytest.mark.parametrize("selected", ["", "n3", "m:0", "m:2", "m:2.0", "r:2", "r:2#more"])
def test_a_node_or_a_box_the_browser_draws_is_accepted(g: ng.Graph, selected: str) -> None:
    """The browser sends ``m:<module>`` (a folded module) and ``r:<module>`` (a run)."""
    view = g.show(selected=selected)
    assert view.selected == selected
    view.set_state({"selected": selected})  # as a click in the browser sets it
    assert view.selected == selected
    view.close()


def test_a_selection_set_later_is_checked_the_same_way(g: ng.Graph) -> None:
    view = g.show(selected="n1")
    with pytest.raises(ng.NNGraphError, match=r"got 'm:9', .*Did you mean 'm:"):
        view.selected = "m:9"
    assert view.selected == "n1"
    view.selected = "m:0"
    assert view.selected == "m:0"
    view.close()


def test_a_new_graph_without_the_selected_node_clears_the_selection(g: ng.Graph) -> None:
    view = g.show(selected="n9")
    view.graph = GraphView(ng.trace(torch.nn.Linear(2, 2), torch.randn(1, 2))).graph
    assert view.selected == ""
    view.close()


def test_node_ids_that_are_not_strings_are_selected_as_the_browser_writes_them() -> None:
    nodes = [{"id": 7, "kind": "input"}, {"id": [1, 2], "kind": "op"}, {"id": 2.0, "kind": "op"}]
    payload = {**EMPTY, "nodes": nodes}
    for selected in ("7", "1,2", "2"):
        assert GraphView(payload, selected=selected).selected == selected


def test_the_error_is_in_polish_too(g: ng.Graph) -> None:
    set_language("pl")  # tests/conftest.py sets English again
    with pytest.raises(ng.NNGraphError, match=r"otrzymało 'n33', a w tym grafie nie ma .*'n3'"):
        g.show(selected="n33")


@pytest.mark.parametrize(("name", "bad"), [("selected", "nope"), ("height", -5)])
def test_a_value_refused_from_the_browser_is_undone_not_kept(
    g: ng.Graph, name: str, bad: object
) -> None:
    """A refused value that arrived as widget state stayed set: traitlets undoes only its own
    TraitError, so the error is also one (and still an NNGraphError)."""
    view = GraphView(g, selected=weight_id(g, "0.weight"))
    before = getattr(view, name)
    with pytest.raises(ng.NNGraphError):
        view.set_state({name: bad})
    assert getattr(view, name) == before
