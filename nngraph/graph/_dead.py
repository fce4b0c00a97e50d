"""Dead ReLU units: a layer with many units that output zero for the whole batch, so no gradient
flows through them (the capture counts them per ReLU output: a node's `dead = [d, n]`).

    >>> import torch, nngraph as ng
    >>> model = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 1))
    >>> _ = torch.nn.init.constant_(model[0].bias, -100.0)  # every unit silent
    >>> g = ng.trace(model, torch.randn(16, 4), loss=lambda y: y.pow(2).mean())
    >>> [(f["kind"], f["dead"], f["units"]) for f in g.health() if f["kind"] == "dead"]
    [('dead', 8, 8)]
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nngraph.graph._finding import feeding_layer, finding, layer_name, module_name

if TYPE_CHECKING:
    from nngraph.graph._graph import Graph

__all__ = ["dead_units"]

# Dead units: a unit answers to part of the data, so on one batch some are silent in a healthy
# fresh net, yet alive on fresh data. The README's 10-wide example: 1 of 10 in 6 of 10 seeds.
# A 4-8-8-1 MLP at default init, batch 32: 1 of 8 in 15 of 20 seeds, in 8 of them alive on
# 20,000 fresh inputs. A Kaiming 8-layer MLP (width 64, batch 64): 8 and 13 of 64 silent, of
# which 1 and 2 are dead on 20,000 fresh inputs. So a layer is flagged when more than a quarter
# of its units are silent, two at least, on a batch of at least 8 values per unit. Units killed
# by a learning rate far too high (22-29 of 32 after 5 SGD steps at lr 0.5) or by a large
# negative bias are flagged still.
DEAD_SHARE, DEAD_MIN, DEAD_SAMPLES = 0.25, 2, 8


def dead_units(g: Graph, order: list[Any], types: dict[str, str | None]) -> list[dict[str, Any]]:
    """ReLUs with many units that output zero for the whole batch. A ReLU run once per
    recorded step (a training loop, gradient accumulation) is reported once, at its first run."""
    findings = []
    seen: set[tuple[str, str | None]] = set()
    for n in order:
        data = g.nodes[n]
        if not _mostly_dead(data):
            continue
        module = data.get("module") or ""
        layer = feeding_layer(g, n, module)
        if (module, layer) in seen:
            continue
        seen.add((module, layer))
        if layer is None:
            key, where = "dead", {"where_module": module_name(module, types, "in")}
        else:
            key, where = "dead_after", {"layer": layer_name(layer, types)}
        dead = data["dead"]
        findings.append(
            finding("dead", key, "forward", n, module, dead=dead[0], units=dead[1], **where)
        )
    return findings


def _mostly_dead(data: dict[str, Any]) -> bool:
    """Whether a node's `dead = [d, n]` says the layer has a problem: more than a quarter of its
    units (two at least) silent, on a batch big enough to tell (one example silences half)."""
    dead = data.get("dead")
    if not dead or not dead[1]:
        return False
    value = data.get("value") or {}
    samples = (value.get("numel") or 0) / dead[1] if value else None
    return (
        dead[0] > dead[1] * DEAD_SHARE
        and dead[0] >= DEAD_MIN
        and (samples is None or samples >= DEAD_SAMPLES)
    )
