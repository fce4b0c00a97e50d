"""health() on recurrent networks: a gradient that vanishes or explodes through the steps of one
layer (an RNN over a sequence), which comparing layers cannot see, and no alarm once the usual
fixes are in."""

from __future__ import annotations

import math

import pytest
import torch
from torch import nn

import nngraph as ng
from nngraph.i18n import set_language

HIDDEN = 32


class Unrolled(nn.Module):
    """A cell stepped through the sequence in a Python loop, as a lecture writes it."""

    def __init__(self, cell: nn.Module) -> None:
        super().__init__()
        self.cell = cell
        self.out = nn.Linear(HIDDEN, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = torch.zeros(x.shape[0], HIDDEN)
        c = torch.zeros_like(h)
        for t in range(x.shape[1]):
            if isinstance(self.cell, nn.LSTMCell):
                h, c = self.cell(x[:, t], (h, c))
            else:
                h = self.cell(x[:, t], h)
        return self.out(h)


class Layer(nn.Module):
    """`nn.RNN`, `nn.GRU`: one call for the whole sequence; the loss reads the last output, or
    every step's (`every_step`)."""

    def __init__(self, rnn: nn.Module, *, every_step: bool = False, width: int = HIDDEN) -> None:
        super().__init__()
        self.rnn = rnn
        self.out = nn.Linear(width, 1)
        self.every_step = every_step

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        outputs, _ = self.rnn(x)
        return self.out(outputs if self.every_step else outputs[:, -1])


def steps_found(model: nn.Module, steps: int = 30) -> list[dict]:
    torch.manual_seed(1)
    g = ng.trace(model, torch.randn(16, steps, 8), loss=lambda y: y.pow(2).mean())
    return [f for f in g.health() if "per_step" in f]


@pytest.fixture(autouse=True)
def english():
    set_language("en")
    yield
    set_language("en")


def seeded(make):
    torch.manual_seed(0)
    return make()


# -- vanishing through time -----------------------------------------------------------------------


def test_an_rnn_cell_in_a_loop_at_default_init_is_flagged_on_its_recurrent_weight():
    model = seeded(lambda: Unrolled(nn.RNNCell(8, HIDDEN)))
    (found,) = steps_found(model)
    assert found["kind"] == "vanishing" and found["where"] == "backward"
    assert found["name"] == "cell.weight_hh" and found["module"] == "cell"
    assert found["steps"] == 30
    assert found["total"] > 1e6  # ~1.9x less per step at PyTorch's default init
    assert 1.5 < found["per_step"] < 2.5
    assert math.isclose(found["total"], found["norms"][-1] / found["norms"][0])
    text = found["message"]
    assert "cell.weight_hh, in module cell (RNNCell)" in text and "30 steps in a row" in text
    assert "nn.LSTM or nn.GRU" in text and "nn.init.orthogonal_" in text


def test_nn_rnn_over_a_sequence_is_flagged_as_its_unrolled_cell_is():
    (found,) = steps_found(seeded(lambda: Layer(nn.RNN(8, HIDDEN, batch_first=True))))
    assert (found["kind"], found["name"], found["steps"]) == ("vanishing", "rnn.weight_hh_l0", 30)


def test_the_flag_is_on_the_recurrent_weight_and_the_summary_says_it():
    torch.manual_seed(0)
    model = Layer(nn.RNN(8, HIDDEN, batch_first=True))
    g = ng.trace(model, torch.randn(16, 30, 8), loss=lambda y: y.pow(2).mean())
    g.health()
    (flagged,) = [d for _, d in g.nodes(data=True) if d["flags"]]
    assert flagged["name"] == "rnn.weight_hh_l0"
    assert "Vanishing gradient through time" in g.summary()


@pytest.mark.parametrize(
    ("make", "gate", "bias"),
    [
        (lambda: Unrolled(nn.LSTMCell(8, HIDDEN)), "forget gate", "cell.bias_hh[32:64]"),
        (
            lambda: Layer(nn.GRU(8, HIDDEN, batch_first=True)),
            "update gate",
            "rnn.bias_hh_l0[32:64]",
        ),
    ],
)
def test_gated_cells_at_default_init_name_the_gate_bias_to_open(make, gate, bias):
    (found,) = steps_found(seeded(make))
    assert found["kind"] == "vanishing"
    assert gate in found["message"] and f"{bias}.fill_(2.0)" in found["message"]


def test_a_hand_written_rnn_names_its_own_weight():
    torch.manual_seed(0)
    w_xh = (torch.randn(8, HIDDEN) * 0.3).requires_grad_()
    w_hh = (torch.randn(HIDDEN, HIDDEN) * 0.08).requires_grad_()
    x = torch.randn(16, 30, 8)
    with ng.record() as rec:
        h = torch.zeros(16, HIDDEN)
        for t in range(30):
            h = torch.tanh(x[:, t] @ w_xh + h @ w_hh)
        h.pow(2).mean().backward()
    (found,) = [f for f in rec.graph.health() if "per_step" in f]
    assert found["name"] == "w_hh" and found["steps"] == 30
    assert "(w_hh)" in found["message"]


def test_polish_says_it_in_polish():
    set_language("pl")
    (found,) = steps_found(seeded(lambda: Unrolled(nn.RNNCell(8, HIDDEN))))
    assert found["message"].startswith("Gradient zanika w czasie")
    assert "w module cell (RNNCell)" in found["message"]


@pytest.mark.parametrize(
    ("make", "bias"),
    [
        (lambda: Layer(nn.GRU(8, HIDDEN, batch_first=True, bias=False)), "rnn.bias_hh_l0"),
        (lambda: Unrolled(nn.GRUCell(8, HIDDEN, bias=False)), "cell.bias_hh"),
        (lambda: Unrolled(nn.LSTMCell(8, HIDDEN, bias=False)), "cell.bias_hh"),
        (
            lambda: Layer(nn.LSTM(8, HIDDEN, batch_first=True, proj_size=16, bias=False), width=16),
            "rnn.bias_hh_l0",
        ),
    ],
)
def test_gated_layers_without_a_bias_are_told_to_get_one_not_to_become_an_lstm(make, bias):
    """Sweep S2: an nn.GRU(bias=False) was told "Use nn.LSTM or nn.GRU"."""
    (found,) = steps_found(seeded(make))
    text = found["message"]
    assert found["kind"] == "vanishing" and "nn.LSTM or nn.GRU" not in text
    assert "bias=True" in text and f"{bias}[32:64].fill_(2.0)" in text
    assert "nn.init.orthogonal_" in text and "truncated backpropagation" in text


class SubclassedLSTM(nn.LSTM):
    """An LSTM under a name of its own: its module type says nothing of gates."""


@pytest.mark.parametrize(
    ("make", "steps", "weight"),
    [
        (lambda: nn.LSTM(8, HIDDEN, batch_first=True, proj_size=16), 30, "rnn.weight_hh_l0"),
        (lambda: SubclassedLSTM(8, HIDDEN, batch_first=True, proj_size=16), 30, "rnn.weight_hh_l0"),
        (lambda: nn.LSTM(8, 6, batch_first=True, proj_size=3), 10, "rnn.weight_hr_l0"),
    ],
)
def test_an_lstm_with_a_projection_is_told_its_forget_gate_by_its_hidden_size(make, steps, weight):
    """Sweep S2: proj_size=16 of 32 units gave `bias_hh_l0[16:32]` (the input gate), taken from
    weight_hh's width, which is proj_size; on weight_hr, or in a subclass of nn.LSTM, it gave
    "Use nn.LSTM or nn.GRU". PyTorch stacks the gates i|f|g|o, each hidden_size long."""
    rnn = seeded(make)
    (found,) = steps_found(Layer(rnn, width=rnn.proj_size), steps=steps)
    hidden = rnn.hidden_size
    assert found["name"] == weight
    assert f"rnn.bias_hh_l0[{hidden}:{2 * hidden}].fill_(2.0)" in found["message"]
    assert "forget gate" in found["message"] and "nn.LSTM or nn.GRU" not in found["message"]


def test_polish_tells_a_gated_layer_without_a_bias_and_a_repeated_block_in_polish():
    set_language("pl")
    (found,) = steps_found(seeded(lambda: Unrolled(nn.LSTMCell(8, HIDDEN, bias=False))))
    assert "Bramka zapominania LSTM" in found["message"] and "bias=True" in found["message"]
    assert "Użyj nn.LSTM" not in found["message"]
    torch.manual_seed(1)
    x, lengths = torch.randn(16, HIDDEN), torch.randint(20, HIDDEN + 1, (16,))
    g = ng.trace(seeded(lambda: Repeated("raw")), x, lengths, loss=lambda y: y.pow(2).mean())
    (found,) = [f for f in g.health() if "per_step" in f]
    assert found["message"].startswith("Gradient zanika w powtórzeniach")
    assert "przytnij" not in found["message"]


# -- a gate that already starts open --------------------------------------------------------------

LONG = 200  # steps over which a gate started open (bias 2) still lets the gradient fade


def open_gates(rnn: nn.Module, bias_hh: float, bias_ih: float = 0.0) -> nn.Module:
    """`rnn` with the gate that keeps the state (slice 1 of each bias) set as health() advises,
    in every layer and direction: `bias_hh` in bias_hh, `bias_ih` in bias_ih."""
    hidden = rnn.hidden_size
    with torch.no_grad():
        for name, bias in rnn.named_parameters():
            if name.startswith(("bias_hh", "bias_ih")):
                bias[hidden : 2 * hidden].fill_(bias_hh if "hh" in name else bias_ih)
    return rnn


def long_found(model: nn.Module, steps: int = LONG) -> list[dict]:
    torch.manual_seed(1)
    x = torch.randn(4, steps, 8)
    g = ng.trace(model, x, loss=lambda y: y.pow(2).mean())
    return [f for f in g.health() if "per_step" in f]


@pytest.mark.parametrize(
    ("make", "gate"),
    [
        (lambda: Layer(open_gates(nn.GRU(8, HIDDEN, batch_first=True), 2.0)), "update gate"),
        (lambda: Unrolled(open_gates(nn.GRUCell(8, HIDDEN), 2.0)), "update gate"),
        (lambda: Unrolled(open_gates(nn.LSTMCell(8, HIDDEN), 2.0)), "forget gate"),
        (
            lambda: Layer(
                open_gates(nn.GRU(8, HIDDEN, 2, batch_first=True, bidirectional=True), 1.0, 1.0),
                width=2 * HIDDEN,
            ),
            "update gate",
        ),
        (
            lambda: Layer(
                open_gates(nn.LSTM(8, HIDDEN, 2, batch_first=True, proj_size=16), 2.0), width=16
            ),
            "forget gate",
        ),
    ],
)
def test_a_gate_already_started_open_is_not_said_to_start_half_open(make, gate):
    """Sweep S29: after `rnn.bias_hh_l0[16:32].fill_(2.0)`, as advised, a GRU over 200 steps
    was told again that its update gate "starts half open (its bias near 0)"; an LSTM with a
    projection the same of its forget gate. The gate's bias is bias_ih + bias_hh (1 + 1 here)."""
    found = long_found(seeded(make))
    assert found and all(f["kind"] == "vanishing" for f in found)
    for f in found:
        text = f["message"]
        assert "half open" not in text and "near 0" not in text and "fill_(2.0)" not in text
        assert f"{gate} already starts" in text and "its bias is about 2.0" in text
        assert "truncated backpropagation through time" in text and ".detach()" in text


def test_each_layer_is_told_of_its_own_gate():
    """Only the upper layer's update gate started open: the lower one is still told to open
    its own, by its own slice."""
    gru = seeded(lambda: nn.GRU(8, HIDDEN, 2, batch_first=True))
    with torch.no_grad():
        gru.bias_hh_l1[HIDDEN : 2 * HIDDEN].fill_(2.0)
    texts = {f["name"]: f["message"] for f in long_found(Layer(gru))}
    assert "rnn.bias_hh_l0[32:64].fill_(2.0)" in texts["rnn.weight_hh_l0"]
    assert "its bias near 0" in texts["rnn.weight_hh_l0"]
    assert "already starts" in texts["rnn.weight_hh_l1"]
    assert "fill_(2.0)" not in texts["rnn.weight_hh_l1"]


def test_a_gate_bias_below_one_is_still_told_to_open():
    lstm = seeded(lambda: open_gates(nn.LSTMCell(8, HIDDEN), 0.5))
    (found,) = long_found(Unrolled(lstm), steps=30)
    assert "cell.bias_hh[32:64].fill_(2.0)" in found["message"]
    assert "already starts" not in found["message"]


def test_polish_says_the_gate_already_starts_open_in_polish():
    set_language("pl")
    (found,) = long_found(seeded(lambda: Unrolled(open_gates(nn.GRUCell(8, HIDDEN), 2.0))))
    text = found["message"]
    assert "Bramka aktualizacji GRU już na starcie" in text and "około 2,0" in text
    assert "fill_(2.0)" not in text and "obcięta propagacja wsteczna" in text


def fill_gate(rnn: nn.Module, gate: int, value: float, which: str = "bias_hh") -> nn.Module:
    """`rnn` with slice `gate` (0, 1, 2, ...) of each of its `which` biases set to `value`."""
    hidden = rnn.hidden_size
    with torch.no_grad():
        for name, bias in rnn.named_parameters():
            if name.startswith(which):
                bias[gate * hidden : (gate + 1) * hidden].fill_(value)
    return rnn


def keeping_gate(rnn: nn.Module, suffix: str = "") -> float:
    """The true bias of the gate that keeps the state: slice 1 of bias_ih plus bias_hh."""
    hidden = rnn.hidden_size
    both = getattr(rnn, "bias_ih" + suffix) + getattr(rnn, "bias_hh" + suffix)
    return both[hidden : 2 * hidden].mean().item()


def told_to_open(found: list[dict]) -> bool:
    return bool(found) and all(
        "half open" in f["message"] and "fill_(2.0)" in f["message"] for f in found
    )


@pytest.mark.parametrize(
    ("make", "gate"),
    [
        (lambda: Layer(fill_gate(nn.GRU(8, HIDDEN, batch_first=True), 0, 2.0)), "reset"),
        (lambda: Layer(fill_gate(nn.GRU(8, HIDDEN, batch_first=True), 2, 2.0)), "new"),
        (lambda: Unrolled(fill_gate(nn.LSTMCell(8, HIDDEN), 0, 2.0)), "input"),
        (lambda: Unrolled(fill_gate(nn.LSTMCell(8, HIDDEN), 3, 2.0)), "output"),
    ],
)
def test_another_gate_started_open_leaves_the_keeping_gate_told_to_open(make, gate):
    """Sweep S29: a student who filled the reset gate's slice `bias_hh_l0[0:32]` instead of
    the update gate's was told that the update gate "already starts towards keeping the state
    (its bias is about 2.1)": its true bias is 0.009. The gate was guessed from the whole
    tensor's mean, min and max."""
    found = steps_found(seeded(make))
    assert told_to_open(found), [f["message"] for f in found]
    assert not any("already starts" in f["message"] for f in found)


def test_a_trained_lstm_whose_other_gates_grew_is_still_told_to_open_its_forget_gate():
    """Sweep S29: an LSTMCell trained 300 steps with Adam ended with gate biases i|f|g|o of
    1.36|-0.10|0.26|1.25 and was told its forget gate "already starts open (about 2.2)"."""
    cell = seeded(lambda: nn.LSTMCell(8, HIDDEN))
    for gate, value in enumerate([1.36, -0.10, 0.26, 1.25]):
        fill_gate(cell, gate, value, "bias_ih")
    found = steps_found(Unrolled(cell))
    assert told_to_open(found)
    assert "cell.bias_hh[32:64].fill_(2.0)" in found[0]["message"]


@pytest.mark.parametrize(
    ("make", "where", "gate"),
    [
        (
            lambda: fill_gate(fill_gate(nn.LSTMCell(8, HIDDEN), 1, 2.0), 3, -2.0),
            lambda rnn: Unrolled(rnn),
            "forget gate",
        ),
        (
            lambda: fill_gate(fill_gate(nn.GRU(8, HIDDEN, batch_first=True), 1, 2.5), 0, -3.0),
            lambda rnn: Layer(rnn),
            "update gate",
        ),
    ],
)
def test_an_open_gate_beside_a_closed_one_is_told_with_its_exact_bias(make, where, gate):
    """The keeping gate started open (bias_hh 2 or 2.5) and another one closed: the whole
    tensor's mean is near 0, the keeping gate's bias is not."""
    rnn = seeded(make)
    true = keeping_gate(rnn, "" if isinstance(rnn, nn.LSTMCell) else "_l0")
    found = long_found(where(rnn))
    assert found and all(f"{gate} already starts" in f["message"] for f in found)
    assert all(f"its bias is about {true:.1f})" in f["message"] for f in found)
    assert not any("fill_(2.0)" in f["message"] for f in found)


def test_a_graph_saved_without_the_gates_gets_the_advice_to_open_them():
    """A graph from an older JSON has no `gates` on its biases: the gate's bias is not known,
    and the advice is the one for a gate at PyTorch's init."""
    gru = seeded(lambda: open_gates(nn.GRU(8, HIDDEN, batch_first=True), 2.0))
    torch.manual_seed(1)
    g = ng.trace(Layer(gru), torch.randn(4, LONG, 8), loss=lambda y: y.pow(2).mean())
    data = g.to_dict()
    for node in data["nodes"]:
        node.pop("gates", None)
    found = [f for f in ng.Graph.from_dict(data).health() if "per_step" in f]
    assert "rnn.bias_hh_l0[32:64].fill_(2.0)" in found[0]["message"]
    assert "already starts" not in found[0]["message"]


# -- exploding through time -----------------------------------------------------------------------


def test_recurrent_weights_that_are_too_large_explode_through_time():
    rnn = seeded(lambda: nn.RNN(8, HIDDEN, batch_first=True))
    nn.init.normal_(rnn.weight_hh_l0, std=0.5)
    (found,) = steps_found(Layer(rnn))
    assert found["kind"] == "exploding" and found["total"] > 1e3
    assert "clip_grad_norm_" in found["message"]


# -- what is not flagged --------------------------------------------------------------------------


def test_the_usual_fixes_silence_the_finding():
    rnn = seeded(lambda: nn.RNN(8, HIDDEN, batch_first=True))
    nn.init.orthogonal_(rnn.weight_hh_l0)
    assert steps_found(Layer(rnn)) == []
    lstm = seeded(lambda: Unrolled(nn.LSTMCell(8, HIDDEN)))
    with torch.no_grad():
        lstm.cell.bias_hh[HIDDEN : 2 * HIDDEN].fill_(2.0)
    assert steps_found(lstm) == []
    gru = seeded(lambda: nn.GRU(8, HIDDEN, batch_first=True))
    with torch.no_grad():
        gru.bias_hh_l0[HIDDEN : 2 * HIDDEN].fill_(2.0)
    assert steps_found(Layer(gru)) == []


def test_a_loss_on_every_step_gives_each_step_its_own_gradient():
    model = seeded(lambda: Layer(nn.RNN(8, HIDDEN, batch_first=True), every_step=True))
    assert steps_found(model) == []


def test_a_short_sequence_is_no_recurrence_to_judge():
    assert steps_found(seeded(lambda: Unrolled(nn.RNNCell(8, HIDDEN))), steps=5) == []


def test_a_deep_net_of_distinct_layers_has_no_steps():
    class Deep(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.layers = nn.ModuleList(nn.Linear(8, 8) for _ in range(12))

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            for layer in self.layers:
                x = torch.sigmoid(layer(x))
            return x

    g = ng.trace(seeded(Deep), torch.randn(16, 8), loss=lambda y: y.pow(2).mean())
    assert [f for f in g.health() if "per_step" in f] == []


def test_one_weight_read_by_two_sequences_is_flagged_once():
    class Siamese(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.rnn = nn.RNN(8, HIDDEN, batch_first=True)

        def forward(self, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
            return (self.rnn(a)[0][:, -1] - self.rnn(b)[0][:, -1]).pow(2).sum(1)

    torch.manual_seed(1)
    a, b = torch.randn(16, 30, 8), torch.randn(16, 30, 8)
    g = ng.trace(seeded(Siamese), a, b, loss=lambda d: d.mean())
    assert [f["name"] for f in g.health() if "per_step" in f] == ["rnn.weight_hh_l0"]


def test_steps_joined_only_through_an_argmax_are_no_recurrence():
    class GreedyDecoder(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.emb = nn.Embedding(10, HIDDEN)
            self.head = nn.Linear(HIDDEN, 10)

        def forward(self, h: torch.Tensor) -> torch.Tensor:
            token = torch.zeros(h.shape[0], dtype=torch.long)
            total = torch.zeros(())
            for step in range(20):  # the loss weighs the first steps far less, as a
                logits = self.head(torch.tanh(self.emb(token) + h))  # vanishing gradient would
                total = total + logits.pow(2).mean() * 10.0 ** (step - 19)
                token = logits.argmax(-1)
            return total

    g = ng.trace(seeded(GreedyDecoder), torch.randn(4, HIDDEN), loss=lambda y: y)
    assert [f for f in g.health() if "per_step" in f] == []


# -- from a sweep of recurrent models ---------------------------------------------------------------


def test_a_gradient_that_underflows_to_zero_over_a_long_sequence_is_flagged():
    (found,) = steps_found(seeded(lambda: Layer(nn.RNN(8, HIDDEN, batch_first=True))), steps=300)
    assert found["kind"] == "vanishing" and found["steps"] == 300
    assert found["norms"][0] == 0.0  # float32 rounds the first steps' gradient to 0


class HandRNN(nn.Module):
    """h = tanh(Wx(x_t) + Wh(h)) written with two Linears; `closed` first steps pass no state
    on (`Wh(h) * 0`): their gradient is exactly 0, not rounded to it."""

    def __init__(self, closed: int = 0) -> None:
        super().__init__()
        self.wx, self.wh = nn.Linear(8, 64), nn.Linear(64, 64, bias=False)
        self.fc, self.closed = nn.Linear(64, 2), closed

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = torch.zeros(x.shape[0], 64)
        for t in range(x.shape[1]):
            h = torch.tanh(self.wx(x[:, t]) + self.wh(h) * (0.0 if t < self.closed else 1.0))
        return self.fc(h)


def _steps_of_hand_rnn(steps: int, closed: int = 0) -> dict:
    torch.manual_seed(0)
    model, x, y = HandRNN(closed), torch.randn(32, steps, 8), torch.randint(0, 2, (32,))
    g = ng.trace(model, x, loss=lambda out: nn.functional.cross_entropy(out, y))
    (found,) = [f for f in g.health() if "per_step" in f]
    return found


def test_steps_whose_gradient_underflows_are_said_and_left_out_of_the_rate():
    """Sweep: at 200 steps the first 79 got exactly 0 (float32 underflow) and "shrinks about
    1.66 times per step ... 5.3e43 times smaller" was said, diluted over those zeros; the
    non-zero steps shrink 2.27 times per step, as at 50 steps (2.26)."""
    found = _steps_of_hand_rnn(200)
    norms, zeros = found["norms"], found["zero_steps"]
    assert zeros > 0 and norms[zeros - 1] == 0.0 < norms[zeros]
    rate = (norms[-1] / norms[zeros]) ** (1 / (199 - zeros))
    assert math.isclose(found["per_step"], rate) and found["per_step"] > 2.1
    assert math.isclose(found["total"], norms[-1] / norms[zeros])
    assert math.isclose(found["per_step"], _steps_of_hand_rnn(50)["per_step"], rel_tol=0.05)
    text = found["message"]
    assert f"so step {zeros + 1} gets a gradient about" in text
    assert (
        f"the first {zeros} steps get no gradient at all (it becomes too small for float32"
        " and rounds to exactly 0)"
    ) in text
    set_language("pl")
    text = _steps_of_hand_rnn(200)["message"]
    assert f"pierwszych {zeros} kroków nie dostaje żadnego gradientu" in text
    assert "za mały dla typu float32" in text


def test_steps_whose_gradient_is_exactly_zero_are_not_called_underflow():
    found = _steps_of_hand_rnn(30, closed=5)
    assert found["zero_steps"] == 5 and found["per_step"] > 1.5
    text = found["message"]
    assert "the first 5 steps get no gradient at all (it is exactly 0)" in text
    assert "so step 6 gets a gradient about" in text and "too small" not in text


def test_a_last_state_the_loss_never_reads_does_not_hide_the_run():
    class TutorialRNN(nn.Module):  # PyTorch's name classifier: the last hidden is not read
        def __init__(self) -> None:
            super().__init__()
            self.i2h, self.i2o = nn.Linear(8 + HIDDEN, HIDDEN), nn.Linear(8 + HIDDEN, 1)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            hidden = torch.zeros(x.shape[0], HIDDEN)
            for t in range(x.shape[1]):
                combined = torch.cat([x[:, t], hidden], 1)
                hidden, output = torch.tanh(self.i2h(combined)), self.i2o(combined)
            return output

    (found,) = steps_found(seeded(TutorialRNN))
    assert found["kind"] == "vanishing" and found["name"] == "i2h.weight"


def test_a_loss_weighing_early_steps_more_is_no_explosion():
    class Discounted(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.rnn, self.out = nn.RNN(8, HIDDEN, batch_first=True), nn.Linear(HIDDEN, 1)
            nn.init.orthogonal_(self.rnn.weight_hh_l0)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            weights = 0.95 ** torch.arange(x.shape[1], dtype=torch.float32)
            return self.out(self.rnn(x)[0]).squeeze(-1) * weights  # each step read, early more

    assert [f for f in steps_found(seeded(Discounted), steps=80) if f["kind"] == "exploding"] == []


def test_a_layer_applied_again_and_again_is_told_about_repeats_not_sequences():
    class Tied(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.layer = nn.Linear(HIDDEN, HIDDEN)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            for _ in range(12):
                x = torch.sigmoid(self.layer(x))
            return x

    g = ng.trace(seeded(Tied), torch.randn(16, HIDDEN), loss=lambda y: y.pow(2).mean())
    (found,) = [f for f in g.health() if "per_step" in f]
    assert found["message"].startswith("Vanishing gradient through repeats")
    assert "residual connection" in found["message"] and "LSTM" not in found["message"]


class NameClassifier(nn.Module):
    """The RNN of PyTorch's tutorial "classifying names with a character-level RNN"."""

    def __init__(self, input_size: int, hidden_size: int, output_size: int) -> None:
        super().__init__()
        self.i2h = nn.Linear(input_size, hidden_size)
        self.h2h = nn.Linear(hidden_size, hidden_size)
        self.h2o = nn.Linear(hidden_size, output_size)

    def forward(self, x: torch.Tensor, hidden: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        hidden = torch.tanh(self.i2h(x) + self.h2h(hidden))
        return self.h2o(hidden), hidden


def test_the_tutorial_rnn_stepped_in_a_notebook_loop_is_told_about_time():
    """Sweep S2: it was told "through repeats ... add a residual connection ... or clip the
    gradients": its layers are Linear, no RNN type, yet each step mixes in the next letter."""
    torch.manual_seed(0)
    rnn = NameClassifier(57, 128, 18)
    line = nn.functional.one_hot(torch.randint(0, 57, (20,)), 57).float().unsqueeze(1)
    with ng.record(rnn) as rec:
        hidden = torch.zeros(1, 128)
        for i in range(line.size(0)):
            output, hidden = rnn(line[i], hidden)
        nn.functional.cross_entropy(output, torch.tensor([3])).backward()
    (found,) = [f for f in rec.graph.health() if "per_step" in f]
    assert (found["name"], found["steps"]) == ("h2h.weight", 20)
    text = found["message"]
    assert text.startswith("Vanishing gradient through time")
    assert "nn.LSTM or nn.GRU" in text and "nn.init.orthogonal_" in text
    assert "clip_grad_norm_" not in text and "residual" not in text


class HandWritten(nn.Module):
    """A recurrence written by hand: `plain` h = tanh(i2h(x_t) + h2h(h)), the same with the
    input projected once for all steps (`projected`) or raw parameters (`raw`), or a cell
    with gates: an LSTM's (`lstm`), a GRU's (`gru`)."""

    def __init__(self, kind: str) -> None:
        super().__init__()
        self.kind = kind
        gates = {"lstm": 4, "gru": 2}.get(kind, 1)
        self.i2h = nn.Linear(8, gates * HIDDEN)
        self.h2h = nn.Linear(HIDDEN, gates * HIDDEN, bias=kind != "projected")
        self.w_in = nn.Parameter(torch.randn(8, HIDDEN) * 0.3)
        self.w_rec = nn.Parameter(torch.randn(HIDDEN, HIDDEN) * 0.08)
        self.out = nn.Linear(HIDDEN, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = c = torch.zeros(x.shape[0], HIDDEN)
        projected = self.i2h(x)
        for t in range(x.shape[1]):
            if self.kind == "raw":
                h = torch.tanh(x[:, t] @ self.w_in + h @ self.w_rec)
            elif self.kind == "projected":
                h = torch.tanh(projected[:, t] + self.h2h(h))
            elif self.kind == "lstm":
                i, f, g, o = (self.i2h(x[:, t]) + self.h2h(h)).chunk(4, 1)
                c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
                h = torch.sigmoid(o) * torch.tanh(c)
            elif self.kind == "gru":
                z, n = (self.i2h(x[:, t]) + self.h2h(h)).chunk(2, 1)
                z = torch.sigmoid(z)
                h = (1 - z) * torch.tanh(n) + z * h
            else:
                h = torch.tanh(self.i2h(x[:, t]) + self.h2h(h))
        return self.out(h)


@pytest.mark.parametrize(
    ("kind", "advice"),
    [
        ("plain", "nn.LSTM or nn.GRU"),
        ("projected", "nn.LSTM or nn.GRU"),
        ("raw", "nn.LSTM or nn.GRU"),
        ("lstm", "an LSTM's forget gate, a GRU's update gate"),
        ("gru", "an LSTM's forget gate, a GRU's update gate"),
    ],
)
def test_a_recurrence_written_by_hand_is_told_about_time_for_its_kind_of_cell(kind, advice):
    (found,) = steps_found(seeded(lambda: HandWritten(kind)))
    text = found["message"]
    assert text.startswith("Vanishing gradient through time")
    assert advice in text and "nn.init.orthogonal_" in text and "clip_grad_norm_" not in text
    if kind in ("lstm", "gru"):  # it already has gates: another LSTM is no remedy
        assert "nn.LSTM or nn.GRU" not in text


class Repeated(nn.Module):
    """One block applied again and again to its own output, reading nothing new: a Linear
    (`raw`: a raw parameter) between sigmoids, a residual block, or a Linear reading the same
    mask at every use (`mask`, or one `made` anew from the same input at each use)."""

    def __init__(self, kind: str) -> None:
        super().__init__()
        self.kind = kind
        self.layer = nn.Linear(HIDDEN, HIDDEN)
        self.block = nn.Sequential(
            nn.Linear(HIDDEN, HIDDEN), nn.Sigmoid(), nn.Linear(HIDDEN, HIDDEN)
        )
        self.weight = nn.Parameter(torch.randn(HIDDEN, HIDDEN) * 0.1)

    def forward(self, x: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        mask = (torch.arange(HIDDEN) < lengths[:, None]).float()
        for _ in range(16):
            if self.kind == "raw":
                x = torch.sigmoid(x @ self.weight)
            elif self.kind == "residual":
                x = torch.sigmoid(x + self.block(x))
            elif self.kind == "mask":
                x = torch.sigmoid(self.layer(x) * mask)
            else:
                x = torch.sigmoid(self.layer(x) * (torch.arange(HIDDEN) < lengths[:, None]))
        return x


@pytest.mark.parametrize("kind", ["raw", "residual", "mask", "made"])
def test_a_block_applied_to_its_own_output_is_told_about_repeats_without_clipping(kind):
    """Clipping cuts a gradient that is too large: no remedy for one that fades."""
    torch.manual_seed(1)
    x, lengths = torch.randn(16, HIDDEN), torch.randint(20, HIDDEN + 1, (16,))
    g = ng.trace(seeded(lambda: Repeated(kind)), x, lengths, loss=lambda y: y.pow(2).mean())
    (found,) = [f for f in g.health() if "per_step" in f]
    text = found["message"]
    assert text.startswith("Vanishing gradient through repeats") and found["steps"] == 16
    assert "residual connection" in text and "clip_grad_norm_" not in text
    assert "LSTM" not in text


class RepeatedPerStep(nn.Module):
    """A shared block applied 12 times that mixes in a value of its own at each repeat, made
    of no data: a step embedding (Universal Transformer), a sinusoid of the step, or a dropout
    mask drawn anew."""

    def __init__(self, kind: str) -> None:
        super().__init__()
        self.kind = kind
        self.block = nn.Linear(HIDDEN, HIDDEN)
        self.step = nn.Embedding(12, HIDDEN)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for t in range(12):
            if self.kind == "embedding":
                x = x + self.step(torch.tensor(t))
            elif self.kind == "sinusoid":
                x = x + torch.sin(torch.arange(HIDDEN) * (t + 1) / HIDDEN)
            else:
                x = x * (torch.rand(1, HIDDEN) > 0.2) / 0.8
            x = torch.sigmoid(self.block(x))
        return x


@pytest.mark.parametrize("kind", ["embedding", "sinusoid", "mask"])
def test_a_value_per_repeat_made_of_no_data_is_no_sequence_input(kind):
    """Review r1: a step embedding added at each repeat of a shared block was taken for the
    input of a sequence ("through time ... Use nn.LSTM or nn.GRU")."""
    torch.manual_seed(1)
    model = seeded(lambda: RepeatedPerStep(kind))
    g = ng.trace(model, torch.randn(16, HIDDEN), loss=lambda y: y.pow(2).mean())
    (found,) = [f for f in g.health() if "per_step" in f]
    assert found["message"].startswith("Vanishing gradient through repeats")
    assert "LSTM" not in found["message"]


def test_a_raw_weight_applied_again_and_again_outside_a_module_is_no_sequence():
    """It was told "through time ... Use nn.LSTM or nn.GRU": no module type said otherwise."""
    torch.manual_seed(0)
    w = (torch.randn(HIDDEN, HIDDEN) * 0.1).requires_grad_()
    x = torch.randn(16, HIDDEN)
    with ng.record() as rec:
        for _ in range(12):
            x = torch.sigmoid(x @ w)
        x.pow(2).mean().backward()
    (found,) = [f for f in rec.graph.health() if "per_step" in f]
    assert found["name"] == "w" and found["message"].startswith(
        "Vanishing gradient through repeats"
    )
    assert "LSTM" not in found["message"]


def test_a_block_that_blows_the_gradient_up_through_repeats_is_told_to_clip_it():
    class Tied(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.layer = nn.Linear(HIDDEN, HIDDEN)
            nn.init.normal_(self.layer.weight, std=0.5)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            for _ in range(12):
                x = nn.functional.leaky_relu(self.layer(x), 0.5)
            return x

    g = ng.trace(seeded(Tied), torch.randn(16, HIDDEN), loss=lambda y: y.pow(2).mean())
    (found,) = [f for f in g.health() if "per_step" in f]
    text = found["message"]
    assert text.startswith("Exploding gradient through repeats")
    assert "start its weights smaller" in text and "clip_grad_norm_" in text


def test_two_independent_recurrences_of_different_kinds_are_both_said():
    class TwoWays(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.fwd, self.bwd = nn.RNNCell(8, HIDDEN), nn.RNNCell(8, HIDDEN)
            nn.init.normal_(self.bwd.weight_hh, std=0.5)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            f = b = torch.zeros(x.shape[0], HIDDEN)
            for t in range(x.shape[1]):
                f, b = self.fwd(x[:, t], f), self.bwd(x[:, -1 - t], b)
            return f.sum(1) + b.sum(1)

    kinds = {f["name"]: f["kind"] for f in steps_found(seeded(TwoWays))}
    assert kinds == {"fwd.weight_hh": "vanishing", "bwd.weight_hh": "exploding"}


# -- a recurrent weight whose zero gradient comes from h0 = 0 ----------------------------------


class Classifier(nn.Module):
    """Tokens -> Embedding -> a recurrent layer -> its output at the last step -> Linear: the
    sentiment classifier of a first NLP course."""

    def __init__(self, rnn: nn.Module, *, embed: bool = True) -> None:
        super().__init__()
        self.emb = nn.Embedding(100, 8) if embed else nn.Identity()
        self.rnn = rnn
        self.fc = nn.Linear(rnn.hidden_size * (2 if rnn.bidirectional else 1), 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc(self.rnn(self.emb(x))[0][:, -1])


def _zero_gradient_findings(model: nn.Module, x: torch.Tensor) -> list[dict]:
    labels = torch.randint(0, 2, (x.shape[0],))
    g = ng.trace(model, x, loss=lambda y: nn.functional.cross_entropy(y, labels))
    return [f for f in g.health() if f.get("rms") == 0 or "exactly zero" in f["message"]]


@pytest.mark.parametrize("make", [nn.LSTM, nn.GRU, nn.RNN])
def test_a_bidirectional_layer_read_at_its_last_step_is_not_said_to_get_zeros(make):
    """Read at `out[:, -1]`, the reverse direction has run one step from h0 = 0, so its
    `weight_hh_l0_reverse` gets exactly zero gradient: 'every value coming into this layer is
    zero' was said of a layer whose input was not (sweep 26)."""
    torch.manual_seed(0)
    model = Classifier(make(8, HIDDEN, batch_first=True, bidirectional=True))
    tokens = torch.randint(0, 100, (8, 25))
    nn.functional.cross_entropy(model(tokens), torch.randint(0, 2, (8,))).backward()
    assert float(model.rnn.weight_hh_l0_reverse.grad.abs().max()) == 0  # the case in hand
    assert _zero_gradient_findings(model, tokens) == []


def test_a_layer_fed_sequences_of_one_step_is_not_said_to_get_zeros():
    torch.manual_seed(0)
    model = Classifier(nn.GRU(8, HIDDEN, batch_first=True), embed=False)
    assert _zero_gradient_findings(model, torch.randn(8, 1, 8)) == []


@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("make", [nn.LSTM, nn.GRU, nn.RNN])
def test_a_recurrent_layer_fed_only_zeros_is_flagged(make, bidirectional):
    """Its weight_hh still gets a gradient (h1 = f(bias) is not zero), so judged by its
    largest weight a layer wider than its input went unflagged."""
    torch.manual_seed(0)
    model = Classifier(make(8, HIDDEN, batch_first=True, bidirectional=bidirectional), embed=False)
    (found,) = _zero_gradient_findings(model, torch.zeros(8, 5, 8))
    assert found["kind"] == "vanishing" and found["module"] == "rnn"


# -- bidirectional layers -------------------------------------------------------------------------


class _StackedBidirectionalClassifier(nn.Module):
    """A 2-layer bidirectional RNN read at its last position, at PyTorch's default init."""

    def __init__(self) -> None:
        super().__init__()
        self.rnn = nn.RNN(10, 32, 2, batch_first=True, bidirectional=True)
        self.head = nn.Linear(64, 3)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.rnn(x)[0][:, -1])


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_reverse_direction_under_a_fading_layer_is_not_said_to_explode(seed):
    """Sweep R1: the upper layer reads every position and its gradient fades towards the start,
    so the lower reverse direction, which runs from the end, gets more gradient the earlier it
    runs: "exploding ... start the recurrent weights smaller (PyTorch's default
    initialisation)" was said of default weights."""
    torch.manual_seed(seed)
    x, y = torch.randn(8, 12, 10), torch.randint(0, 3, (8,))
    g = ng.trace(
        _StackedBidirectionalClassifier(), x, loss=lambda o: nn.functional.cross_entropy(o, y)
    )
    assert "exploding" not in {f["kind"] for f in g.health()}


def test_bidirectional_weights_too_large_explode_in_both_directions():
    torch.manual_seed(0)
    rnn = nn.RNN(10, 32, batch_first=True, bidirectional=True)
    with torch.no_grad():
        rnn.weight_hh_l0.normal_(0, 0.5)
        rnn.weight_hh_l0_reverse.normal_(0, 0.5)
    g = ng.trace(rnn, torch.randn(8, 30, 10), loss=lambda out: out[0].pow(2).mean())
    exploding = {f["name"] for f in g.health() if f["kind"] == "exploding"}
    assert exploding == {"weight_hh_l0", "weight_hh_l0_reverse"}
