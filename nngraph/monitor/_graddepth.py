"""The first-to-last rule of a :class:`~nngraph.monitor.GradientWatch`: the textbook vanishing
gradient, said of the model as a whole (by :class:`~nngraph.monitor._gradrules.Judge`).

The first layer's weight gradient below ``ratio`` times the last layer's for ``patience``
steps (the layers in the data flow's order; a higher line in a net of 6 layers or fewer, see
below): the first layers learn about ``1 / ratio`` times slower than the last (with plain SGD;
Adam scales each weight's step, so there the gap matters less). Weights only: a classifier
head's bias gradient is 3 times its weight gradient at the start, while the first layer's is
tiny, which made the ratio 3 times smaller. Measured as the smallest value the first/last ratio
stays below for 3 steps in a row (what ``patience=3`` reads), weights only, over the first
12-30 steps (sweeps 23e and 24a):

- sick: 6-layer sigmoid MLP at default init, SGD, random targets (the net ``Graph.health()``
  is calibrated on), 300 draws of data and weights: median 6.5e-5, 94% below 5e-4 (the rest,
  up to 2.5e-2, start with their first layer at 1/2,000 to 1/40 of the last); the same net on
  digits 1.7e-4 at most (2.9x below 5e-4); 20-layer tanh MLP (sweep 23e) 7.2e-5 (7x);
- healthy, digits, Adam, default init: 10-layer GELU/SiLU MLPs (widths 32-128, 56 seeds each)
  6.2e-4 or more (1.24x above 5e-4; the old rule, all parameters below 1e-3, said all of
  them), 9 layers 1.9e-3 (3.9x), 8 layers 5.9e-3 (12x), 8-layer ReLU 0.027 (54x).

So ``ratio=5e-4``, between the two. Deeper GELU/SiLU MLPs at PyTorch's default init do start
with a vanishing gradient (``health()`` says so too), but under Adam it lasts only their first
~10 steps.

A shallow net has fewer layers to lose its gradient in, so its line is higher
(:func:`depth_line`): 1/500 up to 5 layers, 1/1,024 for 6. A 5-layer sigmoid MLP starts at
1/11,000 to 1/110 and its last layer's gradient falls fast: at 1/2,000 about half its runs were
said, at 1/500 three in four. Healthy nets of 6 layers or fewer (ReLU and tanh MLPs on toy and
sklearn data, an autoencoder, an LSTM, small CNNs; Adam and SGD) stayed 6 times above the line
or more for any 3 steps in a row.

A run shorter than ``patience`` is said too where it started :data:`FAR_AT_FIRST` times below
the line at the first ratio read and ended only because the last layer's weight gradient fell
that many times as well (:class:`FirstReading`): a 6-layer sigmoid MLP on a regression (MSE)
starts 27 to 140 times below its line, its last layer fits the targets' mean in 2 to 4 steps,
and the ratio then sits near 1 with every gradient ~1e-4 while the loss stays flat: 3 draws in
12 were said (sweep 30). Healthy nets (the ones above, on digits and toy data, SGD and Adam,
240 runs) stayed 0.84 times their line or more at every single step.

Neither an embedding nor an attention's query or key projection is taken for the first layer
(:func:`not_first`): at the start a transformer's scores are near
equal and the softmax passes those projections little gradient. Fine-tuning a BERT's last
layer (the rest frozen) made its query projection the first layer trained, 3,600 times below
the classifier, and LoRA adapters on the query projections 51,000 times (sweep L), where the
whole BERT, fine-tuned from its embeddings on, was not said.

    >>> first = FirstReading()
    >>> first.note("0", "10", 1e-5, 1.0, depth_line(5e-4, 6), step=1)  # 100 times below
    >>> first.gone({"10": 0.01}, step=3)["start"]  # the last layer's gradient fell 100 times
    1
    >>> first = FirstReading()
    >>> first.note("0", "10", 1e-5, 1.0, depth_line(5e-4, 6), step=1)
    >>> first.gone({"10": 0.5}, step=3) is None  # it did not fall: the first layer caught up
    True
"""

from __future__ import annotations

import math
from typing import Any

from nngraph._compiled import modules_as_written

__all__ = [
    "DEPTH_LAYERS",
    "FAR_AT_FIRST",
    "PER_LAYER",
    "SHALLOW",
    "FirstReading",
    "depth_line",
    "not_first",
]

#: the first-to-last rule needs a layer between the first and the last
DEPTH_LAYERS = 3
#: a shallow net is said where its gradient shrinks this many times per layer (sigmoid's slope)
PER_LAYER = 0.25
#: ... at a line at most this many times ``ratio``
SHALLOW = 4.0
#: a first ratio this many times below its line is said even where its run ends before
#: ``patience`` steps, when it ended because the last layer's gradient fell this many times
FAR_AT_FIRST = 10.0

#: an embedding's gradient touches only the rows a batch uses: not "the first layer"
_NOT_FIRST = ("Embedding", "EmbeddingBag")
#: an attention's query and key projections, as PyTorch's, Hugging Face's and the lectures'
#: models name them, beside a value projection: at the start the scores are near equal, and the
#: softmax passes them little gradient in any transformer, so neither is "the first layer"
#: either (see the module's docstring); layers of an MLP that happen to be called `q` and `k` still are
_SCORES = frozenset(
    {"query", "key", "q", "k", "q_proj", "k_proj", "query_proj", "key_proj", "wq", "wk",
     "to_q", "to_k", "q_lin", "k_lin"}
)  # fmt: skip
_VALUES = frozenset({"value", "v", "v_proj", "value_proj", "wv", "to_v", "v_lin"})


def depth_line(ratio: float, layers: int) -> float:
    """The first-to-last line of a net of ``layers`` layers: ``ratio``, or where the net is
    shallow a shrink of :data:`PER_LAYER` per layer, at most :data:`SHALLOW` times ``ratio``.

    >>> [depth_line(5e-4, n) for n in (3, 5, 6, 7, 20)]
    [0.002, 0.002, 0.0009765625, 0.0005, 0.0005]
    """
    return max(ratio, min(SHALLOW * ratio, PER_LAYER ** (layers - 1)))


class FirstReading:
    """The first first-to-last ratio a watch reads (the initialisation, where the watch was
    made before training), kept while it is :data:`FAR_AT_FIRST` times below its line and its
    run was not said yet."""

    def __init__(self) -> None:
        self.read = False
        self._far: dict[str, Any] | None = None

    def note(self, first: str, last: str, a: float, b: float, line: float, step: int) -> None:
        """A ratio read at ``step``: the first layer's weight-gradient norm ``a``, the last's
        ``b``, the line they are judged by; kept if it is the first and far below it."""
        if self.read:
            return
        self.read = True
        if a < line * b / FAR_AT_FIRST:
            self._far = {"layer": first, "last": last, "norm": a, "last_norm": b, "start": step}

    @property
    def kept(self) -> bool:
        """Whether a first reading far below its line is kept (its run may still be said)."""
        return self._far is not None

    def drop(self) -> None:
        """The run was said (or its first layer could not be judged): nothing is kept."""
        self._far = None

    def gone(self, weights: dict[str, float], step: int) -> dict[str, Any] | None:
        """The run ended at ``step`` before it was said (``weights``: the weight-gradient norms
        now): the fields of the first reading if it was far below and the last layer's
        gradient fell :data:`FAR_AT_FIRST` times or more since; dropped either way."""
        far, self._far = self._far, None
        if far is None:
            return None
        now = weights.get(far["last"], math.nan)
        if not now * FAR_AT_FIRST <= far["last_norm"]:  # (NaN: the last layer not read now)
            return None
        return {**far, "step": step, "now": now}


def not_first(model: Any) -> set[str]:
    """The paths of ``model``'s modules never taken for the first layer: embeddings, and an
    attention's query and key projections (see the module's docstring).

        >>> import torch
        >>> not_first(torch.nn.Sequential(torch.nn.Embedding(9, 4), torch.nn.Linear(4, 1)))
        {'0'}
    """
    types = {path: type(m).__name__ for path, m, _ in modules_as_written(model)}
    return {path for path, name in types.items() if name in _NOT_FIRST or _scores(path, types)}


def _scores(path: str, paths: dict[str, str]) -> bool:
    """Whether the module at `path` is an attention's query or key projection: named so, with
    a value projection beside it (`paths`: every module's path)."""
    parent, _, name = path.rpartition(".")
    if name.lower() not in _SCORES:
        return False
    siblings = {p.rpartition(".")[2].lower() for p in paths if p.rpartition(".")[0] == parent}
    return not siblings.isdisjoint(_VALUES)
