"""health() on attention: a query or key projection makes only the scores (the logits of a
softmax), whose gradient is tiny at init in every block, so it neither starts nor is a step of
the trunk the vanishing/exploding check compares (sweep H: every fresh BERT was "vanishing",
its query projection set against the classifier)."""

from __future__ import annotations

import pytest
import torch
from torch import nn
from torch.nn import functional as F

import nngraph as ng
from nngraph.graph import Graph
from nngraph.graph._nodes import forward_order
from nngraph.graph._trunk import scores_only


def depth_findings(g: ng.Graph) -> list[dict]:
    """The vanishing/exploding findings on the trunk (not a single layer's tiny gradient)."""
    return [f for f in g.health() if f["kind"] in ("vanishing", "exploding") and "layers" in f]


class SelfAttention(nn.Module):
    """BERT's self-attention: separate query, key, value projections, heads, an output one."""

    def __init__(self, d: int, heads: int, fused: bool) -> None:
        super().__init__()
        self.query, self.key, self.value = nn.Linear(d, d), nn.Linear(d, d), nn.Linear(d, d)
        self.out, self.heads, self.fused = nn.Linear(d, d), heads, fused

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, t, d = x.shape

        def split(h: torch.Tensor) -> torch.Tensor:
            return h.view(b, t, self.heads, d // self.heads).transpose(1, 2)

        # a padding mask, made first: the fused op's fourth input
        mask = torch.zeros(t, t).masked_fill(torch.arange(t) >= t - 2, float("-inf"))
        q, k, v = split(self.query(x)), split(self.key(x)), split(self.value(x))
        if self.fused:
            a = F.scaled_dot_product_attention(q, k, v, attn_mask=mask)
        else:
            scores = q @ k.transpose(-2, -1) / (d // self.heads) ** 0.5 + mask
            a = F.dropout(scores.softmax(-1), 0.0) @ v
        return self.out(a.transpose(1, 2).reshape(b, t, d))


class EncoderLayer(nn.Module):
    """Post-LN, as BERT: attention, add & norm, a GELU MLP, add & norm."""

    def __init__(self, d: int, fused: bool) -> None:
        super().__init__()
        self.attention, self.norm1 = SelfAttention(d, 2, fused), nn.LayerNorm(d)
        self.mlp = nn.Sequential(nn.Linear(d, 2 * d), nn.GELU(), nn.Linear(2 * d, d))
        self.norm2 = nn.LayerNorm(d)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.norm1(x + self.attention(x))
        return self.norm2(x + self.mlp(x))


class TinyBert(nn.Module):
    """A BERT for sequence classification, 32 wide, BERT's init (normal, std 0.02)."""

    def __init__(self, layers: int = 3, fused: bool = False) -> None:
        super().__init__()
        self.embed, self.norm = nn.Embedding(50, 32), nn.LayerNorm(32)
        self.encoder = nn.Sequential(*(EncoderLayer(32, fused) for _ in range(layers)))
        self.pooler, self.classifier = nn.Linear(32, 32), nn.Linear(32, 3)
        for m in self.modules():
            if isinstance(m, nn.Linear | nn.Embedding):
                nn.init.normal_(m.weight, std=0.02)
            if isinstance(m, nn.Linear):
                nn.init.zeros_(m.bias)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        h = self.encoder(self.norm(self.embed(ids)))
        return self.classifier(torch.tanh(self.pooler(h[:, 0])))


def bert_graph(seed: int, fused: bool = False) -> ng.Graph:
    torch.manual_seed(seed)
    model, ids, labels = (
        TinyBert(fused=fused),
        torch.randint(0, 50, (4, 8)),
        torch.tensor([0, 2, 1, 0]),
    )
    return ng.trace(model, ids, loss=lambda out: F.cross_entropy(out, labels))


@pytest.mark.parametrize("fused", [False, True], ids=["softmax", "sdpa"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_fresh_bert_is_not_said_to_have_vanishing_gradients(seed: int, fused: bool):
    # the query gets ~1e-7 in every layer, the value beside it ~1e-4, the classifier ~3e-2
    g = bert_graph(seed, fused)
    weights = {g.nodes[n]["name"]: g.nodes[n]["grad"] for n in g if g.nodes[n]["kind"] == "param"}
    rms = {name: grad["norm"] / grad["numel"] ** 0.5 for name, grad in weights.items()}
    for i in range(3):  # the premise: a tiny query gradient in every layer, not by depth
        assert (
            rms[f"encoder.{i}.attention.query.weight"]
            < rms[f"encoder.{i}.attention.value.weight"] / 30
        )
    assert depth_findings(g) == []


def test_a_fused_attention_read_back_from_json_still_runs_the_trunk_through_the_values():
    # JSON keeps no argument order: the fused op's inputs come back in the order the forward
    # pass made them, the mask first
    g = Graph.from_json(bert_graph(0, fused=True).to_json())
    assert depth_findings(g) == []


class PackedEncoderLayer(nn.Module):
    """Post-LN, as BERT, with `nn.MultiheadAttention`: its q, k and v are one packed weight."""

    def __init__(self, d: int) -> None:
        super().__init__()
        self.attn, self.norm1 = nn.MultiheadAttention(d, 4, batch_first=True), nn.LayerNorm(d)
        self.inter, self.out, self.norm2 = nn.Linear(d, 4 * d), nn.Linear(4 * d, d), nn.LayerNorm(d)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.norm1(x + self.attn(x, x, x, need_weights=False)[0])
        return self.norm2(x + self.out(F.gelu(self.inter(x))))


@pytest.mark.parametrize("depth", [4, 12])
@pytest.mark.parametrize("seed", [2, 3])
def test_a_bert_whose_gap_sits_in_its_pooler_and_classifier_is_not_said_to_vanish(
    seed: int, depth: int
):
    """Every encoder layer gets the gradient the same layer gets in the others; only the pooler
    and the classifier on [CLS] get 2,000x more (two std-0.02 layers on one token). It said
    "Gradients shrink about 1.6 times per layer ... Use ReLU-family activations"."""
    torch.manual_seed(seed)
    model = TinyBert()
    model.encoder = nn.Sequential(*(PackedEncoderLayer(32) for _ in range(depth)))
    for m in model.encoder.modules():
        if isinstance(m, nn.Linear):
            nn.init.normal_(m.weight, std=0.02)
    ids, labels = torch.randint(0, 50, (4, 16)), torch.randint(0, 3, (4,))
    g = ng.trace(model, ids, loss=lambda out: F.cross_entropy(out, labels))
    assert depth_findings(g) == []


class Head(nn.Module):
    """One head of a "GPT from scratch" notebook: key, query, value without bias, causal."""

    def __init__(self, d: int, size: int) -> None:
        super().__init__()
        self.key, self.query = nn.Linear(d, size, bias=False), nn.Linear(d, size, bias=False)
        self.value = nn.Linear(d, size, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        t = x.shape[1]
        k, q = self.key(x), self.query(x)
        wei = q @ k.transpose(-2, -1) * k.shape[-1] ** -0.5
        wei = wei.masked_fill(torch.ones(t, t).tril() == 0, float("-inf")).softmax(-1)
        return wei @ self.value(x)


class Block(nn.Module):
    def __init__(self, d: int) -> None:
        super().__init__()
        self.heads = nn.ModuleList(Head(d, d // 4) for _ in range(4))
        self.proj, self.ln1, self.ln2 = nn.Linear(d, d), nn.LayerNorm(d), nn.LayerNorm(d)
        self.ffwd = nn.Sequential(nn.Linear(d, 4 * d), nn.ReLU(), nn.Linear(4 * d, d))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.ln1(x)
        x = x + self.proj(torch.cat([head(h) for head in self.heads], dim=-1))
        return x + self.ffwd(self.ln2(x))


class Gpt(nn.Module):
    def __init__(self, blocks: int = 4, after: nn.Module | None = None) -> None:
        super().__init__()
        self.tok, self.pos = nn.Embedding(40, 32), nn.Embedding(16, 32)
        self.blocks = nn.Sequential(*(Block(32) for _ in range(blocks)))
        self.after = after or nn.Identity()
        self.ln_f, self.lm_head = nn.LayerNorm(32), nn.Linear(32, 40)

    def forward(self, idx: torch.Tensor) -> torch.Tensor:
        x = self.tok(idx) + self.pos(torch.arange(idx.shape[1]))
        return self.lm_head(self.ln_f(self.after(self.blocks(x))))


def gpt_graph(seed: int, std: float | None = None, after: nn.Module | None = None) -> ng.Graph:
    torch.manual_seed(seed)
    model = Gpt(after=after)
    if std is not None:  # nanoGPT's init
        for name, p in model.named_parameters():
            if p.dim() == 2 and not name.startswith("after"):
                nn.init.normal_(p, std=std)
    idx = torch.randint(0, 40, (4, 12))
    return ng.trace(
        model, idx, loss=lambda logits: F.cross_entropy(logits.flatten(0, 1), idx.flatten())
    )


@pytest.mark.parametrize("std", [None, 0.02], ids=["default-init", "normal-0.02"])
@pytest.mark.parametrize("seed", [0, 1])
def test_a_gpt_from_scratch_with_separate_heads_is_not_flagged(seed: int, std: float | None):
    assert depth_findings(gpt_graph(seed, std)) == []


def sigmoid_mlp(layers: int) -> nn.Sequential:
    mlp: list[nn.Module] = []
    for _ in range(layers):
        mlp += [nn.Linear(32, 32), nn.Sigmoid()]
    return nn.Sequential(*mlp)


@pytest.mark.parametrize("std", [None, 0.02], ids=["default-init", "normal-0.02"])
def test_a_deep_sigmoid_mlp_after_attention_still_vanishes_along_the_values(std: float | None):
    g = gpt_graph(0, std, after=sigmoid_mlp(6))
    (found,) = depth_findings(g)
    assert found["kind"] == "vanishing"
    assert [m for m in found["layers"] if m.endswith(("query", "key"))] == []
    assert found["layers"][0] == "blocks.0.heads.0.value"  # the trunk runs through the values
    assert {"after.0", "after.10", "lm_head"} <= set(found["layers"])


class SoftMix(nn.Module):
    """A sigmoid MLP that picks a soft mix of learnt vectors: its only way to the loss is a
    softmax's logits, so it is the trunk itself (nothing runs beside it)."""

    def __init__(self) -> None:
        super().__init__()
        self.mlp, self.logits = sigmoid_mlp(6), nn.Linear(32, 8)
        self.memory = nn.Parameter(torch.randn(8, 32))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.logits(self.mlp(x)).softmax(-1) @ self.memory


def test_an_mlp_whose_only_way_on_is_a_softmax_that_weighs_still_vanishes():
    torch.manual_seed(0)
    g = ng.trace(SoftMix(), torch.randn(64, 32), loss=lambda y: y.pow(2).mean())
    (found,) = depth_findings(g)
    assert found["kind"] == "vanishing"
    assert found["layers"][0].startswith("mlp.")  # (mlp.0's own gradient may be below 1e-8)


def test_a_softmax_that_feeds_the_loss_is_no_attention():
    torch.manual_seed(0)
    model = nn.Sequential(sigmoid_mlp(6), nn.Linear(32, 4), nn.Softmax(-1))
    target = F.one_hot(torch.randint(0, 4, (64,)), 4).float()
    g = ng.trace(model, torch.randn(64, 32), loss=lambda p: (p - target).pow(2).mean())
    (found,) = depth_findings(g)
    assert found["layers"][0].startswith("0.")


class RMSNorm(nn.Module):
    """T5's norm, written out: several ops between the residual stream and the query."""

    def __init__(self, d: int) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.ones(d))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.weight * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + 1e-6))


class CrossAttention(nn.Module):
    """A decoder's cross-attention, pre-norm: the query from the decoder, key and value from
    the encoder's output; the norm before it feeds the query alone."""

    def __init__(self, d: int) -> None:
        super().__init__()
        self.norm, self.query = RMSNorm(d), nn.Linear(d, d, bias=False)
        self.key, self.value = nn.Linear(d, d, bias=False), nn.Linear(d, d, bias=False)
        self.out = nn.Linear(d, d, bias=False)

    def forward(self, x: torch.Tensor, memory: torch.Tensor) -> torch.Tensor:
        q, k = self.query(self.norm(x)), self.key(memory)
        return x + self.out((q @ k.transpose(-2, -1)).softmax(-1) @ self.value(memory))


class Seq2Seq(nn.Module):
    """An encoder and a decoder of three cross-attentions, a deep sigmoid MLP at the end."""

    def __init__(self) -> None:
        super().__init__()
        self.embed, self.encoder = nn.Embedding(40, 32), nn.Linear(32, 32)
        self.cross = nn.ModuleList(CrossAttention(32) for _ in range(3))
        self.mlp, self.head = sigmoid_mlp(6), nn.Linear(32, 40)

    def forward(self, src: torch.Tensor, tgt: torch.Tensor) -> torch.Tensor:
        memory, x = torch.tanh(self.encoder(self.embed(src))), self.embed(tgt)
        for layer in self.cross:
            x = layer(x, memory)
        return self.head(self.mlp(x))


@pytest.mark.parametrize("seed", [0, 1])
def test_a_cross_attention_query_behind_its_own_norm_is_no_step_of_the_trunk(seed: int):
    # the encoder's output reaches the loss through the keys and the values: the trunk runs
    # through the values; the decoder's stream through the queries and the residual: through
    # the residual (the norm before a query feeds it alone)
    torch.manual_seed(seed)
    model, src, tgt = Seq2Seq(), torch.randint(0, 40, (4, 10)), torch.randint(0, 40, (4, 6))
    g = ng.trace(model, src, tgt, loss=lambda y: F.cross_entropy(y.flatten(0, 1), tgt.flatten()))
    (found,) = depth_findings(g)  # the sigmoid MLP's
    assert [m for m in found["layers"] if m.endswith(("query", "key"))] == []
    assert found["layers"][:3] == ["encoder", "cross.0.value", "cross.0.out"]
    assert found["layers"][-2:] == ["mlp.10", "head"]


class Bahdanau(nn.Module):
    """The PyTorch translation tutorial's seq2seq: a GRU encoder, additive attention
    `va(tanh(Wa(h) + Ua(enc_out)))`, a GRUCell decoder, teacher forcing in a Python loop; the
    context vector summed by hand, or by `torch.bmm`; with `heads`, as many attentions, their
    weights `[batch, heads, time]`."""

    def __init__(self, context: str, tail: int = 0, heads: int = 1) -> None:
        super().__init__()
        self.heads = heads
        self.context, self.emb, self.enc = (
            context,
            nn.Embedding(30, 32),
            nn.GRU(32, 32, batch_first=True),
        )
        self.Wa, self.Ua, self.va = nn.Linear(32, 32), nn.Linear(32, 32), nn.Linear(32, heads)
        self.dec, self.out = nn.GRUCell(32 + 32 * heads, 32), nn.Linear(32, 30)
        self.tail = sigmoid_mlp(tail) if tail else nn.Identity()

    def forward(self, src: torch.Tensor, tgt: torch.Tensor) -> torch.Tensor:
        values, h = self.enc(self.emb(src))
        h, outs = h[0], []
        for t in range(tgt.shape[1] - 1):
            scores = self.va(torch.tanh(self.Wa(h)[:, None] + self.Ua(values)))
            if self.heads > 1:
                a = scores.transpose(1, 2).softmax(-1)  # batch, heads, time
                mixed = (
                    (a[..., None] * values[:, None]).sum(2) if self.context == "mul-sum" else None
                )
                context = torch.bmm(a, values).flatten(1) if mixed is None else mixed.flatten(1)
                h = self.dec(torch.cat([self.emb(tgt[:, t]), context], 1), h)
                outs.append(self.out(self.tail(h)))
                continue
            a = scores.squeeze(-1).softmax(-1)
            if self.context == "bmm":
                context = torch.bmm(a[:, None], values)[:, 0]
            elif self.context == "mul-sum":
                context = (a[..., None] * values).sum(1)
            elif self.context == "torch.sum":
                context = torch.sum(a.unsqueeze(-1) * values, dim=1)
            else:  # an average: the same weighted sum, divided by the length
                context = (F.dropout(a, 0.1).unsqueeze(2) * values).mean(dim=1, keepdim=True)[:, 0]
            h = self.dec(torch.cat([self.emb(tgt[:, t]), context], 1), h)
            outs.append(self.out(self.tail(h)))
        return torch.stack(outs, 1)


def bahdanau_graphs(
    seed: int, context: str, tail: int = 0, heads: int = 1
) -> tuple[ng.Graph, ng.Graph]:
    """The model's graph by `ng.trace` and by `ng.graph_of` (which records no arguments but a
    softmax's dim)."""
    torch.manual_seed(seed)
    model = Bahdanau(context, tail, heads)
    src, tgt = torch.randint(0, 30, (4, 15)), torch.randint(0, 30, (4, 12))

    def loss(out: torch.Tensor) -> torch.Tensor:
        return F.cross_entropy(out.flatten(0, 1), tgt[:, 1:].flatten())

    traced = ng.trace(model, src, tgt, loss=loss)
    torch.manual_seed(seed)  # the same dropout mask
    value = loss(model(src, tgt))
    value.backward()
    return traced, ng.graph_of(value, params=model)


@pytest.mark.parametrize("context", ["mul-sum", "torch.sum", "mean"])
@pytest.mark.parametrize("seed", [0, 1])
def test_a_bahdanau_context_summed_by_hand_is_an_attention_as_with_bmm(seed: int, context: str):
    """Sweep s44 zoo2, finding 1: with the context vector written `(a.unsqueeze(-1) *
    enc_out).sum(1)`, a healthy seq2seq was told its gradients explode (the encoder's against
    the attention's query projection `Wa`, tiny at init) and to clip them; with `torch.bmm`
    nothing was said."""
    for g in bahdanau_graphs(seed, context):
        assert depth_findings(g) == []


@pytest.mark.parametrize("context", ["mul-sum", "bmm"])
@pytest.mark.parametrize("seed", [0, 1])
def test_a_bahdanau_attention_of_two_heads_is_an_attention_in_graph_of_too(seed: int, context: str):
    """Sweep s44 rev_health, finding 4: with weights `[batch, heads, time]`, `graph_of` could
    not tell the softmax's axis from the shape and said "Gradients grow ... clip the
    gradients" of the healthy model; autograd keeps the axis, and `graph_of` reads it."""
    for g in bahdanau_graphs(seed, context, heads=2):
        assert depth_findings(g) == []


def test_a_deep_sigmoid_mlp_after_a_two_head_bahdanau_attention_still_vanishes_in_graph_of():
    (_, summed), (_, with_bmm) = (
        bahdanau_graphs(0, "mul-sum", 6, heads=2),
        bahdanau_graphs(0, "bmm", 6, heads=2),
    )
    (found,) = depth_findings(summed)
    assert found["kind"] == "vanishing" and found["layers"] == depth_findings(with_bmm)[0]["layers"]


def test_a_deep_sigmoid_mlp_after_a_bahdanau_context_summed_by_hand_still_vanishes():
    (traced, _), (with_bmm, _) = bahdanau_graphs(0, "mul-sum", 6), bahdanau_graphs(0, "bmm", 6)
    (found,) = depth_findings(traced)
    assert found["kind"] == "vanishing"
    assert found["layers"] == depth_findings(with_bmm)[0]["layers"]  # the trunk bmm gives
    assert not {"Wa", "Ua", "va"} & set(found["layers"])


class Gated(nn.Module):
    """A sequence model whose softmax over the features gates them (`pool` averages over time
    after it), or, with `over="time"`, a softmax over the steps that weighs them."""

    def __init__(self, over: str, pool: bool) -> None:
        super().__init__()
        self.over, self.pool, self.embed = over, pool, nn.Linear(8, 8)
        self.gate, self.value, self.head = nn.Linear(8, 8), nn.Linear(8, 8), nn.Linear(8, 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.embed(x)
        weights = self.gate(h).softmax(-1 if self.over == "features" else 1)
        mixed = weights * self.value(h)
        return self.head(mixed.mean(1) if self.pool else mixed)


@pytest.mark.parametrize(
    ("over", "pool", "scores"),
    [
        ("features", False, False),  # a gate, elementwise
        ("features", True, False),  # a gate, then an average over time: not over its axis
        ("time", True, True),  # a softmax over the steps, averaged over them: an attention
    ],
)
def test_a_softmax_gate_is_a_step_of_the_trunk_unless_summed_over_its_own_axis(
    over: str, pool: bool, scores: bool
):
    """Sweep s44 zoo2, finding 1: a softmax's product counts as an attention's weighted sum
    only where it is summed over the softmax's axis; a gate stays a layer of the trunk."""
    torch.manual_seed(0)
    g = ng.trace(Gated(over, pool), torch.randn(4, 6, 8), loss=lambda y: y.pow(2).mean())
    gate = next(n for n in g if g.nodes[n]["name"] == "gate.weight")
    weights = [n for n in g if str(g.nodes[n]["name"]).endswith(".weight")]
    position = {n: i for i, n in enumerate(forward_order(g))}
    assert (gate in scores_only(g, position, weights)) is scores
