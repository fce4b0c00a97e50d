"""Vision transformers with layer scale (DeiT-III, CaiT: `x + gamma * attn(norm(x))`, gamma
1e-5) and a class-token head: the patch embedding's tiny gradient comes from the gates, though
the residual stream is a path past no gate, because the head's `[:, 0]` drops the patches'
positions. Deep nets whose gradient really vanishes are still said to."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import torch
from torch import nn
from torch.nn import functional as F

import nngraph as ng

DIM, PATCHES = 32, 16


class LayerScale(nn.Module):
    """timm's LayerScale: `x * gamma`, gamma = init_values * ones (in place as an option)."""

    def __init__(self, init_values: float = 1e-5, *, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace
        self.gamma = nn.Parameter(init_values * torch.ones(DIM))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.mul_(self.gamma) if self.inplace else x * self.gamma


class Attention(nn.Module):
    def __init__(self, heads: int = 4, *, causal: bool = False) -> None:
        super().__init__()
        self.heads, self.qkv, self.proj = heads, nn.Linear(DIM, 3 * DIM), nn.Linear(DIM, DIM)
        self.causal = causal

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, n, c = x.shape
        qkv = self.qkv(x).reshape(b, n, 3, self.heads, c // self.heads).permute(2, 0, 3, 1, 4)
        out = F.scaled_dot_product_attention(*qkv.unbind(0), is_causal=self.causal)
        return self.proj(out.transpose(1, 2).reshape(b, n, c))


def mlp() -> nn.Sequential:
    return nn.Sequential(nn.Linear(DIM, 4 * DIM), nn.GELU(), nn.Linear(4 * DIM, DIM))


class Block(nn.Module):
    """A pre-norm transformer block, each branch behind a layer scale; without `attention`
    the block mixes no positions (each token on its own); a `causal` one, GPT's, lets each
    token see only those before it."""

    def __init__(
        self,
        *,
        inplace: bool = False,
        attention: bool = True,
        causal: bool = False,
        init_values: float = 1e-5,
    ) -> None:
        super().__init__()
        self.norm1, self.norm2 = nn.LayerNorm(DIM), nn.LayerNorm(DIM)
        self.attn, self.mlp = (Attention(causal=causal) if attention else None), mlp()
        self.ls1 = LayerScale(init_values, inplace=inplace)
        self.ls2 = LayerScale(init_values, inplace=inplace)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.attn is not None:
            x = x + self.ls1(self.attn(self.norm1(x)))
        return x + self.ls2(self.mlp(self.norm2(x)))


class ViT(nn.Module):
    """A timm-like ViT: conv patch embedding, class token and position embedding, blocks,
    a final norm and a head on the pooled tokens (`pool` reads the class token, or averages,
    `head_in` wide). `registers` tokens go between the class token and the patches the way
    DINOv2's `prepare_tokens_with_masks` puts them: a `cat` of slices."""

    def __init__(
        self,
        pool: Callable[[torch.Tensor], torch.Tensor],
        blocks: list[nn.Module] | None = None,
        stem: int = 0,
        registers: int = 0,
        head_in: int = DIM,
    ) -> None:
        super().__init__()
        self.pool = pool
        self.patch_embed = nn.Conv2d(3, DIM, 8, stride=8)
        self.stem = nn.ModuleList(nn.Linear(DIM, DIM) for _ in range(stem))  # sigmoid layers
        self.cls_token = nn.Parameter(torch.zeros(1, 1, DIM))
        self.pos_embed = nn.Parameter(0.02 * torch.randn(1, PATCHES + 1, DIM))
        self.blocks = nn.Sequential(
            *(blocks if blocks is not None else [Block() for _ in range(4)])
        )
        self.norm, self.head = nn.LayerNorm(DIM), nn.Linear(head_in, 10)
        self.register_tokens = nn.Parameter(torch.zeros(1, registers, DIM))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.patch_embed(x).flatten(2).transpose(1, 2)
        for layer in self.stem:
            x = torch.sigmoid(layer(x))
        x = torch.cat([self.cls_token.expand(x.shape[0], -1, -1), x], dim=1) + self.pos_embed
        if self.register_tokens.shape[1]:
            registers = self.register_tokens.expand(x.shape[0], -1, -1)
            x = torch.cat((x[:, :1], registers, x[:, 1:]), dim=1)
        return self.head(self.pool(self.norm(self.blocks(x))))


CLASS_TOKEN: dict[str, Callable[[torch.Tensor], torch.Tensor]] = {
    "[:, 0]": lambda x: x[:, 0],
    "select": lambda x: x.select(1, 0),
    "narrow": lambda x: x.narrow(1, 0, 1).squeeze(1),
}


def _graph(model: nn.Module) -> ng.Graph:
    torch.manual_seed(1)
    x, t = torch.randn(8, 3, 32, 32), torch.randint(0, 10, (8,))
    return ng.trace(model, x, loss=lambda out: F.cross_entropy(out, t))


def _vanishing(g: ng.Graph) -> list[dict]:
    return [f for f in g.health() if f["kind"] == "vanishing"]


@pytest.mark.parametrize("pool", CLASS_TOKEN.values(), ids=CLASS_TOKEN.keys())
def test_a_class_token_vit_with_layer_scale_is_not_said_to_vanish(pool):
    """It said "Gradients shrink about 14 times per layer" from patch_embed to the head."""
    torch.manual_seed(0)
    g = _graph(ViT(pool))
    patch = next(n for n in g if g.nodes[n]["name"] == "patch_embed.weight")
    assert g.nodes[patch]["grad"]["norm"] < 1e-3  # tiny indeed, by the gates' 1e-5
    assert g.health() == []


def test_the_in_place_layer_scale_and_a_mean_pooled_head_are_not_said_to_vanish():
    torch.manual_seed(0)
    blocks: list[nn.Module] = [Block(inplace=True) for _ in range(4)]
    assert _graph(ViT(CLASS_TOKEN["[:, 0]"], blocks)).health() == []
    torch.manual_seed(0)
    assert _graph(ViT(lambda x: x.mean(1))).health() == []


class ClassAttention(nn.Module):
    """CaiT's class attention: the class token's query against itself and the patches."""

    def __init__(self) -> None:
        super().__init__()
        self.q, self.kv, self.proj = (
            nn.Linear(DIM, DIM),
            nn.Linear(DIM, 2 * DIM),
            nn.Linear(DIM, DIM),
        )

    def forward(self, u: torch.Tensor) -> torch.Tensor:
        q = self.q(u[:, :1]).unsqueeze(1)
        k, v = self.kv(u).unsqueeze(1).chunk(2, dim=-1)
        return self.proj(F.scaled_dot_product_attention(q, k, v).squeeze(1))


class CaiT(nn.Module):
    """Self-attention over the patches, then class-attention blocks that update the class
    token alone; all behind layer scale, the head on `[:, 0]` of the class token and patches."""

    def __init__(self) -> None:
        super().__init__()
        self.patch_embed = nn.Conv2d(3, DIM, 8, stride=8)
        self.pos_embed = nn.Parameter(0.02 * torch.randn(1, PATCHES, DIM))
        self.cls_token = nn.Parameter(torch.zeros(1, 1, DIM))
        self.blocks = nn.Sequential(*[Block() for _ in range(2)])
        self.norm1, self.norm2 = nn.LayerNorm(DIM), nn.LayerNorm(DIM)
        self.attn, self.mlp = ClassAttention(), mlp()
        self.ls1, self.ls2 = LayerScale(), LayerScale()
        self.norm, self.head = nn.LayerNorm(DIM), nn.Linear(DIM, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.blocks(self.patch_embed(x).flatten(2).transpose(1, 2) + self.pos_embed)
        cls = self.cls_token.expand(x.shape[0], -1, -1)
        cls = cls + self.ls1(self.attn(self.norm1(torch.cat([cls, x], dim=1))))
        cls = cls + self.ls2(self.mlp(self.norm2(cls)))
        return self.head(self.norm(torch.cat([cls, x], dim=1))[:, 0])


def test_cait_with_class_attention_is_not_said_to_vanish():
    torch.manual_seed(0)
    assert _graph(CaiT()).health() == []


def test_the_gates_open_and_the_patch_embedding_learns():
    """The truth behind the verdict: AdamW (DeiT-III's optimizer) grows the gates, and with
    them the patch embedding's gradient."""
    torch.manual_seed(0)
    model = ViT(CLASS_TOKEN["[:, 0]"])
    x, t = torch.randn(8, 3, 32, 32), torch.randint(0, 10, (8,))
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
    norms = []
    for _ in range(4):
        opt.zero_grad()
        F.cross_entropy(model(x), t).backward()
        norms.append(model.patch_embed.weight.grad.norm().item())
        opt.step()
    assert norms[-1] > 10 * norms[0]


def test_a_sigmoid_mlp_still_vanishes():
    torch.manual_seed(0)
    layers = [m for _ in range(6) for m in (nn.Linear(32, 32), nn.Sigmoid())]
    model = nn.Sequential(*layers, nn.Linear(32, 1))
    g = ng.trace(model, torch.randn(64, 32), loss=lambda y: y.pow(2).mean())
    (finding,) = _vanishing(g)
    assert finding["module"] == "0"


def test_sigmoid_blocks_without_residuals_after_a_class_token_still_vanish():
    """A true vanishing in a ViT-like net; its class token and position embedding are no
    layers of the trunk (they were steps of it, named '')."""
    torch.manual_seed(0)
    blocks: list[nn.Module] = [Block()]
    for _ in range(6):
        blocks += [nn.Linear(DIM, DIM), nn.Sigmoid()]
    findings = _vanishing(_graph(ViT(CLASS_TOKEN["[:, 0]"], blocks)))
    (through,) = [f for f in findings if "layers" in f]
    assert through["layers"] == [f"blocks.{i}" for i in range(1, 13, 2)] + ["head"]


def test_a_sigmoid_stack_on_the_patches_still_vanishes_behind_the_gates():
    """The gates make the stack's gradient tiny, and its sigmoids shrink it layer after layer:
    the layers behind the same gates are still compared with each other."""
    torch.manual_seed(0)
    (finding,) = _vanishing(_graph(ViT(CLASS_TOKEN["[:, 0]"], stem=6)))
    assert finding["layers"][:7] == ["patch_embed", *(f"stem.{i}" for i in range(6))]


def test_patches_that_never_reach_the_class_token_get_no_gradient():
    """Blocks without attention mix no positions: the head's `[:, 0]` never sees a patch, and
    opening the gates changes nothing. (A class token starting at zero is no gate either.)"""
    torch.manual_seed(0)
    blocks: list[nn.Module] = [Block(attention=False) for _ in range(4)]
    (finding,) = _vanishing(_graph(ViT(CLASS_TOKEN["[:, 0]"], blocks)))
    assert (finding["module"], finding["rms"]) == ("patch_embed", 0.0)


def test_tiny_scales_on_the_main_path_without_residuals_still_vanish():
    """`x = gamma * sigmoid(W x)` with no residual: each layer scales the gradient by the gate
    and the sigmoid's slope, the gates are no side branch."""
    torch.manual_seed(0)
    blocks: list[nn.Module] = [Block()]
    for _ in range(6):
        blocks += [nn.Linear(DIM, DIM), nn.Sigmoid(), LayerScale()]
    (finding,) = _vanishing(_graph(ViT(CLASS_TOKEN["[:, 0]"], blocks)))
    assert finding["module"] == "patch_embed" and len(finding["layers"]) > 6


def test_a_head_on_the_class_token_and_the_mean_of_the_patches_is_not_said_to_explode():
    """DINOv2's linear head reads `cat([x[:, 0], x[:, 1:].mean(1)])`: the patches get under 1%
    of the gradient at the class token's `cat`, yet `x[:, 1:]` reads them. It said "Gradients
    grow about 1.4 times per layer", patch_embed against the gated blocks."""
    for seed in (1, 3, 5):  # the seeds where that share is under 1%
        torch.manual_seed(seed)
        pool = lambda x: torch.cat([x[:, 0], x[:, 1:].mean(1)], dim=-1)  # noqa: E731
        assert _graph(ViT(pool, head_in=2 * DIM)).health() == []


def test_dinov2_register_tokens_put_between_slices_are_not_said_to_vanish():
    """`cat((x[:, :1], registers, x[:, 1:]))`: the patches go on through `x[:, 1:]`, and the
    class token's `[:, 0]` drops them again. It said "use nn.init.kaiming_normal_"."""
    torch.manual_seed(0)
    assert _graph(ViT(CLASS_TOKEN["[:, 0]"], registers=4)).health() == []


def test_a_causal_mask_that_keeps_the_patches_from_the_class_token_is_said():
    """GPT's `is_causal=True` copied into a class-token ViT: the class token at position 0 sees
    only itself, patch_embed's gradient is exactly zero whatever the gates do."""
    torch.manual_seed(0)
    blocks: list[nn.Module] = [Block(causal=True) for _ in range(4)]
    (finding,) = _vanishing(_graph(ViT(CLASS_TOKEN["[:, 0]"], blocks)))
    assert (finding["module"], finding["rms"]) == ("patch_embed", 0.0)


@pytest.mark.parametrize("init_values", [1e-3, 9.99e-4])
def test_a_layer_scale_of_1e_3_is_a_small_gate(init_values: float):
    """float32 keeps 1e-3 as 1.0000000475e-3: it was no small gate, 9.99e-4 was. With timm's
    init (std 0.02) it said "Gradients shrink about 2.1 times per layer"."""
    torch.manual_seed(0)
    blocks: list[nn.Module] = [Block(init_values=init_values) for _ in range(4)]
    model = ViT(CLASS_TOKEN["[:, 0]"], blocks)
    for module in model.modules():
        if isinstance(module, nn.Linear):
            nn.init.trunc_normal_(module.weight, std=0.02)
            nn.init.zeros_(module.bias)
    assert _graph(model).health() == []
