"""What the capture modules share about torch itself: nngraph's warning class, a context that
hides nngraph's own torch calls from any recording, autograd's next sequence number, whether a
call (an `optimizer.step()`) is still running, the tensors held in a model's results (and where),
the plain numbers and words a call was given, which factories make constants, the traceback
an error of the user's code would have had without the recording, and whether a function is a
library's (safe to run while naming) or the user's.

    >>> import torch
    >>> before = next_sequence_nr()
    >>> y = torch.ones(1, requires_grad=True) * 2
    >>> y.grad_fn._sequence_nr() >= before
    True
"""

from __future__ import annotations

import contextlib
import dataclasses
import dis
import functools
import os
import site
import sys
import sysconfig
from collections.abc import Iterable, Mapping
from types import FrameType, TracebackType
from typing import Any

import torch

from nngraph.capture._functorch import unwrapped
from nngraph.capture._memory import storage_key

__all__ = [
    "SAME_TENSOR",
    "SHAPE_ONLY",
    "UNINITIALISED",
    "NNGraphWarning",
    "drop_recording_frames",
    "gives_back_parameters",
    "hidden",
    "library_code",
    "memory_within",
    "named_tensors_within",
    "next_sequence_nr",
    "scalar_arguments",
    "still_running",
    "tensors_within",
]


class NNGraphWarning(UserWarning):
    """nngraph could not record part of a computation; the computation itself was not changed.

    To silence them in a notebook: ``warnings.simplefilter("ignore", ng.capture.NNGraphWarning)``
    (the computation runs the same either way); for one block only:

        >>> import warnings, nngraph as ng
        >>> with warnings.catch_warnings(record=True) as seen:
        ...     warnings.simplefilter("ignore", ng.capture.NNGraphWarning)
        ...     warnings.warn("part of the graph is missing", ng.capture.NNGraphWarning)
        >>> seen
        []
    """


#: A context in which nngraph's own torch calls reach no `TorchFunctionMode` and no tensor
#: subclass: an enclosing recording (`trace()` inside `record()`) must not see them as the
#: user's ops.
hidden = torch._C.DisableTorchFunction


def next_sequence_nr() -> int:
    """The sequence number autograd will give the next node it creates on this thread."""
    peek = getattr(torch._C._autograd, "_get_sequence_nr", None)
    if peek is not None:
        return int(peek())
    with torch.enable_grad():  # a PyTorch without the peek: make a node and read its number
        fn = torch.zeros((), requires_grad=True).clone().grad_fn
    assert fn is not None
    return int(fn._sequence_nr()) + 1


def still_running(frames: list[FrameType]) -> bool:
    """Whether the innermost of `frames` (an `optimizer.step()`'s, say) is still on the stack.
    Frames that are not, of a call that raised before its end was seen, are dropped."""
    running = set()
    frame: FrameType | None = sys._getframe(1)
    while frame is not None:
        running.add(frame)
        frame = frame.f_back
    while frames and frames[-1] not in running:
        frames.pop()
    return bool(frames)


def tensors_within(obj: Any, out: list[torch.Tensor] | None = None) -> list[torch.Tensor]:
    """The tensors inside `obj`: nested tuples, lists, mappings and dataclasses, in order.
    Slower than `_builder.tensors_in`: for what a model returns or is given, not for each op.

    >>> @dataclasses.dataclass
    ... class Prediction:
    ...     logits: torch.Tensor
    ...     extra: dict[str, Any]
    >>> len(tensors_within([Prediction(torch.ones(2), {"p": torch.ones(1), "n": 3})]))
    2
    """
    found: list[torch.Tensor] = [] if out is None else out
    found.extend(t for _, t in named_tensors_within(obj))
    return found


def named_tensors_within(obj: Any) -> list[tuple[str, torch.Tensor]]:
    """The tensors inside `obj` as `tensors_within` finds them, each with the path that reaches
    it as Python writes it: `['x']`, `[0]`, `.image` (`""` for `obj` itself).

    >>> @dataclasses.dataclass
    ... class Batch:
    ...     image: torch.Tensor
    ...     labels: list[torch.Tensor]
    >>> [path for path, _ in named_tensors_within(Batch(torch.ones(1), [torch.ones(1)]))]
    ['.image', '.labels[0]']
    """
    found: list[tuple[str, torch.Tensor]] = []
    seen: set[int] = set()  # a dataclass may refer back to its parent
    stack: list[tuple[str, Any]] = [("", obj)]  # a loop, not a recursive closure: no cycle
    while stack:
        path, item = stack.pop()
        if isinstance(item, torch.Tensor):
            found.append((path, item))
            continue
        if id(item) in seen:
            continue
        if isinstance(item, Mapping):
            items: Any = [(f"[{key!r}]", value) for key, value in item.items()]
        elif isinstance(item, tuple) and hasattr(item, "_fields"):  # a namedtuple
            items = [(f".{name}", value) for name, value in zip(item._fields, item, strict=False)]
        elif isinstance(item, (list, tuple)):
            items = [(f"[{i}]", value) for i, value in enumerate(item)]
        elif dataclasses.is_dataclass(item) and not isinstance(item, type):
            fields = dataclasses.fields(item)
            items = [(f".{field.name}", getattr(item, field.name, None)) for field in fields]
        else:
            continue
        seen.add(id(item))
        stack.extend((path + step, each) for step, each in reversed(items))
    return found


def memory_within(obj: Any, depth: int = 4) -> dict[int, Any]:
    """Where the memory of the tensors and NumPy arrays inside `obj` starts, each with its
    tensor or array: in tuples, lists, mappings and the attributes of objects (a dataclass, a
    graph's `data.x`), `depth` deep.

    >>> x = torch.ones(3)
    >>> list(memory_within({"batch": [x]}).items()) == [(storage_key(x), x)]
    True
    """
    found: dict[int, Any] = {}
    stack: list[tuple[Any, int]] = [(obj, depth)]
    seen: set[int] = set()
    while stack:
        item, left = stack.pop()
        if isinstance(item, torch.Tensor):
            found[storage_key(unwrapped(item)) or 0] = item
            continue
        if hasattr(type(item), "__array_interface__"):  # a NumPy array
            data = item.__array_interface__.get("data")
            found[data[0] if isinstance(data, tuple) else 0] = item
            continue
        if left == 0 or id(item) in seen or isinstance(item, (str, bytes, torch.nn.Module)):
            continue
        seen.add(id(item))
        if isinstance(item, Mapping):
            items: Iterable[Any] = item.values()
        elif isinstance(item, (list, tuple, set)):
            items = item
        else:
            items = getattr(item, "__dict__", {}).values() if not isinstance(item, type) else ()
        stack.extend((each, left - 1) for each in items)
    found.pop(0, None)  # no memory: an empty tensor, the meta device
    return found


# Factories that take only the shape, dtype and device of their input (`torch.ones_like(out)`
# as a backward's `grad_outputs`, `x.new_zeros(n)`): what they make is a constant, not
# computed from it.
SHAPE_ONLY = frozenset(
    {
        "zeros_like",
        "ones_like",
        "full_like",
        "empty_like",
        "rand_like",
        "randn_like",
        "randint_like",
        "new_empty",
        "new_zeros",
        "new_ones",
        "new_full",
    }
)


# Factories whose tensor holds leftover memory until something writes into it.
UNINITIALISED = frozenset({"empty", "empty_like", "new_empty", "empty_strided"})

# Calls that give back the very tensor they are called on where they have nothing to change
# (`mask.to(torch.bool)` of a bool mask, `w.contiguous()` of a contiguous weight); a write
# into a tensor gives it back too (`w[0] = v`, `torch.add(w, v, out=w)`), but is not one.
SAME_TENSOR = frozenset(
    {"to", "type", "type_as", "float", "double", "half", "bfloat16", "bool", "long", "cpu",
     "cuda", "contiguous", "flatten", "ravel", "atleast_1d", "atleast_2d", "atleast_3d",
     "dropout"}
)  # fmt: skip


def gives_back_parameters(ins: list[torch.Tensor], outs: list[torch.Tensor]) -> bool:
    """Whether a call's results are parameters it was given, unchanged: `.to()`,
    `.contiguous()` or `.flatten()` of a parameter had nothing to do (one of `SAME_TENSOR`).
    Autograd links the ops that read the result to the parameter itself, so a node for the
    call would lead nowhere.

        >>> w = torch.nn.Parameter(torch.ones(2))
        >>> gives_back_parameters([w], [w.contiguous()]), gives_back_parameters([w], [w * 2])
        (True, False)
    """
    return all(isinstance(t, torch.nn.Parameter) and any(t is i for i in ins) for t in outs)


_SCALARS = frozenset({bool, int, float, str})
_PLAIN = _SCALARS | {tuple}  # and tuples of scalars (a stride)


def scalar_arguments(args: tuple[Any, ...], kwargs: dict[str, Any] | None) -> str | None:
    """The plain numbers, words and tuples of them a call was given, as text (None if none):
    the settings a functional op takes in `forward` (`F.dropout(x, p=0.5)`, `x * 0.5`), which
    tell two otherwise identical blocks apart. A keyword whose name starts with `_` is
    PyTorch's own bookkeeping, no setting of the student's (`F.softmax` passes
    `_stacklevel=3` on): it is left out. Runs for every recorded call: no function call per
    argument.

    >>> scalar_arguments((torch.ones(1), 0.5), {"training": True, "stride": (2, 2)})
    '0.5, training=True, stride=(2, 2)'
    >>> scalar_arguments((torch.ones(2, 3),), {"dim": 0, "_stacklevel": 3})
    'dim=0'
    """
    parts: list[str] = []
    for a in args:
        kind = type(a)
        if kind in _PLAIN and (kind is not tuple or all(type(v) in _SCALARS for v in a)):
            parts.append(repr(a))
    if kwargs:
        for key, value in kwargs.items():
            kind = type(value)
            if (
                key[:1] != "_"
                and kind in _PLAIN
                and (kind is not tuple or all(type(v) in _SCALARS for v in value))
            ):
                parts.append(f"{key}={value!r}")
    return ", ".join(parts) if parts else None


_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep


def drop_recording_frames(error: BaseException) -> None:
    """Give `error`, raised by the user's code (or by torch for it) while nngraph ran that
    code, the traceback it would have without nngraph, also for the errors it was raised from
    or while handling: nngraph's frames (`trace()`, the recording's `__torch_function__`, which
    called the torch function that raised) are dropped, and so are the frames torch adds to
    reach the recording (`handle_torch_function`, the first of the two calls of a torch
    function that went through it, and the `inner` frame of each module call, there only
    while the recording's global module hooks are on). A student reads the last frame as the
    culprit, and the exception itself (type, message) is not touched. An error nngraph raised
    itself keeps every frame: one is the user's only when the innermost nngraph frame hides
    itself (`__tracebackhide__`, as IPython reads it: a frame that only passes calls on to the
    user's code: the wrappers that run a DataLoader's fetch or an optimizer's closure), and is
    not the last frame unless the error came from a call it made (to C code: the torch
    function the recording's `__torch_function__` called, a TorchScript function, a builtin).
    The links are changed in place, so a bare `raise` after this shows the new traceback
    (from Python 3.11 on without the frame that raises, which then is not added again).

        >>> import nngraph as ng, traceback
        >>> try:
        ...     with ng.record():  # the recording's `__torch_function__` called `torch.mm`
        ...         torch.mm(torch.ones(2, 3), torch.ones(2, 3))
        ... except RuntimeError as error:
        ...     [frame.name for frame in traceback.extract_tb(error.__traceback__)]
        ['<module>']
    """
    chained: list[BaseException | None] = [error]
    seen: set[int] = set()
    while chained:
        link = chained.pop()
        if link is None or id(link) in seen:
            continue
        seen.add(id(link))
        link.__traceback__ = _without_recording(link.__traceback__)
        chained += [link.__cause__, link.__context__]


def _without_recording(tb: TracebackType | None) -> TracebackType | None:
    """`tb` relinked without the frames `drop_recording_frames` drops; its first entry kept."""
    entries: list[TracebackType] = []
    while tb is not None:
        entries.append(tb)
        tb = tb.tb_next
    ours = [i for i, entry in enumerate(entries) if _is_ours(entry)]
    if not ours:
        return entries[0] if entries else None
    passes_on = entries[ours[-1]].tb_frame.f_locals.get("__tracebackhide__")
    if not passes_on or (ours[-1] == len(entries) - 1 and not _raised_in_a_call(entries[-1])):
        return entries[0]  # nngraph raised it: every frame stays
    drop = set(ours) | {i for i, entry in enumerate(entries) if _runs_module_hooks(entry)}
    for i in ours:
        if entries[i].tb_frame.f_code.co_name == "__torch_function__" and _dispatches(entries, i):
            drop.add(i - 1)  # torch's handle_torch_function, which called the recording
            caller = entries[i - 2].tb_frame.f_code if i >= 2 else None
            if i + 1 < len(entries) and entries[i + 1].tb_frame.f_code is caller:
                drop.add(i - 2)  # the same torch function, called again by the recording
    following: TracebackType | None = None
    for i in reversed(range(len(entries))):
        entries[i].tb_next = following
        if i not in drop:
            following = entries[i]
    return following


def _raised_in_a_call(entry: TracebackType) -> bool:
    """Whether the frame of `entry` was calling a function when the error came, rather than
    raising it itself: C code (a torch op, a TorchScript function) adds no frame of its own."""
    # a frame that raised stops at its `raise`; one whose callee raised, at the call (or at
    # one of the call's inline caches, from Python 3.11 on: not listed, hence `<=`)
    opname = ""
    for instruction in dis.get_instructions(entry.tb_frame.f_code):
        if instruction.offset > entry.tb_lasti:
            break
        opname = instruction.opname
    return opname.startswith("CALL") and not opname.startswith("CALL_INTRINSIC")


def _is_ours(entry: TracebackType) -> bool:
    return os.path.abspath(entry.tb_frame.f_code.co_filename).startswith(_PACKAGE)


def _runs_module_hooks(entry: TracebackType) -> bool:
    """Whether `entry` is torch's `Module._call_impl.<locals>.inner`: the path a module call
    takes only while global module hooks (the recording's) are on, one frame per module."""
    frame = entry.tb_frame
    return frame.f_code.co_name == "inner" and frame.f_globals.get("__name__") == _MODULE_CALLS


_MODULE_CALLS = torch.nn.modules.module.__name__


def _dispatches(entries: list[TracebackType], i: int) -> bool:
    """Whether the frame before `entries[i]` is torch's `handle_torch_function`."""
    frame = entries[i - 1].tb_frame if i >= 1 else None
    return (
        frame is not None
        and frame.f_code.co_name == "handle_torch_function"
        and frame.f_globals.get("__name__") == "torch.overrides"
    )


@functools.cache
def _library_roots() -> tuple[str, ...]:
    """The folders Python's own modules and installed packages live in."""
    paths = sysconfig.get_paths()
    roots = {paths[key] for key in ("stdlib", "platstdlib", "purelib", "platlib") if key in paths}
    with contextlib.suppress(AttributeError):  # an old virtualenv's `site` lacks them
        # `pip install --user`, and the site folders of another layout (Debian's)
        roots.update([*site.getsitepackages(), site.getusersitepackages()])
    return tuple(os.path.join(os.path.realpath(root), "") for root in roots)


def library_code(function: Any) -> bool:
    """Whether `function` is Python's own or an installed package's (C code included), not
    code of the user's (a notebook's, a script's): running it cannot surprise the user.

    >>> library_code(dict.__getitem__), library_code(torch.nn.Module.__getattr__)
    (True, True)
    >>> library_code(lambda: 0)  # written here, in a doctest
    False
    """
    function = getattr(function, "__func__", function)
    code = getattr(function, "__code__", None)
    if code is None:
        return not isinstance(function, type)  # a builtin: `dict.__getitem__`
    filename = os.path.realpath(code.co_filename)
    return filename.startswith(_library_roots())
