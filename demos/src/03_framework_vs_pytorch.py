# %% [markdown]
# # 3. Our own framework next to PyTorch
#
# Last time we wrote a small framework in NumPy: every layer has a `forward` and a hand-written
# `backward`. Here it is again, trained as Linear(2, 10) - Tanh - Linear(10, 2) - Softmax on a
# two-class problem. Then we build the same network in PyTorch, where autograd writes every
# `backward` for us, and check that both give the same gradients.

# %%
import numpy as np
import torch
from torch import nn

import nngraph as ng
from nngraph import datasets
from nngraph.i18n import number  # format(x, ".6f") as the language writes it: 0,5 in Polish

LANG = "en"  # "pl" for Polish
ng.set_language(LANG)
device = datasets.device()  # the one place the device is chosen: a GPU if there is one
torch.set_num_threads(1)  # tiny models: more CPU threads cost more time than they save
torch.manual_seed(0)

data = datasets.classification()  # make_classification, 70 / 15 / 15 points
X = data.x_train.cpu().double().numpy()  # NumPy works on the CPU only
Y = data.y_train.cpu().numpy()  # the targets: class 0 or 1
print(X.shape, Y[:10])

# %% [markdown]
# ## The NumPy framework
#
# Each `backward(dy)` gets $\partial L/\partial y$ (the gradient at the layer's output) and
# returns $\partial L/\partial x$ (the gradient at its input); `Linear` also keeps the gradients
# of its parameters.


# %%
class Linear:
    def __init__(self, n_in, n_out, rng):
        self.W = rng.normal(0, 1 / np.sqrt(n_in), size=(n_in, n_out))
        self.b = np.zeros(n_out)

    def forward(self, x):
        self.x = x
        return x @ self.W + self.b

    def backward(self, dy):
        self.dW = self.x.T @ dy
        self.db = dy.sum(axis=0)
        return dy @ self.W.T

    def update(self, lr):
        self.W -= lr * self.dW
        self.b -= lr * self.db


class Tanh:
    def forward(self, x):
        self.y = np.tanh(x)
        return self.y

    def backward(self, dy):
        return dy * (1 - self.y**2)


class Softmax:
    def forward(self, z):
        e = np.exp(z - z.max(axis=1, keepdims=True))
        self.p = e / e.sum(axis=1, keepdims=True)
        return self.p

    def backward(self, dp):
        return self.p * (dp - (dp * self.p).sum(axis=1, keepdims=True))


class CrossEntropyLoss:
    def forward(self, p, y):
        self.p, self.y = p, y
        return -np.log(p[np.arange(len(y)), y]).mean()

    def backward(self):
        dp = np.zeros_like(self.p)
        rows = np.arange(len(self.y))
        dp[rows, self.y] = -1 / (self.p[rows, self.y] * len(self.y))
        return dp


class Net:
    def __init__(self, *layers):
        self.layers = layers

    def forward(self, x):
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def backward(self, dy):
        for layer in reversed(self.layers):
            dy = layer.backward(dy)

    def update(self, lr):
        for layer in self.layers:
            if isinstance(layer, Linear):
                layer.update(lr)


rng = np.random.default_rng(0)
numpy_net = Net(Linear(2, 10, rng), Tanh(), Linear(10, 2, rng), Softmax())
criterion = CrossEntropyLoss()

# %% [markdown]
# ## The same network in PyTorch
#
# Same layers, same starting weights (copied; PyTorch stores `W` transposed), float64 like NumPy.
# We only write the forward pass. The `%%nngraph` cell records it with its backward pass. In the
# graph, `x` and `y` are the inputs and the targets; the op nodes `t` are transposes: `nn.Linear`
# computes $xW^T + b$.

# %%
# %load_ext nngraph
torch_net = nn.Sequential(nn.Linear(2, 10), nn.Tanh(), nn.Linear(10, 2), nn.Softmax(dim=1))
torch_net = torch_net.double().to(device)
with torch.no_grad():
    for ours, theirs in [(numpy_net.layers[0], torch_net[0]), (numpy_net.layers[2], torch_net[2])]:
        theirs.weight.copy_(torch.from_numpy(ours.W.T))
        theirs.bias.copy_(torch.from_numpy(ours.b))

x = data.x_train.double()
y = data.y_train  # the targets


def cross_entropy(p, y):
    return -torch.log(p[torch.arange(len(y), device=y.device), y]).mean()


# %%
# %%nngraph --model torch_net -o g
torch_net.zero_grad()  # run again, the cell gives the same gradients, not their sum
loss = cross_entropy(torch_net(x), y)
loss.backward()

# %%
print(g.summary())

# %% [markdown]
# ## Gradient check
#
# One forward and backward pass of our framework, then compare each parameter's gradient with
# the one autograd computed. The gradient norms nngraph stored on the graph agree too.

# %%
numpy_loss = criterion.forward(numpy_net.forward(X), Y)
numpy_net.backward(criterion.backward())
first, second = numpy_net.layers[0], numpy_net.layers[2]
ours = {"0.weight": first.dW.T, "0.bias": first.db, "2.weight": second.dW.T, "2.bias": second.db}
graph_norm = {d["name"]: d["grad"]["norm"] for _, d in g.nodes(data=True) if d["kind"] == "param"}

print(f"loss: NumPy {number(numpy_loss, '.10f')}   PyTorch {number(loss, '.10f')}")
max_difference = {}
for name, p in torch_net.named_parameters():
    max_difference[name] = np.abs(p.grad.cpu().numpy() - ours[name]).max()
    numpy_norm, nngraph_norm = np.linalg.norm(ours[name]), graph_norm[name]
    print(
        f"{name:9} max |NumPy - autograd| = {number(max_difference[name], '.1e')}   "
        f"norm: NumPy {number(numpy_norm, '.6f')}, graph {number(nngraph_norm, '.6f')}"
    )

# %% [markdown]
# ## Training both
#
# 200 steps of plain gradient descent on each: the two networks stay identical.

# %%
lr = 0.5
optimizer = torch.optim.SGD(torch_net.parameters(), lr=lr)
for _ in range(200):
    numpy_loss = criterion.forward(numpy_net.forward(X), Y)
    numpy_net.backward(criterion.backward())
    numpy_net.update(lr)

    optimizer.zero_grad()
    loss = cross_entropy(torch_net(x), y)
    loss.backward()
    optimizer.step()

numpy_acc = (numpy_net.forward(X).argmax(axis=1) == Y).mean()
torch_acc = (torch_net(x).argmax(dim=1) == y).double().mean().item()
print(f"NumPy:   loss {number(numpy_loss, '.8f')}, training accuracy {number(numpy_acc, '.3f')}")
print(f"PyTorch: loss {number(loss, '.8f')}, training accuracy {number(torch_acc, '.3f')}")
