"""health() says what to do, with honest numbers: remedies in the messages, the per-layer
figure without the output layer's fan-out, inputs far from standardised, and dead units
judged by how many samples the batch gives."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import torch
from torch import nn

import nngraph as ng
from tests.graph.conftest import Build, stats
from tests.graph.test_health import dead_graph, mlp_graph


def found(g: ng.Graph, kind: str) -> list[dict]:
    return [f for f in g.health() if f["kind"] == kind]


# -- remedies -----------------------------------------------------------------------------------


def test_vanishing_and_exploding_gradients_say_what_to_do():
    (vanishing,) = mlp_graph([0.2**k for k in range(5, -1, -1)]).health()
    assert "nn.init.kaiming_normal_" in vanishing["message"]
    assert "BatchNorm or LayerNorm" in vanishing["message"]
    assert "residual connections" in vanishing["message"]
    (exploding,) = mlp_graph([5.0**k for k in range(5, -1, -1)]).health()
    assert "clip_grad_norm_" in exploding["message"]
    assert "lower the learning rate" in exploding["message"]
    (huge,) = mlp_graph([1e6]).health()
    assert "clip_grad_norm_" in huge["message"]
    (tiny,) = mlp_graph([1e-10]).health()
    assert "kaiming_normal_" in tiny["message"] and "BatchNorm" in tiny["message"]


def test_dead_units_name_the_usual_causes_and_fixes():
    (dead,) = dead_graph([40, 64]).health()
    for words in ("learning rate", "negative bias", "default", "LeakyReLU", "kaiming_normal_"):
        assert words in dead["message"]
    torch.manual_seed(0)
    model = nn.Linear(4, 16)
    with torch.no_grad():
        model.bias.fill_(-100.0)
    x = torch.randn(64, 4)
    with ng.record() as rec:  # a functional ReLU: "the ReLU after ..."
        torch.relu(model(x)).sum().backward()
    (after,) = found(rec.graph, "dead")
    assert "LeakyReLU" in after["message"]


def _first_forward(fn: Callable[[torch.Tensor], torch.Tensor], x: torch.Tensor) -> dict:
    w = torch.ones(x.shape[-1], requires_grad=True)
    with ng.record() as rec:
        (fn(x * w)).sum().backward()
    return next(f for f in rec.graph.health() if f["where"] == "forward")


@pytest.mark.parametrize(
    ("fn", "x", "words"),
    [
        (torch.log, torch.tensor([0.0, 1.0]), "log(x + eps)"),
        (torch.sqrt, torch.tensor([-1.0, 1.0]), "sqrt(x + eps)"),
        (torch.exp, torch.tensor([1000.0, 1.0]), "logsumexp"),
        (lambda t: t / (t - t), torch.tensor([1.0, 2.0]), "check the denominator"),
    ],
    ids=["log", "sqrt", "exp", "div"],
)
def test_the_first_nan_or_infinity_says_what_to_do_about_its_op(
    fn: Callable[[torch.Tensor], torch.Tensor], x: torch.Tensor, words: str
):
    finding = _first_forward(fn, x)
    assert finding["kind"] in ("nan", "inf")
    assert words in finding["message"]


def test_a_nan_in_the_data_or_in_the_weights_says_where_to_look():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 1))
    x = torch.randn(8, 3)
    x[2, 1] = float("nan")
    (forward,) = [
        f for f in ng.trace(model, x, loss=lambda y: y.sum()).health() if f["where"] == "forward"
    ]
    assert "torch.isfinite(x)" in forward["message"]
    last = model[2]
    assert isinstance(last, nn.Linear)
    with torch.no_grad():
        last.weight[0, 0] = float("nan")
    (forward,) = [
        f
        for f in ng.trace(model, torch.randn(8, 3), loss=lambda y: y.sum()).health()
        if f["where"] == "forward"
    ]
    assert "an earlier training step broke them" in forward["message"]


def test_backward_findings_say_plainly_where_they_start_and_what_they_follow_from():
    # a NaN made in the forward pass: the backward one only follows from it
    torch.manual_seed(0)
    x = torch.tensor([[1.0, -1.0]])
    fc = nn.Linear(2, 2)
    with ng.record() as rec:
        fc(x.sqrt()).sum().backward()  # sqrt(-1) is NaN
    forward, backward = rec.graph.health()
    assert (forward["where"], backward["where"]) == ("forward", "backward")
    assert backward["message"].startswith("On the way back from the loss, the first gradient")
    assert "follows from the NaN above" in backward["message"]
    # no forward finding: the backward one says only where it starts, in plain words
    b = Build({})
    leaf = b.input([4], grad=stats(nan=1))
    a = b.op("mul", leaf, shape=[4], grad=stats(nan=1))
    b.output(a)
    (alone,) = b.g.health()
    assert alone["message"].startswith(
        "On the way back from the loss, the first gradient with NaN (not a number) appears at"
    )
    assert "follows" not in alone["message"] and "backward order" not in alone["message"]
    ng.set_language("pl")
    (alone,) = b.g.health()
    assert alone["message"].startswith("W drodze wstecz od straty pierwszy gradient")


# -- the per-layer figure -------------------------------------------------------------------------


def test_the_per_layer_figure_leaves_out_the_output_layers_fan_out():
    # each hidden step 5x; the 16 -> 1 output layer adds its 4x (sqrt 16) to the raw ratio
    rms = [1.0, 5.0, 25.0, 125.0, 625.0]
    rms = [r / 625.0 * 0.05 for r in rms] + [1.0]
    (finding,) = mlp_graph(rms, widths=[16] * 6 + [1]).health()
    assert finding["kind"] == "vanishing"
    assert finding["total"] == pytest.approx(1 / (0.2**4 * 0.05))  # 12,500x, as one checks
    assert finding["per_layer"] == pytest.approx(5.0)  # not 6.6x
    assert "shrink about 5.0 times per layer" in finding["message"]
    assert (
        "about 12,000 times smaller" in finding["message"] or "about 13,000" in finding["message"]
    )


def test_a_deep_sigmoid_nets_per_layer_figure_is_the_width_corrected_one():
    # the raw first/last ratio over 5 steps read 13.8x per layer: the 64 -> 1 output layer's
    # fan-out inflated it; the hidden steps are about 7x each
    torch.manual_seed(0)
    layers: list[nn.Module] = [nn.Linear(32, 64), nn.Sigmoid()]
    for _ in range(4):
        layers += [nn.Linear(64, 64), nn.Sigmoid()]
    model = nn.Sequential(*layers, nn.Linear(64, 1))
    g = ng.trace(model, torch.randn(64, 32), loss=lambda y: y.pow(2).mean())
    (finding,) = found(g, "vanishing")
    assert finding["per_layer"] == pytest.approx(finding["ratio"] ** (-1 / 5))
    assert finding["per_layer"] < 0.7 * finding["total"] ** (1 / 5)
    assert f"{finding['per_layer']:.1f} times per layer" in finding["message"]


def test_one_layer_before_the_last_is_not_called_the_first_layers():
    (vanishing,) = mlp_graph([1e-3, 1.0]).health()
    assert "so the first layer barely learns" in vanishing["message"]
    (exploding,) = mlp_graph([1e3, 1.0]).health()
    assert "so the first layer takes huge, unstable steps" in exploding["message"]
    (many,) = mlp_graph([0.2**k for k in range(5, -1, -1)]).health()
    assert "so the first layers barely learn" in many["message"]
    ng.set_language("pl")
    (vanishing,) = mlp_graph([1e-3, 1.0]).health()
    assert "Pierwsza warstwa prawie się nie uczy." in vanishing["message"]


def test_one_hop_has_no_per_layer_figure_beside_the_overall_one():
    # between two layers "shrink about 408 times per layer" (width-corrected) sat beside
    # "about 1,000 times smaller": two figures for one hop
    (vanishing,) = mlp_graph([1e-3, 1.0]).health()
    assert "per layer" not in vanishing["message"]
    assert "about 1,000 times smaller" in vanishing["message"]
    assert "nn.init.kaiming_normal_" in vanishing["message"]  # a feed-forward net's advice
    assert vanishing["per_layer"] == pytest.approx(1e3)  # the numbers stay in the finding
    (exploding,) = mlp_graph([1e3, 1.0]).health()
    assert "per layer" not in exploding["message"]
    assert "about 1,000 times larger" in exploding["message"]
    assert "clip_grad_norm_" in exploding["message"]
    ng.set_language("pl")
    (vanishing,) = mlp_graph([1e-3, 1.0]).health()
    assert "na warstwę" not in vanishing["message"]
    assert "około 1\xa0000 razy mniejszy" in vanishing["message"]


class LstmThenCell(nn.Module):
    """A 2-layer nn.LSTM, its last state carried on by an LSTMCell loop, then a Linear head."""

    def __init__(self) -> None:
        super().__init__()
        self.lstm, self.cell = nn.LSTM(4, 6, num_layers=2), nn.LSTMCell(6, 6)
        self.out = nn.Linear(6, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y, (h, c) = self.lstm(x)
        state = (h[-1], c[-1])
        for t in range(y.shape[0]):
            state = self.cell(y[t], state)
        return self.out(state[0])


def test_a_recurrent_layer_far_from_the_loss_gets_recurrent_advice():
    # it got "Use ReLU-family activations with nn.init.kaiming_normal_, add BatchNorm" and
    # "116 times per layer" beside "280 times" overall (a seed whose LSTM gets a gradient
    # 100 times below the head's in its input weights too, not only in weight_hh)
    torch.manual_seed(3)
    model, x, t = LstmThenCell(), torch.randn(5, 3, 4), torch.randn(3, 1)
    g = ng.trace(model, x, loss=lambda y: nn.functional.mse_loss(y, t))
    (vanishing,) = found(g, "vanishing")
    text = vanishing["message"]
    assert vanishing["module"] == "lstm" and vanishing["ratio"] < 0.01
    assert f"about {ng.i18n.times_text(vanishing['total'])} times smaller" in text
    assert "per layer" not in text
    assert "recurrent layer lstm (LSTM)" in text
    for advice in ("torch.optim.Adam", "shorter sequences", "LayerNorm"):
        assert advice in text
    assert "clip_grad_norm_" not in text  # clipping only ever shrinks a gradient
    assert "Use ReLU-family" not in text and "nn.init.kaiming_normal_" not in text
    assert "nn.LSTM or nn.GRU" not in text  # an LSTM is already the remedy for a plain RNN
    ng.set_language("pl")
    (vanishing,) = found(g, "vanishing")
    assert "warstwę rekurencyjną lstm (LSTM)" in vanishing["message"]
    assert "na warstwę" not in vanishing["message"]


@pytest.mark.parametrize(("module_type", "switch"), [("RNN", True), ("GRU", False)])
def test_a_plain_rnn_among_the_layers_is_told_to_become_an_lstm_or_gru(
    module_type: str, switch: bool
):
    g = mlp_graph([0.2**k for k in range(5, -1, -1)])
    g.graph["modules"]["fc0"]["type"] = module_type  # 5 hops, through a recurrent layer
    (vanishing,) = g.health()
    assert "per layer" not in vanishing["message"]
    assert f"recurrent layer fc0 ({module_type})" in vanishing["message"]
    assert ("nn.LSTM or nn.GRU" in vanishing["message"]) == switch
    assert "torch.optim.Adam" in vanishing["message"]
    assert "clip_grad_norm_" not in vanishing["message"]  # it helps gradients that explode


def test_values_grown_by_a_learning_rate_too_high_are_not_blamed_on_the_initialisation():
    torch.manual_seed(0)
    model = nn.Sequential(
        nn.Linear(10, 32), nn.ReLU(), nn.Linear(32, 32), nn.ReLU(), nn.Linear(32, 1)
    )
    x = torch.randn(256, 10)
    y = x.sum(1, keepdim=True)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
    for _ in range(5):
        optimizer.zero_grad()
        nn.functional.mse_loss(model(x), y).backward()
        optimizer.step()
    g = ng.trace(model, x[:64], loss=lambda out: nn.functional.mse_loss(out, y[:64]))
    (values,) = [f for f in found(g, "exploding") if f["where"] == "forward" and "factor" in f]
    assert "start too large" not in values["message"]
    assert "grown by a learning rate that is too high" in values["message"]


# -- inputs far from standardised ---------------------------------------------------------------


def _mlp(n_in: int = 3) -> nn.Sequential:
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(n_in, 16), nn.ReLU(), nn.Linear(16, 1))


def test_raw_inputs_in_the_hundreds_are_said_to_need_standardising():
    x = torch.rand(32, 3) * 1000  # RMS about 580; the only finding was a huge last layer
    g = ng.trace(_mlp(), x, loss=lambda y: y.pow(2).mean())
    first = g.health()[0]
    assert (first["kind"], first["where"], first["module"]) == ("exploding", "forward", "0")
    assert g.nodes[first["node"]]["kind"] == "input"
    assert first["mean"] == pytest.approx(float(x.mean()), rel=1e-3)
    assert first["std"] == pytest.approx(float(x.std()), rel=1e-2)
    assert "far from standardised" in first["message"]
    assert "(x - mean) / std" in first["message"]
    standardised = (x - x.mean(0)) / x.std(0)
    assert ng.trace(_mlp(), standardised, loss=lambda y: y.pow(2).mean()).health() == []


def test_an_input_of_rms_300_into_a_two_layer_mlp_is_flagged_once():
    torch.manual_seed(1)
    x = torch.randn(64, 5) * 300  # mean 0, std 300: no gradient finding at all before
    g = ng.trace(_mlp(5), x, loss=lambda y: y.pow(2).mean())
    flagged = [f for f in g.health() if f["where"] == "forward" and "std" in f]
    assert len(flagged) == 1 and flagged[0]["std"] == pytest.approx(300, rel=0.1)


def test_raw_pixels_through_flatten_or_a_convolution_are_flagged_and_scaled_ones_are_not():
    torch.manual_seed(0)
    pixels = torch.randint(0, 256, (16, 1, 8, 8)).float()
    mlp = nn.Sequential(nn.Flatten(), nn.Linear(64, 10))
    cnn = nn.Sequential(nn.Conv2d(1, 4, 3), nn.ReLU(), nn.Flatten(), nn.Linear(144, 10))
    target = torch.randint(0, 10, (16,))

    def input_findings(model: nn.Module, x: torch.Tensor) -> list[dict]:
        g = ng.trace(model, x, loss=lambda y: nn.functional.cross_entropy(y, target))
        return [f for f in g.health() if f["where"] == "forward" and "std" in f]

    for model in (mlp, cnn):
        (finding,) = input_findings(model, pixels)
        assert "divide by 255" in finding["message"]
        assert input_findings(model, pixels / 255) == []
    flat = pixels.flatten(1)  # 8x8 images flattened by hand, as the digits come
    (finding,) = input_findings(nn.Linear(64, 10), flat)
    assert "divide by 255" in finding["message"]


def test_tabular_data_far_from_standardised_gets_no_pixel_advice():
    """Sweep s47 (s37, raw breast-cancer features): the data-scale finding on tabular data
    ended "(pixels 0-255: divide by 255)", which does not apply there."""
    torch.manual_seed(0)
    target = torch.randint(0, 2, (16,))
    areas = torch.rand(16, 30) * 4000  # areas in the thousands
    ages = torch.randint(0, 100, (16, 5)).float() * 2  # 5 features 0-200: no image
    for x in (areas, ages):
        model = nn.Sequential(nn.Linear(x.shape[1], 8), nn.Tanh(), nn.Linear(8, 2))
        g = ng.trace(model, x, loss=lambda y: nn.functional.cross_entropy(y, target))
        (finding,) = [f for f in g.health() if f["where"] == "forward" and "std" in f]
        assert finding["message"].endswith("for each feature, computed on the training set.")
        assert "255" not in finding["message"] and "pixels" not in finding


def _prices() -> tuple[nn.Sequential, torch.Tensor, torch.Tensor]:
    """Standardised features, house prices about 2e5 (review s3, r_unscaled_target)."""
    torch.manual_seed(0)
    x = torch.randn(128, 8)
    price = 2e5 + 5e4 * x[:, :1] + 1e4 * torch.randn(128, 1)
    model = nn.Sequential(
        nn.Linear(8, 32), nn.ReLU(), nn.Linear(32, 32), nn.ReLU(), nn.Linear(32, 1)
    )
    return model, x, price


@pytest.mark.parametrize("language", ["en", "pl"])
def test_a_target_in_the_hundreds_of_thousands_is_said_to_need_scaling(language: str):
    """A huge gradient in every layer from the loss's scale alone was "start from smaller
    weights, lower the learning rate, or clip the gradients": the target is to be scaled."""
    model, x, price = _prices()
    g = ng.trace(model, x, loss=lambda y: nn.functional.mse_loss(y, price))
    ng.set_language(language)
    try:
        (finding,) = g.health()
        summary = g.summary()
    finally:
        ng.set_language("en")
    assert (finding["kind"], finding["module"]) == ("exploding", "")
    assert g.nodes[finding["node"]]["name"] == "price"
    assert finding["mean"] == pytest.approx(float(price.mean()), rel=1e-3)
    assert finding["largest"] > 1e4
    assert "smaller weights" not in finding["message"]
    assert "mniejszych wag" not in finding["message"]
    if language == "en":
        assert "divide it by a round number (prices / 1e5)" in finding["message"]
        expected = "The loss compares the output with the target price, which is far from"
        assert expected in finding["message"]
        assert "- [data scale] The loss compares" in summary
    else:
        assert "Strata porównuje wyjście z celem price, który jest daleki" in finding["message"]
        assert "(ceny / 1e5)" in finding["message"]
    # scaled, nothing is huge
    assert ng.trace(model, x, loss=lambda y: nn.functional.mse_loss(y, price / 1e5)).health() == []
    scaled = (price - price.mean()) / price.std()
    assert ng.trace(model, x, loss=lambda y: nn.functional.mse_loss(y, scaled)).health() == []
    # only a target far from standardised is told so: a loss multiplied by 1e12 keeps the
    # per-layer sentences
    g = ng.trace(model, x, loss=lambda y: y.pow(2).mean() * 1e12)
    assert [f["module"] for f in g.health() if "rms" in f] == ["0", "2", "4"]
    assert all(f["kind"] == "exploding" and "std" not in f for f in g.health())


def test_a_target_given_to_a_loss_module_is_said_to_need_scaling():
    """`criterion = nn.MSELoss()`, as most tutorials write the loss, runs its op inside a
    module: it is still the code around the model, so the target is found (review r1: the
    loss module was taken for the model's output layer, and the finding went back to
    "start from smaller weights"), in trace() and in record() alike."""
    model, x, price = _prices()
    criterion = nn.MSELoss()
    traced = ng.trace(model, x, loss=lambda y: criterion(y, price))
    with ng.record(model) as rec:
        criterion(model(x), price).backward()
    for g in (traced, rec.graph):
        (finding,) = g.health()
        assert g.nodes[finding["node"]]["name"] == "price" and "std" in finding


def _too_large_weights() -> nn.Sequential:
    """A 6-layer ReLU MLP initialised with std 1: its output is in the tens of thousands."""
    torch.manual_seed(0)
    layers: list[nn.Module] = []
    for n_in in (8, 64, 64, 64, 64):
        layers += [nn.Linear(n_in, 64), nn.ReLU()]
    model = nn.Sequential(*layers, nn.Linear(64, 1))
    for p in model.parameters():
        if p.dim() > 1:
            nn.init.normal_(p, std=1.0)
    return model


def test_a_target_is_blamed_only_where_it_dominates_what_the_loss_compares():
    """Weights too large give the same huge gradients whatever the target: a target of ages
    (mean 40) far below the output keeps the per-layer findings; so does a raw target the
    loss standardises before comparing (review r1: both were told to scale the target)."""
    torch.manual_seed(1)
    x, age = torch.randn(32, 8), 40 + 10 * torch.randn(32, 1)
    g = ng.trace(_too_large_weights(), x, loss=lambda y: nn.functional.mse_loss(y, age))
    found = g.health()
    assert not any("std" in f and f["where"] == "backward" for f in found)
    assert len([f for f in found if f["kind"] == "exploding" and "rms" in f]) == 6
    model, x, price = _prices()
    mean, std = price.mean(), price.std()
    g = ng.trace(model, x, loss=lambda y: nn.functional.mse_loss(y, (price - mean) / std))
    assert g.health() == []


@pytest.mark.parametrize(
    "weighted",
    [
        lambda y, price, w: (w * (y - price) ** 2).mean(),
        lambda y, price, w: (nn.functional.mse_loss(y, price, reduction="none") * w).mean(),
        lambda y, price, w: ((y - price) ** 2 * w).sum() / w.sum(),
    ],
    ids=["weights", "reduction=none", "mask"],
)
def test_a_target_read_beside_weights_or_a_mask_is_still_said_to_need_scaling(
    weighted: Callable[[torch.Tensor, torch.Tensor, torch.Tensor], torch.Tensor],
) -> None:
    # review r4: the weights, read nearer the loss, ended the search for the target
    model, x, price = _prices()
    w = torch.rand(price.shape)
    g = ng.trace(model, x, loss=lambda y: weighted(y, price, w))
    (found,) = g.health()
    assert found["message"].startswith("The loss compares the output with the target price")


class _ScalesItself(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Linear(4, 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc(x / 255)


class _Tokens(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.embed, self.fc = nn.Embedding(1000, 8), nn.Linear(8, 2)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        return self.fc(self.embed(ids).mean(1))


def loss(y: torch.Tensor) -> torch.Tensor:
    return y.pow(2).mean()


def test_data_a_model_scales_or_looks_up_is_not_far_from_standardised():
    torch.manual_seed(0)
    raw = torch.rand(16, 4) * 255
    assert ng.trace(_ScalesItself(), raw, loss=loss).health() == []  # x / 255 in forward
    assert ng.trace(_Tokens(), torch.randint(0, 1000, (16, 5)), loss=loss).health() == []
    one_hot = nn.functional.one_hot(torch.randint(0, 4, (16,)), 4).float()
    assert ng.trace(nn.Linear(4, 2), one_hot, loss=loss).health() == []
    # the same data straight into a layer is
    (finding,) = ng.trace(nn.Linear(4, 2), raw, loss=loss).health()
    assert "far from standardised" in finding["message"]


def test_data_put_together_inside_a_recording_is_judged_as_data():
    torch.manual_seed(0)
    age, income = torch.rand(32, 1) * 60, torch.rand(32, 1) * 5e4
    model = _mlp(2)
    with ng.record(model) as rec:  # what a %%nngraph cell records
        x = torch.cat([age, income], 1)
        loss(model(x)).backward()
    (finding,) = [f for f in rec.graph.health() if "std" in f]
    assert finding["where"] == "forward" and "far from standardised" in finding["message"]
    with ng.record(model) as rec:
        x = torch.cat([age, income], 1)
        loss(model((x - x.mean(0)) / x.std(0))).backward()
    assert [f for f in rec.graph.health() if "std" in f] == []


def test_an_embedding_looked_up_by_indexing_is_neither_data_nor_a_layer():
    # Karpathy's makemore: character ids 0..26 pick rows of a table, C[X]
    torch.manual_seed(0)
    ids, targets = torch.randint(0, 27, (32, 3)), torch.randint(0, 27, (32,))
    table = torch.randn(27, 10).requires_grad_()
    w1 = (torch.randn(30, 64) * 0.3).requires_grad_()
    w2 = (torch.randn(64, 27) * 0.1).requires_grad_()
    with ng.record() as rec:
        h = torch.tanh(table[ids].view(-1, 30) @ w1)
        nn.functional.cross_entropy(h @ w2, targets).backward()
    assert rec.graph.health() == []

    class Lookup(nn.Module):  # a large table: its gradient touches only the rows looked up
        def __init__(self) -> None:
            super().__init__()
            self.w, self.fc = nn.Parameter(torch.randn(1000, 8)), nn.Linear(8, 1)

        def forward(self, ids: torch.Tensor) -> torch.Tensor:
            return self.fc(self.w[ids])

    assert ng.trace(Lookup(), torch.randint(0, 1000, (4, 7)), loss=loss).health() == []


# -- dead units and the size of the batch -------------------------------------------------------


def _kaiming_relu(width: int = 32, layers: int = 5) -> nn.Sequential:
    modules: list[nn.Module] = []
    for _ in range(layers):
        linear = nn.Linear(width, width)
        nn.init.kaiming_normal_(linear.weight, nonlinearity="relu")
        nn.init.zeros_(linear.bias)
        modules += [linear, nn.ReLU()]
    return nn.Sequential(*modules, nn.Linear(width, 1))


def test_units_silent_by_chance_on_a_batch_of_8_are_not_dead():
    # a Kaiming 6-layer MLP at batch 8 had "10 of 32 dead" in half the seeds, while only 0-3
    # of them are silent on 20,000 fresh inputs
    flagged = []
    for seed in range(10):
        torch.manual_seed(seed)
        model = _kaiming_relu()
        g = ng.trace(model, torch.randn(8, 32), loss=lambda y: y.pow(2).mean())
        flagged += [(seed, f["dead"]) for f in found(g, "dead")]
    assert flagged == []


@pytest.mark.parametrize("batch", [2, 4])
def test_every_unit_silent_is_dead_on_a_small_batch_too(batch: int):
    torch.manual_seed(0)
    first = nn.Linear(16, 32)
    nn.init.constant_(first.bias, -100.0)
    model = nn.Sequential(first, nn.ReLU(), nn.Linear(32, 1))
    g = ng.trace(model, torch.randn(batch, 16), loss=lambda y: y.pow(2).mean())
    assert [(f["dead"], f["units"]) for f in found(g, "dead")] == [(32, 32)]


def test_one_example_is_no_evidence_and_more_samples_need_a_smaller_share():
    assert dead_graph([60, 64], batch=1).health() == []  # one example silences about half
    # every unit of a wide layer silent on one example is no chance (sweep s31 K, finding 7)
    assert [f["kind"] for f in dead_graph([64, 64], batch=1).health()] == ["dead"]
    assert [f["kind"] for f in dead_graph([64, 64], batch=2).health()] == ["dead"]
    assert dead_graph([24, 64], batch=8).health() == []  # 38%: chance on 8 samples
    assert [f["kind"] for f in dead_graph([24, 64], batch=256).health()] == ["dead"]


def test_a_trained_net_with_no_dead_unit_is_not_said_to_have_some_on_a_batch_of_8():
    """A 4-layer Kaiming ReLU MLP trained on the digits: no unit is silent on all 1,797 of them,
    yet "8 of 16 ReLU units ... output zero for every example" on 2 batches of 8 in 20 (review
    s3, r_dead_trained_batch8): trained units answer to fewer examples each."""
    digits = pytest.importorskip("sklearn.datasets").load_digits()
    x = torch.tensor((digits.data - digits.data.mean(0)) / (digits.data.std(0) + 1e-8))
    x, y = x.float(), torch.tensor(digits.target)
    torch.manual_seed(20)
    model = nn.Sequential(
        nn.Linear(64, 16), nn.ReLU(), nn.Linear(16, 16), nn.ReLU(),
        nn.Linear(16, 16), nn.ReLU(), nn.Linear(16, 10),
    )  # fmt: skip
    for layer in model[::2]:
        nn.init.kaiming_normal_(layer.weight, nonlinearity="relu")
        nn.init.zeros_(layer.bias)
    opt = torch.optim.SGD(model.parameters(), 0.05, momentum=0.9)
    for _ in range(300):
        batch = torch.randint(0, len(x), (32,))
        opt.zero_grad()
        nn.functional.cross_entropy(model(x[batch]), y[batch]).backward()
        opt.step()
    with torch.no_grad():
        h = x
        for layer in model[:-1]:
            h = layer(h)
            assert isinstance(layer, nn.Linear) or (h.max(0).values > 0).all()  # none dead
    flagged = []
    for _ in range(20):
        batch = torch.randint(0, len(x), (8,))
        labels = y[batch]
        g = ng.trace(model, x[batch], loss=lambda o, t=labels: nn.functional.cross_entropy(o, t))
        flagged += [(f["module"], f["dead"]) for f in found(g, "dead")]
    assert flagged == []


def test_a_hinge_loss_whose_every_margin_is_met_is_the_one_cause_of_zero_gradients():
    """Left alone in s44: a net trained with `relu(1 - y * out).mean()` until the loss is 0
    got a gradient of exactly zero in every layer, each told as its own fault ("ReLU units
    silent, a mask, weights that are all zero"). The loss's ReLU is the one cause: every
    margin is met, and the layers are fine. A ReLU of the model's silent for the whole batch
    is still each layer's finding."""
    torch.manual_seed(0)
    x = torch.randn(64, 4)
    y = torch.sign(x[:, :1] + 0.5 * x[:, 1:2])
    model = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 1))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    for _ in range(3000):
        optimizer.zero_grad()
        loss = torch.relu(1 - y * model(x)).mean()
        if loss.item() == 0:
            break
        loss.backward()
        optimizer.step()
    assert loss.item() == 0
    hinges = {
        "relu": lambda out: torch.relu(1 - y * out).mean(),
        "clamp": lambda out: torch.clamp(1 - y * out, min=0).sum() / len(y),
    }
    for hinge in hinges.values():
        for g in (ng.trace(model, x, loss=hinge), _recorded(model, lambda h=hinge: h(model(x)))):
            said = g.health()
            assert [f["kind"] for f in said] == ["vanishing"], said
            assert "every margin is already met" in said[0]["message"]
            assert g.nodes[said[0]["node"]]["module"] == ""  # on the loss's op
    w1 = torch.randn(4, 16, requires_grad=True)
    with ng.record() as rec:  # a hand-written layer whose ReLU is silent: the layer's own
        torch.relu(x @ w1 - 100.0).sum(1).mean().backward()
    assert "margin" not in " ".join(f["message"] for f in rec.graph.health())
    dead = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 1))
    with torch.no_grad():
        dead[0].bias.fill_(-100.0)
    said = ng.trace(dead, x, loss=hinges["relu"]).health()
    assert "dead" in [f["kind"] for f in said] and "margin" not in str(said)
    # regression review s45 (1): an output squashed before a loss that is not 0 is no margin met
    stuck = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 1))
    with torch.no_grad():
        stuck[2].bias.fill_(-50.0)
    target = torch.rand(64, 1)
    with ng.record(stuck) as rec:
        nn.functional.mse_loss(torch.clamp(stuck(x) * 0.5 + 0.5, 0, 1), target).backward()
    relu_mse = ng.trace(stuck, x, loss=lambda out: nn.functional.mse_loss(torch.relu(out), target))
    for g in (rec.graph, relu_mse):
        assert "margin" not in str(g.health()) and len(found(g, "vanishing")) == 2


def _recorded(model: nn.Module, step: Callable[[], torch.Tensor]) -> ng.Graph:
    with ng.record(model) as rec:
        step().backward()
    return rec.graph


def test_a_relu_in_a_margin_loss_is_not_a_dead_layer_of_the_model():
    """A capsule net's margin loss, `relu(length - 0.1)` for the wrong classes, is 0 for every
    example while the loss is met there: it was told as 3 dead ReLU units "in the top level of
    the model", with LeakyReLU advice (sweep s32, r_margin_dead)."""
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(12, 3), nn.Sigmoid())  # scores in (0, 1), as lengths are
    with torch.no_grad():
        model[0].bias.fill_(-5.0)  # every length about 0.007: below the margin of 0.1
    x, t = torch.randn(6, 12), nn.functional.one_hot(torch.arange(6) % 3, 3).float()

    def margin(lengths: torch.Tensor) -> torch.Tensor:
        wrong = 0.5 * (1 - t) * torch.relu(lengths - 0.1) ** 2
        return (t * torch.relu(0.9 - lengths) ** 2 + wrong).sum(1).mean()

    assert found(ng.trace(model, x, loss=margin), "dead") == []
    with ng.record(model) as rec:  # in a record() block too (sweep s37, r_hinge_dead)
        margin(model(x)).backward()
    assert found(rec.graph, "dead") == []
    dead = nn.Sequential(nn.Linear(12, 64), nn.ReLU(), nn.Linear(64, 3))
    with torch.no_grad():
        dead[0].bias.fill_(-100.0)
    assert len(found(ng.trace(dead, x, loss=margin), "dead")) == 1  # the model's own: told
    with ng.record(dead) as rec:
        margin(dead(x)).backward()
    assert len(found(rec.graph, "dead")) == 1
    w1, w2 = dead[0].weight.detach().t().requires_grad_(), torch.randn(64, 3, requires_grad=True)
    with ng.record() as rec:  # a hand-written layer at the block's top level is the model's
        margin(torch.relu(x @ w1 - 100.0) @ w2).backward()
    assert len(found(rec.graph, "dead")) == 1
    with ng.record() as rec:  # also where only a sum follows it (regression sweep s37)
        torch.relu(x @ w1 - 100.0).sum(1).mean().backward()
    assert len(found(rec.graph, "dead")) == 1
    regression = nn.Sequential(nn.Linear(12, 16), nn.Tanh(), nn.Linear(16, 8))
    with torch.no_grad():
        regression[2].bias.fill_(-20.0)
    b = torch.full((8,), -20.0, requires_grad=True)
    for last in (  # the model's output only reshaped or scaled; a weight of the block's own
        lambda out: out.view(6, 8),
        lambda out: out.unsqueeze(1) / 2,
        lambda out: regression[0](x).tanh() @ regression[2].weight.t() + b,
    ):
        with ng.record(regression) as rec:
            torch.relu(last(regression(x))).sum().backward()
        assert len(found(rec.graph, "dead")) == 1


def test_layers_behind_a_silent_relu_are_not_said_to_round_to_zero():
    """A 10-layer ReLU MLP whose ReLU 3 is silent for every example (bias -100): modules 0 and
    2 get exactly zero because of it, and were told "the gradient shrinks at every layer ...
    too small for float32 and rounds to zero" (sweep s32, teacher notebook 3)."""
    torch.manual_seed(0)
    layers: list[nn.Module] = [nn.Linear(64, 32), nn.ReLU()]
    for _ in range(8):
        layers += [nn.Linear(32, 32), nn.ReLU()]
    net = nn.Sequential(*layers, nn.Linear(32, 10))
    with torch.no_grad():
        net[2].bias.fill_(-100.0)
    x, y = torch.randn(128, 64), torch.randint(0, 10, (128,))
    found = ng.trace(net, x, loss=lambda out: nn.functional.cross_entropy(out, y)).health()
    zero = {f["module"]: f for f in found if f["kind"] == "vanishing" and f.get("rms") == 0}
    assert {"0", "2"} <= set(zero)
    assert not any(f.get("underflow") for f in zero.values())
    assert "a zero before or after it stops the gradient" in zero["0"]["message"]


def test_a_silent_relu_on_a_branch_beside_a_skip_connection_stops_nothing():
    """A residual block whose ReLU branch is silent passes the gradient on by its skip: the
    layer before it vanishes by float32 rounding after 200 tanh layers, as before (regression
    sweep 3: the silent ReLU was taken for the cause)."""

    class Res(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.stem, self.blk, self.r = nn.Linear(16, 32), nn.Linear(32, 32), nn.ReLU()
            self.trunk = nn.Sequential(
                *[m for _ in range(200) for m in (nn.Linear(32, 32), nn.Tanh())]
            )
            self.head = nn.Linear(32, 1)
            with torch.no_grad():
                self.blk.bias.fill_(-100.0)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            h = torch.tanh(self.stem(x))
            return self.head(self.trunk(h + self.r(self.blk(h))))

    torch.manual_seed(0)
    x, y = torch.randn(64, 16), torch.randn(64, 1)
    found = ng.trace(Res(), x, loss=lambda out: nn.functional.mse_loss(out, y)).health()
    zero = {f["module"]: f for f in found if f["kind"] == "vanishing" and f.get("rms") == 0}
    assert zero["stem"].get("underflow") and not zero["blk"].get("underflow")
