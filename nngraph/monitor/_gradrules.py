"""How a :class:`~nngraph.monitor.GradientWatch` judges the norms of one step (:class:`Judge`).

Each layer, on its own:

- *not finite* (NaN, inf): said at the first such step (a NaN never recovers once
  ``optimizer.step()`` applied it, and the step is how a student finds the bad batch);
- *exploding*, above ``exploding``: said after ``patience`` steps in a row, naming the step the
  streak started and its peak; at once where the norm is :data:`HUGE` times the limit or more (a
  blow-up of two steps is no less real);
- *almost no gradient*, below ``ratio / FAR_BELOW`` of the largest layer's norm, or below
  ``vanishing``; *exactly zero* after it had a gradient (in a net with ReLU: dead units).

And the model as a whole, the textbook vanishing gradient: the first layer's norm below
``ratio`` times the last layer's for ``patience`` steps: the first layers learn about
``1 / ratio`` times slower than the last. Measured over 4 seeds each, as the smallest value the
first/last ratio stays below for 3 steps in a row: 6-layer sigmoid MLP (default init)
2.7e-5 - 8.3e-5, 5 layers 1.9e-4 - 5.3e-4, 20-layer tanh 1.5e-5 - 3.3e-4, 12-layer sigmoid
3e-10; healthy nets: residual sigmoid 0.027 - 0.041, 12-layer sigmoid + BatchNorm 0.16, ReLU +
Kaiming 8 layers over 1,500 Adam steps 0.13, CNN 0.15, 6-layer tanh 0.12, LSTM 0.27, a fit
run to MSE 1e-12 0.17. So ``ratio=1e-3``: 2x above the worst sick net, 27x below the worst
healthy one.

The words of a finding name only causes the model has: its activation modules are read once
(a ``torch.sigmoid`` called in ``forward`` is not seen: then the usual causes are listed).

    >>> import torch
    >>> net = torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.ReLU(), torch.nn.Linear(2, 1))
    >>> Activations(net).key, Activations(torch.nn.Sigmoid()).names
    ('relu', ['Sigmoid'])
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from nngraph._compiled import modules_as_written
from nngraph.i18n import message
from nngraph.monitor._gradgates import Gates
from nngraph.monitor._gradgroup import Finding, grouped

__all__ = ["DEPTH_LAYERS", "FAR_BELOW", "HUGE", "Activations", "Judge"]

#: a layer below ``ratio / FAR_BELOW`` of the largest layer's norm gets "almost no gradient"
FAR_BELOW = 100.0
#: a norm this many times the ``exploding`` limit is said at once, however short the streak
HUGE = 1e3
#: the first-to-last rule needs a layer between the first and the last
DEPTH_LAYERS = 3

#: activations whose slope is at most 1 and near 0 away from the middle (sigmoid's: 0.25 at most)
_SATURATING = ("Sigmoid", "Tanh", "Hardtanh", "Hardsigmoid", "Softsign", "LogSigmoid")
#: activations that output exactly 0 for every negative input: a unit can die
_DYING = ("ReLU", "ReLU6")
_RELU_FAMILY = (
    *_DYING, "LeakyReLU", "PReLU", "RReLU", "ELU", "SELU", "CELU", "GELU", "SiLU", "Mish",
    "Hardswish",
)  # fmt: skip
#: an embedding's gradient touches only the rows a batch uses: not "the first layer"
_NOT_FIRST = ("Embedding", "EmbeddingBag")


class Activations:
    """The activation modules of ``model``: ``names`` of the saturating ones (sigmoid, tanh),
    whether it has ReLU-family ones (``relu``) and ones whose units can die (``dying``)."""

    def __init__(self, model: Any) -> None:
        present = {type(m).__name__ for m in model.modules()}
        self.names = [name for name in _SATURATING if name in present]
        self.dying = any(name in present for name in _DYING)
        self.relu = any(name in present for name in _RELU_FAMILY)
        #: which words fit: ``saturating``, ``relu`` or ``other`` (no activation module)
        self.key = "saturating" if self.names else "relu" if self.relu else "other"

    def text(self, what: str) -> str:
        """``monitor.grad.{what}.{key}``: the causes of, or the fixes for, a vanishing
        gradient in this model."""
        return message(f"monitor.grad.{what}.{self.key}", acts=and_list(self.names))


def and_list(names: list[str]) -> str:
    """``A``, ``A and B``, ``A, B and C`` (in the current language)."""
    if len(names) < 2:
        return "".join(names)
    return message("monitor.grad.and", first=", ".join(names[:-1]), last=names[-1])


@dataclass
class _Run:
    """Steps in a row with one finding for one layer: how many, since which step, the largest
    norm, and whether it was said."""

    count: int = 0
    start: int = 0
    peak: float = 0.0
    said: bool = False


class Judge:
    """The findings of each step (see the module's docstring), each said once per run of
    steps; the limits as :class:`~nngraph.monitor.GradientWatch` takes them."""

    def __init__(
        self,
        model: Any,
        *,
        vanishing: float,
        ratio: float,
        exploding: float,
        patience: int,
    ) -> None:
        self.vanishing, self.ratio, self.exploding = vanishing, ratio, exploding
        self.need = max(patience, 1)  # 0 and 1: at the first such step
        self.gates = Gates(model)  # a layer behind a tiny layer scale is not vanishing
        self.acts = Activations(model)
        types = {path: type(m).__name__ for path, m, _ in modules_as_written(model)}
        self._not_first = {path for path, name in types.items() if name in _NOT_FIRST}
        self._runs: dict[tuple[str, str], _Run] = {}  # (layer, kind) -> its run

    def reset(self, layer: str) -> None:
        """``layer`` is frozen now: a bad run starts again."""
        for kind in ("vanishing", "exploding", "nonfinite"):
            self._runs.pop((layer, kind), None)

    def findings(self, now: dict[str, float], step: int, had: dict[str, bool]) -> list[Finding]:
        """What to say at ``step``, ``now``: ``{layer: norm}`` in the model's order; ``had``:
        whether a layer had a gradient other than 0 at some step."""
        finite = [v for v in now.values() if math.isfinite(v)]
        top_norm = max(finite) if finite else math.nan
        top = next((k for k, v in now.items() if v == top_norm), "")
        due: list[Finding] = []
        for layer, norm in now.items():
            found = self._finding(layer, norm, len(now), top, top_norm, had.get(layer, False))
            for kind in ("vanishing", "exploding", "nonfinite"):
                if found is None or found[0] != kind:
                    self._runs.pop((layer, kind), None)
                    continue
                said = self._counted((layer, kind), norm, step, found)
                if said is not None:
                    due.append((layer, *said))
        depth = self._depth(now, step)
        return grouped(due) + ([depth] if depth is not None else [])

    def _finding(
        self, layer: str, norm: float, layers: int, top: str, top_norm: float, had: bool
    ) -> tuple[str, str, dict[str, Any]] | None:
        if not math.isfinite(norm):
            return "nonfinite", "grad.nonfinite", {"value": "nan" if norm != norm else "inf"}
        if norm > self.exploding:
            return "exploding", "grad.exploding", {"norm": norm, "limit": self.exploding}
        rel = norm / top_norm if top_norm > 0 else 1.0
        found: tuple[str, str, dict[str, Any]] | None = None
        if norm == 0 and top_norm > 0 and had:  # it had a gradient: now exactly none
            key = "grad.dead" if self.acts.dying else "grad.zero"
            found = "vanishing", key, {"norm": norm, "ratio": rel, "top": top}
        elif layers > 1 and rel < self.ratio / FAR_BELOW and layer != top:
            fields = {"norm": norm, "ratio": rel, "top": top, "causes": self.acts.text("causes")}
            found = "vanishing", "grad.vanishing", fields
        elif norm < self.vanishing:  # small in itself (the largest layer too)
            fields = {"norm": norm, "ratio": rel, "limit": self.vanishing}
            found = (
                "vanishing",
                "grad.vanishing_below",
                {**fields, "causes": self.acts.text("causes")},
            )
        if found is not None and self.gates.closed(layer):
            return None  # scaled down by its block's gate, which the steps open
        return found

    def _counted(
        self, key: tuple[str, str], norm: float, step: int, found: tuple[str, str, dict[str, Any]]
    ) -> tuple[str, dict[str, Any]] | None:
        """One more step of a run; ``(message id, fields)`` when it is to be said now."""
        run = self._runs.setdefault(key, _Run(start=step, peak=norm))
        run.count += 1
        run.peak = max(run.peak, norm)
        _, message_id, fields = found
        now = key[1] == "nonfinite" or (key[1] == "exploding" and norm >= HUGE * self.exploding)
        if run.said or (run.count < self.need and not now):
            return None
        run.said = True
        fields = {**fields, "start": run.start}
        if key[1] == "exploding":
            fields["peak"] = run.peak
            fields["advice"] = message(
                "monitor.grad.advice." + ("init" if run.start == 1 else "lr")
            )
            if run.start < step:
                message_id = "grad.exploding_since"
        return message_id, fields

    def _depth(self, now: dict[str, float], step: int) -> Finding | None:
        """The first layer's norm ``ratio`` times the last one's or less, ``patience`` steps in a
        row: said once per run, unless that layer was said to get almost no gradient."""
        firsts = [layer for layer in now if layer not in self._not_first]
        first, last = (firsts[0], list(now)[-1]) if firsts else ("", "")
        a, b = now.get(first, math.nan), now.get(last, math.nan)
        calm = all(math.isfinite(v) and v <= self.exploding for v in now.values())
        below = len(now) >= DEPTH_LAYERS and first != last and calm and 0 < a < self.ratio * b
        key = ("", "depth")
        if not below or self.gates.closed(first):
            self._runs.pop(key, None)
            return None
        run = self._runs.setdefault(key, _Run(start=step))
        run.count += 1
        if run.said or run.count < self.need:
            return None
        run.said = True
        vanishing = self._runs.get((first, "vanishing"))
        if vanishing is not None and vanishing.said:  # said already, in stronger words
            return None
        fields = {
            "last": last,
            "norm": a,
            "last_norm": b,
            "first_to_last": a / b,
            "times": _rounded(b / a),
            "start": run.start,
            "remedy": self.acts.text("remedy"),
        }
        return first, "grad.depth", fields


def _rounded(times: float) -> int:
    """``times`` to 2 significant digits (2,137 -> 2,100): a student reads the size."""
    digits = max(math.floor(math.log10(times)) - 1, 0)
    return int(round(times, -digits))
