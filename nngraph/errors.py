"""The one exception nngraph raises for bad input."""

from __future__ import annotations

__all__ = ["NNGraphError"]


class NNGraphError(ValueError):
    """Raised when nngraph is given something it cannot use.

    The message says what was wrong and what to do about it::

        >>> import nngraph as ng
        >>> ng.graph_of(3.0)
        Traceback (most recent call last):
        ...
        nngraph.errors.NNGraphError: graph_of needs a torch.Tensor ...
    """
