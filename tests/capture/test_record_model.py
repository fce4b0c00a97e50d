"""The model given to `ng.record(model)`: the graph's layers are named after it, so one that never
ran in the block is told, with the models that ran instead."""

from __future__ import annotations

import warnings

import pytest
import torch
from torch import nn

import nngraph as ng
from nngraph.capture import NNGraphWarning
from nngraph.i18n import set_language


def _mlp() -> nn.Sequential:
    return nn.Sequential(nn.Linear(2, 4), nn.ReLU(), nn.Linear(4, 1))


@pytest.mark.parametrize("language", ["en", "pl"])
def test_a_model_that_never_ran_in_the_block_is_warned_with_the_model_that_ran(
    language: str,
) -> None:
    """Sweep s45 magics, finding 2: `ng.record(other)` around a step of `net` was as silent as
    `%%nngraph --model other`; the graph named `net`'s layers by its class."""
    set_language(language)
    net, old, x = _mlp(), nn.Linear(2, 1), torch.randn(8, 2)
    with pytest.warns(NNGraphWarning) as caught, ng.record(old) as rec:
        loss = net(x).pow(2).mean()
        loss.backward()
    (said,) = [str(w.message) for w in caught]
    assert said.startswith("ng.record(old): ") and "\n" not in said
    assert {"en": "net ran instead", "pl": "zamiast niego działał net"}[language] in said
    assert "ng.record(net)" in said and "ng.record()" in said
    assert caught[0].filename == __file__  # at the `with` line
    assert len(rec.graph) > 0  # the graph is still made


#: a model of the module, which a function runs without a variable of its own for it
CRITIC = nn.Linear(1, 1)


def test_the_warning_names_the_models_that_ran_also_from_a_function() -> None:
    """Sweep s45 magics, finding 2: the models are named after the variables holding them, the
    function's or its module's; a model no variable holds is not named."""
    generator, old = _mlp(), nn.Linear(2, 1)
    with pytest.warns(NNGraphWarning) as caught, ng.record(old):
        CRITIC(generator(torch.randn(3, 2))).mean().backward()
    assert "the models that ran are generator, CRITIC" in str(caught[0].message)
    said = "ng.record\\(old\\): old did not run"
    with pytest.warns(NNGraphWarning, match=said) as caught, ng.record(old):
        nn.Linear(2, 1)(torch.randn(3, 2)).sum()
    assert "ran instead" not in str(caught[0].message)


@pytest.mark.parametrize(
    "block",
    [
        lambda net, x: net(x).sum(),
        lambda net, x: net[0](x).sum(),  # a part of it ran
        lambda net, x: net[0].weight.pow(2).sum() + x.sum(),  # its weight read directly
    ],
    ids=["model", "part", "weight"],
)
def test_a_model_that_took_part_in_the_block_is_not_warned(block: object) -> None:
    net, x = _mlp(), torch.randn(3, 2)
    with warnings.catch_warnings():
        warnings.simplefilter("error", NNGraphWarning)
        with ng.record(net) as rec:
            block(net, x)  # type: ignore[operator]
    assert len(rec.graph) > 0


def test_a_kept_recording_holds_no_model_that_ran() -> None:
    """What ran is kept by id and weak reference: a `rec` kept in a notebook holds the graph
    and nothing else."""
    import gc
    import weakref

    net = _mlp()
    with ng.record() as rec:
        net(torch.randn(3, 2)).sum()
    assert rec.took_part.models() == [net]
    gone = weakref.ref(net)
    del net
    gc.collect()
    assert gone() is None and rec.took_part.models() == []


def test_a_model_made_anew_in_the_block_is_not_told_it_did_not_run() -> None:
    """Regression review s45 (capture, 2): `with ng.record(model): model = Net()` (or a helper
    rebuilding the model with `global model`) was told "model did not run; model ran instead:
    write ng.record(model)", what the student had written."""
    model, x = _mlp(), torch.randn(8, 2)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with ng.record(model) as rec:
            model = _mlp()
            model(x).pow(2).mean().backward()
    assert [str(w.message) for w in caught if issubclass(w.category, NNGraphWarning)] == []
    assert rec.took_part.model(model)  # the graph is of the model the block made
    params = [d for _, d in rec.graph.nodes(data=True) if d["kind"] == "param"]
    shown = sorted(round(d["grad"]["norm"], 5) for d in params)
    assert shown == sorted(round(float(p.grad.norm()), 5) for p in model.parameters())
