# %% [markdown]
# # 4. Binary classification
#
# Two classes of points in the plane (`make_classification`, 10% of the labels drawn at random),
# split 70 / 15 / 15 into training, validation and test sets. First a model written by hand
# (with a bug to find), then the same with PyTorch modules: `nn.Linear`, `nn.Sequential`, and our
# own `nn.Module` class, trained with SGD and with Adam.

# %%
import copy

import matplotlib.pyplot as plt
import torch
from torch import nn

import nngraph as ng
from nngraph import datasets
from nngraph.i18n import number  # format(x, ".3f") as the language writes it: 0,5 in Polish

LANG = "en"  # "pl" for Polish
ng.set_language(LANG)
device = datasets.device()  # the one place the device is chosen: a GPU if there is one
torch.set_num_threads(1)  # tiny models: more CPU threads cost more time than they save
torch.manual_seed(0)
plt.rcParams.update({"figure.figsize": (5, 3), "figure.dpi": 80})

data = datasets.classification()
x_train, y_train = data.x_train, data.y_train.float()
x_val, y_val = data.x_val, data.y_val.float()
print(len(x_train), "training,", len(x_val), "validation,", len(data.x_test), "test points")

# %% [markdown]
# ## By hand: logistic regression. Find the bug!
#
# $p = \sigma(xw + b)$, binary cross-entropy loss, gradient descent written by hand.
# This loop was in a published notebook. Run it: after the first epoch the loss does not move.
#
# The live view's Stop button works because the loops of this demo read
# `monitor.stop_requested` (a click, not a detector). They stop only for the button: the
# detectors' advice to stop (`Patience`) is shown, but the runs go on so that we can see what
# happens next.

# %%
w = nn.Parameter(torch.randn(2, 1, device=device))  # a tensor to learn: requires_grad=True
b = nn.Parameter(torch.zeros(1, device=device))
lr = 0.5


def predict(x):
    return torch.sigmoid(x @ w + b).squeeze(1)


def bce(p, y):
    return -(y * torch.log(p) + (1 - y) * torch.log(1 - p)).mean()


def step():
    w.data -= lr * w.grad
    b.data -= lr


def zero_grad():
    w.data.zero_()
    b.data.zero_()


def fit(monitor, epochs=30):
    for epoch in range(1, epochs + 1):
        p = predict(x_train)
        loss = bce(p, y_train)
        loss.backward()
        grad_norm = w.grad.norm()
        step()
        zero_grad()
        with torch.no_grad():
            p_val = predict(x_val)
        monitor.log(
            epoch,
            loss=loss,
            val_loss=bce(p_val, y_val),
            acc=((p > 0.5).float() == y_train).float().mean(),
            val_acc=((p_val > 0.5).float() == y_val).float().mean(),
            grad=grad_norm,
        )
        if monitor.stop_requested:
            break
    monitor.close()
    return monitor


buggy = fit(ng.Monitor(name="buggy"))


# %% [markdown]
# ## The debugger
#
# Look at one training step. `w` and `b` are `nn.Parameter`s, so the graph draws them as the
# model's parameters (2 + 1 numbers), apart from the data `x_train` and `y_train`. It shows
# each parameter as the forward pass saw it (its value), and its gradient as `.grad` holds it
# after this backward pass (`w.grad`, `b.grad`): this pass's gradient *plus* the leftovers of
# the 30 earlier passes, because nothing reset them. The health findings below say so, and the
# cell computes this pass's own gradient to compare. Then check what `step()` and
# `zero_grad()` really did.

# %%
with ng.record() as rec:
    p = predict(x_train)
    loss = bce(p, y_train)
    loss.backward()
bug_graph = rec.graph
bug_graph.show()


# %%
def listed(values, spec):  # numbers as the language writes them: [0.5, 1.5] in English
    return "[" + ", ".join(number(v, spec) for v in values) + "]"


def parameters_in(g):
    for _, d in g.nodes(data=True):
        if d["backward"] == "AccumulateGrad":  # the leaves we learn: w and b
            value, grad = d["value"], d["grad"]
            print(
                f"{d['name']}: value mean {number(value['mean'], '+.3f')}"
                f" ({value['zero_frac']:.0%} zeros) | gradient norm {number(grad['norm'], '.3f')}"
            )


parameters_in(bug_graph)
print("gradient norm of w in epochs 1-5:", listed(buggy.history("grad")[1][:5], ".2f"))
for finding in bug_graph.health():
    print("health:", finding["message"])

w_grad_now, b_grad_now = torch.autograd.grad(bce(predict(x_train), y_train), (w, b))
print(f"this pass alone: gradient norm of w {number(w_grad_now.norm(), '.3f')}")  # not in w.grad
b_before = b.item()
step()
b_change, b_expected = b.item() - b_before, -lr * b_grad_now.item()
b_change_text, b_expected_text = number(b_change, "+.3f"), number(b_expected, "+.3f")
print(f"step(): b changed by {b_change_text}, gradient descent says {b_expected_text}")
zero_grad()
print("zero_grad(): w =", listed(w.flatten(), "g"), " w.grad =", listed(w.grad.flatten(), "g"))

# %% [markdown]
# Found the bug? The answer is folded below: click it open.
#
# <details><summary>Answer</summary>
#
# What the debugger shows:
#
# * the weights are **all zero** when the forward pass runs: `zero_grad()` zeroes the weights,
#   not the gradients, so the model always outputs $p = 0.5$ and the loss stays at $\ln 2$;
# * the gradients are never reset: each backward pass adds to them, so their norm grows every
#   epoch. The graph's gradient of `w` is `w.grad`: about 30 times the gradient of this pass
#   alone;
# * `b` moves by $-\eta$ whatever its gradient says: the bias update ignores the gradient.
#
# The fix: zero the *gradients*, and use the gradient of `b`.
#
# </details>


# %%
def step():
    w.data -= lr * w.grad
    b.data -= lr * b.grad


def zero_grad():
    w.grad.zero_()
    b.grad.zero_()


w = nn.Parameter(torch.randn(2, 1, device=device))
b = nn.Parameter(torch.zeros(1, device=device))
fixed = fit(ng.Monitor(name="fixed"))
print(f"w.grad after zero_grad(): {listed(w.grad.flatten(), 'g')}")


# %% [markdown]
# ## With modules
#
# `nn.Linear` holds $w$ and $b$; an optimiser updates them. `BCEWithLogitsLoss` applies the
# sigmoid and the loss in one numerically safe step, so the models output a raw score (a
# *logit*): positive means class 1. One `train` function serves every model below and logs the
# training and validation loss and accuracy to a monitor.

# %%
loss_fn = nn.BCEWithLogitsLoss()


def accuracy(logits, y):
    return ((logits > 0).float() == y).float().mean()


def train(model, optimizer, epochs=100, monitor=None):
    monitor = monitor or ng.Monitor(model=model)
    for epoch in range(1, epochs + 1):
        model.train()
        optimizer.zero_grad()
        out = model(x_train).squeeze(1)
        loss = loss_fn(out, y_train)
        loss.backward()
        optimizer.step()

        model.eval()
        with torch.no_grad():
            val_out = model(x_val).squeeze(1)
        monitor.log(
            epoch,
            loss=loss,
            val_loss=loss_fn(val_out, y_val),
            acc=accuracy(out, y_train),
            val_acc=accuracy(val_out, y_val),
        )
        if monitor.stop_requested:
            break
    monitor.close()
    return monitor


linear = nn.Linear(2, 1).to(device)
mon_linear = train(linear, torch.optim.SGD(linear.parameters(), lr=0.5))

# %% [markdown]
# The warning says "may have started to memorise ... or this is noise in a small validation
# set". Here it is the second. A linear model of two features has 3 parameters ($w_1$, $w_2$ and
# $b$; its decision boundary is a line): it cannot memorise 70 points. The validation set has only 15 points, and the detectors see only their
# mean loss. As training goes on the line grows more confident: most validation points get a
# lower loss, but the few on the wrong side of the line (10% of the labels were drawn at random) get a
# much higher one, and the mean rises. The validation accuracy stays where it was. A detector's
# message is a rule of thumb: look at the data and the model before you believe it. Demo 6
# shows the real thing: a network with 300 000 parameters and 150 training images.

# %%
best_linear = copy.deepcopy(linear)
mon_linear.restore_best(best_linear)  # the weights of the best epoch, in a copy
per_point = nn.BCEWithLogitsLoss(reduction="none")  # one loss per point, not their mean
with torch.no_grad():
    out_best, out_now = best_linear(x_val).squeeze(1), linear(x_val).squeeze(1)
loss_best, loss_now = per_point(out_best, y_val), per_point(out_now, y_val)
worse, wrong = loss_now > loss_best, (out_now > 0).float() != y_val
span = f"epoch {mon_linear.best.epoch} (best) -> epoch {mon_linear.epoch}"
mean_best, mean_now = number(loss_best.mean(), ".4f"), number(loss_now.mean(), ".4f")
print(f"{span}: validation loss {mean_best} -> {mean_now}")
print(f"validation points with a lower loss now: {int((~worse).sum())} of {len(y_val)}")
print(f"with a higher loss: {int(worse.sum())}, on the wrong side: {int((worse & wrong).sum())}")
acc_best, acc_now = accuracy(out_best, y_val), accuracy(out_now, y_val)
print(f"validation accuracy: {number(acc_best, '.3f')} -> {number(acc_now, '.3f')}")

# %% [markdown]
# A hidden layer of 5 sigmoid units, as a `Sequential` stack. A network as a sequence of layers
# is how the high-level APIs describe it (Keras has a `Sequential` too); training it in our own
# hand-written loop, as here, is mixing the two levels, and that is fine.

# %%
sequential = nn.Sequential(nn.Linear(2, 5), nn.Sigmoid(), nn.Linear(5, 1)).to(device)
mon_sequential = train(sequential, torch.optim.SGD(sequential.parameters(), lr=0.5))

# %% [markdown]
# ## Our own module: 2-10-1 with ReLU
#
# A class says which layers there are (`__init__`) and how data flows through them
# (`forward`). 2·10 + 10 + 10·1 + 1 = 41 parameters. `ng.trace` runs one forward and backward
# pass and draws it, layer by layer.


# %%
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden = nn.Linear(2, 10)
        self.out = nn.Linear(10, 1)

    def forward(self, x):
        return self.out(torch.relu(self.hidden(x)))


net = Net().to(device)
n_params = sum(p.numel() for p in net.parameters())
print(n_params, "parameters")
g = ng.trace(net, x_train, loss=lambda out: loss_fn(out.squeeze(1), y_train))
g.show()

# %%
print(g.summary())

# %% [markdown]
# ## SGD or Adam?
#
# The same network, the same starting weights, two optimisers. `ng.Runs` shows the runs side
# by side. Its table shows each run at its best epoch (lowest validation loss), not at its last:
# the curves below show how each run goes on after it.

# %%
torch.manual_seed(1)
net_sgd = Net().to(device)
net_adam = copy.deepcopy(net_sgd)  # the same starting weights

runs = ng.Runs()
mon_sgd = train(net_sgd, torch.optim.SGD(net_sgd.parameters(), lr=0.1), monitor=runs.new("SGD"))
mon_adam = train(
    net_adam, torch.optim.Adam(net_adam.parameters(), lr=0.01), monitor=runs.new("Adam")
)
print(runs.table())

# %% [markdown]
# ## Training and validation curves
#
# The training curves come from the data the model learns from; the validation curves from
# points it never trains on. Watch the gap between them.

# %%
fig, (left, right) = plt.subplots(1, 2, figsize=(8, 3))
for name, mon, colour in [("SGD", mon_sgd, "tab:blue"), ("Adam", mon_adam, "tab:orange")]:
    for metric, axis in [("loss", left), ("acc", right)]:
        axis.plot(*mon.history(metric), color=colour, label=f"{name} training")
        axis.plot(*mon.history("val_" + metric), "--", color=colour, label=f"{name} validation")
left.set(xlabel="epoch", title="loss")
right.set(xlabel="epoch", title="accuracy")
right.legend(fontsize=7)
plt.tight_layout()
plt.show()

# %% [markdown]
# ## The decision boundary
#
# Where the network says class 1 (red) or class 0 (blue), with the training points.

# %%
grid = torch.linspace(-3, 3, 100, device=device)
gx, gy = torch.meshgrid(grid, grid, indexing="xy")
with torch.no_grad():
    score = net_adam(torch.stack([gx.flatten(), gy.flatten()], dim=1)).reshape(gx.shape)
plt.contourf(gx.cpu(), gy.cpu(), (score > 0).cpu(), alpha=0.3, cmap="coolwarm")
plt.scatter(*x_train.T.cpu(), c=y_train.cpu(), cmap="coolwarm", s=15, edgecolors="k")
plt.title("2-10-1 network trained with Adam")
plt.show()

with torch.no_grad():
    test_acc = accuracy(net_adam(data.x_test).squeeze(1), data.y_test.float()).item()
print(f"test accuracy: {number(test_acc, '.2f')}")
