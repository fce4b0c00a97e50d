"""`python -m nngraph [--out DIR]`: trace a small CNN, print what nngraph sees, write its graph.

$ python -m nngraph --out nngraph-example
... a summary table, the gradient-health findings, and the files written
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

import torch
from torch import nn

import nngraph as ng
from nngraph.i18n import message


def example_model() -> nn.Module:
    """A small CNN for 28x28 images, the kind a first lab trains."""
    return nn.Sequential(
        nn.Conv2d(1, 8, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(8, 16, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(16 * 7 * 7, 10),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m nngraph", description=__doc__)
    parser.add_argument(
        "--out", type=Path, default=Path("nngraph-example"), help="where to write the graph"
    )
    options = parser.parse_args(argv)

    torch.manual_seed(0)
    model = example_model()
    images, labels = torch.randn(32, 1, 28, 28), torch.randint(0, 10, (32,))
    graph = ng.trace(model, images, loss=lambda logits: nn.functional.cross_entropy(logits, labels))

    graph.health()
    print(graph.summary())
    options.out.mkdir(parents=True, exist_ok=True)
    drawn = shutil.which("dot") is not None
    for suffix in ["json", "dot"] + (["svg", "png"] if drawn else []):
        path = options.out / f"graph.{suffix}"
        graph.save(path)
        print("wrote", path)
    if not drawn:  # say why the pictures are missing, and how to get them
        print(message("graph.error.no_dot", path=options.out / "graph.svg"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
