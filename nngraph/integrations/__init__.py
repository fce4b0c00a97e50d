"""Optional integrations with training frameworks (each needs its own extra).

- :mod:`nngraph.integrations.lightning`: ``NNGraphCallback`` for PyTorch Lightning
  (``pip install nngraph[lightning]``).
"""

from __future__ import annotations

__all__: list[str] = []
