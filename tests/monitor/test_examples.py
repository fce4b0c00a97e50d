"""Every public method a student calls on a monitor shows how, in a runnable example (the
examples themselves run in tests/test_docstrings.py)."""

from __future__ import annotations

import pytest

from nngraph.monitor import GradientWatch, Monitor, Runs, detectors

DOCUMENTED = [
    *(
        getattr(Monitor, name)
        for name in (
            "should_stop",
            "best",
            "events",
            "to_csv",
            "history",
            "snapshot",
            "flush",
            "close",
            "add_event",
            "remove_listener",
        )
    ),
    *(
        getattr(Runs, name)
        for name in (
            "table",
            "winner",
            "rows",
            "snapshot",
            "flush",
            "add_listener",
            "remove_listener",
            "names",
        )
    ),
    *(getattr(GradientWatch, name) for name in ("step", "history", "table", "snapshot", "close")),
    *(getattr(detectors.Detector, name) for name in ("feed", "reset", "name")),
]


@pytest.mark.parametrize(
    "member",
    DOCUMENTED,
    ids=lambda m: getattr(m, "__qualname__", getattr(m, "fget", m).__qualname__),
)
def test_each_public_method_has_an_example(member: object) -> None:
    """24 public names had no `>>>` example (sweep O, bug 6)."""
    assert ">>>" in (getattr(member, "__doc__", None) or "")
