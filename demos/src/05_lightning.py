# %% [markdown]
# # 5. The high-level API: PyTorch Lightning
#
# Until now we wrote every training loop ourselves (the low-level API). A high-level API
# writes the loop for us: we describe the network, one training step and the optimiser, and
# call `fit`. Keras does this for TensorFlow, Lightning for PyTorch, and the two levels mix:
# inside a Lightning module there is ordinary PyTorch. The high level trains a standard network
# quickly, with less code of our own to get wrong (demo 4's bug lived in a hand-written loop);
# the low level stays for full control: research and new ideas.
#
# Here is the 2-10-1 network from demo 4 again. Keras's `fit` returns a `History` with the
# curves; here the nngraph callback watches `fit`: live curves, explanations, early stopping, and
# the best weights put back at the end.

# %%
import logging
import warnings

import lightning.pytorch as pl
import matplotlib.pyplot as plt
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

import nngraph as ng
from nngraph import datasets
from nngraph.i18n import number  # format(x, ".4f") as the language writes it: 0,5 in Polish
from nngraph.integrations.lightning import NNGraphCallback

LANG = "en"  # "pl" for Polish
ng.set_language(LANG)
device = datasets.device()  # the one place the device is chosen: a GPU if there is one
torch.set_num_threads(1)  # tiny models: more CPU threads cost more time than they save
torch.manual_seed(0)
plt.rcParams.update({"figure.figsize": (5, 3), "figure.dpi": 80})
logging.getLogger("lightning.pytorch").setLevel(logging.ERROR)  # keep the output short
warnings.filterwarnings("ignore", module="lightning")  # tips for big data sets

data = datasets.classification()
train_loader = DataLoader(TensorDataset(data.x_train, data.y_train), batch_size=16, shuffle=True)
val_loader = DataLoader(TensorDataset(data.x_val, data.y_val), batch_size=64)

# %% [markdown]
# ## The network as a `LightningModule`
#
# `forward` as before; `training_step` and `validation_step` compute the loss of one batch and
# `log` it; `configure_optimizers` picks the optimiser.


# %%
class LitNet(pl.LightningModule):
    def __init__(self, lr=0.01):
        super().__init__()
        self.hidden = nn.Linear(2, 10)
        self.out = nn.Linear(10, 1)
        self.lr = lr

    def forward(self, x):
        return self.out(torch.relu(self.hidden(x))).squeeze(1)

    def evaluate(self, batch, stage):
        x, y = batch
        logits = self(x)
        loss = nn.functional.binary_cross_entropy_with_logits(logits, y.float())
        acc = ((logits > 0).long() == y).float().mean()
        self.log(f"{stage}_loss", loss, on_step=False, on_epoch=True)
        self.log(f"{stage}_acc", acc, on_step=False, on_epoch=True)
        return loss

    def training_step(self, batch, batch_idx):
        return self.evaluate(batch, "train")

    def validation_step(self, batch, batch_idx):
        self.evaluate(batch, "val")

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=self.lr)


model = LitNet()
n_params = sum(p.numel() for p in model.parameters())
print(n_params, "parameters")

# %% [markdown]
# ## `fit`
#
# The `Trainer` runs the epochs, the batches, validation and the device (`accelerator`).
# To end `fit` early, click the live view's Stop button rather than *Interrupt the kernel*:
# Stop ends `fit` after the current epoch, the best weights come back and the cell goes on. An
# interrupt puts them back too, but Lightning then ends the cell with a `SystemExit` traceback,
# and nothing after `fit` in that cell runs.

# %%
callback = NNGraphCallback()
trainer = pl.Trainer(
    max_epochs=40,
    accelerator="gpu" if device.type == "cuda" else "cpu",
    devices=1,
    callbacks=[callback],
    enable_progress_bar=False,
    enable_model_summary=False,
    logger=False,
    enable_checkpointing=False,
    log_every_n_steps=1,
)
trainer.fit(model, train_loader, val_loader)

# %%
mon = callback.monitor
print(mon.summary())

# %% [markdown]
# ## Where `fit` stopped
#
# The callback's detectors are the classroom set. `GL(5)` only warns, and its message says so:
# training goes on, because a small, noisy validation set (15 points here) often dips
# again. `Patience(20)` is the one that stops: when the validation loss has not improved for 20
# epochs it tells the `Trainer` to stop, and `fit` ends there, even before `max_epochs`.
# Lightning numbers epochs from 0 (our own loops counted from 1), so the number of the epoch
# where training stops below is one less than the number of epochs that ran (the last line).

# %%
for event in mon.events:
    print(f"epoch {event.epoch}: {event.detector}", "stops fit" if event.stop else "warns only")
ran = trainer.current_epoch  # the number of epochs that ran
print(
    f"fit ran {ran} of {trainer.max_epochs} epochs, numbered 0 to {ran - 1}; best: {mon.best.epoch}"
)

# %% [markdown]
# After `fit` the callback has put back the weights of the best epoch. Check on the validation
# set, then look at the trained network as a graph.

# %%
model = model.to(device).eval()
with torch.no_grad():
    logits = model(data.x_val)
    val_loss = nn.functional.binary_cross_entropy_with_logits(logits, data.y_val.float()).item()
    test_acc = ((model(data.x_test) > 0).long() == data.y_test).float().mean().item()
now, best = number(val_loss, ".4f"), number(mon.best.value, ".4f")
print(f"validation loss now {now}, best epoch {mon.best.epoch}: {best}")
print(f"test accuracy {number(test_acc, '.2f')}")

g = ng.trace(model, data.x_val)
g.show()

# %%
fig, (left, right) = plt.subplots(1, 2, figsize=(8, 3))
for metric, axis in [("loss", left), ("acc", right)]:
    axis.plot(*mon.history(metric), label="training")
    axis.plot(*mon.history("val_" + metric), "--", label="validation")
    axis.axvline(mon.best.epoch, color="grey", linewidth=0.8)
    axis.set(xlabel="epoch", title=metric)
right.legend()
plt.tight_layout()
plt.show()
