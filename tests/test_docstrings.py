"""Every example in nngraph's docstrings runs, shows what it says and leaves no hook behind."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest
import torch

import nngraph

MODULES = sorted(info.name for info in pkgutil.walk_packages(nngraph.__path__, prefix="nngraph."))


def test_every_module_is_found():
    assert {"nngraph.graph._graph", "nngraph.capture._record", "nngraph.monitor._monitor"} <= set(
        MODULES
    )


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # as in a plain Python session, even after other tests started an IPython shell
    monkeypatch.setattr("IPython.get_ipython", lambda: None)
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
    # an example is code a student copies: it must leave no global module hook behind either
    hooks = torch.nn.modules.module
    assert not hooks._global_forward_hooks and not hooks._global_forward_pre_hooks
