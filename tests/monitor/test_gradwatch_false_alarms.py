"""GradientWatch on healthy runs (sweep 24a): a norm large only because of the loss's scale is no
explosion, a deep GELU/SiLU MLP at PyTorch's default init is no vanishing gradient, and a layer
that hovers at a line is said once, not each time it crosses it again."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import torch
from torch import nn
from torch.nn import functional as F

from nngraph import datasets, i18n
from nngraph.monitor import GradientWatch


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    i18n.set_language("en")
    yield
    i18n.set_language("en")


def relu_mlp(din: int, width: int, dout: int) -> nn.Sequential:
    return nn.Sequential(
        nn.Linear(din, width), nn.ReLU(), nn.Linear(width, width), nn.ReLU(), nn.Linear(width, dout)
    )


# ------------------------------------------------------ 1. exploding: a growth, not a level


def test_a_norm_large_only_because_of_the_losss_scale_is_no_explosion() -> None:
    """Regression on raw targets ~250 (kelvins, prices): norms above 1,000 for many steps of a
    smooth run, which got 10 "exploding" events in 400 steps."""
    torch.manual_seed(4)
    x = torch.randn(512, 8)
    y = (x @ torch.randn(8, 1)) * 30 + 250
    net = relu_mlp(8, 64, 1)
    opt = torch.optim.Adam(net.parameters(), lr=1e-2)
    gw = GradientWatch(net, optimizer=opt)
    generator = torch.Generator().manual_seed(0)
    for _ in range(150):
        i = torch.randint(0, 512, (64,), generator=generator)
        opt.zero_grad()
        F.mse_loss(net(x[i]), y[i]).backward()
        opt.step()
    assert max(gw.series["0"].max_value, gw.series["4"].max_value) > 1e3  # above the limit
    assert gw.events == []


def raw_target_regression(scale: float, shift: float, steps: int) -> GradientWatch:
    """A healthy regression (Adam, PyTorch's default init) on raw targets around ``shift``."""
    torch.manual_seed(0)
    net = relu_mlp(8, 64, 1)
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    gw = GradientWatch(net, optimizer=opt)
    w = torch.randn(8, 1)
    for _ in range(steps):
        x = torch.randn(64, 8)
        opt.zero_grad()
        F.mse_loss(net(x), (x @ w / 8**0.5) * scale + shift).backward()
        opt.step()
    gw.close()
    return gw


def test_a_norm_above_the_limit_from_the_first_step_on_is_no_explosion() -> None:
    """Targets ~1,000: every norm of the output layer is above the limit from the first step
    (2.7e3 to 7.1e3); no level rule can tell it from a too-large initialisation, whose norms
    (sweep 25, h9) span 2 (tanh, CE) to 2e6, while raw house prices give 5e5."""
    gw = raw_target_regression(300.0, 1000.0, steps=30)
    assert gw.history("4")[1].min() > 1e3
    assert gw.events == []


def test_a_huge_first_norm_from_raw_targets_names_the_losss_scale() -> None:
    """House prices in dollars (~1e6): a first norm of 2.7e6, said at step 1, whose words name
    the targets too, not only the initialisation and the inputs."""
    events = raw_target_regression(4e5, 1e6, steps=3).events
    assert [(e.step, e.message_id, e.values["layer"]) for e in events] == [
        (1, "grad.exploding", "2"),
        (1, "grad.exploding", "4"),
    ]
    for event in events:
        assert "regression targets in the thousands or more: standardise them" in event.message


def test_a_blow_up_is_said_at_the_step_it_starts() -> None:
    """One step at a learning rate 10,000 times too large (sweep 24a, `sick_dead.py`): said
    at the next step, whose norms are 20,000 times the usual ones, not 2 steps later."""
    digits = datasets.digits()
    torch.manual_seed(0)
    net = relu_mlp(64, 64, 10)
    opt = torch.optim.SGD(net.parameters(), lr=0.05)
    gw = GradientWatch(net, optimizer=opt)
    for step in range(1, 56):
        for group in opt.param_groups:
            group["lr"] = 500.0 if step == 50 else 0.05
        i = torch.randint(0, len(digits.x_train), (64,))
        opt.zero_grad()
        F.cross_entropy(net(digits.x_train[i]), digits.y_train[i]).backward()
        opt.step()
    (event, *_) = gw.events
    assert event.step == 51 and event.message_id.startswith("grad.exploding")
    assert event.values["times"] >= 1000 and "times their usual norms" in event.message
    assert "Lower the learning rate" in event.message


def test_a_steady_norm_set_by_hand_grows_into_an_explosion_only_when_it_grows() -> None:
    net = nn.Sequential(nn.Linear(2, 2), nn.Linear(2, 1))
    gw = GradientWatch(net, patience=1)
    for step in range(1, 13):
        value = 1e6 if step == 12 else 3e3  # norm 6e3 for 11 steps, then 2e6
        for layer in net:
            assert isinstance(layer, nn.Linear)
            layer.weight.grad = torch.full_like(layer.weight, value)
            layer.bias.grad = torch.zeros_like(layer.bias)
        gw.step()
    said = [(e.step, e.values["layer"], e.values["times"]) for e in gw.events]
    assert said == [(12, "0", 330), (12, "1", 330)]
    assert "above 1000 and 330 times its usual 6e+03" in gw.events[0].message


# ------------------------------------------- 2. the first-to-last rule on deep GELU/SiLU MLPs


@pytest.mark.parametrize(("act", "depth", "width"), [(nn.GELU, 10, 128), (nn.SiLU, 9, 64)])
def test_a_deep_gelu_or_silu_mlp_at_default_init_is_not_called_vanishing(
    act: type[nn.Module], depth: int, width: int
) -> None:
    """Sweep 24a's `fa_gelu10.py` and `fa_silu9.py`: they train fine (Adam), yet got "the first
    layers learn about 1,900 times slower" in their first steps."""
    digits = datasets.digits()
    for seed in range(4):  # fa_silu9.py's seed 3 was said
        torch.manual_seed(seed)
        layers: list[nn.Module] = []
        for k in range(depth - 1):
            layers += [nn.Linear(64 if k == 0 else width, width), act()]
        net = nn.Sequential(*layers, nn.Linear(width, 10))
        opt = torch.optim.Adam(net.parameters(), lr=1e-3)
        gw = GradientWatch(net, optimizer=opt)
        for _ in range(30):
            i = torch.randint(0, len(digits.x_train), (64,))
            opt.zero_grad()
            F.cross_entropy(net(digits.x_train[i]), digits.y_train[i]).backward()
            opt.step()
        assert gw.events == [], seed


@pytest.mark.parametrize(
    ("data", "act", "depth", "adam"),
    [("iris", nn.Tanh, 6, True), ("circles", nn.ReLU, 6, False), ("xor", nn.ReLU, 6, True),
     ("circles", nn.Tanh, 5, False), ("moons", nn.ReLU, 3, True)],
)  # fmt: skip
def test_shallow_healthy_nets_are_not_called_vanishing_at_their_higher_line(
    data: str, act: type[nn.Module], depth: int, adam: bool
) -> None:
    """Sweep 25h5's nearest to the shallow lines (1/500 up to 5 layers, 1/1,024 for 6): the
    6-layer tanh MLP on iris under Adam reaches 1/160 for 3 steps in a row, the others 1/50."""
    split = getattr(datasets, data)()
    for seed in range(3):
        torch.manual_seed(seed)
        layers: list[nn.Module] = [nn.Linear(split.x_train.shape[1], 16), act()]
        for _ in range(depth - 2):
            layers += [nn.Linear(16, 16), act()]
        net = nn.Sequential(*layers, nn.Linear(16, int(split.y_train.max()) + 1))
        params = net.parameters()
        opt = torch.optim.Adam(params, lr=1e-2) if adam else torch.optim.SGD(params, lr=0.1)
        with GradientWatch(net, optimizer=opt) as gw:
            for _ in range(30):
                i = torch.randint(0, len(split.x_train), (64,))
                opt.zero_grad()
                F.cross_entropy(net(split.x_train[i]), split.y_train[i]).backward()
                opt.step()
        assert gw.events == [], seed


def test_the_first_to_last_rule_reads_weights_not_the_heads_bias() -> None:
    """A classifier head's bias gradient is larger than its weight gradient at the start: it
    made the ratio 3 times smaller than the weights' (sweep 24a)."""
    net = nn.Sequential(nn.Linear(3, 3), nn.Tanh(), nn.Linear(3, 3), nn.Tanh(), nn.Linear(3, 2))
    gw = GradientWatch(net)
    grads = {0: (3e-4, 1e-7), 2: (1e-2, 1e-2), 4: (0.1, 0.3)}  # weight norm, bias norm
    for _ in range(5):
        for index, (weight, bias) in grads.items():
            layer = net[index]
            assert isinstance(layer, nn.Linear)
            layer.weight.grad = torch.zeros_like(layer.weight)
            layer.weight.grad[0, 0] = weight
            layer.bias.grad = torch.zeros_like(layer.bias)
            layer.bias.grad[0] = bias
        gw.step()
    assert gw.events == []  # weights: 3e-4 / 0.1 = 3e-3; with the bias 9.5e-4 (line: 2e-3)
    first = net[0]
    assert isinstance(first, nn.Linear) and first.weight.grad is not None
    first.weight.grad[0, 0] = 2e-5  # the weights at 2e-4 of the last's: said
    for _ in range(3):
        gw.step()
    (event,) = gw.events
    assert event.message_id == "grad.depth" and event.values["first_to_last"] == pytest.approx(2e-4)
    assert "about 5,000 times less gradient" in event.message and "weight-gradient" in event.message


def test_a_20_layer_tanh_mlp_is_still_said_to_learn_slower_in_its_first_layers() -> None:
    """Sweep 23e `s16_advice.py` (c)."""
    torch.manual_seed(0)
    x, y = torch.randn(128, 16), torch.randn(128, 1)
    torch.manual_seed(1)
    layers: list[nn.Module] = [nn.Linear(16, 64), nn.Tanh()]
    for _ in range(18):
        layers += [nn.Linear(64, 64), nn.Tanh()]
    net = nn.Sequential(*layers, nn.Linear(64, 1))
    opt = torch.optim.SGD(net.parameters(), lr=0.01)
    gw = GradientWatch(net, optimizer=opt)
    for _ in range(5):
        opt.zero_grad()
        F.mse_loss(net(x), y).backward()
        opt.step()
    (event,) = gw.events
    assert event.message_id == "grad.depth" and event.step == 3
    assert "The Tanh layers shrink the gradient" in event.message


class _Attention(nn.Module):
    def __init__(self, d: int) -> None:
        super().__init__()
        self.query, self.key, self.value, self.out = (nn.Linear(d, d) for _ in range(4))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        scores = self.query(x) @ self.key(x).transpose(1, 2) / x.shape[-1] ** 0.5
        return self.out(scores.softmax(-1) @ self.value(x))


class _Block(nn.Module):
    def __init__(self, d: int) -> None:
        super().__init__()
        self.attention, self.norm1 = _Attention(d), nn.LayerNorm(d)
        self.ff = nn.Sequential(nn.Linear(d, 4 * d), nn.GELU(), nn.Linear(4 * d, d))
        self.norm2 = nn.LayerNorm(d)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.norm1(x + self.attention(x))
        return self.norm2(x + self.ff(x))


class _Encoder(nn.Module):
    """A small BERT: embeddings, two post-norm blocks, a tanh pooler, BERT's initialisation."""

    def __init__(self, d: int = 32) -> None:
        super().__init__()
        self.embedding, self.norm = nn.Embedding(50, d), nn.LayerNorm(d)
        self.blocks = nn.Sequential(_Block(d), _Block(d))
        self.pool, self.classifier = nn.Linear(d, d), nn.Linear(d, 2)
        for m in self.modules():
            if isinstance(m, nn.Linear):
                nn.init.normal_(m.weight, std=0.02)
                nn.init.zeros_(m.bias)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        h = self.blocks(self.norm(self.embedding(ids)))
        return self.classifier(self.pool(h[:, 0]).tanh())


def test_an_attentions_query_projection_trained_first_is_no_vanishing_gradient() -> None:
    """Sweep L: a BERT with only its last layer, pooler and head unfrozen (and LoRA adapters on
    a frozen BERT) was said to learn 3,600 times slower in its first layer: the first layer
    trained there is an attention's query projection, whose gradient is small in any
    transformer at the start. The value projection beside it is the first layer read."""
    torch.manual_seed(0)
    model = _Encoder().requires_grad_(False)
    for part in (model.blocks[1], model.pool, model.classifier):
        part.requires_grad_(True)
    opt = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=1e-3)
    gw = GradientWatch(model, optimizer=opt)
    ids = torch.randint(0, 50, (16, 12))
    for _ in range(8):
        F.cross_entropy(model(ids), (ids == 7).any(1).long()).backward()
        opt.step()
        opt.zero_grad()
    assert gw.layers[0] == "blocks.1.attention.query" and "grad.depth" not in {
        e.message_id for e in gw.events
    }


@pytest.mark.parametrize("names", [("l0", "l1"), ("q", "k"), ("query", "key")])
def test_a_sigmoid_mlp_whose_layers_are_called_q_and_k_is_still_said_to_learn_slower(
    names: tuple[str, str],
) -> None:
    """RG-B: layers named like an attention's query and key projections, with no value
    projection beside them, are an MLP's first layers all the same."""
    torch.manual_seed(0)
    x, y = torch.randn(128, 16), torch.randn(128, 1)
    dims = [16, 64, 64, 64, 64, 64, 1]
    keys = [*names, "l2", "l3", "l4", "l5"]
    layers = nn.ModuleDict({k: nn.Linear(dims[i], dims[i + 1]) for i, k in enumerate(keys)})

    def forward(x: torch.Tensor) -> torch.Tensor:
        for layer in list(layers.values())[:-1]:
            x = torch.sigmoid(layer(x))
        return layers["l5"](x)

    opt = torch.optim.SGD(layers.parameters(), lr=0.01)
    gw = GradientWatch(layers, optimizer=opt)
    for _ in range(8):
        opt.zero_grad()
        F.mse_loss(forward(x), y).backward()
        opt.step()
    assert [e.message_id for e in gw.events] == ["grad.depth"] and gw.layers[0] == names[0]


@pytest.mark.parametrize("front", ["embedding", "backbone"])
def test_a_tanh_mlp_behind_frozen_layers_is_still_said_to_learn_slower(front: str) -> None:
    """Pretrained word vectors, or a pretrained backbone, kept frozen in front of a net trained
    from scratch (the 20-layer tanh MLP above): the net's own first layer is the first."""
    torch.manual_seed(1)
    layers: list[nn.Module] = [nn.Linear(16, 64), nn.Tanh()]
    for _ in range(18):
        layers += [nn.Linear(64, 64), nn.Tanh()]
    vectors = nn.Embedding(128, 16).requires_grad_(False)
    if front == "backbone":
        vectors = nn.Sequential(vectors, nn.Flatten(), nn.Linear(16, 16)).requires_grad_(False)
    net = nn.Sequential(vectors, nn.Flatten(), *layers, nn.Linear(64, 1))
    opt = torch.optim.SGD(net.parameters(), lr=0.01)
    gw = GradientWatch(net, optimizer=opt)
    words, y = torch.arange(128)[:, None], torch.randn(128, 1)
    for _ in range(5):
        opt.zero_grad()
        F.mse_loss(net(words), y).backward()
        opt.step()
    (event,) = gw.events
    assert event.message_id == "grad.depth" and gw.layers[0] == "2"


# ------------------------------------------------------------------ 3. said once, not again


def hovering(gw: GradientWatch, net: nn.Sequential, low: list[bool]) -> None:
    """Steps at which the first layer's norm is 1e-7 of the second's (``low``) or 1e-3."""
    for is_low in low:
        for layer, value in zip(net, (1e-7 if is_low else 1e-3, 1.0), strict=True):
            assert isinstance(layer, nn.Linear)
            layer.weight.grad = torch.full_like(layer.weight, value)
            layer.bias.grad = torch.full_like(layer.bias, value)
        gw.step()


def test_a_layer_hovering_at_the_line_is_said_once_and_again_only_after_a_long_calm() -> None:
    """A 12-layer tanh net's layer '8' was said 23 times in 200 steps: its norm hovers around
    1e-5 of the largest, and each dip after one step above was a new run (sweep 24a)."""
    net = nn.Sequential(nn.Linear(2, 2), nn.Linear(2, 1))
    gw = GradientWatch(net, patience=1)
    hovering(gw, net, [False, True] * 20)  # crosses the line 20 times
    assert [(e.step, e.message_id) for e in gw.events] == [(2, "grad.vanishing")]
    hovering(gw, net, [False] * 99 + [True])  # fine for 99 steps: still the same trouble
    assert len(gw.events) == 1
    hovering(gw, net, [False] * 100 + [True])  # fine for 100 steps in a row: a new one
    assert [e.step for e in gw.events] == [2, 241]


def test_an_explosion_said_once_is_not_said_again_at_each_spike() -> None:
    net = nn.Sequential(nn.Linear(2, 2), nn.Linear(2, 1))
    gw = GradientWatch(net, patience=1)
    for step in range(1, 41):
        value = 1e7 if step % 5 == 0 else 1.0  # a spike every 5 steps
        for layer in net:
            assert isinstance(layer, nn.Linear)
            layer.weight.grad = torch.full_like(layer.weight, value)
            layer.bias.grad = torch.zeros_like(layer.bias)
        gw.step()
    assert [(e.step, e.values["layer"]) for e in gw.events] == [(5, "0"), (5, "1")]
