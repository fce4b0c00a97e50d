"""A TorchScript function called in a recording: its ops run in C++, where the mode does not see
them, so its autograd nodes are added when it returns (see `_record._script_functions_seen`).
A TorchScript module is a module: the scope's hooks see it (`Recorder._after_script`)."""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any

from nngraph.capture._builder import grad_fn_of, tensor_meta, tensors_in
from nngraph.capture._common import NNGraphWarning, next_sequence_nr
from nngraph.capture._units import channels_first
from nngraph.errors import stacklevel_outside
from nngraph.i18n import message

if TYPE_CHECKING:
    from nngraph.capture._recorder import Recorder

__all__ = ["after_script_function"]


def after_script_function(recorder: Recorder, name: str, out: Any) -> None:
    """A TorchScript function (`@torch.jit.script def gelu(x)`) returned what is in `out`:
    none of its ops reached the mode. Its autograd nodes are added now, in the module that
    called it, with their autograd names (the next call must not take them for its own);
    each result's node shows its tensor, and a ReLU's the units it left dead."""
    builder, nodes, scope = recorder.builder, recorder.graph._node, recorder.scope
    recorder.busy = True
    try:
        for t in tensors_in(out, []):
            fn = grad_fn_of(t)
            if fn is None or fn in builder.ids:
                continue
            for node_id in recorder._walk([fn], described=fn):
                attrs = nodes[node_id]
                if attrs["seq"] is not None and attrs["seq"] >= recorder.seq_mark:
                    attrs["module"] = scope.path
                    attrs["module_type"] = scope.module_type
            node_id = builder.ids[fn]
            builder.returned_outputs[node_id] = (t.output_nr,)  # what its `value` shows
            attrs = nodes[node_id]
            attrs.update(tensor_meta(t))
            builder.stats.add(attrs, "value", t)
            if attrs["op"] == "relu":
                first = t.dim() >= 3 and channels_first(t)
                builder.stats.add_dead_units(attrs, "dead", t, channels_first=first)
    except Exception as error:  # never break the user's computation because of us
        recorder._stop(name, error)
    finally:
        recorder.busy = False
    recorder.seq_mark = next_sequence_nr()
    if not recorder.warned_script:
        recorder.warned_script = True
        where = stacklevel_outside()
        text = message("capture.script_function_ran", name=name)
        warnings.warn(text, NNGraphWarning, stacklevel=where)
