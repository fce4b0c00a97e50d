# %% [markdown]
# # 6. Overfitting
#
# A model **overfits** when it learns its training data so well, noise included, that it does
# worse on new data. Three causes: too little data, too complex a model, too much noise.

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
# ## Five points
#
# Five noisy training points of a straight line, and 20 validation points from the same line.
# Two models: a line (2 parameters) and a polynomial of degree 6 (7 parameters). With more
# parameters than points, the polynomial can go through every point: we take the one with the
# smallest coefficients (least squares with the pseudo-inverse). The error is the mean squared
# error; the polynomial's training error is 0, yet it misses new points more than the line.
#
# The lecture's figure shows the same: a line with training error 5.3 and validation error 5.1,
# and a model with 7 parameters with training error 0 and validation error 20 (illustrative
# numbers). Ours, below: the line 1.287 (training) and 1.238
# (validation), degree 6: 0 and 4.068. The scale differs, the
# picture is the same.

# %%
x_train, y_train, x_val, y_val = datasets.polynomial_points(seed=8)  # float64, on the CPU


def features(x, degree):
    return x ** torch.arange(degree + 1, dtype=x.dtype)  # columns 1, x, x², ...


def fit(degree):
    return torch.linalg.pinv(features(x_train, degree)) @ y_train  # minimum-norm least squares


def error(coefficients, x, y):
    degree = len(coefficients) - 1
    return ((features(x, degree) @ coefficients - y) ** 2).mean().item()


line, poly = fit(1), fit(6)
errors = {}
for name, c in [("line (2 parameters)", line), ("degree 6 (7 parameters)", poly)]:
    errors[name] = (error(c, x_train, y_train), error(c, x_val, y_val))
    training, validation = (number(e, ".3f") for e in errors[name])
    print(f"{name:24} training error {training}   validation error {validation}")

# %%
grid = torch.linspace(-1, 1, 200, dtype=torch.float64).unsqueeze(1)
plt.scatter(x_train, y_train, color="k", zorder=3, label="training")
plt.scatter(x_val, y_val, marker="x", color="grey", label="validation")
plt.plot(grid, features(grid, 1) @ line, label="line")
plt.plot(grid, features(grid, 6) @ poly, label="degree 6")
plt.ylim(-6, 9)
plt.legend(fontsize=7)
plt.show()

# %% [markdown]
# ## The bias-variance trade-off
#
# All degrees from 0 to 6. The training error never rises: more parameters fit the training
# points at least as well, and from degree 4 (5 parameters, 5 points) they fit them exactly. The
# validation error falls, then rises: a **U-curve**.
#
# * left of the bottom, **bias** errors (underfitting): the model is too simple;
# * right of the bottom, **variance** errors (overfitting): the model fits the noise.

# %%
degrees = list(range(7))
train_errors = [error(fit(d), x_train, y_train) for d in degrees]
val_errors = [error(fit(d), x_val, y_val) for d in degrees]
for d, tr, va in zip(degrees, train_errors, val_errors, strict=True):
    print(f"degree {d}: training {number(tr, '.3f')}, validation {number(va, '.3f')}")

plt.plot(degrees, train_errors, "o-", label="training")
plt.plot(degrees, val_errors, "o-", label="validation")
plt.xlabel("degree (parameters - 1)")
plt.ylabel("mean squared error")
plt.legend()
plt.show()

# %% [markdown]
# ## Detecting it while training
#
# A network far too big for its data: 64-512-512-10 (300 000 parameters) on only 150 images of
# handwritten digits. Training error keeps falling; validation error stops falling and starts
# to rise. That is the moment to stop, or at least to keep a snapshot of the model.
#
# `ng.Monitor` watches both curves. Its detector `GL(5)` fires when the validation loss is 5%
# above its best, and `mon.restore_best(model)` brings back the weights of the best epoch.
# We train 15 epochs past the alarm to see the rise. The view's Stop button stops the loop after
# the current epoch: it reads `mon.stop_requested`, which only a click sets.

# %%
digits = datasets.digits()  # 8x8 images, 64 features, 10 classes
x_small, y_small = digits.x_train[:150], digits.y_train[:150]  # too little data
print(len(x_small), "training images,", len(digits.x_val), "validation images")

model = nn.Sequential(
    nn.Linear(64, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, 10)
).to(device)
optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
loss_fn = nn.CrossEntropyLoss()

mon = ng.Monitor(model=model, detectors=[ng.detectors.GL(5)])
for epoch in range(1, 201):
    model.train()
    optimizer.zero_grad()
    out = model(x_small)
    loss = loss_fn(out, y_small)
    loss.backward()
    optimizer.step()

    model.eval()
    with torch.no_grad():
        val_out = model(digits.x_val)
    mon.log(
        epoch,
        loss=loss,
        val_loss=loss_fn(val_out, digits.y_val),
        acc=(out.argmax(1) == y_small).float().mean(),
        val_acc=(val_out.argmax(1) == digits.y_val).float().mean(),
    )
    if mon.stop_requested:  # the Stop button
        break
    if mon.should_stop and epoch >= mon.stop_event.epoch + 15:  # 15 epochs past GL(5)'s alarm
        break
mon.close()

# %%
for event in mon.events:
    print(event)
print()
print(mon.summary())

# %%
epochs, val_curve = mon.history("val_loss")
plt.plot(*mon.history("loss"), label="training")
plt.plot(epochs, val_curve, label="validation")
plt.axvline(mon.best.epoch, color="green", linestyle=":", label="best")
plt.axvline(mon.stop_event.epoch, color="red", linestyle="--", label=mon.stop_event.detector)
plt.xlabel("epoch")
plt.ylabel("loss")
plt.legend()
plt.show()

# %% [markdown]
# The picture is the bias-variance trade-off again, this time over the epochs: as training goes
# on, bias falls (both losses fall while the network learns the digits) and variance rises
# (after the best epoch the training loss keeps falling while the validation loss climbs: the
# network fits the noise of its 150 images).
#
# Put the best weights back and check: the validation loss is the best one again.


# %%
def validation_loss():
    model.eval()
    with torch.no_grad():
        return loss_fn(model(digits.x_val), digits.y_val).item()


last_val_loss = mon.history("val_loss")[1][-1]  # as logged: the model may be restored already
mon.restore_best(model)
restored_val_loss = validation_loss()
last, restored = number(last_val_loss, ".4f"), number(restored_val_loss, ".4f")
print(f"validation loss: last epoch {last}, after restore_best {restored}")
print(f"best, epoch {mon.best.epoch}: {number(mon.best.value, '.4f')}")

# %% [markdown]
# ## Remedies
#
# * more data;
# * a simpler model (fewer parameters);
# * regularisation, for example dropout (next lecture);
# * early stopping: stop when the validation error rises and keep the best model.
