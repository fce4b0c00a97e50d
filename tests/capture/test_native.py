"""The compiled one-pass statistics (`kernels/stats.c`): built by the install, and the same numbers as
numpy's passes, which stay the way for what the compiled ones leave to them."""

from __future__ import annotations

import ctypes
import importlib.util
import math
import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any

import numpy as np
import pytest
import torch

from nngraph.capture import _native, _reduce
from nngraph.capture._restore import _changed_on_cpu
from tests.capture.test_correctness import expected_stats

ROOT = Path(__file__).resolve().parents[2]
HAS_COMPILER = bool(shutil.which("cc") or shutil.which("gcc"))
needs_library = pytest.mark.skipif(not _native.available(), reason="no compiled statistics")


def _hatch_build() -> ModuleType:
    spec = importlib.util.spec_from_file_location("hatch_build", ROOT / "hatch_build.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _by_numpy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_native, "_library", None)


# -- the install builds it ---------------------------------------------------------------------


@pytest.mark.skipif(not HAS_COMPILER, reason="no C compiler: numpy does the statistics")
def test_an_install_with_a_c_compiler_uses_the_compiled_statistics() -> None:
    assert _native.LIBRARY.exists(), "pip install -e . should have run hatch_build.py"
    assert _native.available()


@pytest.mark.skipif(not HAS_COMPILER, reason="no C compiler")
def test_the_build_script_compiles_a_library_that_loads(tmp_path: Path) -> None:
    target = tmp_path / _native.LIBRARY.name
    assert _hatch_build().build(target) is None
    library = ctypes.CDLL(str(target))
    values = np.array([0.0, 3.0, -4.0, 0.0], dtype=np.float32)
    out = np.empty(5)
    library.nngraph_sums_f32.argtypes = [ctypes.c_void_p, ctypes.c_int64, ctypes.c_void_p]
    library.nngraph_sums_f32(values.ctypes.data, values.size, out.ctypes.data)
    assert out.tolist() == [-1.0, 25.0, -4.0, 3.0, 2.0]
    assert [p.name for p in tmp_path.iterdir()] == [target.name]  # no partial file left


def test_without_a_compiler_the_build_says_why_and_leaves_no_library(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CC", "no-such-cc")  # $CC is the compiler asked for
    target = tmp_path / "stats.so"
    target.write_bytes(b"an older build")  # would run instead of what the source says
    failure = _hatch_build().build(target)
    assert failure is not None and "no-such-cc" in failure
    assert not any(tmp_path.iterdir())


def _hook(shown: list[str]) -> Any:
    hook = _hatch_build().NativeStatsHook()  # hatchling's base class is not installed here
    hook.target_name, hook.app = "wheel", SimpleNamespace(display_warning=shown.append)
    return hook


@pytest.mark.skipif(not HAS_COMPILER, reason="no C compiler")
def test_a_wheel_carries_the_library_for_any_python_3_of_its_platform() -> None:
    shown: list[str] = []
    hook = _hook(shown)
    data: dict[str, Any] = {"force_include": {}, "pure_python": True}
    hook.initialize("standard", data)
    [(built, inside)] = data["force_include"].items()
    assert inside == "nngraph/capture/kernels/" + _native.LIBRARY.name
    assert data["pure_python"] is False and data["tag"].startswith("py3-none-")
    ctypes.CDLL(built)  # loads, libm included
    hook.finalize("standard", data, "nngraph.whl")
    assert not Path(built).exists() and not shown


def test_a_wheel_without_a_compiler_stays_pure_and_the_build_says_so(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CC", "no-such-cc")
    shown: list[str] = []
    hook = _hook(shown)
    data: dict[str, Any] = {"force_include": {}, "pure_python": True}
    hook.initialize("standard", data)
    hook.finalize("standard", data, "nngraph.whl")
    assert data == {"force_include": {}, "pure_python": True}
    assert len(shown) == 1 and "numpy" in shown[0] and "no-such-cc" in shown[0]


def test_nngraph_native_0_turns_the_library_off() -> None:
    code = "from nngraph.capture import _native; print(_native.available())"
    env = {**os.environ, "NNGRAPH_NATIVE": "0"}
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


# -- the same numbers as numpy's passes, and as float64 ----------------------------------------

CASES = {
    "randn, each size around the lanes and blocks": [
        torch.randn(n) for n in (1, 15, 16, 17, 1023, 1024, 1025, 8191, 8192, 8193, 100_003)
    ],
    "ReLU outputs, half zeros": [torch.relu(torch.randn(n)) for n in (7, 5000, 70_000)],
    "a spread of 5e-3 on values of 1e4": [1e4 + 5e-3 * torch.randn(n) for n in (900, 20_000)],
    "a mean far above the spread": [1e3 + torch.randn(n) for n in (64, 50_000)],
    "one value throughout": [torch.full((n,), 7.0) for n in (64, 20_000)],
    "one value a little off the rest": [
        torch.full((n,), 1.0).index_fill_(0, torch.tensor([0]), 1.01) for n in (300, 10_000)
    ],
    "all zeros, negative zeros": [torch.zeros(100), -torch.zeros(20_000)],
    "transposed and strided": [torch.randn(300, 200).t(), torch.randn(40_000)[::2]],
}


@pytest.mark.parametrize("case", list(CASES))
@needs_library
def test_compiled_and_numpy_statistics_agree_with_float64(
    case: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    tensors = CASES[case]
    numels = [t.numel() for t in tensors]
    compiled = _reduce.stats_of_group_cpu(tensors, numels)
    compiled_one = [_reduce.finish(_reduce.raw_cpu(t), t.numel()) for t in tensors]
    _by_numpy(monkeypatch)
    by_numpy = _reduce.stats_of_group_cpu(tensors, numels)
    for t, held, one, other in zip(tensors, compiled, compiled_one, by_numpy, strict=True):
        truth = expected_stats(t)
        scale = max(truth["std"], abs(truth["mean"]) * 1e-7, 1e-30)
        for stats in (held, one, other):
            assert stats is not None
            assert stats["min"] == truth["min"] and stats["max"] == truth["max"]
            assert stats["zero_frac"] == truth["zero_frac"]
            assert stats["nan"] == stats["inf"] == 0.0 and stats["numel"] == t.numel()
            assert math.isclose(stats["norm"], truth["norm"], rel_tol=1e-5)
            assert abs(stats["mean"] - truth["mean"]) <= 1e-5 * scale + 1e-6 * abs(truth["mean"])
            assert math.isclose(stats["std"], truth["std"], rel_tol=1e-4, abs_tol=1e-30)
        # held tensors are summed in float64 about their mean: float64's own digits
        assert held["mean"] == pytest.approx(truth["mean"], rel=1e-9, abs=1e-12 * scale)
        assert held["std"] == pytest.approx(truth["std"], rel=1e-9, abs=1e-12)


@pytest.mark.parametrize("odd", ["nan", "inf", "float64"])
@pytest.mark.parametrize("numel", [300, 20_000])
def test_values_the_compiled_sums_leave_to_numpy_are_counted_there(odd: str, numel: int) -> None:
    x = torch.randn(numel)
    if odd == "nan":
        x[3] = math.nan
    elif odd == "inf":
        x[3], x[4] = math.inf, -math.inf
    else:
        x = x.double()
    if x.dtype == torch.float32:
        assert _native.stats_f32([x]) is None  # numpy counts them (None without the library too)
    for stats in (
        _reduce.stats_of_group_cpu([x], [numel])[0],
        _reduce.finish(_reduce.raw_cpu(x), numel),
    ):
        assert stats is not None
        assert stats["nan"] == (1 if odd == "nan" else 0)
        assert stats["inf"] == (2 if odd == "inf" else 0)


@pytest.mark.parametrize("scale", [1e-30, 1e-20, 1e20, 1e30])
@pytest.mark.parametrize("numel", [300, 20_000])
def test_values_far_from_one_keep_their_statistics_either_way(
    scale: float, numel: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    x = torch.randn(numel) * scale
    truth = expected_stats(x)
    compiled = [
        _reduce.stats_of_group_cpu([x], [numel])[0],
        _reduce.finish(_reduce.raw_cpu(x), numel),
    ]
    _by_numpy(monkeypatch)
    by_numpy = [
        _reduce.stats_of_group_cpu([x], [numel])[0],
        _reduce.finish(_reduce.raw_cpu(x), numel),
    ]
    for stats in compiled + by_numpy:
        assert stats is not None
        for key in ("mean", "std", "norm"):
            assert stats[key] == pytest.approx(truth[key], rel=1e-4, abs=1e-4 * truth["std"]), key


@needs_library
def test_many_tensors_of_every_size_at_once_match_numpy(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(0)
    sizes = rng.integers(1, 8193, 300).tolist()
    tensors = [
        torch.randn(n) * float(s) + float(m)
        for n, s, m in zip(sizes, rng.exponential(1, 300), rng.normal(0, 5, 300), strict=True)
    ]
    compiled = _reduce.stats_of_group_cpu(tensors, sizes)
    _by_numpy(monkeypatch)
    by_numpy = _reduce.stats_of_group_cpu(tensors, sizes)
    for ours, theirs in zip(compiled, by_numpy, strict=True):
        assert ours is not None and theirs is not None
        for key, value in theirs.items():
            assert ours[key] == pytest.approx(value, rel=1e-9, abs=1e-12), key


@needs_library
def test_the_compiled_statistics_read_tensors_where_they_lie() -> None:
    base = torch.randn(64, 32)
    pieces = [base[:10], base[10:], base.t()]  # views: one storage, three tensors
    stats = _reduce.stats_of_group_cpu(pieces, [p.numel() for p in pieces])
    for piece, one in zip(pieces, stats, strict=True):
        assert one is not None
        assert one["mean"] == pytest.approx(expected_stats(piece)["mean"], abs=1e-12)
    assert base.shape == (64, 32)  # nothing written


# -- what a forward changed, for trace()'s put-back ---------------------------------------------


def _written_group() -> tuple[list[torch.Tensor], torch.Tensor, list[bool]]:
    """Tensors of every kind a model holds, their copy end to end, then writes into some."""
    group = [
        torch.randn(3, 4),
        torch.zeros(5),
        torch.full((2,), math.nan),
        torch.empty(0),
        torch.randn(70_000),  # above _FEW: numpy's path compares bits there too
        torch.randn(7),
    ]
    saved = torch._C._nn.flatten_dense_tensors(group).clone()
    group[1][2] = -0.0  # equal to 0.0, other bits: a write
    group[2][0] = math.nan  # the same NaN again: no change
    group[4][69_999] += 1.0
    group[5].copy_(group[5].clone())  # written with the values it had
    return group, saved, [False, True, False, False, True, False]


@needs_library
def test_changed_since_finds_the_tensors_a_forward_wrote_into() -> None:
    group, saved, written = _written_group()
    assert _native.changed_since(group, saved) == written
    assert _native.changed_since(group[5:], saved[-7:]) == [False]


@pytest.mark.parametrize("library", ["compiled", "numpy"])
def test_the_put_back_compares_exactly_what_a_forward_wrote(
    library: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if library == "numpy":
        _by_numpy(monkeypatch)
    group, saved, written = _written_group()
    sizes = [t.numel() for t in group]
    found = _changed_on_cpu(group, saved, sizes)
    assert [bool(f) for f in found] == written
    # a transposed tensor is not in its values' order in memory: numpy's path compares it
    transposed = [torch.randn(4, 3).t(), torch.randn(6)]
    copy = torch._C._nn.flatten_dense_tensors(transposed).clone()
    transposed[0][2, 1] += 1.0
    assert [bool(f) for f in _changed_on_cpu(transposed, copy, [12, 6])] == [True, False]
