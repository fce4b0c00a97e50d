"""`%%nngraph --model X`: the model the cell's graph is named after. One that never ran in the
cell is told, with the models that ran instead, at the cell's line."""

from __future__ import annotations

import warnings
from typing import Any

import pytest

from nngraph import i18n
from nngraph.capture import NNGraphWarning


@pytest.fixture
def ip(magic_shell: Any) -> Any:
    magic_shell.run_cell(
        "import asyncio, torch, nngraph as ng\n"
        "net = torch.nn.Sequential(torch.nn.Linear(2, 4), torch.nn.ReLU(), torch.nn.Linear(4, 1))\n"
        "model = torch.nn.Linear(2, 1)  # an older model the notebook still holds\n"
        "x = torch.randn(8, 2)"
    )
    return magic_shell


def _warned(ip: Any, line: str, cell: str) -> list[str]:
    with pytest.warns() as caught:
        result = ip.run_cell(f"%%nngraph {line}\n{cell}")
    assert result.success, result.error_in_exec or result.error_before_exec
    return [str(w.message) for w in caught if issubclass(w.category, NNGraphWarning)]


@pytest.mark.parametrize("language", ["en", "pl"])
def test_a_model_option_that_never_ran_in_the_cell_is_warned_with_the_model_that_ran(
    ip: Any, language: str
) -> None:
    """Sweep s45 magics, finding 2: `--model model` while the cell trained `net` was accepted
    silently; the graph named `net`'s layers by its class and counted `model`'s weights."""
    i18n.set_language(language)
    (said,) = _warned(ip, "--model model -q -o g", "loss = net(x).pow(2).mean()\nloss.backward()")
    assert said.startswith("%%nngraph: ") and "\n" not in said
    assert {"en": "model, given to --model, did not run in this cell", "pl": "model model podany w --model nie został uruchomiony w tej komórce"}[language] in said  # fmt: skip
    assert {"en": "net ran instead", "pl": "zamiast niego działał net"}[language] in said
    assert "%%nngraph --model net" in said and "record(" not in said
    assert "g" in ip.user_ns  # the graph is still shown and kept


def test_a_model_option_is_warned_also_in_a_cell_that_makes_it_anew_or_awaits(ip: Any) -> None:
    """Sweep s45 magics, finding 2: the model a cell makes anew is read after the cell, and a
    cell that awaits at the top level is recorded apart; both are judged as any cell."""
    (anew,) = _warned(ip, "--model fresh -q", "fresh = torch.nn.Linear(2, 1)\nloss = net(x).sum()")
    assert anew.startswith("%%nngraph: fresh, given to --model, did not run") and "net" in anew
    (awaited,) = _warned(ip, "--model model -q", "await asyncio.sleep(0)\nloss = net(x).sum()")
    assert awaited.startswith("%%nngraph: model, given to --model, did not run")


def test_the_warning_names_every_model_that_ran_as_the_notebook_holds_it(ip: Any) -> None:
    """Sweep s45 magics, finding 2: the models are named as written (an item of a dict, a
    model of which a layer ran); a model no variable holds is not named."""
    ip.run_cell("models = {'small': torch.nn.Linear(2, 1)}")
    cell = "loss = net[0](x).sum() + models['small'](x).sum()"
    (said,) = _warned(ip, "--model model -q", cell)
    assert "the models that ran are net, models['small']" in said
    (unnamed,) = _warned(ip, "--model model -q", "loss = torch.nn.Linear(2, 1)(x).sum()")
    assert "did not run in this cell" in unnamed and "ran instead" not in unnamed
    assert "Give --model the model this cell runs, or leave --model out" in unnamed


@pytest.mark.parametrize(
    ("line", "cell"),
    [
        ("--model net", "loss = net(x).sum()"),
        ("--model net", "loss = net[0](x).sum()"),  # a part of it ran
        ("--model model", "loss = net(x).sum() + model.weight.pow(2).sum()"),  # its weight read
        ("--model net", "net = torch.nn.Linear(2, 1)\nloss = net(x).sum()"),  # made anew, run
        ("", "loss = net(x).sum()"),
    ],
)
def test_a_model_that_took_part_in_the_cell_is_not_warned(ip: Any, line: str, cell: str) -> None:
    """Sweep s45 magics, finding 2: only a model none of whose layers ran, nor whose weights
    the cell read, is told."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", NNGraphWarning)
        result = ip.run_cell(f"%%nngraph -q {line}\n{cell}")
    assert result.success, result.error_in_exec


def test_a_model_a_helper_made_anew_in_the_cell_is_not_told_it_did_not_run(ip: Any) -> None:
    """Regression review s45 (capture, 2): a helper rebuilding `model` with `global model` in a
    `%%nngraph --model model` cell was told "model did not run; model ran instead: write
    %%nngraph --model model", what the student had written."""
    ip.run_cell("def reset():\n    global model\n    model = torch.nn.Linear(2, 1)")
    with warnings.catch_warnings():
        warnings.simplefilter("error", NNGraphWarning)
        result = ip.run_cell(
            "%%nngraph --model model -q\nreset()\nmodel(x).pow(2).mean().backward()"
        )
    assert result.success, result.error_in_exec
