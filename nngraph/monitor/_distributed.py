"""``torch.distributed`` support: which rank draws, and metrics averaged over all ranks.

torch is imported only when a process group is actually in use.

    >>> Reducer.resolve(False) is None
    True
"""

from __future__ import annotations

import os
import sys
from typing import Literal

from nngraph.errors import NNGraphError
from nngraph.i18n import message
from nngraph.monitor._common import is_choice

__all__ = ["Reducer", "current_rank"]

Distributed = bool | Literal["auto"]


def _initialized() -> bool:
    dist = sys.modules.get("torch.distributed")
    return bool(dist is not None and dist.is_available() and dist.is_initialized())


def current_rank() -> int:
    """This process's global rank: from the process group, else ``$RANK`` (torchrun), else 0."""
    if _initialized():
        import torch.distributed as dist

        return int(dist.get_rank())
    try:
        return int(os.environ.get("RANK", "0"))
    except ValueError:
        return 0


class Reducer:
    """Averages one log line's metrics over all ranks with a single ``all_reduce``.

    Every rank must call ``Monitor.log`` with the same metric names at the same time (as with any
    collective); the names are sorted so their order does not matter.
    """

    def __init__(self) -> None:
        import torch
        import torch.distributed as dist

        self.rank = int(dist.get_rank())
        self.world_size = int(dist.get_world_size())
        backend = str(dist.get_backend())
        if backend == "nccl":
            self.device = torch.device("cuda", torch.cuda.current_device())
        else:
            self.device = torch.device("cpu")

    @staticmethod
    def check(distributed: object) -> None:
        if not is_choice(distributed, (True, False, "auto")):
            raise NNGraphError(message("monitor.distributed.value", value=distributed))

    @classmethod
    def resolve(cls, distributed: Distributed) -> Reducer | None:
        """A reducer when metrics must be averaged, else ``None``."""
        cls.check(distributed)
        if distributed is False:
            return None
        if not _initialized():
            if distributed is True:
                raise NNGraphError(message("monitor.distributed.not_initialized"))
            return None
        reducer = cls()
        if distributed == "auto" and reducer.world_size < 2:
            return None
        return reducer

    def average(self, values: dict[str, float]) -> dict[str, float]:
        """The mean of each metric over all ranks (one collective, one host transfer)."""
        import torch
        import torch.distributed as dist

        names = sorted(values)
        t = torch.tensor([values[n] for n in names], dtype=torch.float64, device=self.device)
        dist.all_reduce(t, op=dist.ReduceOp.SUM)
        means = dict(zip(names, (t / self.world_size).tolist(), strict=True))
        return {name: means[name] for name in values}
