"""Hand-built graphs that follow docs/schema.md, so graph tests do not depend on capture."""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

import nngraph as ng
from nngraph.graph import Graph


def stats(norm: float = 1.0, numel: int = 4, *, nan: int = 0, inf: int = 0) -> dict[str, float]:
    """A Stats dict (docs/schema.md) with the given norm."""
    rms = norm / numel**0.5
    return {  # values of one size, half of each sign: mean 0, every |value| the RMS
        "mean": 0.0,
        "std": rms,
        "min": -rms,
        "max": rms,
        "norm": norm,
        "zero_frac": 0.0,
        "nan": float(nan),
        "inf": float(inf),
        "numel": float(numel),
    }


class Build:
    """Adds nodes with every schema attribute, ids n0, n1, ... in call order.

    >>> b = Build()
    >>> x = b.input([2, 3])
    >>> y = b.op("relu", x, module="act", module_type="ReLU")
    """

    def __init__(self, modules: dict[str, dict[str, Any]] | None = None) -> None:
        self.g = Graph()
        self.g.graph.update(source="record", outputs=[], backward_passes=1, modules=modules or {})
        self.calls = 0

    def node(self, kind: str, *inputs: str, **attrs: Any) -> str:
        n = f"n{len(self.g)}"
        data: dict[str, Any] = {
            "kind": kind,
            "label": attrs.get("op") or attrs.get("name") or kind,
            "op": None,
            "backward": None,
            "tracked": kind == "op",
            "module": "",
            "module_type": None,
            "name": None,
            "shape": None,
            "dtype": "float32",
            "device": "cpu",
            "requires_grad": kind in ("op", "param"),
            "value": stats(),
            "grad": None,
            "seq": None,
            "backward_order": None,
            "call": None,
            "dead": None,
            "args": None,
            "grad_accumulated": False,
            "params": 0,
            "flags": [],
            "repeat": 1,
        }
        data.update(attrs)
        self.g.add_node(n, **data)
        for i in inputs:
            self.g.add_edge(i, n)
        return n

    def input(self, shape: list[int], name: str = "x", **attrs: Any) -> str:
        return self.node("input", name=name, shape=shape, **attrs)

    def param(self, name: str, shape: list[int], **attrs: Any) -> str:
        numel = 1
        for d in shape:
            numel *= d
        module = name.rpartition(".")[0]
        return self.node("param", name=name, shape=shape, module=module, params=numel, **attrs)

    def op(self, op: str, *inputs: str, **attrs: Any) -> str:
        attrs.setdefault("call", self.calls)
        attrs.setdefault("seq", self.calls)
        self.calls += 1
        return self.node("op", *inputs, op=op, **attrs)

    def output(self, source: str, **attrs: Any) -> str:
        n = self.node("output", source, shape=self.g.nodes[source]["shape"], **attrs)
        self.g.graph["outputs"].append(n)
        return n

    def linear(self, x: str, path: str, n_in: int, n_out: int, batch: int = 8, **grads: Any) -> str:
        """`path` = nn.Linear(n_in, n_out): weight and bias params and a linear op."""
        w = self.param(f"{path}.weight", [n_out, n_in], grad=grads.get("weight_grad"))
        b = self.param(f"{path}.bias", [n_out], grad=grads.get("bias_grad"))
        return self.op("linear", x, w, b, module=path, module_type="Linear", shape=[batch, n_out])


def chain(blocks: int, width: int = 8) -> Graph:
    """x -> (Linear, ReLU) x blocks -> output, as a Sequential with children 0, 1, 2, ..."""
    modules: dict[str, dict[str, Any]] = {"": {"type": "Sequential", "params": 0}}
    b = Build(modules)
    h = b.input([2, width])
    for i in range(blocks):
        linear, relu = str(2 * i), str(2 * i + 1)
        modules[linear] = {"type": "Linear", "params": width * width + width}
        modules[relu] = {"type": "ReLU", "params": 0}
        modules[""]["params"] += width * width + width
        h = b.linear(h, linear, width, width, batch=2)
        h = b.op("relu", h, module=relu, module_type="ReLU", shape=[2, width])
    b.output(h)
    return b.g


def deep_sigmoid(depth: int, width: int = 32, batch: int = 64) -> Graph:
    """A textbook vanishing-gradient net, traced: `depth` Linear+Sigmoid layers of `width`
    units at default init, then one output; most layers get an almost zero gradient."""
    torch.manual_seed(0)
    layers: list[nn.Module] = []
    for _ in range(depth):
        layers += [nn.Linear(width, width), nn.Sigmoid()]
    model = nn.Sequential(*layers, nn.Linear(width, 1))
    return ng.trace(model, torch.randn(batch, width), loss=lambda y: y.pow(2).mean())
