"""What a student often gives `trace()` by mistake (the DataLoader, a whole batch, a container
of layers, weights without values) gets an `NNGraphError` saying what to give instead; what a
model may take as it is (a pair, a generator it reads) still works, and its own errors stay."""

from __future__ import annotations

import re
from typing import Any

import pytest
import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

import nngraph as ng
from tests.capture.test_safety import assert_unchanged, snapshot


class _Counted(nn.Module):
    """An MLP that counts its forward calls."""

    def __init__(self) -> None:
        super().__init__()
        self.net = nn.Sequential(nn.Linear(10, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Linear(8, 3))
        self.calls = 0

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self.calls += 1
        return self.net(x)


def _data(labels: bool = True) -> TensorDataset:
    torch.manual_seed(0)
    y = torch.randint(0, 3, (8,)) if labels else torch.randn(8, 1)
    return TensorDataset(torch.randn(8, 10), y)


@pytest.mark.parametrize(
    ("labels", "batch_type", "loss"),
    [
        (True, "list", "F.cross_entropy"),
        (False, "list", "F.mse_loss"),
        (True, "tuple", "F.cross_entropy"),
    ],
)
def test_the_whole_batch_as_the_input_says_to_give_the_inputs_and_the_targets_apart(
    labels: bool, batch_type: str, loss: str
) -> None:
    """Sweep s44 zoo2, finding 4: `trace(model, next(iter(loader)))` gave torch's `linear():
    ... must be Tensor, not list`."""
    batch = next(iter(DataLoader(_data(labels), batch_size=4)))
    if batch_type == "tuple":
        batch = tuple(batch)
    model = _Counted()
    before = snapshot(model)
    with pytest.raises(ng.NNGraphError) as caught:
        ng.trace(model, batch, loss=lambda out: out.sum())
    text = str(caught.value)
    assert f"got a {batch_type} of two tensors (shapes [4, 10], [4" in text
    assert f"not {batch_type}" in text  # the model's own words
    assert "x, y = batch" in text and "ng.trace(model, *batch" in text
    assert f"loss=lambda out: {loss}(out, y)" in text
    assert_unchanged(model, before)


class _TakesAPair(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Linear(10, 1)

    def forward(self, pair: tuple[torch.Tensor, torch.Tensor]) -> torch.Tensor:
        x, scale = pair
        return self.fc(x) * scale


class _PairBug(_TakesAPair):
    def forward(self, pair: tuple[torch.Tensor, torch.Tensor]) -> torch.Tensor:
        return self.fc(pair[0]) + "1"  # type: ignore[operator]  # not about the pair


def test_a_pair_of_tensors_the_model_takes_is_given_as_it_is_and_its_own_errors_stay() -> None:
    pair = (torch.randn(4, 10), torch.randn(4, 1))
    assert len(ng.trace(_TakesAPair(), pair, loss=lambda out: out.pow(2).mean())) > 0
    with pytest.raises(TypeError, match="unsupported operand"):
        ng.trace(_PairBug(), pair)


def test_a_data_loader_as_the_input_is_refused_before_the_model_runs() -> None:
    """Sweep s44 zoo2, finding 4: the DataLoader itself gave `... must be Tensor, not
    DataLoader` from deep inside the model."""
    loader = DataLoader(_data(), batch_size=4)
    model = _Counted()
    for inputs, kwargs, where in (((loader,), {}, "inputs[0]"), ((), {"x": loader}, "x")):
        with pytest.raises(ng.NNGraphError, match=rf"^{re.escape(where)} is a DataLoader") as e:
            ng.trace(model, *inputs, **kwargs, loss=lambda out: out.sum())
        assert "x, y = next(iter(loader))" in str(e.value)
    assert model.calls == 0


@pytest.mark.parametrize("given", ["generator", "iterator", "loader iterator"])
def test_an_iterator_where_the_model_needs_a_tensor_says_to_take_an_item(given: str) -> None:
    """Sweep s44 zoo2, finding 4: a generator of batches gave `... must be Tensor, not
    generator`. A model that reads a generator still gets one (see test_models.py)."""
    data = _data()
    batches = {
        "generator": lambda: (x for x, _ in [data[:4]]),
        "iterator": lambda: iter([data.tensors[0]]),
        "loader iterator": lambda: iter(DataLoader(data, batch_size=4)),
    }[given]()
    with pytest.raises(
        ng.NNGraphError, match=r"^the model needs a tensor where it got inputs\[0\]"
    ):
        ng.trace(_Counted(), batches)
    for model in (nn.Sequential(nn.Flatten(), nn.Linear(10, 1)), nn.Linear(10, 1)):
        with pytest.raises(ng.NNGraphError, match=r"an iterator.*next\(batches\)"):
            ng.trace(model, iter([data.tensors[0]]))


def test_a_dataset_as_the_input_says_to_take_a_batch() -> None:
    with pytest.raises(ng.NNGraphError, match=r"\(type TensorDataset\), a data set.*DataLoader"):
        ng.trace(_Counted(), _data(), loss=lambda out: out.sum())


@pytest.mark.parametrize(
    "container",
    [
        nn.ModuleList([nn.Linear(10, 1)]),
        nn.ModuleDict({"fc": nn.Linear(10, 1)}),
        nn.ParameterList([nn.Parameter(torch.ones(2))]),
    ],
    ids=["ModuleList", "ModuleDict", "ParameterList"],
)
def test_a_container_of_layers_as_the_model_says_to_give_the_model_that_runs_them(
    container: nn.Module,
) -> None:
    """Sweep s44 zoo2, finding 4: an `nn.ModuleList` as the model gave PyTorch's `Module
    [ModuleList] is missing the required "forward" function`."""
    name = type(container).__name__
    with pytest.raises(ng.NNGraphError, match=rf"^the model, nn\.{name}, holds modules but has"):
        ng.trace(container, torch.randn(4, 10))


def test_a_module_given_its_forward_as_an_attribute_is_traced() -> None:
    layers = nn.ModuleList([nn.Linear(10, 4), nn.Linear(4, 1)])
    layers.forward = lambda x: layers[1](layers[0](x))  # type: ignore[method-assign]
    assert len(ng.trace(layers, torch.randn(2, 10), loss=lambda out: out.sum())) > 0


def _meta_model() -> nn.Module:
    with torch.device("meta"):
        return nn.Sequential(nn.Linear(10, 8), nn.ReLU(), nn.Linear(8, 1))


@pytest.mark.parametrize("keyword", [False, True])
def test_weights_on_the_meta_device_with_a_real_input_say_to_give_them_values(
    keyword: bool,
) -> None:
    """Sweep s44 zoo2, finding 4: a model built under `torch.device("meta")` gave `Tensor on
    device meta is not on the expected device cpu!`."""
    model = _meta_model()
    kwargs: dict[str, Any] = {"input": torch.randn(4, 10)} if keyword else {}
    inputs = () if keyword else (torch.randn(4, 10),)
    with pytest.raises(ng.NNGraphError, match=r"^the model's weights are on the meta device") as e:
        ng.trace(model, *inputs, **kwargs, loss=lambda out: F.mse_loss(out, torch.zeros(4, 1)))
    text = str(e.value)
    where = "input" if keyword else "inputs[0]"
    assert f"from {where}, which is on cpu" in text
    assert "model.to_empty(device='cpu')" in text and "load_state_dict" in text
    assert isinstance(e.value.__cause__, RuntimeError)  # PyTorch's words, kept as the cause


def test_weights_and_input_on_the_meta_device_say_nothing_was_checked() -> None:
    """Sweep s44 zoo2, finding 4: no node had a value, yet the summary said "Findings: none in
    the forward pass", as if the forward had been checked."""
    g = ng.trace(_meta_model(), torch.randn(4, 10, device="meta"), loss=lambda o: o.mean())
    said = "Findings: none checked (the tensors are on the meta device"
    assert str(g.summary()).splitlines()[-1].startswith(said)
    assert str(g.health()).startswith(said) and g.health() == []
    forward_only = ng.trace(_meta_model(), torch.randn(4, 10, device="meta"))
    assert str(forward_only.health()).startswith(said)


def test_a_graph_without_values_says_nothing_was_checked() -> None:
    """Sweep s44 zoo2, finding 4: `graph_of(y, stats=False)` records the structure alone, and
    its summary said "none in the forward pass" too."""
    w = torch.randn(3, requires_grad=True)
    g = ng.graph_of((w * 2).sum(), stats=False)
    assert str(g.health()) == (
        "Findings: none checked (no values or gradients were recorded, only the structure and"
        " the shapes)"
    )


@pytest.mark.parametrize(
    ("mistake", "said"),
    [
        ("batch", r"^model potrzebuje tensora tam, gdzie dostał list z dwoma tensorami"),
        ("loader", r"^inputs\[0\] to DataLoader, który zawiera cały zbiór danych"),
        ("iterator", r"^model potrzebuje tensora tam, gdzie dostał inputs\[0\] \(typ generator\)"),
        ("dataset", r"\(typ TensorDataset\), zbiór danych"),
        ("container", r"^model, nn\.ModuleList, przechowuje moduły"),
        ("meta", r"^wagi modelu są na urządzeniu meta"),
    ],
)
def test_wrong_inputs_are_told_in_polish_too(mistake: str, said: str) -> None:
    data = _data()
    call = {
        "batch": lambda: ng.trace(_Counted(), list(data[:4])),
        "loader": lambda: ng.trace(_Counted(), DataLoader(data, batch_size=4)),
        "iterator": lambda: ng.trace(_Counted(), (x for x in [data.tensors[0]])),
        "dataset": lambda: ng.trace(_Counted(), data),
        "container": lambda: ng.trace(nn.ModuleList([nn.Linear(10, 1)]), data.tensors[0]),
        "meta": lambda: ng.trace(_meta_model(), data.tensors[0]),
    }[mistake]
    ng.set_language("pl")
    try:
        with pytest.raises(ng.NNGraphError, match=said):
            call()
    finally:
        ng.set_language("en")
