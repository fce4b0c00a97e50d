"""How a :class:`~nngraph.monitor.GradientWatch` judges the norms of one step (:class:`Judge`).

Each layer, on its own:

- *not finite* (NaN, inf): said at the first such step (a NaN never recovers once
  ``optimizer.step()`` applied it, and the step is how a student finds the bad batch);
- *exploding*: a growth, not a level. Above ``exploding`` *and* :data:`GROWTH` times or more its
  typical norm (the median of its last :data:`WINDOW` steps), ``patience`` steps in a row, naming
  the step the streak started and its peak; at once where the norm is :data:`HUGE` times the
  typical one or the limit (a blow-up of two steps is no less real). At the layer's first step
  (no history yet) only a norm :data:`HUGE` times the limit or more (the initialisation). A norm
  large only because of the loss's scale (a sum over a batch, raw targets in the hundreds) is
  steady, so it is no explosion: in sweep 24a a VAE summing its loss (norms up to 8.7e3) and a
  regression on targets ~250 (up to 1.6e4) grew at most 5.1 times their typical norm, while the
  blow-ups of sweeps 23e/24a (a too-large learning rate: 4-layer ReLU MLPs at lr 0.3, 3, 500,
  5000) were 2,300 to 5e10 times it at their first step above the limit. A norm that is large
  and steady from the first step on (a too-large initialisation with a learning rate of 0) is
  not said unless it is :data:`HUGE` times the limit at the first step: no level tells it from
  a healthy net's (sweep 25, at PyTorch's default init, largest layer at the first step: MSE on
  raw targets ~1e3 2.6e3, on house prices in dollars 4.7e5, summed over a batch of 256 1.6e5,
  unnormalised pixels without BatchNorm 1e3; weights 10 to 30 times too large at a learning rate
  of 0: 2.2 (tanh, cross-entropy) to 420 (ReLU, cross-entropy), 8e3 to 2e6 (MSE));
- *almost no gradient*, below ``ratio / FAR_BELOW`` of the largest layer's norm, or below
  ``vanishing``; *exactly zero* while another layer's is not, since a step after it had a
  gradient (in a net with ReLU: units died) or from its first step (units dead from the start,
  an operation with no gradient): no gradient reaches its weights at all, not a small one.
  A layer whose ``.grad`` is None is not judged (no data went through it); one that
  ``zero_grad(set_to_none=False)`` left at zeros is: a ReLU6, Hardtanh, tanh or sigmoid unit
  stuck on a flat part outputs a constant, not 0, and dead ReLUs' zeros added to a skip path
  show in no later layer, so no later layer can tell dead units from skipped ones.

And the model as a whole, the textbook vanishing gradient: the first layer's weight gradient
far below the last layer's (see :mod:`~nngraph.monitor._graddepth`).

Each finding is said once. A layer said to explode (or to get almost no gradient) that is fine
for a step and then crosses the line again is the same trouble: the finding is said again only
after the layer was fine for :data:`QUIET` steps in a row (a 12-layer tanh net whose layer
hovers at the "almost no gradient" line was said 23 times in 200 steps).

The words of a finding name only causes the model has, and only fixes it lacks (see
:mod:`~nngraph.monitor._gradadvice`); they are made when the finding is said.
"""

from __future__ import annotations

import math
import statistics
from collections import deque
from dataclasses import dataclass
from typing import Any

from nngraph.i18n import message
from nngraph.monitor._gradadvice import Advice, fell
from nngraph.monitor._gradbatches import NormBatches
from nngraph.monitor._graddepth import DEPTH_LAYERS, FirstReading, depth_line, not_first
from nngraph.monitor._gradgates import Gates
from nngraph.monitor._gradgroup import Finding, grouped

__all__ = [
    "FAR_BELOW",
    "GROWTH",
    "GROWTH_BEFORE_NAN",
    "HUGE",
    "QUIET",
    "WINDOW",
    "Judge",
]

#: a layer below ``ratio / FAR_BELOW`` of the largest layer's norm gets "almost no gradient"
FAR_BELOW = 50.0
#: a norm above the ``exploding`` limit explodes when it is this many times its typical norm
GROWTH = 100.0
#: a layer's typical norm: the median of its norms at this many steps before (a finite, non-zero
#: norm each: an empty batch or a NaN says nothing about its size)
WINDOW = 20
#: a norm this many times its typical norm or the ``exploding`` limit is said at once, however
#: short the streak; at a layer's first step, this many times the limit explodes
HUGE = 1e3
#: a finding said is said again only after the layer was fine for this many steps in a row
QUIET = 100
#: a NaN after a last norm this many times the layer's median grew from a divergence (steady
#: norms, then a NaN: something made a NaN at once, as `log(0)` in the loss)
GROWTH_BEFORE_NAN = 10.0


@dataclass
class _Run:
    """Steps in a row with one finding for one layer: how many, since which step, the largest
    norm, whether it was said, and, once said, the steps in a row since without the finding;
    exploding: the layer's typical norm before the run, and the least growth over the run;
    vanishing: the layer's typical norm before the run, and the steps it was fine before it."""

    count: int = 0
    start: int = 0
    peak: float = 0.0
    said: bool = False
    quiet: int = 0
    typical: float = math.nan
    least: float = math.inf
    before: int = 0


#: what a layer may have at one step, each with its own run
_KINDS = ("vanishing", "exploding", "nonfinite")
#: the run of the first-to-last rule (the model's, not a layer's)
_DEPTH = ("", "depth")


class Judge:
    """The findings of each step (see the module's docstring), each said once; the limits as
    :class:`~nngraph.monitor.GradientWatch` takes them; ``batches``: the model's BatchNorm
    layers, hooked while a vanishing finding counts towards being said."""

    def __init__(
        self,
        model: Any,
        *,
        vanishing: float,
        ratio: float,
        exploding: float,
        patience: int,
        batches: NormBatches | None = None,
    ) -> None:
        self.vanishing, self.ratio, self.exploding = vanishing, ratio, exploding
        self.need = max(patience, 1)  # 0 and 1: at the first such step
        self.gates = Gates(model)  # a layer behind a tiny layer scale is not vanishing
        self.advice = Advice(model, batches)
        self.acts = self.advice.acts
        self._model = model
        self._batches = batches
        self._not_first = not_first(model)
        self._runs: dict[tuple[str, str], _Run] = {}  # (layer, kind) -> its run
        self._first = FirstReading()  # the first first-to-last ratio, if far below its line
        self._recent: dict[str, deque[float]] = {}  # layer -> its last WINDOW norms
        self._fine: dict[str, int] = {}  # layer -> its steps without a vanishing finding
        self._order: list[str] = []  # the layers of the last step, along the data flow

    def reset(self, layer: str) -> None:
        """``layer`` is frozen now: a bad run starts again."""
        for kind in _KINDS:
            self._runs.pop((layer, kind), None)
        self._fine.pop(layer, None)

    def reordered(self) -> None:
        """The layers' order changed (read from a backward): a first-to-last run not said yet
        compared other layers, so it starts again."""
        run = self._runs.get(_DEPTH)
        if run is not None and not run.said:
            del self._runs[_DEPTH]

    def findings(
        self,
        now: dict[str, float],
        step: int,
        had: dict[str, bool],
        weights: dict[str, float] | None = None,
    ) -> list[Finding]:
        """What to say at ``step``, ``now``: ``{layer: norm}`` in the data flow's order; ``had``:
        whether a layer had a gradient other than 0 at some step; ``weights``: the norms of a
        layer's gradients without its biases (for the first-to-last rule; ``now`` where a layer
        is missing)."""
        weights = now if weights is None else {**now, **weights}
        self._order = list(now)
        finite = [v for v in now.values() if math.isfinite(v)]
        top_norm = max(finite) if finite else math.nan
        top = next((k for k, v in now.items() if v == top_norm), "")
        due: list[Finding] = []
        calm = True  # no layer explodes or is not finite: the first-to-last rule may judge
        for layer, norm in now.items():
            typical = self._typical(layer, norm)
            found = self._finding(
                layer, norm, typical, len(now), top, top_norm, had.get(layer, False)
            )
            calm = calm and (found is None or found[0] == "vanishing")
            before = self._fine.get(layer, 0)
            vanishing = found is not None and found[0] == "vanishing"
            self._fine[layer] = before + (not vanishing)
            for kind in _KINDS:
                if found is None or found[0] != kind:
                    self._ended((layer, kind))
                    continue
                said = self._counted((layer, kind), norm, step, found, typical, before)
                if said is not None:
                    due.append((layer, *said))
        depth = self._depth({k: weights[k] for k in now}, step, calm)
        if self._batches is not None:  # BatchNorm's batches: read while a finding counts
            self._batches.watch(self._counting())
        return [_worded(f) for f in grouped(due)] + ([depth] if depth is not None else [])

    def _counting(self) -> bool:
        """Whether a vanishing finding (a layer's, or the first-to-last one) counts towards
        being said."""
        runs = (run for (_, kind), run in self._runs.items() if kind in ("vanishing", "depth"))
        return self._first.kept or any(not run.said for run in runs)

    def _typical(self, layer: str, norm: float) -> float:
        """``layer``'s typical norm before this step (NaN at its first), ``norm`` kept."""
        recent = self._recent.setdefault(layer, deque(maxlen=WINDOW))
        typical = statistics.median(recent) if recent else math.nan
        if math.isfinite(norm) and norm > 0:
            recent.append(norm)
        return typical

    def _finding(
        self,
        layer: str,
        norm: float,
        typical: float,
        layers: int,
        top: str,
        top_norm: float,
        had: bool,
    ) -> tuple[str, str, dict[str, Any]] | None:
        if not math.isfinite(norm):
            value = "nan" if norm != norm else "inf"
            return (
                "nonfinite",
                "grad.nonfinite",
                {"value": value, "advice": self._nan_advice(layer)},
            )
        if self._explodes(norm, typical):
            return "exploding", "grad.exploding", {"norm": norm, "limit": self.exploding}
        rel = norm / top_norm if top_norm > 0 else 1.0
        found: tuple[str, str, dict[str, Any]] | None = None
        if norm == 0 and top_norm > 0:  # exactly none: since it had one, or from the start
            key = ("grad.dead" if self.acts.dying else "grad.zero") + ("" if had else "_from_start")
            found = "vanishing", key, {"norm": norm, "ratio": rel, "top": top}
        elif layers > 1 and rel < self.ratio / FAR_BELOW and layer != top:
            found = "vanishing", "grad.vanishing", {"norm": norm, "ratio": rel, "top": top}
        elif norm < self.vanishing:  # small in itself (the largest layer too)
            fields = {"norm": norm, "ratio": rel, "limit": self.vanishing}
            found = "vanishing", "grad.vanishing_below", fields
        if found is not None and self.gates.closed(layer):
            return None  # scaled down by its block's gate, which the steps open
        return found

    def _nan_advice(self, layer: str) -> str:
        """What a NaN or infinite gradient of ``layer`` points to: its norms grew before it
        (the last one :data:`GROWTH_BEFORE_NAN` times their median or more: training
        diverged, the learning rate), or it came at once from steady norms or at the first
        step (a NaN made in the forward or the loss, `log(0)`, or in the batch's data)."""
        recent = list(self._recent.get(layer, ()))
        grew = len(recent) >= 2 and recent[-1] >= GROWTH_BEFORE_NAN * statistics.median(recent)
        return message("monitor.grad.nan_advice." + ("grew" if grew else "sudden"))

    def _explodes(self, norm: float, typical: float) -> bool:
        """Above the limit and grown :data:`GROWTH` times its typical norm; at a layer's first
        step (``typical`` NaN), :data:`HUGE` times the limit or more."""
        if math.isnan(typical):
            return norm >= HUGE * self.exploding
        return norm > self.exploding and norm >= GROWTH * typical

    def _ended(self, key: tuple[str, str]) -> None:
        """A step without the finding ``key``: a run not said yet is broken; one said ends once
        the layer was fine for :data:`QUIET` steps in a row."""
        run = self._runs.get(key)
        if run is None:
            return
        run.quiet += 1
        if not run.said or run.quiet >= QUIET:
            del self._runs[key]

    def _counted(
        self,
        key: tuple[str, str],
        norm: float,
        step: int,
        found: tuple[str, str, dict[str, Any]],
        typical: float,
        before: int,
    ) -> tuple[str, dict[str, Any]] | None:
        """One more step of a run (``before``: the steps the layer was fine before this one);
        ``(message id, fields)`` when it is to be said now."""
        run = self._runs.setdefault(
            key, _Run(start=step, peak=norm, typical=typical, before=before)
        )
        run.quiet = 0
        if run.said:  # the same trouble again, not long after it was said
            return None
        run.count += 1
        run.peak = max(run.peak, norm)
        _, message_id, fields = found
        exploding = key[1] == "exploding"
        if exploding and typical > 0:  # (NaN at the layer's first step)
            run.least = min(run.least, norm / typical)
        huge = exploding and (norm >= HUGE * self.exploding or norm >= HUGE * typical)
        if run.count < self.need and not (key[1] == "nonfinite" or huge):
            return None
        run.said = True
        fields = {**fields, "start": run.start}
        if key[1] == "vanishing":
            lost = fell(run.before, run.typical, run.peak)  # it had a gradient
            if lost:
                fields = {**fields, "typical": run.typical, "before": run.before}
            return self.advice.words(key[0], self._order, message_id, fields, lost=lost)
        if exploding:
            grown = run.typical > 0  # from its typical norm; else at its first step
            fields["peak"] = run.peak
            fields["advice"] = message("monitor.grad.advice." + ("lr" if grown else "init"))
            if grown:
                fields["typical"] = run.typical
                fields["times"] = _rounded(run.least)
            if run.start < step:
                message_id = "grad.exploding_since"
        return message_id, fields

    def _depth(self, now: dict[str, float], step: int, calm: bool) -> Finding | None:
        """The first layer's weight gradient below the last one's times :func:`depth_line`
        (``ratio``, higher in a shallow net), ``patience`` steps in a row: said once, unless
        that layer was said to get almost no gradient; a shorter run, where it ends, if it
        started far below at the first ratio read (see :class:`FirstReading`)."""
        firsts = [layer for layer in now if layer not in self._not_first]
        first, last = (firsts[0], list(now)[-1]) if firsts else ("", "")
        a, b = now.get(first, math.nan), now.get(last, math.nan)
        line = depth_line(self.ratio, len(now))
        read = len(now) >= DEPTH_LAYERS and first != last and calm and a > 0 and b > 0
        below = read and a < line * b
        closed = below and self.gates.closed(first)
        if read:  # (the first ratio read only)
            self._first.note(first, last, a, b, line, step)
        if closed:  # behind a gate still small: not judged
            self._first.drop()
        key = _DEPTH
        if not below or closed:
            self._ended(key)
            return self._first_gone(now, step)
        run = self._runs.setdefault(key, _Run(start=step))
        run.quiet = 0
        if run.said:
            return None
        run.count += 1
        if run.count < self.need:
            return None
        run.said = True
        self._first.drop()
        if self._said_vanishing(first):  # said already, in stronger words
            return None
        fields = {
            "last": last,
            "norm": a,
            "last_norm": b,
            "first_to_last": a / b,
            "times": _rounded(b / a),
            "start": run.start,
            "remedy": self.advice.remedy(first, self._order),
        }
        return first, "grad.depth", fields

    def _first_gone(self, weights: dict[str, float], step: int) -> Finding | None:
        """A first-to-last run that ended before ``patience`` steps: said now where it started
        far below its line at the first ratio read and ended only as the last layer's gradient
        fell too (see :class:`~nngraph.monitor._graddepth.FirstReading`)."""
        far = self._first.gone(weights, step)
        if far is None or self._said_vanishing(far["layer"]):
            return None
        first = far.pop("layer")
        times = _rounded(far["last_norm"] / far["norm"])
        return (
            first,
            "grad.depth_first",
            {**far, "times": times, "remedy": self.advice.remedy(first, self._order)},
        )

    def _said_vanishing(self, layer: str) -> bool:
        """Whether ``layer`` was said to get almost no gradient (in its run now)."""
        run = self._runs.get((layer, "vanishing"))
        return run is not None and run.said


def _worded(finding: Finding) -> Finding:
    """An exploding finding with its ``above`` words: above the limit, and how many times its
    typical norm it grew (none at a layer's first step)."""
    layer, message_id, fields = finding
    if not message_id.startswith("grad.exploding"):
        return finding
    if "times" not in fields:
        above = message("monitor.grad.above", limit=fields["limit"])
    elif message_id.endswith("_many"):
        above = message(
            "monitor.grad.above_grown_many", limit=fields["limit"], times=fields["times"]
        )
    else:
        which = "since" if message_id.endswith("_since") else "now"
        above = message(f"monitor.grad.above_grown_{which}", **fields)
    return layer, message_id, {**fields, "above": above}


def _rounded(times: float) -> int:
    """``times`` to 2 significant digits (2,137 -> 2,100): a student reads the size."""
    digits = max(math.floor(math.log10(times)) - 1, 0)
    return int(round(times, -digits))
