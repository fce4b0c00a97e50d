"""Shared test set-up: every test starts in English, whatever the machine's locale, and leaves
no text monitor holding a line back for a later test's IPython cell to print; `ctrl_c` makes a
SIGINT raise KeyboardInterrupt; `displayed` catches what IPython's `display()` is given; `magic_shell` is IPython's shell
with the magics loaded; `zero_grad_before_step` is a training loop whose GradientWatch finds
no gradient at any step."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import torch

from nngraph import i18n
from nngraph.monitor import GradientWatch
from nngraph.monitor._held import flush_all


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    i18n.set_language("en")
    yield
    i18n.set_language("en")


@pytest.fixture(autouse=True)
def no_held_lines() -> Iterator[None]:
    """A monitor a test left holding a line (still alive until collected) printed it into
    another test's IPython cell, once that test's monitor hooked the cell's end."""
    yield
    flush_all()


@pytest.fixture
def ctrl_c() -> Iterator[None]:
    """A SIGINT raises KeyboardInterrupt in the test, as in a notebook or a terminal, also where
    the runner ignores it (a job a shell without job control started in the background)."""
    import signal

    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


@pytest.fixture
def displayed(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, bool]]:
    """What `IPython.display.display(data, raw=...)` is given during the test, as
    `(data, raw)` pairs: an object's `_ipython_display_` outside a notebook."""
    import IPython.display

    shown: list[tuple[Any, bool]] = []
    monkeypatch.setattr(
        IPython.display, "display", lambda data, raw=False: shown.append((data, raw))
    )
    return shown


@pytest.fixture
def magic_shell(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """IPython's test shell after `%load_ext nngraph`, the views the magics show caught in the
    list `shell.user_ns["shown"]` instead of displayed; the extension is unloaded after."""
    from IPython.testing import globalipapp

    from nngraph import _magic_commands, magics

    globalipapp.start_ipython()
    shell = globalipapp.get_ipython()
    shown: list[Any] = []
    monkeypatch.setattr(magics, "display", shown.append)
    monkeypatch.setattr(_magic_commands, "display", shown.append)  # `%nngraph watch`'s view
    shell.run_line_magic("load_ext", "nngraph")
    shell.user_ns["shown"] = shown
    yield shell
    shell.run_line_magic("unload_ext", "nngraph")


def zero_grad_before_step(steps: int, **kwargs: object) -> GradientWatch:
    """A watch through the optimizer of a loop that calls ``zero_grad()`` again between
    ``backward()`` and ``step()`` (sweep 20c §3): every step finds no gradient."""
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(2, 16), torch.nn.ReLU(), torch.nn.Linear(16, 2))
    opt = torch.optim.SGD(net.parameters(), lr=0.1)
    gw = GradientWatch(net, optimizer=opt, **kwargs)  # type: ignore[arg-type]
    x, y = torch.randn(20, 2), torch.randint(0, 2, (20,))
    for _ in range(steps):
        opt.zero_grad()
        torch.nn.functional.cross_entropy(net(x), y).backward()
        opt.zero_grad()
        opt.step()
    gw.close()
    return gw
