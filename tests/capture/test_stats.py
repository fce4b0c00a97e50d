"""Value and gradient statistics: right numbers for every kind of tensor."""

from __future__ import annotations

import math
import warnings
import weakref
from typing import Any

import pytest
import torch

from nngraph.capture import _native, stats_of
from nngraph.capture._stats import SMALL


@pytest.fixture(autouse=True, params=["compiled", "numpy"])
def reduction(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test here runs with the compiled statistics (`nngraph/capture/kernels/stats.c`) and with numpy's."""
    if request.param == "numpy":
        monkeypatch.setattr(_native, "_library", None)
    elif not _native.available():
        pytest.skip("no compiled statistics")


@pytest.mark.parametrize("numel", [1, 7, SMALL, SMALL + 1, 100_000])
def test_statistics_match_torch(numel: int) -> None:
    x = torch.randn(numel) * 3 + 0.5
    x[::5] = 0.0
    stats = stats_of(x)
    assert stats is not None
    x64 = x.double()
    assert math.isclose(stats["mean"], x64.mean().item(), rel_tol=1e-4, abs_tol=1e-5)
    assert math.isclose(stats["std"], x64.std(correction=0).item(), rel_tol=1e-4, abs_tol=1e-5)
    assert stats["min"] == x.min().item() and stats["max"] == x.max().item()
    assert math.isclose(stats["norm"], x64.norm().item(), rel_tol=1e-5)
    assert math.isclose(stats["zero_frac"], (x == 0).double().mean().item())
    assert stats["numel"] == numel and stats["nan"] == 0 and stats["inf"] == 0


@pytest.mark.parametrize("numel", [10, 100_000])
def test_nan_and_inf_are_counted(numel: int) -> None:
    x = torch.randn(numel)
    x[1], x[2], x[3] = float("nan"), float("inf"), -float("inf")
    stats = stats_of(x)
    assert stats is not None and stats["nan"] == 1 and stats["inf"] == 2


@pytest.mark.parametrize("numel", [10, 100_000])
def test_zeros_are_counted_whatever_the_range(numel: int) -> None:
    positive = torch.rand(numel) + 0.5
    assert stats_of(positive)["zero_frac"] == 0.0  # type: ignore[index]
    negative_with_zeros = -torch.rand(numel)
    negative_with_zeros[:5] = 0.0
    assert stats_of(negative_with_zeros)["zero_frac"] == pytest.approx(5 / numel)  # type: ignore[index]
    nan_and_zeros = torch.ones(numel)
    nan_and_zeros[0], nan_and_zeros[1:4] = float("nan"), 0.0
    stats = stats_of(nan_and_zeros)
    assert (
        stats is not None and stats["nan"] == 1 and stats["zero_frac"] == pytest.approx(3 / numel)
    )


@pytest.mark.parametrize("numel", [10, 100_000])
def test_a_constant_tensor_has_zero_std(numel: int) -> None:
    stats = stats_of(torch.full((numel,), 5.0))
    assert stats is not None and stats["std"] == 0.0 and stats["mean"] == 5.0


def test_other_dtypes_layouts_and_shapes() -> None:
    assert stats_of(torch.tensor([True, False, False]))["mean"] == pytest.approx(1 / 3)  # type: ignore[index]
    assert stats_of(torch.arange(5))["max"] == 4.0  # type: ignore[index]
    assert stats_of(torch.ones(3, dtype=torch.float16))["norm"] == pytest.approx(3**0.5)  # type: ignore[index]
    assert stats_of(torch.tensor([3 + 4j]))["mean"] == 5.0  # type: ignore[index]
    assert stats_of(torch.randn(50, 40).t())["numel"] == 2000  # type: ignore[index]
    assert stats_of(torch.tensor(2.5))["mean"] == 2.5  # type: ignore[index]
    assert stats_of(torch.empty(0, 3)) is None


@pytest.mark.filterwarnings("ignore:Sparse CSR tensor support is in beta")
@pytest.mark.parametrize("layout", ["coo", "csr"])
def test_a_sparse_tensor_counts_as_the_dense_tensor_it_stands_for(layout: str) -> None:
    dense = torch.zeros(6, 5)
    dense[1, 2], dense[4, 0] = -3.0, 2.0
    sparse = dense.to_sparse() if layout == "coo" else dense.to_sparse_csr()
    assert stats_of(sparse) == stats_of(dense)
    assert stats_of(dense)["zero_frac"] == pytest.approx(28 / 30)  # type: ignore[index]


_VIEWS = {
    "transpose": lambda x: x.t(),
    "permute": lambda x: x.reshape(40, 50, 60).permute(2, 0, 1),
    "channels_last": lambda x: x.reshape(20, 10, 20, 30).to(memory_format=torch.channels_last),
    "every other column": lambda x: x[:, ::2],
    "expanded": lambda x: x[:1].expand(3000, -1),
}


@pytest.mark.parametrize("view", _VIEWS.values(), ids=_VIEWS.keys())
def test_a_large_tensor_in_another_memory_order_has_its_own_statistics(view: Any) -> None:
    base = torch.randn(2000, 60) * 2 + 1
    base[::7] = 0.0
    x = view(base)
    got, want = stats_of(x), stats_of(x.contiguous())
    assert got is not None and want is not None
    for key in ("mean", "std", "norm"):
        assert math.isclose(got[key], want[key], rel_tol=1e-6), key
    for key in ("min", "max", "zero_frac", "nan", "inf", "numel"):
        assert got[key] == want[key], key


def test_the_accelerator_path_agrees_with_the_cpu_path() -> None:
    from nngraph.capture._reduce import finish, raw, raw_cpu, raw_numbers

    def device_side(x: torch.Tensor) -> dict[str, float]:
        sums, counts = raw(x)
        return finish(raw_numbers(sums.tolist(), counts.tolist()), x.numel())

    x = torch.randn(SMALL * 3) * 2 - 1
    x[:7] = 0.0
    host_side = finish(raw_cpu(x), x.numel())
    for key, value in host_side.items():
        assert math.isclose(device_side(x)[key], value, rel_tol=1e-5, abs_tol=1e-6), key
    x[3], x[4] = float("nan"), float("-inf")
    assert (device_side(x)["nan"], device_side(x)["inf"]) == (1.0, 1.0)


def _batch_stats(tensors: list[torch.Tensor]) -> list[dict[str, float] | None]:
    from nngraph.capture._stats import StatsBatch

    batch = StatsBatch()
    targets: list[dict[str, Any]] = [{} for _ in tensors]
    for target, t in zip(targets, tensors, strict=True):
        batch.add(target, "stats", t)
    batch.flush()
    return [target["stats"] for target in targets]


def test_a_batch_split_into_many_groups_gives_each_tensor_its_own_numbers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("nngraph.capture._stats._GROUP", 100)
    tensors = [torch.randn(n) * n for n in (1, 60, 60, 99, 100, 101, 3, SMALL)]
    tensors[2][5] = float("nan")
    tensors[4][:10] = 0.0
    for got, t in zip(_batch_stats(tensors), tensors, strict=True):
        assert str(got) == str(stats_of(t))  # stats_of takes each alone; str: NaN == NaN
    assert got is not None and math.isclose(got["norm"], t.double().norm().item(), rel_tol=1e-6)


def test_relu_outputs_held_for_dead_units_are_counted_early_too(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A long recording of a ReLU net kept every ReLU output alive until the block ended."""
    import nngraph as ng

    monkeypatch.setattr("nngraph.capture._stats._HELD_LIMIT", 200)
    layer = torch.nn.Linear(6, 8)
    with torch.no_grad():
        layer.bias[:3] = -100.0  # three units dead, the others alive
        layer.bias[3:] = 100.0
    with ng.record() as rec:
        for _ in range(20):
            torch.relu(layer(torch.randn(4, 6)))
            stats = rec._recorder.builder.stats
            held = sum(t.numel() for g in stats._relu_outputs.values() for t in g.tensors)
            assert held <= 200
    dead = [d["dead"] for _, d in rec.graph.nodes(data=True) if d["op"] == "relu"]
    assert dead == [[3, 8]] * 20


def test_statistics_of_a_long_recording_are_taken_early_and_stay_right(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Past `_HELD_LIMIT` held elements, the held tensors are summarised at once, so a long
    recording does not keep every small tensor alive; an in-place change after that still
    leaves the values as they were when recorded."""
    import nngraph as ng

    monkeypatch.setattr("nngraph.capture._stats._HELD_LIMIT", 50)
    x = torch.randn(4, 6)
    with ng.record() as rec:
        dropped = [weakref.ref(x * (i + 1)) for i in range(8)]  # results the user did not keep
        assert sum(r() is not None for r in dropped) <= 2  # summarised already, not kept alive
        steps = [x * (i + 1) for i in range(8)]
        before = [s.clone() for s in steps]
        for s in steps:
            s.add_(100.0)
    values = [d["value"] for _, d in rec.graph.nodes(data=True) if d["op"] == "mul"]
    assert values[len(dropped) :] == [stats_of(b) for b in before]


def _large_residual_steps() -> list[Any]:
    """Every node's statistics of two training steps of a model whose large tensors share
    memory in every way: residual adds (one gradient passed to two inputs), views, transposes,
    in-place ops, a `.data` write, an optimizer step between two forwards."""
    import nngraph as ng

    torch.manual_seed(0)
    model = torch.nn.Sequential(
        torch.nn.Linear(96, 96),
        torch.nn.ReLU(inplace=True),
        torch.nn.TransformerEncoderLayer(96, 4, 128, dropout=0.0),  # autograd adds in place
    )
    x = torch.randn(128, 96)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    with ng.record(model) as rec:
        for _ in range(2):
            h = model(x)
            r = h + x  # the gradient into `add` flows on unchanged to both branches
            t = r.t().contiguous()
            v = t.view(64, 192).view(96, 128)
            v.mul_(2.0)
            model[0].weight.data.mul_(0.5)  # changes memory behind the weight's own version
            loss = (t.t() * r).sum() + r.t().sum() + v.sum() + h.sum()  # h: added in place
            scratch = x * 3.0
            del scratch  # its memory is free for the next tensor of its size
            loss = loss + (x * 4.0).sum()
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    return [(d["op"], d["value"], d["grad"]) for _, d in rec.graph.nodes(data=True)]


def test_reusing_the_numbers_of_unchanged_shared_memory_changes_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    reused = _large_residual_steps()
    monkeypatch.setattr("nngraph.capture._stats.dense_memory", lambda t: None)
    for (op, *got), (_, *want) in zip(reused, _large_residual_steps(), strict=True):
        for one, other in zip(got, want, strict=True):  # a transpose sums in another order
            assert (one is None) == (other is None), op
            for key in one or ():
                assert math.isclose(one[key], other[key], rel_tol=1e-6), (op, key)


def test_infinities_in_a_batch_are_counted_without_numpy_warnings() -> None:
    x = torch.tensor([1.0, float("inf"), -float("inf"), 0.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # +inf and -inf summed are NaN: counted, not warned about
        stats = stats_of(x)
    assert stats is not None and stats["inf"] == 2 and math.isnan(stats["mean"])


def truth(x: torch.Tensor) -> dict[str, float]:
    x64 = x.double()
    return {
        "mean": x64.mean().item(),
        "std": x64.std(correction=0).item(),
        "norm": x64.norm().item(),
    }


@pytest.mark.parametrize("scale", [1e20, 1e-25, 1e35])
@pytest.mark.parametrize("numel", [100, 100_000])
def test_float32_values_far_from_one_keep_their_statistics(scale: float, numel: int) -> None:
    """Above ~1e17 the float32 sum of squares overflowed (norm inf, with no Inf counted), below
    ~1e-19 it underflowed to 0 (sweep Z)."""
    torch.manual_seed(0)
    x = torch.randn(numel) * scale
    stats = stats_of(x)
    assert stats is not None and stats["inf"] == 0 and stats["zero_frac"] == 0
    for key, value in truth(x).items():
        assert math.isclose(stats[key], value, rel_tol=1e-5, abs_tol=1e-6 * scale), key


@pytest.mark.parametrize("numel", [100, 100_000])
def test_a_spread_far_below_the_values_size_is_still_seen(numel: int) -> None:
    """`E[x^2] - E[x]^2` cancelled to a std of 0 for a LayerNorm gain of ones after a small
    step (sweep Z); float64 values too."""
    torch.manual_seed(0)
    for x in (
        1 + 1e-4 * torch.randn(numel),
        100 + torch.randn(numel, dtype=torch.float64),
        1e4 + 5e-3 * torch.randn(numel),  # 1e-6 of the mean: gave 0 in small tensors (s38)
    ):
        stats = stats_of(x)
        assert stats is not None
        assert math.isclose(stats["std"], truth(x)["std"], rel_tol=1e-4)


def test_small_tensors_summarised_together_each_keep_their_spread() -> None:
    """Small tensors share one pass (`StatsBatch`): a segment summed again about its mean must
    be the right one, beside a constant and an ordinary tensor."""
    from nngraph.capture._stats import StatsBatch

    torch.manual_seed(0)
    tensors = [
        torch.randn(300),
        1e4 + 5e-3 * torch.randn(900),
        torch.full((64,), 7.0),
        -2e3 + 1e-3 * torch.randn(5),
        torch.randn(17),
    ]
    batch, nodes = StatsBatch(), [{} for _ in tensors]
    for node, tensor in zip(nodes, tensors, strict=True):
        batch.add(node, "value", tensor)
    batch.flush()
    for node, tensor in zip(nodes, tensors, strict=True):
        assert math.isclose(node["value"]["std"], truth(tensor)["std"], rel_tol=1e-4)
        assert node["value"]["mean"] == pytest.approx(truth(tensor)["mean"], rel=1e-9)


def test_a_tiny_gradient_is_tiny_not_exactly_zero() -> None:
    import nngraph as ng

    torch.manual_seed(0)
    layer = torch.nn.Linear(128, 128)  # 16,384 weights: the large-tensor path
    x = torch.randn(8, 128) * 1e-25  # the weight's gradient is the input times the output's
    g = ng.trace(layer, x, loss=lambda y: y.pow(2).mean())
    weight = next(d for _, d in g.nodes(data=True) if d["name"] == "weight")
    assert weight["grad"]["zero_frac"] == 0
    layer(x).pow(2).mean().backward()
    expected = layer.weight.grad.double().norm().item()
    assert math.isclose(weight["grad"]["norm"], expected, rel_tol=1e-5)
    assert [f["kind"] for f in g.health()] == ["vanishing"]
    assert "exactly zero" not in g.health()[0]["message"]


@pytest.mark.parametrize("numel", [100, 20_000])
def test_a_tensor_with_the_negative_bit_has_the_statistics_of_its_values(numel: int) -> None:
    x = torch.randn(numel) + 1.0
    stats = stats_of(torch._neg_view(x))  # reads as -x, its memory holds x
    assert stats is not None
    assert stats["mean"] == pytest.approx(-x.double().mean().item(), rel=1e-5)
    assert stats["min"] == -x.max().item() and stats["max"] == -x.min().item()


@pytest.mark.parametrize(
    "make",
    [
        lambda: 1e4 + 1e-3 * torch.randn(300, 300).t(),  # transposed: read in memory order
        lambda: 1e6 + 0.1 * torch.randn(1_000_000),
        lambda: torch.where(torch.rand(1_000_003) < 0.5, 0.9, 1.1),  # std a tenth of the RMS
        lambda: torch.where(torch.rand(262_144) < 0.5, 2.67e-7, 3.33e-7),
    ],
)
def test_a_large_tensor_with_a_small_spread_keeps_its_digits(make: Any) -> None:
    """A spread below the values' size is summed again about the mean, and the error of that
    mean is corrected for (regression review rg F3, F5: a std off by 37% and by 0.7%)."""
    torch.manual_seed(0)
    x = make()
    stats = stats_of(x)
    assert stats is not None
    assert stats["std"] == pytest.approx(truth(x)["std"], rel=1e-6)
    assert stats["mean"] == pytest.approx(truth(x)["mean"], rel=1e-9)


@pytest.mark.parametrize("layout", ["channels first", "features last", "transposed"])
def test_dead_units_of_a_large_relu_output_are_counted_where_it_lies(layout: str) -> None:
    """Above SMALL elements a ReLU output is counted at once; a unit NaN for one example is
    judged by the others, one NaN for every example is not called dead."""
    import nngraph as ng

    torch.manual_seed(0)
    units, dead = 16, [0, 5, 6, 15]
    if layout == "channels first":
        x = torch.randn(8, units, 12, 12)
        shift = torch.zeros(units)[None, :, None, None]
    else:
        x = torch.randn(8, 144, units)
        shift = torch.zeros(units)
    shift.view(-1)[dead] = -1e6
    x = x + shift
    x[0, ..., 1] = float("nan")  # one example's NaN, in every unit of the last dimension
    if layout == "channels first":
        x[:, 5] = float("nan")  # unit 5: NaN throughout, not known to be dead
    else:
        x[..., 5] = float("nan")
    assert x.numel() > SMALL
    with ng.record() as rec:
        out = torch.relu(x.transpose(0, 1) if layout == "transposed" else x)
    (relu,) = [d for _, d in rec.graph.nodes(data=True) if d["op"] == "relu"]
    assert out.shape[-1 if layout != "channels first" else 1] == units
    assert relu["dead"] == [len(dead) - 1, units]


@pytest.mark.parametrize("copies", [1, 3, 30])  # counted one by one, and stacked
@pytest.mark.parametrize("shape", [(3, 6), (3, 4, 6)])
def test_dead_units_of_small_relu_outputs_are_the_same_one_by_one_and_stacked(
    shape: tuple[int, ...], copies: int
) -> None:
    """A few small ReLU outputs of one shape are counted one by one, many stacked: the same
    counts, NaN judged as for a large output."""
    import nngraph as ng

    torch.manual_seed(0)
    units, dead = shape[-1], [0, 2, 5]
    x = torch.randn(shape)
    x[..., dead] = -1.0
    x[0, ..., 1] = float("nan")  # one example's NaN: judged by the others
    x[..., 2] = float("nan")  # NaN throughout: not known to be dead
    with ng.record() as rec:
        for _ in range(copies):
            torch.relu(x * 1)
    found = [d["dead"] for _, d in rec.graph.nodes(data=True) if d["op"] == "relu"]
    assert found == [[len(dead) - 1, units]] * copies


@pytest.mark.parametrize("features", [20, 200])  # a gradient of 160 and of 12,800 elements
def test_a_gradient_autograd_keeps_as_zeros_without_memory_is_summarised(features: int) -> None:
    """Review s40 (rg, repro_06): `torch.sgn` of a real tensor sends back a ZeroTensor (no
    memory, `data_ptr()` 0): the compiled sums crashed the process, numpy's raised."""
    import nngraph as ng

    class Signs(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.lin, self.head = torch.nn.Linear(features, features), torch.nn.Linear(features, 1)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return self.head(torch.sgn(self.lin(x)))

    torch.manual_seed(0)
    g = ng.trace(Signs(), torch.randn(8, features), loss=lambda out: out.pow(2).mean())
    (linear,) = [
        d
        for _, d in g.nodes(data=True)
        if d["backward"] == "AddmmBackward0" and d["module"] == "lin"
    ]
    grad = linear["grad"]
    assert grad is not None and grad["zero_frac"] == 1.0 and grad["norm"] == 0.0
    assert grad["numel"] == 8 * features
