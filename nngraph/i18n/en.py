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
    # monitor: errors and warnings
    "monitor.error.positive": "{what} must be a positive number, got {value!r}",
    "monitor.error.positive_int": "{what} (an int) must be a positive number, got {value!r}",
    "monitor.error.nonnegative": "{what} must be zero or more, got {value!r}",
    "monitor.error.mode": "mode must be 'min' or 'max', got {value!r}",
    "monitor.error.display": "display must be 'auto', 'text', 'widget' or False, got {value!r}",
    "monitor.error.detectors": (
        "detectors must be Detector objects (see nngraph.detectors), got {got!r}"
    ),
    "monitor.error.no_metrics": "log() needs at least one metric, e.g. mon.log(epoch, loss=0.5)",
    "monitor.error.metric_type": (
        "{name}={value!r} is not a number: log() takes floats, ints or one-element tensors, "
        "e.g. mon.log(epoch, loss=loss.item())"
    ),
    "monitor.error.tensor_size": (
        "{name} is a tensor with {numel} elements: log one number per metric, e.g. {name}=t.mean()"
    ),
    "monitor.error.step": (
        "the step must be a finite number (the epoch or batch index), got {step!r}"
    ),
    "monitor.error.not_logged": "{metric!r} has not been logged; logged: {logged}",
    "monitor.error.no_best": (
        "there are no best weights to restore: {why}. Pass Monitor(model=model) and log {metric}"
    ),
    "monitor.why.no_model": "Monitor was created without model=",
    "monitor.why.no_metric": "{metric} has not been logged yet",
    "monitor.error.not_module": "{what} needs a torch.nn.Module, got {type_name}",
    "monitor.error.listener": "add_listener() needs a callable, got {got!r}",
    "monitor.error.capacity": "Series capacity must be at least {minimum} points",
    "monitor.warn.listener": "nngraph: a monitor listener failed ({exc}); it was removed",
    "monitor.warn.view": "nngraph: live view unavailable ({exc}); printing text",
    "monitor.param.pq_k": "PQ strip length k",
    "monitor.param.up_s": "UP s (successive strips)",
    "monitor.param.up_k": "UP strip length k",
    "monitor.distributed.not_initialized": (
        "Monitor(distributed=True) needs torch.distributed.init_process_group() to be called "
        "first (or use distributed='auto')"
    ),
    "monitor.distributed.value": "distributed must be True, False or 'auto', got {value!r}",
    "monitor.lightning.missing": (
        "nngraph.integrations.lightning needs PyTorch Lightning: pip install nngraph[lightning]"
    ),
    # monitor: metric names and units inside sentences
    "monitor.name.loss": "training loss",
    "monitor.name.acc": "training accuracy",
    "monitor.name.accuracy": "training accuracy",
    "monitor.name.val_loss": "validation loss",
    "monitor.name.val_acc": "validation accuracy",
    "monitor.name.val_accuracy": "validation accuracy",
    "monitor.name.val": "validation {name}",
    "monitor.name.other": "{name}",
    "monitor.unit.epoch.one": "{n} epoch",
    "monitor.unit.epoch.few": "{n} epochs",
    "monitor.unit.epoch.many": "{n} epochs",
    "monitor.event": "epoch {epoch}: {message}",
    # monitor: detector explanations (the key is "monitor." + the event's message_id)
    "monitor.gl.overfit": (
        "{metric} is {gl:.1f}% above its best ({best:.4g} at epoch {best_epoch}) while {train} "
        "kept falling for {since}: the model has started to memorise the training data. "
        "Stop here, or keep the best weights (restore_best)."
    ),
    "monitor.gl.stalled": (
        "{metric} is {gl:.1f}% above its best ({best:.4g} at epoch {best_epoch}) and {train} "
        "has not fallen since then either: training has stalled or become unstable "
        "(try a smaller learning rate)."
    ),
    "monitor.gl.plain": (
        "{metric} is {gl:.1f}% above its best ({best:.4g} at epoch {best_epoch}): the model is "
        "getting worse on data it does not train on."
    ),
    "monitor.pq.fire": (
        "{metric} is {gl:.1f}% above its best while {train} improved only {progress:.3g}‰ over "
        "the last {since} (quotient {pq:.3g} > {alpha:g}): each epoch now costs more on new data "
        "than it gains on training data, so the model has started to memorise."
    ),
    "monitor.up.fire": (
        "{metric} rose at the end of {s} successive strips of {strip} ({trail}): the model keeps "
        "getting worse on new data, a sign of overfitting. Best: {best:.4g} at epoch {best_epoch}."
    ),
    "monitor.patience.fire": (
        "{metric} has not improved for {since} (best {best:.4g} at epoch {best_epoch}): more "
        "training is unlikely to help."
    ),
    "monitor.divergence.nonfinite": (
        "{metric} became {value} at step {step}: training has diverged (the numbers overflowed). "
        "Lower the learning rate, check the data for NaN, or clip the gradients."
    ),
    "monitor.divergence.threshold": (
        "{metric} is {value:.4g} at step {step}, above the limit {threshold:.4g}: training is "
        "blowing up. Lower the learning rate."
    ),
    "monitor.divergence.factor": (
        "{metric} is {value:.4g} at step {step}, {ratio:.0f} times its first value "
        "({first:.4g}): training is blowing up. Lower the learning rate."
    ),
    "monitor.gap.relative": (
        "{metric} ({val:.4g}) and {train} ({tr:.4g}) have been more than {pct:.0f}% apart for "
        "{since}: the model does much better on the data it trains on than on new data (high "
        "variance). More data, a smaller model or regularisation narrow this gap."
    ),
    "monitor.gap.absolute": (
        "{metric} ({val:.4g}) and {train} ({tr:.4g}) have been more than {threshold:.4g} apart "
        "for {since}: the model does much better on the data it trains on than on new data (high "
        "variance). More data, a smaller model or regularisation narrow this gap."
    ),
    "monitor.grad.vanishing": (
        "layer '{layer}' gets almost no gradient (norm {norm:.2g}, {ratio:.1g} of the largest, "
        "'{top}'): its weights barely change. Vanishing gradients come from deep stacks of "
        "sigmoid/tanh, poor initialisation, or a layer cut off from the loss."
    ),
    "monitor.grad.exploding": (
        "layer '{layer}' has a gradient norm of {norm:.3g} (above {limit:g}): steps this large "
        "make training unstable. Lower the learning rate or clip the gradients "
        "(torch.nn.utils.clip_grad_norm_)."
    ),
    "monitor.grad.nonfinite": (
        "layer '{layer}' has a {value} gradient: training has diverged. Lower the learning rate "
        "or check the data and the loss for NaN."
    ),
    # monitor: GradientWatch
    "monitor.gradwatch.no_params": "GradientWatch found no trainable parameters in the model",
    "monitor.gradwatch.model": "(model)",
    "monitor.gradwatch.table.columns": "layer|last|min|max",
    "monitor.gradwatch.table.header": "{layer:<{w}}  {last:>10}  {low:>10}  {high:>10}",
    "monitor.gradwatch.table.row": "{layer:<{w}}  {last:>10.3g}  {low:>10.3g}  {high:>10.3g}",
    # monitor: text lines and summary
    "monitor.text.epoch": "epoch {epoch:>4}",
    "monitor.text.step": "step {step:>5}",
    "monitor.text.metric": "{name} {value:.4g}",
    "monitor.text.pair": "{name} {train:.4g} / val {val:.4g}",
    "monitor.text.val_only": "val_{name} {val:.4g}",
    "monitor.text.best_mark": " *",
    "monitor.text.event": "  ! {message}",
    "monitor.text.stop": "  -> stop suggested by {detector} at epoch {epoch}",
    "monitor.summary.best": "best {metric} {value:.4g} at epoch {epoch} (step {step})",
    "monitor.summary.none": "nothing logged yet",
    "monitor.summary.restore": "mon.restore_best(model) puts those weights back",
    "monitor.summary.events": "{n} event(s):",
    "monitor.repr": "<Monitor{name}: {epochs} epochs{best}, {events} events>",
    "monitor.repr.best": ", best {metric}={value:.4g}",
    # monitor: restoring the best weights
    "monitor.weights.mismatch": (
        "the model does not match the saved best weights ({details}): restore_best() needs the "
        "same architecture as the model given to Monitor(model=...)"
    ),
    "monitor.weights.missing": "missing {names}",
    "monitor.weights.unexpected": "unexpected {names}",
    "monitor.weights.shape": "{name} is {got}, saved {saved}",
    "monitor.weights.more": " (+{n} more)",
    # monitor: Runs and compare
    "monitor.runs.table.run": "run",
    "monitor.runs.table.epochs": "epochs",
    "monitor.runs.table.best_epoch": "best epoch",
    "monitor.runs.table.stop": "stop",
    "monitor.runs.table.stopped": "{detector} @ {epoch}",
    "monitor.runs.table.none": "-",
    "monitor.runs.table.winner": " *",
    "monitor.runs.table.empty": "no runs yet: runs.new('small')",
    "monitor.runs.default_name": "run {i}",
    "monitor.runs.error.duplicate": "a run called {name!r} already exists; pick another name",
    "monitor.runs.error.not_monitor": "compare() takes Monitor objects, got {got!r}",
    "monitor.runs.error.unknown": "no run called {name!r}; runs: {names}",
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
