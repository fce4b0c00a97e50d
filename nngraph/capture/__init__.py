"""Capture PyTorch computational graphs and their gradients into an `ng.Graph`.

- `graph_of(y)`: the autograd graph behind tensors that exist; nothing is re-run.
- `record()`: a with-block that records forward ops (module, shapes, values) and the backward.
- `trace(model, *inputs, loss=...)`: `record()` around one forward (and backward) of a model.
"""

from nngraph.capture._graph_of import graph_of
from nngraph.capture._record import NNGraphWarning, Recording, record
from nngraph.capture._stats import stats_of
from nngraph.capture._trace import trace

__all__ = ["NNGraphWarning", "Recording", "graph_of", "record", "stats_of", "trace"]
