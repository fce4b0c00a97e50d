"""PyTorch's own warnings inside a recording are shown where they would be without it."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext

import pytest
import torch
import torch.nn.functional as F
from torch import nn

import nngraph as ng

Place = tuple[str, int, str]  # file, line, text


def places(run: Callable[[], None], block: Callable[[], AbstractContextManager[object]]) -> list:
    """Where each warning `run()` raises inside `block()` is shown, under the default filter."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("default")
        with block():
            run()
    return [(w.filename, w.lineno, str(w.message)[:40]) for w in caught]


def mse_with_broadcast() -> None:
    F.mse_loss(torch.zeros(4, 1, requires_grad=True), torch.zeros(4)).backward()


def mse_module_with_broadcast() -> None:
    nn.MSELoss()(torch.zeros(4, 1, requires_grad=True), torch.zeros(4))


def softmax_without_dim() -> None:
    F.softmax(torch.randn(2, 3, requires_grad=True)).sum().backward()  # stacklevel 3


def output_resized_in_cpp() -> None:
    torch.add(torch.ones(3), torch.ones(3), out=torch.empty(1))  # TORCH_WARN in C++


def the_same_warning_in_a_loop() -> None:
    for _ in range(3):
        F.mse_loss(torch.zeros(4, 1), torch.zeros(4))
    F.mse_loss(torch.zeros(5, 1), torch.zeros(5))  # another line, and another text


@pytest.mark.parametrize(
    "run",
    [
        mse_with_broadcast,
        mse_module_with_broadcast,
        softmax_without_dim,
        output_resized_in_cpp,
        the_same_warning_in_a_loop,
    ],
)
def test_a_torch_warning_in_record_is_shown_where_plain_torch_shows_it(
    run: Callable[[], None],
) -> None:
    plain = places(run, nullcontext)
    assert plain, "the snippet must warn"
    assert places(run, ng.record) == plain


def test_a_warning_of_the_loss_trace_runs_names_the_users_line() -> None:
    model, x, y = nn.Linear(3, 1), torch.randn(8, 3), torch.randn(8)

    def loss(out: torch.Tensor) -> torch.Tensor:
        return F.mse_loss(out, y)  # the line shown

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ng.trace(model, x, loss=loss)
    (warning,) = caught
    assert "target size" in str(warning.message)
    assert (warning.filename, warning.lineno) == (__file__, loss.__code__.co_firstlineno + 1)


def test_an_error_filter_still_raises_the_warning() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(UserWarning, match="target size"), ng.record():
            F.mse_loss(torch.zeros(4, 1), torch.zeros(4))


def test_warnings_are_shown_as_before_once_the_block_ends_also_when_it_raises() -> None:
    shown = warnings._showwarnmsg  # type: ignore[attr-defined]
    with pytest.raises(RuntimeError, match="boom"), ng.record(), ng.record():
        raise RuntimeError("boom")
    assert warnings._showwarnmsg is shown  # type: ignore[attr-defined]
