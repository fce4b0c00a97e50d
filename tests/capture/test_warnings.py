"""PyTorch's own warnings inside a recording are shown where they would be without it."""

from __future__ import annotations

import inspect
import re
import subprocess
import sys
import warnings
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path

import pytest
import torch
import torch.nn.functional as F
from torch import nn

import nngraph as ng
from nngraph.capture import NNGraphWarning

Place = tuple[str, int, str]  # file, line, text


Block = Callable[[], AbstractContextManager[object]]


def places(run: Callable[[], None], block: Block, *filters: dict[str, str]) -> list[Place]:
    """Where each warning `run()` raises inside `block()` is shown, under the default filter
    and then `filters` (keyword arguments of `warnings.filterwarnings`) in front of it."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("default")
        for kwargs in filters:
            warnings.filterwarnings(**kwargs)  # type: ignore[arg-type]
        with block():
            run()
    return [(w.filename, w.lineno, str(w.message)[:40]) for w in caught]


@contextmanager
def record_in_record() -> Iterator[None]:
    """Two recordings at once, as `ng.trace` in a `%%nngraph` cell runs."""
    with ng.record(), ng.record():
        yield


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


@pytest.mark.parametrize("block", [ng.record, record_in_record])
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
    run: Callable[[], None], block: Block
) -> None:
    plain = places(run, nullcontext)
    assert plain, "the snippet must warn"
    assert places(run, block) == plain


@pytest.mark.parametrize("block", [nullcontext, ng.record, record_in_record])
def test_a_warning_of_the_loss_trace_runs_names_the_users_line(block: Block) -> None:
    model, x, y = nn.Linear(3, 1), torch.randn(8, 3), torch.randn(8)

    def loss(out: torch.Tensor) -> torch.Tensor:
        return F.mse_loss(out, y)  # the line shown

    with warnings.catch_warnings(record=True) as caught, block():
        warnings.simplefilter("always")
        ng.trace(model, x, loss=loss)
    (warning,) = caught
    assert "target size" in str(warning.message)
    assert (warning.filename, warning.lineno) == (__file__, loss.__code__.co_firstlineno + 1)


class _FullHookOnTheFirstLayer(nn.Module):
    """A Grad-CAM lesson's model: a full backward hook on a layer whose input needs no grad."""

    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3)
        self.conv.register_full_backward_hook(lambda module, grad_in, grad_out: None)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.conv(x)


@pytest.mark.parametrize("block", [nullcontext, ng.record])
def test_a_warning_of_the_backward_trace_runs_names_the_users_line(block: Block) -> None:
    """PyTorch warns during the backward that a full hook fires without input gradients: a
    plain run names the line calling `backward()`, a trace the line calling `trace()`."""
    model, x = _FullHookOnTheFirstLayer(), torch.randn(2, 3, 8, 8)
    with warnings.catch_warnings(record=True) as caught, block():
        warnings.simplefilter("always")
        line = inspect.currentframe().f_lineno + 1  # type: ignore[union-attr]
        ng.trace(model, x, loss=lambda y: y.sum())
    fired = [w for w in caught if "Full backward hook" in str(w.message)]
    assert fired
    assert {(w.filename, w.lineno) for w in fired} == {(__file__, line)}


HIDE_NNGRAPH = {"action": "ignore", "module": "nngraph"}  # "hide the library's chatter"
ONLY_FOR_THIS_MODULE = [  # as the default filters show a DeprecationWarning only for __main__
    {"action": "ignore", "category": UserWarning},
    {"action": "default", "category": UserWarning, "module": __name__},
]


@pytest.mark.parametrize("block", [ng.record, record_in_record])
@pytest.mark.parametrize(
    "filters", [[HIDE_NNGRAPH], ONLY_FOR_THIS_MODULE], ids=["hide-nngraph", "only-this-module"]
)
def test_filters_on_modules_judge_the_users_line_not_nngraphs(
    filters: list[dict[str, str]], block: Block
) -> None:
    plain = places(the_same_warning_in_a_loop, nullcontext, *filters)
    assert plain, "the filters show the warnings about this module's lines"
    assert places(the_same_warning_in_a_loop, block, *filters) == plain


def test_a_warning_after_an_inner_block_ended_is_still_judged_at_the_users_line() -> None:
    def inner_block_then_warning() -> None:
        with ng.record():
            pass
        F.mse_loss(torch.zeros(4, 1), torch.zeros(4))

    plain = places(inner_block_then_warning, nullcontext, HIDE_NNGRAPH)
    assert places(inner_block_then_warning, ng.record, HIDE_NNGRAPH) == plain != []


def the_same_text_at_two_lines() -> None:
    F.mse_loss(torch.zeros(4, 1), torch.zeros(4))
    F.mse_loss(torch.zeros(4, 1), torch.zeros(4))


def test_once_shows_a_warning_once_even_at_another_line() -> None:
    once = {"action": "once"}
    plain = places(the_same_text_at_two_lines, nullcontext, once)
    assert len(plain) == 1
    assert places(the_same_text_at_two_lines, ng.record, once) == plain


@pytest.mark.parametrize(
    ("set_filter", "shown"),
    [
        (lambda: warnings.simplefilter("default"), 3),
        (lambda: warnings.simplefilter("once"), 1),
        (warnings.resetwarnings, 3),  # no filters: each line once
    ],
    ids=["default", "once", "reset"],
)
def test_a_filter_set_inside_the_block_shows_what_plain_torch_shows(
    set_filter: Callable[[], None], shown: int
) -> None:
    def set_filter_then_warn() -> None:
        set_filter()
        for _ in range(2):
            F.mse_loss(torch.zeros(4, 1), torch.zeros(4))
        the_same_text_at_two_lines()

    plain = places(set_filter_then_warn, nullcontext)
    assert len(plain) == shown
    assert places(set_filter_then_warn, ng.record) == plain


def test_an_error_filter_still_raises_the_warning() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(UserWarning, match="target size"), ng.record():
            F.mse_loss(torch.zeros(4, 1), torch.zeros(4))


def test_an_error_filter_judges_the_users_line() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warnings.filterwarnings(**HIDE_NNGRAPH)  # type: ignore[arg-type]
        with pytest.raises(UserWarning, match="target size"), ng.record():
            F.mse_loss(torch.zeros(4, 1), torch.zeros(4))


@pytest.mark.parametrize("block", [ng.record, record_in_record])
def test_warnings_are_shown_as_before_once_the_block_ends_also_when_it_raises(
    block: Block,
) -> None:
    shown = warnings._showwarnmsg  # type: ignore[attr-defined]
    with warnings.catch_warnings():
        filters = list(warnings.filters)
        with pytest.raises(RuntimeError, match="boom"), block():
            warnings.filterwarnings("ignore", message="mine")  # the user's own filter stays
            raise RuntimeError("boom")
        (mine, *rest) = warnings.filters
        assert mine == ("ignore", re.compile("mine", re.IGNORECASE), Warning, None, 0)
        assert rest == filters
    assert warnings._showwarnmsg is shown  # type: ignore[attr-defined]


_SNIPPET = (
    "import torch, nngraph as ng\n"
    "loss = lambda out: torch.nn.functional.mse_loss(out, torch.zeros(8))\n"
    "ng.trace(torch.nn.Linear(3, 1), torch.zeros(8, 3), loss=loss)\n"
    "print('traced')\n"
)


@pytest.mark.parametrize("how", ["python -c", "exec() in a script"])
def test_a_torch_warning_is_shown_also_where_python_cannot_read_the_line(
    how: str, tmp_path: Path
) -> None:
    # `python -c`: a built-in `__main__`, whose source no loader gives; exec() of a snippet in
    # a script's namespace (an autograder, a course tool): the snippet's lines lie past the
    # script's end
    if how == "python -c":
        command = [sys.executable, "-c", _SNIPPET]
    else:
        script = tmp_path / "script.py"
        script.write_text(f"exec({chr(10) * 50 + _SNIPPET!r})")
        command = [sys.executable, str(script)]
    run = subprocess.run(command, capture_output=True, text=True)
    assert (run.returncode, run.stdout) == (0, "traced\n"), run.stderr
    assert re.search(r"<string>:\d+: UserWarning: Using a target size", run.stderr)


class _ThreadPoolEnsemble(nn.Module):
    """Members run in a thread pool: their ops never reach the recording thread's mode."""

    def __init__(self) -> None:
        super().__init__()
        self.members = nn.ModuleList(
            [nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2)) for _ in range(2)]
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(2) as pool:
            outs = list(pool.map(lambda member: member(x), self.members))
        return torch.stack(outs).mean(0)


def test_modules_run_in_another_thread_are_said_to_be_missing() -> None:
    """Sweep s40 (helper zoo): a thread-pool ensemble's layers were recorded in silence as the
    next op of the main thread ('stack'), without values, and its input was missing."""
    model = _ThreadPoolEnsemble()
    with pytest.warns(NNGraphWarning, match=r"\(Sequential\) ran in another thread") as said:
        graph = ng.trace(model, torch.randn(5, 4), loss=lambda out: out.pow(2).mean())
    assert said[0].filename == __file__  # the line that called trace()
    assert graph.graph["complete"] is False
    by_backward = {d["backward"]: d["op"] for _, d in graph.nodes(data=True) if d["kind"] == "op"}
    assert by_backward["AddmmBackward0"] != "stack"
    for name, p in model.named_parameters():  # what autograd gave them is still there
        node = next(d for _, d in graph.nodes(data=True) if d["name"] == name)
        assert node["grad"] is not None and p.grad is None  # the trace put .grad back


def test_a_model_in_one_thread_says_nothing_about_threads() -> None:
    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        graph = ng.trace(model, torch.randn(5, 4), loss=lambda out: out.pow(2).mean())
    assert graph.graph["complete"] is True


def test_a_module_outside_the_model_run_in_another_thread_says_nothing() -> None:
    """Review s40 (rg, repro_07): a data thread's augmentation module, or another thread's own
    recording, made every trace say the model ran in another thread."""
    augment = nn.Linear(4, 4)  # no module of the model

    class Model(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.fc = nn.Linear(4, 2)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            import threading

            worker = threading.Thread(target=lambda: augment(torch.randn(2, 4)))
            worker.start()
            worker.join()
            return self.fc(x)

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        graph = ng.trace(Model(), torch.randn(5, 4), loss=lambda out: out.pow(2).mean())
    assert graph.graph["complete"] is True
