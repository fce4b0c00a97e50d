"""The line `health()` and `summary()` give about frozen parameters (`requires_grad=False`)
beside ones that learn: they get no gradient and no optimizer step changes them. Freezing is
often meant (fine-tuning a pretrained body, a GAN's discriminator during the generator's step,
an EMA copy), so it is a note under the findings, not a finding: `health()` still returns `[]`.
Left on by mistake (a fine-tuning cell run before the lab's training), nothing else would say
why the model learns so little (sweep s47 M2: 2,080 of 2,410 parameters frozen, "Findings:
none").

    >>> import torch, nngraph as ng
    >>> from nngraph.i18n import set_language; set_language("en")
    >>> model = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 2))
    >>> model[0].requires_grad_(False)  # doctest: +ELLIPSIS
    Linear(...)
    >>> g = ng.trace(model, torch.randn(3, 4), loss=lambda out: out.sum())
    >>> frozen_note(g)[:90]
    "Frozen parameters (requires_grad=False) do not learn: 40 of the model's 58, in 0 (Linear)."
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from nngraph.graph._nodes import ancestors_of, count_text, module_types, numel, owner_module
from nngraph.graph._summary_findings import layer_list
from nngraph.graph._summary_grads import origin
from nngraph.i18n import message

if TYPE_CHECKING:
    from nngraph.graph._graph import Graph

__all__ = ["frozen_note"]


def frozen_note(g: Graph) -> str:
    """The note on the parameters of `g` (of the graph it was folded from) that do not require
    grad while others do: how many of the model's, and in which modules (a module all of whose
    parameters here are frozen stands for its submodules: `features (Sequential)`, not its 40
    layers); `""` where none is frozen, or none learns (a model only evaluated).

    The count is of the parameters the graph read; the total is the model's, as the summary's
    "Total params" line gives it."""
    from nngraph.graph._summary import model_params  # it imports this module's users

    source, _ = origin(g)
    params = [d for _, d in source.nodes(data=True) if d.get("kind") == "param"]
    frozen = [d for d in params if not d.get("requires_grad")]
    if not frozen or len(frozen) == len(params):
        return ""
    learning = {owner_module(d) for d in params if d.get("requires_grad")}
    # a module stands for its frozen submodules where none of its parameters learns
    open_ = {path for module in learning for path in ancestors_of(module)}
    named: list[str] = []
    for d in frozen:
        path = owner_module(d)
        top = next((p for p in reversed(list(ancestors_of(path))) if p not in open_), path)
        top = top or str(d.get("name") or "")  # a parameter of the model itself, by its name
        if top not in named:
            named.append(top)
    count = sum(int(d.get("params") or numel(d.get("shape"))) for d in frozen)
    total = model_params(source._node, source.graph.get("modules") or {})
    types = module_types(source)
    return message(
        "graph.summary.frozen",
        count=count_text(count),
        total=count_text(max(total, count)),
        layers=layer_list(named, types),
    )
