"""Every example in the monitor's docstrings runs and shows what it says."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "nngraph.monitor",
    "nngraph.monitor._common",
    "nngraph.monitor._history",
    "nngraph.monitor._monitor",
    "nngraph.monitor._text",
    "nngraph.monitor._weights",
    "nngraph.monitor._distributed",
    "nngraph.monitor._gradwatch",
    "nngraph.monitor._runs",
    "nngraph.monitor._listeners",
    "nngraph.monitor.detectors",
    "nngraph.monitor._detector",
    "nngraph.monitor._prechelt",
    "nngraph.monitor._practical",
    "nngraph.integrations.lightning",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
