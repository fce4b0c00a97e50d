"""Where `ng.trace`'s time goes: what PyTorch charges any recorder before it does any work.

    .venv/bin/python benchmarks/bench_capture_floor.py                  # every workload
    .venv/bin/python benchmarks/bench_capture_floor.py --only "small MLP"

For each workload of benchmarks/workloads.py one training step
(`model.zero_grad(set_to_none=True); loss_fn(model(x)).backward()`) is timed five ways, in turns
(one of each, then again), gc disabled, one torch thread; best of `--repeat`, as a ratio of the
plain step:

1. plain: the step alone;
2. + mode: inside a `TorchFunctionMode` that only calls the function (how `record()` sees ops);
3. + module hooks: also PyTorch's global forward pre/post hooks, doing nothing (how it knows
   which module runs);
4. + autograd hooks: also one prehook doing nothing on every autograd node before `backward()`
   (how it sees each gradient);
5. ng.trace: the real thing (every node, every statistic, the model put back).

Rows 2-4 are the floor that any recorder built on these PyTorch hooks pays; row 5 minus row 4 is
nngraph's own bookkeeping and statistics. This benchmark has no anchor: it explains the
`ng.trace` / plain ratio of bench_capture.py.
"""

from __future__ import annotations

import argparse
import gc
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import torch
from torch.nn.modules import module as nn_module
from torch.overrides import TorchFunctionMode
from workloads import WORKLOADS

import nngraph as ng


def loss_fn(y: torch.Tensor) -> torch.Tensor:
    return y.pow(2).mean()


class _PassThrough(TorchFunctionMode):
    def __torch_function__(self, func: Any, types: Any, args: Any = (), kwargs: Any = None) -> Any:
        return func(*args, **(kwargs or {}))


@contextmanager
def _module_hooks() -> Iterator[None]:
    handles = [
        nn_module.register_module_forward_pre_hook(lambda module, args: None),
        nn_module.register_module_forward_hook(lambda m, a, out: None, always_call=True),
    ]
    try:
        yield
    finally:
        for handle in handles:
            handle.remove()


def _hook_every_node(root: Any) -> list[Any]:
    """A do-nothing prehook on every autograd node reachable from `root`."""
    handles, seen, stack = [], set(), [root]
    while stack:
        fn = stack.pop()
        if fn is None or fn in seen:
            continue
        seen.add(fn)
        handles.append(fn.register_prehook(lambda grad_outputs: None))
        stack += [next_fn for next_fn, _ in fn.next_functions]
    return handles


def steps(model: torch.nn.Module, x: torch.Tensor) -> dict[str, Callable[[], None]]:
    def plain() -> None:
        model.zero_grad(set_to_none=True)
        loss_fn(model(x)).backward()

    def mode() -> None:
        with _PassThrough():
            plain()

    def module_hooks() -> None:
        with _module_hooks(), _PassThrough():
            plain()

    def autograd_hooks() -> None:
        model.zero_grad(set_to_none=True)
        with _module_hooks(), _PassThrough():
            loss = loss_fn(model(x))
            handles = _hook_every_node(loss.grad_fn)
            loss.backward()
        for handle in handles:
            handle.remove()

    def trace() -> None:
        ng.trace(model, x, loss=loss_fn)

    return {
        "plain step": plain,
        "+ pass-through TorchFunctionMode": mode,
        "+ global module hooks": module_hooks,
        "+ a prehook on every autograd node": autograd_hooks,
        "ng.trace (all of nngraph)": trace,
    }


def best_times(calls: dict[str, Callable[[], None]], repeat: int) -> dict[str, float]:
    best = dict.fromkeys(calls, float("inf"))
    for call in calls.values():  # warm-up
        call()
    for _ in range(repeat):
        for name, call in calls.items():
            start = time.perf_counter()
            call()
            best[name] = min(best[name], time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="one workload of benchmarks/workloads.py")
    parser.add_argument("--repeat", type=int, default=0, help="rounds (default: by workload)")
    args = parser.parse_args()
    torch.set_num_threads(1)
    gc.disable()
    for name, make in WORKLOADS.items():
        if args.only and name != args.only:
            continue
        model, x = make()
        repeat = args.repeat or (5 if "chain" in name else 30)
        best = best_times(steps(model, x), repeat)
        plain = best["plain step"]
        print(f"\n{name} (best of {repeat})")
        for row, seconds in best.items():
            print(f"  {row:38s} {seconds * 1e3:10.2f} ms  {seconds / plain:6.2f}x")


if __name__ == "__main__":
    main()
