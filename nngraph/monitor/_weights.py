"""A copy of a model's weights in host memory, put back bit for bit by :meth:`restore`
(into a model converted since to a wider float type, ``model.double()``, as exact values).

The copy is made with ``Tensor.copy_`` into CPU tensors that are allocated once and reused, so
keeping "the best weights so far" costs one device-to-host copy per improvement and no new memory.

    >>> import torch
    >>> net = torch.nn.Linear(2, 1)
    >>> snap = WeightSnapshot(); snap.capture(net)  # False: weights without values, not kept
    True
    >>> with torch.no_grad(): _ = net.weight.add_(1.0)
    >>> snap.restore(net)
    >>> bool(torch.equal(net.weight, snap.tensors["weight"]))
    True
"""

from __future__ import annotations

import copy
from typing import Any

from nngraph._compiled import uncompiled
from nngraph.errors import NNGraphError
from nngraph.i18n import message
from nngraph.monitor._common import has_no_data

__all__ = ["WeightSnapshot", "check_module"]


def check_module(model: object, what: str) -> Any:
    """Return ``model`` if it is an ``nn.Module``, else raise :class:`NNGraphError`; a
    `torch.compile`d model is the module it compiled (the same parameters, the user's names:
    ``restore_best(model)`` after ``Monitor(model=torch.compile(model))``)."""
    import torch

    if not isinstance(model, torch.nn.Module):
        raise NNGraphError(
            message("monitor.error.not_module", what=what, type_name=type(model).__name__)
        )
    return uncompiled(model)


def _short(names: list[str]) -> str:
    more = message("monitor.weights.more", n=len(names) - 3) if len(names) > 3 else ""
    return ", ".join(names[:3]) + more


class WeightSnapshot:
    """Host-memory copy of ``model.state_dict()``: parameters, buffers, and a deep copy of any
    entry that is not a tensor (a module's ``get_extra_state()``)."""

    def __init__(self) -> None:
        self.tensors: dict[str, Any] = {}

    def __bool__(self) -> bool:
        return bool(self.tensors)

    @property
    def nbytes(self) -> int:
        """Host memory the tensors of the copy use."""
        return sum(t.numel() * t.element_size() for t in self.tensors.values() if _is_tensor(t))

    def capture(self, model: Any) -> bool:
        """Copy every parameter and buffer to host memory (reusing the previous copy's memory),
        and deep-copy any extra state (``get_extra_state()``). Returns False, and changes
        nothing, when a weight has no values to copy (on the meta device, or a lazy layer's
        before its first forward pass)."""
        import torch

        with torch.no_grad():
            state = model.state_dict(keep_vars=True)  # detached here: a bookkeeping module
            if any(isinstance(t, torch.Tensor) and has_no_data(t) for t in state.values()):
                return False
            if state.keys() != self.tensors.keys():
                self.tensors = {}
            for name, t in state.items():
                buf = self.tensors.get(name)
                if not isinstance(t, torch.Tensor):
                    self.tensors[name] = _copy_extra(name, t)
                elif (
                    not isinstance(buf, torch.Tensor)
                    or buf.shape != t.shape
                    or buf.dtype != t.dtype
                ):
                    self.tensors[name] = t.detach().to("cpu", copy=True)
                else:
                    buf.copy_(t.detach())
        return True

    def restore(self, model: Any) -> None:
        """Put the saved weights back into ``model`` (exact bits), after checking it matches.

        A model converted since to a float type that holds every saved value exactly
        (``model.double()`` after float32) gets those exact values; a narrower one
        (``model.half()``) is refused with the conversion back to make first.
        """
        model = check_module(model, "restore_best()")
        state = model.state_dict()
        problems = []
        missing = [k for k in self.tensors if k not in state]
        unexpected = [k for k in state if k not in self.tensors]
        if missing:
            problems.append(message("monitor.weights.missing", names=_short(missing)))
        if unexpected:
            problems.append(message("monitor.weights.unexpected", names=_short(unexpected)))
        reshaped, narrower = [], []  # (name, tensor now, tensor saved)
        for name, saved in self.tensors.items():
            t = state.get(name)
            if not (_is_tensor(t) and _is_tensor(saved)):
                continue  # extra state (get_extra_state): set_extra_state checks it
            if t.shape != saved.shape:
                reshaped.append((name, t, saved))
            elif t.dtype != saved.dtype and not _holds_exactly(t.dtype, saved.dtype):
                narrower.append((name, t, saved))
        if problems or reshaped:  # another architecture: every difference is listed
            for name, t, saved in reshaped + narrower:
                got, was = f"{tuple(t.shape)} {t.dtype}", f"{tuple(saved.shape)} {saved.dtype}"
                problems.append(message("monitor.weights.shape", name=name, got=got, saved=was))
            raise NNGraphError(message("monitor.weights.mismatch", details="; ".join(problems)))
        meta = [name for name in self.tensors if _is_tensor(state[name]) and state[name].is_meta]
        if meta:  # copying into them does nothing (torch only warns): no silent no-op here
            raise NNGraphError(message("monitor.weights.meta", names=_short(meta)))
        if narrower:  # the same architecture, converted to a narrower type since
            now, was = narrower[0][1].dtype, narrower[0][2].dtype
            raise NNGraphError(
                message(
                    "monitor.weights.dtype",
                    got=now,
                    saved=was,
                    names=_short([name for name, _, _ in narrower]),
                    convert=_conversion(was),
                )
            )
        # extra state is copied again: the model must not share (and change) the kept one
        saved = {k: v if _is_tensor(v) else copy.deepcopy(v) for k, v in self.tensors.items()}
        model.load_state_dict(saved, strict=True)


def _holds_exactly(now: Any, saved: Any) -> bool:
    """Whether a float tensor of dtype ``now`` holds every value of float dtype ``saved``.

    >>> import torch
    >>> _holds_exactly(torch.float64, torch.float32), _holds_exactly(torch.float16, torch.float32)
    (True, False)
    >>> _holds_exactly(torch.bfloat16, torch.float16), _holds_exactly(torch.float32, torch.int64)
    (False, False)
    """
    import torch

    floats = now.is_floating_point and saved.is_floating_point
    return bool(floats) and torch.promote_types(now, saved) == now


def _conversion(dtype: Any) -> str:
    """The call that converts a model back to ``dtype``: ``model.float()`` for float32.

    >>> import torch
    >>> _conversion(torch.float32), _conversion(torch.float8_e4m3fn)
    ('model.float()', 'model.to(torch.float8_e4m3fn)')
    """
    import torch

    named = {
        torch.float32: "float",
        torch.float64: "double",
        torch.float16: "half",
        torch.bfloat16: "bfloat16",
    }
    return f"model.{named[dtype]}()" if dtype in named else f"model.to({dtype})"


def _is_tensor(value: object) -> bool:
    import torch

    return isinstance(value, torch.Tensor)


def _copy_extra(name: str, value: object) -> Any:
    """A deep copy of a state_dict entry that is not a tensor, else a clear NNGraphError."""
    try:
        return copy.deepcopy(value)
    except Exception as exc:  # any object may refuse to be copied, in its own way
        raise NNGraphError(
            message(
                "monitor.weights.extra_state",
                name=name,
                type_name=type(value).__name__,
                exc=exc,
            )
        ) from exc
