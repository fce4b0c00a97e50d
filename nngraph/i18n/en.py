"""English messages. Keys are `area.name`; `{fields}` are filled in by `message()`."""

MESSAGES: dict[str, str] = {
    # i18n
    "i18n.unknown_language": "unknown language {got!r}: choose one of {known}",
    # capture
    "capture.needs_tensor": (
        "{call} needs a torch.Tensor (or a tuple/list/dict of tensors), got {got}: "
        "pass the result of a computation, e.g. {call}(loss)"
    ),
    "capture.no_history": (
        "this tensor has no autograd history, so it has no graph: did you compute it under "
        "torch.no_grad() or call .detach()? Compute it with gradients enabled, or use "
        "ng.record() to see operations that do not track gradients."
    ),
    "capture.bad_params": (
        "params must be an nn.Module, a dict {{name: tensor}} or (name, tensor) pairs, not {got}; "
        "e.g. graph_of(loss, params=model)"
    ),
    "capture.graph_not_ready": "rec.graph is ready when the `with ng.record() as rec:` block ends",
    "capture.not_a_module": (
        "{call} needs a torch.nn.Module, got {got}; for a plain tensor computation use "
        "`with ng.record() as rec:` or ng.graph_of(y)"
    ),
    "capture.loss_not_callable": (
        "loss must be a function of the model's output returning a scalar tensor, "
        "e.g. loss=lambda y: torch.nn.functional.mse_loss(y, target)"
    ),
    "capture.loss_not_scalar": (
        "loss(output) must return a tensor with one element (a scalar loss), got {got}"
    ),
    "capture.loss_no_history": (
        "the loss has no autograd history: does the model have parameters that require grad, "
        "and does the loss use the model's output?"
    ),
    "capture.stopped": (
        "nngraph stopped recording at `{op}` ({error}); the graph is incomplete, "
        "your computation is not affected"
    ),
    # datasets
    "datasets.needs_sklearn": (
        "this data set needs scikit-learn: pip install scikit-learn (or nngraph[demos])"
    ),
    "datasets.bad_split": "split must be three fractions adding up to 1, got {got}",
    # magics
    "magic.help": (
        "nngraph in one line.\n\n"
        "  %nngraph EXPR                 the autograd graph of the tensor(s) EXPR evaluates to\n"
        "  %%nngraph [options]           record the whole cell (forward and backward) and show it\n"
        "      --depth N                 open modules down to depth N\n"
        "      --view forward|backward   which pass to draw\n"
        "      --color-by grad|value|none  colour nodes by gradient or value size\n"
        "      --model MODEL             name modules relative to MODEL\n"
        "      -o NAME                   keep the graph in the variable NAME\n"
        "      -q                        show nothing\n"
        "  %nngraph monitor [--model M] [--metric val_loss] [-o mon]   start a training monitor\n"
        "  %nngraph watch MODEL [-o watch]   record per-layer gradient norms every step\n"
        "  %nngraph lang en|pl           switch the language of nngraph"
    ),
    "magic.usage": (
        "usage: %nngraph EXPR | %%nngraph [--depth N] [--view forward|backward] [-o NAME] [-q] | "
        "%nngraph monitor | %nngraph watch MODEL | %nngraph lang en|pl (help: %nngraph?)"
    ),
    "magic.bad_arguments": "%nngraph: {error} (help: %nngraph?)",
    "magic.cannot_evaluate": "%nngraph: cannot evaluate {expression!r}: {error}",
    "magic.nothing_recorded": "%%nngraph: the cell ran no PyTorch operation, so there is no graph to show",
    "magic.created": "{name} = {what}",
    # lossview: the live loss view (nngraph.widgets.LossView; sent to the browser as a dict)
    "lossview.stop": "Stop",
    "lossview.stopping": "Stopping…",
    "lossview.stopped": "Stopped",
    "lossview.stop_hint": "Ask the training loop to stop: it sees mon.should_stop == True",
    "lossview.stop_event": "stopped with the Stop button at epoch {epoch}",
    "lossview.log_scale": "log scale",
    "lossview.smoothing": "smoothing",
    "lossview.step": "step {step}",
    "lossview.epoch": "epoch {epoch}",
    "lossview.epoch_of": "epoch {epoch}/{total}",
    "lossview.rate": "{rate} epochs/s",
    "lossview.seconds_per_epoch": "{seconds} s/epoch",
    "lossview.eta": "ETA {eta}",
    "lossview.waiting": "waiting for the first mon.log(...)",
    "lossview.best": "best epoch {epoch}: {metric} = {value}",
    "lossview.event": "epoch {epoch} · {detector}\n{message}",
    "lossview.gradients": "gradient norm per layer",
    "lossview.axis_step": "step",
    "lossview.run": "run",
    "lossview.epochs": "epochs",
    "lossview.best_epoch": "best epoch",
    "lossview.stop_column": "stop",
    "lossview.none": "-",
    "lossview.plain": "nngraph loss view: {metrics}",
    "monitor.stop_requested": "stop requested at epoch {epoch}",
}
