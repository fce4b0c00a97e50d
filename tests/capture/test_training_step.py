"""A whole training step inside `ng.record()`: the graph is the model's, not the optimizer's."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable

import pytest
import torch
from torch import nn

import nngraph as ng

Optimizer = Callable[..., torch.optim.Optimizer]


def small_model() -> nn.Module:
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 1))


def ops(g: ng.Graph) -> Counter[str]:
    return Counter(d["op"] for _, d in g.nodes(data=True) if d["kind"] == "op")


def params(g: ng.Graph) -> dict[str, dict[str, float]]:
    return {d["name"]: d for _, d in g.nodes(data=True) if d["kind"] == "param"}


def forward_backward(model: nn.Module, x: torch.Tensor) -> ng.Graph:
    with ng.record() as rec:
        model(x).pow(2).mean().backward()
    return rec.graph


@pytest.mark.parametrize(
    "make_optimizer",
    [
        lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9),
        lambda p: torch.optim.Adam(p, lr=0.1),
        lambda p: torch.optim.AdamW(p, lr=0.1, foreach=True),
    ],
    ids=["sgd", "adam", "adamw-foreach"],
)
def test_an_optimizer_step_adds_nothing_to_the_graph(make_optimizer: Optimizer) -> None:
    model, x = small_model(), torch.randn(5, 4)
    expected = forward_backward(model, x)
    model.zero_grad(set_to_none=True)
    before = {k: v.clone() for k, v in model.state_dict().items()}
    opt = make_optimizer(model.parameters())
    with ng.record() as rec:
        loss = model(x).pow(2).mean()
        loss.backward()
        opt.step()
        opt.zero_grad()
    g = rec.graph
    assert ops(g) == ops(expected)
    assert g.number_of_nodes() == expected.number_of_nodes()
    assert [d["shape"] for _, d in g.nodes(data=True) if d["kind"] == "input"] == [[5, 4]]
    assert [d["shape"] for _, d in g.nodes(data=True) if d["kind"] == "output"] == [[]]
    # the step did run: the weights moved
    assert not torch.equal(model[0].weight, before["0.weight"])
    # each parameter shows the value the forward used and the gradient the backward sent,
    # although step() then changed the one and zero_grad() dropped the other
    for name, d in params(g).items():
        assert d["value"]["mean"] == pytest.approx(before[name].mean().item(), abs=1e-6)
        assert d["grad"] == pytest.approx(params(expected)[name]["grad"], abs=1e-6)


def test_a_closure_given_to_step_is_recorded() -> None:
    model, x = small_model(), torch.randn(5, 4)
    opt = torch.optim.LBFGS(model.parameters(), max_iter=1)

    def closure() -> torch.Tensor:
        opt.zero_grad()
        loss = model(x).pow(2).mean()
        loss.backward()
        return loss

    with ng.record() as rec:
        opt.step(closure)
    g = rec.graph
    assert ops(g) == ops(forward_backward(small_model(), x))
    assert g.graph["backward_passes"] == 1
    assert all(d["grad"] is not None for d in params(g).values())


def test_recording_goes_on_after_a_step() -> None:
    model, x = small_model(), torch.randn(5, 4)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    with ng.record() as rec:
        model(x).sum().backward()
        opt.step()
        y = model(x) * 2
    assert ops(rec.graph)["mul"] == 1
    assert y.shape == (5, 1)


def test_recording_goes_on_after_a_step_that_raised() -> None:
    model, x = small_model(), torch.randn(5, 4)
    opt = torch.optim.LBFGS(model.parameters())
    with ng.record() as rec:
        with pytest.raises(TypeError):
            opt.step()  # LBFGS needs a closure
        model(x).pow(2).mean().backward()
    assert ops(rec.graph) == ops(forward_backward(small_model(), x))


def test_gradients_zeroed_in_place_inside_the_block_show_what_backward_computed() -> None:
    model, x = small_model(), torch.randn(5, 4)
    expected = forward_backward(model, x)
    model.zero_grad(set_to_none=True)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    with ng.record() as rec:
        model(x).pow(2).mean().backward()
        opt.step()
        opt.zero_grad(set_to_none=False)  # the pre-2.0 default: .grad zeroed in place
    assert ops(rec.graph) == ops(expected)  # zeroing gradients is bookkeeping, not an op
    for name, d in params(rec.graph).items():
        assert d["grad"] == pytest.approx(params(expected)[name]["grad"], abs=1e-6)
    assert all(float(p.grad.abs().sum()) == 0 for p in model.parameters())  # it did run


def test_a_hand_written_update_that_zeroes_the_gradient() -> None:
    torch.manual_seed(0)
    x, y = torch.randn(16, 2), torch.randn(16, 1)
    w = torch.randn(2, 1, requires_grad=True)
    with ng.record() as rec:
        loss = ((x @ w - y) ** 2).mean()
        loss.backward()
        expected = w.grad.norm().item()
        with torch.no_grad():
            w -= 0.1 * w.grad
        w.grad.zero_()
    (node,) = [d for _, d in rec.graph.nodes(data=True) if d["name"] == "w"]
    assert node["grad"]["norm"] == pytest.approx(expected)
    assert "zero_" not in ops(rec.graph)


def test_accumulated_gradients_set_to_none_show_what_the_optimizer_used() -> None:
    model, x = small_model(), torch.randn(8, 4)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    with ng.record() as rec:
        for part in x.split(2):  # gradient accumulation over four micro-batches
            model(part).pow(2).mean().backward()
        used = {name: p.grad.norm().item() for name, p in model.named_parameters()}
        opt.step()
        opt.zero_grad()  # set_to_none=True
    for name, d in params(rec.graph).items():
        assert d["grad"]["norm"] == pytest.approx(used[name], rel=1e-5)


def test_initialising_and_clipping_are_not_part_of_the_graph() -> None:
    def build() -> nn.Module:
        torch.manual_seed(0)
        model = small_model()
        for layer in (model[0], model[2]):
            nn.init.xavier_uniform_(layer.weight)
            nn.init.zeros_(layer.bias)
        return model

    x = torch.randn(5, 4)
    expected = forward_backward(build(), x)
    with ng.record() as rec:
        model = build()
        model(x).pow(2).mean().backward()
        nn.utils.clip_grad_norm_(model.parameters(), max_norm=1e-3)
    assert ops(rec.graph) == ops(expected)
    assert [d["shape"] for _, d in rec.graph.nodes(data=True) if d["kind"] == "input"] == [[5, 4]]
    for name, d in params(rec.graph).items():  # the values the forward used, the unclipped grad
        assert d["value"] == pytest.approx(params(expected)[name]["value"], abs=1e-6)
        assert d["grad"] == pytest.approx(params(expected)[name]["grad"], abs=1e-6)


class ClipsItsWeightsInForward(nn.Module):
    """A WGAN critic that clips its own weights at the start of each forward, under no_grad,
    through the parameter or a view of it."""

    def __init__(self, how: str) -> None:
        super().__init__()
        self.how, self.fc = how, nn.Linear(3, 3)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        w = self.fc.weight
        with torch.no_grad():
            if self.how == "clamp":
                w.clamp_(-0.1, 0.1)
            elif self.how == "row":
                w[0].zero_()
            else:
                w.diagonal().fill_(1.0)
        return self.fc(x)


@pytest.mark.parametrize("how", ["clamp", "row", "diagonal"])
def test_weights_a_forward_clips_under_no_grad_show_the_values_the_layer_used(how: str) -> None:
    """Sweep s41 (zoo, finding 2): the clip was drawn as ops (`getitem`, `clamp_`) and the
    weight's node showed its values from before it, not those the layer computed with."""
    torch.manual_seed(0)
    model, x = ClipsItsWeightsInForward(how), torch.randn(4, 3)
    g = ng.trace(model, x, loss=lambda y: y.sum())
    model(x)  # clips, as in the trace; trace() put the weights back before that
    plain = ng.trace(nn.Linear(3, 3), x, loss=lambda y: y.sum())
    assert ops(g) == ops(plain)  # no `getitem`, `clamp_`, `diagonal` or `fill_`
    (weight,) = [d for _, d in g.nodes(data=True) if d["name"] == "fc.weight"]
    used = model.fc.weight.detach()
    assert weight["value"]["mean"] == pytest.approx(float(used.mean()), abs=1e-7)
    assert weight["value"]["max"] == pytest.approx(float(used.max()), abs=1e-7)


class EmaCodebook(nn.Module):
    """A VQ-VAE layer whose codebook (frozen) follows its encodings by an EMA in forward."""

    def __init__(self) -> None:
        super().__init__()
        self.enc = nn.Linear(4, 3)
        self.code = nn.Parameter(torch.randn(5, 3), requires_grad=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        z = self.enc(x)
        idx = torch.cdist(z, self.code).argmin(1)
        q = self.code[idx]
        with torch.no_grad():
            onehot = nn.functional.one_hot(idx, 5).float()
            self.code.mul_(0.9).add_(0.1 * (onehot.t() @ z))
        return (z - q).pow(2).mean()


def test_an_ema_codebook_updated_in_forward_is_left_out_without_an_error() -> None:
    """Regression review s41 (rg, finding 4): a KeyError at the end of the recording."""
    torch.manual_seed(0)
    g = ng.trace(EmaCodebook(), torch.randn(6, 4), loss=lambda loss: loss)
    assert {"cdist", "linear", "getitem"} <= set(ops(g)) and "one_hot" not in ops(g)


class NormalisesACopyOfItsRows(nn.Module):
    """Writes under no_grad into `emb[i]`, a copy (indexing by a tensor), not into the weight."""

    def __init__(self) -> None:
        super().__init__()
        self.emb = nn.Parameter(torch.randn(10, 4))

    def forward(self, i: torch.Tensor) -> torch.Tensor:
        with torch.no_grad():
            rows = self.emb[i]
            rows.div_(rows.norm(dim=1, keepdim=True))
        return (self.emb[i] * rows).sum(1)


def test_a_write_into_a_copy_of_a_weight_stays_in_the_graph() -> None:
    """Regression review s41 (rg, finding 5): taken for a weight update, the division was
    left out, and the next op read the copy's values from before it."""
    torch.manual_seed(0)
    model = NormalisesACopyOfItsRows()
    g = ng.trace(model, torch.tensor([1, 2, 3]))
    assert ops(g)["div_"] == 1
    (mul,) = [n for n, d in g.nodes(data=True) if d["op"] == "mul"]
    read = sorted(g.nodes[p]["value"]["max"] for p in g.pred[mul])
    rows = model.emb.detach()[[1, 2, 3]]
    unit = rows / rows.norm(dim=1, keepdim=True)
    assert read == pytest.approx(sorted([float(rows.max()), float(unit.max())]), abs=1e-6)


class SizedByADummyForward(nn.Module):
    """A tutorial CNN: `__init__` runs its convolution once to size the linear layer."""

    def __init__(self, grad: bool = False) -> None:
        super().__init__()
        self.conv = nn.Sequential(nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2))
        with torch.set_grad_enabled(grad):  # many tutorials run it with autograd on
            width = self.conv(torch.zeros(2, 1, 6, 6)).flatten(1).shape[1]
        self.fc = nn.Linear(width, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc(self.conv(x).flatten(1))


class BuildsALayerInForward(nn.Module):
    """An Embedding with a padding row (zeroed in `__init__`) and a layer built in `forward`,
    whose run is part of the computation."""

    def __init__(self) -> None:
        super().__init__()
        self.emb = nn.Embedding(10, 4, padding_idx=0)

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        return nn.Linear(4, 1)(self.emb(tokens).mean(1))


def _initialised() -> nn.Module:
    def init(layer: nn.Module) -> None:  # the DCGAN tutorial's way, by `model.apply`
        if isinstance(layer, nn.Linear | nn.BatchNorm1d):
            layer.weight.data.normal_(1.0, 0.02)
            layer.bias.data.fill_(0)

    model = nn.Sequential(nn.Linear(4, 3), nn.BatchNorm1d(3), nn.ReLU(), nn.Linear(3, 1))
    model.apply(init)
    for layer in model.modules():  # a whole model initialised again, layer by layer
        if isinstance(layer, nn.BatchNorm1d):
            layer.reset_running_stats()
    return model.double()


@pytest.mark.parametrize(
    ("build", "x"),
    [
        (lambda: nn.Sequential(nn.Linear(4, 3), nn.BatchNorm1d(3), nn.ReLU(), nn.Linear(3, 1)),
         torch.randn(8, 4)),
        (BuildsALayerInForward, torch.tensor([[0, 3, 4], [5, 0, 0]])),
        (_initialised, torch.randn(8, 4, dtype=torch.float64)),
    ],
    ids=["batchnorm", "embedding-padding", "apply-reset-double"],
)  # fmt: skip
def test_building_a_model_in_the_block_adds_nothing_to_the_graph(
    build: Callable[[], nn.Module], x: torch.Tensor
) -> None:
    """A notebook cell that defines a model and trains it: the ops that build the model
    (BatchNorm's `running_mean.zero_()`, the padding row's `fill_(0)`, a dummy forward) drew
    nodes feeding the computation where its parameters and buffers belong."""

    def nodes(g: ng.Graph) -> Counter[tuple[object, ...]]:
        return Counter(
            (d["kind"], d["op"], str(d["shape"]), d.get("label"), d["module"])
            for _, d in g.nodes(data=True)
        )

    torch.manual_seed(0)
    expected = forward_backward(build(), x)
    with ng.record() as rec:
        torch.manual_seed(0)
        model = build()
        model(x).pow(2).mean().backward()
    assert nodes(rec.graph) == nodes(expected)
    buffers = {name for name, _ in model.named_buffers() if "running" in name}
    kinds = {d.get("name"): d["kind"] for _, d in rec.graph.nodes(data=True)}
    assert {kinds.get(name) for name in buffers} <= {"buffer"}
    assert "linear" in ops(rec.graph)


@pytest.mark.parametrize("grad", [False, True])
def test_a_dummy_forward_in_init_adds_no_op_to_the_graph(grad: bool) -> None:
    """Also where it runs with autograd on, and what reads its result (`.flatten(1)`): it was
    recorded, with a false `dead` finding (regression sweep s30, a6)."""
    x = torch.randn(3, 1, 6, 6)
    torch.manual_seed(0)
    expected = forward_backward(SizedByADummyForward(grad), x)
    with ng.record() as rec:
        torch.manual_seed(0)
        model = SizedByADummyForward(grad)
        model(x).pow(2).mean().backward()
    assert ops(rec.graph) == ops(expected)
    kinds = Counter(d["kind"] for _, d in rec.graph.nodes(data=True))
    assert kinds == Counter(d["kind"] for _, d in expected.nodes(data=True))


def test_saving_and_setting_a_gpus_random_state_is_not_part_of_the_graph() -> None:
    # Activation checkpointing does this on a GPU, to replay dropout in its recomputation;
    # torch.cuda.set_rng_state copies the state first, on any machine (the rest waits for CUDA)
    model, x = small_model(), torch.randn(5, 4)
    expected = forward_backward(model, x)
    with ng.record(model) as rec:
        torch.cuda.set_rng_state(torch.get_rng_state())
        model(x).pow(2).mean().backward()
    assert ops(rec.graph) == ops(expected)
    assert {d["dtype"] for _, d in rec.graph.nodes(data=True)} == {"float32"}


def test_a_monitor_logging_in_the_block_adds_nothing_to_the_graph() -> None:
    model, x = small_model(), torch.randn(5, 4)
    mon = ng.Monitor(model=model, display=False)

    def epoch(log: bool) -> ng.Graph:
        with ng.record() as rec:
            loss = model(x).pow(2).mean()
            loss.backward()
            with torch.no_grad():
                val_loss = model(x).pow(2).mean()
            if log:  # tensors: fetched to the host, and the best weights copied
                mon.log(1, loss=loss, val_loss=val_loss)
                watch = ng.GradientWatch(model, monitor=mon)
                watch.step()
                watch.close()
        return rec.graph

    assert ops(epoch(log=True)) == ops(epoch(log=False))
    assert mon.best is not None and mon.best.epoch == 1


def test_graph_of_and_a_graphs_own_methods_in_the_block_add_nothing_to_the_graph() -> None:
    # `%nngraph loss` inside a `%%nngraph` cell: graph_of's statistics (a
    # `flatten_dense_tensors` of the tensors it read) were recorded as the user's op
    from nngraph.capture import stats_of

    model, x = small_model(), torch.randn(5, 4)

    def step(look: bool) -> ng.Graph:
        with ng.record() as rec:
            loss = model(x).pow(2).mean()
            if look:
                g = ng.graph_of(loss)
                g.summary(), g.health(), g.collapse(depth=1), g.to_json()
                g.show().close()
                stats_of(loss)
            loss.backward()
            if look:
                ng.graph_of(loss, params=model).summary()
        return rec.graph

    def nodes(g: ng.Graph) -> Counter[tuple[object, ...]]:
        return Counter(
            (d["kind"], d["op"], str(d["shape"]), d.get("label"), d["module"])
            for _, d in g.nodes(data=True)
        )

    assert nodes(step(look=True)) == nodes(step(look=False))


def test_a_tensor_made_and_initialised_in_the_block_shows_the_values_used() -> None:
    x = torch.randn(4, 3)
    with ng.record() as rec:
        w = torch.full((3, 3), 7.0)
        nn.init.zeros_(w)  # not recorded, yet it changes what the matmul reads
        y = x @ w
    assert float(y.abs().sum()) == 0
    (made,) = [d for _, d in rec.graph.nodes(data=True) if d["kind"] == "constant"]
    assert (made["label"], made["value"]["mean"]) == ("w", 0.0)


def test_a_hand_written_update_and_a_gradient_norm_add_nothing_to_the_graph() -> None:
    torch.manual_seed(0)
    x, y = torch.randn(16, 2), torch.randn(16, 1)
    w, b = torch.randn(2, 1, requires_grad=True), torch.zeros(1, requires_grad=True)
    start = w.detach().clone()
    with ng.record() as rec:
        loss = ((x @ w + b - y) ** 2).mean()
        loss.backward()
        norm = w.grad.norm()  # for a log line
        with torch.no_grad():  # the update of the lecture's linear regression
            w -= 0.1 * w.grad
            b.sub_(b.grad, alpha=0.1)
        w.grad.zero_()
        b.grad = None
    g = rec.graph
    assert ops(g) == Counter({"matmul": 1, "add": 1, "sub": 1, "pow": 1, "mean": 1})
    inputs = {d["label"]: d for _, d in g.nodes(data=True) if d["kind"] == "input"}
    assert sorted(inputs) == ["b", "w", "x", "y"]
    assert inputs["w"]["value"]["mean"] == pytest.approx(float(start.mean()))  # before the step
    assert inputs["w"]["grad"]["norm"] == pytest.approx(float(norm))
    assert not torch.equal(w.detach(), start)  # the update did run


def test_an_update_with_the_gradients_autograd_grad_returns_adds_nothing_to_the_graph() -> None:
    # the functional lesson's step: as `p -= lr * p.grad`, which is left out above
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.Tanh(), torch.nn.Linear(3, 1))
    x, y = torch.randn(6, 4), torch.randn(6, 1)
    with ng.record(model) as rec:
        loss = torch.nn.functional.mse_loss(model(x), y)
        grads = torch.autograd.grad(loss, list(model.parameters()))
        with torch.no_grad():
            for p, grad in zip(model.parameters(), grads, strict=True):
                p -= 0.1 * grad
    g = rec.graph
    assert ops(g) == Counter({"linear": 4, "tanh": 1, "mse_loss": 1})  # linear: addmm and t
    assert sorted(d["label"] for _, d in g.nodes(data=True) if d["kind"] == "input") == ["x", "y"]
    weight = next(d for _, d in g.nodes(data=True) if d["name"] == "0.weight")
    assert weight["grad"]["norm"] == pytest.approx(float(grads[0].norm()))


def test_gradients_made_with_create_graph_are_part_of_the_computation() -> None:
    w = torch.randn(3, requires_grad=True)
    with ng.record() as rec, pytest.warns(UserWarning, match="reference cycle"):
        (w**3).sum().backward(create_graph=True)
        penalty = w.grad.pow(2).sum()  # a gradient penalty: differentiable, so recorded
    assert penalty.grad_fn is not None
    calls = {d["call"]: d["op"] for _, d in rec.graph.nodes(data=True) if d["call"] is not None}
    assert sorted(calls.values()) == ["pow", "pow", "sum", "sum"]
    assert "penalty" in [d["label"] for _, d in rec.graph.nodes(data=True)]


Pairs = torch.utils.data.Dataset[tuple[torch.Tensor, torch.Tensor]]


class Squares(Pairs):
    """A student's own dataset: its `__getitem__` runs torch ops too."""

    def __len__(self) -> int:
        return 10

    def __getitem__(self, i: int) -> tuple[torch.Tensor, torch.Tensor]:
        x = torch.full((3,), float(i))
        return x, x.pow(2).sum().reshape(1)


@pytest.mark.parametrize(
    "dataset",
    [Squares(), torch.utils.data.TensorDataset(torch.randn(10, 3), torch.randn(10, 1))],
    ids=["own", "tensors"],
)
def test_a_data_loader_fetching_the_batch_adds_nothing_to_the_graph(
    dataset: Pairs,
) -> None:
    torch.manual_seed(0)
    model = nn.Linear(3, 1)
    loader = torch.utils.data.DataLoader(dataset, batch_size=4, shuffle=True)
    with ng.record() as rec:
        for xb, yb in loader:
            nn.functional.mse_loss(model(xb), yb).backward()
            break
    g = rec.graph
    assert ops(g) == Counter({"linear": 2, "mse_loss": 1})  # linear: addmm and the weight's t
    assert sorted(d["label"] for _, d in g.nodes(data=True) if d["kind"] == "input") == [
        "xb",
        "yb",
    ]
    assert torch.utils.data.dataloader._BaseDataLoaderIter.__next__.__module__ == (
        "torch.utils.data.dataloader"
    )  # put back


class _Waits(torch.utils.data.Dataset[torch.Tensor]):
    """A dataset whose items wait for `go`: a loader fetching one is inside `__next__`."""

    def __init__(self) -> None:
        self.fetching, self.go = threading.Event(), threading.Event()

    def __len__(self) -> int:
        return 100

    def __getitem__(self, i: int) -> torch.Tensor:
        self.fetching.set()
        self.go.wait(timeout=30)
        return torch.zeros(3)


def test_a_data_loader_fetching_in_another_thread_leaves_the_recording_whole() -> None:
    """Another thread's loader paused this thread's recording: whole blocks were missing
    (sweep s33 X, finding 2)."""
    dataset = _Waits()
    loader = iter(torch.utils.data.DataLoader(dataset, batch_size=2))
    fetcher = threading.Thread(target=next, args=(loader,))
    model = nn.Sequential(nn.Linear(3, 3), nn.Tanh(), nn.Linear(3, 1))
    with ng.record() as rec:
        fetcher.start()
        try:
            assert dataset.fetching.wait(timeout=30)
            model(torch.randn(4, 3)).sum().backward()
        finally:
            dataset.go.set()
            fetcher.join()
    assert ops(rec.graph) == Counter({"linear": 4, "tanh": 1, "sum": 1})


def test_a_forward_on_a_batch_made_from_a_gradient_is_recorded() -> None:
    # FGSM adversarial training: the second forward runs on `x + eps * x.grad.sign()`
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 3))
    x, y = torch.randn(6, 4, requires_grad=True), torch.randint(0, 3, (6,))
    with ng.record(model) as rec:
        torch.nn.functional.cross_entropy(model(x), y).backward()
        x_adv = (x + 0.1 * x.grad.sign()).detach()
        model.zero_grad()
        loss_adv = torch.nn.functional.cross_entropy(model(x_adv), y)
        loss_adv.backward()
    g = rec.graph
    linear_calls = {d["call"] for _, d in g.nodes(data=True) if d["op"] == "linear"}
    assert len(linear_calls) == 4  # two layers, two forward passes
    assert "loss_adv" in [g.nodes[n]["label"] for n in g.graph["outputs"]]
    (weight,) = [d for _, d in g.nodes(data=True) if d["name"] == "0.weight"]
    assert weight["grad"]["norm"] == pytest.approx(float(model[0].weight.grad.norm()))


def test_a_first_order_meta_learning_step_is_part_of_the_computation() -> None:
    torch.manual_seed(0)
    w, x, y = torch.randn(3, 1, requires_grad=True), torch.randn(5, 3), torch.randn(5, 1)
    with ng.record() as rec:
        torch.nn.functional.mse_loss(x @ w, y).backward()
        fast = w - 0.1 * w.grad  # tracked: the outer loss's gradient reaches w through it
        outer = torch.nn.functional.mse_loss(x @ fast, y)
        outer.backward()
    g = rec.graph
    assert ops(g) == Counter({"matmul": 2, "mse_loss": 2, "sub": 1})
    assert "outer" in [g.nodes[n]["label"] for n in g.graph["outputs"]]


def test_a_mixed_precision_step_shows_the_gradients_the_optimizer_uses() -> None:
    """`GradScaler` multiplies the loss by 65,536 so that float16 gradients do not underflow,
    and `unscale_()` divides them back before the step: the parameters show the divided
    ones, so that neither the numbers nor `health()` describe a step that never happens."""
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(16, 32), nn.ReLU(), nn.Linear(32, 4))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    scaler = torch.amp.GradScaler("cpu")
    x, y = torch.randn(64, 16), torch.randn(64, 4) * 10
    with ng.record(model) as rec:
        optimizer.zero_grad()
        with torch.autocast("cpu", dtype=torch.bfloat16):
            loss = nn.functional.mse_loss(model(x).float(), y)
        scaler.scale(loss).backward()
        scaler.unscale_(optimizer)
        used = {name: float(p.grad.norm()) for name, p in model.named_parameters()}
        scaler.step(optimizer)
        scaler.update()
    g = rec.graph
    shown = {d["name"]: d["grad"]["norm"] for _, d in g.nodes(data=True) if d["kind"] == "param"}
    assert shown == pytest.approx(used, rel=1e-5)
    assert "exploding" not in {f["kind"] for f in g.health()}


class _Attention(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.qkv, self.out = nn.Linear(16, 48), nn.Linear(16, 16)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        q, k, v = self.qkv(x).chunk(3, dim=-1)
        return self.out(nn.functional.scaled_dot_product_attention(q, k, v, is_causal=True))


def test_trace_in_an_autocast_block_runs_its_backward_outside_autocast() -> None:
    """`with torch.autocast(...): ng.trace(...)` showed the gradients of a backward run inside
    autocast, which differ from those of PyTorch's mixed-precision recipe (sweep H)."""
    torch.manual_seed(0)
    model, x = _Attention(), torch.randn(2, 8, 16)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        loss = model(x).float().pow(2).mean()
    loss.backward()  # the recipe: the forward in autocast, the backward outside it
    used = {name: float(p.grad.double().mean()) for name, p in model.named_parameters()}
    model.zero_grad(set_to_none=True)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        g = ng.trace(model, x, loss=lambda y: y.float().pow(2).mean())
        assert torch.is_autocast_enabled("cpu")  # the caller's block is as it was
    shown = {d["name"]: d["grad"]["mean"] for _, d in g.nodes(data=True) if d["kind"] == "param"}
    assert shown == pytest.approx(used, rel=1e-6, abs=1e-12)


@pytest.mark.parametrize("unscale_first", [True, False], ids=["unscale_", "step-unscales"])
def test_a_grad_scalers_own_bookkeeping_adds_nothing_to_the_graph(unscale_first: bool) -> None:
    """`scaler.unscale_()` and `scaler.update()` added a reciprocal of the scale, checks for
    infinities, a new scale and an extra output to the step's graph (sweep 20a); `scale()`'s
    multiplication, which the backward runs through, stays."""
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(8, 16), nn.GELU(), nn.Linear(16, 3))
    x, y = torch.randn(6, 8), torch.randint(0, 3, (6,))
    with ng.record(model) as rec:
        nn.functional.cross_entropy(model(x), y).backward()
    plain = rec.graph
    model.zero_grad(set_to_none=True)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    scaler = torch.amp.GradScaler("cpu", init_scale=1024.0)
    methods = [torch.amp.GradScaler.unscale_, torch.amp.GradScaler.update]
    with ng.record(model) as rec:
        optimizer.zero_grad()
        scaler.scale(nn.functional.cross_entropy(model(x), y)).backward()
        if unscale_first:
            scaler.unscale_(optimizer)
        scaler.step(optimizer)  # unscales the gradients itself when unscale_() did not
        used = {name: float(p.grad.norm()) for name, p in model.named_parameters()}
        scaler.update()
    g = rec.graph
    assert ops(g) == ops(plain) + Counter({"to": 1, "mul": 1})  # the loss times the scale
    (output,) = g.graph["outputs"]
    assert [g.nodes[p]["op"] for p in g.predecessors(output)] == ["mul"]
    assert "Input shape(s): [6, 8], [6]   Output shape(s): []" in g.summary()
    shown = {d["name"]: d["grad"]["norm"] for _, d in g.nodes(data=True) if d["kind"] == "param"}
    assert shown == pytest.approx(used, rel=1e-5)
    assert scaler.get_scale() == 1024.0  # the scaler did its work: no infinities, scale kept
    assert [torch.amp.GradScaler.unscale_, torch.amp.GradScaler.update] == methods


class _FastWeights(nn.Module):
    """MAML's adapted layer: its weights are computed in `__init__` from the gradients."""

    def __init__(self, base: nn.Linear, grads: tuple[torch.Tensor, ...], lr: float = 0.1) -> None:
        super().__init__()
        self.w, self.b = base.weight - lr * grads[0], base.bias - lr * grads[1]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return nn.functional.linear(x, self.w, self.b)


def test_computation_in_a_modules_init_is_recorded_where_it_has_autograd_history() -> None:
    """Only building without autograd history is left out: MAML's fast weights made in
    `__init__` lost their `sub` and `mul`, and their autograd nodes took the next op's name
    (regression sweep s30, a2)."""
    torch.manual_seed(0)
    base, x, y = nn.Linear(4, 2), torch.randn(6, 4), torch.randn(6, 2)
    with ng.record() as rec:
        inner = nn.functional.mse_loss(base(x), y)
        grads = torch.autograd.grad(inner, [base.weight, base.bias], create_graph=True)
        nn.functional.mse_loss(_FastWeights(base, grads)(x), y).backward()
    data = rec.graph.nodes(data=True)
    assert ops(rec.graph)["sub"] == 2 and ops(rec.graph)["mul"] == 2
    assert all(d["value"] is not None for _, d in data if d["op"] in ("sub", "mul"))
    backward = {d["op"]: d.get("backward") for _, d in data if d.get("backward") == "SubBackward0"}
    assert backward == {"sub": "SubBackward0"}  # not named after the next recorded op


class _ChecksItself(nn.Module):
    """A model that records (and traces) itself when it is built."""

    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Linear(4, 2)
        x = torch.randn(5, 4)
        with ng.record(self) as rec:
            self(x).pow(2).mean().backward()
        self.recorded = rec.graph
        self.traced = ng.trace(self, x, loss=lambda y: y.pow(2).mean())

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.relu(self.fc(x))


def test_a_recording_inside_a_modules_init_records_as_any_other() -> None:
    """Only what runs inside the recording counts as building: a block or a trace() inside
    `__init__` recorded nothing, and warned that its forward ran before the block
    (regression sweep s30, a3/a5)."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = _ChecksItself()
    x = torch.randn(5, 4)
    with ng.record(model) as rec:
        model(x).pow(2).mean().backward()
    for g in (model.recorded, model.traced):
        assert ops(g) == ops(rec.graph) and g.graph["backward_passes"] == 1
        weight = next(d for _, d in g.nodes(data=True) if d.get("name") == "fc.weight")
        assert weight["grad"] is not None


def test_a_write_through_data_into_a_sparse_weight_is_left_out_as_an_update() -> None:
    """Regression review s41 (rg2, finding 5): a sparse tensor has no plain storage to tell a
    copy by, and `p.data.mul_(0.5)` became an op of the graph."""
    weight = nn.Parameter(torch.eye(4).to_sparse())
    x = torch.randn(6, 4)
    with ng.record() as rec:
        torch.sparse.mm(weight, x.t()).sum().backward()
        weight.data.mul_(0.5)
    assert "mul_" not in ops(rec.graph)
