"""A loss that reads only what a normalisation keeps fixed (`y.sum()` of a LayerNorm's output):
one finding at the norm, naming the loss as the cause, not a vanishing gradient per layer."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

import nngraph as ng
from nngraph.i18n import set_language


def post_ln_layer() -> nn.Module:
    torch.manual_seed(0)
    return nn.TransformerEncoderLayer(32, 4, 64, dropout=0.0, batch_first=True)


def test_the_sum_of_a_layer_norm_output_is_one_finding_at_the_norm_that_names_the_loss():
    layer, x = post_ln_layer(), torch.randn(2, 5, 32)
    g = ng.trace(layer, x, loss=lambda y: y.sum())
    (stop,) = g.health()
    assert stop["kind"] == "vanishing" and stop["module"] == "norm2"
    assert g.nodes[stop["node"]]["op"] == "layer_norm"
    assert stop["layers_before"] == 4 and stop["share"] < 1e-4
    assert "y.sum()" in stop["message"] and "F.mse_loss(y, target)" in stop["message"]
    assert "kaiming" not in stop["message"]
    # the truth: the layers before the norm get float rounding, the norm's own weight does not
    layer(x).sum().backward()
    assert layer.linear1.weight.grad.abs().max() < 1e-6 * layer.norm2.weight.grad.abs().max()


def test_the_same_layer_under_a_loss_with_a_target_has_no_finding():
    layer, x = post_ln_layer(), torch.randn(2, 5, 32)
    target = torch.randn(2, 5, 32)
    assert ng.trace(layer, x, loss=lambda y: F.mse_loss(y, target)).health() == []
    # a constant target is no target: the distance to it is fixed by the norm too
    (stop,) = ng.trace(layer, x, loss=lambda y: F.mse_loss(y, torch.ones_like(y))).health()
    assert stop["module"] == "norm2"


def test_a_norm_run_as_several_steps_is_told_once():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(8, 16), nn.RMSNorm(16))  # pow, mean, rsqrt, mul
    g = ng.trace(model, torch.randn(4, 8), loss=lambda y: y.pow(2).mean())
    (stop,) = g.health()
    assert stop["module"] == "1" and stop["layers_before"] == 1
    assert "the layer before it does not learn" in stop["message"]


def test_batch_norm_in_training_is_told_and_in_eval_mode_is_not():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 16), nn.BatchNorm1d(16))
    x = torch.randn(8, 8)
    (stop,) = ng.trace(model, x, loss=lambda y: y.sum()).health()
    assert stop["module"] == "3" and stop["layers_before"] == 2
    model.eval()  # then it only scales and shifts: the gradient passes
    found = ng.trace(model, x, loss=lambda y: y.sum()).health()
    assert "layers_before" not in {key for f in found for key in f}


def test_data_far_from_standardised_is_not_taken_for_a_stop():
    torch.manual_seed(0)
    model = nn.Sequential(nn.LayerNorm(3), nn.Linear(3, 16), nn.LayerNorm(16), nn.Linear(16, 1))
    prices = torch.randn(32, 16) * 1e5 + 3e5  # the norm passes 1e-5 of the gradient: its scale
    inner = nn.Sequential(nn.Linear(16, 16), nn.LayerNorm(16), nn.Linear(16, 1))
    target = torch.randn(32, 1)
    for m, x in ((model, torch.randn(32, 3)), (inner, prices)):
        found = ng.trace(m, x, loss=lambda y: F.mse_loss(y, target)).health()
        assert "layers_before" not in {key for f in found for key in f}


def test_the_finding_reads_in_polish_and_the_summary_says_it_once():
    layer, x = post_ln_layer(), torch.randn(2, 5, 32)
    g = ng.trace(layer, x, loss=lambda y: y.mean())
    try:
        set_language("pl")
        (stop,) = g.health()
        assert "4 warstwy przed nią się nie uczą" in stop["message"]
        assert "F.cross_entropy(y, labels)" in stop["message"]
    finally:
        set_language("en")
    summary = g.summary()
    assert summary.count("Almost no gradient passes back through") == 1
    assert "Findings (1)" in summary
