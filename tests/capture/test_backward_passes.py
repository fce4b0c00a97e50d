"""Several backward passes in one recording: an op node's `grad` is the sum over the passes
that reached it, as `.grad` after `retain_grad()` shows it in a plain run (same seed)."""

from __future__ import annotations

import copy
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

import nngraph as ng
from tests.capture.test_correctness import assert_stats_match


def _multitask() -> tuple[nn.ModuleDict, torch.Tensor, torch.Tensor]:
    torch.manual_seed(0)
    model = nn.ModuleDict(
        {
            "enc": nn.Sequential(nn.Linear(6, 8), nn.ReLU(), nn.Linear(8, 8), nn.ReLU()),
            "h1": nn.Linear(8, 1),
            "h2": nn.Linear(8, 1),
        }
    )
    return model, torch.randn(32, 6), torch.randn(32, 1)


def _node(graph: ng.Graph, **attrs: Any) -> dict[str, Any]:
    (found,) = [d for _, d in graph.nodes(data=True) if all(d[k] == v for k, v in attrs.items())]
    return found


def test_two_backward_passes_sum_into_the_ops_both_reached() -> None:
    model, x, t = _multitask()
    plain = copy.deepcopy(model)
    with ng.record(model) as rec:
        z = model["enc"](x)
        main = F.mse_loss(model["h1"](z), t)
        auxiliary = 1e-4 * model["h2"](z).pow(2).mean()
        main.backward(retain_graph=True)
        auxiliary.backward()
    graph = rec.graph

    z_ = plain["enc"](x)
    z_.retain_grad()
    head = plain["h1"](z_)
    head.retain_grad()
    F.mse_loss(head, t).backward(retain_graph=True)
    (1e-4 * plain["h2"](z_).pow(2).mean()).backward()

    assert graph.graph["backward_passes"] == 2
    assert_stats_match(_node(graph, op="relu", module="enc.3")["grad"], z_.grad)
    assert_stats_match(
        _node(graph, backward="AddmmBackward0", module="h1")["grad"], head.grad
    )  # one pass
    assert_stats_match(_node(graph, name="enc.0.weight")["grad"], plain["enc"][0].weight.grad)


def test_autograd_grad_passes_count_too() -> None:
    model, x, t = _multitask()
    plain = copy.deepcopy(model)
    with ng.record(model) as rec:
        z = model["enc"](x)
        main = F.mse_loss(model["h1"](z), t)
        auxiliary = model["h2"](z).pow(2).mean()
        torch.autograd.grad(main, z, retain_graph=True)  # stops at z: its node does not run
        torch.autograd.grad(main, model["enc"][0].weight, retain_graph=True)  # runs z's node
        main.backward(retain_graph=True)
        auxiliary.backward()

    z_ = plain["enc"](x)
    z_.retain_grad()
    main_ = F.mse_loss(plain["h1"](z_), t)
    torch.autograd.grad(main_, z_, retain_graph=True)
    torch.autograd.grad(main_, plain["enc"][0].weight, retain_graph=True)
    main_.backward(retain_graph=True)
    plain["h2"](z_).pow(2).mean().backward()
    assert_stats_match(_node(rec.graph, op="relu", module="enc.3")["grad"], z_.grad)


def test_one_pass_that_keeps_the_graph_shows_its_gradients() -> None:
    model, x, t = _multitask()
    plain = copy.deepcopy(model)
    with ng.record(model) as rec:
        F.mse_loss(model["h1"](model["enc"](x)), t).backward(retain_graph=True)
    z_ = plain["enc"](x)
    z_.retain_grad()
    F.mse_loss(plain["h1"](z_), t).backward()
    assert_stats_match(_node(rec.graph, op="relu", module="enc.3")["grad"], z_.grad)


def test_a_gradient_penalty_adds_the_pass_that_made_it() -> None:
    torch.manual_seed(0)
    critic = nn.Sequential(nn.Linear(4, 16), nn.Tanh(), nn.Linear(16, 1))
    plain = copy.deepcopy(critic)
    x = torch.randn(8, 4, requires_grad=True)

    def loss(out: torch.Tensor) -> torch.Tensor:
        (slope,) = torch.autograd.grad(out.sum(), x, create_graph=True)
        return -out.mean() + 10 * ((slope.norm(dim=1) - 1) ** 2).mean()

    graph = ng.trace(critic, x, loss=loss)
    hidden = plain[1](plain[0](x))
    hidden.retain_grad()
    loss(plain[2](hidden)).backward()
    assert_stats_match(_node(graph, op="tanh")["grad"], hidden.grad)


def _batched_vjp(y: torch.Tensor, w: torch.Tensor, **kwargs: Any) -> torch.Tensor:
    """The rows of the Jacobian of `y` for `w`, in one pass with batched gradients."""
    eye = torch.eye(y.numel()).view(-1, *y.shape)
    (rows,) = torch.autograd.grad(y, w, eye, is_grads_batched=True, **kwargs)
    return rows


def test_batched_gradients_of_a_pass_that_keeps_the_graph_leave_the_result_alone() -> None:
    """`is_grads_batched=True` with `retain_graph` or `create_graph` (a vectorized Hessian)
    crashed in the gradient hook; the batched gradients have no statistics of their own."""
    torch.manual_seed(0)
    w, x = torch.randn(3, 3, requires_grad=True), torch.randn(2, 3)
    for kwargs in ({"retain_graph": True}, {"create_graph": True}):
        with ng.record() as rec:
            rows = _batched_vjp(torch.tanh(x @ w), w, **kwargs)
        assert torch.allclose(rows, _batched_vjp(torch.tanh(x @ w), w))
        assert _node(rec.graph, op="tanh")["grad"] is None
    # `unbind`'s node joins the gradients of its outputs: batched ones are not joined
    with ng.record() as rec:
        first, second = torch.tanh(x @ w).unbind(1)[:2]
        rows = _batched_vjp(first * 2 + second, w)
    assert rows.shape == (2, 3, 3) and _node(rec.graph, op="unbind")["grad"] is None

    def f(z: torch.Tensor) -> torch.Tensor:
        return torch.tanh(z @ w).sum()

    hessian = torch.autograd.functional.hessian
    jacobian = torch.autograd.functional.jacobian
    with ng.record() as rec:
        h = hessian(f, x, vectorize=True)
        j = jacobian(lambda z: torch.tanh(z @ w), x, vectorize=True, create_graph=True)
    assert torch.allclose(h, hessian(f, x))
    assert torch.allclose(j, jacobian(lambda z: torch.tanh(z @ w), x))
    assert rec.graph.number_of_nodes() > 0


def test_a_batched_pass_after_one_that_kept_the_graph_shows_the_kept_gradients() -> None:
    torch.manual_seed(0)
    w, x = torch.randn(3, 3, requires_grad=True), torch.randn(2, 3)
    with ng.record() as rec:
        y = torch.tanh(x @ w)
        y.sum().backward(retain_graph=True)
        rows = _batched_vjp(y, w)
    plain = torch.tanh(x @ w)
    plain.retain_grad()
    plain.sum().backward(retain_graph=True)
    kept = plain.grad.clone()  # `retain_grad()` then holds the batched pass's, unreadable
    assert torch.allclose(rows, _batched_vjp(plain, w))
    assert_stats_match(_node(rec.graph, op="tanh")["grad"], kept)
