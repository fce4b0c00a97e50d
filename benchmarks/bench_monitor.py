"""Monitor vs livelossplot, side by side in one run; prints times and ratios (no assertions).

    .venv/bin/python benchmarks/bench_monitor.py            # full run (10-15 minutes on 2 cores)
    .venv/bin/python benchmarks/bench_monitor.py --quick    # smaller sizes, for a smoke test

1. Python-side cost of one ``log()`` with 4 metrics, after 100 ... 100,000 logged points
   (target: under 1 ms and flat), next to livelossplot's ``update()`` + ``send()``.
2. Memory growth over 1,000,000 log() calls of 4 metrics (target: under 20 MB).
3. GradientWatch overhead on a ResNet-shaped CNN training step on CPU (target: under 10%),
   next to the hook-based alternative it replaced.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable

import torch

from nngraph.monitor import GradientWatch, Monitor

SIZES = [100, 1_000, 10_000, 100_000]


def metrics(i: int) -> dict[str, float]:
    return {
        "loss": 1.0 / (i + 1),
        "val_loss": 1.2 / (i + 1) + 1e-4 * i,
        "acc": 1 - 1.0 / (i + 2),
        "val_acc": 0.9 - 1e-6 * i,
    }


# ----------------------------------------------------------------------------- 1. log() cost


def monitor_log_cost(n: int, calls: int, *, listener: bool) -> float:
    """Seconds per log() once the run holds `n` points per metric."""
    mon = Monitor(display=False)
    if listener:
        mon.add_listener(lambda update: None)
    for i in range(n):
        mon.log(i + 1, **metrics(i))
    gc.collect()
    t0 = time.perf_counter()
    for i in range(n, n + calls):
        mon.log(i + 1, **metrics(i))
    return (time.perf_counter() - t0) / calls


def monitor_text_cost(n: int, calls: int) -> float:
    """The script default: text lines (to /dev/null), rate-limited."""
    with open(os.devnull, "w") as devnull:
        stdout, sys.stdout = sys.stdout, devnull
        try:
            mon = Monitor(display="text")
            for i in range(n):
                mon.log(i + 1, **metrics(i))
            t0 = time.perf_counter()
            for i in range(n, n + calls):
                mon.log(i + 1, **metrics(i))
            return (time.perf_counter() - t0) / calls
        finally:
            sys.stdout = stdout


def livelossplot_cost(n: int, sends: int) -> float | None:
    """Seconds per update()+send() of livelossplot (matplotlib, Agg) after `n` points."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        from livelossplot import PlotLosses
        from livelossplot.outputs import MatplotlibPlot
    except ImportError:
        return None
    plot = PlotLosses(outputs=[MatplotlibPlot()])
    for i in range(n):
        plot.update(metrics(i))
    times = []
    with open(os.devnull, "w") as devnull:
        stdout, sys.stdout = sys.stdout, devnull
        try:
            for i in range(n, n + sends):
                t0 = time.perf_counter()
                plot.update(metrics(i))
                plot.send()
                times.append(time.perf_counter() - t0)
        finally:
            sys.stdout = stdout
    plt.close("all")
    return statistics.median(times)


def bench_log(sizes: list[int], quick: bool) -> None:
    print("1. cost of one log() with 4 metrics (Python side)")
    head = (
        f"{'points':>8}  {'Monitor':>9}  {'+listener':>9}  {'text':>9}  {'livelossplot':>12}  ratio"
    )
    print(head)
    for n in sizes:
        calls = 2_000 if quick else 10_000
        plain = monitor_log_cost(n, calls, listener=False)
        listened = monitor_log_cost(n, calls, listener=True)
        text = monitor_text_cost(n, calls)
        llp = livelossplot_cost(n, 2 if n >= 10_000 else 5) if n <= 10_000 else None
        llp_s = "n/a" if llp is None else f"{llp * 1e3:9.1f} ms"
        ratio = "" if llp is None else f"{llp / plain:,.0f}x"
        print(
            f"{n:>8}  {plain * 1e6:6.1f} us  {listened * 1e6:6.1f} us  {text * 1e6:6.1f} us"
            f"  {llp_s:>12}  {ratio}"
        )
    print("   (livelossplot redraws every point each update: skipped beyond 10,000 points)\n")


# ----------------------------------------------------------------------------- 2. memory


def bench_memory(calls: int) -> None:
    print(f"2. memory growth over {calls:,} log() calls (4 metrics each: {4 * calls:,} points)")
    mon = Monitor(display=False)
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    for i in range(calls):
        mon.log(i + 1, **metrics(i))
    grown = tracemalloc.get_traced_memory()[0] - base
    tracemalloc.stop()
    kept = sum(len(s) for s in mon.series.values())
    print(f"   Monitor: {grown / 2**20:.2f} MB for {4 * calls:,} points ({kept:,} kept)")
    try:
        from livelossplot import PlotLosses
        from livelossplot.outputs import MatplotlibPlot
    except ImportError:
        return
    sample = min(calls, 100_000)
    plot = PlotLosses(outputs=[MatplotlibPlot()])
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    for i in range(sample):
        plot.update(metrics(i))
    grown_llp = tracemalloc.get_traced_memory()[0] - base
    tracemalloc.stop()
    per_point = grown_llp / (sample * 4)
    print(
        f"   livelossplot: {grown_llp / 2**20:.1f} MB for {sample * 4:,} points "
        f"({per_point:.0f} B/point, unbounded: ~{per_point * 4 * calls / 2**20:.0f} MB at "
        f"{4 * calls:,})\n"
    )


# ----------------------------------------------------------------------------- 3. GradientWatch


class Block(torch.nn.Module):
    def __init__(self, c_in: int, c_out: int, stride: int) -> None:
        super().__init__()
        self.conv1 = torch.nn.Conv2d(c_in, c_out, 3, stride, 1, bias=False)
        self.bn1 = torch.nn.BatchNorm2d(c_out)
        self.conv2 = torch.nn.Conv2d(c_out, c_out, 3, 1, 1, bias=False)
        self.bn2 = torch.nn.BatchNorm2d(c_out)
        self.skip = torch.nn.Sequential()
        if stride != 1 or c_in != c_out:
            self.skip = torch.nn.Sequential(
                torch.nn.Conv2d(c_in, c_out, 1, stride, bias=False), torch.nn.BatchNorm2d(c_out)
            )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = torch.relu(self.bn1(self.conv1(x)))
        return torch.relu(self.bn2(self.conv2(y)) + self.skip(x))


def resnet(width: int = 16) -> torch.nn.Module:
    """A ResNet-shaped CNN for 32x32 images: stem, 3 stages of 2 blocks, pool, classifier."""
    layers: list[torch.nn.Module] = [
        torch.nn.Conv2d(3, width, 3, 1, 1, bias=False),
        torch.nn.BatchNorm2d(width),
        torch.nn.ReLU(),
    ]
    c = width
    for i, out in enumerate([width, 2 * width, 4 * width]):
        layers += [Block(c, out, 1 if i == 0 else 2), Block(out, out, 1)]
        c = out
    layers += [torch.nn.AdaptiveAvgPool2d(1), torch.nn.Flatten(), torch.nn.Linear(c, 10)]
    return torch.nn.Sequential(*layers)


def bench_gradwatch(repeats: int, steps: int) -> None:
    torch.manual_seed(0)
    net = resnet()
    n_params = sum(p.numel() for p in net.parameters())
    opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9)
    x, y = torch.randn(32, 3, 32, 32), torch.randint(0, 10, (32,))

    def train_step(after_backward: Callable[[], object] | None) -> None:
        loss = torch.nn.functional.cross_entropy(net(x), y)
        opt.zero_grad(set_to_none=False)
        loss.backward()
        if after_backward is not None:
            after_backward()
        opt.step()

    # the hook-based alternative: a norm per parameter as its gradient is accumulated
    hooked: list[torch.Tensor] = []

    def with_hooks() -> Callable[[], None]:
        handles = [
            p.register_post_accumulate_grad_hook(lambda p: hooked.append(p.grad.norm()))
            for p in net.parameters()
        ]

        def collect() -> None:
            torch.stack(hooked).tolist()
            hooked.clear()

        collect.handles = handles  # type: ignore[attr-defined]
        return collect

    gw = GradientWatch(net)
    variants: dict[str, Callable[[], object] | None] = {"plain": None, "GradientWatch": gw.step}
    timings: dict[str, list[float]] = {k: [] for k in [*variants, "hooks"]}
    for _ in range(3):  # warm up
        train_step(None)
    for _ in range(repeats):  # interleaved, so both see the same machine load
        for name, fn in variants.items():
            t0 = time.perf_counter()
            for _ in range(steps):
                train_step(fn)
            timings[name].append((time.perf_counter() - t0) / steps)
        collect = with_hooks()
        t0 = time.perf_counter()
        for _ in range(steps):
            train_step(collect)
        timings["hooks"].append((time.perf_counter() - t0) / steps)
        for h in collect.handles:  # type: ignore[attr-defined]
            h.remove()
    plain = statistics.median(timings["plain"])
    print(
        f"3. GradientWatch on a ResNet-shaped CNN ({n_params:,} parameters, "
        f"{len(gw.layers)} layers, batch 32x3x32x32, CPU, {torch.get_num_threads()} threads)"
    )
    print(f"   plain training step       {plain * 1e3:7.1f} ms")
    for name in ("GradientWatch", "hooks"):
        t = statistics.median(timings[name])
        label = "+ GradientWatch.step()" if name == "GradientWatch" else "+ per-parameter hooks"
        print(f"   {label:<25} {t * 1e3:7.1f} ms  ({(t / plain - 1) * 100:+.1f}%)")
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes, for a smoke test")
    args = parser.parse_args()
    sizes = SIZES[:3] if args.quick else SIZES
    print(f"torch {torch.__version__}, {os.cpu_count()} CPUs\n")
    bench_log(sizes, args.quick)
    bench_memory(100_000 if args.quick else 1_000_000)
    bench_gradwatch(repeats=3 if args.quick else 7, steps=3 if args.quick else 5)


if __name__ == "__main__":
    main()
