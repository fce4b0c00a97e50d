"""The package itself (``nngraph/__init__.py``): its public functions have examples that run.

``tests/test_docstrings.py`` walks the submodules; the package's own docstrings are run here.
"""

from __future__ import annotations

import doctest

import pytest

import nngraph as ng


def test_the_packages_own_examples_run(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("IPython.get_ipython", lambda: None)  # as in a plain Python session
    result = doctest.testmod(ng, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and result.attempted >= 10
