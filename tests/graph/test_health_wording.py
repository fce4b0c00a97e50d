"""What the findings say fits the case they are about: the advice is not the cause itself, a
cause the sentence leaves out is named, a summary line keeps the advice of its findings, and
numbers read as a student says them."""

from __future__ import annotations

import pytest
import torch
from torch import nn
from torch.nn import functional as F

import nngraph as ng
from nngraph.graph import Graph
from tests.graph.conftest import Build, stats
from tests.graph.test_health import dead_graph, mlp_graph


def summary_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("- [")]


def relu20(std: float | None = 1.0) -> Graph:
    """20 ReLU layers 32 wide, weights of `std` (None: PyTorch's default), untrained."""
    torch.manual_seed(0)
    layers: list[nn.Module] = []
    for _ in range(20):
        layer = nn.Linear(32, 32)
        if std is not None:
            nn.init.normal_(layer.weight, std=std)
        layers += [layer, nn.ReLU()]
    model = nn.Sequential(*layers, nn.Linear(32, 1))
    x, y = torch.randn(16, 32), torch.randn(16, 1)
    return ng.trace(model, x, loss=lambda out: F.mse_loss(out, y))


# -- the advice fits the case -------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "pl"])
def test_a_tiny_gradient_is_not_told_to_use_the_default_init_that_shrinks_it(language: str):
    ng.set_language(language)
    (tiny,) = [f for f in mlp_graph([1e-12, 1.0, 1.0]).health() if f.get("rms") == 1e-12]
    if language == "en":
        assert "with PyTorch's default initialisation or" not in tiny["message"]
        assert (
            "Weights that start too small (PyTorch's default initialisation in a deep ReLU net)"
            in tiny["message"]
        )
    else:
        assert "z domyślną inicjalizacją PyTorcha albo" not in tiny["message"]
        assert "startują bardzo małe" not in tiny["message"]
        assert "zbyt małe wagi początkowe (tak działa domyślna inicjalizacja" in tiny["message"]


def test_dead_units_where_the_values_grow_name_the_growth_without_promising_a_cure():
    # "This follows from the values that grow ... smaller weights bring these units back" was
    # false (sweep 22e, F2): a ReLU layer's weights change a value's sign only through biases
    found = relu20(std=1.0).health()
    grow = [f for f in found if f["kind"] == "exploding" and "factor" in f]
    dead = [f for f in found if f["kind"] == "dead"]
    assert grow and dead
    for f in dead:
        assert "The values also grow layer after layer (above)" in f["message"]
        assert "brings these units back" not in f["message"]
        assert "a learning rate that is too high" not in f["message"]
    assert found.index(grow[0]) < found.index(dead[0])  # "above"


def test_dead_units_list_weights_far_too_large_among_their_causes():
    (finding,) = dead_graph([20, 64]).health()
    assert (
        "or weights so large that every example lands on the same side of zero"
        in (finding["message"])
    )
    ng.set_language("pl")
    (finding,) = dead_graph([20, 64]).health()
    assert (
        "albo tak duże wagi, że wszystkie przykłady trafiają po tej samej stronie zera"
        in (finding["message"])
    )


class ListNet(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.layers = [nn.Linear(4, 8), nn.Linear(8, 1)]  # a plain list: not registered

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.layers[1](torch.relu(self.layers[0](x)))


@pytest.mark.parametrize("language", ["en", "pl"])
def test_gradients_added_up_in_unregistered_layers_do_not_promise_registering_fixes_it(
    language: str,
):
    # the optimizer is built from the layers' own parameters: it trains them, and registering
    # them would not call the zero_grad() that is missing
    torch.manual_seed(0)
    model, x, y = ListNet(), torch.randn(16, 4), torch.randn(16, 1)
    opt = torch.optim.SGD([p for layer in model.layers for p in layer.parameters()], lr=0.01)
    ng.set_language(language)
    with ng.record(model) as rec:
        for _ in range(2):
            F.mse_loss(model(x), y).backward()
            opt.step()
    found = [f for f in rec.graph.health() if f["kind"] == "accumulated"]
    (line,) = [line for line in summary_lines(rec.graph.summary()) if ".grad" in line]
    for text in [f["message"] for f in found] + [line]:
        if language == "en":
            assert "and this goes away" not in text and "(nor does the optimizer" not in text
            assert "If your optimizer was built from model.parameters()" in text
            assert "otherwise call optimizer.zero_grad() before each backward" in text
        else:
            assert "a problem zniknie" not in text
            assert "Jeśli optymalizator zbudowano z model.parameters()" in text
            assert "w przeciwnym razie wywołuj optimizer.zero_grad()" in text


def test_a_nan_in_the_data_says_how_to_find_the_examples_that_hold_it():
    model = nn.Linear(3, 1)
    x = torch.randn(4, 3)
    x[2, 1] = float("nan")
    g = ng.trace(model, x, loss=lambda out: out.pow(2).mean())
    (forward,) = [f for f in g.health() if f["where"] == "forward"]
    where = "(~torch.isfinite(x)).reshape(len(x), -1).any(1).nonzero()"
    assert "find it with torch.isfinite(x).all()" not in forward["message"]
    assert where in forward["message"]
    assert torch.equal(eval(where, {"torch": torch, "x": x}), torch.tensor([[2]]))
    y = torch.tensor([1.0, float("inf"), 2.0])  # one dimension too
    assert torch.equal(eval(where, {"torch": torch, "x": y}), torch.tensor([[1]]))
    ng.set_language("pl")
    (forward,) = [f for f in g.health() if f["where"] == "forward"]
    assert "Ta wartość jest już w samych danych: sprawdzisz to przez" in forward["message"]


@pytest.mark.parametrize(("op", "hint"), [("sqrt", "sqrt(x + eps)"), ("log", "log(x + eps)")])
def test_a_broken_gradient_an_ops_own_backward_made_gets_that_ops_hint(op: str, hint: str):
    # the norm of a zero vector: sqrt(0) is 0, its gradient infinite; log(0) is masked away
    # by its exp, its gradient infinite too
    torch.manual_seed(0)
    fc = nn.Linear(4, 4)
    x = torch.randn(8, 4)

    def loss(h: torch.Tensor) -> torch.Tensor:
        zero = (h - h).pow(2).sum()
        return torch.sqrt(zero) if op == "sqrt" else torch.exp(torch.log(zero))

    g = ng.trace(fc, x, loss=loss)
    (made,) = [f for f in g.health() if f["where"] == "backward"]
    assert "made the first" in made["message"]
    assert made["message"].endswith(ng.i18n.message(f"graph.health.hint.{op}"))
    assert hint in made["message"]


def test_the_op_hint_says_domain_not_range():
    b = Build({})
    x = b.input([4])
    b.output(b.op("acos", x, shape=[4], value=stats(nan=1)), value=stats(nan=1))
    (finding,) = b.g.health()
    assert "a value the op is not defined for (outside its domain)" in finding["message"]
    assert "range" not in finding["message"]


# -- a no_grad region in forward ------------------------------------------------------------


class NoGradRegion(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.a, self.b, self.c, self.d = (nn.Linear(4, 8), nn.Linear(8, 8), nn.Linear(8, 8),
                                          nn.Linear(8, 1))  # fmt: skip

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        with torch.no_grad():
            h = self.c(torch.relu(self.b(torch.relu(self.a(x)))))
        return self.d(torch.relu(h))


@pytest.mark.parametrize("language", ["en", "pl"])
def test_the_summary_names_the_layers_a_no_grad_region_keeps_from_learning(language: str):
    torch.manual_seed(0)
    x, y = torch.randn(16, 4), torch.randn(16, 1)
    ng.set_language(language)
    g = ng.trace(NoGradRegion(), x, loss=lambda out: F.mse_loss(out, y))
    # a frozen feature extractor, a teacher or a target network may well be meant: no finding
    assert not [f for f in g.health() if f["kind"] == "no_gradient"]
    said = {
        "en": "Layers that ran under torch.no_grad() get no gradient and do not learn here: "
        "a, b, c (Linear)",
        "pl": "Warstwy, które działały w bloku torch.no_grad(), nie dostają gradientu i tu się "
        "nie uczą: a, b, c (Linear)",
    }[language]
    assert said in g.summary().splitlines()


def test_a_model_that_learns_everywhere_has_no_no_grad_line():
    g = ng.trace(nn.Linear(3, 1), torch.randn(4, 3), loss=lambda out: out.sum())
    assert "no_grad" not in g.summary()


# -- grouped summary lines --------------------------------------------------------------------


def test_grouped_lines_keep_the_advice_of_their_findings():
    lines = summary_lines(relu20(std=1.0).summary())
    (huge,) = [line for line in lines if "huge gradient" in line]
    assert huge.endswith(
        "Start from smaller weights, lower the learning rate, or clip the gradients with "
        "torch.nn.utils.clip_grad_norm_."
    )
    ng.set_language("pl")
    lines = summary_lines(relu20(std=None).summary())
    (tiny,) = [line for line in lines if "prawie zerowy" in line]
    assert tiny.endswith("i dodaj BatchNorm albo LayerNorm.")


def _dead_layers(dead: list[int], layers: int = 3) -> list[dict]:
    return [
        {"kind": "dead", "where": "forward", "module": f"{i}", "dead": d, "units": 8,
         "message": "one"}
        for i, d in zip(range(layers), dead, strict=True)
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("dead", "en", "pl"),
    [
        ([8, 8, 8], "In 3 ReLU layers, all of the units output zero", ": wszystkie jednostki."),
        ([4, 4, 4], "In 3 ReLU layers, 50% of the units output zero", ": 50% jednostek."),
        ([4, 8, 6], "In 3 ReLU layers, 50% to 100% of the units output", ": od 50% do 100% jedn"),
    ],
)
def test_a_grouped_share_of_dead_units_is_not_a_range_from_a_number_to_itself(
    dead: list[int], en: str, pl: str
):
    from nngraph.graph._summary_findings import finding_lines

    types = {"0": "ReLU", "1": "ReLU", "2": "ReLU"}
    ((_, text),) = finding_lines(_dead_layers(dead), types)
    assert text.startswith(en) and "100% to 100%" not in text
    assert "The usual causes: " in text and text.endswith(
        "if training has started, a lower learning rate."
    )
    ng.set_language("pl")
    ((_, text),) = finding_lines(_dead_layers(dead), types)
    assert pl in text and "od 100% do 100%" not in text


def test_grouped_dead_units_where_the_values_grow_name_it_without_promising_a_cure():
    # as one layer's finding says it (sweep 22e): smaller weights change a sign only through
    # the biases, so they need not bring the units back
    from nngraph.graph._summary_findings import finding_lines

    grow = {"kind": "exploding", "where": "forward", "module": "4", "factor": 4.0, "message": "x"}
    text = finding_lines([grow, *_dead_layers([4, 8, 6])], {})[1][1]
    assert "grow layer after layer" in text and "may not bring these units back" in text
    assert "brings these units back too" not in text


# -- numbers ------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "pl"])
def test_the_gradient_ratio_is_said_in_round_words(language: str):
    ng.set_language(language)
    (finding,) = mlp_graph([1e-8, 1e-7, 1e-6, 1.0]).health()
    assert finding["total"] == pytest.approx(1e8)
    said = {"en": "about 100 million times smaller (RMS)", "pl": "około 100 mln razy mniejszy"}
    assert said[language] in finding["message"]
    assert "100,000,000" not in finding["message"] and "RMS per weight" not in finding["message"]
    assert "allowing for" not in finding["message"]


@pytest.mark.parametrize(("language", "label"), [("en", "data scale"), ("pl", "skala danych")])
def test_data_far_from_standardised_has_a_label_of_its_own_in_the_summary(
    language: str, label: str
):
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 1))
    x, y = torch.rand(32, 4) * 1000, torch.randn(32, 1)
    ng.set_language(language)
    g = ng.trace(model, x, loss=lambda out: F.mse_loss(out, y))
    (scale,) = [f for f in g.health() if "mean" in f]
    assert scale["kind"] == "exploding"  # the schema's kind stays
    lines = summary_lines(g.summary())
    assert any(line.startswith(f"- [{label}] ") for line in lines), lines
    (row,) = [line for line in g.summary().splitlines() if line.startswith("0 ")]
    assert row.endswith(label)  # the flags column too: no exploding gradient here


# -- 200 tanh layers --------------------------------------------------------------------------


def test_a_gradient_that_vanishes_to_exactly_zero_is_not_blamed_on_relus_or_masks():
    torch.manual_seed(0)
    layers: list[nn.Module] = [nn.Linear(4, 16), nn.Tanh()]
    for _ in range(200):
        layers += [nn.Linear(16, 16), nn.Tanh()]
    model = nn.Sequential(*layers, nn.Linear(16, 1))
    x, y = torch.randn(32, 4), torch.randn(32, 1)
    g = ng.trace(model, x, loss=lambda out: F.mse_loss(out, y))
    found = g.health()
    assert [f for f in found if "per_layer" in f and f["kind"] == "vanishing"]
    zero = [f for f in found if f.get("rms") == 0]
    assert len(zero) > 10
    for f in zero:
        assert "ReLU units silent" not in f["message"] and "a mask" not in f["message"]
        assert "too small for float32 and rounds to zero" in f["message"]
        assert f.get("underflow") is True
    lines = summary_lines(g.summary())
    assert len(lines) == 3  # the trend, the layers at zero, the layers almost at zero
    assert "shrink about" in lines[0] and "too small for float32" in lines[1]


# -- Polish -------------------------------------------------------------------------------------


def test_the_polish_texts_avoid_the_phrases_a_reviewer_found_unnatural():
    from nngraph.i18n import pl

    texts = {key: text for key, text in pl.MESSAGES.items() if key.startswith("graph.")}
    assert not [key for key, text in texts.items() if "z wcześniej" in text]
    assert not [key for key, text in texts.items() if "biasy dostają niezerowy" in text]
    assert not [key for key, text in texts.items() if "bias dostaje niezerowy" in text]
    assert not [key for key, text in texts.items() if text.startswith("Są już w samych")]
    assert "(takie są od inicjalizacji albo urosły" in texts["graph.health.exploding_values"]
    assert texts["graph.health.hint.exp"].startswith("Funkcja exp z liczby większej niż około 88")
    assert (
        "choć gradient ich biasów nie jest zerowy"
        in (texts["graph.summary.group.vanishing_zero_input"])
    )
    assert texts["graph.health.hint.param"].startswith("Ta wartość jest już w samych wagach")
    # "Pole .grad ... został dodany": the subject and the verb agree now
    assert "został dodany" not in texts["graph.summary.group.accumulated"]


# -- a net of zero weights (sweep s33 S, finding 5) ----------------------------------------------


@pytest.mark.parametrize("language", ["en", "pl"])
def test_layers_stopped_by_zero_weights_name_them_in_order_and_point_to_their_finding(
    language: str,
) -> None:
    """Every Linear zeroed: the line said "because 2.weight, 0.weight is all zeros and gets no
    gradient (above)", of a finding printed below it."""
    torch.manual_seed(0)
    model = nn.Sequential(
        nn.Linear(10, 32), nn.ReLU(), nn.Linear(32, 32), nn.ReLU(), nn.Linear(32, 3)
    )
    for layer in model[::2]:
        nn.init.zeros_(layer.weight), nn.init.zeros_(layer.bias)
    x, y = torch.randn(64, 10), torch.randint(0, 3, (64,))
    ng.set_language(language)
    text = str(ng.trace(model, x, loss=lambda o: F.cross_entropy(o, y)).health())
    (line,) = [line for line in text.splitlines() if "0.weight, 2.weight" in line]
    if language == "en":
        assert "because the weights in 0.weight, 2.weight are all zero and get no gradient" in line
        # the finding it points to: listed first, as the cause (summary()'s order)
        assert "(see [zero weights])" in line and "[zero weights]" in text.split(line)[0]
    else:
        assert "bo wagi w 0.weight, 2.weight to same zera i nie dostają gradientu" in line
        assert "(zob. [zerowe wagi])" in line
    assert "(above)" not in text and "wyżej" not in text


@pytest.mark.parametrize(
    ("language", "said"), [("en", "the model (Linear)"), ("pl", "modelu (Linear)")]
)
def test_a_model_that_is_one_layer_is_named_as_the_model(language: str, said: str) -> None:
    """Sweep s40 (helper nb): the lesson's linear regression, a bare `nn.Linear(1, 1)`, was
    called "parameter weight" in its findings."""
    ng.set_language(language)
    torch.manual_seed(0)
    x = torch.rand(100, 1) * 1000
    g = ng.trace(torch.nn.Linear(1, 1), x, loss=lambda out: (out - 3 * x).pow(2).mean())
    texts = [f["message"] for f in g.health()]
    assert texts and all(said in text for text in texts), texts
    assert not any("parameter weight" in text or "parametru weight" in text for text in texts)
