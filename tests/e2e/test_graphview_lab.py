"""The graph view in a real JupyterLab, in a real browser: trace a model, run the notebook,
click around, and check the DOM (and that hostile module names run nothing)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from tests.e2e.conftest import ROOT, screenshot

pytestmark = pytest.mark.slow

XSS = '<img src=x onerror="__pwned=1">'
SCRIPT = "<script>__pwned=2</script>"

SETUP = f"""
import torch
import nngraph as ng

class Net(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = torch.nn.Linear(6, 8)
        self.act = torch.nn.ReLU()
        # names come from user code and can contain anything
        self.add_module({XSS!r}, torch.nn.Linear(8, 8))
        self.add_module({SCRIPT!r}, torch.nn.Linear(8, 3))

    def forward(self, x):
        x = self.act(self.fc1(x))
        x = torch.tanh(getattr(self, {XSS!r})(x))
        return getattr(self, {SCRIPT!r})(x)

torch.manual_seed(0)
g = ng.trace(Net(), torch.randn(4, 6), loss=lambda y: y.pow(2).mean())
"""
RESNET = """
class Block(torch.nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv1 = torch.nn.Conv2d(c, c, 3, padding=1)
        self.bn1 = torch.nn.BatchNorm2d(c)
        self.conv2 = torch.nn.Conv2d(c, c, 3, padding=1)
        self.bn2 = torch.nn.BatchNorm2d(c)

    def forward(self, x):
        return torch.relu(x + self.bn2(self.conv2(torch.relu(self.bn1(self.conv1(x))))))

cnn = torch.nn.Sequential(
    torch.nn.Conv2d(3, 16, 3, padding=1), torch.nn.ReLU(),
    torch.nn.Sequential(*[Block(16) for _ in range(4)]),
    torch.nn.AdaptiveAvgPool2d(1), torch.nn.Flatten(), torch.nn.Linear(16, 10))
images, labels = torch.randn(8, 3, 32, 32), torch.randint(0, 10, (8,))
g2 = ng.trace(cnn, images, loss=lambda y: torch.nn.functional.cross_entropy(y, labels))
g2.show()
"""
NO_GRAD = """
w, xs = torch.randn(3, requires_grad=True), torch.randn(3)
with ng.record() as rec:
    with torch.no_grad():
        scale = w.abs().max()
    (w / scale * xs).sum().backward()
rec.graph.show()
"""
VAE = """
class VAE(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.enc = torch.nn.Sequential(torch.nn.Linear(12, 8), torch.nn.ReLU())
        self.mu, self.logvar = torch.nn.Linear(8, 2), torch.nn.Linear(8, 2)
        self.dec = torch.nn.Linear(2, 12)

    def forward(self, x):
        h = self.enc(x)
        mu, logvar = self.mu(h), self.logvar(h)
        return self.dec(mu + torch.randn_like(mu) * torch.exp(0.5 * logvar)), mu, logvar

xv = torch.rand(4, 12)
g3 = ng.trace(VAE(), xv, loss=lambda o: (o[0] - xv).pow(2).sum() - (1 + o[2] - o[1].pow(2) - o[2].exp()).sum())
g3.show(depth=0)
"""
LOOP = """
class Loop(torch.nn.Module):  # one weight used at each of 100 steps: Graphviz takes minutes
    def __init__(self):
        super().__init__()
        self.w = torch.nn.Parameter(torch.randn(8, 8) * 0.1)

    def forward(self, h):
        for _ in range(100):
            h = torch.tanh(h @ self.w)
        return h

g4 = ng.trace(torch.nn.Sequential(Loop()), torch.randn(1, 8), loss=lambda y: y.sum())
ng.GraphView(g4, depth=1)
"""
CELLS = [
    SETUP,
    "g.show()",  # output 0: default depth (everything open for this small net)
    "g.show(depth=0)",  # output 1: each module one box
    "g.show(view='backward')",  # output 2
    RESNET,  # output 3: a small ResNet with repeated blocks
    NO_GRAD,  # output 4: ops run under torch.no_grad()
    VAE,  # output 5: two heads side by side (mu, logvar), at depth 0
    LOOP,  # output 6: depth 1 would freeze the page
]


@pytest.fixture(scope="module")
def page(lab_page: Any) -> Iterator[Any]:
    p = lab_page("graphview.ipynb", CELLS)
    p.wait_for_selector(".ng-root .ng-item", timeout=60_000)
    p.wait_for_function("() => document.querySelectorAll('.ng-root').length === 7")
    p.wait_for_function(
        "() => [...document.querySelectorAll('.ng-root')].every(r => r.dataset.items)"
    )
    yield p
    assert not p.errors, p.errors


def view(page: Any, i: int) -> Any:
    return page.locator(".ng-root").nth(i)


def test_nodes_are_drawn(page: Any) -> None:
    v = view(page, 0)
    assert v.locator(".ng-item").count() >= 10
    assert v.locator(".ng-edge").count() >= 10
    assert v.locator(".ng-cluster").count() >= 3
    v.scroll_into_view_if_needed()
    screenshot(v, "graphview-forward")


def test_click_opens_the_inspector_with_the_shape(page: Any) -> None:
    v = view(page, 0)
    linear = v.locator(".ng-item", has=page.locator("title", has_text="in fc1")).filter(
        has_text="linear"
    )
    linear.first.click()
    inspector = v.locator(".ng-inspector")
    inspector.wait_for(state="visible")
    assert inspector.locator("td[data-key='shape']").text_content() == "4×8"
    assert inspector.locator("td[data-key='module']").text_content() == "fc1"
    assert inspector.locator("td[data-key='dtype']").text_content() == "float32"
    assert inspector.locator(".ng-stats").count() == 2  # value and gradient
    screenshot(v, "graphview-inspector")


def test_a_cluster_expands_on_click(page: Any) -> None:
    v = view(page, 1)
    v.scroll_into_view_if_needed()
    assert v.locator(".ng-cluster").count() == 0
    v.locator(".ng-item[data-id='m:fc1']").click()
    v.locator(".ng-cluster[data-path='fc1']").wait_for()
    assert v.locator(".ng-item[data-id='m:fc1']").count() == 0
    screenshot(v, "graphview-expanded")
    v.locator(".ng-cluster-label[data-path='fc1']").click()
    v.locator(".ng-item[data-id='m:fc1']").wait_for()


def test_backward_step_through_advances(page: Any) -> None:
    v = view(page, 2)
    v.scroll_into_view_if_needed()
    assert v.locator(".ng-view-backward").get_attribute("aria-pressed") == "true"
    labels = v.locator(".ng-item .ng-main").all_text_contents()
    assert "AddmmBackward0" in labels and "MeanBackward0" in labels
    next_button = v.locator(".ng-step-next")
    for _ in range(3):
        next_button.click()
    assert (v.locator(".ng-step-text").text_content() or "").startswith("step 3/")
    assert v.locator(".ng-item.ng-lit").count() >= 2
    assert v.locator(".ng-item.ng-current").count() == 1
    screenshot(v, "graphview-backward-step")
    v.locator(".ng-step-end").click()
    text = v.locator(".ng-step-text").text_content() or ""
    done, total = text.split(":")[0].removeprefix("step ").split("/")
    assert done == total


def test_hostile_names_are_text_and_run_nothing(page: Any) -> None:
    roots = page.locator(".ng-root")
    all_text = " ".join(roots.all_text_contents())
    assert XSS in all_text  # drawn as visible text (cluster titles)
    assert "<script>" in all_text
    assert roots.locator("img, script, iframe, foreignObject, [onerror]").count() == 0
    assert page.evaluate("() => typeof window.__pwned") == "undefined"
    # the inspector shows the name as text too
    v = view(page, 1)
    v.locator(".ng-item", has=page.locator("title", has_text="onerror")).first.click()
    assert XSS in (v.locator(".ng-inspector .ng-title").text_content() or "")
    page.wait_for_timeout(200)
    assert page.evaluate("() => typeof window.__pwned") == "undefined"


def test_search_reveals_a_node(page: Any) -> None:
    v = view(page, 1)
    box = v.locator(".ng-search")
    box.fill("fc1.weight")
    box.press("Enter")
    v.locator(".ng-item.ng-selected").wait_for()
    assert v.locator(".ng-inspector td[data-key='name']").text_content() == "fc1.weight"
    assert v.locator(".ng-inspector td[data-key='shape']").text_content() == "8×6"


def test_repeated_blocks_fold_and_unfold(page: Any) -> None:
    v = view(page, 3)
    v.scroll_into_view_if_needed()
    run = v.locator(".ng-item.ng-type-run")
    assert "Block ×" in (run.first.text_content() or "")
    conv = v.locator(".ng-item", has=page.locator("title", has_text="in 0")).filter(
        has_text="conv2d"
    )
    conv.first.click()  # the blocks still folded: the README's picture, the graph whole
    v.locator(".ng-inspector td[data-key='shape']").wait_for()
    v.locator(".ng-fit").click()
    folded = screenshot(v, "graphview-folded")
    if os.environ.get("NNGRAPH_UPDATE_DOCS"):  # refresh the README's picture on request only
        (ROOT / "docs" / "img" / "graphview.png").write_bytes(folded.read_bytes())
    run.first.click()
    v.locator(".ng-item[data-id='m:2.3']").wait_for()
    conv.first.click()
    v.locator(".ng-inspector td[data-key='shape']").wait_for()
    assert v.locator(".ng-inspector td[data-key='shape']").text_content() == "8×16×32×32"
    screenshot(v, "graphview-resnet")


def test_ops_run_under_no_grad_are_drawn_dashed_and_say_why(page: Any) -> None:
    v = view(page, 4)
    v.scroll_into_view_if_needed()
    untracked = v.locator(".ng-item.ng-untracked")
    labels = [
        untracked.nth(i).locator("text").first.text_content() for i in range(untracked.count())
    ]
    assert sorted(labels) == ["abs", "max"]  # div, mul and sum are tracked
    dash = untracked.first.locator(".ng-shape").evaluate("e => getComputedStyle(e).strokeDasharray")
    assert dash not in ("", "none")
    assert "not tracked by autograd" in untracked.first.locator("title").text_content()
    tracked = v.locator(".ng-item", has_text="div").first.locator(".ng-shape")
    assert tracked.evaluate("e => getComputedStyle(e).strokeDasharray") in ("", "none")


def test_heads_side_by_side_are_not_folded(page: Any) -> None:
    # mu and logvar both read h: two boxes, not "Linear ×2" (only blocks in series fold)
    v = view(page, 5)
    v.scroll_into_view_if_needed()
    v.locator(".ng-item[data-id='m:mu']").wait_for()
    assert v.locator(".ng-item[data-id='m:logvar']").count() == 1
    assert v.locator(".ng-item.ng-type-run").count() == 0
    screenshot(v, "graphview-vae")


def test_a_refused_depth_or_click_is_said_above_the_drawing_not_over_it(page: Any) -> None:
    v = view(page, 6)
    v.scroll_into_view_if_needed()
    notice = v.locator(".ng-notice")
    assert v.locator(".ng-depth").text_content() == "depth 0"
    assert "Drawn at depth 0, not the 1 asked for" in (notice.text_content() or "")
    v.locator(".ng-notice-close").click()
    assert notice.is_hidden()
    v.locator(".ng-item[data-id='m:0']").click()
    notice.wait_for(state="visible")
    text = notice.text_content() or ""
    assert "Opening this would freeze the page" in text
    assert "The drawing shown is unchanged (depth 0)." in text
    assert v.locator(".ng-message.ng-error").count() == 0  # nothing written over the drawing
    assert v.locator(".ng-item[data-id='m:0']").count() == 1  # still drawn
    below = v.locator(".ng-canvas").bounding_box()
    box = notice.bounding_box()
    assert box and below and box["y"] + box["height"] <= below["y"] + 1
    screenshot(v, "graphview-refused")
