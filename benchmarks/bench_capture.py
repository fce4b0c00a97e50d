"""Graph capture: nngraph next to torchviz, a plain training step and torchlens, in one run.

    .venv/bin/python benchmarks/bench_capture.py                    # all workloads (2-4 min)
    .venv/bin/python benchmarks/bench_capture.py --repeat 3 --only "small MLP"

Every workload of benchmarks/workloads.py is built once; all tools then run on that same model
and input, in this process. The calls compared with each other are timed in turns (torchviz,
graph_of, graph_of, torchviz, ...), so that load from other processes hits them alike: one
warm-up call each, then up to `--repeat` rounds (`time.perf_counter`, gc disabled while timing;
fewer rounds when they would pass `--budget` seconds). The table shows the best and the median
of each, and ratios of the best times (of the medians in parentheses).
torch runs on one thread by default (`--threads`): on a small shared machine two intra-op
threads fighting other processes made plain steps up to 10x slower from one run to the next.
One thread slows the plain step more than nngraph's Python-side work, so on an idle multi-core
machine the ng.trace / plain ratio would be somewhat higher.

1. Structure of an existing autograd graph, on the same loss after one
   `backward(retain_graph=True)`: torchviz `make_dot(loss, params=...)` vs
   `ng.graph_of(loss, params=model)` (and, for information, `stats=False`, the structure alone,
   and the call with numpy's statistics instead of the compiled ones of nngraph/capture/kernels/stats.c).
   torchviz recurses once per node, so the 5,000-block chain raises RecursionError at the default
   limit: that cell says so, and an extra row times torchviz again with the limit raised to
   100,000 in a thread with a 512 MiB stack. Target: graph_of <= 1.0x torchviz.
2. A training step: `model.zero_grad(set_to_none=True); loss_fn(model(x)).backward()` vs
   `ng.trace(model, x, loss=loss_fn)` (forward + backward + every statistic), also with numpy's
   statistics for information. Target: <= 3x.
3. torchlens 2.36: `tl.trace(model, x, capture=CaptureOptions(save_grads=True))` (every
   activation saved), then `trace.backward(loss_fn(output))` (every gradient saved): the same
   record as `ng.trace`. It runs after everything else, because it leaves torch's functions
   wrapped until `unwrap_torch()`. A run is stopped after `--torchlens-cap` seconds (SIGALRM);
   on the chain, where one run takes about a minute, the warm-up is a 5-block chain of the same
   layers and a single run is timed. Target: nngraph >= 10x faster.
4. The 5,000-block chain: `ng.trace` absolute (target: < 2 s) and `ng.graph_of`.
"""

from __future__ import annotations

import argparse
import gc
import importlib.metadata
import os
import platform
import signal
import statistics
import sys
import threading
import time
import warnings
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import FrameType
from typing import TypeVar

import torch
import torchlens as tl
from torch import nn
from torchlens.backends.torch.wrappers import unwrap_torch
from torchlens.options import CaptureOptions
from torchviz import make_dot
from workloads import WORKLOADS, chain

import nngraph as ng
from nngraph.capture import _native

CHAIN = "5,000-block chain"
NUMPY = "numpy statistics"
RAISED_LIMIT = 100_000
BIG_STACK = 512 * 2**20
Args = argparse.Namespace
T = TypeVar("T")


def loss_fn(y: torch.Tensor) -> torch.Tensor:
    return y.pow(2).mean()


# ----------------------------------------------------------------------------- timing


@dataclass
class Timing:
    """Seconds per call."""

    best: float
    median: float
    runs: int


class TooSlow(BaseException):
    """A single call ran past its cap (a BaseException, so no `except Exception` swallows it)."""


@contextmanager
def cap(seconds: float | None) -> Iterator[None]:
    """Raise TooSlow inside the block once it has run `seconds` (main thread only)."""
    if not seconds:
        yield
        return

    def stop(signum: int, frame: FrameType | None) -> None:
        raise TooSlow

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def measure(
    fns: Mapping[str, Callable[[], object]],
    repeat: int,
    budget: float,
    *,
    warm: bool = True,
    cap_s: float | None = None,
) -> dict[str, Timing]:
    """Time `fns` in turns (a, b, a, b, ...), so that load from other processes hits them alike.

    Each is called once to warm up; that call also sizes the rounds: up to `repeat`, fewer when
    they would take more than about `budget` seconds. With `warm=False` the caller has warmed
    up and exactly `repeat` rounds are timed. A call running past `cap_s` raises TooSlow.
    """
    runs = repeat
    if warm:
        start = time.perf_counter()
        for fn in fns.values():
            with cap(cap_s):
                fn()
        runs = max(1, min(repeat, int(budget / (time.perf_counter() - start))))
    times: dict[str, list[float]] = {name: [] for name in fns}
    gc.collect()
    gc.disable()
    try:
        for _ in range(runs):
            for name, fn in fns.items():
                with cap(cap_s):
                    start = time.perf_counter()
                    fn()
                    times[name].append(time.perf_counter() - start)
    finally:
        gc.enable()
    return {name: Timing(min(t), statistics.median(t), runs) for name, t in times.items()}


def in_big_stack(fn: Callable[[], T]) -> T:
    """Run `fn` in a thread with a 512 MiB stack and the recursion limit at 100,000."""
    result: list[T | BaseException] = []

    def target() -> None:
        limit = sys.getrecursionlimit()
        sys.setrecursionlimit(RAISED_LIMIT)
        try:
            result.append(fn())
        except BaseException as error:  # handed to the caller
            result.append(error)
        finally:
            sys.setrecursionlimit(limit)

    size = threading.stack_size(BIG_STACK)
    try:
        thread = threading.Thread(target=target)
        thread.start()
        thread.join()
    finally:
        threading.stack_size(size)
    (value,) = result
    if isinstance(value, BaseException):
        raise value
    return value


# ----------------------------------------------------------------------------- the table


@dataclass
class Row:
    what: str
    timing: Timing | None = None
    note: str = ""  # shown instead of the times: an error, a skip
    ratio: str = ""
    target: str = ""
    verdict: str = ""


@dataclass
class Result:
    workload: str
    rows: list[Row] = field(default_factory=list)
    by_name: dict[str, Timing | None] = field(default_factory=dict)

    def add(self, key: str, row: Row) -> Row:
        self.rows.append(row)
        self.by_name[key] = row.timing
        return row


def compare(row: Row, ours: Timing | None, theirs: Timing | None, limit: float = 1.0) -> None:
    """Fill `row` with ours/theirs (best and median) and PASS/MISS against `<= limit`."""
    if ours is None or theirs is None:
        row.ratio, row.verdict = "n/a", "n/a"
        return
    best, median = ours.best / theirs.best, ours.median / theirs.median
    row.ratio = f"{best:.2f}x ({median:.2f}x)"
    row.target = f"<= {limit:.1f}x"
    row.verdict = "PASS" if best <= limit else "MISS"


def ms(seconds: float) -> str:
    return f"{seconds * 1e3:,.1f}"


def print_table(results: list[Result]) -> None:
    header = (
        f"{'workload':<21} {'measurement':<44} {'best ms':>10} {'median ms':>10} {'runs':>4}  "
        f"{'ratio best (median)':<30} {'target':<9} result"
    )
    print(header)
    print("-" * len(header))
    for result in results:
        name = result.workload
        for row in result.rows:
            if row.timing is not None:
                cells = (
                    f"{ms(row.timing.best):>10} {ms(row.timing.median):>10} {row.timing.runs:>4}"
                )
            else:
                cells = f"{row.note:>26}"[:26]
            print(
                f"{name:<21} {row.what:<44} {cells}  {row.ratio:<30} {row.target:<9} {row.verdict}"
            )
            name = ""
        print()


# ----------------------------------------------------------------------------- the tools


def bench_graph_of(result: Result, model: nn.Module, x: torch.Tensor, args: Args) -> None:
    """torchviz vs ng.graph_of on one loss, after one backward(retain_graph=True)."""
    say(f"{result.workload}: ng.graph_of vs torchviz")
    model.zero_grad(set_to_none=True)
    loss = loss_fn(model(x))
    loss.backward(retain_graph=True)
    params = dict(model.named_parameters())
    fns: dict[str, Callable[[], object]] = {
        "torchviz": lambda: make_dot(loss, params=params),
        "graph_of": lambda: ng.graph_of(loss, params=model),
        "bare": lambda: ng.graph_of(loss, params=model, stats=False),
    }
    if _native.available():
        fns["numpy"] = by_numpy(lambda: ng.graph_of(loss, params=model))
    viz = Row("torchviz make_dot")
    try:
        make_dot(loss, params=params)
        times = measure(fns, args.repeat, args.budget)
    except RecursionError:
        result.add("torchviz_default", Row(viz.what, note="RecursionError"))
        viz = Row("(torchviz with raised recursion limit)")
        times = in_big_stack(lambda: measure(fns, args.repeat, args.budget))
    viz.timing = times["torchviz"]
    result.add("torchviz", viz)
    full, bare = times["graph_of"], times["bare"]
    compare(result.add("graph_of", Row("ng.graph_of(loss, params=model)", full)), full, viz.timing)
    row = result.add("graph_of_bare", Row("ng.graph_of(..., stats=False) [info]", bare))
    compare(row, bare, viz.timing)
    if "numpy" in times:
        row = result.add("graph_of_numpy", Row(f"ng.graph_of, {NUMPY} [info]", times["numpy"]))
        compare(row, times["numpy"], viz.timing)
    if result.workload == CHAIN:
        row = result.add("chain_graph_of", Row("chain: ng.graph_of absolute [info]", full))
        row.ratio = f"{full.best:.2f} s ({full.median:.2f} s)"
    model.zero_grad(set_to_none=True)


def bench_trace(result: Result, model: nn.Module, x: torch.Tensor, args: Args) -> None:
    """A plain training step vs ng.trace (forward + backward + every statistic)."""
    say(f"{result.workload}: ng.trace vs plain forward+backward")

    def plain() -> None:
        model.zero_grad(set_to_none=True)
        loss_fn(model(x)).backward()

    fns = {"plain": plain, "trace": lambda: ng.trace(model, x, loss=loss_fn)}
    if _native.available():
        fns["numpy"] = by_numpy(lambda: ng.trace(model, x, loss=loss_fn))
    times = measure(fns, args.repeat, args.budget)
    step, ours = times["plain"], times["trace"]
    result.add("plain", Row("plain forward+backward", step))
    compare(result.add("trace", Row("ng.trace(model, x, loss=...)", ours)), ours, step, 3.0)
    if "numpy" in times:
        row = result.add("trace_numpy", Row(f"ng.trace, {NUMPY} [info]", times["numpy"]))
        compare(row, times["numpy"], step, 3.0)
    if result.workload == CHAIN:
        row = result.add("chain_trace", Row("chain: ng.trace absolute", ours))
        row.ratio, row.target = f"{ours.best:.2f} s ({ours.median:.2f} s)", "< 2 s"
        row.verdict = "PASS" if ours.best < 2.0 else "MISS"


def by_numpy(fn: Callable[[], object]) -> Callable[[], object]:
    """`fn` with numpy's statistics instead of the compiled ones (see nngraph/capture/_native.py)."""

    def run() -> object:
        with _native.turned_off():
            return fn()

    return run


def torchlens_run(model: nn.Module, x: torch.Tensor) -> tuple[int, int]:
    """Forward with every activation saved, then backward with every gradient saved.

    Returns how many ops were recorded and how many of them got a gradient saved.
    """
    model.zero_grad(set_to_none=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "BatchNorm running stats updated in train mode"
        recorded = tl.trace(model, x, capture=CaptureOptions(save_grads=True))
        recorded.backward(loss_fn(recorded[recorded.output_layers[0]].out))
    return len(recorded.layer_list), recorded.num_saved_grad_layers


def bench_torchlens(result: Result, model: nn.Module, x: torch.Tensor, args: Args) -> None:
    """torchlens forward+backward with all activations and gradients saved, vs ng.trace."""
    say(f"{result.workload}: torchlens")
    counts: list[tuple[int, int]] = []
    models, warm = [model], True
    row = result.add("torchlens", Row("torchlens trace + backward, all saved"))
    ours = result.by_name["trace"]
    assert ours is not None
    row.target = ">= 10x"
    try:
        if result.workload == CHAIN:  # about a minute per run: warm up on 5 blocks, time one
            small, small_x = chain(5)
            models.append(small)
            torchlens_run(small, small_x)
            warm = False
        run = {"torchlens": lambda: counts.append(torchlens_run(model, x))}
        repeat = args.repeat if warm else 1
        timing = measure(run, repeat, args.budget, warm=warm, cap_s=args.torchlens_cap)["torchlens"]
        row.timing = result.by_name["torchlens"] = timing
        speedup = timing.best / ours.best
        row.ratio = f"speed-up {speedup:.1f}x ({timing.median / ours.median:.1f}x)"
        row.verdict = "PASS" if speedup >= 10 else "MISS"
        ops, grads = counts[-1]
        row.what = f"torchlens: {ops:,} ops, {grads:,} grads saved"
    except TooSlow:
        row.note = f"stopped after {args.torchlens_cap:g} s"
        speedup = args.torchlens_cap / ours.best
        row.ratio = f"speed-up > {speedup:.0f}x"
        row.verdict = "PASS" if speedup >= 10 else "n/a"
    except Exception as error:  # torchlens failed: report it, keep going
        row.note, row.ratio, row.verdict = f"failed: {type(error).__name__}", "", "n/a"
        say(f"  torchlens failed: {type(error).__name__}: {error}")
    finally:
        for module in models:
            try:
                tl.release_model(module)
            except Exception as error:  # a stopped capture may leave state behind
                say(f"  torchlens release_model: {type(error).__name__}: {error}")
        try:
            unwrap_torch()
        except Exception as error:
            say(f"  torchlens unwrap_torch: {type(error).__name__}: {error}")


# ----------------------------------------------------------------------------- main


def say(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def print_environment() -> None:
    versions = {name: importlib.metadata.version(name) for name in ("torchviz", "torchlens")}
    print(
        f"torch {torch.__version__}, torch threads {torch.get_num_threads()}, "
        f"CPU: {cpu_model()} ({os.cpu_count()} logical cores), Python {platform.python_version()}"
    )
    print(
        f"torchviz {versions['torchviz']}, torchlens {versions['torchlens']}, "
        f"nngraph {getattr(ng, '__version__', '?')}; load average at the end: "
        + ", ".join(f"{load:.1f}" for load in os.getloadavg())
    )
    built = "compiled (nngraph/capture/kernels/stats.c)" if _native.available() else "numpy only"
    print(f"nngraph's statistics: {built}; the [{NUMPY}] rows turn the compiled ones off")


def parse_args(argv: list[str] | None = None) -> Args:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per measurement")
    parser.add_argument("--only", choices=list(WORKLOADS), help="run one workload")
    parser.add_argument(
        "--budget", type=float, default=20.0, help="seconds of timed rounds per comparison, about"
    )
    parser.add_argument(
        "--threads", type=int, default=1, help="torch.set_num_threads; 0: torch's own default"
    )
    parser.add_argument(
        "--torchlens-cap", type=float, default=60.0, help="stop a torchlens run after this many s"
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    names = [args.only] if args.only else list(WORKLOADS)
    started = time.perf_counter()
    workloads: dict[str, tuple[nn.Module, torch.Tensor]] = {}
    results: list[Result] = []
    for name in names:
        model, x = workloads[name] = WORKLOADS[name]()
        result = Result(name)
        bench_graph_of(result, model, x, args)
        bench_trace(result, model, x, args)
        results.append(result)
    for result in results:  # torchlens last: its wrappers stay on torch until unwrap_torch()
        model, x = workloads[result.workload]
        bench_torchlens(result, model, x, args)

    print()
    print_environment()
    print(
        f"--repeat {args.repeat}, --budget {args.budget:g} s, loss = y.pow(2).mean(); "
        f"ratios are ours/theirs on best times (medians in parentheses)\n"
    )
    print_table(results)
    print(
        "The chain's graph_of ratios are against the raised-limit torchviz row. A torchlens run"
        f" stopped at --torchlens-cap {args.torchlens_cap:g} s gives a lower bound on the"
        f" speed-up.\ntotal wall time {time.perf_counter() - started:.0f} s"
    )


if __name__ == "__main__":
    main()
