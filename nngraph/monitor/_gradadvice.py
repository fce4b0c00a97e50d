"""What a :class:`~nngraph.monitor.GradientWatch` says about the causes of a vanishing gradient
and what to do (:class:`Advice`), from what the model has: its modules, its weights now, the
watch's own history of a layer, and the batches its BatchNorm layers see.

- The remedy names only the usual fixes the model lacks (the rule ``health()`` uses, see
  nngraph/_fixes.py): ReLU-family activations in place of sigmoid or tanh, weights at the
  scale ``nn.init.kaiming_normal_`` gives, a normalisation, residual connections (seen by a
  block's class name only: ``BasicBlock``, ``Bottleneck``, a ``Residual...``, a transformer
  layer). A model with BatchNorm was told to add BatchNorm (sweep s45, finding 5).
- Where a BatchNorm after the layer normalised over :data:`~nngraph._fixes.FEW_VALUES` values
  per channel at every step the watch saw (batches of 2), that is the cause: two values come
  out as -1 and +1 whatever goes in (see :mod:`~nngraph.monitor._gradbatches`).
- A layer whose gradient was fine at :data:`HEALTHY` steps or more and then fell
  :data:`FELL` times or more below its typical norm had a gradient before: not the
  initialisation nor the depth, but most often a step that was too large (sweep s45,
  finding 6: Adam at lr 0.1, first-layer norms about 0.64 for 400 steps, then 1e-14).
- A gradient of exactly 0 from the first step in a model with weights that are all zeros is
  said to come from them: no gradient passes back through such a layer (sweep s45, finding 7).

    >>> import torch
    >>> from nngraph.i18n import set_language; set_language("en")
    >>> net = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.BatchNorm1d(8), torch.nn.ReLU(),
    ...                           torch.nn.Linear(8, 1))
    >>> Advice(net).remedy("0", ["0", "1", "3"])  # it has BatchNorm: not advised
    'With ReLU-family activations: initialise the weights with nn.init.kaiming_normal_, or add residual connections.'
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

from nngraph._compiled import modules_as_written
from nngraph._fixes import Present, at_kaiming_gain, either, lacking
from nngraph.i18n import message
from nngraph.monitor._gradacts import Activations, and_list
from nngraph.monitor._gradbatches import NormBatches
from nngraph.monitor._gradgroup import shown_names
from nngraph.monitor._gradshrunk import shrunk_layers

__all__ = ["FELL", "HEALTHY", "Advice", "fell", "zero_weights"]

#: a layer's gradient fine (no vanishing finding) at this many steps or more before ...
HEALTHY = 20
#: ... then this many times or more below its typical norm: it had a gradient, and lost it
FELL = 100.0

#: class names (or parts) of blocks with a residual connection
_RESIDUAL = (
    "Residual", "ResBlock", "BasicBlock", "Bottleneck", "TransformerEncoderLayer",
    "TransformerDecoderLayer",
)  # fmt: skip
#: modules whose weights are no map of a layer's inputs (their scale is no initialisation's)
_NOT_MAPS = ("Embedding", "EmbeddingBag")


def fell(before: int, typical: float, peak: float) -> bool:
    """Whether a layer fine at ``before`` steps, whose typical norm was ``typical``, lost its
    gradient: :data:`HEALTHY` steps or more, and every norm since (at most ``peak``)
    :data:`FELL` times or more below it (a median of its last steps that far above: most of
    them were).

    >>> fell(400, 0.64, 1e-14), fell(3, 0.64, 1e-14), fell(400, 1e-6, 1e-7)
    (True, False, False)
    """
    return before >= HEALTHY and typical >= FELL * peak


def zero_weights(model: Any) -> list[str]:
    """The names of ``model``'s weights (parameters of two dimensions or more) whose values
    are all exactly zero.

    >>> import torch
    >>> net = torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.Linear(2, 1))
    >>> _ = torch.nn.init.zeros_(net[1].weight); zero_weights(net)
    ['1.weight']
    """
    return [name for _, name, p in _weights(model) if not bool(p.detach().any())]


def _weights(model: Any) -> Iterator[tuple[str, str, Any]]:
    """``(module path, name, parameter)`` of each weight of ``model`` (a parameter of two
    dimensions or more, with values), named as the watch names layers (a compiled model's
    without ``_orig_mod``)."""
    for path, module, _ in modules_as_written(model):
        for leaf, p in module._parameters.items():
            if p is not None and p.dim() >= 2 and p.numel() > 0 and not p.is_meta:
                yield path, f"{path}.{leaf}" if path else leaf, p


class Advice:
    """The words of a vanishing finding for ``model`` (see the module's docstring);
    ``batches``: the BatchNorm layers' batches, as the watch hooks them."""

    def __init__(self, model: Any, batches: NormBatches | None = None) -> None:
        self._model = model
        self.acts = Activations(model)
        self.batches = batches
        types = {path: type(m).__name__ for path, m, _ in modules_as_written(model)}
        self._types = types
        self._present = Present(
            saturating=bool(self.acts.names),
            relu=self.acts.relu,
            batch_norm=any("BatchNorm" in t for t in types.values()),
            other_norm=any("Norm" in t and "BatchNorm" not in t for t in types.values()),
            residual=any(part in t for t in types.values() for part in _RESIDUAL),
        )

    def words(
        self, layer: str, order: list[str], message_id: str, fields: dict[str, Any], *, lost: bool
    ) -> tuple[str, dict[str, Any]]:
        """The message and fields of a vanishing finding of ``layer`` said now (``order``: the
        layers along the data flow): a gradient of exactly 0 from the start in a model with
        all-zero weights is theirs; a layer far below the largest that had a gradient before
        (``lost``, see :func:`fell`) lost it; else the causes the model makes likely."""
        if message_id.endswith("_from_start"):
            zeros = zero_weights(self._model)
            if not zeros:
                return message_id, fields
            cause = self.zero_cause(zeros)
            return "grad.zero_weights", {**fields, "zero_weights": zeros, "cause": cause}
        if message_id not in ("grad.vanishing", "grad.vanishing_below"):
            return message_id, fields  # exactly 0 since it had one: dead units, said so
        # lost while the largest layer has a gradient still, and not behind a BatchNorm on
        # batches of 2 (whose gradient is erratic: a layer before it may seem fine a while)
        lost = lost and message_id == "grad.vanishing" and not self._small_batch(layer, order)
        shrunk = shrunk_layers(self._model)
        causes = self.causes(layer, order, lost=lost, shrunk=shrunk)
        # shrunk: the cause a stop's prefix names (weight decay, not depth: review s47, L3)
        fields = {**fields, "causes": causes, "shrunk": bool(shrunk)}
        return ("grad.vanishing_fell" if lost else message_id), fields

    def remedy(self, first: str, order: list[str]) -> str:
        """What to do about the first layer, ``first``, learning far slower than the last
        (``order``: the layers along the data flow)."""
        small = self._small_batch(first, order)
        if small:
            return small
        fixes = lacking(self._present, kaiming=self._at_kaiming_scale(order[:-1]))
        if not fixes:
            return message("monitor.grad.remedy.had")
        parts = [message(f"graph.health.remedy.fix.{fix}") for fix in fixes]
        if self.acts.key == "other" and "relu" in fixes:  # activations called in forward: unseen
            parts[fixes.index("relu")] = message("monitor.grad.remedy.fix.relu_unknown")
        key = self.acts.key
        return message(f"monitor.grad.remedy.{key}", acts=self._acts(), fixes=either(parts))

    def causes(
        self, layer: str, order: list[str], *, lost: bool = False, shrunk: list[str] | None = None
    ) -> str:
        """Why ``layer`` gets almost no gradient: weights mostly about zero (``shrunk``, see
        :mod:`_gradshrunk`; read here where not given), a gradient it had and lost (``lost``), a
        BatchNorm after it on batches of 2, else what the model's activations make likely."""
        shrunk = shrunk_layers(self._model) if shrunk is None else shrunk
        if shrunk:
            return message("monitor.grad.causes.shrunk", weights=shown_names(shrunk))
        if lost:
            flat = message(f"monitor.grad.flat.{self.acts.key}", acts=self._acts())
            return message("monitor.grad.causes.fell", flat=flat)
        return self._small_batch(layer, order) or self.acts.text("causes")

    def zero_cause(self, weights: list[str]) -> str:
        """Why layers get a gradient of exactly 0 from the start in a model whose ``weights``
        are all zeros."""
        which = "relu" if self.acts.dying else "other"
        return message(f"monitor.grad.zero_weights_cause.{which}", weights=shown_names(weights))

    def _small_batch(self, layer: str, order: list[str]) -> str:
        """The words for a BatchNorm after ``layer`` that normalised over too few values per
        channel at every step seen (one not among ``order``, without parameters, counts as
        after it); "" where there is none."""
        few = self.batches.few() if self.batches is not None else {}
        at = order.index(layer) if layer in order else -1
        after = [norm for norm in few if norm not in order or order.index(norm) > at]
        if not after:
            return ""
        norm = after[0]
        return message("monitor.grad.remedy.small_batch", norm=norm, values=few[norm])

    def _at_kaiming_scale(self, layers: list[str]) -> bool:
        """Whether the trainable weights of ``layers`` (an embedding's left out) are all at the
        scale ``nn.init.kaiming_normal_`` gives (a model without any: True)."""
        for path, name, p in _weights(self._model):
            if (path not in layers and name not in layers) or self._types.get(path) in _NOT_MAPS:
                continue
            if not p.requires_grad:
                continue
            rms = float(p.detach().float().pow(2).mean().sqrt())
            if not at_kaiming_gain(rms * math.sqrt(math.prod(p.shape[1:]))):
                return False
        return True

    def _acts(self) -> str:
        """The names of the model's saturating activations, joined."""
        return and_list(self.acts.names)
