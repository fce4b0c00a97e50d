# %% [markdown]
# # 8. Lab: the tasks
#
# The lab sheet: the same data and helpers as demo 7, with the networks left for you to choose.
# Every cell runs as it is: where a task says TODO, the cell runs a placeholder until you change
# it (a one-layer network, or an empty list of sizes that trains nothing). Demo 7 is one solution; open it after you have tried.
#
# Two classification problems, Iris and handwritten digits, each solved with:
#
# 1. one layer: the inputs connected straight to one neuron per class (3 for Iris);
# 2. one hidden layer: small, medium and large;
# 3. a deeper network. Make sure you observe overfitting: the training loss still falling while
#    the validation loss rises.
#
# Then pick one network per problem by its validation loss and score it on the test set, once.

# %%
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

# %% [markdown]
# The helpers of demo 7: `mlp` builds a network from a list of hidden layer sizes (`[]` is one
# layer), `train` trains it with Adam on the whole training set at once and logs every epoch to a
# monitor (the Stop button of the live view ends the run), and `plot_runs` draws the training and
# validation losses of every run.


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
#
# **Task 1.** One layer: 4 inputs straight to 3 outputs. Train it and read its curves. Is its
# best epoch the last one (still improving)? Then it is not done: try more epochs or a larger
# learning rate (`train(..., epochs=..., lr=...)`) before you call it too simple.

# %%
iris = datasets.iris()
print(iris.x_train.shape, "classes:", iris.names)

runs_iris = ng.Runs()
model = mlp(4, [], 3)
train(model, iris, runs_iris.new("1 layer", model=model), epochs=150)

# %% [markdown]
# **Task 2.** One hidden layer, in three sizes: small, medium and large (for example 4, 32 and
# 256 neurons). Put each size in the list and run the cell: each network becomes one run of the
# table, at its best epoch.

# %%
iris_hidden = []  # TODO: hidden layer sizes, for example [4, 32, 256]
for size in iris_hidden:
    model = mlp(4, [size], 3)
    train(model, iris, runs_iris.new(f"hidden {size}", model=model), epochs=150)
print(runs_iris.table())

# %% [markdown]
# **Task 3.** A deeper network: several large hidden layers, for example three of 256. Make sure
# you observe overfitting: in which run does the training loss keep falling while the validation
# loss rises? At which epoch would you stop it? The table's `stop` column says where
# `Patience(20)` would have stopped each run.

# %%
deep = []  # TODO: the hidden layers of a deeper network, for example [256, 256, 256]
model = mlp(4, deep, 3)
train(model, iris, runs_iris.new(f"deep {deep}", model=model), epochs=150)
print(runs_iris.table())
plot_runs(runs_iris, "Iris")

# %% [markdown]
# ## Handwritten digits
#
# 1797 images of 8x8 pixels (64 features), 10 classes: the offline stand-in for MNIST.
#
# **Task 4.** Tasks 1-3 again on digits: one layer, one hidden layer in three sizes, a deeper
# network. The inputs are now 64 and the classes 10. Is the one-layer network too simple here,
# or only under-trained? Does a large network overfit sooner than on Iris?

# %%
digits = datasets.digits()
print(digits.x_train.shape, digits.x_val.shape)

digits_models = {
    "1 layer": [],
    # TODO: hidden layers, for example "hidden 16": [16], ..., "3 x 256": [256, 256, 256]
}
runs_digits = ng.Runs()
for name, hidden in digits_models.items():
    model = mlp(64, hidden, 10)
    train(model, digits, runs_digits.new(name, model=model), epochs=60)
print(runs_digits.table())
plot_runs(runs_digits, "digits")

# %% [markdown]
# ## The test set, once
#
# **Task 5.** For each problem, pick one run by its validation loss (not by its test score), put
# the weights of its best epoch back (`restore_best()`) and score it on the test set, once. The
# test set says how well the chosen network will do on new data; used to choose, it would no
# longer say that.

# %%
picks = {"Iris": "1 layer", "digits": "1 layer"}  # TODO: the run you pick for each problem
for title, runs, data in [("Iris", runs_iris, iris), ("digits", runs_digits, digits)]:
    picked = runs[picks[title]]
    picked.restore_best()  # its model, with the weights of its best epoch
    picked.model.eval()
    with torch.no_grad():
        test_acc = (picked.model(data.x_test).argmax(1) == data.y_test).float().mean()
    accuracy = number(test_acc, ".3f")
    print(f"{title}, {picked.name}, epoch {picked.best.epoch}: test accuracy {accuracy}")
