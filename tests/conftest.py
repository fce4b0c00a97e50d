"""Shared test set-up: every test starts in English, whatever the machine's locale, and leaves
no text monitor holding a line back for a later test's IPython cell to print; `displayed`
catches what IPython's `display()` is given."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from nngraph import i18n
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
def displayed(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, bool]]:
    """What `IPython.display.display(data, raw=...)` is given during the test, as
    `(data, raw)` pairs: an object's `_ipython_display_` outside a notebook."""
    import IPython.display

    shown: list[tuple[Any, bool]] = []
    monkeypatch.setattr(
        IPython.display, "display", lambda data, raw=False: shown.append((data, raw))
    )
    return shown
