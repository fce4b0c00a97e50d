"""A copy of a model's weights in host memory, put back bit for bit by :meth:`restore`.

The copy is made with ``Tensor.copy_`` into CPU tensors that are allocated once and reused, so
keeping "the best weights so far" costs one device-to-host copy per improvement and no new memory.

    >>> import torch
    >>> net = torch.nn.Linear(2, 1)
    >>> snap = WeightSnapshot(); snap.capture(net)
    >>> with torch.no_grad(): _ = net.weight.add_(1.0)
    >>> snap.restore(net)
    >>> bool(torch.equal(net.weight, snap.tensors["weight"]))
    True
"""

from __future__ import annotations

from typing import Any

from nngraph.errors import NNGraphError

__all__ = ["MESSAGES", "WeightSnapshot", "check_module"]

#: Student-visible messages, keyed by message id.
MESSAGES: dict[str, str] = {
    "error.not_module": "{what} needs a torch.nn.Module, got {type_name}",
    "error.mismatch": (
        "the model does not match the saved best weights ({details}): restore_best() needs the "
        "same architecture as the model given to Monitor(model=...)"
    ),
    "mismatch.missing": "missing {names}",
    "mismatch.unexpected": "unexpected {names}",
    "mismatch.shape": "{name} is {got}, saved {saved}",
}


def check_module(model: object, what: str) -> Any:
    """Return ``model`` if it is an ``nn.Module``, else raise :class:`NNGraphError`."""
    import torch

    if not isinstance(model, torch.nn.Module):
        raise NNGraphError(
            MESSAGES["error.not_module"].format(what=what, type_name=type(model).__name__)
        )
    return model


def _short(names: list[str]) -> str:
    return ", ".join(names[:3]) + (f" (+{len(names) - 3} more)" if len(names) > 3 else "")


class WeightSnapshot:
    """Host-memory copy of ``model.state_dict()`` (parameters and buffers)."""

    def __init__(self) -> None:
        self.tensors: dict[str, Any] = {}

    def __bool__(self) -> bool:
        return bool(self.tensors)

    @property
    def nbytes(self) -> int:
        """Host memory the copy uses."""
        return sum(t.numel() * t.element_size() for t in self.tensors.values())

    def capture(self, model: Any) -> None:
        """Copy every parameter and buffer to host memory (reusing the previous copy's memory)."""
        import torch

        with torch.no_grad():
            state = model.state_dict(keep_vars=False)
            if state.keys() != self.tensors.keys():
                self.tensors = {}
            for name, t in state.items():
                buf = self.tensors.get(name)
                if buf is None or buf.shape != t.shape or buf.dtype != t.dtype:
                    self.tensors[name] = t.detach().to("cpu", copy=True)
                else:
                    buf.copy_(t.detach())

    def restore(self, model: Any) -> None:
        """Put the saved weights back into ``model`` (exact bits), after checking it matches."""
        model = check_module(model, "restore_best()")
        state = model.state_dict()
        problems = []
        missing = [k for k in self.tensors if k not in state]
        unexpected = [k for k in state if k not in self.tensors]
        if missing:
            problems.append(MESSAGES["mismatch.missing"].format(names=_short(missing)))
        if unexpected:
            problems.append(MESSAGES["mismatch.unexpected"].format(names=_short(unexpected)))
        for name, saved in self.tensors.items():
            t = state.get(name)
            if t is not None and (t.shape != saved.shape or t.dtype != saved.dtype):
                problems.append(
                    MESSAGES["mismatch.shape"].format(
                        name=name,
                        got=f"{tuple(t.shape)} {t.dtype}",
                        saved=f"{tuple(saved.shape)} {saved.dtype}",
                    )
                )
        if problems:
            raise NNGraphError(MESSAGES["error.mismatch"].format(details="; ".join(problems)))
        model.load_state_dict(self.tensors, strict=True)
