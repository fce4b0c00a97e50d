# %% [markdown]
# # 2. Linear regression, low level
#
# 120 noisy points of $y = 2x + 0.9$. The model is $\hat y = wx + b$ with two parameters,
# the loss is the mean squared error. We start from a bad guess, $w = 100$, and let gradient
# descent find $w \approx 2$, $b \approx 0.9$: first with a hand-written update, then with
# `torch.optim.SGD`. This is PyTorch's **low-level API**: tensors, autograd, and a training loop
# we write ourselves. It gives full control over every step, which is what research and new
# ideas (a new layer, loss or training trick) need.

# %%
import matplotlib.pyplot as plt
import torch

import nngraph as ng
from nngraph import datasets
from nngraph.i18n import number  # format(x, ".3f") as the language writes it: 0,5 in Polish

LANG = "en"  # "pl" for Polish
ng.set_language(LANG)
device = datasets.device()  # the one place the device is chosen: a GPU if there is one
torch.set_num_threads(1)  # tiny models: more CPU threads cost more time than they save
torch.manual_seed(0)
plt.rcParams.update({"figure.figsize": (5, 3), "figure.dpi": 80})

x, y = datasets.line()  # 120 points of y = 2x + 0.9 + noise, on `device`
print(x.shape, y.shape, x.device)

# %% [markdown]
# ## One step, seen as a graph
#
# The graph of the loss has the two parameters as leaves. After `backward()` each carries its
# gradient: $w$ is far too big, so its gradient is large and positive.
#
# `ng.graph_of` reads, after the fact, the graph autograd built for `backward()`. That graph
# holds only what a gradient flows to: the data `x` and `y` are not in it. Only the leaves keep
# their gradient (`.grad`), so the other nodes show none ("-"). The summary's Type column names
# the node the backward runs for each op (`MulBackward0` for `mul`), and for each leaf
# `AccumulateGrad`, which adds the gradient into its `.grad`. The `%%nngraph` cell of demo 1 and
# `ng.record()` in demo 4 watch the computation as it runs, and show the data and every node's
# gradient.

# %%
w = torch.tensor(100.0, device=device, requires_grad=True)
b = torch.tensor(0.0, device=device, requires_grad=True)

loss = ((w * x + b - y) ** 2).mean()
loss.backward()
g = ng.graph_of(loss, params={"w": w, "b": b})
g.show()

# %%
print(g.summary())
first_grads = {}
for _, d in g.nodes(data=True):
    if d["kind"] == "param":
        first_grads[d["name"]] = d["grad"]["mean"]
        value, grad = number(d["value"]["mean"], "8.3f"), number(d["grad"]["mean"], "9.3f")
        print(f"{d['name']}: value {value}   gradient {grad}")

# %% [markdown]
# ## The update written by hand
#
# $w \leftarrow w - \eta\,\partial L/\partial w$, the same for $b$, then reset the gradients
# (they accumulate). `ng.Monitor` draws the loss live, and here also $w$ and $b$: each epoch logs
# its loss with the $w$ and $b$ that gave it (their values before the update), so the $w$ curve
# starts at 100. The cell creates $w$ and $b$ again, so running it again starts again from
# $w = 100$, $b = 0$. The view's Stop button works because the loop reads `by_hand.should_stop`.

# %%
w = torch.tensor(100.0, device=device, requires_grad=True)  # the same bad start as above
b = torch.tensor(0.0, device=device, requires_grad=True)
lr = 0.1
epochs = 60

by_hand = ng.Monitor(name="by hand", metric="loss")  # no validation set here
for epoch in range(1, epochs + 1):
    loss = ((w * x + b - y) ** 2).mean()
    by_hand.log(epoch, loss=loss, w=w.item(), b=b.item())  # the w and b that gave this loss
    if epoch % 10 == 0:
        loss_text, w_text, b_text = number(loss, "8.3f"), number(w, "7.3f"), number(b, "6.3f")
        print(f"epoch {epoch}: loss {loss_text}   w {w_text}   b {b_text}")
    loss.backward()
    with torch.no_grad():  # the update is not part of the model: do not record it
        w -= lr * w.grad
        b -= lr * b.grad
    w.grad.zero_()
    b.grad.zero_()
    if by_hand.should_stop:  # the Stop button (or a detector) ends the loop here
        break
by_hand.close()
loss = ((w * x + b - y) ** 2).mean()  # the loss of the final w and b
w_text, b_text, loss_text = (number(t, ".4f") for t in (w, b, loss))
print(f"by hand:    w = {w_text}, b = {b_text}, loss = {loss_text}")

# %% [markdown]
# ## The same with `torch.optim.SGD`
#
# An optimiser does the update (`step()`) and the reset (`zero_grad()`) for us. Same start,
# same learning rate: the same numbers.

# %%
w2 = torch.tensor(100.0, device=device, requires_grad=True)
b2 = torch.tensor(0.0, device=device, requires_grad=True)
optimizer = torch.optim.SGD([w2, b2], lr=lr)

with_sgd = ng.Monitor(name="optim.SGD", metric="loss")
for epoch in range(1, epochs + 1):
    optimizer.zero_grad()
    loss2 = ((w2 * x + b2 - y) ** 2).mean()
    with_sgd.log(epoch, loss=loss2, w=w2.item(), b=b2.item())  # before step(), as above
    loss2.backward()
    optimizer.step()
    if with_sgd.should_stop:
        break
with_sgd.close()
loss2 = ((w2 * x + b2 - y) ** 2).mean()
w_text, b_text, loss_text = (number(t, ".4f") for t in (w2, b2, loss2))
print(f"optim.SGD:  w = {w_text}, b = {b_text}, loss = {loss_text}")

# %%
order = x[:, 0].argsort()
plt.scatter(x.cpu(), y.cpu(), s=8, alpha=0.5, label="data")
plt.plot(
    x[order].cpu(),
    (w * x + b)[order].detach().cpu(),
    "r",
    label=f"{number(w, '.2f')}x + {number(b, '.2f')}",
)
plt.legend()
plt.title("the fitted line")
plt.show()
