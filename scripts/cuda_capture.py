"""ng.trace on a GPU: its overhead over a plain training step, and its gradient statistics.

    .venv/bin/python scripts/cuda_capture.py                  # every workload but the chain
    .venv/bin/python scripts/cuda_capture.py --chain          # the 5,000-block chain too
    .venv/bin/python scripts/cuda_capture.py --device cpu     # the same checks on the CPU

For each workload of benchmarks/workloads.py, moved to the device:
1. times `model.zero_grad(set_to_none=True); loss_fn(model(x)).backward()` against
   `ng.trace(model, x, loss=loss_fn)` (one warm-up, then best and median of `--repeat` runs,
   `torch.cuda.synchronize()` before starting and before stopping the clock) and prints the ratio;
2. checks that the `grad` statistics of every parameter node of the traced graph (and its
   device) match the same statistics computed directly by torch, in float64 on the device, from
   `p.grad` of a plain backward with the same seed (same dropout masks). Both backwards of the
   check run with cuDNN's deterministic algorithms and without TF32: by default two runs of the
   same convolution network differ by ~1e-3 on a GPU, which is not the capture's doing.
Exit status 1 when a check fails; also, with a message, when CUDA is not available.
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import torch
from torch import nn

import nngraph as ng

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from workloads import WORKLOADS

CHAIN = "5,000-block chain"
#: |ours - reference| <= RTOL * |reference| + ATOL * (largest |gradient| of that parameter)
RTOL, ATOL = 1e-3, 1e-5
#: Squares of float32 values below ~1e-19 underflow (the chain's deepest gradients are ~1e-40),
#: so a float32 norm or std cannot resolve less than sqrt(TINY * numel).
TINY = torch.finfo(torch.float32).tiny


def loss_fn(y: torch.Tensor) -> torch.Tensor:
    return y.pow(2).mean()


def timed(fn: Callable[[], object], device: torch.device, repeat: int) -> tuple[float, float]:
    """Best and median seconds per call, after one warm-up, with the device synchronised."""

    def sync() -> None:
        if device.type == "cuda":
            torch.cuda.synchronize(device)

    fn()
    times = []
    for _ in range(repeat):
        sync()
        start = time.perf_counter()
        fn()
        sync()
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times)


def reference_stats(grad: torch.Tensor) -> dict[str, float]:
    """The statistics of docs/schema.md, computed directly by torch in float64."""
    g = grad.detach().double().reshape(-1)
    return {
        "mean": g.mean().item(),
        "std": g.std(unbiased=False).item(),
        "min": g.min().item(),
        "max": g.max().item(),
        "norm": g.norm().item(),
        "zero_frac": (g == 0).double().mean().item(),
        "nan": float(g.isnan().sum().item()),
        "inf": float(g.isinf().sum().item()),
        "numel": float(g.numel()),
    }


def close(got: float, expected: float, tolerance: float) -> bool:
    if math.isnan(expected):
        return math.isnan(got)
    return abs(got - expected) <= RTOL * abs(expected) + tolerance


@contextmanager
def same_sums_every_run() -> Iterator[None]:
    """cuDNN's deterministic algorithms in full float32 precision, then the settings as they were."""
    flags = torch.backends.cudnn
    saved = (
        flags.deterministic,
        flags.benchmark,
        flags.allow_tf32,
        torch.backends.cuda.matmul.allow_tf32,
    )
    flags.deterministic, flags.benchmark, flags.allow_tf32 = True, False, False
    torch.backends.cuda.matmul.allow_tf32 = False
    try:
        yield
    finally:
        flags.deterministic, flags.benchmark, flags.allow_tf32 = saved[:3]
        torch.backends.cuda.matmul.allow_tf32 = saved[3]


def check_grads(model: nn.Module, x: torch.Tensor) -> tuple[int, list[str]]:
    """Compare the traced parameter-gradient statistics with those of p.grad; (checked, errors)."""
    with same_sums_every_run():
        return _check_grads(model, x)


def _check_grads(model: nn.Module, x: torch.Tensor) -> tuple[int, list[str]]:
    torch.manual_seed(1)
    graph = ng.trace(model, x, loss=loss_fn)
    torch.manual_seed(1)
    model.zero_grad(set_to_none=True)
    loss_fn(model(x)).backward()
    grads = {name: p.grad for name, p in model.named_parameters()}
    errors, checked = [], 0
    for _, node in graph.nodes(data=True):
        if node["kind"] != "param":
            continue
        name, ours, grad = node["name"], node["grad"], grads.get(node["name"])
        if ours is None or grad is None:
            if (ours is None) != (grad is None):
                errors.append(f"{name}: traced grad {ours is not None}, p.grad {grad is not None}")
            continue
        checked += 1
        if node["device"] != str(grad.device):
            errors.append(f"{name}: traced on {node['device']}, p.grad on {grad.device}")
        reference = reference_stats(grad)
        scale = ATOL * max(abs(reference["min"]), abs(reference["max"]))
        underflow = math.sqrt(TINY * grad.numel())
        for key, expected in reference.items():
            got = ours.get(key, math.nan)
            tolerance = scale + (underflow if key in ("std", "norm") else 0.0)
            if not close(got, expected, tolerance):
                errors.append(f"{name}.grad {key}: traced {got:.6g}, p.grad {expected:.6g}")
    model.zero_grad(set_to_none=True)
    return checked, errors


def bench(workload: str, model: nn.Module, x: torch.Tensor, repeat: int) -> bool:
    """Print one line: plain vs ng.trace times, and the gradient check; True if it passed."""

    def plain() -> None:
        model.zero_grad(set_to_none=True)
        loss_fn(model(x)).backward()

    plain_best, plain_median = timed(plain, x.device, repeat)
    ours_best, ours_median = timed(lambda: ng.trace(model, x, loss=loss_fn), x.device, repeat)
    checked, errors = check_grads(model, x)
    verdict = f"{checked} params match p.grad" if not errors else f"{len(errors)} MISMATCHES"
    print(
        f"{workload:<22} {plain_best * 1e3:>13.2f} {ours_best * 1e3:>12.2f} "
        f"{ours_best / plain_best:>6.2f}x  {verdict} (medians {plain_median * 1e3:.2f} / "
        f"{ours_median * 1e3:.2f} ms)"
    )
    for error in errors[:20]:
        print(f"    {error}")
    return checked > 0 and not errors


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=10, help="timed runs per measurement")
    parser.add_argument("--chain", action="store_true", help="include the 5,000-block chain")
    parser.add_argument("--device", default="cuda", help="cuda (default), cuda:1, cpu, ...")
    args = parser.parse_args(argv)
    device = torch.device(args.device)
    if device.type == "cuda" and not torch.cuda.is_available():
        print(
            "cuda_capture.py: CUDA is not available on this machine (torch "
            f"{torch.__version__}, built with CUDA {torch.version.cuda}); nothing to measure. "
            "Run it on a machine with a GPU, or pass --device cpu.",
            file=sys.stderr,
        )
        return 1
    name = torch.cuda.get_device_name(device) if device.type == "cuda" else "CPU"
    print(f"torch {torch.__version__} (CUDA {torch.version.cuda}), device {device}: {name}")
    print(f"{'workload':<22} {'plain f+b ms':>13} {'ng.trace ms':>12} {'ratio':>7}  grad stats")

    failed = False
    for workload, make in WORKLOADS.items():
        if workload != CHAIN or args.chain:
            model, x = make()
            failed |= not bench(workload, model.to(device), x.to(device), args.repeat)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
