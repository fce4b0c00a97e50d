"""A normalisation layer that runs in eval mode before it has seen any training data: its
running statistics are still those it starts with (mean 0, variance 1), so it does not
normalise. Tracing a fresh torchvision model after `model.eval()` gives dozens of true but
puzzling vanishing, exploding and dead findings downstream; this finding says why, once.

    >>> import torch, nngraph as ng
    >>> model = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3), torch.nn.BatchNorm2d(4)).eval()
    >>> g = ng.trace(model, torch.randn(2, 3, 8, 8), loss=lambda y: y.mean())
    >>> [f["module"] for f in untrained_norms(g, list(g))]
    ['1']
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nngraph.graph._finding import finding

if TYPE_CHECKING:
    from nngraph.graph._graph import Graph

__all__ = ["untrained_norms"]


def untrained_norms(g: Graph, order: list[Any]) -> list[dict[str, Any]]:
    """One finding, on the first such layer in `order`, counting them all."""
    table = g.graph.get("modules") or {}
    position = {n: i for i, n in enumerate(order)}
    buffers = {
        str(data.get("name") or ""): (n, data)
        for n, data in g._node.items()
        if data.get("kind") == "buffer"
    }
    found: list[tuple[int, str, Any]] = []  # (position, module path, the op reading it)
    for name, (n, data) in buffers.items():
        path = data.get("module") or ""
        if not name.endswith("running_var") or (table.get(path) or {}).get("training") is not False:
            continue
        mean = buffers.get(name.removesuffix("running_var") + "running_mean")
        if mean is None or not _starts_so(data, mean[1]):
            continue
        readers = [s for s in g._succ[n] if s in position]
        if readers:
            first = min(readers, key=position.__getitem__)
            found.append((position[first], path, first))
    if not found:
        return []
    _, path, node = min(found)
    kind = (table.get(path) or {}).get("type") or "?"
    key = "untrained_norm" if len(found) == 1 else "untrained_norms"
    return [
        finding(
            "untrained_norm",
            key,
            "forward",
            node,
            path,
            path=path,
            type=kind,
            count=len(found),
            modules=sorted(p for _, p, _ in found),
        )
    ]


def _starts_so(running_var: dict[str, Any], running_mean: dict[str, Any]) -> bool:
    """Whether a layer's running variance is all ones and its running mean all zeros."""
    var = running_var.get("value") or {}
    return (
        var.get("min") == 1.0
        and var.get("max") == 1.0
        and (running_mean.get("value") or {}).get("zero_frac") == 1.0
    )
