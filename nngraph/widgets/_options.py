"""Checks of a widget's options, shared by ``GraphView`` and ``LossView``: each wrong value or
name raises ``NNGraphError`` saying what is allowed, before the widget is made (traitlets' own
``TraitError`` would come with a long traceback, and a misspelt name would be ignored)."""

from __future__ import annotations

import difflib
import math
import numbers
import reprlib
from collections.abc import Iterable
from typing import Any

import traitlets

from nngraph.errors import NNGraphError, check_flag
from nngraph.graph._nodes import with_ancestors
from nngraph.i18n import message
from nngraph.monitor._history import check_max_points
from nngraph.monitor._params import _nonnegative, _whole

__all__ = [
    "LOSS_OPTIONS",
    "LossOption",
    "check_at_least",
    "check_layout",
    "check_loss_options",
    "check_names",
    "check_range",
    "check_selected",
    "loss_option",
]


def check_names(widget: str, given: Iterable[str], known: Iterable[str]) -> None:
    """Refuse a name that is no option (``ipywidgets``' ``layout`` is one of every widget).

    >>> check_names("LossView", ["maxpoints"], ["max_points", "height"])
    Traceback (most recent call last):
    ...
    nngraph.errors.NNGraphError: LossView has no option 'maxpoints'; its options are: max_points, height
    """
    options = tuple(known)
    for name in given:
        if name not in options and name != "layout":
            listed = ", ".join(options)
            raise NNGraphError(
                message("widgets.error.unknown_option", widget=widget, name=name, known=listed)
            )


def check_at_least(widget: str, option: str, value: Any, minimum: int) -> int:
    """A whole number (not a bool) of at least ``minimum``."""
    if not isinstance(value, numbers.Integral) or isinstance(value, bool) or value < minimum:
        raise NNGraphError(
            message(
                "widgets.error.at_least", widget=widget, option=option, minimum=minimum, got=value
            )
        )
    return int(value)


def check_range(widget: str, option: str, value: Any, low: float, high: float) -> float:
    """A finite number (not a bool) from ``low`` to ``high``."""
    real = isinstance(value, numbers.Real) and not isinstance(value, bool)
    if not (real and math.isfinite(value) and low <= value <= high):
        raise NNGraphError(
            message(
                "widgets.error.range", widget=widget, option=option, low=low, high=high, got=value
            )
        )
    return float(value)


def check_layout(widget: str, value: Any) -> None:
    """``layout=``: a dict or an ``ipywidgets.Layout``, as ipywidgets takes it."""
    from ipywidgets import Layout

    if not isinstance(value, dict | Layout):
        raise NNGraphError(message("widgets.error.layout", widget=widget, got=value))


#: what ``LossView(source, ...)`` takes besides the source (``layout``: ipywidgets')
LOSS_OPTIONS = (
    "max_points",
    "snapshot_interval",
    "keep_sent",
    "log_scale",
    "smoothing",
    "height",
    "total_epochs",
    "layout",
)


def check_loss_options(**given: Any) -> None:
    """Refuse a name that is no option of ``LossView`` (anywidget would hand it to traitlets,
    which ignores it) or a value it cannot take, before anything is made or subscribed.

    >>> check_loss_options(max_points=1000, smoothing=0.5, layout={"width": "50%"})
    >>> check_loss_options(maxpoints=10)
    Traceback (most recent call last):
    ...
    nngraph.errors.NNGraphError: LossView has no option 'maxpoints'; its options are: ..., layout
    """
    check_names("LossView", given, LOSS_OPTIONS)
    for name, value in given.items():
        if name == "layout":
            check_layout("LossView", value)
        else:
            loss_option(name, value)


def loss_option(name: str, value: Any) -> Any:
    """``value`` as ``LossView`` keeps its option ``name`` (not ``layout``), or an
    ``NNGraphError`` saying what the option takes.

    >>> loss_option("smoothing", 0), loss_option("total_epochs", None)
    (0.0, None)
    """
    if name == "max_points":
        return check_max_points(value)
    if name == "snapshot_interval":
        return _nonnegative("LossView(snapshot_interval=...)", value)
    if name == "keep_sent":
        return _whole("LossView(keep_sent=...)", value)
    if name == "log_scale":
        return check_flag("LossView(log_scale=...)", value)
    if name == "smoothing":
        return check_range("LossView", name, value, 0.0, 0.99)
    if name == "total_epochs" and value is None:
        return None
    return check_at_least("LossView", name, value, 1)  # height, total_epochs


class LossOption(traitlets.TraitType[Any, Any]):
    """A ``LossView`` option that ``loss_option`` checks whenever it is set, when the view is
    made or later (``view.smoothing = 2``): a wrong value raises the ``NNGraphError`` that
    ``LossView(smoothing=2)`` raises, not traitlets' ``TraitError``."""

    def validate(self, obj: Any, value: Any) -> Any:
        return loss_option(str(self.name), value)


def check_selected(widget: str, payload: dict[str, Any], selected: str) -> str:
    """``selected`` if the view can select it in ``payload``: ``""`` (none), a node's id, or a
    box the browser draws for a folded module (``m:<path>``) or a run of repeated blocks
    (``r:<path>``). Anything else raises ``NNGraphError`` with the close matches.

        >>> g = {"nodes": [{"id": "n3", "name": "fc.weight", "module": "fc"}]}
        >>> check_selected("GraphView", g, "m:fc"), check_selected("GraphView", g, "n3")
        ('m:fc', 'n3')
        >>> check_selected("GraphView", g, "fc.weigth")
        Traceback (most recent call last):
        ...
        nngraph.errors.NNGraphError: GraphView(selected=...) got 'fc.weigth', ... 'n3' (fc.weight)?
    """
    if not selected:
        return selected
    nodes = payload.get("nodes") or []
    paths = {str(n.get("module") or "") for n in nodes}
    paths |= {str(m.get("path") or "") for m in payload.get("modules") or []}
    paths = with_ancestors(paths)
    ids = {_browser_id(n.get("id")): n.get("name") for n in nodes}
    box = selected[2:] if selected[:2] in ("m:", "r:") else ""
    box = box.removesuffix("#more") if selected[:2] == "r:" else box  # a run's "N more" box
    if not selected or selected in ids or (box and box in paths):
        return selected
    named = {text: (f"m:{p}", "") for p in paths if p for text in (p, f"m:{p}")}
    named.update({n: (i, f" ({n})") for i, n in ids.items() if isinstance(n, str) and n})
    named.update({i: (i, "") for i in ids})  # a parameter's name above gives its node's id
    close = difflib.get_close_matches(selected, list(named), n=3)
    shown = [f"{named[c][0]!r}{named[c][1]}" for c in close]
    if close:
        hint = message("widgets.error.selected_close", close=", ".join(dict.fromkeys(shown)))
    elif ids:
        hint = message("widgets.error.selected_list", first=", ".join(map(repr, list(ids)[:3])))
    else:
        hint = message("widgets.error.selected_empty")
    got = reprlib.repr(selected)
    raise NNGraphError(message("widgets.error.selected_unknown", widget=widget, got=got, hint=hint))


def _browser_id(node_id: Any) -> str:
    """A node's id as the browser writes it (``String(id)``): ``[1, 2]`` -> ``"1,2"``."""
    if isinstance(node_id, (list, tuple)):
        return ",".join(_browser_id(part) for part in node_id)
    if isinstance(node_id, float) and node_id.is_integer():
        return str(int(node_id))
    return str(node_id)
