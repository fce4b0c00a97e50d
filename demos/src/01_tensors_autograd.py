# %% [markdown]
# # 1. Tensors and autograd
#
# Training a network needs two things:
#
# 1. operations on tensors (NumPy has them),
# 2. the gradient of any expression (NumPy does not).
#
# PyTorch records a **computational graph** while it computes, then walks it backwards to get
# every gradient for us, on the CPU or on a GPU. nngraph draws that graph.

# %%
import matplotlib.pyplot as plt
import networkx as nx
import torch

import nngraph as ng
from nngraph import datasets
from nngraph.i18n import number  # format(x, ".4f") as the language writes it: 0,5 in Polish

LANG = "en"  # "pl" for Polish
ng.set_language(LANG)
device = datasets.device()  # the one place the device is chosen: a GPU if there is one
torch.set_num_threads(1)  # tiny models: more CPU threads cost more time than they save
torch.manual_seed(0)
plt.rcParams.update({"figure.figsize": (5, 3), "figure.dpi": 80})
print("torch", torch.__version__, "| device:", device)

# %% [markdown]
# ## Tensors
#
# A tensor is an n-dimensional array on a device. Operations work element by element, and
# **broadcasting** stretches a smaller tensor to fit a bigger one. A method ending in `_`
# changes the tensor in place.

# %%
a = torch.tensor([1.0, 2.0, 3.0], device=device)
m = torch.ones(2, 3, device=device)
print(m * a)  # a is used for every row of m
a.add_(10)  # in place: a itself changes
print(a)

# %% [markdown]
# ## A computational graph
#
# $c = \mathrm{mean}\left(\sqrt{a^2 + b^2}\right)$. `requires_grad=True` asks PyTorch to record
# what happens to `a` and `b`. The `%%nngraph` cell magic records the cell (forward and
# backward) and draws the graph: data flows from `a` and `b` (inputs) to `c` (output). Leaves
# that require gradients are what a model learns, so the summary counts their 6 numbers as its
# parameters.

# %%
# %load_ext nngraph
a = torch.tensor([1.0, 2.0, 3.0], device=device, requires_grad=True)
b = torch.tensor([4.0, 5.0, 6.0], device=device, requires_grad=True)

# %%
# %%nngraph -o g
c = torch.mean(torch.sqrt(a**2 + b**2))
c.backward()

# %%
print(g.summary())

# %% [markdown]
# `c.backward()` filled `a.grad` and `b.grad`. By hand:
# $\frac{\partial c}{\partial a_i} = \frac{a_i}{3\sqrt{a_i^2 + b_i^2}}$.

# %%
grad_a = a.grad.clone()
print("a.grad      ", grad_a)
print("by hand     ", (a / (3 * torch.sqrt(a**2 + b**2))).detach())
print("b.grad      ", b.grad)

# %% [markdown]
# ## A gradient on every node
#
# The backward pass computes the gradient of `c` with respect to *every* node on the way,
# not only the inputs. nngraph keeps them, with the values (means shown here: `a` is the input
# with mean 2, `b` the one with mean 5).

# %%
for node in nx.topological_sort(g):
    d = g.nodes[node]
    value, grad = number(d["value"]["mean"], "7.4f"), number(d["grad"]["mean"], ".4f")
    print(f"{d['label']:>7}  shape {d['shape']!s:4}  value mean {value}  gradient mean {grad}")

# %% [markdown]
# ## Gradients accumulate
#
# `backward()` **adds** to `.grad`. PyTorch frees the graph after a backward pass, so a second
# pass needs `retain_graph=True` in the first. Reset with `grad.zero_()`.

# %%
a.grad.zero_()
b.grad.zero_()
c = torch.mean(torch.sqrt(a**2 + b**2))
c.backward(retain_graph=True)  # keep the graph for one more pass
first_grad = a.grad.clone()
c.backward()  # the same gradient is added again
second_grad = a.grad.clone()
print("after 1 pass: ", first_grad)
print("after 2 passes:", second_grad)

try:
    c.backward()  # the graph was freed by the last pass
except RuntimeError as error:
    print("third pass:", str(error).split(".")[0])
a.grad.zero_()
b.grad.zero_()
print("after zero_():  ", a.grad)

# %% [markdown]
# ## Vector outputs: a vector-Jacobian product
#
# For a vector `y`, `y.backward(v)` computes $v^\top J$ (here $v_i b_i$ for `a`), without
# building the whole Jacobian $J$. The vector comes first, so PyTorch calls it a
# **vector-Jacobian product**. The cell zeroes the gradients first: `backward` adds to them.

# %%
a.grad.zero_()
b.grad.zero_()
y = a * b
v = torch.tensor([1.0, 0.1, 0.01], device=device)
y.backward(v)
print("a.grad =", a.grad, " v * b =", v * b.detach())

# %% [markdown]
# ## Gradient descent
#
# Minimise $f(x) = (x_1 - 3)^2 + (x_2 + 2)^2$: start at $(0, 0)$ and step against the
# gradient, $x \leftarrow x - \eta \nabla f(x)$. The minimum is at $(3, -2)$.

# %%
x = torch.zeros(2, device=device, requires_grad=True)
lr = 0.1
path = [x.detach().cpu().clone()]
for _ in range(50):
    f = (x[0] - 3) ** 2 + (x[1] + 2) ** 2
    f.backward()
    with torch.no_grad():  # the update itself must not be recorded
        x -= lr * x.grad
    x.grad.zero_()
    path.append(x.detach().cpu().clone())
with torch.no_grad():
    f = (x[0] - 3) ** 2 + (x[1] + 2) ** 2  # f at the x we print, after the last step
x1, x2, f_text = number(x[0], ".4f"), number(x[1], ".4f"), number(f, ".2e")
print(f"after 50 steps: x1 = {x1}   x2 = {x2}   f = {f_text}")

# %%
path = torch.stack(path)
u, w = torch.meshgrid(torch.linspace(-1, 5, 60), torch.linspace(-4, 2, 60), indexing="ij")
plt.contour(u, w, (u - 3) ** 2 + (w + 2) ** 2, levels=12, cmap="Greys")
plt.plot(path[:, 0], path[:, 1], "o-", markersize=3)
plt.plot(3, -2, "r*", markersize=12)
plt.xlabel("$x_1$")
plt.ylabel("$x_2$")
plt.title("gradient descent from (0, 0)")
plt.show()
