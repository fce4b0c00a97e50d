# %% [markdown]
# # 7. Lab: Iris and handwritten digits
#
# Two classification problems, each solved with networks of growing size:
#
# 1. one layer: the inputs connected straight to one neuron per class (3 for Iris);
# 2. one hidden layer: small, medium, large;
# 3. deeper: three large hidden layers.
#
# Every run is logged to `ng.Runs`, which shows the runs side by side. Its table shows each run
# at its best epoch (lowest validation loss): the losses and accuracies in a row are that
# epoch's, not the last epoch's. Watch for overfitting in the large networks: training loss still
# falling, validation loss rising.

# %%
import copy

import matplotlib.pyplot as plt
import torch
from torch import nn

import nngraph as ng
from nngraph import datasets
from nngraph.i18n import number  # format(x, ".4f") as the language writes it: 0,5 in Polish

LANG = "en"  # "pl" for Polish
ng.set_language(LANG)
device = datasets.device()  # the one place the device is chosen: a GPU if there is one
torch.set_num_threads(1)  # tiny models: more CPU threads cost more time than they save
torch.manual_seed(0)
plt.rcParams.update({"figure.figsize": (5, 3), "figure.dpi": 80})

# %% [markdown]
# Two helpers: `mlp` builds a network from a list of hidden layer sizes (`[]` is one layer),
# `train` trains it with Adam on the whole training set at once and logs every epoch. The Stop
# button of the live view works because `train` reads `monitor.stop_requested` (a click):
# a click ends the run, and the runs after it are skipped. A detector's stop does not end a run
# here: we want to see the whole curve.


# %%
def mlp(n_in, hidden, n_out):
    layers, size = [], n_in
    for h in hidden:
        layers += [nn.Linear(size, h), nn.ReLU()]
        size = h
    return nn.Sequential(*layers, nn.Linear(size, n_out)).to(device)


def train(model, data, monitor, epochs, lr=0.01):
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = nn.CrossEntropyLoss()
    for epoch in range(1, epochs + 1):
        model.train()
        optimizer.zero_grad()
        out = model(data.x_train)
        loss = loss_fn(out, data.y_train)
        loss.backward()
        optimizer.step()

        model.eval()
        with torch.no_grad():
            val_out = model(data.x_val)
        monitor.log(
            epoch,
            loss=loss,
            val_loss=loss_fn(val_out, data.y_val),
            acc=(out.argmax(1) == data.y_train).float().mean(),
            val_acc=(val_out.argmax(1) == data.y_val).float().mean(),
        )
        if monitor.stop_requested:
            break
    monitor.close()


def plot_runs(runs, title):
    _, (left, right) = plt.subplots(1, 2, figsize=(8, 3))
    for mon in runs:
        left.plot(*mon.history("loss"), label=mon.name)
        right.plot(*mon.history("val_loss"), label=mon.name)
    left.set(title=f"{title}: training loss", xlabel="epoch", yscale="log")
    right.set(title="validation loss", xlabel="epoch", yscale="log")
    right.legend(fontsize=7)
    plt.tight_layout()
    plt.show()


# %% [markdown]
# ## Iris
#
# 150 flowers, 4 measurements each, 3 species; 90 for training, 30 for validation, 30 for test.

# %%
iris = datasets.iris()
print(iris.x_train.shape, "classes:", iris.names)

iris_models = {
    "1 layer": [],
    "hidden 4": [4],
    "hidden 32": [32],
    "hidden 256": [256],
    "3 x 256": [256, 256, 256],
}
runs_iris = ng.Runs()
iris_starts = {}  # each network before training: a section below trains one again from there
for name, hidden in iris_models.items():
    model = mlp(4, hidden, 3)
    iris_starts[name] = copy.deepcopy(model)
    train(model, iris, runs_iris.new(name, model=model), epochs=150)
    if runs_iris[name].stop_requested:
        break
print(runs_iris.table())

# %%
plot_runs(runs_iris, "Iris")

# %% [markdown]
# ## Handwritten digits
#
# The offline stand-in for MNIST: 1797 images of 8x8 pixels (64 features), 10 classes.
#
# A raw pixel is a whole number from 0 (white) to 16 (black). The network gets them
# standardised: each pixel shifted and scaled to mean 0 and standard deviation 1 over the
# training images, which to our eyes looks like noise (bottom row). To draw the digits we undo
# it: each pixel's smallest value is a raw 0, and the smallest gap between its values is a raw 1.

# %%
digits = datasets.digits()
low = digits.x_train.min(0).values
gaps = digits.x_train.sort(0).values.diff(dim=0)
unit = torch.where(gaps > 1e-4, gaps, torch.inf).min(0).values  # inf: a pixel always blank
raw = ((digits.x_train - low) / unit).round()
print("raw pixel values:", raw.unique().int().tolist())

_, axes = plt.subplots(2, 8, figsize=(8, 2.3))
for i in range(8):
    for row, images in enumerate([raw, digits.x_train]):
        axes[row, i].imshow(images[i].reshape(8, 8).cpu(), cmap="gray_r")
        axes[row, i].set(xticks=[], yticks=[])
    axes[0, i].set_title(str(digits.y_train[i].item()))
axes[0, 0].set_ylabel("raw")
axes[1, 0].set_ylabel("input")
plt.show()
print(digits.x_train.shape, digits.x_val.shape)

# %%
digits_models = {
    "1 layer": [],
    "hidden 16": [16],
    "hidden 64": [64],
    "hidden 256": [256],
    "3 x 256": [256, 256, 256],
}
runs_digits = ng.Runs()
digits_starts = {}  # each network before training, as for Iris
for name, hidden in digits_models.items():
    model = mlp(64, hidden, 10)
    digits_starts[name] = copy.deepcopy(model)
    train(model, digits, runs_digits.new(name, model=model), epochs=60)
    if runs_digits[name].stop_requested:
        break
print(runs_digits.table())

# %%
plot_runs(runs_digits, "digits")

# %% [markdown]
# ## What to look for
#
# * One layer learns slowly: its best epoch is the last one (it is still improving) and its
#   training loss ends the highest of all (left plot). Too simple (bias), or only not trained
#   enough? A section below trains it longer to tell: on Iris it is under-trained, on digits it
#   is too simple.
# * `3 x 256` reaches its best validation loss early; after it the training loss falls almost to
#   0 while the validation loss climbs far above its best (variance). `hidden 256` does the same,
#   more mildly: its best epoch comes well before the end, and then its validation loss rises a
#   little.
# * The `*` compares the runs at their best epochs only, not at their ends, so it can go to
#   `3 x 256`: stopped at its early best (what `restore_best` gives back), a large network can do
#   as well as a small one. With only 30 validation flowers, though, where that early best falls
#   is partly luck, and the exact ranking differs from run to run: train again with another seed
#   and another run may get the `*`, or the best epoch of `3 x 256` may come after a few epochs,
#   before it has learned much (see its `acc`). The shapes of the curves stay the same.
# * The `stop` column says where `Patience(20)` (20 epochs without a better validation loss)
#   would have stopped a run. Here every run goes on to the end, so `best epoch` is the best of
#   the whole run. Stopped there, `restore_best` would give back the best epoch *before* the
#   stop. On a small validation set (30 flowers for Iris) the curve is noisy and can dip again
#   after the stop, so the two can differ. The cell below prints both.

# %%
for title, runs in [("Iris", runs_iris), ("digits", runs_digits)]:
    for mon in runs:
        if mon.stop_event is None:
            continue
        stop = mon.stop_event.epoch
        steps, values = mon.history("val_loss")
        before = int(values[steps <= stop].argmin())
        before_value, best_value = number(values[before], ".4f"), number(mon.best.value, ".4f")
        print(
            f"{title}, {mon.name}: stop at epoch {stop}, best before it: epoch {steps[before]:.0f}"
            f" ({before_value}); best of the run: epoch {mon.best.epoch} ({best_value})"
        )

# %% [markdown]
# ## One layer: too simple, or not trained enough?
#
# A high loss at the end can mean two things: the model cannot do better (too simple: bias), or
# it has not had enough training yet. To tell them apart, train the one-layer network again,
# from the same start, with 10 times the epochs and, separately, with 10 times the learning
# rate, and compare its best validation loss with a hidden layer's.


# %%
def best_one_layer(start, data, epochs, lr):
    model = copy.deepcopy(start)  # the table's one-layer network as it was before training
    monitor = ng.Monitor(model=model, display=False)
    train(model, data, monitor, epochs=epochs, lr=lr)
    return monitor.best


def report(name, epochs, lr, best):
    value = number(best.value, ".4f")
    lr = number(lr, "g")
    print(f"  {name}, {epochs} epochs, learning rate {lr}: {value} (best epoch {best.epoch})")


longer = {}
for title, data, runs, starts, hidden in [
    ("Iris", iris, runs_iris, iris_starts, "hidden 32"),
    ("digits", digits, runs_digits, digits_starts, "hidden 64"),
]:
    one = runs["1 layer"]
    print(f"{title}, best validation loss:")
    report(hidden, one.epoch, 0.01, runs[hidden].best)
    report(one.name, one.epoch, 0.01, one.best)
    for epochs, lr in [(10 * one.epoch, 0.01), (one.epoch, 0.1)]:  # longer, faster
        longer[title, epochs, lr] = best = best_one_layer(starts[one.name], data, epochs, lr)
        report(one.name, epochs, lr, best)

# %% [markdown]
# On Iris one layer is under-trained, not too simple: with ten times the epochs or a ten times
# larger learning rate its best validation loss falls to about a third of what it reached in 150
# epochs, most of the way down to that of `hidden 32`, and after 1500 epochs its best epoch is
# still the last one: it is still improving. The model was good enough; 150 epochs at this
# learning rate were not.
#
# On digits it really is too simple (bias): trained ten times longer, or with a ten times larger
# learning rate, its best validation loss stays above what `hidden 64` reached in 60 epochs.
# Trained longer, its best epoch comes well before the 600th, and after it the validation loss
# rises again: still more epochs would not help. More training does not help a model that is too
# simple; a hidden layer does.

# %% [markdown]
# Your turn: change the hidden sizes, the learning rate or the number of epochs. Use the test set
# only once, for the model you pick, at its best epoch: `restore_best()` puts that epoch's weights
# back into the run's own model (`train` returns nothing, and after the loops `model` is only
# the last network trained):
#
# ```python
# picked = runs_digits["hidden 64"]  # the run you pick by its validation loss
# picked.restore_best()  # its model, with the weights of its best epoch
# picked.model.eval()
# with torch.no_grad():
#     test_out = picked.model(digits.x_test)
# test_acc = (test_out.argmax(1) == digits.y_test).float().mean()
# print(f"{picked.name}, epoch {picked.best.epoch}: test accuracy {number(test_acc, '.3f')}")
# ```
#
# Or train on fewer digits: `train` takes a whole data split, so make a copy of `digits` with
# only the first 200 training images (the validation set stays):
#
# ```python
# import dataclasses
#
# few = dataclasses.replace(digits, x_train=digits.x_train[:200], y_train=digits.y_train[:200])
# model = mlp(64, [256], 10)
# train(model, few, runs_digits.new("hidden 256, 200 digits", model=model), epochs=60)
# print(runs_digits.table())
# ```
