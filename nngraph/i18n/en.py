"""English messages. Keys are `area.name`; `{fields}` are filled in by `message()`. A counted
noun has a key per form, `area.name.one`, `.few`, `.many` (Polish 1, 2-4, 5+) and, where it
may be counted in fractions, `.other`: `plural_message()` picks it."""

MESSAGES: dict[str, str] = {
    # i18n
    "i18n.unknown_language": "unknown language {got!r}: choose one of {known}",
    # capture
    "capture.needs_tensor": (
        "{call} needs a torch.Tensor (or a tuple/list/dict of tensors), got {got}: "
        "pass the result of a computation, e.g. {call}(loss)"
    ),
    "capture.no_history": (
        "this tensor has no autograd history, so it has no graph: either none of the tensors "
        "it was computed from requires grad (make the inputs with "
        "torch.tensor(..., requires_grad=True), or use a model's parameters), or it was "
        "computed under torch.no_grad() or torch.inference_mode(), or cut off with .detach() "
        "(compute it with gradients enabled). To see operations that do not track gradients, "
        "use ng.record()."
    ),
    "capture.bad_stats": (
        "stats must be True (statistics of every value and gradient) or False (the structure "
        "alone), not {got!r}"
    ),
    "capture.bad_params": (
        "params must be an nn.Module, a dict {{name: tensor}} or (name, tensor) pairs, not {got}; "
        "e.g. graph_of(loss, params=model)"
    ),
    "capture.label.input": "input",  # a tensor no variable or argument names
    "capture.label.param": "param",
    "capture.label.buffer": "buffer",
    "capture.label.constant": "constant",
    "capture.output_label": "output",  # an output node no variable names
    "capture.graph_not_ready": "rec.graph is ready when the `with ng.record() as rec:` block ends",
    "capture.param_not_tensor": (
        "params names tensors, but {name!r} is {got}: pass the model, "
        "e.g. graph_of(loss, params=model), or dict(model.named_parameters())"
    ),
    "capture.record_without_with": (
        "ng.record() records the code of a with-block: write `with ng.record(model) as rec:`, "
        "run the model inside it, then use rec.graph after the block"
    ),
    "capture.record_with_inputs": (
        "ng.record() takes no inputs: it records what runs inside its with-block, so run the "
        "model there: `with ng.record(model) as rec:` and `loss = model(x).sum()` in the block; "
        "or draw one forward pass with ng.trace(model, x)"
    ),
    "capture.record_two_models": (
        "ng.record() takes one model, got {count}: the module paths of the graph are named"
        " from it, and every other model that runs in the block is recorded too (its ops under"
        " a box of their own). Give the main one, `with ng.record(model) as rec:`, or none,"
        " `with ng.record() as rec:`, and run them all in the block"
    ),
    "capture.record_without_as": (
        "the graph is on the object that `with ... as rec:` gives, not on what ng.record() "
        "returns: write `with ng.record(model) as rec:` (not `rec = ng.record(model)` and then "
        "`with rec:`), and use rec.graph after the block"
    ),
    "capture.bad_module_name": (
        "{owner} holds a submodule named {name!r}, which PyTorch's add_module refuses (a name "
        "must not be empty or contain a '.'): setattr let it in. Give it another name, e.g. "
        "{suggestion!r}"
    ),
    "capture.not_a_module": (
        "{call} needs a torch.nn.Module, got {got}; for a plain tensor computation use "
        "`with ng.record() as rec:` or ng.graph_of(y)"
    ),
    "capture.loss_is_class": (
        "loss is the class {name}, not a loss function: create an instance and call it on the "
        "output and the target, e.g. loss=lambda y: {name}()(y, target)"
    ),
    "capture.bad_model_call": (
        "trace() could not call the model with what it was given ({error}): give the model's "
        "inputs after the model, e.g. ng.trace(model, x, loss=lambda y: ...){hint}"
    ),
    "capture.batch_as_keywords": (
        "trace() got one dict as the model's input, whose keys ({keys}) are the names of the"
        " model's forward() arguments: pass them as keyword arguments,"
        " ng.trace(model, **batch, loss=...)"
    ),
    "capture.did_you_mean_loss": "; did you mean loss=?",
    "capture.loss_not_callable": (
        "loss must be a function of the model's output returning a scalar tensor, "
        "e.g. loss=lambda y: torch.nn.functional.mse_loss(y, target)"
    ),
    "capture.loss_is_value": (
        "loss is a value (of type {got}), a loss computed already, not a function: trace() runs"
        " the model and then calls loss on its output, so give it a function of the output,"
        " e.g. loss=lambda out: loss_fn(out, y) instead of loss=loss_fn(model(x), y)"
    ),
    "capture.loss_module_needs_target": (
        "loss is the module {name}, which needs the target as well as the model's output (its"
        " forward takes {params}), but trace() calls loss with the output alone: wrap it in a"
        " function that takes the output only, e.g. loss=lambda out: loss_fn(out, y), where"
        " loss_fn is your {name} and y holds the targets"
    ),
    "capture.loss_function_needs_target": (
        "loss is {name}, which needs the target as well as the model's output (it takes"
        " {params}), but trace() calls loss with the output alone: wrap it in a function that"
        " takes the output only, e.g. loss=lambda out: {name}(out, y), where y holds the targets"
    ),
    "capture.loss_lambda_needs_target": (
        "the loss function takes the arguments ({params}), but trace() calls it with one, the"
        " model's output: write a function of the output alone that reads the targets from a"
        " variable, e.g. loss=lambda out: F.mse_loss(out, y), where y holds the targets"
    ),
    "capture.loss_not_scalar": (
        "loss(output) must return a tensor with one element (a scalar loss), got {got}"
    ),
    "capture.loss_no_history": (
        "the loss has no autograd history: does the model have parameters that require grad, "
        "and does the loss use the model's output as a tensor, without .item(), .detach() or "
        "torch.no_grad()?"
    ),
    "capture.loss_through_integers": (
        "the loss has no autograd history: it is computed from the result of {op} (of type"
        " {dtype}), and whole numbers (argmax, indices, comparisons) never carry gradients."
        " Compute the loss from the model's scores themselves (e.g. F.cross_entropy(output,"
        " target) on the logits) and keep argmax for the accuracy"
    ),
    "capture.loss_copied": (
        "the loss has no autograd history: torch.tensor(...) copies the values it is given"
        " without their history, so no gradient flows back through it. Use the tensor itself,"
        " and make one tensor of several with torch.stack(...) or torch.cat(...), which keep"
        " it: torch.stack([self.fc(r) for r in x]) instead of torch.tensor([...])"
    ),
    "capture.loss_copied_new_tensor": (
        "the loss has no autograd history: x.new_tensor(h) copies the values of h without their"
        " history, so no gradient flows back through it. Use h itself (or h.to(x.dtype),"
        " h.to(x.device), which keep it)"
    ),
    "capture.loss_copied_nested": (
        "the loss has no autograd history: torch.nested.nested_tensor([...]) copies the tensors"
        " it is given without their history, so no gradient flows back through it. Use"
        " torch.nested.as_nested_tensor([...], layout=torch.jagged), which keeps it"
    ),
    "capture.loss_forward_without_grad": (
        "the loss has no autograd history because the model's forward ran with gradients off "
        "(@torch.no_grad() on forward, or torch.set_grad_enabled(False) inside it, e.g. copied "
        "from an inference helper): remove it to train and trace the backward; "
        "ng.trace(model, x) without loss= shows the forward pass alone"
    ),
    "capture.loss_made_before": (
        "the loss function returned a loss computed before trace() ran (as in loss=lambda out:"
        " loss_value): it does not use the output trace() gives it, so the graph would show this"
        " forward pass's values with the gradients of the forward pass that made that loss."
        " Compute the loss from the output the function is given, e.g. loss=lambda out:"
        " F.mse_loss(out, y)"
    ),
    "capture.loss_ignores_output": (
        "the loss does not use the model's output that trace() gives the loss function: it is"
        " computed from something else, such as another run of the model (loss=lambda out:"
        " F.mse_loss(model(x), y)) or the weights alone, so the graph would show this forward"
        " pass's values with the gradients of another computation. Compute the loss from the"
        " output the function is given, e.g. loss=lambda out: F.mse_loss(out, y) (a weight"
        " penalty may be added to it)"
    ),
    "capture.loss_ran_backward": (
        "the loss= function ran backward() itself; trace() runs the backward: let the function "
        "only compute and return the loss, e.g. loss=lambda y: F.mse_loss(y, target)"
    ),
    "capture.lazy_output": (
        "the model returned an iterator ({got}): it is lazy, its values are computed only when "
        "something reads them, after ng.trace() has finished, so there is nothing to record. "
        "Let forward return a tuple or list (e.g. `return tuple(...)`, or `[...]` instead of "
        "`(...)` around a comprehension), or pass a loss= that reads it, e.g. "
        "loss=lambda ys: sum(y.sum() for y in ys)"
    ),
    "capture.returned_none_loss": (
        "the model returned None, so loss= got None instead of the model's output: does forward "
        "end without `return`? End it with the result, e.g. `return self.fc(x)`"
    ),
    "capture.returned_none": (
        "the model returned None: does forward end without `return`? The graph shows what it "
        "computed but has no output; end forward with the result, e.g. `return self.fc(x)`"
    ),
    "capture.backward_again": (
        "backward() ran twice on the same loss inside this ng.record() block, and the weights "
        "still held the gradients of the first time: PyTorch adds them up in .grad, so every "
        "gradient is now twice what one backward gives (as if the learning rate were doubled). "
        'If retain_graph=True was added to silence "Trying to backward through the graph a '
        'second time", remove it and the second call: call loss.backward() once per forward '
        "pass"
    ),
    "capture.backward_again_cell": (
        "backward() ran twice on the same loss in this cell, and the weights still held the"
        " gradients of the first time: PyTorch adds them up in .grad, so every gradient is now"
        " twice what one backward gives (as if the learning rate were doubled). If"
        ' retain_graph=True was added to silence "Trying to backward through the graph a second'
        ' time", remove it and the second call: call loss.backward() once per forward pass'
    ),
    "capture.untracked_loss": (
        "a backward pass ran inside this ng.record() block, but it reached nothing the block "
        "recorded: the block computed its loss without autograd (a number taken out with "
        ".item() and made a tensor again with torch.tensor(...), values from .detach(), or a "
        "forward under torch.no_grad()), so the loss has no graph behind it and no gradient "
        "reaches the model's weights; requires_grad=True or loss.requires_grad_(True) only "
        "silences PyTorch's error about it. Compute the loss with autograd on and keep it a "
        "tensor: loss = loss_fn(model(x), y), without .item(), torch.tensor(...) or .detach(), "
        "outside `with torch.no_grad():`"
    ),
    "capture.forward_before_block": (
        "a backward pass ran inside this ng.record() block, but it reached nothing the block "
        "recorded: the forward pass that computed its loss ran before the block, so none of its "
        "ops or gradients are in the graph. Run the forward inside the block too: "
        "`with ng.record(model) as rec:` then `loss = loss_fn(model(x), y)` and "
        "`loss.backward()`"
    ),
    # `ng.record(model)` whose model never ran in the block: which one did, where known
    "capture.record_model_idle.none": (
        "ng.record({model}): {model} did not run in the block (none of its layers was called), "
        "so the graph's layers are not named after it. Give record() the model the block runs, "
        "or none: ng.record()"
    ),
    "capture.record_model_idle.one": (
        "ng.record({model}): {model} did not run in the block (none of its layers was called); "
        "{ran} ran instead. To name the graph's layers after the model that ran, write "
        "ng.record({ran}), or give none: ng.record()"
    ),
    "capture.record_model_idle.many": (
        "ng.record({model}): {model} did not run in the block (none of its layers was called); "
        "the models that ran are {ran}. Give record() the one to name the graph's layers "
        "after, or none: ng.record()"
    ),
    "capture.trace_in_another_thread": (
        "ng.trace() is running in another thread now: a trace clears the model's .grad and puts"
        " the model and the random generators back when it ends, so two at once would mix"
        " them up. Call ng.trace() from one thread at a time"
    ),
    "capture.inference_mode": (
        "ng.trace() cannot run inside torch.inference_mode(): no gradient is tracked there. "
        "Call it outside the `with torch.inference_mode():` block."
    ),
    "capture.inference_input": (
        "ng.trace() got a tensor made under torch.inference_mode() ({where}): autograd cannot "
        "record what the model does with it. Make the input outside the `with "
        "torch.inference_mode():` block, or pass a copy made outside it, e.g. "
        "ng.trace(model, x.clone())"
    ),
    "capture.model_without_forward": (
        "the model, {got}, holds modules or parameters but has no forward() of its own, so it cannot be"
        " called: give trace() the model whose forward() runs them, or nn.Sequential(*layers)"
        " if they run one after another"
    ),
    "capture.input_is_loader": (
        "{where} is a {type_name}, which holds the whole data set, batch after batch, while the"
        " model takes one batch. Take one batch first, give the model its inputs and the loss"
        " its targets: x, y = next(iter(loader)), then ng.trace(model, x, loss=lambda out:"
        " loss_fn(out, y))"
    ),
    # note under a RecursionError met while modules ran inside each other (see
    # nngraph/capture/_recursion.py); {calls}: module calls in its traceback
    "capture.recursion_limit": (
        "nngraph: Python's recursion limit (sys.getrecursionlimit() = {limit}) was reached with"
        " {calls} module calls running one inside another. Under trace() and record(), PyTorch"
        " runs each module"
        " call through one more Python function (its path for module hooks, which nngraph uses"
        " to know which module runs), so a model nested this deep reaches the limit about a"
        " fifth sooner than without nngraph. If the model is meant to be nested this deep,"
        " raise the limit before the call: import sys; sys.setrecursionlimit({suggested})"
    ),
    # notes under PyTorch's errors for label mistakes in the loss trace() calls (see
    # nngraph/capture/_label_errors.py); {shape}: the model output's shape, {n}: its rows
    "capture.label_note.float": (
        "nngraph: the class labels are floats, but cross_entropy and nll_loss take class"
        " indices, whole numbers (dtype torch.long): pass y.long(). (A float target is taken as"
        " class probabilities, which needs the output's shape, [N, classes].)"
    ),
    "capture.label_note.extra_dim": (
        "nngraph: cross_entropy takes one class index per example, a target of shape [{n}],"
        " but this target has a dim more (labels as a column, [{n}, 1]; the output has shape"
        " {shape}): pass y.squeeze(1), or y.view(-1), as whole numbers: y.squeeze(1).long()."
    ),
    "capture.label_note.one_output": (
        "nngraph: the model has one output unit, and cross_entropy needs one score per class,"
        " so the only label it accepts is 0. For two classes give the last layer 2 outputs"
        " (nn.Linear(..., 2)) and keep CrossEntropyLoss; or keep 1 output and use"
        " nn.BCEWithLogitsLoss with float targets of shape [N, 1]: y.float().unsqueeze(1)."
    ),
    "capture.label_note.out_of_bounds": (
        "nngraph: class labels must run from 0 to {last}, one per output score (the model gives"
        " {classes} per example), but one is {label}. Labels that start at 1 need y - 1; more"
        " classes need a last layer with more outputs (nn.Linear(..., number of classes))."
    ),
    "capture.label_note.out_of_bounds_unknown": (
        "nngraph: class labels must run from 0 to the number of classes - 1, one per output"
        " score, but one is {label}. Labels that start at 1 need y - 1; more classes need a last"
        " layer with more outputs (nn.Linear(..., number of classes))."
    ),
    "capture.label_note.binary_shape": (
        "nngraph: binary cross-entropy compares each output with the target at the same place,"
        " so both need the same shape, and here the output has shape {shape} and the target"
        " another. Give the target the output's shape: y.float().view_as(out) (for an output"
        " [N, 1] and labels [N]: y.float().unsqueeze(1))."
    ),
    "capture.label_note.binary_long": (
        "nngraph: the targets are most likely whole numbers (dtype torch.long), and binary"
        " cross-entropy compares the output with float targets (0.0 or 1.0): pass y.float()."
    ),
    "capture.input_is_iterator": (
        "nngraph: {where} is an iterator (type {type_name}), which gives its items one at a"
        " time; if the model needs a tensor there, take one item out first and give the model"
        " that, e.g. x, y = next(batches), then ng.trace(model, x, loss=lambda out: loss_fn(out,"
        " y)); or make one tensor of all the items with torch.stack(list(items))"
    ),
    "capture.input_is_dataset": (
        "nngraph: {where} is a data set (type {type_name}); if the model needs a tensor there,"
        " take one batch from it first, give the model its inputs and the loss its targets:"
        " x, y = next(iter(DataLoader(dataset, batch_size=32))), then ng.trace(model, x,"
        " loss=lambda out: loss_fn(out, y))"
    ),
    "capture.input_is_batch": (
        "nngraph: the model got one {type_name} of {count} tensors (shapes {shapes}). If it is"
        " the whole batch from a DataLoader, the inputs and the targets together, give the"
        " model the inputs and the loss the targets: x, y = batch[0], batch[1], then"
        " ng.trace(model, x, loss=lambda out: {loss}(out, y)){apart}"
    ),
    # said after capture.input_is_batch where the forward takes that many inputs
    "capture.input_is_batch_apart": (
        ". If they are all inputs of the model, pass them apart: ng.trace(model, *batch, loss=...)"
    ),
    "capture.model_on_meta": (
        "nngraph: the model's weights are on the meta device, which holds shapes but no values"
        " (a model built under torch.device('meta'), or after model.to('meta')), so it cannot"
        " compute anything from {where}, which is on {device}. Give the weights memory and"
        " values first: model.to_empty(device='{device}'), then load them"
        " (model.load_state_dict(...)) or initialise them; or build the model without"
        " torch.device('meta')"
    ),
    "capture.input_not_tensor": (
        "the model needs a tensor where it got {where} (type {type_name}): {error}. Make it a"
        " tensor first, e.g. {fix}"
    ),
    "capture.loss_complex": (
        "loss(output) must be a real number, got a {dtype} tensor: backward() needs a real "
        "scalar, e.g. take its .abs() or .real"
    ),
    "capture.integer_no_history": (
        "{dtype} tensors (argmax, indices, comparisons) never carry gradients, so they have no "
        "graph: pass the floating-point tensor they were computed from, e.g. graph_of(logits)"
    ),
    "capture.attribute_not_restored": (
        "your model's forward changed in place a tensor it keeps as a plain attribute (shape "
        "{shape}), too large for nngraph to keep a copy of: it stays changed. Register it with "
        "self.register_buffer(...) to have it put back"
    ),
    "capture.not_restored": (
        "nngraph could not put back a value your model's forward changed in place ({error}); "
        "check the model's weights and buffers"
    ),
    "capture.stopped": (
        "nngraph stopped recording at `{op}` ({error}); the graph is incomplete, "
        "your computation is not affected"
    ),
    # the write's own op is not known there: `capture.stopped` names the op it stopped at
    "capture.stopped_before_write": (
        "nngraph stopped recording before an in-place write ({error}); the graph is "
        "incomplete, your computation is not affected"
    ),
    "capture.names_not_mapping": (
        "names must be a mapping from names to values, such as globals() or a dict, not {got}"
    ),
    "capture.reentrant_checkpoint": (
        "checkpoint(..., use_reentrant=True) hides its inside from autograd, so the graph shows "
        "it as one op, without its layers and their parameters; use_reentrant=False shows them"
    ),
    "capture.script_module": (
        "trace() cannot look inside a TorchScript module ({got}, made by torch.jit.script or "
        "torch.jit.trace): its ops run in C++, where nngraph does not see them. Trace the Python "
        "model it was made from, or call ng.graph_of(loss) on its output to see autograd's graph"
    ),
    "capture.other_thread": (
        "a module ({module}) ran in another thread during this recording (a thread pool?): "
        "nngraph records the ops of the thread that runs the block, so that module's ops are "
        "missing from the graph or show only as autograd nodes, without values, module paths "
        "or their inputs. Run the model in one thread to see all of it"
    ),
    "capture.script_module_ran": (
        "a TorchScript module (torch.jit.script or torch.jit.trace) ran in this recording: its "
        "ops run in C++, where nngraph does not see them, so the graph shows only its autograd "
        "nodes, without its modules. Record the Python model it was made from to see its layers"
    ),
    "capture.script_function_ran": (
        "a TorchScript function ({name}, made by torch.jit.script or torch.jit.trace) ran in this "
        "recording: its ops run in C++, where nngraph does not see them, so the graph shows only "
        "their autograd nodes, under autograd's names. Call the Python function it was made from "
        "to see its ops as written"
    ),
    # python -m nngraph
    "main.wrote": "wrote {path}",
    "main.out_is_file": (
        "python -m nngraph --out {path}: {file} is a file, not a folder; give a folder for the "
        "graph files, e.g. --out nngraph-example"
    ),
    "main.cannot_make_folder": (
        "python -m nngraph --out {path}: cannot make this folder ({reason}); give another one, "
        "e.g. --out nngraph-example"
    ),
    # python -m nngraph --help (argparse's own words are English: these replace them)
    "main.description": (
        "Trace a small CNN, print what nngraph sees in it and write its graph.\n\n"
        "$ python -m nngraph --out nngraph-example\n"
        "... a summary table, the gradient-health findings and the files written"
    ),
    "main.usage": "usage: ",
    "main.error": "error",
    "main.options": "options",
    "main.help_help": "show this help message and exit",
    "main.help_out": "folder for the graph files (default: nngraph-example)",
    "main.out_metavar": "DIR",
    # datasets
    "datasets.needs_sklearn": (
        "this data set needs scikit-learn: pip install scikit-learn (or nngraph[demos])"
    ),
    "datasets.bad_split": "split must be three fractions adding up to 1, got {got}",
    # magics
    "datasets.bad_n": "{what} must be a whole number of at least {minimum}, got {got!r}",
    "datasets.empty_train": (
        "split={got} leaves no training examples out of {n}: give the training part a larger "
        "fraction, e.g. split=(0.7, 0.15, 0.15)"
    ),
    "datasets.too_few": (
        "split={got} with n={n} examples leaves the {part} part empty, and a loss over no "
        "examples is NaN: use at least n={need} examples for this split"
    ),
    "datasets.empty_part": (
        "split={got} with n={n} examples leaves the {part} part empty, and a loss over no "
        "examples is NaN: give that part a larger fraction, e.g. split=(0.7, 0.15, 0.15), or "
        "use more examples"
    ),
    "datasets.part.val": "validation",
    "datasets.part.test": "test",
    "datasets.too_many": (
        "{what}={got!r} is more points than these small teaching sets are meant for (at most "
        "{maximum}): they are made in memory at once, so a number that large could exhaust it; "
        "use fewer, e.g. {what}=1000"
    ),
    "datasets.more_than_all": (
        "n={n} is more examples than this data set has ({all}): use n={all} or fewer, or "
        "n=None for all of them"
    ),
    "datasets.bad_seed": (
        "seed must be a whole number from 0 to {maximum} (the same seed gives the same data), "
        "got {got!r}"
    ),
    "datasets.bad_noise": (
        "noise must be a finite number >= 0 (the spread of the random noise; 0 for none), "
        "got {got!r}"
    ),
    "datasets.bad_number": "{what} must be a finite number, got {got!r}",
    "magic.help": (
        "nngraph in one line.\n\n"
        "  %nngraph EXPR                 the autograd graph of the tensor(s) EXPR evaluates to\n"
        "  %nngraph g                    a graph kept with -o g, shown as it is\n"
        "  %%nngraph [options]           record the whole cell (forward and backward) and show it\n"
        "      --depth N                 open modules down to depth N\n"
        "      --view forward|backward   which pass to draw\n"
        "      --color-by grad|value|none\n"
        "                                colour nodes by gradient or value size\n"
        "      --model MODEL             name modules relative to MODEL\n"
        "      -o NAME                   keep the graph in the variable NAME\n"
        "      -q                        show nothing\n"
        "  %nngraph monitor [options]    start a training monitor, kept as mon\n"
        "      --model MODEL             the model whose best weights it keeps\n"
        "      --metric val_loss         the metric that decides the best epoch\n"
        "      --mode auto|min|max       auto: max for accuracy-like metrics such as val_acc,\n"
        "                                min for a loss\n"
        "      --name NAME               the run's name in its text lines\n"
        "      -o NAME                   keep the monitor in the variable NAME (default mon)\n"
        "  %nngraph watch MODEL [options]\n"
        "                                per-layer gradient norms, kept as watch\n"
        "      --optimizer OPT           record a step at every OPT.step(); without it,\n"
        "                                call watch.step() after each loss.backward()\n"
        "      --monitor MON             also tell MON (an ng.Monitor) what it finds\n"
        "      -o NAME                   keep the watch in the variable NAME (default watch)\n"
        "  %nngraph lang en|pl           switch the language of nngraph"
    ),
    "magic.usage": (
        "usage: %nngraph EXPR | %%nngraph [--depth N] [--view forward|backward] "
        "[--color-by grad|value|none] [--model MODEL] [-o NAME] [-q] | %nngraph monitor "
        "[--model MODEL] [--metric METRIC] [--mode auto|min|max] [--name NAME] [-o NAME] | "
        "%nngraph watch MODEL [--optimizer OPT] [--monitor MON] [-o NAME] | %nngraph lang en|pl "
        "(help: %nngraph?)"
    ),
    "magic.language": "nngraph speaks {language} (it knows {known}): %nngraph lang {other} switches",
    "magic.lang_one": "%nngraph lang takes one language, one of {known}; got: {got}",
    "magic.bad_depth": "%%nngraph: --depth needs a whole number >= 0, got {depth!r}",
    "magic.options_need_cell": (
        "%nngraph: cannot evaluate {expression!r}: {error}; options such as --depth and -o "
        "belong to %%nngraph (two %), the cell magic that records a whole cell; %nngraph takes "
        "an expression (help: %nngraph?)"
    ),
    "magic.misspelt_cell_options": (
        "%nngraph: cannot evaluate {expression!r}: {error}; did you mean {options}? Options "
        "such as --depth and -o belong to %%nngraph (two %), the cell magic that records a "
        "whole cell; %nngraph takes an expression (help: %nngraph?)"
    ),
    "magic.watch_step": (
        "call {name}.step() after each loss.backward() to record the gradient norms, or let "
        "the optimizer do it: %nngraph watch MODEL --optimizer OPT"
    ),
    "magic.optimizer_class": (
        "%nngraph watch: --optimizer needs the optimizer object, not the class {name}: make it "
        "first, e.g. opt = torch.optim.SGD(net.parameters(), lr=0.1), then --optimizer opt"
    ),
    "magic.model_class": (
        "{what}: {name} is a class, not a model: make the model first, e.g. model = {call}, "
        "then {then}"
    ),
    "magic.loss_class": (
        "{what}: {name} is the class of a loss function, not a model: give the model whose "
        "weights are trained, e.g. {then}"
    ),
    "magic.line_loss_class": (
        "%nngraph: {name} is the class of a loss function, not a tensor: make the loss and call "
        "it on the model's output and the targets, e.g. %nngraph {call}(model(x), y)"
    ),
    "magic.line_loss": (
        "%nngraph: {name} is a loss function, which has no graph until it is called: call it on "
        "the model's output and the targets, e.g. %nngraph {call}(model(x), y)"
    ),
    # a loss given where the model is wanted (`--model criterion`, `watch criterion`)
    "magic.loss_module": (
        "{what}: {name} is a loss function, not a model: it has no weights of its own; give "
        "the model whose weights are trained, e.g. {then}"
    ),
    # the errors of Monitor and GradientWatch under `%nngraph monitor` and `%nngraph watch`,
    # in the magic's words (its options, not the Python call's arguments)
    "magic.monitor.not_module": "%nngraph monitor: --model needs a torch.nn.Module, got {type_name}",
    "magic.monitor.metric_name": (
        "%nngraph monitor: --metric needs the name of a logged metric (not empty, blank or a bare "
        "prefix such as val_), e.g. --metric val_loss or --metric val_acc; got {value}"
    ),
    "magic.watch.not_module": (
        "%nngraph watch: the model to watch ({model}) needs to be a torch.nn.Module, got "
        "{type_name}"
    ),
    "magic.watch.optimizer_first": (
        "%nngraph watch: {model} is an optimizer ({got}), not a model: give the model first and "
        "the optimizer after --optimizer, e.g. %nngraph watch model --optimizer {model}"
    ),
    "magic.watch.optimizer": (
        "%nngraph watch: --optimizer needs a torch.optim optimizer (the one whose .step() you "
        "call), got {got}"
    ),
    "magic.watch.monitor": (
        "%nngraph watch: --monitor needs an ng.Monitor, got {got}: make one with %nngraph "
        "monitor, then give --monitor mon"
    ),
    "magic.watch.no_params": (
        "%nngraph watch: {model} has no trainable parameters, so it has no gradients to watch: "
        "give the model whose weights the optimizer trains"
    ),
    "magic.watch.lazy": (
        "%nngraph watch: {model} cannot be watched yet: its lazy layers' parameters ({names}) "
        "get their shape at the first forward pass. Run one batch through it first, model(x), "
        "then %nngraph watch again (and make the optimizer after that)"
    ),
    "magic.watch.optimizer_other": (
        "%nngraph watch: --optimizer {optimizer} holds none of {model}'s parameters, so its "
        "step() does not train {model} (and its zero_grad() leaves the gradients of {model} to "
        "pile up). Was the cell that makes the model run again, and not the one that makes the "
        "optimizer? Make the optimizer again from {model}, e.g. {optimizer} = "
        "torch.optim.SGD({model}.parameters(), lr=0.1), then %nngraph watch {model} "
        "--optimizer {optimizer}"
    ),
    "magic.watch.meta": (
        "%nngraph watch: the gradients of layer '{layer}' of {model} are on the meta device "
        "(shapes without values), so they have no norm to record: watch a model whose weights "
        "are on the CPU or a GPU"
    ),
    "magic.misspelt_command": (
        "%nngraph: there is no command {word}: did you mean %nngraph {line}? (help: %nngraph?)"
    ),
    # `%nngraph monitr` alone: a name Python does not know, and a command mistyped
    "magic.misspelt_name": (
        "%nngraph: cannot evaluate {word!r}: {error}; nor is {word} a command: did you mean "
        "%nngraph {line}? (help: %nngraph?)"
    ),
    # `%nngraph lang=pl`: a command written as an assignment to its name
    "magic.command_assigned": (
        "%nngraph: {line!r} assigns to {command}, which is a command, so it was not run; a "
        "command takes its arguments after a space, not after =: did you mean %nngraph "
        "{meant}? (help: %nngraph?)"
    ),
    "magic.command_assigned_commands": (
        "%nngraph: {line!r} assigns to {command}, which is a command, so it was not run; a "
        "command takes its arguments after a space, not after =, e.g. %nngraph lang pl; the "
        "commands are monitor, watch and lang (help: %nngraph?)"
    ),
    "magic.read_as_command_note": (
        "(%nngraph {word} ran the command {word}, not your variable {word}: for the graph of"
        " the variable, write %nngraph ({expression}))"
    ),
    "magic.read_as_command": (
        "{error}; {word} was read as the command %nngraph {word}, not as your variable {word}: "
        "to evaluate the expression, put it in brackets: %nngraph ({expression})"
    ),
    "magic.bad_arguments": "%nngraph: {error} (help: %nngraph?)",
    "magic.error.undefined": "name {name!r} is not defined",
    "magic.error.no_attribute": "a {type} object has no attribute {name!r}",
    "magic.error.syntax": "this is not valid Python",
    "magic.cannot_evaluate": "%nngraph: cannot evaluate {expression!r}: {error}",
    "magic.bad_name": "%nngraph: -o needs a Python variable name such as mon or g2, got {name!r}",
    "magic.cannot_evaluate_line": (
        "%nngraph: cannot evaluate {expression!r}: {error};"
        " the commands are monitor, watch and lang (help: %nngraph?)"
    ),
    "magic.line_model": (
        "%nngraph: {expression} is a model, which has no graph until it runs: put %%nngraph on "
        "top of a cell that runs it on a batch, or call ng.trace({expression}, x, loss=...)"
    ),
    # why the value of `%nngraph EXPR` has no graph (graph_of's checks, in the magic's words)
    "magic.line_number": (
        "%nngraph: {expression} is a Python {got}, a number with no graph (as `.item()`"
        " returns): pass a tensor, such as the loss before `.item()`"
    ),
    "magic.line_needs_tensor": (
        "%nngraph: {expression} is of type {got}, not a tensor (nor a tuple/list/dict of "
        "tensors): pass the result of a computation, e.g. %nngraph loss"
    ),
    "magic.line_integer": (
        "%nngraph: {dtype} tensors (argmax, indices, comparisons) never carry gradients, so they "
        "have no graph: pass the floating-point tensor they were computed from (the scores"
        " before argmax, a loss before a comparison)"
    ),
    "magic.line_no_history": (
        "%nngraph: this tensor has no autograd history, so it has no graph: either none of the "
        "tensors it was computed from requires grad (make the inputs with "
        "torch.tensor(..., requires_grad=True), or use a model's parameters), or it was "
        "computed under torch.no_grad() or torch.inference_mode(), or cut off with .detach() "
        "(compute it with gradients enabled). To see operations that do not track gradients, "
        "put %%nngraph on top of the cell that computes it"
    ),
    "magic.line_statement": (
        "%nngraph: {line!r} is a statement, not an expression, so it was not run: %nngraph "
        "takes an expression and shows its graph (g = %nngraph {expression} keeps the graph as "
        "g); to record statements, put %%nngraph (two %) on top of the cell that runs them"
    ),
    # statements that assign no one value (`import math`, `x = 1; y = 2`)
    "magic.line_statements": (
        "%nngraph: {line!r} is a statement, not an expression, so it was not run: %nngraph "
        "takes an expression and shows its graph; to record statements, put %%nngraph (two %) "
        "on top of the cell that runs them"
    ),
    # a refused call that ran all the same: what it did is done (as `loss.backward()`'s)
    "magic.line_call_ran": (
        "%nngraph: {expression} is of type {got}, not a tensor (it has run: {effect}): pass "
        "the result of a computation, e.g. %nngraph loss"
    ),
    "magic.ran.step": (
        "an optimizer's step has changed the weights, a scheduler's the learning rate"
    ),
    "magic.ran.zero_grad": "the gradients are cleared now",
    "magic.ran.call": "whatever it changes has changed",
    "magic.line_backward": (
        "%nngraph: .backward() returns None, not a tensor (it has run: the gradients are in "
        ".grad now); to see the graph, %nngraph {tensor}"
    ),
    "magic.line_backward_again": (
        "%nngraph: {expression} failed because the backward pass of {tensor} has already run "
        "(its saved values are freed), and .backward() returns None anyway; to see the graph, "
        "%nngraph {tensor}"
    ),
    # no [widgets] extra: the view a magic shows is its text instead
    "magic.no_widgets": (
        "{magic}: the interactive view needs the package {package}, which this Python cannot"
        " import: run %pip install --upgrade {package} in a cell, then restart the kernel;"
        " shown as text until then"
    ),
    "magic.untracked_loss": (
        "%%nngraph: the cell ran a backward pass, but it reached nothing the cell recorded: the"
        " cell computed its loss without autograd (a number taken out with .item() and made a"
        " tensor again with torch.tensor(...), values from .detach(), or a forward under"
        " torch.no_grad()), so the loss has no graph behind it and no gradient reaches the"
        " model's weights; requires_grad=True or loss.requires_grad_(True) only silences"
        " PyTorch's error about it. Compute the loss with autograd on and keep it a tensor:"
        " loss = loss_fn(model(x), y), without .item(), torch.tensor(...) or .detach(), outside"
        " `with torch.no_grad():`"
    ),
    "magic.forward_before_some": (
        "%%nngraph: the cell ran a backward pass, but it reached nothing the cell recorded: the"
        " forward pass that computed its loss ran in an earlier cell, so none of its ops or"
        " gradients are in this graph. Put the forward pass in this cell too"
        " (loss = loss_fn(model(x), y), then loss.backward())"
    ),
    # `%%nngraph --model X` whose X never ran in the cell: which model did, where known
    "magic.cell.model_idle.none": (
        "%%nngraph: {model}, given to --model, did not run in this cell (none of its layers was "
        "called), so the graph's layers are not named after it. Give --model the model this "
        "cell runs, or leave --model out"
    ),
    "magic.cell.model_idle.one": (
        "%%nngraph: {model}, given to --model, did not run in this cell (none of its layers was "
        "called); {ran} ran instead. To name the graph's layers after the model that ran, write "
        "%%nngraph --model {ran}, or leave --model out"
    ),
    "magic.cell.model_idle.many": (
        "%%nngraph: {model}, given to --model, did not run in this cell (none of its layers was "
        "called); the models that ran are {ran}. Give --model the one to name the graph's "
        "layers after, or leave --model out"
    ),
    "magic.forward_before": (
        "%%nngraph: the cell ran a backward pass, but the forward pass that computed its loss ran "
        "in an earlier cell, so there is no graph to show: put the forward pass in this cell too "
        "(loss = loss_fn(model(x), y), then loss.backward())"
    ),
    "magic.nothing_recorded": "%%nngraph: the cell ran no PyTorch operation, so there is no graph to show",
    # a cell that trains many steps: its graph holds every step (never 1 pass: no ".one")
    "magic.cell.passes.few": (
        "%%nngraph: the cell ran {passes} backward passes and the graph holds all of them "
        "({nodes}): to see one training step, put %%nngraph on a cell that runs one step, "
        "e.g. the loop's body for one batch"
    ),
    "magic.cell.passes.many": (
        "%%nngraph: the cell ran {passes} backward passes and the graph holds all of them "
        "({nodes}): to see one training step, put %%nngraph on a cell that runs one step, "
        "e.g. the loop's body for one batch"
    ),
    "magic.monitor_replaced": (
        "%nngraph monitor: the old {name} had logged {epochs}; {name} is a new, empty monitor "
        "now (to keep the next run apart, give it another name: -o {other})"
    ),
    "magic.created": "{name} = {what}",
    "magic.would_replace_builtin": (
        "%nngraph: -o {name} would hide Python's own {name}, and later cells that call it would"
        " fail; pick another name, e.g. -o {other}"
    ),
    "magic.would_replace": (
        "%nngraph: -o {name} would replace your {name} (of type {type_name}); pick another name, "
        "e.g. -o {other}"
    ),
    # the cell magic's own errors say %%nngraph; argparse's and shlex's messages, translated
    "magic.cell.empty": (
        "%%nngraph records the code of its cell, and this cell has none below the %%nngraph "
        "line: write the code to record under it (a forward pass and the loss), or use "
        "%nngraph EXPR (one %) for the graph of one expression (help: %nngraph?)"
    ),
    "magic.cell.bad_arguments": "%%nngraph: {error} (help: %nngraph?)",
    "magic.cell.cannot_evaluate": "%%nngraph: cannot evaluate {expression!r}: {error}",
    "magic.cell.bad_name": (
        "%%nngraph: -o needs a Python variable name such as g or g2, got {name!r}"
    ),
    "magic.cell.output_assigned": (
        "%%nngraph: -o {name} would replace the {name} this cell assigns, so the cell was not "
        "run; pick another name, e.g. -o {other}"
    ),
    "magic.monitor_mode_against_name.min": (
        "%nngraph monitor: --mode max makes the epoch with the highest {metric!r} the best one,"
        " but the name {metric!r} is that of a loss or an error, where lower is better; use"
        " --mode min, or leave --mode out and the name decides, unless higher really is better"
    ),
    "magic.monitor_mode_against_name.max": (
        "%nngraph monitor: --mode min makes the epoch with the lowest {metric!r} the best one,"
        " but the name {metric!r} is that of an accuracy or a score, where higher is better;"
        " use --mode max, or leave --mode out and the name decides, unless lower really is"
        " better"
    ),
    "magic.monitor_mode_unknown": (
        "%nngraph monitor: the name of metric {metric!r} does not say whether higher or lower"
        " is better, so it is taken as a loss (lower is better) and the best epoch is its"
        " lowest value; for an accuracy or a score add --mode max, and --mode min to keep it"
        " a loss without this warning"
    ),
    "magic.cell.would_replace_builtin": (
        "%%nngraph: -o {name} would hide Python's own {name}, and later cells that call it would"
        " fail; pick another name, e.g. -o {other}"
    ),
    "magic.cell.would_replace": (
        "%%nngraph: -o {name} would replace your {name} (of type {type_name}); pick another name, "
        "e.g. -o {other}"
    ),
    "magic.parse.unrecognized": "unrecognized arguments: {arguments}",
    "magic.parse.invalid_choice": (
        "argument {argument}: invalid choice: {value} (choose from {choices})"
    ),
    "magic.parse.required.one": "the following arguments are required: {arguments}",
    "magic.parse.required.many": "the following arguments are required: {arguments}",
    "magic.parse.expected_one": "argument {argument}: expected one argument",
    "magic.parse.ignored_value": "argument {argument}: ignored explicit argument {value}",
    "magic.parse.ambiguous": "ambiguous option: {option} could match {matches}",
    "magic.parse.did_you_mean": "; did you mean {options}?",
    "magic.parse.no_closing_quotation": "No closing quotation",
    "magic.parse.no_escaped_character": "the backslash \\ at the end is followed by no character",
    # monitor: errors and warnings
    "monitor.error.positive": "{what} must be a positive number, got {value}",
    "monitor.error.positive_int": "{what} must be a positive whole number, got {value}",
    "monitor.error.nonnegative": "{what} must be zero or more, got {value}",
    "monitor.error.relative_min_delta": (
        "with relative=True, min_delta is a fraction of the best value (min_delta=0.01 is 1%),"
        " so min_delta={value!r} asks every improvement to be at least {value:.0%} of the best"
        " value: a loss can never fall that far. For {value:g}%, write min_delta={fraction}"
    ),
    "monitor.detector_other_name": (
        "nngraph {detector}: it watches {metric!r}, but update() was given validation values "
        "as {logged} only, so it will never judge anything. Watch the name you log: "
        "{again}(..., metric={other!r}), or log the value as {metric}"
    ),
    "monitor.error.gap_never": (
        "Gap({threshold}, metric={metric!r}) would never warn: {metric} is read as higher-is-better, "
        "so with relative=True the gap is (training - validation) / training, at most 1 (100%) "
        "while validation is 0 or more. Give a smaller fraction (Gap(0.1, metric={metric!r}): "
        "validation 10% below training), or relative=False for a gap in points "
        "(Gap(0.1, relative=False, metric={metric!r}))"
    ),
    "monitor.error.whole": "{what} must be a whole number (0, 1, 2, ...), got {value}",
    "monitor.error.number": "{what} must be a finite number, got {value}",
    "monitor.error.not_number": "{what} must be a number, got {got}",
    "monitor.error.number_text": (
        "{what} must be a number, got the text {value!r}: write {number}, without quotes"
    ),
    "monitor.error.metrics": (
        "metrics must be metric names, e.g. metrics=('loss', 'val_loss') or metrics='val_loss',"
        " got {got!r}"
    ),
    "monitor.error.max_points": (
        "max_points must be a whole number from {minimum} to {maximum} (the most points kept "
        "for each curve; a larger number only takes more memory), e.g. max_points=10000; "
        "got {value!r}"
    ),
    "monitor.error.mode": "mode must be 'min', 'max' or 'auto', got {value!r}",
    "monitor.error.display": "display must be 'auto', 'text', 'widget' or False, got {value!r}",
    "monitor.error.metric_name": (
        "metric must be the name of a logged metric (a string, not empty, blank or a bare "
        "prefix such as 'val_'), e.g. metric='val_loss' or metric='val_acc'; got {value!r}"
    ),
    "monitor.error.name": (
        "name must be a string (the run's name in tables and the view), e.g. name='lr=0.1', "
        "or None; got {value!r}"
    ),
    "monitor.error.detector_metric": "{what} must be a metric's name such as 'val_loss', got {value!r}",
    "monitor.error.prechelt_max": (
        "{detector} is defined on a loss or an error (lower is better), but {metric!r} is higher "
        "is better: use Patience(metric={metric!r}, mode='max') for it, or give {detector} a "
        "loss such as metric='val_loss'"
    ),
    "monitor.error.divergence_max": (
        "{detector} watches a loss blowing up (lower is better), but {metric!r} is higher is "
        "better: a rising {metric} is good news, not divergence. Leave {keyword}= out (it then "
        "watches every name of the loss) or give it a loss such as {keyword}='val_loss'; to stop "
        "when {metric} stops improving, use Patience(metric={metric!r}, mode='max')"
    ),
    "monitor.error.detectors": (
        "detectors must be Detector objects such as ng.detectors.Patience(10) "
        "(see ng.detectors), got {got!r}"
    ),
    "monitor.error.detectors_optimizer": (
        "ng.Monitor does not need the optimizer (got {got} where the detectors go:"
        " Monitor(model, detectors)): it watches the metrics you log with mon.log(...). Leave"
        " it out: ng.Monitor(model). For gradient norms use ng.GradientWatch(model,"
        " optimizer=opt)"
    ),
    "monitor.error.detector_class": (
        "detectors must be Detector objects, got the class {name}: make a detector from it, "
        "e.g. {name}(...) with the settings you want, as in ng.detectors.Patience(10)"
    ),
    "monitor.error.detectors_none": (
        "mon.detectors must be a list of detectors, got None: set it to [] for none, or to "
        "ng.detectors.classroom() for the default set"
    ),
    "monitor.error.no_metrics": "log() needs at least one metric, e.g. mon.log(epoch, loss=0.5)",
    "monitor.error.log_metric_name": (
        "log() got a metric named {name!r}: a metric's name must say what it measures, so it "
        "cannot be empty, blank or a bare prefix such as 'val_'; e.g. mon.log(epoch, loss=0.5, "
        "val_loss=0.6)"
    ),
    "monitor.error.metric_type": (
        "{name}={value!r} is not a number: log() takes floats, ints or one-element tensors, "
        "e.g. mon.log(epoch, loss=loss.item())"
    ),
    "monitor.error.metric_none": (
        "{name}=None is not a number. A metric with no value in this call is left out of it: "
        "log it in a call of its own when there is one, e.g. mon.log(epoch, loss=loss) every "
        "epoch and mon.log(epoch, {name}=value) in the epochs that have it"
    ),
    "monitor.error.tensor_size": (
        "{name} is a tensor with {numel} elements: log one number per metric, e.g. {name}=t.mean()"
    ),
    "monitor.error.complex": (
        "{name} is a complex tensor ({value}): log a real number, e.g. {name}=z.abs() or "
        "{name}=z.real"
    ),
    "monitor.error.step": (
        "the step must be a finite number (the epoch or batch index), got {step!r}"
    ),
    "monitor.error.step_twice": (
        "log() got the step more than once ({given}): give it once, e.g. mon.log(10, loss=0.5) "
        "or mon.log(step=10, loss=0.5). Logging batches with their epoch? Give the epoch alone,"
        " as a fraction: mon.log(epoch=e - 1 + (i + 1) / n, loss=...) for batch i (from 0) of n"
        " in epoch e (from 1), then mon.log(epoch=e, val_loss=...)"
    ),
    "monitor.error.epoch_back": (
        "epoch={epoch} goes back: the last epoch logged was {last}. A Monitor follows one run: "
        "make a new ng.Monitor() for a new run (a training cell run again, a new model), or "
        "keep counting (epoch={next}, ...)"
    ),
    "monitor.error.epoch_negative": (
        "epoch={epoch} is negative: epochs are numbered from 0 or 1 (epoch=0, 1, 2, ...)"
    ),
    "monitor.error.epoch_range": (
        "epoch={epoch} is too large: an epoch number is at most {limit}. Pass the epoch's "
        "number (1, 2, 3, ...); a count of batches goes in as the step: mon.log(step, loss=0.5)"
    ),
    "monitor.error.stop_reason": (
        "request_stop(reason) takes the reason as text, got {got}: write it as a sentence, "
        "numbers included, e.g. mon.request_stop('validation loss is flat at 0.42')"
    ),
    "monitor.error.history_name": (
        "history() takes one name (a string), e.g. history({example!r}), got {got}: call it "
        "once for each name"
    ),
    "monitor.error.no_best_finite": (
        "there are no best weights to restore: every {metric} so far was NaN or infinite, so no "
        "epoch was best. Training diverged, or the data holds NaN: check the inputs and try a "
        "smaller learning rate"
    ),
    "monitor.weights.extra_state": (
        "Monitor(model=...) cannot keep a copy of {name}: the model's get_extra_state() gave a "
        "{type_name} that cannot be copied ({exc}). Make get_extra_state() return plain data "
        "(numbers, lists, dicts, tensors)"
    ),
    "monitor.gl.from_zero": (
        "{metric} rose from its best of {best:.4g} (epoch {best_epoch}) to {value:.4g}: the model "
        "is getting worse on data it does not train on. {advice}"
    ),
    "monitor.pq.from_zero": (
        "{metric} rose from its best of {best:.4g} to {value:.4g} while {training}: {reading}"
    ),
    "monitor.error.not_logged": "{metric!r} has not been logged; logged: {logged}",
    "monitor.error.no_best": (
        "there are no best weights to restore: {why}. Pass Monitor(model=model) and log {metric}"
    ),
    "monitor.error.no_best_other": (
        "there are no best weights to restore: the monitor keeps the weights of the epoch where"
        " its watched metric, {metric}, is best, and {metric} was never logged (logged:"
        " {logged}). To keep the best weights by {other}, make the monitor with it before"
        " training, mon = ng.Monitor(model=model, metric={other!r}), and train again."
    ),
    "monitor.error.no_best_unlogged": (
        "there are no best weights to restore: {why}. Log {metric} each epoch, e.g. "
        "mon.log(epoch, {metric}=...), or pick a metric you log: Monitor(model=model, metric=...)"
    ),
    "monitor.why.no_model": "Monitor was created without model=",
    "monitor.why.no_metric": "{metric} has not been logged yet",
    "monitor.error.earlier_model": (
        "there are no best weights to restore for this model: the best {metric} (epoch {epoch}) "
        "was reached before it was given to the monitor (mon.model), so those weights belong to "
        "the earlier model, and this one has not beaten that value yet. Train it on: the "
        "weights of its next best epoch are kept; or give each new model a monitor of its own, "
        "ng.Monitor(model=model)"
    ),
    "monitor.error.stale_best": (
        "the weights kept for the best {metric} (epoch {epoch}) are not the best ones: the model"
        " this monitor watches (the one given to Monitor(model=...) when the monitor was made)"
        " has not changed since epoch {since}, so another model object was trained and reached"
        " that value. The kept weights are the old model's, so they are not put back. Make a new"
        " monitor for the new model, ng.Monitor(model=your_model), and train it again; or give"
        " the new model to this monitor through its model attribute (.model = your_model) and"
        " train on: the weights of its next best epoch are kept"
    ),
    "monitor.error.untouched_best": (
        "the weights kept for the best {metric} (epoch {epoch}) are not that model's: this"
        " monitor watches another model object (the one given to Monitor(model=...) when the"
        " monitor was made), which has not changed since while {metric} did, so they are the"
        " weights it was made with. Was the cell that makes the model run again after the"
        " monitor was made? Make a new monitor for the model you train,"
        " ng.Monitor(model=your_model), and train it again; or give it to this monitor through"
        " its model attribute (.model = your_model) and train on: the weights of its next best"
        " epoch are kept"
    ),
    "monitor.warn.untouched_restore": (
        "nngraph Monitor: the model this monitor watches (the one given to Monitor(model=...)"
        " when the monitor was made) has not changed while {metric} did, so the weights kept for"
        " the best {metric} (epoch {epoch}) and put back now are the ones it was made with. If"
        " you trained another model object (the cell that makes the model run again after the"
        " monitor was made), that model keeps its last weights: make a new monitor for it,"
        " ng.Monitor(model=your_model), and train it again."
    ),
    "monitor.watched.model_unchanged": (
        "nngraph Monitor: the model this monitor watches has not changed since epoch {since},"
        " yet {metric} went from {before:.4g} to {now:.4g}: the model being trained is another"
        " object. Was the cell that makes the model run again after the monitor was made? The"
        " monitor still follows the old model (the one given to Monitor(model=...)), and its"
        " best weights would be the old model's. Make a new monitor for the new model,"
        " ng.Monitor(model=your_model), or give it to this monitor through its model attribute"
        " (.model = your_model). Until then its detectors stay silent: the curve joins two"
        " models, and the jump where the new one starts says nothing about the learning rate"
        " or overfitting."
    ),
    "monitor.error.not_module": "{what} needs a torch.nn.Module, got {type_name}",
    "monitor.error.listener": "add_listener() needs a callable, got {got!r}",
    "monitor.error.capacity": "Series capacity must be at least {minimum} points",
    "monitor.error.add_event": (
        "add_event() takes an ng.detectors.Event (what a detector's update() returns), got "
        "{got}; a detector is given to the monitor instead: ng.Monitor(detectors=[...])"
    ),
    "monitor.error.event_field": (
        "add_event() needs an Event whose {field} is {wanted}, got {got}; nothing was added"
    ),
    "monitor.error.event_wants.finite": "a finite number (the epoch or batch index)",
    "monitor.error.event_wants.whole": "a whole number",
    "monitor.error.event_wants.text": "a text (str)",
    "monitor.error.event_wants.flag": "True or False",
    "monitor.error.event_wants.unit": "'epoch' or 'step'",
    "monitor.error.event_wants.values": "a dict whose keys are texts (str)",
    "monitor.error.event_wants.value": "a number, a text or None",
    "monitor.error.positional": (
        "{call}() takes only ({names}) by position, but got {got} after them: give the other "
        "options by name, e.g. {example}"
    ),
    "monitor.error.log_positional": (
        "log() takes the step by position and the metrics by name, got {got}: pass metrics as "
        "keywords: mon.log(epoch, **metrics) or mon.log(epoch, loss=...)"
    ),
    "monitor.error.no_data_metric": (
        "{name} is a tensor without values (on the meta device, or a lazy layer's parameter "
        "before its first forward pass): there is nothing to log. Compute it with a model and "
        "data on the CPU or a GPU"
    ),
    "monitor.error.no_weights": (
        "there are no weights to restore: this model has no parameters or buffers that PyTorch "
        "can see (model.state_dict() is empty). Layers kept in a plain Python list or dict are "
        "invisible to it: put them in nn.ModuleList or nn.ModuleDict; a tensor made by hand "
        "becomes a weight of the model as nn.Parameter(...)"
    ),
    "monitor.error.no_data_best": (
        "there are no best weights to restore: when {metric} was best (epoch {epoch}) the "
        "model's weights had no values (on the meta device, or lazy layers such as "
        "nn.LazyLinear before their first forward pass), so none could be kept. Run the model "
        "on real data (CPU or GPU) before logging: the next best epoch after that is kept"
    ),
    "monitor.error.csv_path": (
        "to_csv() needs a file name such as 'run.csv' or a pathlib.Path, got {got}"
    ),
    "monitor.error.copy": (
        "a Monitor cannot be copied (copy.copy, copy.deepcopy) or saved with pickle or"
        " torch.save: it is a live run, with its view, listeners and timers. Save what it holds"
        " instead: the history with mon.records() (a list of dicts, one per log line) or"
        " mon.to_csv('run.csv'), the best epoch with mon.best, and the best weights with"
        " mon.restore_best(model), then torch.save(model.state_dict(), 'best.pt')"
    ),
    "monitor.error.helper_number": "{function}() needs numbers: {what} is {value!r}",
    "monitor.error.strip": (
        "training_progress() needs a list of training errors, one per epoch of the strip, "
        "e.g. training_progress([1.2, 1.1, 1.0]); got {value!r}"
    ),
    "monitor.warn.listener": "nngraph: a monitor listener failed ({exc}); it was removed.",
    "monitor.error.best_attribute": (
        "Monitor has no attribute {name!r}: the best epoch is mon.best.epoch, its value"
        " mon.best.value and its step mon.best.step (mon.best is None before the metric is"
        " logged)"
    ),
    "monitor.runs.warn.mode_against_name.min": (
        'nngraph Runs: mode="max" makes the run with the highest {metric!r} the winner, and'
        " each run's best epoch its highest, but the name {metric!r} is that of a loss or an"
        ' error, where lower is better; pass mode="min", or leave mode out and the name'
        " decides, unless higher really is better."
    ),
    "monitor.runs.warn.mode_against_name.max": (
        'nngraph Runs: mode="min" makes the run with the lowest {metric!r} the winner, and'
        " each run's best epoch its lowest, but the name {metric!r} is that of an accuracy or a"
        ' score, where higher is better; pass mode="max", or leave mode out and the name'
        " decides, unless lower really is better."
    ),
    "monitor.patience.warn.mode_against_name.min": (
        'nngraph Patience: mode="max" counts a higher {metric!r} as an improvement, but the'
        " name {metric!r} is that of a loss or an error, where lower is better: it would stop a"
        ' run whose loss keeps falling; pass mode="min", or leave mode out and the name decides,'
        " unless higher really is better."
    ),
    "monitor.patience.warn.mode_against_name.max": (
        'nngraph Patience: mode="min" counts a lower {metric!r} as an improvement, but the name'
        " {metric!r} is that of an accuracy or a score, where higher is better: it would stop a"
        ' run whose accuracy keeps rising; pass mode="max", or leave mode out and the name'
        " decides, unless lower really is better."
    ),
    "monitor.patience.warn.mode_unknown": (
        "nngraph Patience: the name of metric {metric!r} does not say whether higher or lower is"
        " better, so it is taken as a loss: only a lower value counts as an improvement; for an"
        ' accuracy or a score pass mode="max", and mode="min" to keep it a loss without this'
        " warning."
    ),
    "monitor.warn.mode_against_name.min": (
        'nngraph Monitor: mode="max" makes the epoch with the highest {metric!r} the best one,'
        " but the name {metric!r} is that of a loss or an error, where lower is better; pass"
        ' mode="min", or leave mode out and the name decides, unless higher really is better.'
    ),
    "monitor.warn.mode_against_name.max": (
        'nngraph Monitor: mode="min" makes the epoch with the lowest {metric!r} the best one,'
        " but the name {metric!r} is that of an accuracy or a score, where higher is better;"
        ' pass mode="max", or leave mode out and the name decides, unless lower really is'
        " better."
    ),
    "monitor.warn.mode_unknown": (
        "nngraph Monitor: the name of metric {metric!r} does not say whether higher or lower is"
        " better, so it is taken as a loss (lower is better) and the best epoch is its lowest"
        ' value; for an accuracy or a score pass mode="max", and mode="min" to keep it'
        " a loss without this warning."
    ),
    "monitor.warn.view": "nngraph: live view unavailable ({exc}); printing text.",
    "monitor.param.pq_k": "PQ's strip length k",
    "monitor.param.gl_alpha": "GL alpha",
    "monitor.param.pq_alpha": "PQ alpha",
    "monitor.param.gap_threshold": "Gap threshold",
    "monitor.param.gap_patience": "Gap patience",
    "monitor.param.divergence_threshold": "Divergence threshold",
    "monitor.param.divergence_factor": "Divergence factor",
    "monitor.param.gap_relative": "Gap relative",
    "monitor.param.patience": "patience",
    "monitor.param.min_delta": "min_delta",
    "monitor.param.relative": "relative",
    "monitor.param.watch_vanishing": "GradientWatch vanishing",
    "monitor.param.watch_ratio": "GradientWatch ratio",
    "monitor.param.watch_exploding": "GradientWatch exploding",
    "monitor.param.watch_patience": "GradientWatch patience",
    "monitor.error.pq_k1": (
        "PQ needs a strip of at least 2 epochs, got k=1: over 1 epoch the training progress "
        "P_1 = 1000 * (E / E - 1) is always 0, whatever training did. Prechelt uses k=5: "
        "PQ(0.5, k=5)"
    ),
    "monitor.param.up_s": "UP s (successive strips)",
    "monitor.param.up_k": "UP's strip length k",
    "monitor.param.print_interval": "Monitor print_interval (seconds)",
    "monitor.param.flush_interval": "Monitor flush_interval (seconds)",
    "monitor.warn.metric_missing": (
        "nngraph Monitor: the watched metric {metric!r} was never logged (logged: {logged}), so"
        " nothing can stop training early or restore the best weights. Log it under that name,"
        " or watch the name you log: Monitor(metric='your_name')."
    ),
    "monitor.warn.metric_missing_one": (
        "nngraph Monitor: the watched metric {metric!r} was never logged (logged: {logged}), so"
        " nothing can stop training early or restore the best weights. Log it under that name,"
        " or watch the validation metric you log: Monitor(metric={close!r})."
    ),
    "monitor.warn.same_data": (
        "nngraph Monitor: at each of the {epochs} epochs so far, {metric} has been the same"
        " number as {train} (to 0.1%, or as the next epoch's {train}, which the same weights"
        " gave). Is the validation computed on the training data? Validate on examples the"
        " model does not train on: only they show overfitting."
    ),
    "monitor.warn.validation_training_mode": (
        "nngraph Monitor: validation ran with the model in training mode (no model.eval()"
        " before it): its {modules} {act} as in training ({effects}), so the validation loss is"
        " noisy and not the one the model gives in use, and the detectors and the best epoch"
        " are judged on it. Call model.eval() before validating, and model.train() before"
        " training again."
    ),
    "monitor.validation_mode.dropout": "Dropout drops units at random",
    "monitor.validation_mode.norm": (
        "BatchNorm normalises each batch with its own statistics and updates its running"
        " statistics with the validation data"
    ),
    # a loss under a cross-entropy's name that falls below 0 without bound
    # (nngraph/monitor/_negative_loss.py): _maybe for a name that may be another loss
    "monitor.warn.negative_loss": (
        "nngraph Monitor: {metric} fell below 0 and keeps falling without levelling off"
        " ({start:.4g} {epochs} ago, {now:.4g} now), but a cross-entropy is never below"
        " 0, so {name!r} is not given what it expects. Most often this is nn.NLLLoss"
        " (F.nll_loss) given raw scores: it expects log-probabilities and only takes the right"
        " class's value, negated, so on raw scores training pushes that score up without end."
        " Add F.log_softmax(scores, dim=1) (or nn.LogSoftmax(dim=1) as the last layer) before"
        " it, or give the raw scores to nn.CrossEntropyLoss, which applies log-softmax itself."
        " ng.trace(model, x, loss=...).health() names the layer that feeds the loss."
    ),
    "monitor.warn.negative_loss_maybe": (
        "nngraph Monitor: {metric} fell below 0 and keeps falling without levelling off"
        " ({start:.4g} {epochs} ago, {now:.4g} now). If {name!r} is a classification"
        " loss (nn.NLLLoss, F.nll_loss or a cross-entropy), it can never be below 0: most likely"
        " nn.NLLLoss is given raw scores. It expects log-probabilities and only takes the right"
        " class's value, negated, so on raw scores training pushes that score up without end."
        " Add F.log_softmax(scores, dim=1) (or nn.LogSoftmax(dim=1) as the last layer) before"
        " it, or give the raw scores to nn.CrossEntropyLoss, which applies log-softmax itself;"
        " ng.trace(model, x, loss=...).health() names the layer that feeds the loss. A loss that"
        " may be below 0 (a Gaussian NLL, a negative ELBO, a loss of your own) is fine: then"
        " ignore this."
    ),
    "monitor.warn.watched_per_batch": (
        "nngraph Monitor: the watched metric {metric!r} is logged more than once in epoch"
        " {epoch}. Each call is judged as one evaluation, so the detectors count batches (Patience"
        " stops after so many batches without a better one) and the best is the luckiest batch."
        " Log the epoch's mean once per epoch, mon.log(epoch=epoch, {metric}=epoch_mean), or"
        " watch a validation loss."
    ),
    "monitor.warn.detector_metric_missing": (
        "nngraph Monitor: {detector} watches {metric!r}, which was never logged (logged:"
        " {logged}), so it stays silent. Give it the name you log: metric='your_name'."
    ),
    "monitor.warn.metric_close_test": (
        "nngraph Monitor: the watched metric {metric!r} has not been logged (logged: {logged}):"
        " did you mean {close!r}? Until it is logged, nothing can stop training early or restore"
        " the best weights. If {close!r} is measured on data held out to choose the epoch (a"
        " validation set), log it as {metric!r}; a test set is only for the end, once the"
        " epoch is chosen: choosing by it makes its score look better than it is."
    ),
    "monitor.warn.metric_close": (
        "nngraph Monitor: the watched metric {metric!r} has not been logged (logged: {logged}):"
        " did you mean {close!r}? Until it is logged, nothing can stop training early or restore"
        " the best weights. Watch the name you log, Monitor(metric={close!r}), or log it as"
        " {metric!r}."
    ),
    "monitor.warn.detector_metric_close": (
        "nngraph Monitor: {detector} watches {metric!r}, which has not been logged (logged:"
        " {logged}): did you mean {close!r}? Until it is logged, it stays silent. Give it the"
        " name you log: metric={close!r}."
    ),
    "monitor.warn.detector_train_missing": (
        "nngraph Monitor: {detector} compares {metric!r} with the training metric, logged as"
        " one of {twins}, which was never logged (logged: {logged}), so it stays silent. Log"
        " the training metric under one of those names, or give it the name you log:"
        " train_metric='your_name'."
    ),
    "monitor.warn.steps_are_epochs": (
        "nngraph Monitor: validation came at steps {first} and {second}, so they are counted as"
        " epochs {as_first} and {as_second}: each validation ends an epoch, as a step may count"
        " batches. If your step is the epoch number, pass it as epoch=, e.g. mon.log(epoch=epoch,"
        " loss=...): then the text lines, best.epoch and the events use your numbers (epoch"
        " {second}). If it counts batches, this is right: ignore this warning."
    ),
    "monitor.warn.steps_resumed": (
        "nngraph Monitor: the steps start at {start} and go up by one ({start}, {next}, ...), as"
        " the epochs of a loop resumed at epoch {start} do, but a step may count batches, so the"
        " epochs are counted from 1: step {start} is epoch 1, step {next} is epoch 2. To keep"
        " your loop's numbers (epoch {start}, {next}, ...) in the text lines, best.epoch and the"
        " events, pass them as epoch=, e.g. mon.log(epoch=epoch, loss=...). If your step counts"
        " batches, this is right: ignore this warning."
    ),
    "monitor.warn.eval_repeated": (
        "nngraph Monitor: {metric} was logged for step {step} already, with the same value: did"
        " you run the cell again, or evaluate the same epoch twice? This call is kept in the history, in epoch {epoch}, but it is not counted as a"
        " new epoch, and the detectors do not judge it again (one step evaluated twice says"
        " nothing new about training). To log a new epoch, give it its own step: mon.log({next},"
        " ...)."
    ),
    "monitor.warn.eval_back_to_back": (
        "nngraph Monitor: {metric} was logged again in epoch {epoch} right after its last value"
        " ({first:.4g}), with nothing logged between: is it logged once per validation batch?"
        " Then log its mean over the whole validation set once per epoch instead: each value"
        " counts here as a validation of its own, and Patience counts them as evaluations."
        " Validating several times an epoch on purpose is fine."
    ),
    "monitor.warn.eval_per_batch": (
        "nngraph Monitor: {metric} was logged for step {step} already, as {first:.4g}: is it"
        " logged once per validation batch? Log its mean over the whole validation set once per"
        " epoch instead. Only the first value of a step counts, for the best epoch and the"
        " detectors; the others are kept in the history, in epoch {epoch}."
    ),
    "monitor.warn.step_back": (
        "nngraph Monitor: step {step} comes after step {last}, so it is drawn at step {moved}"
        " and the curves go on (the steps after it are moved the same way). Did you run the"
        " training cell again, or does a batch index start again each epoch? Log a global step"
        " such as epoch * len(loader) + i, or make a new ng.Monitor() for a new run."
    ),
    # the same step as the last, with new training and validation values: the loop run again
    "monitor.warn.step_again": (
        "nngraph Monitor: step {step} comes again, with new training and validation values, so"
        " it is taken for a new run of the training loop: it is drawn at step {moved} and the"
        " curves go on (the steps after it are moved the same way). Log a global step, or make"
        " a new ng.Monitor() for a new run."
    ),
    "monitor.warn.stopped_already": (
        "nngraph Monitor: the training loop runs again, but this monitor already stopped the"
        " run at epoch {epoch} ({by}), and mon.should_stop stays True, so a loop that breaks on"
        " it ends after this epoch. To train on in the same run, call mon.resume() before the"
        " loop (the history and the best epoch stay, and the detectors may stop it again); for"
        " a new run, make a new ng.Monitor()."
    ),
    "monitor.stopped_by_detector": "{detector} asked to stop",
    "monitor.stopped_by_user": "the Stop button was clicked, or request_stop() called",
    "monitor.gradwatch.replaced": (
        "nngraph: the earlier GradientWatch on this optimizer was still watching; it is closed"
        " now, so each step is counted once"
    ),
    "monitor.error.lossview_source": (
        "LossView shows an ng.Monitor, ng.Runs or ng.GradientWatch, not {got}; e.g. LossView(mon)"
    ),
    "monitor.distributed.not_initialized": (
        "Monitor(distributed=True) needs torch.distributed.init_process_group() to be called "
        "first (or use distributed='auto')"
    ),
    "monitor.distributed.value": "distributed must be True, False or 'auto', got {value!r}",
    "monitor.lightning.not_monitor": (
        "NNGraphCallback(monitor=...) needs an ng.Monitor (or None for a new one), got {got}"
    ),
    "monitor.lightning.metric_missing": (
        "NNGraphCallback: the watched metric {metric!r} was never logged (logged: {logged}), so"
        " no detector can stop training early and no best weights are put back. Log it in "
        "validation_step, e.g. self.log({metric!r}, value), or map your name to it: "
        "NNGraphCallback(metrics={{'your_name': {metric!r}}})."
    ),
    "monitor.lightning.metric_close": (
        "NNGraphCallback: the watched metric {metric!r} was never logged (logged: {logged}):"
        " did you mean {close!r}? Until it is logged, no detector can stop training early and"
        " no best weights are put back. Log it as {metric!r}, self.log({metric!r}, value), or"
        " map your name to it: NNGraphCallback(metrics={{{close!r}: {metric!r}}})."
    ),
    "monitor.lightning.metric_same_way": (
        "NNGraphCallback: the watched metric {metric!r} was never logged (logged: {logged}), so"
        " no detector can stop training early and no best weights are put back. {key!r} is"
        " logged, and for it too {better}: map it to {metric!r},"
        " NNGraphCallback(metrics={{{key!r}: {metric!r}}}), or log {metric!r} in"
        " validation_step, self.log({metric!r}, value)."
    ),
    "monitor.lightning.metric_other_way": (
        "NNGraphCallback: the watched metric {metric!r} was never logged (logged: {logged}), so"
        " no detector can stop training early and no best weights are put back. {name!r} is"
        " logged instead, and for it {better}, so mapping it to {metric!r} would keep its worst"
        " epoch. Choose the best weights by it, {fix}, or log {metric!r} in validation_step,"
        " self.log({metric!r}, value)."
    ),
    "monitor.lightning.metric_which_way": (
        "NNGraphCallback: the watched metric {metric!r} was never logged (logged: {logged}), so"
        " no detector can stop training early and no best weights are put back. To choose the"
        " best weights by {name!r}, which is logged, say which way is better: {fix_max} if"
        " higher is better (an accuracy, a score), {fix_min} if lower is (a loss); or log"
        " {metric!r} in validation_step, self.log({metric!r}, value)."
    ),
    "monitor.lightning.rename_other_way": (
        "NNGraphCallback: metrics={{{key!r}: {name!r}}} gives {name!r} the values of {key!r},"
        " where {better_key}, while for {name!r} {better_name}: its best epoch would be the"
        " worst of {key!r}. Watch {key!r} under its own name instead, NNGraphCallback(metric="
        "{key!r})."
    ),
    "monitor.lightning.better.max": "higher is better",
    "monitor.lightning.better.min": "lower is better",
    "monitor.lightning.no_validation_due": (
        "NNGraphCallback: no validation ran in this fit, so the watched metric {metric!r} never"
        " came: no detector can stop training early and no best weights are put back, although"
        " a validation DataLoader was given: the fit ended before a validation was due, or none"
        " is run ({settings}). Let it validate sooner (check_val_every_n_epoch=1), train longer,"
        " or set limit_val_batches above 0."
    ),
    "monitor.lightning.no_validation": (
        "NNGraphCallback: no validation ran in this fit, so the watched metric {metric!r} never"
        " came: no detector can stop training early and no best weights are put back. Give the"
        " fit a validation DataLoader, trainer.fit(model, train_dl, val_dl) (and check that"
        " limit_val_batches is not 0)."
    ),
    "monitor.lightning.metric_step_only": (
        "NNGraphCallback: the watched metric {metric!r} is logged per step only "
        "(on_epoch=False), and nngraph reads the values of whole epochs, so no detector can "
        "stop training early and no best weights are put back. Log it per epoch: "
        "self.log({key!r}, value, on_epoch=True)."
    ),
    "monitor.lightning.other_model": (
        "the monitor keeps the best weights of the model given to Monitor(model=...), which is"
        " not the module fitted (a model cell run again?), and they would overwrite what this"
        " module learned; mon.restore_best(model) puts them into a model of that layout"
    ),
    "monitor.lightning.not_restored": (
        "NNGraphCallback: the best weights were not put back into the module: {reason}"
    ),
    "monitor.lightning.early_stopped": (
        "Lightning's EarlyStopping (watching {metric}) stopped training at epoch {epoch}"
    ),
    "monitor.lightning.interrupted": (
        "training was interrupted: the best weights (epoch {best}) were put back into the model"
    ),
    "monitor.lightning.error_kept": (
        "training stopped with an error: the weights are left as they were then; "
        "restore_best() on the callback's monitor (NNGraphCallback.monitor) puts the best ones "
        "(epoch {best}) back."
    ),
    "monitor.lightning.earlier_best_kept": (
        "the watched metric {metric} did not come in this fit, so nothing judged the weights it"
        " trained: they are kept, and the best weights of an earlier fit (epoch {best}) were"
        " not put back over them; restore_best() on the callback's monitor"
        " (NNGraphCallback.monitor) puts those back."
    ),
    "monitor.lightning.missing": (
        "nngraph.integrations.lightning needs PyTorch Lightning: pip install nngraph[lightning]"
    ),
    "monitor.lightning.bad_metrics": (
        "NNGraphCallback(metrics=...) maps Lightning's metric names to the monitor's, e.g. "
        "metrics={{'valid/loss': 'val_loss'}} (names are non-empty strings); got {got!r}"
    ),
    "monitor.lightning.detectors_and_monitor": (
        "NNGraphCallback(detectors=...) is used only when the callback makes its own monitor; "
        "you gave a monitor, so give the detectors to it: mon = ng.Monitor(detectors=[...]), "
        "then NNGraphCallback(mon)"
    ),
    "monitor.lightning.display_and_monitor": (
        "NNGraphCallback(display=...) is used only when the callback makes its own monitor; "
        "you gave a monitor, so set its display: mon = ng.Monitor(display={display!r}), "
        "then NNGraphCallback(mon)"
    ),
    "monitor.lightning.detectors_positional": (
        "NNGraphCallback(...) takes an ng.Monitor first; detectors go in detectors=[...], "
        "e.g. NNGraphCallback(detectors=[ng.detectors.Patience(5)])"
    ),
    "monitor.lightning.metric_and_monitor": (
        "NNGraphCallback(metric=...) is used only when the callback makes its own monitor; "
        "you gave a monitor, so give the metric to it: mon = ng.Monitor(metric={metric!r}), "
        "then NNGraphCallback(mon)"
    ),
    "monitor.lightning.mode_and_monitor": (
        "NNGraphCallback(mode=...) is used only when the callback makes its own monitor; "
        "you gave a monitor, so give the mode to it: mon = ng.Monitor(metric=..., "
        "mode={mode!r}), then NNGraphCallback(mon)"
    ),
    "monitor.lightning.stop_on_training": (
        "NNGraphCallback: {stopper} stops training on {watched}, a metric of the training"
        " data, which goes on improving while the model memorises it: it stops late or never,"
        " not where the model does best on new data. Stop on the validation metric instead:"
        " {fix}."
    ),
    "monitor.lightning.stop_metric": (
        "NNGraphCallback: {stopper} stops training on {watched}, but the best weights put back "
        "into the model at the end are those of the best {metric}, so they may not come from "
        "the epoch the stop calls best. To choose them by {watched}: {fix}."
    ),
    "monitor.lightning.refit": (
        "fit was run again: the curves go on from epoch {epoch} with a fresh optimizer, so the "
        "first epochs may jump; a rise there comes from this restart, not from a learning rate "
        "that is too high."
    ),
    "monitor.lightning.refit_restored": (
        "fit was run again: it goes on from epoch {epoch} with a fresh optimizer and from the "
        "best weights (epoch {best}), put back when the last fit ended, so the losses start "
        "again from about their epoch {best} values; a rise there comes from this restart, not "
        "from a learning rate that is too high."
    ),
    "monitor.lightning.refit_new_module": (
        "fit was run again with another module: its curves go on from epoch {epoch} in this "
        "monitor, but it starts from its own weights with a fresh optimizer, not from the "
        "earlier module's, so its first epochs show a new model's losses; a jump there comes "
        "from this new start, not from a learning rate that is too high."
    ),
    "monitor.lightning.refit_new_module_best": (
        "fit was run again with another module: its curves go on from epoch {epoch} in this "
        "monitor, but it starts from its own weights with a fresh optimizer, not from the "
        "earlier module's, so its first epochs show a new model's losses; a jump there comes "
        "from this new start, not from a learning rate that is too high. Its best epoch, the "
        "weights restore_best() puts back and the detectors count from epoch {epoch} on: the "
        "earlier module's best ({metric} {value:.4g} at epoch {best}) is not compared with them."
    ),
    "monitor.lightning.min_epochs": (
        "Trainer(min_epochs={least}) keeps Lightning training after this stop, up to epoch"
        " {last} here; the best weights are still put back at the end of fit."
    ),
    "monitor.lightning.by_batches": (
        "the training data has no length (an IterableDataset without __len__), so Lightning "
        "does not know where its epoch ends: this monitor numbers its points by the training "
        "batches done in this fit instead (the 'it' count of Lightning's progress bar), so "
        "epoch {epoch} here is the point after {batches} batches, not Lightning's epoch"
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
    "monitor.unit.epoch.other": "{n} epochs",
    # a span within one epoch number (validating twice under one epoch=): counted in evaluations
    "monitor.unit.evaluation.one": "{n} evaluation",
    "monitor.unit.evaluation.few": "{n} evaluations",
    "monitor.unit.evaluation.many": "{n} evaluations",
    "monitor.unit.evaluation.other": "{n} evaluations",
    # a span where the points are numbered by training batches (Lightning, an endless stream)
    "monitor.unit.batch.one": "{n} batch",
    "monitor.unit.batch.few": "{n} batches",
    "monitor.unit.batch.many": "{n} batches",
    "monitor.unit.batch.other": "{n} batches",
    # where the latest training values come from, after "on average over" or "in"
    "monitor.unit.last_epochs.one": "the last epoch",
    "monitor.unit.last_epochs.few": "the last {n} epochs",
    "monitor.unit.last_epochs.many": "the last {n} epochs",
    "monitor.unit.last_evaluations.one": "the last evaluation",
    "monitor.unit.last_evaluations.few": "the last {n} evaluations",
    "monitor.unit.last_evaluations.many": "the last {n} evaluations",
    "monitor.unit.last_batches.one": "the last batch",
    "monitor.unit.last_batches.few": "the last {n} batches",
    "monitor.unit.last_batches.many": "the last {n} batches",
    # where the training values from the best epoch on come from, after "on average over"
    "monitor.unit.before_epoch": "epoch {epoch}",
    "monitor.unit.before_epochs": "epochs {first}–{last}",
    # a training value in the detectors' explanations: a mean of several, or one value
    "monitor.trend.mean": "{value:.4g} on average over {span}",
    "monitor.trend.one": "{value:.4g} in {span}",
    # where a flat training loss is next to the validation loss, in a plateau's text
    "monitor.trend.level_close": "not far below it",
    "monitor.trend.level_above": "above the {metric}",
    "monitor.trend.level_below": "below the {metric}",
    # where a mean of training values logged every few epochs comes from: "0.05 on average
    # over epochs 200, 205 and 210" ({most}: all but the last, with commas)
    "monitor.trend.epochs_listed": "epochs {most} and {last}",
    # why GL, PQ and UP see no memorising in a rising validation loss ({metric}.neutral)
    "monitor.trend.too_soon": (
        "the model is getting worse on data it does not train on, but the numbers do not show "
        "yet whether {train} has stopped falling (a plateau) or the model has started to "
        "memorise."
    ),
    "monitor.trend.not_below": (
        "{train} is still falling, but it is {level}; a model that does not do clearly better "
        "on its training data than on new data shows no sign of memorising yet (the {metric} "
        "may rise because the two data sets differ, or by noise)."
    ),
    # why a rise that reads as memorising is too soon to call so ({metric}.neutral)
    "monitor.trend.too_few": (
        "in epoch {epoch} {train} was no lower than the best {metric}, and one value since "
        "then is too few to tell whether the model has started to memorise the training data "
        "or this rise is noise."
    ),
    "monitor.trend.far_above": (
        "in epoch {epoch} {train} was {times} times the best {metric} (the model did far worse "
        "on its training data than on new data), so it is too soon to read its fall since "
        "then as a sign of memorising."
    ),
    # why a training loss climbs smoothly (Patience's and GL's rose_steadily readings)
    "monitor.trend.rose_steadily": (
        "A loss pushed up smoothly comes from something that pulls on the weights at every"
        " step: most often a weight decay (an L2 penalty, the optimizer's weight_decay) too"
        " strong for the data, which shrinks every weight towards 0 until the model can only"
        " guess, or else a learning rate that a schedule raises. Lower weight_decay (try 1e-4,"
        " or 0) before you change the learning rate."
    ),
    "monitor.trend.level_best_above": "above the best {metric}",
    "monitor.trend.level_best_barely_below": "barely below the best {metric}",
    "monitor.event": "epoch {epoch}: {message}",
    # how far a loss is above its best (GL, PQ): "{metric} is {above}"
    "monitor.above.percent": "{percent}% above its best",
    "monitor.above.times": "about {times} times its best",
    # GL above a best at or below 0 (no size to take a percent of): "{metric} is {above}"
    "monitor.gl.above_difference": "{value} now, up from its best",
    "monitor.number.million": "{n} million",
    "monitor.number.billion": "{n} billion",
    "monitor.number.trillion": "{n} trillion",
    "monitor.event.step": "step {step}: {message}",
    # monitor: detector explanations (the key is "monitor." + the event's message_id)
    "monitor.gl.overfit": (
        "{metric} is {above} ({best:.4g} at epoch {best_epoch}) while {train} "
        "is still falling ({recent_at}, down from {before_at}): {verdict}"
    ),
    "monitor.gl.flat": (
        "{metric} is {above} ({best:.4g} at epoch {best_epoch}) while {train} "
        "stays far below it ({recent_at}, against {before_at}): more training no longer helps "
        "on the training data and hurts on new data, so {verdict}"
    ),
    # a memorising rise too soon after the best to say whether the training loss still falls
    "monitor.gl.far_below": (
        "{metric} is {above} ({best:.4g} at epoch {best_epoch}) while {train} "
        "is far below it ({recent_at}, against {before_at}): {verdict}"
    ),
    # what GL's sentences end with: a GL that stops, and one that only warns (the classroom's)
    "monitor.gl.verdict": (
        "the model has started to memorise the training data. Stop here, or keep the best "
        "weights (restore_best)."
    ),
    "monitor.gl.verdict_warn": (
        "the model may have started to memorise the training data, or this is noise in a small "
        "validation set: watch whether it keeps rising (this warning does not stop training)."
    ),
    "monitor.gl.advice": "Stop here, or keep the best weights (restore_best).",
    "monitor.gl.advice_warn": (
        "Watch whether it keeps rising (this warning does not stop training)."
    ),
    "monitor.gl.plateau_chance": (
        "{metric} is {above} ({best:.4g} at epoch {best_epoch}) while {train} has hardly moved,"
        " {level} ({recent_at}, against {before_at}): {chance}"
    ),
    "monitor.trend.chance": (
        "{train} is still close to ln {k} = {ln:.3g} ({start:.4g} at first), the cross-entropy"
        " of guessing at random among {k} classes: if it is a cross-entropy, the model has"
        " learned little so far, and this rise may be noise. Some networks (a deep one with"
        " sigmoid or tanh, a poor initialisation) sit on such a plateau for a while before they"
        " start learning, so more training may still help: check the learning rate and that"
        " zero_grad(), backward() and step() run in that order, then {go_on} If the data hold"
        " little more to learn (noisy labels), keep the best weights (restore_best)."
    ),
    "monitor.trend.chance_resume": (
        "train on with a detector that waits, such as Patience(20): this one would stop"
        " training again while the loss stays flat."
    ),
    "monitor.trend.chance_train_on": "let it train on (this warning does not stop training).",
    "monitor.trend.chance_blown": (
        "{train} is close to ln {k} = {ln:.3g}, the cross-entropy of guessing at random among"
        " {k} classes: if it is a cross-entropy, the model does no better than guessing, and"
        " this rise may be noise. {blown}"
    ),
    # why a loss that fell to the chance level from a first epoch that blew up is no learning
    # (nngraph/monitor/_never_improved.py, blown_start)
    "monitor.chance.blown": (
        "In the first epoch {what} was {start:.4g}, far above that: training blew up at once,"
        " most often because the inputs are far from 0 (raw pixel values 0-255, a feature in the"
        " thousands: g.health() of one step traced with ng.trace shows it) or the learning rate"
        " is far too high. A blow-up like this can leave a model that only guesses for good"
        " (ReLU units that output nothing but 0 ever again), and more epochs rarely mend it:"
        " scale the inputs or lower the learning rate, then train again from new weights."
    ),
    # a validation loss that never beat chance while the training loss fell: the labels may not
    # match the inputs (nngraph/monitor/_never_improved.py, guessed_labels)
    "monitor.chance.labels": (
        "If {metric} is a cross-entropy, it never got clearly below the chance level: its best,"
        " {best:.4g}, is about ln {k} = {ln:.4g}, the loss of guessing among {k} classes, while"
        " {train} fell to {train_now:.4g}. The model learns its training labels by heart but"
        " nothing that carries over to new data (a model that overfits first gets better on new"
        " data). Most likely the labels do not match the inputs: x and y shuffled separately, or"
        " the validation labels in another order than their inputs. Check a few examples and"
        " their labels by hand; if they match, the inputs may carry nothing about the labels."
    ),
    # before GL's, PQ's, UP's or Patience's words on memorising, where the validation loss never
    # beat chance (nngraph/monitor/_chance_aside.py); {labels} is monitor.chance.labels
    "monitor.aside.labels_first": (
        "This may not be overfitting. {labels} What the curves show: {message}"
    ),
    "monitor.aside.accuracy_rose": (
        "Yet {acc} rose after epoch {epoch}: {then:.4g} then, {peak:.4g} at its highest (epoch"
        " {peak_epoch}), {now:.4g} now: the model got more answers right while it grew"
        " over-confident in the ones it gets wrong, which raised the loss. If {acc} is what"
        " matters, watch it instead (metric={name!r})."
    ),
    "monitor.aside.accuracy_rose_flat": (
        "Yet {acc} rose after epoch {epoch}: {then:.4g} then, {peak:.4g} at its highest (epoch"
        " {peak_epoch}), {now:.4g} now, while {metric} stayed within a few percent of its best:"
        " the model got more answers right without a lower loss. If {acc} is what matters,"
        " watch it instead (metric={name!r})."
    ),
    # before a detector's words on a blow-up, where GradientWatch found earlier that the
    # gradients are not reset (nngraph/monitor/_cause_aside.py)
    # after a reading of a training loss that rose steadily, where the watched optimizer decays
    "monitor.aside.weight_decay": (
        "The optimizer that GradientWatch watches has weight_decay={value}, far above the usual"
        " 1e-4 to 1e-2."
    ),
    "monitor.aside.not_reset_first": (
        "Before you change the learning rate: GradientWatch found {when} that the gradients are"
        " not reset between steps (no optimizer.zero_grad()), so each step applies the sum of"
        " all the gradients so far, and that alone can make training blow up. If the loop still"
        " lacks it, call optimizer.zero_grad() before each loss.backward() and train again"
        " first. What the curves show: {message}"
    ),
    # in front of Patience's stop on a model that is not learning, when GradientWatch found
    # earlier what keeps it from learning (nngraph/monitor/_cause_aside.py)
    "monitor.aside.watch_cause_first": (
        "Before you call resume() or change the learning rate: GradientWatch found {when}"
        " {cause}. More epochs help little while that lasts: fix it first (the watch's message"
        " says how). What the curves show: {message}"
    ),
    # in front of a later event of the same run, once "monitor.aside.not_reset_first" (or the
    # watch's cause in front of Patience's stop) said it in full {when}: "at epoch 16"
    "monitor.aside.not_reset_again": (
        "As said {when}: the gradients are not reset between steps (no optimizer.zero_grad()),"
        " fix that first. What the curves show: {message}"
    ),
    "monitor.aside.cause.no_gradient": (
        "that a layer gets no gradient at all, so its weights never change"
    ),
    "monitor.aside.cause.vanishing": (
        "that the gradient vanishes before it reaches the first layers, so they hardly learn"
    ),
    "monitor.aside.cause.empty_steps": (
        "that optimizer.step() runs with no gradient to apply, so the weights never change"
    ),
    "monitor.aside.cause.flat_loss": (
        "that the loss does not change with the weights, so there is nothing to learn from"
    ),
    "monitor.aside.cause.never_stepped": (
        "that optimizer.step() never runs, so the weights never change"
    ),
    "monitor.aside.cause.not_reset": (
        "that the gradients are not reset between steps (no optimizer.zero_grad())"
    ),
    "monitor.aside.cause.shrunk": (
        "that the weights have shrunk to a hundredth or less of where PyTorch starts them, so"
        " the gradient vanishes: most often a weight_decay far too strong (1e-4 to 1e-2 is"
        " usual)"
    ),
    # in front of Patience's stop on a model that is not learning, when the monitor found
    # earlier that its weights never change (nngraph/monitor/_unchanged.py)
    "monitor.aside.unchanged_first": (
        "Before you call resume() or change the learning rate: the monitor found {when} that"
        " the model's weights have not changed at all since the first epoch, so more epochs"
        " cannot help. Fix the training loop first (that message says what to check). What"
        " the curves show: {message}"
    ),
    "monitor.gl.plateau": (
        "{metric} is {above} ({best:.4g} at epoch {best_epoch}) while {train} "
        "has hardly moved, {level} ({recent_at}, against {before_at}): neither loss "
        "has improved by much for {since}, so the model seems to have stopped learning rather than "
        "started to memorise, and this rise may be noise. "
        "If both stay so, more training is unlikely to help: keep the best weights "
        "(restore_best), or try another learning rate or a bigger model."
    ),
    "monitor.gl.neutral": (
        "{metric} is {above} ({best:.4g} at epoch {best_epoch}) while {train} is {recent_at} "
        "(against {before_at}): {reason} {advice}"
    ),
    "monitor.gl.stalled": (
        "{metric} is {above} ({best:.4g} at epoch {best_epoch}) and {train} "
        "has risen since then ({recent_at}, up from {before_at}): training has become "
        "unstable, which is not overfitting (try a smaller learning rate, unless a schedule "
        "raised it on purpose, as a warm-up or a warm restart does: then both losses soon fall again)."
    ),
    "monitor.gl.restarted": (
        "{metric} is {above} ({best:.4g} at epoch {best_epoch}) and {train} has risen since "
        "then ({recent_at}, up from {before_at}), as it often does in the first epochs with a "
        "fresh optimizer (after a restart, such as a second fit): too soon to tell overfitting "
        "from a learning rate too high. {advice}"
    ),
    "monitor.gl.warming_up": (
        "{metric} is {above} ({best:.4g} at epoch {best_epoch}) and {train} has risen since "
        "then ({recent_at}, up from {before_at}) in the first epochs of the run: a "
        "learning-rate warm-up raises the step size on purpose, which can lift the loss for a "
        "while, and a learning rate too high lifts it too (without a warm-up schedule, try a "
        "smaller one); too soon to tell which, or whether the model overfits. {advice}"
    ),
    # one training value after the best epoch, a little higher than there: too soon to tell
    "monitor.gl.rose_once": (
        "{metric} is {above} ({best:.4g} at epoch {best_epoch}) and {train} is {recent_at}, a "
        "little up from {before_at}: one value since the best epoch is too few to tell whether "
        "training has become unstable (a learning rate too high) or this is noise, nor whether "
        "the model has started to memorise. {advice}"
    ),
    "monitor.gl.training": (
        "{metric} is {above} ({best:.4g} at epoch {best_epoch}): the loss on the training data "
        "itself has risen. If it goes on rising, training has become unstable (try a smaller "
        "learning rate); a training loss that wobbles from epoch to epoch (mini-batches, "
        "dropout, augmentation) can also rise this much and fall back. Either way it is not "
        "overfitting, which shows on a validation loss."
    ),
    # a metric whose name says neither validation nor training (`ppl`, `mse`)
    "monitor.gl.unknown_data": (
        "{metric} is {above} ({best:.4g} at epoch {best_epoch}), and its name does not say "
        "which data it is measured on. On validation data, the model is getting worse on data "
        "it does not train on (it may have started to memorise the training data); on the "
        "training data itself, training has become unstable (try a smaller learning rate). "
        "Log it as val_{logged}, or name its training twin to the detectors "
        '(ng.detectors.GL(metric="{logged}", train_metric="loss")), and this reading '
        "can tell which."
    ),
    # a rise of a validation loss that is still improving overall (_still_improving.py)
    "monitor.gl.improving": (
        "{metric} is {above} ({best:.4g} at epoch {best_epoch}), but it is still improving "
        "overall: it set that best {since} ago, and this rise is no larger than its wobble from "
        "one evaluation to the next. A wobble of a validation loss that still improves is no sign "
        "of memorising (every validation loss wobbles, the more so the fewer examples it has). "
        "{advice}"
    ),
    # a jumpy run: the losses jump while the validation loss still improves overall
    "monitor.gl.jumpy": (
        "{metric} is {above} ({best:.4g} at epoch {best_epoch}), and the losses jump up and "
        "down from one evaluation to the next ({train} too): training is unstable, which is not overfitting; the usual causes are a learning "
        "rate too high (try a smaller learning rate) or inputs that are not scaled (raw pixel values "
        "0-255, features in the hundreds: standardise them; g.health() of one step traced "
        "with ng.trace shows it). GL says this once for the run, not at every jump."
    ),
    "monitor.gl.plain": (
        "{metric} is {above} ({best:.4g} at epoch {best_epoch}): the model is "
        "getting worse on data it does not train on."
    ),
    "monitor.gl.jump": (
        "{metric} is {above} ({best:.4g} at epoch {best_epoch}) after a jump "
        "from {previous:.4g} to {value:.4g} in one evaluation: a rise this sudden is unstable "
        "training (try a smaller learning rate), not overfitting, which builds up over epochs."
    ),
    "monitor.gl.oscillating": (
        "{metric} is {above} ({best:.4g} at epoch {best_epoch}), but this is one more swing: "
        "in epochs {first}–{last} it turned {swings} times, each time rising by more than "
        "{swing:g}% or falling by more than {fall:g}% (between {low:.4g} and {high:.4g}), and "
        "{train} does not fall steadily either. A loss that swings up and down like this is not "
        "overfitting: the learning rate (or the momentum) is probably too high. Divide it by 3 "
        "to 10, for example."
    ),
    "monitor.gl.unstable": (
        "{metric} is {above} ({best:.4g} at epoch {best_epoch}) while {train} is "
        "{train_value:.4g}, {times} times its lowest value ({low:.4g} at epoch {low_epoch}): the "
        "model does worse on its own training data than it once did, so training has become "
        "unstable, which is not overfitting (try a smaller learning rate)."
    ),
    "monitor.gl.blown_up": (
        "{metric} is {above} ({best:.4g} at epoch {best_epoch}), but {train} rose to {peak:.4g} "
        "at epoch {peak_epoch}, {times} times its first value ({first:.4g}), and the run has not "
        "come back to where it was before ({train} {train_value:.4g} now, {metric} "
        "{value:.4g}): training has become unstable, which is not overfitting (try a smaller "
        "learning rate)."
    ),
    "monitor.pq.fire": (
        "{metric} is {above} ({best:.4g} at epoch {best_epoch}) while {training}: {reading}"
    ),
    # what PQ reads in it: training still gains a little, or nothing at all any more
    "monitor.pq.reading": (
        "each epoch now costs more on new data than it gains on training data, so the model "
        "has started to memorise."
    ),
    "monitor.pq.reading_none": (
        "more training no longer helps on the training data and only hurts on new data, so "
        "the model has memorised the training data."
    ),
    # what PQ says of training over its last strip, after "while": progress, or none at all
    "monitor.pq.progress": "{train} made only {permille}‰ of progress over the last {since}",
    "monitor.pq.progress_quotient": (
        "{train} made only {permille}‰ of progress over the last {since} (quotient {quotient} "
        "> {alpha:g})"
    ),
    "monitor.pq.progress_none": "{train} made no progress at all over the last {since}",
    # what PQ fired on, said before "comes from training that ..."
    "monitor.pq.quotient": "the quotient {quotient} > {alpha:g}",
    "monitor.pq.quotient_none": "the infinite quotient (no training progress at all)",
    "monitor.pq.quotient_from_zero": "the infinite quotient (a rise from a best of 0)",
    "monitor.pq.plateau_chance": (
        "{metric} is {above} ({best:.4g} at epoch {best_epoch}) and {train} has hardly moved,"
        " {level} ({recent_at}, against {before_at}), so {ratio} does not come from"
        " memorising: {chance}"
    ),
    "monitor.pq.plateau": (
        "{metric} is {above} ({best:.4g} at epoch {best_epoch}) and {train} "
        "has hardly moved, {level} ({recent_at}, against {before_at}), so {ratio} "
        "comes from training that no longer improves (a plateau), not from memorising. More "
        "training is unlikely to help: keep the best weights (restore_best), or try another "
        "learning rate or a bigger model."
    ),
    "monitor.pq.neutral": (
        "{metric} is {above} ({best:.4g} at epoch {best_epoch}) while {training}; {train} is "
        "{recent_at} (against {before_at}): {reason}"
    ),
    "monitor.gl.rose_steadily": (
        "{metric} is {above} ({best:.4g} at epoch {best_epoch}) and {train} has risen since "
        "then ({recent_at}, up from {before_at}), steadily, evaluation after evaluation, with no "
        "jumps: that is not unstable training, nor overfitting. {why}"
    ),
    "monitor.pq.rose_steadily": (
        "{metric} is {above} ({best:.4g} at epoch {best_epoch}) and {train} has risen since "
        "then ({recent_at}, up from {before_at}), steadily, evaluation after evaluation, with no "
        "jumps: so {ratio} comes neither from unstable training nor from overfitting. {why}"
    ),
    "monitor.up.rose_steadily": (
        "{metric} rose at the end of {strips} ({trail}), but {train} has risen since the best "
        "epoch too ({recent_at}, up from {before_at}), steadily, evaluation after evaluation, "
        "with no jumps: that is not unstable training, nor overfitting. {why} Best: {best:.4g} "
        "at epoch {best_epoch}."
    ),
    "monitor.pq.stalled": (
        "{metric} is {above} ({best:.4g} at epoch {best_epoch}) and {train} "
        "has risen since then ({recent_at}, up from {before_at}), so {ratio} comes from "
        "training that has become unstable, which is not overfitting (try a smaller learning "
        "rate, unless a schedule raised it on purpose, as a warm restart does: then both "
        "losses soon fall again)."
    ),
    "monitor.pq.restarted": (
        "{metric} is {above} ({best:.4g} at epoch {best_epoch}) and {train} has risen since "
        "then ({recent_at}, up from {before_at}), as it often does in the first epochs with a "
        "fresh optimizer (after a restart, such as a second fit), so {ratio} comes from that "
        "rise: too soon to tell overfitting from a learning rate too high."
    ),
    "monitor.pq.warming_up": (
        "{metric} is {above} ({best:.4g} at epoch {best_epoch}) and {train} has risen since "
        "then ({recent_at}, up from {before_at}) in the first epochs of the run, so {ratio} "
        "comes from that rise: a learning-rate warm-up raises the step size on purpose, which "
        "can lift the loss for a while, and a learning rate too high lifts it too (without a "
        "warm-up schedule, try a smaller one); too soon to tell which, or whether the model "
        "overfits."
    ),
    "monitor.pq.rose_once": (
        "{metric} is {above} ({best:.4g} at epoch {best_epoch}) while {training}; {train} is "
        "{recent_at}, a little up from {before_at}: one value since the best epoch is too few "
        "to tell whether training has become unstable (a learning rate too high) or this is "
        "noise, nor whether the model has started to memorise."
    ),
    "monitor.pq.jump": (
        "{metric} is {above} ({best:.4g} at epoch {best_epoch}) after a jump "
        "from {previous:.4g} to {value:.4g} in one evaluation, so {ratio} comes from training "
        "that has become unstable (try a smaller learning rate), not from overfitting, which "
        "builds up over epochs."
    ),
    "monitor.pq.oscillating": (
        "{metric} is {above} ({best:.4g} at epoch {best_epoch}) while {training}, but this is "
        "one more swing: in epochs {first}–{last} it turned {swings} times, each time rising by "
        "more than {swing:g}% or falling by more than {fall:g}% (between {low:.4g} and "
        "{high:.4g}), and {train} does not fall steadily either, so {ratio} comes from a run "
        "that oscillates, not from memorising: the learning rate (or the momentum) is probably "
        "too high. Divide it by 3 to 10, for example."
    ),
    "monitor.pq.unstable": (
        "{metric} is {above} ({best:.4g} at epoch {best_epoch}) while {train} is "
        "{train_value:.4g}, {times} times its lowest value ({low:.4g} at epoch {low_epoch}), so "
        "{ratio} comes from training that has become unstable, which is not overfitting (try a "
        "smaller learning rate)."
    ),
    "monitor.pq.blown_up": (
        "{metric} is {above} ({best:.4g} at epoch {best_epoch}), but {train} rose to {peak:.4g} "
        "at epoch {peak_epoch}, {times} times its first value ({first:.4g}), and the run has not "
        "come back to where it was before ({train} {train_value:.4g} now, {metric} "
        "{value:.4g}), so {ratio} comes from training that has become unstable, which is not "
        "overfitting (try a smaller learning rate)."
    ),
    "monitor.up.fire": (
        "{metric} rose at the end of {strips} ({trail}): the model keeps getting worse on new "
        "data, a sign of overfitting. Best: {best:.4g} at epoch {best_epoch}."
    ),
    "monitor.up.plateau_chance": (
        "{metric} rose at the end of {strips} ({trail}) while {train} has hardly moved, {level}"
        " ({recent_at}, against {before_at}): {chance} Best: {best:.4g} at epoch {best_epoch}."
    ),
    "monitor.up.plateau": (
        "{metric} rose at the end of {strips} ({trail}) while {train} has hardly moved, "
        "{level} ({recent_at}, against {before_at}): the model has stopped learning (a "
        "plateau) rather than started to memorise. More training is unlikely to help: keep the "
        "best weights (restore_best), or try another learning rate or a bigger model. Best: "
        "{best:.4g} at epoch {best_epoch}."
    ),
    "monitor.up.neutral": (
        "{metric} rose at the end of {strips} ({trail}) while {train} is {recent_at} (against "
        "{before_at}): {reason} Best: {best:.4g} at epoch {best_epoch}."
    ),
    "monitor.up.stalled": (
        "{metric} rose at the end of {strips} ({trail}), but {train} has risen since the best "
        "epoch too ({recent_at}, up from {before_at}): training has become unstable, which is "
        "not overfitting (try a smaller learning rate, unless a schedule raised it on purpose, "
        "as a warm-up or a warm restart does: then both losses soon fall again). Best: {best:.4g} at epoch "
        "{best_epoch}."
    ),
    "monitor.up.restarted": (
        "{metric} rose at the end of {strips} ({trail}), and {train} has risen since the best "
        "epoch too ({recent_at}, up from {before_at}), as it often does in the first epochs "
        "with a fresh optimizer (after a restart, such as a second fit): too soon to tell "
        "overfitting from a learning rate too high. Best: {best:.4g} at epoch {best_epoch}."
    ),
    "monitor.up.warming_up": (
        "{metric} rose at the end of {strips} ({trail}), and {train} has risen since the best "
        "epoch too ({recent_at}, up from {before_at}) in the first epochs of the run: a "
        "learning-rate warm-up raises the step size on purpose, which can lift the loss for a "
        "while, and a learning rate too high lifts it too (without a warm-up schedule, try a "
        "smaller one); too soon to tell which, or whether the model overfits. Best: {best:.4g} "
        "at epoch {best_epoch}."
    ),
    "monitor.up.rose_once": (
        "{metric} rose at the end of {strips} ({trail}) while {train} is {recent_at}, a little "
        "up from {before_at}: one value since the best epoch is too few to tell whether "
        "training has become unstable (a learning rate too high) or this is noise, nor whether "
        "the model has started to memorise. Best: {best:.4g} at epoch {best_epoch}."
    ),
    "monitor.up.unstable": (
        "{metric} rose at the end of {strips} ({trail}) while {train} is {train_value:.4g}, "
        "{times} times its lowest value ({low:.4g} at epoch {low_epoch}): training has become "
        "unstable, which is not overfitting (try a smaller learning rate). Best: {best:.4g} at "
        "epoch {best_epoch}."
    ),
    "monitor.up.blown_up": (
        "{metric} rose at the end of {strips} ({trail}), but {train} rose to {peak:.4g} at "
        "epoch {peak_epoch}, {times} times its first value ({first:.4g}), and the run has not "
        "come back to where it was before ({train} {train_value:.4g} now, {metric} "
        "{value:.4g}): training has become unstable, which is not overfitting (try a smaller "
        "learning rate). Best: {best:.4g} at epoch {best_epoch}."
    ),
    "monitor.up.oscillating": (
        "{metric} rose at the end of {strips} ({trail}), but this is one more swing: in epochs "
        "{first}–{last} it turned {swings} times, each time rising by more than {swing:g}% or "
        "falling by more than {fall:g}% (between {low:.4g} and {high:.4g}), and {train} does "
        "not fall steadily either. A loss that swings up and down like this is not overfitting: "
        "the learning rate (or the momentum) is probably too high. Divide it by 3 to 10, for "
        "example. Best: {best:.4g} at epoch {best_epoch}."
    ),
    "monitor.up.jump": (
        "{metric} rose at the end of {strips} ({trail}) after a jump from {previous:.4g} to "
        "{value:.4g} in one evaluation: a rise this sudden is unstable training (try a smaller "
        "learning rate), not overfitting, which builds up over epochs. Best: {best:.4g} at epoch "
        "{best_epoch}."
    ),
    "monitor.up.strips.one": "{n} strip of {strip}",
    "monitor.up.strips.few": "{n} successive strips of {strip}",
    "monitor.up.strips.many": "{n} successive strips of {strip}",
    "monitor.gl.validation_not_finite": (
        "{metric} became {value} (not a finite number) after its best ({best:.4g} at epoch"
        " {best_epoch}) while {train} is {tr:.4g}: the weights have not diverged, so the"
        " validation data (a NaN in its inputs or targets) or the code that computes it is the"
        " likely cause: check them."
    ),
    "monitor.pq.validation_not_finite": (
        "{metric} became {value} (not a finite number) after its best ({best:.4g} at epoch"
        " {best_epoch}) while {train} is {tr:.4g}: the weights have not diverged, so the"
        " validation data (a NaN in its inputs or targets) or the code that computes it is the"
        " likely cause: check them."
    ),
    "monitor.up.validation_not_finite": (
        "{metric} became {value} (not a finite number) after its best ({best:.4g} at epoch"
        " {best_epoch}) while {train} is {tr:.4g}: the weights have not diverged, so the"
        " validation data (a NaN in its inputs or targets) or the code that computes it is the"
        " likely cause: check them."
    ),
    "monitor.gl.untold_nonfinite": (
        "{metric} became {value} (not a finite number) after its best ({best:.4g} at epoch"
        " {best_epoch}), and {train} was not logged with it, so it cannot tell why: if {train}"
        " is not a finite number either, training has diverged (keep the best weights with"
        " restore_best and try a smaller learning rate); if it is, the validation data (a NaN"
        " in its inputs or targets) or the code that computes it is the likely cause."
    ),
    "monitor.pq.untold_nonfinite": (
        "{metric} became {value} (not a finite number) after its best ({best:.4g} at epoch"
        " {best_epoch}), and {train} was not logged with it, so it cannot tell why: if {train}"
        " is not a finite number either, training has diverged (keep the best weights with"
        " restore_best and try a smaller learning rate); if it is, the validation data (a NaN"
        " in its inputs or targets) or the code that computes it is the likely cause."
    ),
    "monitor.up.untold_nonfinite": (
        "{metric} became {value} (not a finite number) after its best ({best:.4g} at epoch"
        " {best_epoch}), and {train} was not logged with it, so it cannot tell why: if {train}"
        " is not a finite number either, training has diverged (keep the best weights with"
        " restore_best and try a smaller learning rate); if it is, the validation data (a NaN"
        " in its inputs or targets) or the code that computes it is the likely cause."
    ),
    "monitor.gl.nonfinite": (
        "{metric} became {value} (not a finite number) after its best ({best:.4g} at epoch "
        "{best_epoch}): training has diverged. Keep the best weights (restore_best) and try a "
        "smaller learning rate."
    ),
    "monitor.up.nonfinite": (
        "{metric} became {value} (not a finite number) after its best ({best:.4g} at epoch "
        "{best_epoch}): training has diverged. Keep the best weights (restore_best) and try a "
        "smaller learning rate."
    ),
    "monitor.pq.nonfinite": (
        "{metric} became {value} (not a finite number) after its best ({best:.4g} at epoch "
        "{best_epoch}): training has diverged. Keep the best weights (restore_best) and try a "
        "smaller learning rate."
    ),
    "monitor.gl.train_nonfinite": (
        "{metric} is {above} ({best:.4g} at epoch {best_epoch}) and {train} "
        "became {train_value} (not a finite number): training has diverged, it is not "
        "memorising. Keep the best weights (restore_best) and try a smaller learning rate."
    ),
    "monitor.patience.never": (
        "{metric} has had no finite value for {since}: training diverged from the start, or the "
        "data holds NaN. Check the inputs and try a smaller learning rate."
    ),
    "monitor.patience.never_improved": (
        "{metric} never improved on its first value ({best:.4g} at epoch {best_epoch}) in"
        " {since}. {reading}"
    ),
    "monitor.patience.never_improved_delta": (
        "{metric} never improved by more than {delta:.4g} on its first value ({best:.4g} at"
        " epoch {best_epoch}) in {since}. {reading}"
    ),
    "monitor.patience.never_improved_relative": (
        "{metric} never improved by more than {pct:.3g}% on its first value ({best:.4g} at"
        " epoch {best_epoch}) in {since}. {reading}"
    ),
    "monitor.patience.barely_moved": (
        "{metric} has barely moved in {since}: its best, {best:.4g} at epoch {best_epoch}, is"
        " only {pct:.2g}% below its first value ({first:.4g} at epoch {first_epoch}). {reading}"
    ),
    "monitor.patience.barely_improved": (
        "{metric} has barely moved from its first value ({first:.4g} at epoch {first_epoch}):"
        " its best, {best:.4g} at epoch {best_epoch}, is only {pct:.2g}% lower, and nothing has"
        " beaten it for {since}. {reading}"
    ),
    # what Patience reads from the numbers, after "never improved" or "barely moved": only the
    # reading they support (nngraph/monitor/_never_improved.py)
    "monitor.patience.reading.validation_not_finite": (
        "{what} is now {bad} (not a finite number) while {train} is still a finite number: the"
        " weights have not diverged, so the validation data (a NaN in its inputs or targets) or"
        " the code that computes it is the likely cause: check them."
    ),
    "monitor.patience.reading.untold_nonfinite": (
        "{what} is now {bad} (not a finite number), and {train} was not logged with it, so it"
        " cannot tell why: if {train} is not a finite number either, training has diverged"
        " (keep the best weights with restore_best and try a smaller learning rate); if it is,"
        " the validation data (a NaN in its inputs or targets) or the code that computes it is"
        " the likely cause."
    ),
    "monitor.patience.reading.diverged": (
        "{what} is now {bad} (not a finite number): training has diverged, and more epochs will"
        " not bring it back. Keep the best weights (restore_best) and try a smaller learning"
        " rate."
    ),
    # a metric worse from its first value on while its training twin improves: fine-tuning
    "monitor.patience.reading.overfitting_first": (
        "{train} has kept improving ({train_first:.4g} at first, {train_now:.4g} now) while"
        " {metric} got worse ({value:.4g} now): the model has been overfitting from its first"
        " epochs on, which were already its best on new data (too little data or too big a"
        " model; a pretrained model being fine-tuned needs fewer epochs or a lower learning"
        " rate). Keep the best weights (restore_best)."
    ),
    "monitor.patience.reading.memorising": (
        "{train} is {train_now:.4g} now ({train_first:.4g} at first), against {value:.4g} for"
        " {metric}: the model fits its training data but does not generalise to new data (too"
        " little data or too big a model). Keep the best weights (restore_best)."
    ),
    "monitor.patience.reading.memorising_chance": (
        "{train} is {train_now:.4g} now ({train_first:.4g} at first), against {value:.4g} for"
        " {metric}, whose best is about ln {k} = {ln:.4g}, the loss of guessing among {k}"
        " classes: if it is a cross-entropy, the model learns its training labels by heart but"
        " nothing that carries over to new data (a model that overfits first gets better on new"
        " data). Most likely the labels do not match the inputs: x and y shuffled separately, or"
        " the validation labels in another order than their inputs. Check a few examples and"
        " their labels by hand; if they match, the inputs may carry nothing about the labels."
    ),
    "monitor.patience.reading.unstable": (
        "{train} has got worse too ({train_now:.4g} now, {train_first:.4g} at first): training"
        " has become unstable, which is not overfitting (try a smaller learning rate)."
    ),
    # a training twin that climbed smoothly (nngraph/monitor/_steady_rise.py): not unstable
    "monitor.patience.reading.rose_steadily": (
        "{train} has got worse too ({train_now:.4g} now, {train_first:.4g} at first), but it"
        " rose steadily, evaluation after evaluation, with no jumps: that is not unstable"
        " training, nor overfitting. {why}"
    ),
    "monitor.patience.reading.not_below": (
        "{train} has improved ({train_now:.4g} now, {train_first:.4g} at first), but the model"
        " does not do clearly better on its training data than on new data ({value:.4g} for"
        " {metric}): that is no sign of overfitting (the two data sets may differ, or {metric}"
        " only wobbles by noise). If that value is poor, the model learns slowly or is too"
        " small: try another learning rate or a bigger model."
    ),
    "monitor.patience.reading.falling_again": (
        "{metric} got worse at first, to {peak:.4g} at epoch {peak_epoch}, but has been"
        " improving clearly since then ({value:.4g} now), only not yet clearly better than its"
        " first value: the model is learning (as after a learning-rate warm-up). If a warm-up"
        " caused the rise, give Patience more epochs than the warm-up takes, or call resume()"
        " to train on."
    ),
    "monitor.patience.reading.improving_again": (
        "{train} got worse at first but has been improving again ({train_now:.4g} now,"
        " {train_first:.4g} at first), only not yet back to its first value: the model is"
        " learning (as after a learning-rate warm-up); this is not overfitting. If a warm-up"
        " caused the rise, give Patience more epochs than the warm-up takes, or call resume()"
        " to train on."
    ),
    "monitor.patience.reading.chance": (
        "{best_shown} is close to ln {k} = {ln_shown}, the cross-entropy of guessing at random among"
        " {k} classes: if this loss is a cross-entropy, the model is not learning. Check the"
        " learning rate, that zero_grad(), backward() and step() run in that order, and the"
        " loss. Some networks (a deep one with sigmoid or tanh, a poor initialisation) sit on"
        " such a plateau for a while before they start learning: if the loop is right, call"
        " resume() to give it more epochs."
    ),
    "monitor.patience.reading.chance_blown": (
        "{best_shown} is close to ln {k} = {ln_shown}, the cross-entropy of guessing at random among"
        " {k} classes, and so is {train} ({train_now:.4g} now): if this loss is a cross-entropy,"
        " the model does no better than guessing. {blown}"
    ),
    "monitor.patience.reading.not_learning": (
        "{train} has not moved either ({train_now:.4g} now, {train_first:.4g} at first): the"
        " model is not learning, or learned all it can in its first epoch. If the value is"
        " poor, check the learning rate, that zero_grad(), backward() and step() run in that"
        " order, and the loss. Some networks (a deep one with sigmoid or tanh, a poor"
        " initialisation) sit on such a plateau for a while before they start learning: if the"
        " loop is right, call resume() to give it more epochs."
    ),
    "monitor.patience.reading.training": (
        "If that value is already good, the model learned what it can in its first epoch and"
        " more training will not help; if not, the model is not learning: check the learning"
        " rate, that zero_grad(), backward() and step() run in that order, and the loss."
    ),
    "monitor.patience.reading.unknown": (
        "If that value is already good, the model learned what it can in its first epoch and"
        " more training will not help. If not, the model is not learning (check the learning"
        " rate, that zero_grad(), backward() and step() run in that order, and the loss) or does"
        " not generalise (too little data, too big a model): log {train} as well, and this"
        " message will tell which."
    ),
    "monitor.patience.fire": (
        "{metric} has not improved for {since} (best {best:.4g} at epoch {best_epoch}): more "
        "training is unlikely to help."
    ),
    "monitor.patience.fire_delta": (
        "{metric} has not improved by more than {delta:.4g} for {since} (since {best:.4g} at "
        "epoch {best_epoch}): more training is unlikely to help."
    ),
    "monitor.patience.fire_relative": (
        "{metric} has not improved by more than {pct:.3g}% for {since} (since {best:.4g} at "
        "epoch {best_epoch}): more training is unlikely to help."
    ),
    "monitor.patience.diverged": (
        "{metric} has not improved for {since} (best {best:.4g} at epoch {best_epoch}). {reading}"
    ),
    # how a Patience text that says why no better value came starts: {head}
    "monitor.patience.head": (
        "{metric} has not improved for {since} (best {best:.4g} at epoch {best_epoch})"
    ),
    "monitor.patience.head_delta": (
        "{metric} has not improved by more than {delta:.4g} for {since} (since {best:.4g} at "
        "epoch {best_epoch})"
    ),
    "monitor.patience.head_relative": (
        "{metric} has not improved by more than {pct:.3g}% for {since} (since {best:.4g} at "
        "epoch {best_epoch})"
    ),
    "monitor.patience.oscillating": (
        "{head}, but not because the model has stopped learning: in epochs {first}–{last} it "
        "turned {swings} times, each time rising by more than {swing:g}% or falling by more than "
        "{fall:g}% (between {low:.4g} and {high:.4g}), and {train} does not fall steadily "
        "either. A loss that swings up and down like this keeps jumping over the minimum: the "
        "learning rate (or the momentum) is probably too high. Divide it by 3 to 10, for "
        "example, and train again."
    ),
    "monitor.patience.memorising": (
        "{head} and is {now:.4g} now, while {train} is far below it ({train_now:.4g}): the "
        "model memorises its training data instead of learning what carries over to new data "
        "(overfitting). So far, more training has made it worse; the weights to keep are those of "
        "epoch {best_epoch}."
    ),
    # Patience's stop on a validation loss clearly worse since its best while the training loss
    # still falls, closer to it than half of it (a moderate gap: nngraph/monitor/_overfitting.py)
    "monitor.patience.overfitting": (
        "{head} and is {now:.4g} now, while {train} is still falling ({train_best:.4g} at epoch"
        " {train_epoch}, {train_now:.4g} now): the model fits its training data better and"
        " better but does worse on new data, so it has started to memorise its training data"
        " instead of learning what carries over to new data (overfitting). So far, more"
        " training has made it worse; the weights to keep are those of epoch {best_epoch}."
    ),
    # the same of an accuracy (higher is better): it fell while the training accuracy rises
    "monitor.patience.overfitting_higher": (
        "{head} and is {now:.4g} now, while {train} is still rising ({train_best:.4g} at epoch"
        " {train_epoch}, {train_now:.4g} now): the model gets more and more of its training"
        " data right but less of new data, so it has started to memorise its training data"
        " instead of learning what carries over to new data (overfitting). So far, more"
        " training has made it worse; the weights to keep are those of epoch {best_epoch}."
    ),
    # ... and beside a training accuracy that rests far above it (1.0, or flat near it)
    "monitor.patience.memorising_higher": (
        "{head} and is {now:.4g} now, while {train} stays far above it ({train_now:.4g}): the"
        " model memorises its training data instead of learning what carries over to new data"
        " (overfitting). So far, more training has made it worse; the weights to keep are"
        " those of epoch {best_epoch}."
    ),
    "monitor.patience.still_improving": (
        "{head}, but its trend was still improving, slowly: a straight line through its values "
        "in epochs {first}–{last} goes from {start:.4g} to {end:.4g}, while they wobble around "
        "it by about {noise:.2g}, so its best was a lucky value that the slow trend has not "
        "caught up with yet. More training may still help: with a larger patience, for "
        "example {larger} (for the default detectors: ng.Monitor(detectors={classroom})), "
        "training may find a better epoch."
    ),
    "monitor.patience.recovering": (
        "{head}, but Patience stopped the run while it was still recovering from a spike: after"
        " epoch {best_epoch}, {metric} got sharply worse, to {peak:.4g} at epoch"
        " {peak_epoch}{train_too}, and it has been improving again since then ({now:.4g} now)."
        " A spike like this comes from unstable training, most often a learning rate too high,"
        " unless a schedule raised the rate on purpose, as a warm restart does."
        " The weights to keep so far are those of epoch {best_epoch} (restore_best); whether"
        " more training beats them cannot be told yet: call resume() to train on and see, or"
        " train again with a smaller learning rate or a larger patience, for example {larger}"
        " (for the default detectors: ng.Monitor(detectors={classroom}))."
    ),
    # said after "to 2.55 at epoch 6" where the training twin is logged
    "monitor.patience.falling_again": (
        "{head}, but since its worst value after epoch {best_epoch} ({peak:.4g} at epoch"
        " {peak_epoch}) it has been improving again, clearly, beyond its wobble ({now:.4g} now),"
        " so more training may still help. A learning-rate schedule does this: a warm restart"
        " makes the loss worse for a while, then better again, and a step down of the rate later"
        " can lower it further. The weights to keep so far are those of epoch {best_epoch}"
        " (restore_best); give Patience more epochs than a cycle of the schedule, for example"
        " {larger} (for the default detectors: ng.Monitor(detectors={classroom})), or call"
        " resume() to train on."
    ),
    "monitor.patience.recovering_train": (
        " ({train} got worse with it, to {train_peak:.4g} at epoch {train_epoch})"
    ),
    "monitor.patience.near_chance": (
        "{head}, but {what} is still {now:.4g} ({start:.4g} at first), close to ln {k} ="
        " {ln:.3g}, the cross-entropy of guessing at random among {k} classes: if it is a"
        " cross-entropy, the model has learned little so far. Some networks (a deep one with"
        " sigmoid or tanh, a poor initialisation) sit on such a plateau for a while before they"
        " start learning, so more training may still help: if the loop is right, call resume()"
        " to train on. If the data hold little more to learn (noisy labels), keep the best"
        " weights (restore_best)."
    ),
    "monitor.patience.chance_blown": (
        "{head}, and {what} is {now:.4g}, close to ln {k} = {ln:.3g}, the cross-entropy of"
        " guessing at random among {k} classes: if it is a cross-entropy, the model does no"
        " better than guessing. {blown}"
    ),
    # where a loss blew up, in the unit of the text lines
    "monitor.divergence.at_epoch": "at epoch {epoch}",
    "monitor.divergence.at_step": "at step {step}",
    "monitor.divergence.at_step_epoch": "at step {step} (epoch {epoch})",
    "monitor.divergence.metric_and_metrics": (
        "Divergence takes metric={metric!r} or metrics=(...), not both: give every name to"
        " watch in metrics=, e.g. metrics=('loss', {metric!r})"
    ),
    "monitor.divergence.factor_range": (
        "{what} must be above 1, got {value}: it is how many times its first value the loss"
        " must reach to count as blowing up, e.g. 100 (the default). For a fixed limit give"
        " threshold=, e.g. Divergence(threshold=10)"
    ),
    "monitor.divergence.nonfinite": "{metric} became {value} {when}{cause}",
    # what a NaN or an Inf came from, after "... became nan at epoch 40"
    "monitor.divergence.cause.overflow": (
        ": training has diverged (the values grew until the numbers overflowed). Lower the"
        " learning rate, clip the gradients, or check the data for NaN."
    ),
    "monitor.divergence.cause.sudden": (
        ", straight from {last:.4g} without growing first: a sudden jump, so the likely cause is"
        " a NaN in the data, or a 0/0 or log(0) in the loss. Check the data for NaN first"
        " (torch.isnan(x).any() on each batch), then the loss; if both are fine, lower the"
        " learning rate or clip the gradients."
    ),
    "monitor.divergence.cause.one_value": (
        ", right after its first value ({last:.4g}), so nothing shows whether it grew: training"
        " may have diverged at once (a learning rate far too high), or the data may hold NaN,"
        " or the loss a 0/0 or log(0). Try a smaller learning rate, and check the data for NaN"
        " (torch.isnan(x).any() on each batch)."
    ),
    "monitor.divergence.cause.start": (
        ", the first value logged, so nothing shows how it came: the data may hold NaN, the"
        " loss a 0/0 or log(0), or training diverged at once (a learning rate far too high)."
        " Check the data for NaN first (torch.isnan(x).any() on each batch), then try a"
        " smaller learning rate."
    ),
    "monitor.divergence.validation_not_finite": (
        "{metric} became {value} {when} while {train} is still finite and calm ({tr:.4g}), so"
        " the weights have most likely not diverged: the validation data ({value} in its inputs"
        " or targets) or the code that computes it (a 0/0, a log(0)) is the likely cause: check"
        " them."
    ),
    "monitor.divergence.threshold": (
        "{metric} is {value:.4g} {when}, above the limit {threshold:.4g}: training is "
        "blowing up. Lower the learning rate."
    ),
    "monitor.divergence.factor": (
        "{metric} is {value:.4g} {when}, {times} times its first value "
        "({first:.4g}): training is blowing up. Lower the learning rate."
    ),
    "monitor.divergence.factor_size": (
        "{metric} is {value:.4g} {when}, {times} times the size of its first nonzero value "
        "({first:.4g}): training is blowing up. Lower the learning rate."
    ),
    "monitor.gap.relative": (
        "{metric} ({val:.4g}) and {train} ({tr:.4g}) have been more than {pct:.0f}% apart for "
        "{since}: the model does much better on the data it trains on than on new data (high "
        "variance). More data, a smaller model or regularisation narrow this gap."
    ),
    "monitor.gap.unstable": (
        "{metric} ({val:.4g}) and {train} ({tr:.4g}) have been far apart for {since}, but "
        "{train} itself has got worse since epoch {best_epoch}, the best epoch of {metric} "
        "({recent_at}, against {before_at}): training has become unstable, which is not high "
        "variance (try a smaller learning rate)."
    ),
    "monitor.gap.blown_up": (
        "{metric} ({val:.4g}) and {train} ({tr:.4g}) have been far apart for {since}, but "
        "{train} rose to {peak:.4g} at epoch {peak_epoch}, {times} times its first value "
        "({first:.4g}), and the run has not come back to where it was before: training has "
        "become unstable, which is not high variance (try a smaller learning rate)."
    ),
    "monitor.gap.absolute": (
        "{metric} ({val:.4g}) and {train} ({tr:.4g}) have been more than {threshold:.4g} apart "
        "for {since}: the model does much better on the data it trains on than on new data (high "
        "variance). More data, a smaller model or regularisation narrow this gap."
    ),
    "monitor.gap.validation_not_finite": (
        "{metric} became {val} (not a finite number) while {train} is {tr:.4g}: the weights have"
        " not diverged, so the validation data (a NaN in its inputs or targets) or the code that"
        " computes it is the likely cause: check them (the gap between them says nothing now)."
    ),
    "monitor.gap.nonfinite": (
        "{metric} became {val} (not a finite number) while {train} is {tr:.4g}: training has "
        "diverged, which is not high variance (the gap between them says nothing now). Keep the "
        "best weights (restore_best) and try a smaller learning rate."
    ),
    "monitor.grad.vanishing": (
        "layer '{layer}' gets almost no gradient (norm {norm:.2g}, {ratio:.1g} of the largest, "
        "'{top}'): its weights barely change. {causes}"
    ),
    "monitor.grad.vanishing_below": (
        "layer '{layer}' gets almost no gradient (norm {norm:.2g}, below {limit:g}): its "
        "weights barely change. {causes}"
    ),
    "monitor.grad.vanishing_many": (
        "{n} layers get almost no gradient ({shown}: norms {low:.2g} to {high:.2g}, at most "
        "{ratio:.1g} of the largest, '{top}'): their weights barely change. {causes}"
    ),
    "monitor.grad.vanishing_below_many": (
        "{n} layers get almost no gradient ({shown}: norms {low:.2g} to {high:.2g}, below "
        "{limit:g}): their weights barely change. {causes}"
    ),
    "monitor.grad.zero_many": (
        "{n} layers have had a gradient of exactly 0 since step {start} ({shown}), though they "
        "had one before: their weights no longer change at all. Something between them and the "
        "loss now passes no gradient back (an activation stuck at a flat part, a mask, a branch "
        "no longer used)."
    ),
    "monitor.grad.zero": (
        "layer '{layer}' has had a gradient of exactly 0 since step {start}, though it had one "
        "before: its weights no longer change at all. Something between it and the loss now "
        "passes no gradient back (an activation stuck at a flat part, a mask, a branch no "
        "longer used)."
    ),
    "monitor.grad.dead_many": (
        "{n} layers have had a gradient of exactly 0 since step {start} ({shown}), though they "
        "had one before: their weights no longer change at all. In a net with ReLU this means "
        "the ReLU units between them and the loss died: they output 0 for every input, so no "
        "gradient passes back, most often after a step that was too large (a learning rate too "
        "high, an exploding gradient). Dead units do not recover: lower the learning rate and "
        "train again, or use LeakyReLU."
    ),
    "monitor.grad.dead": (
        "layer '{layer}' has had a gradient of exactly 0 since step {start}, though it had one "
        "before: its weights no longer change at all. In a net with ReLU this means the ReLU "
        "units between it and the loss died: they output 0 for every input, so no gradient "
        "passes back, most often after a step that was too large (a learning rate too high, an "
        "exploding gradient). Dead units do not recover: lower the learning rate and train "
        "again, or use LeakyReLU."
    ),
    "monitor.grad.zero_from_start_many": (
        "{n} layers have had a gradient of exactly 0 since their first step ({shown}): no "
        "gradient reaches their weights at all, so they never change. Something between them "
        "and the loss passes no gradient back for any example: an activation at a flat part for "
        "every input (a clamp, a step), an operation without a gradient (round, sign), a mask or "
        "a multiplication by 0. Find it in forward and remove it, or make it pass a gradient."
    ),
    "monitor.grad.zero_from_start": (
        "layer '{layer}' has had a gradient of exactly 0 since its first step: no gradient "
        "reaches its weights at all, so they never change. Something between it and the loss "
        "passes no gradient back for any example: an activation at a flat part for every input "
        "(a clamp, a step), an operation without a gradient (round, sign), a mask or a "
        "multiplication by 0. Find it in forward and remove it, or make it pass a gradient."
    ),
    "monitor.grad.dead_from_start_many": (
        "{n} layers have had a gradient of exactly 0 since their first step ({shown}): no "
        "gradient reaches their weights at all, so they never change. In a net with ReLU this "
        "most often means ReLU units between them and the loss output 0 for every example from "
        "the start, so no gradient passes back: a large negative bias, weights initialised too "
        "large, or inputs far from 0. Such units do not recover on their own: set the biases to "
        "0 and initialise the weights with nn.init.kaiming_normal_, normalise the inputs, or use "
        "LeakyReLU. Otherwise forward masks their output or multiplies it by 0."
    ),
    "monitor.grad.dead_from_start": (
        "layer '{layer}' has had a gradient of exactly 0 since its first step: no gradient "
        "reaches its weights at all, so they never change. In a net with ReLU this most often "
        "means ReLU units between it and the loss output 0 for every example from the start, so "
        "no gradient passes back: a large negative bias, weights initialised too large, or "
        "inputs far from 0. Such units do not recover on their own: set the biases to 0 and "
        "initialise the weights with nn.init.kaiming_normal_, normalise the inputs, or use "
        "LeakyReLU. Otherwise forward masks its output or multiplies it by 0."
    ),
    "monitor.grad.and": "{first} and {last}",
    # the usual fixes the model lacks, {fixes}: graph.health.remedy.fix.* (relu: as
    # monitor.grad.remedy.fix.relu_unknown where no activation module is seen), joined by
    # graph.health.remedy.either
    "monitor.grad.remedy.other": "The usual fixes: {fixes}.",
    "monitor.grad.remedy.relu": "With ReLU-family activations: {fixes}.",
    "monitor.grad.remedy.saturating": (
        "The {acts} layers shrink the gradient at every layer: {fixes}."
    ),
    "monitor.grad.remedy.fix.relu_unknown": (
        "use ReLU-family activations (instead of sigmoid or tanh, if forward calls them) with "
        "nn.init.kaiming_normal_"
    ),
    "monitor.grad.remedy.had": (
        "The model already has the usual fixes (ReLU-family activations, weights at the scale "
        "nn.init.kaiming_normal_ gives, a normalisation, residual connections): trace one "
        "training step (ng.trace(model, x, loss=...).health()) to see at which layer the "
        "gradient drops."
    ),
    # a BatchNorm layer after the one said, fed {values} (2) values per channel at each step seen
    "monitor.grad.remedy.small_batch": (
        "BatchNorm layer '{norm}' is the likely cause: in training mode it normalises each "
        "channel over the batch, and the batches give it only {values} values per channel. "
        "Normalised to mean 0 and variance 1, two values always come out as -1 and +1 whatever "
        "goes in, so almost no gradient passes back through it to the layers before. Train on "
        "batches of 16 examples or more, or use LayerNorm, which normalises each example on its "
        "own."
    ),
    # a layer that had a healthy gradient, typically {typical}, and lost it; {causes}:
    # monitor.grad.causes.fell (or .shrunk)
    "monitor.grad.vanishing_fell": (
        "layer '{layer}' has got almost no gradient since step {start} (norm {norm:.2g}, "
        "{ratio:.1g} of the largest, '{top}'), though it had a healthy one for many steps "
        "before (about {typical:.2g}): its weights barely change now. {causes}"
    ),
    "monitor.grad.vanishing_fell_many": (
        "{n} layers have got almost no gradient since step {start} ({shown}: norms {low:.2g} "
        "to {high:.2g}, at most {ratio:.1g} of the largest, '{top}'), though they had healthy "
        "ones for many steps before: their weights barely change now. {causes}"
    ),
    "monitor.grad.causes.fell": (
        "Such a fall after many healthy steps most often follows a step that was too large (a "
        "learning rate too high, an exploding gradient), not the initialisation: it pushed "
        "units closer to the loss to where they pass almost no gradient back {flat}. They "
        "seldom recover on their own: lower the learning rate and train again."
    ),
    "monitor.grad.flat.relu": "(ReLU-family units below 0 for nearly every input, where they are flat)",
    "monitor.grad.flat.saturating": "({acts} units at their flat ends)",
    "monitor.grad.flat.other": "(an activation stuck at a flat part)",
    # exactly 0 from the first step in a model with weights all zero; {cause}:
    # monitor.grad.zero_weights_cause.*, {weights} their names
    "monitor.grad.zero_weights": (
        "layer '{layer}' has had a gradient of exactly 0 since its first step: no gradient "
        "reaches its weights at all, so they never change. {cause}"
    ),
    "monitor.grad.zero_weights_many": (
        "{n} layers have had a gradient of exactly 0 since their first step ({shown}): no "
        "gradient reaches their weights at all, so they never change. {cause}"
    ),
    "monitor.grad.zero_weights_cause.relu": (
        "All weights of {weights} are zero. No gradient passes back through a layer whose "
        "weights are all zero, so the layers before it get none; and such a layer gives every "
        "example the same output (its bias), which a ReLU after it turns into 0 where that bias "
        "is 0 or below, and then passes no gradient back either. Initialise the weights "
        "randomly (PyTorch's layers do by default); or were they zeroed by mistake (w.zero_() "
        "instead of w.grad.zero_())?"
    ),
    "monitor.grad.zero_weights_cause.other": (
        "All weights of {weights} are zero. No gradient passes back through a layer whose "
        "weights are all zero, so the layers before it get none. Initialise the weights "
        "randomly (PyTorch's layers do by default); or were they zeroed by mistake (w.zero_() "
        "instead of w.grad.zero_())?"
    ),
    "monitor.grad.depth_first": (
        "at the first step watched (step {start}), the first layer, '{layer}', got about "
        "{times:,} times less gradient than the last, '{last}' (weight-gradient norms "
        "{norm:.2g} and {last_norm:.2g}): a vanishing gradient. By step {step} the gap had "
        "shrunk, but only because the last layer's gradient fell as well (to {now:.2g}): the "
        "last layers learned what they could while the first ones barely changed, so training "
        "may stay stuck there. {remedy}"
    ),
    "monitor.grad.depth": (
        "the first layer, '{layer}', gets about {times:,} times less gradient than the last, "
        "'{last}' (weight-gradient norms {norm:.2g} and {last_norm:.2g}), since step {start}: "
        "it learns about {times:,} times slower than the last (a vanishing gradient). {remedy}"
    ),
    "monitor.grad.causes.other": (
        "Vanishing gradients come from a deep stack of saturating activations (if forward calls "
        "sigmoid or tanh), a poor initialisation, or a layer cut off from the loss."
    ),
    "monitor.grad.causes.relu": (
        "With ReLU-family activations this comes from a poor initialisation (use "
        "nn.init.kaiming_normal_), a stack too deep without BatchNorm or residual connections, "
        "or a layer cut off from the loss."
    ),
    "monitor.grad.causes.shrunk": (
        "The model's weights ({weights}) are a hundredth or less of where PyTorch starts them:"
        " initialised far too small, or shrunk by training (a weight_decay far too strong: 1e-4"
        " to 1e-2 is usual; or a learning rate so high that training collapsed)."
    ),
    "monitor.grad.causes.saturating": (
        "Vanishing gradients come from the {acts} layers (each one shrinks the gradient), a "
        "poor initialisation, or a layer cut off from the loss."
    ),
    "monitor.grad.exploding_many": (
        "{n} layers have gradient norms of {low:.3g} to {high:.3g} ({above}; {shown}): "
        "steps this large make training unstable. {advice}"
    ),
    "monitor.grad.above_grown_many": "above {limit:g} and at least {times:,} times their usual norms",
    "monitor.grad.above_grown_since": (
        "above {limit:g} and at least {times:,} times its usual {typical:.3g}"
    ),
    "monitor.grad.above_grown_now": "above {limit:g} and {times:,} times its usual {typical:.3g}",
    "monitor.grad.above": "above {limit:g}",
    "monitor.grad.advice.init": (
        "They were this large from the first step watched, before any update could grow the "
        "weights: if training started there, the likely cause is the initialisation (weights "
        "drawn too large: keep PyTorch's default or use nn.init.kaiming_normal_), input data "
        "far from standardised, or the loss's scale (regression targets in the thousands or "
        "more: standardise them; a loss summed over a large batch: take its mean), not the "
        "learning rate."
    ),
    "monitor.grad.advice.lr": (
        "Lower the learning rate or, unless the loop clips them already, clip the gradients "
        "(torch.nn.utils.clip_grad_norm_)."
    ),
    "monitor.grad.exploding_since": (
        "layer '{layer}' has had a gradient norm {above} since step {start} (up to "
        "{peak:.3g}; {norm:.3g} now): steps this large make training unstable. {advice}"
    ),
    "monitor.grad.exploding_since_many": (
        "{n} layers have had gradient norms {above} since step {start} (up to "
        "{peak:.3g}; {low:.3g} to {high:.3g} now; {shown}): steps this large make training "
        "unstable. {advice}"
    ),
    "monitor.grad.nonfinite_many": (
        "the gradients of {n} layers are not finite, NaN or infinite ({shown}). {advice}"
    ),
    "monitor.grad.nan_advice.grew": (
        "The norms grew before it: training has diverged. Lower the learning rate or clip the "
        "gradients (torch.nn.utils.clip_grad_norm_)."
    ),
    "monitor.grad.nan_advice.sudden": (
        "This came at once, with no growing gradient before it: something in the forward or the "
        "loss made a NaN or an infinity (log(0), a division by 0, the square root of a negative "
        "number), or this batch's data holds one. Check the data and the loss; a smaller "
        "learning rate will not fix this."
    ),
    "monitor.grad.none": (
        "layer '{layer}' gets no gradient at all while the other layers do: the graph is cut "
        "between it and the loss (.detach(), .item() or .numpy() in forward), or forward never "
        "calls it (a forgotten x = self.layer(x)), so its weights never change. If that is "
        "meant (a frozen part), call requires_grad_(False) on it."
    ),
    "monitor.grad.replaced": (
        "layer '{layer}' (or one of its parameters) was replaced in the model after this"
        " GradientWatch was made, so the watch still reads the old weights, not the new ones."
        " If you replaced it (a new head for fine-tuning), make the GradientWatch, and the"
        " optimizer, after changing the model. If forward replaces it (`self.fc ="
        " nn.Linear(...)` inside forward makes new random weights at every call, which the"
        " optimizer never sees), create the layer once, in __init__."
    ),
    "monitor.grad.added": (
        "layer '{layer}' was added to the model after this GradientWatch was made, so the watch"
        " does not read its gradient: it is missing from the norms and the table, and the"
        " comparison of the first layer with the last leaves it out. If you added it (a new"
        " layer or head), make the GradientWatch, and the optimizer, after changing the model."
        " If forward adds it (`self.fc = nn.Linear(...)` inside forward), create the layer"
        " once, in __init__."
    ),
    "monitor.grad.added_many": (
        "{n} layers ({shown}) were added to the model after this GradientWatch was made, so"
        " the watch does not read their gradients: they are missing from the norms and the"
        " table, and the comparison of the first layer with the last leaves them out. If you"
        " added them, make the GradientWatch, and the optimizer, after changing the model. If"
        " forward adds them (`self.fc = nn.Linear(...)` inside forward), create the layers"
        " once, in __init__."
    ),
    "monitor.grad.exploding": (
        "layer '{layer}' has a gradient norm of {norm:.3g} ({above}): steps this large "
        "make training unstable. {advice}"
    ),
    "monitor.grad.nonfinite": "the gradient of layer '{layer}' is {value}. {advice}",
    "monitor.grad.eval_mode": (
        "the model trains in eval mode (model.eval() was called, and model.train() not since):"
        " its {modules} {act} as at test time, so {effects}. Call model.train()"
        " at the start of each training epoch (after validating with model.eval())."
    ),
    "monitor.grad.not_reset": (
        "at {steps} steps in a row, every .grad was added to the one of the step before:"
        " nothing reset the gradients between the steps, so each step applies the sum of all the"
        " gradients so far (their norm grew from {first:.3g} to {now:.3g}), not this batch's."
        " Call optimizer.zero_grad() before each loss.backward() (the order is zero_grad(),"
        " backward(), step())."
    ),
    "monitor.grad.step_none": (
        "optimizer.step() ran {steps} times in a row while no parameter had a gradient (every "
        ".grad was None): the steps change nothing and the model does not learn. Most likely "
        "optimizer.zero_grad() is called after loss.backward() and before optimizer.step(), "
        "so it deletes the gradients before they are used (the order is zero_grad(), "
        "backward(), step()), or loss.backward() is not called at all."
    ),
    "monitor.grad.step_zero": (
        "optimizer.step() ran {steps} times in a row while every gradient was exactly zero: "
        "the steps follow no signal and the model does not learn. Most likely "
        "optimizer.zero_grad() is called after loss.backward() and before optimizer.step(), "
        "so it clears the gradients before they are used (the order is zero_grad(), "
        "backward(), step()), or loss.backward() is not called, or the loss does not depend "
        "on the weights (a constant loss: cross-entropy over a single output is always 0)."
    ),
    "monitor.grad.closure_none": (
        "optimizer.step(closure) ran {steps} times in a row while no parameter had a gradient "
        "once its closure had run (every .grad was None): the steps change nothing and the "
        "model does not learn. The closure must call loss.backward() after "
        "optimizer.zero_grad(), and return the loss."
    ),
    "monitor.grad.closure_zero": (
        "optimizer.step(closure) ran {steps} times in a row while every gradient was exactly "
        "zero once its closure had run: the steps follow no signal and the model does not "
        "learn. Most likely the closure does not call loss.backward() after "
        "optimizer.zero_grad() (it must, and return the loss), or the loss does not depend on "
        "the weights."
    ),
    "monitor.grad.watch_zero": (
        "watch.step() found every gradient exactly zero {steps} times in a row: most likely it "
        "is called after optimizer.zero_grad(set_to_none=False) or p.grad.zero_(), which clear "
        "the gradients; call it after loss.backward() and before zero_grad(). Else the loss "
        "does not depend on the weights."
    ),
    "monitor.grad.watch_none": (
        "watch.step() ran {steps} times in a row while no parameter had a gradient (every .grad "
        "was None): call it after loss.backward() and before optimizer.zero_grad(), which "
        "deletes the gradients; if it is there, loss.backward() is not called."
    ),
    "monitor.grad.step_unreached": (
        "optimizer.step() ran {steps} times in a row while no parameter it holds had a "
        "gradient, and no loss.backward() reached them in between: the steps change nothing. "
        "One of three things: loss.backward() is not called at all; or the loss has no graph "
        "behind it, so its backward stops at the loss itself (made from a number with .item() "
        "and torch.tensor(...), from .detach()ed values, or by a forward under "
        "torch.no_grad(); requires_grad=True only silences PyTorch's error): compute it as "
        "loss = loss_fn(model(x), y) and keep it a tensor; or the loss comes from another "
        "model: was the cell that makes the model run again, and not the one that makes the "
        "optimizer (and the GradientWatch)? They still hold the old model's parameters while "
        "the loop trains the new one: run them again after it."
    ),
    "monitor.grad.watch_unreached": (
        "watch.step() ran {steps} times in a row while no parameter it reads had a gradient, "
        "and no loss.backward() reached them in between. One of three things: loss.backward() "
        "is not called at all; or the loss has no graph behind it, so its backward stops at the "
        "loss itself (made from a number with .item() and torch.tensor(...), from .detach()ed "
        "values, or by a forward under torch.no_grad(); requires_grad=True only silences "
        "PyTorch's error): compute it as loss = loss_fn(model(x), y) and keep it a tensor; or "
        "the loss comes from another model: was the cell that makes the model run again, and "
        "not the one that makes the GradientWatch? It still reads the old model's parameters "
        "while the loop trains the new one: run it again after it."
    ),
    "monitor.grad.zero_flat": (
        "{call} ran {steps} times in a row while every gradient was exactly zero, and "
        "loss.backward() itself gave these zeros: the loss does not change with the weights, so "
        "there is nothing to learn from (the order of zero_grad(), backward() and step() is not "
        "the cause). Most often the loss is exactly 0: the logits are so large that "
        "cross-entropy rounds to 0, blown up by a learning rate far too high (lower it 10 to "
        "100 times). Else the loss is constant, not depending on the weights (cross-entropy "
        "over a single output is always 0)."
    ),
    "monitor.grad.never_stepped": (
        "{epochs} were logged and optimizer.step() has not run once, though "
        "loss.backward() gave the model gradients: the weights never change, so the loss "
        "stays where it started. Call optimizer.step() after loss.backward() in each "
        "training step."
    ),
    # a Monitor(model=...) whose model's weights never changed while a training loss was logged
    # (nngraph/monitor/_unchanged.py)
    "monitor.unchanged.weights": (
        "The model's weights have not changed at all since epoch {first} ({epochs} epochs"
        " logged with a training loss), so it learns nothing. Check that optimizer.step() is"
        " called after loss.backward() in each training step, that the optimizer is built over"
        " this model's parameters (optimizer = torch.optim.SGD(model.parameters(), lr=...),"
        " made after the model, as Monitor(model=model) is), that the learning rate is not 0,"
        " and that training does not run inside torch.no_grad()."
    ),
    "monitor.grad.zero_flat_start": (
        "{call} ran {steps} times in a row while every gradient was exactly zero, from the first "
        "step on, and loss.backward() itself gave these zeros: the loss does not change with the "
        "weights, so there is nothing to learn from. Neither the order of zero_grad(), "
        "backward() and step() nor the learning rate is the cause: no step has had a gradient "
        "to change the weights with. Most often the loss does not depend on the weights at "
        "all: cross-entropy over a single output is always 0 (give the model 2 outputs for "
        "CrossEntropyLoss, or use BCEWithLogitsLoss with one output). Else the logits were "
        "already so large before the first step that cross-entropy rounds to 0 (a model "
        "trained earlier at a learning rate far too high, or a huge initialisation)."
    ),
    "monitor.grad.eval.norm": (
        "BatchNorm uses its running statistics (no longer updated) instead of the batch's"
    ),
    "monitor.grad.eval.dropout": "Dropout drops nothing",
    "monitor.grad.eval.act": "act",
    "monitor.grad.eval.act_one": "acts",
    "monitor.grad.value.inf": "infinite (too large for the number type)",
    "monitor.grad.value.nan": "NaN (not a number)",
    # monitor: GradientWatch
    "monitor.gradwatch.lazy": (
        "GradientWatch cannot watch this model yet: its lazy layers' parameters ({names}) get"
        " their shape at the first forward pass. Run one batch through it first, model(x),"
        " then make the GradientWatch (and the optimizer)"
    ),
    "monitor.gradwatch.no_params": "GradientWatch found no trainable parameters in the model",
    "monitor.gradwatch.optimizer": (
        "GradientWatch(optimizer=...) needs a torch.optim optimizer (the one whose .step() you "
        "call), got {got}"
    ),
    "monitor.gradwatch.optimizer_first": (
        "GradientWatch needs the model first, got an optimizer ({got}): write "
        "GradientWatch(model, optimizer=opt)"
    ),
    "monitor.gradwatch.positional": (
        "GradientWatch takes the model alone as a positional argument, got a second one ({got}):"
        " pass the optimizer by name, GradientWatch(model, optimizer=opt)"
    ),
    "monitor.gradwatch.monitor": "GradientWatch(monitor=...) needs an ng.Monitor, got {got}",
    "monitor.gradwatch.optimizer_other": (
        "the optimizer holds none of this model's parameters, so its step() does not train this"
        " model (and its zero_grad() leaves the model's gradients to pile up). Was the cell that"
        " makes the model run again, and not the one that makes the optimizer? Make the"
        " optimizer again from this model, e.g. opt = torch.optim.SGD(model.parameters(),"
        " lr=0.1), then watch it"
    ),
    "monitor.gradwatch.more": "{n} more",
    "monitor.gradwatch.optimizer_leaves_out": (
        "the optimizer does not hold {names}, though they are trainable: optimizer.step() never"
        " changes them and optimizer.zero_grad() never resets their gradients. Was a layer"
        " replaced after the optimizer was made? Make the optimizer after the last change to the"
        " model; to keep them fixed on purpose, call requires_grad_(False) on them."
    ),
    "monitor.gradwatch.ratio": (
        "GradientWatch(ratio={ratio:g}): ratio is a fraction, how much smaller the first "
        "layer's gradient may get than the last layer's: 2,000 times smaller is ratio=5e-4 "
        "(1 / 2000, the default). It must be below {limit:g} (10 times smaller)"
    ),
    "monitor.gradwatch.limits": (
        "GradientWatch(vanishing={vanishing!r}, exploding={exploding!r}): a gradient norm "
        "below vanishing is too small and one above exploding is too large, so vanishing must "
        "be below exploding, e.g. vanishing=1e-8, exploding=1e3 (the defaults)"
    ),
    "monitor.gradwatch.optimizer_class": (
        "GradientWatch(optimizer=...) needs the optimizer object, not the class {name}: give "
        "an optimizer instance, e.g. optimizer={name}(model.parameters(), lr=0.1)"
    ),
    "monitor.gradwatch.stepped_by_optimizer": (
        "GradientWatch: this watch was given optimizer=, so it records a step at each "
        "optimizer.step() already; watch.step() called as well would count every step twice, "
        "so it only returns the gradient norms now and records nothing. To record the raw "
        "norms (before clipping or a GradScaler's unscaling), make the watch without "
        "optimizer= and call watch.step() after each loss.backward()"
    ),
    "monitor.gradwatch.meta": (
        "GradientWatch.step(): the gradients of layer '{layer}' are on the meta device (shapes without "
        "values), so they have no norm to record. Watch a model whose weights are on the CPU "
        "or a GPU"
    ),
    "monitor.gradwatch.unknown_layer": (
        "no gradient norms for layer {layer!r}: the layers are {layers} (norms appear after the"
        " first step())"
    ),
    "monitor.gradwatch.model": "(model)",
    "monitor.gradwatch.model_short": "model",  # in the repr's brackets: 1 layer (model)
    "monitor.gradwatch.table.columns": "layer|last|min|max",
    "monitor.gradwatch.table.header": "{layer:<{w}}  {last:>10}  {low:>10}  {high:>10}",
    "monitor.gradwatch.table.row": "{layer:<{w}}  {last:>10.3g}  {low:>10.3g}  {high:>10.3g}",
    "monitor.gradwatch.repr": "<GradientWatch: {layers} ({names}), {steps}, {events}>",
    "monitor.gradwatch.no_steps": (
        "no step recorded yet: call watch.step() after each loss.backward(), or leave it to the"
        " optimizer: make the GradientWatch with optimizer=opt, and the norms are read at each"
        " opt.step()"
    ),
    "monitor.gradwatch.no_steps_yet": (
        "no step recorded yet: the norms are read at each optimizer.step()"
    ),
    "monitor.gradwatch.other_optimizer_since": (
        "no step recorded after step {steps}, though the model's parameters got gradients and"
        " were changed since: was the optimizer made again (its cell run again, to change the"
        " learning rate)? The watch still follows the old one: make the GradientWatch again,"
        " with optimizer= the new one"
    ),
    "monitor.gradwatch.no_steps_other_optimizer": (
        "no step recorded yet, though the model's parameters got gradients since the watch was"
        " made: the norms are read at each step() of the optimizer this watch was given, and it"
        " has not stepped. Was the optimizer made again after the watch (its cell run again)?"
        " The watch still follows the old one: make the GradientWatch again, with optimizer="
        " the new one"
    ),
    "monitor.gradwatch.no_gradients_unreached": (
        "no gradient norms to show: optimizer.step() ran ({steps}), but no loss.backward()"
        " had reached the parameters it holds, so the model does not learn (the event below"
        " says what may cause it)"
    ),
    "monitor.gradwatch.no_gradients_at_step": (
        "no gradient norms to show: optimizer.step() ran ({steps}), but no parameter had a"
        " gradient when it did (every .grad was None), so the model does not learn. Is"
        " zero_grad() called between backward() and step()? The order is zero_grad(),"
        " backward(), step()"
    ),
    "monitor.gradwatch.no_gradients": (
        "no gradient norms to show: watch.step() ran ({steps}), but no parameter had a"
        " gradient then (every .grad was None). Call watch.step() after loss.backward() and"
        " before optimizer.zero_grad(): zero_grad(), backward(), watch.step(), optimizer.step()"
    ),
    "monitor.gradwatch.all_frozen": (
        "no gradient norms to show: at every step recorded ({steps}) every parameter was"
        " frozen (requires_grad False), so nothing trains. Call requires_grad_(True) on the"
        " layers that should learn"
    ),
    "monitor.gradwatch.copy": (
        "a GradientWatch cannot be copied (copy.copy, copy.deepcopy) or saved with pickle or"
        " torch.save: it is a live watch of one model, hooked on its optimizer. Save what it"
        " holds instead: gw.snapshot() (each layer's norms and the events, as lists and dicts),"
        " gw.history(layer) for one layer, or gw.table() as text"
    ),
    # monitor: text lines and summary
    "monitor.text.epoch": "epoch {epoch:>4}",
    "monitor.text.step": "step {step:>5}",
    "monitor.text.metric": "{name} {value:.4g}",
    "monitor.text.pair": "{name} {train:.4g} / val {val:.4g}",
    "monitor.text.best_mark": " *",
    "monitor.text.event": "  ! {message}",
    "monitor.text.stop": "  -> stop suggested by {detector} at epoch {epoch}",
    "monitor.text.stop_step": "  -> stop suggested by {detector} at step {epoch}",
    "monitor.summary.best": "best {metric} {value:.4g} at epoch {epoch} (step {step})",
    "monitor.summary.none": "nothing logged yet",
    "monitor.summary.training_only": (
        "{metric} {last:.4g} at epoch {epoch} ({extreme} {best:.4g}); no validation metric logged"
    ),
    "monitor.summary.training_only_step": (
        "{metric} {last:.4g} at step {epoch} ({extreme} {best:.4g}); no validation metric logged"
    ),
    "monitor.summary.not_logged": "no best {metric} yet: it has not been logged (logged: {logged})",
    "monitor.summary.pick_metric": (
        "to keep the weights of the epoch with the best {metric}, watch it: metric={metric!r}"
        " (ng.Monitor(model=model, metric=...), or NNGraphCallback(metric=...) in Lightning)"
    ),
    "monitor.summary.no_finite": "no best {metric} yet: every value so far was NaN or infinite",
    "monitor.summary.restore": "{call} puts those weights back",
    # instead of the restore line, where the watched loss fell below 0 without bound (NLLLoss
    # on raw scores: nngraph/monitor/_negative_loss.py)
    "monitor.summary.negative_best": (
        "that is only the most negative value of a loss that falls below 0 without bound (see"
        " the warning), not a best: restore_best() would bring back no better model. Fix the"
        " loss first (log_softmax before NLLLoss), then train again"
    ),
    "monitor.summary.restore_watched": (
        "{call} puts those weights back into the model this monitor watches"
    ),
    "monitor.summary.restore_unnamed": (
        "restore_best() on this monitor puts those weights back into the model it watches"
    ),
    "monitor.summary.restored": "the best weights (epoch {epoch}) were put back into the model",
    "monitor.summary.stale": (
        "restore_best() refuses the weights kept for it: the model this monitor watches has not"
        " changed since epoch {since}, so they are an old model's (another model object was"
        " trained)"
    ),
    "monitor.summary.events": "{events}:",
    "monitor.repr": "<Monitor{name}: {epochs}{best}, {events}>",
    "monitor.count.epoch.one": "{n} epoch",
    "monitor.count.epoch.few": "{n} epochs",
    "monitor.count.epoch.many": "{n} epochs",
    "monitor.count.epoch.other": "{n} epochs",
    "monitor.count.event.one": "{n} event",
    "monitor.count.event.few": "{n} events",
    "monitor.count.event.many": "{n} events",
    "monitor.count.event.other": "{n} events",
    "monitor.count.layer.one": "{n} layer",
    "monitor.count.layer.few": "{n} layers",
    "monitor.count.layer.many": "{n} layers",
    "monitor.count.layer.other": "{n} layers",
    "monitor.count.step.one": "{n} step",
    "monitor.count.step.few": "{n} steps",
    "monitor.count.step.many": "{n} steps",
    "monitor.count.step.other": "{n} steps",
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
    "monitor.weights.meta": (
        "the model's weights {names} are on the meta device, which holds shapes but no values"
        " (after model.to('meta'), or a model made under torch.device('meta')), so"
        " restore_best() has nowhere to put the best values. Give the model real memory first"
        " (model.to_empty(device='cpu')), then call restore_best()"
    ),
    "monitor.weights.dtype": (
        "the model's weights are now {got} and the best weights were saved as {saved} "
        "({names}): restore_best() puts the best values back only into a type that holds them "
        "exactly. Convert the model back first ({convert}), call restore_best(), then convert "
        "it again if you need to"
    ),
    # monitor: Runs and compare
    "monitor.runs.table.run": "run",
    "monitor.runs.table.epochs": "epochs",
    "monitor.runs.table.best_epoch": "best epoch by {metric}",
    "monitor.runs.table.stop": "stop",
    "monitor.runs.table.stopped": "{detector} @ {epoch}",
    "monitor.runs.table.none": "-",
    "monitor.runs.table.winner": " *",
    "monitor.runs.table.tie": "* a tie: {names} reach the same best {metric} ({value})",
    "monitor.runs.table.names": "{first} and {last}",
    "monitor.runs.table.empty": "no runs yet: runs.new('small')",
    "monitor.runs.default_name": "run {i}",
    "monitor.runs.table.by_logged": (
        "compared by {metric}: no run logged {watched}, the metric their monitors watch"
    ),
    "monitor.runs.table.watched_differ": (
        "the runs' monitors watch different metrics ({watched}): compared by {metric}, which"
        " run '{run}' watches (the first run to log the metric it watches); to rank them by"
        " another, pass it: metric={other!r}"
    ),
    "monitor.runs.table.not_ranked": "not ranked (no {metric} logged): {names}",
    "monitor.runs.table.by_batches": (
        "{metric} is logged batch by batch, so a run's best is the value of a single batch"
        " (its {extreme}), as much luck as learning; to compare the runs fairly, log a"
        " validation metric (val_loss) once per epoch"
    ),
    "monitor.runs.table.extreme_min": "lowest",
    "monitor.runs.table.extreme_max": "highest",
    "monitor.runs.table.restores_other": (
        "restore_best() puts back a run's best by {kept}, the metric its monitor watches,"
        " not the best by {metric} shown here; to keep those weights, give metric={metric!r} to"
        " the monitors (ng.Monitor or NNGraphCallback)"
    ),
    "monitor.runs.table.not_ranked_common": (
        "not ranked (no {metric} logged): {names}; to compare by {common}, which they log too:"
        " metric={common!r}"
    ),
    "monitor.runs.error.runs_given": (
        "compare() takes monitors, and this is a Runs, which already compares its runs:"
        " print(runs.table()). To compare them by another metric:"
        " ng.compare(runs.monitors, metric='val_acc')"
    ),
    "monitor.runs.error.no_monitors": (
        "compare() got no monitors (nothing, or an empty list or dict): pass the runs to"
        " compare, ng.compare(mon_a, mon_b), or one list or dict of them, ng.compare(results)"
    ),
    "monitor.runs.error.same_key": (
        "compare() got the dict keys {first!r} and {second!r}, which both name a run {name!r}:"
        " runs are told apart by name, so use keys that read differently"
    ),
    "monitor.runs.warn.replaced": (
        "nngraph Runs: a run called {name!r} was there already (the cell that makes it run"
        " again?): the new run replaces it in the table and the view. To keep both, give the"
        " new one another name."
    ),
    "monitor.runs.error.copy": (
        "a Runs cannot be copied (copy.copy, copy.deepcopy) or saved with pickle or torch.save:"
        " it holds live runs (each a Monitor, with its view and listeners). Save what they hold"
        " instead: the comparison with runs.rows() or runs.table(), and each run's history with"
        " runs[name].to_csv(path), for each name in runs.names"
    ),
    "monitor.runs.error.not_monitor": (
        "compare() takes monitors: one by one, ng.compare(mon_a, mon_b), or in one list or dict,"
        " ng.compare(results); got {got}"
    ),
    "monitor.runs.error.for_key": "{got} for the key {key!r}",
    "monitor.runs.error.unknown": "no run called {name!r}; runs: {names}",
    "monitor.runs.error.new_option": (
        "runs.new() has no option {name!r}{hint}; it takes a name, a model and the options of"
        " ng.Monitor: {known}"
    ),
    "monitor.runs.error.did_you_mean": " (did you mean {name!r}?)",
    "monitor.runs.error.add_not_monitor": (
        "runs.add() takes an ng.Monitor, got {got!r}; to start a new run by name, use "
        "runs.new(name), e.g. runs.new('small')"
    ),
    "monitor.runs.error.added_twice": (
        "this monitor is already one of the runs, as {name!r}: add each run once (a new run "
        "needs its own monitor, e.g. runs.new('b'))"
    ),
    "monitor.runs.error.same_monitor": (
        "compare() got the same monitor twice (arguments {first} and {second}): give each run "
        "once, e.g. ng.compare(mon_a, mon_b)"
    ),
    "monitor.runs.warn.metric_missing": (
        "nngraph Runs: no run logged the metric {metric!r} (logged: {logged}), so the table"
        " shows - for it and there is no winner. Compare by a metric the runs log"
        " (metric='your_name'), or log {metric!r} in each run."
    ),
    "monitor.runs.warn.metric_close": (
        "nngraph Runs: no run logged the metric {metric!r} (logged: {logged}): did you mean"
        " {close!r}? Until one logs it, the table shows - for it and there is no winner."
        " Compare by the name the runs log: metric={close!r}."
    ),
    "monitor.runs.warn.mode_unknown": (
        "nngraph Runs: the name of metric {metric!r} does not say whether higher or lower is"
        " better, so it is taken as a loss (lower is better) and the run with its lowest value"
        ' wins; for an accuracy or a score pass mode="max" (compare(..., mode="max") or'
        ' Runs(mode="max")), and mode="min" to keep it a loss without this warning.'
    ),
    "monitor.runs.error.same_name": (
        "compare() got two monitors called {name!r}, and runs are told apart by name: make them "
        "with different names, e.g. ng.Monitor(name='lr=0.1'), or add them under new names: "
        "runs = ng.Runs(); runs.add(mon_a, name='a'); runs.add(mon_b, name='b')"
    ),
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
    "lossview.waiting_gradients": "waiting for the first gradients (watch.step() or optimizer.step())",
    "lossview.no_gradients_unreached": (
        "optimizer.step() ran, but no loss.backward() had reached the parameters it holds: no"
        " norms to draw, and the model does not learn (the event below says what may cause it)."
    ),
    "lossview.no_gradients": (
        "optimizer.step() ran, but no parameter had a gradient at step time: no norms to draw,"
        " and the model does not learn. Is zero_grad() called between backward() and step()?"
        " The order is zero_grad(), backward(), step()."
    ),
    "lossview.best": "best epoch {epoch}: {metric} = {value}",
    "lossview.detector_user": "Stop button",
    "lossview.event": "epoch {epoch} · {detector}\n{message}",
    "lossview.event_step": "step {epoch} · {detector}\n{message}",
    "lossview.log_refused": " (linear scale: no value above 0)",
    "lossview.gradients": "gradient norm per layer",
    "lossview.axis_step": "step",
    "lossview.run": "run",
    "lossview.epochs": "epochs",
    # the runs table: every run's best epoch is chosen by the comparison's metric
    "lossview.best_epoch": "best epoch by {metric}",
    "lossview.stop_column": "stop",
    "lossview.none": "-",
    "lossview.tie": "a tie: {names} reach the same best {metric}",
    "lossview.and": "{first} and {last}",
    # the legend of compared runs: training curves dashed, validation curves solid
    "lossview.training": "training",
    "lossview.validation": "validation",
    # the hover readout: the value as logged, and what is drawn where that differs
    "lossview.smoothed_value": "{value} (smoothed {smoothed})",
    "lossview.off_log": "{value} (not shown on a log scale)",
    "lossview.none_on_log": "{label} (no value above 0: not shown on a log scale)",
    # how the views write a decimal number: "0.25"
    "lossview.decimal": ".",
    "graphview.decimal": ".",
    "lossview.plain": "nngraph loss view: {metrics}",
    "lossview.earlier_events": "… {events} before these",
    "lossview.plain_gradients": "nngraph gradient norms per layer: {layers}",
    "lossview.not_built": "nngraph: the live loss view is not built. Run scripts/setup.sh (or: cd js && npm ci && npm run build) and restart the kernel.",
    "monitor.stop_requested_step": "stop requested at step {epoch}",
    "monitor.stop_requested": "stop requested at epoch {epoch}",
    # graph: health findings (g.health(); a finding keeps the language current at that call)
    "graph.health.vanishing": (
        "Gradients shrink about {per_layer:.1f} times per layer on the way back (not counting"
        " what the layers' different widths alone do): the weights of {first} get gradients"
        " about {times} times smaller (RMS) than those of {last}, so {effect}. {remedy}"
    ),
    "graph.health.head_cause_unknown": (
        "A weight's gradient is its input times the gradient behind it: values far from"
        " centred, or very large, going into the last layer make its gradient large, and a"
        " LayerNorm just before it brings them in line."
    ),
    "graph.health.head_cause_uncentred": (
        "A weight's gradient is its input times the gradient behind it, and the last layer"
        " reads values far from centred (mean {mean:.3g}, std {std:.3g}): a LayerNorm just"
        " before it, or activations centred on zero, brings its gradient in line with the"
        " others."
    ),
    # the whole change in one step, into the last layer: {cause} is a head_cause_* key
    "graph.health.vanishing_head": (
        "Almost all of the gap between the layers' gradients sits in one step: the weights of"
        " {last} get gradients about {times} times larger (RMS) than those of {before} just"
        " before it, while over the {hidden} layers from {first} to {before} the gradient"
        " changes far less (RMS {low:.2g} to {high:.2g}). So the gradient does not fade"
        " through the depth: the last layer's is out of scale, and one training step moves it"
        " far more than the others. {cause}"
    ),
    # {effect} in vanishing / exploding: one layer before the last, or several
    "graph.health.effect.barely_learn_one": "the first layer barely learns",
    "graph.health.effect.barely_learn_many": "the first layers barely learn",
    "graph.health.effect.unstable_one": "the first layer takes huge, unstable steps",
    "graph.health.effect.unstable_many": "the first layers take huge, unstable steps",
    "graph.health.vanishing_tiny": (
        "The weights of {where_module} get an almost zero gradient (RMS {rms:.1e}), so this"
        " layer does not learn. Weights that start too small (PyTorch's default initialisation"
        " in a deep ReLU net) or sigmoid/tanh layers after it shrink the gradient: use"
        " ReLU-family activations with nn.init.kaiming_normal_, and add BatchNorm or LayerNorm."
    ),
    "graph.health.vanishing_shrunk": (
        "The weights of {where_module} get an almost zero gradient (RMS {rms:.1e}), so this"
        " layer does not learn. The network's weights ({shrunk}) are a hundredth or less of"
        " where PyTorch starts them, and every layer's gradient passes through the weights"
        " around it. They were initialised far too small, or training shrank them (a"
        " weight_decay far too strong: 1e-4 to 1e-2 is usual; or a learning rate so high that"
        " training collapsed): initialise them as PyTorch's layers do, or lower weight_decay,"
        " and train again from a fresh model."
    ),
    "graph.health.vanishing_equal": (
        "The weights of {where_module} get an almost zero gradient (RMS {rms:.1e}), so this"
        " layer does not learn. The weights in {equal} each hold one value"
        " throughout: the units they connect get the same gradient, and where those"
        " gradients meet they cancel (after a softmax, the gradients of the classes sum to"
        " zero). Initialise the weights randomly (PyTorch's layers do by default)."
    ),
    "graph.health.vanishing_zero": (
        "The weights of {where_module} get a gradient of exactly zero, so this layer learns "
        "nothing from this batch: a zero before or after it stops the gradient (ReLU units "
        "silent for the whole batch, a mask, weights that are all zero, a branch this batch "
        "does not use)."
    ),
    "graph.health.vanishing_flat": (
        "The weights of {where_module} get a gradient of exactly zero, so this layer learns"
        " nothing: {flat_op} after it is flat wherever it is defined (its gradient is 0), so no"
        " gradient passes back through it. To train through it, go around it with a"
        " straight-through estimator: h + (h.{flat_op}() - h).detach() has the values of"
        " h.{flat_op}() and passes the gradient on to h unchanged."
    ),
    "graph.health.vanishing_underflow": (
        "The weights of {where_module} get a gradient of exactly zero, so this layer learns"
        " nothing from this batch: the gradient shrinks at every layer on the way back, and by"
        " this layer it is too small for float32 and rounds to zero. The fix is the one for a"
        " vanishing gradient: ReLU-family activations with nn.init.kaiming_normal_, BatchNorm or"
        " LayerNorm, or residual connections."
    ),
    "graph.health.vanishing_summed_probabilities": (
        "Almost no gradient passes back through {what} ({share:.0e} of what reaches it), so"
        " {before}. The loss only sums its probabilities, and they add up to 1 in every row"
        " whatever the model gives: this loss is a constant (the batch size, for a sum) and"
        " cannot change. Compare the output with the real targets instead: F.cross_entropy(scores,"
        " labels) on the raw scores, which applies the softmax itself."
    ),
    "graph.health.vanishing_normalised": (
        "Almost no gradient passes back through {what} ({share:.0e} of what reaches it), so"
        " {before}. The loss reads only what normalisation keeps the same for every input: a"
        " normalised output always has the same sum and the same mean square, so y.sum(),"
        " y.mean() or y.pow(2).mean() of it, or its distance to one constant value, cannot"
        " change. Compare the output with the real targets instead (F.mse_loss(y, target),"
        " F.cross_entropy(y, labels))."
    ),
    # a BatchNorm in training mode on {values} (2 or 3) values per channel; {before} as above
    "graph.health.vanishing_small_batch": (
        "Almost no gradient passes back through {what}, so {before}: it runs in training mode,"
        " so it normalises each channel over the batch, and this batch gives it only {values}"
        " values per channel. So few values, normalised to mean 0 and variance 1, come out"
        " (almost) the same whatever goes in (two always become -1 and +1). Train on batches of"
        " 16 examples or more; to look at one example or a few, call model.eval() first"
        " (BatchNorm then uses its running statistics), or use LayerNorm, which normalises each"
        " example on its own."
    ),
    # the same BatchNorm where the gradient does not stop there (two close values leave its
    # eps in charge) or is not known
    "graph.health.vanishing_small_batch_fixed": (
        "In training mode {what} normalises each channel over the batch, and this batch gives"
        " it only {values} values per channel. Normalised to mean 0 and variance 1, two values"
        " always come out as -1 and +1 whatever goes in (unless they are almost equal), so the"
        " layers before it can hardly change what comes out of it and learn nothing useful"
        " from this batch. Train on batches of 16 examples or more; to look at one example or"
        " a few, call model.eval() first (BatchNorm then uses its running statistics), or use"
        " LayerNorm, which normalises each example on its own."
    ),
    "graph.health.normalised_before.one": "the layer before it does not learn",
    "graph.health.normalised_before.few": "the {n} layers before it do not learn",
    "graph.health.normalised_before.many": "the {n} layers before it do not learn",
    "graph.health.vanishing_margin_met": (
        "Every weight gets a gradient of exactly zero, so nothing learns from this batch: every"
        " value reaching {op}, which comes after the model's last layer, is below zero, and"
        " {op} is flat there, so it passes exactly zero back. In a hinge loss (relu(1 - y * out)) that means every margin is"
        " already met: this batch has nothing left to teach, and the layers are fine."
    ),
    "graph.health.vanishing_all_zero_loss": (
        "Every weight gets a gradient of exactly zero, so nothing learns from this batch: the"
        " loss ({op}) passes exactly zero back to the model's output, as nothing in this batch"
        " can lower it (every label ignored, every margin already met, an exact fit)."
    ),
    "graph.health.exploding_values": (
        "The values grow about {times} times per layer over {layers} layers: RMS {first:.2g}"
        " after {from_module}, {last:.2g} after {to_module}. The weights are too large for"
        " this depth (from the initialisation, or grown by a learning rate that is too"
        " high), as each layer multiplies the size of what it reads. Keep PyTorch's default"
        " initialisation, or use nn.init.kaiming_normal_ before ReLU (std = sqrt(2 /"
        " fan_in)), and a smaller learning rate; the loss and the updates are huge until"
        " then."
    ),
    "graph.health.vanishing_values_grad": (
        "The values shrink about {times} times per layer over {layers} layers: RMS {first:.2g}"
        " after {from_module}, {last:.2g} after {to_module}. The weights are too small for this"
        " depth, as each layer multiplies the size of what it reads, and a weight's gradient is"
        " its input times the gradient behind it, so the weights of these layers get almost no"
        " gradient (RMS {low:.1e} to {high:.1e}) and barely learn. {remedy}"
    ),
    # the mirror image of exploding_values; _grad with the weights' gradient RMS; {remedy} is
    # one of graph.health.values_remedy.*, by the weights' scale
    "graph.health.vanishing_values": (
        "The values shrink about {times} times per layer over {layers} layers: RMS {first:.2g}"
        " after {from_module}, {last:.2g} after {to_module}. The weights are too small for this"
        " depth, as each layer multiplies the size of what it reads, and a weight's gradient is"
        " its input times the gradient behind it, so these layers barely learn. {remedy}"
    ),
    # weights smaller than PyTorch's default initialisation gives (normal_(std=0.01))
    "graph.health.values_remedy.small": (
        "Keep PyTorch's default initialisation, or use nn.init.kaiming_normal_ before ReLU (std ="
        " sqrt(2 / fan_in))."
    ),
    # weights at PyTorch's default scale (GELU, SiLU layers without biases shrink them so)
    "graph.health.values_remedy.default": (
        "These weights have PyTorch's default initialisation (std = 1 / sqrt(3 * fan_in)), so"
        " keeping it does not help: initialise them with nn.init.kaiming_normal_ (std = sqrt(2 /"
        " fan_in)), or add BatchNorm or LayerNorm after each layer."
    ),
    # weights larger than PyTorch's default initialisation gives
    "graph.health.values_remedy.larger": (
        "These weights start larger than PyTorch's default initialisation already: add BatchNorm"
        " or LayerNorm after each layer to hold the values at their size."
    ),
    "graph.health.vanishing_zero_output": (
        "Every weight gets a gradient of exactly zero, so nothing learns from this batch: what"
        " reaches {op} is exactly zero everywhere, and {op} is flat there, so it passes exactly"
        " zero back (y ** 2 at y = 0: the loss is already at its minimum). A last layer whose"
        " weights start at zero outputs zeros; a loss with a slope there (cross-entropy, MSE"
        " against real targets) gets training going. The layers themselves are fine."
    ),
    "graph.health.vanishing_one_class": (
        "Every weight gets a gradient of exactly zero, so nothing learns from this batch: the"
        " loss ({op}) passes exactly zero back to the model's output, which has a single output"
        " unit. Cross-entropy over one class is always 0: give the model 2 outputs for"
        " CrossEntropyLoss, or use BCEWithLogitsLoss with one output."
    ),
    "graph.health.vanishing_zero_input": (
        "The weights of {where_module} get a gradient of exactly zero while its bias gets one: "
        "every value coming into this layer is zero for the whole batch (ReLU units silent "
        "before it, an input of zeros), so its weights learn nothing from this batch."
    ),
    "graph.health.exploding": (
        "Gradients grow about {per_layer:.1f} times per layer on the way back (not counting"
        " what the layers' different widths alone do): the weights of {first} get gradients"
        " about {times} times larger (RMS) than those of {last}, so {effect}. Start from smaller"
        " weights (PyTorch's default initialisation, or nn.init.kaiming_normal_ before ReLU),"
        " lower the learning rate, or clip the gradients with torch.nn.utils.clip_grad_norm_."
    ),
    "graph.health.remedy.recurrent_rnn": (
        "The way back runs through {through}: a plain RNN passes the gradient back through its"
        " weights and activation at every time step, so it shrinks along the sequence, and"
        " ReLU, kaiming_normal_ or BatchNorm do not fix that. Use nn.LSTM or nn.GRU instead"
        " (their gates carry the gradient over many more steps), train with torch.optim.Adam"
        " (it scales each weight's step to its own gradient, so a small gradient still moves"
        " it), or train on shorter sequences (truncated backpropagation through time)."
    ),
    "graph.health.remedy.recurrent": (
        "The way back runs through {through}: a recurrent layer passes the gradient back"
        " through its gates at every time step, so it shrinks along the sequence, and ReLU,"
        " kaiming_normal_ or BatchNorm do not fix that. Train with torch.optim.Adam (it scales"
        " each weight's step to its own gradient, so a small gradient still moves it), train"
        " on shorter sequences (truncated backpropagation through time: .detach() the hidden"
        " state every few dozen steps), or write the cell yourself with LayerNorm inside it."
    ),
    "graph.health.through_recurrent_many": "the recurrent layers {names}",
    "graph.health.through_recurrent_one": "the recurrent layer {names}",
    "graph.health.remedy.layers_exploding": (
        "Start from smaller weights (PyTorch's default initialisation, or"
        " nn.init.kaiming_normal_ before ReLU), lower the learning rate, or clip the gradients"
        " with torch.nn.utils.clip_grad_norm_."
    ),
    "graph.health.remedy.layers_vanishing": (
        "Use ReLU-family activations with nn.init.kaiming_normal_, add BatchNorm or LayerNorm,"
        " or residual connections; sigmoid or tanh in hidden layers shrink the gradient at every"
        " layer."
    ),
    "graph.health.remedy.layers_vanishing_had": (
        "The model already has the usual fixes (ReLU-family activations, weights at the scale"
        " nn.init.kaiming_normal_ gives, a normalisation, residual connections): the finding's"
        " steps, one per layer, show where the gradient drops most."
    ),
    "graph.health.remedy.fixes_saturating": (
        "{fixes}; sigmoid or tanh in hidden layers shrink the gradient at every layer."
    ),
    "graph.health.remedy.fixes": "{fixes}.",
    "graph.health.remedy.either": "{first}, or {last}",
    "graph.health.remedy.fix.residual": "add residual connections",
    "graph.health.remedy.fix.batch_norm": "add BatchNorm",
    "graph.health.remedy.fix.norm": "add BatchNorm or LayerNorm",
    "graph.health.remedy.fix.kaiming": "initialise the weights with nn.init.kaiming_normal_",
    # the fixes the model lacks, in {fixes} of remedy.fixes*, joined by remedy.either
    "graph.health.remedy.fix.relu": "use ReLU-family activations with nn.init.kaiming_normal_",
    "graph.health.exploding_overall": (
        "Gradients grow on the way back: the weights of {first} get gradients about {times}"
        " times larger (RMS) than those of {last}, so {effect}. {remedy}"
    ),
    # vanishing / exploding between two layers only, or through a recurrent layer: no
    # "per layer" figure; {remedy} is one of the graph.health.remedy.layers_* / recurrent* keys
    "graph.health.vanishing_overall": (
        "Gradients shrink on the way back: the weights of {first} get gradients about {times}"
        " times smaller (RMS) than those of {last}, so {effect}. {remedy}"
    ),
    # {pixels} in input_scale*: this where the data looks like raw pixels (0-255, an image's
    # shape), else empty
    "graph.health.input_scale_pixels": " (values 0-255 look like raw pixels: divide by 255)",
    "graph.health.input_scale": (
        "What goes into {where_module} is far from standardised (mean {mean:.4g}, std"
        " {std:.4g}): a weight's gradient is its input times the gradient behind it, so this"
        " layer gets huge gradients and takes huge, unstable steps. Standardise the inputs:"
        " (x - mean) / std for each feature, computed on the training set{pixels}."
    ),
    # the same, where that layer is frozen (requires_grad=False): it takes no steps, but
    # {to_module}, the first layer that learns and reads what it passes on, gets the huge
    # gradients
    "graph.health.input_scale_frozen": (
        "What goes into {where_module} is far from standardised (mean {mean:.4g}, std"
        " {std:.4g}). That layer is frozen (requires_grad=False), so it takes no steps, but it"
        " passes values this large on to {to_module}, the first layer that learns: a weight's"
        " gradient is its input times the gradient behind it, so {to_module} gets huge"
        " gradients and takes huge, unstable steps. Standardise the inputs: (x - mean) / std"
        " for each feature, computed on the training set{pixels}."
    ),
    # the same, where no layer that learns reads values this large (a norm on the way)
    "graph.health.input_scale_frozen_alone": (
        "What goes into {where_module} is far from standardised (mean {mean:.4g}, std"
        " {std:.4g}). That layer is frozen (requires_grad=False), so it takes no steps, and no"
        " layer that learns reads values this large; but frozen weights were most often learned"
        " on standardised inputs (a pretrained model), and on these they compute something else."
        " Standardise the inputs as they were when those weights were learned{pixels}."
    ),
    # the same, where that layer's gradient is below most other layers' (little gradient
    # reaches it); {times} the data's RMS, as times_text words it
    "graph.health.input_scale_small_gradient": (
        "What goes into {where_module} is far from standardised (mean {mean:.4g}, std"
        " {std:.4g}): a weight's gradient is its input times the gradient behind it, so inputs"
        " this large make this layer's gradient about {times} times larger than standardised"
        " ones would. It is still small here (RMS {rms:.1e}, below most other layers') only"
        " because little gradient reaches this layer, and it grows with the gradient behind"
        " it. Standardise the inputs: (x - mean) / std for each feature, computed on the"
        " training set{pixels}."
    ),
    # huge gradients from a regression target far from standardised; {target} a target_with.*
    "graph.health.target_scale": (
        "The loss compares the output with {target}, which is far from standardised (mean"
        " {mean:.4g}, std {std:.4g}): the loss and the gradient it sends back grow with it, so"
        " the layers get huge gradients (RMS up to {largest:.1e}) and one training step can"
        " throw them far off. Scale the target: standardise it ((y - mean) / std, computed on"
        " the training set) or divide it by a round number (prices / 1e5), and scale the"
        " predictions back the same way."
    ),
    "graph.health.target_with.named": "the target {name}",
    "graph.health.target_with.shaped": "a target of shape {shape}",
    "graph.health.exploding_huge": (
        "The weights of {where_module} get a huge gradient (RMS {rms:.1e}), so one training"
        " step can throw this layer far off. Start from smaller weights, lower the learning"
        " rate, or clip the gradients with torch.nn.utils.clip_grad_norm_."
    ),
    "graph.health.vanishing_steps": (
        "Vanishing gradient through time: the same weights ({name}{in_module}) are used at"
        " {steps} steps in a row, and on the way back the gradient shrinks about"
        " {per_step:.3g} times per step, so the first step gets a gradient about {times} times"
        " smaller than the last: the first steps (the start of the sequence) barely affect"
        " learning. {remedy}"
    ),
    "graph.health.exploding_steps": (
        "Exploding gradient through time: the same weights ({name}{in_module}) are used at"
        " {steps} steps in a row, and on the way back the gradient grows about {per_step:.3g}"
        " times per step, so the first step gets a gradient about {times} times larger than the"
        " last: one training step can throw these weights far off. {remedy}"
    ),
    "graph.health.vanishing_repeats": (
        "Vanishing gradient through repeats: the same weights ({name}{in_module}) are used"
        " {steps} times in a row, and on the way back the gradient shrinks about {per_step:.3g}"
        " times per use, so the first use gets a gradient about {times} times smaller than the"
        " last: what the first uses compute barely affects learning. {remedy}"
    ),
    "graph.health.vanishing_steps_zero": (
        "Vanishing gradient through time: the same weights ({name}{in_module}) are used at"
        " {steps} steps in a row, and on the way back the gradient shrinks about"
        " {per_step:.3g} times per step, so step {first} gets a gradient about {times} times"
        " smaller than the last, and {zero_part} ({zero_why}): the start of the sequence does"
        " not affect learning. {remedy}"
    ),
    "graph.health.vanishing_steps_zero_only": (
        "Vanishing gradient through time: the same weights ({name}{in_module}) are used at"
        " {steps} steps in a row, and on the way back {zero_part} ({zero_why}): the start of"
        " the sequence does not affect learning. {remedy}"
    ),
    "graph.health.vanishing_repeats_zero": (
        "Vanishing gradient through repeats: the same weights ({name}{in_module}) are used"
        " {steps} times in a row, and on the way back the gradient shrinks about {per_step:.3g}"
        " times per use, so use {first} gets a gradient about {times} times smaller than the"
        " last, and {zero_part} ({zero_why}): what the first uses compute does not affect"
        " learning. {remedy}"
    ),
    "graph.health.vanishing_repeats_zero_only": (
        "Vanishing gradient through repeats: the same weights ({name}{in_module}) are used"
        " {steps} times in a row, and on the way back {zero_part} ({zero_why}): what the first"
        " uses compute does not affect learning. {remedy}"
    ),
    "graph.health.zero_steps.one": "the first step gets no gradient at all",
    "graph.health.zero_steps.few": "the first {n} steps get no gradient at all",
    "graph.health.zero_steps.many": "the first {n} steps get no gradient at all",
    "graph.health.zero_uses.one": "the first use gets no gradient at all",
    "graph.health.zero_uses.few": "the first {n} uses get no gradient at all",
    "graph.health.zero_uses.many": "the first {n} uses get no gradient at all",
    "graph.health.zero_why.underflow": "it becomes too small for {dtype} and rounds to exactly 0",
    "graph.health.zero_why.exact": "it is exactly 0",
    "graph.health.exploding_repeats": (
        "Exploding gradient through repeats: the same weights ({name}{in_module}) are used"
        " {steps} times in a row, and on the way back the gradient grows about {per_step:.3g}"
        " times per use, so the first use gets a gradient about {times} times larger than the"
        " last: one training step can throw these weights far off. {remedy}"
    ),
    "graph.health.remedy.repeats": (
        "A layer applied again and again multiplies the gradient by its slope each time: add a"
        " residual connection (h = h + f(h)) or a normalisation, or apply it fewer times."
    ),
    "graph.health.remedy.repeats_exploding": (
        "A layer applied again and again multiplies the gradient by its slope each time: start"
        " its weights smaller (PyTorch's default initialisation), add a normalisation, apply it"
        " fewer times, or clip the gradients (torch.nn.utils.clip_grad_norm_)."
    ),
    "graph.health.steps_in": ", in {where}",
    "graph.health.remedy.steps_rnn": (
        "Use nn.LSTM or nn.GRU, start the recurrent weights orthogonal (nn.init.orthogonal_),"
        " or train on shorter sequences."
    ),
    "graph.health.remedy.steps_lstm": (
        "The LSTM's forget gate starts half open (its bias near 0) and passes on about half of"
        " the gradient at each step: start it open with a bias of 1 to 2 ({gate}.fill_(2.0)"
        " under torch.no_grad()), or train on shorter sequences."
    ),
    "graph.health.remedy.steps_gru": (
        "The GRU's update gate starts half open (its bias near 0), so each step keeps only about"
        " half of the state before it: start it towards keeping the state with a bias of 1 to 2"
        " ({gate}.fill_(2.0) under torch.no_grad()), or train on shorter sequences."
    ),
    # the gate already starts open: {bias} is its bias (bias_ih + bias_hh), 1 or more
    "graph.health.remedy.steps_lstm_open": (
        "The LSTM's forget gate already starts open (its bias is about {bias:.1f}), yet over a"
        " sequence this long the gradient still fades: train on shorter sequences (truncated"
        " backpropagation through time: .detach() the hidden state every few dozen steps), or"
        " train with torch.optim.Adam (it scales each weight's step to its own gradient, so a"
        " small gradient still moves it)."
    ),
    "graph.health.remedy.steps_gru_open": (
        "The GRU's update gate already starts towards keeping the state (its bias is about"
        " {bias:.1f}), yet over a sequence this long the gradient still fades: train on shorter"
        " sequences (truncated backpropagation through time: .detach() the hidden state every"
        " few dozen steps), or train with torch.optim.Adam (it scales each weight's step to its"
        " own gradient, so a small gradient still moves it)."
    ),
    # an nn.LSTM / nn.GRU made with bias=False: {gate} is the slice its bias would have
    "graph.health.remedy.steps_lstm_no_bias": (
        "The LSTM's forget gate starts half open and passes on about half of the gradient at"
        " each step, and without a bias (bias=False) it cannot be started open: create the"
        " layer with bias=True and start the gate open with a bias of 1 to 2 ({gate}.fill_(2.0)"
        " under torch.no_grad()), start the recurrent weights orthogonal (nn.init.orthogonal_),"
        " or train on shorter sequences (truncated backpropagation through time: .detach() the"
        " hidden state every few dozen steps)."
    ),
    "graph.health.remedy.steps_gru_no_bias": (
        "The GRU's update gate starts half open, so each step keeps only about half of the state"
        " before it, and without a bias (bias=False) it cannot be started towards keeping it:"
        " create the layer with bias=True and give the gate a bias of 1 to 2 ({gate}.fill_(2.0)"
        " under torch.no_grad()), start the recurrent weights orthogonal (nn.init.orthogonal_),"
        " or train on shorter sequences (truncated backpropagation through time: .detach() the"
        " hidden state every few dozen steps)."
    ),
    # a cell written by hand whose state passes through a gate (a sigmoid times a value)
    "graph.health.remedy.steps_gated": (
        "The cell's gates (a sigmoid times the state) start half open and pass on about half of"
        " the gradient at each step: start the gate that keeps the state (an LSTM's forget"
        " gate, a GRU's update gate) open with a bias of 1 to 2, start the recurrent weights"
        " orthogonal (nn.init.orthogonal_), or train on shorter sequences (truncated"
        " backpropagation through time: .detach() the hidden state every few dozen steps)."
    ),
    "graph.health.remedy.steps_exploding": (
        "Clip the gradients with torch.nn.utils.clip_grad_norm_, start the recurrent weights"
        " smaller (PyTorch's default initialisation, or nn.init.orthogonal_), or lower the"
        " learning rate."
    ),
    "graph.health.dead": (
        "{dead} of {units} ReLU units in {where_module} output zero for every example in the"
        " batch, so no gradient flows through them. The usual causes: a learning rate that is"
        " too high, a large negative bias, an initialisation that shrinks the values so that the"
        " biases decide (PyTorch's default one does so in a deep ReLU net), or weights so large"
        " that every example lands on the same side of zero. Try a lower learning rate,"
        " LeakyReLU, or nn.init.kaiming_normal_."
    ),
    "graph.health.nan_forward": (
        "The first NaN (not a number) of the forward pass appears in {what}; the values "
        "computed from it may be NaN too. {hint}"
    ),
    "graph.health.nan_forward_masked_row": (
        "The first NaN (not a number) of the forward pass appears in {what}; that op reads -inf"
        " from a mask. The -inf itself is fine, but a row whose scores are all -inf (a sequence"
        " that is entirely padding, a fully masked row) gives NaN, and the values computed from"
        " it are NaN too. Keep at least one position unmasked in every row, or mask with a large"
        " negative number (torch.finfo(scores.dtype).min) instead of -inf."
    ),
    "graph.health.inf_forward": (
        "The first infinite value of the forward pass that is not masked away appears in "
        "{what}: infinite or NaN values follow from it to the end of the forward pass. {hint}"
    ),
    "graph.health.inf_forward_grad": (
        "The first infinite value of the forward pass next to an infinite or NaN gradient "
        "appears in {what}: the values computed from it may be finite again, but the gradients "
        "there are not. {hint}"
    ),
    "graph.health.nan_forward_grad": (
        "The first NaN (not a number) of the forward pass appears in {what}, but it does not"
        " reach the loss: it is left out on the way (torch.where, masked_fill, nan_to_num), so"
        " the values computed from it are finite and the forward pass is fine. The gradient is"
        " not: a NaN left out that way still makes the gradient there NaN (below). {hint}"
    ),
    # {hint} in nan_forward / inf_forward: what to do, by the op that made it
    "graph.health.hint.log": (
        "The log of 0 is -inf, and of a negative number NaN: write log(x + eps) with a small"
        " eps (1e-8), or use log_softmax instead of log(softmax(...))."
    ),
    "graph.health.hint.sqrt": (
        "The sqrt of a negative number is NaN, and its gradient at 0 is infinite: write"
        " sqrt(x + eps) with a small eps (1e-8), or clamp first (x.clamp(min=1e-8))."
    ),
    "graph.health.hint.exp": (
        "The exp of a value above about 88 overflows to inf (float32): use torch.logsumexp"
        " or log_softmax instead of exp and log by hand, or keep the values smaller."
    ),
    "graph.health.hint.div": (
        "A division by zero gives inf, and 0 / 0 NaN: check the denominator, or add a small"
        " eps to it."
    ),
    "graph.health.hint.op": (
        "Check what goes into it: a value the op is not defined for (outside its domain), or"
        " values so large that they overflow (weights or a learning rate too large)."
    ),
    "graph.health.hint.mask": (
        "It is the -inf of a mask, which an op such as softmax or logsumexp leaves out; but"
        " where every value such an op reduces over is -inf (a row or column the mask forbids"
        " whole, as a tag that no tag may precede), its gradient is NaN. Keep at least one"
        " position unmasked in each, or mask with a large negative number"
        " (torch.finfo(x.dtype).min) instead of -inf."
    ),
    "graph.health.hint.data": (
        "The data itself holds it: check with torch.isfinite(x).all(); the examples that hold"
        " such values: (~torch.isfinite(x)).reshape(len(x), -1).any(1).nonzero(). Clean or drop"
        " those examples before training."
    ),
    "graph.health.hint.param": (
        "The weights themselves hold it: an earlier training step broke them (often a"
        " learning rate that is too high). Reinitialise or reload them, then lower the"
        " learning rate or clip the gradients."
    ),
    "graph.health.nan_backward": (
        "On the way back from the loss, the first gradient with NaN (not a number) appears at"
        " {what}; the gradients computed from it onward may be affected."
    ),
    "graph.health.inf_backward": (
        "On the way back from the loss, the first gradient with an infinite value appears at"
        " {what}; the gradients computed from it onward may be affected."
    ),
    "graph.health.nan_backward_follows": (
        "On the way back from the loss, the first gradient with NaN (not a number) appears at"
        " {what}: it follows from the {cause} above, in the forward pass."
    ),
    "graph.health.inf_backward_follows": (
        "On the way back from the loss, the first gradient with an infinite value appears at"
        " {what}: it follows from the {cause} above, in the forward pass."
    ),
    # {cause} in *_backward_follows: the forward finding's kind
    "graph.health.cause.nan": "NaN",
    "graph.health.cause.inf": "infinite value",
    "graph.health.nan_backward_made": (
        "On the way back from the loss, the backward of {what} made the first gradient with NaN"
        " (not a number): the gradient it got was finite, the one it passed back is not. The"
        " gradients computed from it onward may be affected. {hint}"
    ),
    "graph.health.inf_backward_made": (
        "On the way back from the loss, the backward of {what} made the first infinite"
        " gradient: the gradient it got was finite, the one it passed back is not. The gradients"
        " computed from it onward may be affected. {hint}"
    ),
    "graph.health.nan_backward_params_only": (
        "The gradient of {what} has NaN (not a number) values. This graph holds no gradients "
        "of the ops (ng.graph_of records only the parameters'), so it cannot tell where the "
        "first NaN gradient appears: ng.trace or ng.record shows it."
    ),
    "graph.health.inf_backward_params_only": (
        "The gradient of {what} has infinite values. This graph holds no gradients of the ops "
        "(ng.graph_of records only the parameters'), so it cannot tell where the first "
        "infinite gradient appears: ng.trace or ng.record shows it."
    ),
    "graph.health.nan_output_only": (
        "The output has NaN (not a number) values. This graph holds no values of the ops "
        "before it (ng.graph_of records none), so it cannot tell where the first NaN appears: "
        "ng.trace or ng.record shows it."
    ),
    "graph.health.inf_output_only": (
        "The output has infinite values. This graph holds no values of the ops before it "
        "(ng.graph_of records none), so it cannot tell where the first infinity appears: "
        "ng.trace or ng.record shows it."
    ),
    # ... the places named in them: "_of" after "the weights of", "_in" after "in"/"at"
    "graph.health.zeros": (
        "All {numel} weights of {whose} are zero, and in the layer next to it all weights of "
        "{other} are equal too: the units between these two layers compute the same thing and "
        "get the same gradient, so they stay copies of each other and learn like a single unit. "
        "Initialise the weights randomly (PyTorch's layers do by default); or were they zeroed "
        "by mistake (w.zero_() instead of w.grad.zero_())?"
    ),
    "graph.health.zeros_stuck": (
        "All {numel} weights of {whose} are zero, and so is their gradient, so they stay zero:"
        " every example gets the same output from this layer, no gradient comes back to it (at"
        " zero, a ReLU after it passes none back), and none passes through it to the layers"
        " before. So neither this layer nor the layers around it learn. Were the weights zeroed"
        " by mistake (w.zero_() instead of w.grad.zero_())? Initialise them randomly (PyTorch's"
        " layers do by default)."
    ),
    "graph.health.vanishing_zero_layer": (
        "The weights of {where_module} get a gradient of exactly zero because {zero_weight} is"
        " all zeros and gets no gradient (see [zero weights]), so this layer learns nothing"
        " either."
    ),
    "graph.health.dead_zero_layer": (
        "{dead} of {units} ReLU units in {where_module} output zero for every example in the"
        " batch, so no gradient flows through them: {zero_weight} is all zeros, so every example"
        " reaches these units with the same value."
    ),
    "graph.health.dead_after_zero_layer": (
        "{dead} of {units} units of the ReLU after {layer} output zero for every example in the"
        " batch, so no gradient flows through them: {zero_weight} is all zeros, so every example"
        " reaches these units with the same value."
    ),
    "graph.health.zeros_accumulated": (
        "All {numel} weights of {whose} are zero, and their gradient was added to one left over "
        "from before: were the weights zeroed by mistake instead of their gradient (w.zero_() "
        "instead of w.grad.zero_())?"
    ),
    "graph.health.constant": (
        "All {numel} weights of {whose} have the same value ({value:.3g}), and in the layer next "
        "to it all weights of {other} are equal too: the units between these two layers compute "
        "the same thing and get the same gradient, so they stay copies of each other and learn "
        "like a single unit. Initialise the weights randomly (PyTorch's layers do by default)."
    ),
    "graph.health.no_gradient": (
        "The weights of {where_module} get no gradient at all, though they took part in the "
        "forward pass: the graph is cut between them and the loss (.detach(), .item(), .numpy() "
        "or torch.no_grad() in forward), so this layer does not learn. If that is meant (a "
        "frozen feature extractor), call requires_grad_(False) on it."
    ),
    "graph.health.no_gradient_no_examples": (
        "The weights of {where_module} get a gradient of exactly zero because this layer got no "
        "examples in this batch: its input has shape [0, ...] (a branch or an expert this batch "
        "routes nothing to), so its weights learn nothing from this batch. Nothing is wrong with "
        "the gradient: the layer learns once examples reach it."
    ),
    "graph.health.no_gradient_unused": (
        "The weights of {where_module} get no gradient at all, though they took part in the "
        "forward pass: their result goes only to {output}."
    ),
    "graph.health.no_gradient_leaf_unused": (
        "{name} gets no gradient at all, though it took part in the forward pass: its result "
        "goes only to {output}."
    ),
    "graph.health.no_gradient_unreached": (
        "No gradient from this graph reaches the weights of {what}: the graph does not use"
        " them, so a backward pass from it leaves their .grad at None and they learn nothing"
        " from it. That is fine if another loss trains them (a second head) or they are not"
        " needed; otherwise forward never calls their layer, or cuts its result off (.detach(),"
        " .item(), .numpy() or torch.no_grad()): ng.trace(model, x, loss=...) tells which. If"
        " they are meant to stay fixed, call requires_grad_(False) on them."
    ),
    "graph.health.no_gradient_unrun": (
        "The weights of {what} do not appear in the forward pass this graph recorded, so they"
        " get no gradient and do not learn. Most often forward does not use them (a layer"
        " defined in __init__ but left out of forward?): use them there, or remove them if they"
        " are not needed. If forward skips them on purpose for this input (an expert no example"
        " was routed to, an auxiliary head that runs only in training), or another method or"
        " loss uses them, that is fine."
    ),
    "graph.health.modules_of": "modules {names}",
    "graph.health.params_of": "parameters {names}",
    "graph.health.no_gradient_leaf_unnamed_unused": (
        "The leaf tensor of shape {shape} gets no gradient at all, though it took part in the "
        "forward pass: its result goes only to {output}."
    ),
    "graph.health.output_returned": (
        "an output of shape {output_shape} that the model returns but the loss does not use "
        "(fine if another loss trains this part of the model, as with a second head; otherwise "
        "use that output in "
        "the loss too)"
    ),
    "graph.health.output_unused": (
        "a tensor of shape {output_shape} that no tensor op uses: it was thrown away, read "
        "through .data (use it as it is instead), or turned into a number (.item(), .tolist(), "
        ".numpy()), which cuts the graph"
    ),
    "graph.health.no_gradient_leaf": (
        "{name} gets no gradient at all, though it took part in the forward pass: the graph is "
        "cut between it and the loss (.detach(), .data, .item(), .numpy() or torch.no_grad()), so "
        "it does not learn."
    ),
    "graph.health.accumulated": (
        "{name}.grad is not the gradient this backward pass computed: it was added to a gradient "
        "left over from before. Call optimizer.zero_grad() (or p.grad.zero_()) before each backward,"
        " or after each step if you accumulate gradients over several batches on purpose."
    ),
    "graph.health.accumulated_unregistered": (
        "{name}.grad is not the gradient this backward pass computed: it was added to the"
        " gradients of every earlier pass. Its layer is not registered in the model. If your"
        " optimizer was built from model.parameters(), optimizer.zero_grad() never reaches it"
        " and the optimizer does not train it: register the layer (nn.ModuleList, nn.ModuleDict"
        " or an attribute); otherwise call optimizer.zero_grad() before each backward."
    ),
    "graph.health.accumulated_not_in_optimizer": (
        "{name}.grad is not the gradient this backward pass computed: it was added to the"
        " gradients of earlier passes, and {name} is not among the parameters of the optimizer"
        " that stepped in this block. Unless another optimizer trains it, that optimizer's"
        " zero_grad() does not reset it and its step() does not change it: it does not learn."
        " Build the optimizer after the last change to"
        " the model (a layer replaced after torch.optim.SGD(model.parameters(), ...) stays out"
        " of it), or pass it all of model.parameters(); to keep it fixed on purpose, call"
        " requires_grad_(False) on it."
    ),
    "graph.health.not_in_optimizer": (
        "{name} is not among the parameters of the optimizer that stepped in this block. Unless"
        " another optimizer trains it, that optimizer's step() does not change it, so it does not"
        " learn, and its zero_grad() does not reset {name}.grad, to which every later backward"
        " adds. Build the optimizer after the last change to the model (a layer replaced after"
        " torch.optim.SGD(model.parameters(), ...) stays out of it; a model made again, in a cell"
        " run after the optimizer's, is a new model the optimizer does not hold), or pass it all"
        " of model.parameters(); to keep it fixed on purpose, call requires_grad_(False) on it."
    ),
    "graph.health.reset_before_step": (
        "The optimizer's step() got no gradients: zero_grad() ran between loss.backward() and"
        " optimizer.step() and reset every gradient the backward computed ({name}.grad and the"
        " others were None at the step), so the step changed no weight and the model does not"
        " learn. Reset the gradients before the backward: optimizer.zero_grad(),"
        " loss.backward(), optimizer.step()."
    ),
    "graph.health.loss_input_module": "Module {name}",
    "graph.health.loss_input_code": "Your code",
    # Linear layers with nothing nonlinear between them; {layers_text}: "0, 1, 2 (Linear)";
    # {n_in}, {n_out}: the first layer's inputs, the last one's outputs
    "graph.health.linear_stack": (
        "Modules {layers_text} follow each other with no activation between them: a stack of"
        " linear layers is still one linear map (W2 (W1 x + b1) + b2 = W x + b), so together"
        " they learn no more than one Linear({n_in}, {n_out}) would (a classifier: only straight"
        " decision boundaries). Put a nonlinearity such as nn.ReLU() between them."
    ),
    "graph.health.loss_input_softmax": (
        "{layer} applies softmax to the scores cross_entropy gets, but cross_entropy"
        " (nn.CrossEntropyLoss) applies log-softmax itself: the probabilities are squashed"
        " twice, their differences shrink and the model learns slowly. Give CrossEntropyLoss"
        " the raw scores (logits): drop the softmax, and keep it only to show probabilities."
    ),
    "graph.health.loss_input_relu": (
        "{layer} applies ReLU to the scores cross_entropy gets: no score can go below 0, so the"
        " model cannot push the wrong classes down, and an example whose scores are all cut to 0"
        " gets no gradient. Give CrossEntropyLoss the raw scores (logits): drop the last ReLU."
    ),
    "graph.health.loss_input_sigmoid_ce": (
        "{layer} applies sigmoid to the scores cross_entropy gets, but cross_entropy"
        " (nn.CrossEntropyLoss) makes its own probabilities from raw scores with softmax:"
        " scores held between 0 and 1 give probabilities close to equal for every class, so"
        " the loss stays high, and the gradients shrink where the sigmoid flattens. Give"
        " CrossEntropyLoss the raw scores (logits): drop the sigmoid (a sigmoid output goes"
        " with nn.BCELoss, for yes/no targets)."
    ),
    "graph.health.loss_input_tanh_ce": (
        "{layer} applies tanh to the scores cross_entropy gets, but cross_entropy"
        " (nn.CrossEntropyLoss) makes its own probabilities from raw scores with softmax:"
        " scores held between -1 and 1 keep every probability far from 0 and 1, so the loss"
        " stays high, and the gradients shrink where the tanh flattens. Give CrossEntropyLoss"
        " the raw scores (logits): drop the last tanh."
    ),
    "graph.health.loss_input_relu_bce": (
        "{layer} applies ReLU to the scores binary_cross_entropy_with_logits gets: no score can"
        " go below 0, so their sigmoid never falls below 0.5 and the model cannot predict the"
        " negative class. Give BCEWithLogitsLoss the raw scores (logits): drop the last ReLU."
    ),
    "graph.health.loss_input_sigmoid": (
        "{layer} applies sigmoid to the scores binary_cross_entropy_with_logits gets, but"
        " that loss (nn.BCEWithLogitsLoss) applies the sigmoid itself: squashed twice, the"
        " gradients shrink. Drop the sigmoid, or use nn.BCELoss on probabilities."
    ),
    "graph.health.loss_input_nll": (
        "{layer} gives nll_loss (nn.NLLLoss) softmax probabilities, but it expects"
        " log-probabilities: use log_softmax instead of softmax, or nn.CrossEntropyLoss on"
        " the raw scores."
    ),
    # appended to the three above where the target is squashed too (which tensor is the input
    # is not known): {squash} is sigmoid, tanh or softmax
    "graph.health.loss_input_which": (
        "The target this loss gets is squashed too, and the graph cannot tell which of the two"
        " is the scores: change only the {squash} of the scores; a target squashed on purpose"
        " (a teacher's soft targets) is right."
    ),
    "graph.health.loss_input_batch": (
        "{layer} applies {op} over dim 0 of the scores {loss_name} gets (shape {shape}), and"
        " dim 0 is the batch: each class is normalised over the {rows} examples, so each"
        " example's probabilities depend on the other examples in its batch and do not sum"
        " to 1 over its {classes} classes. {fix}"
    ),
    "graph.health.loss_input_batch_yours": "your loss",  # {loss_name}: a hand-written loss
    # {fix} in loss_input_batch; {call}: the op over the classes, as code
    "graph.health.loss_input_batch_fix": "Normalise over the classes instead: {call} (or dim=-1).",
    "graph.health.loss_input_batch_fix_nll": (
        "Use {call} (or dim=-1) instead: nll_loss (nn.NLLLoss) expects log-probabilities over"
        " the classes, not probabilities."
    ),
    "graph.health.loss_input_batch_fix_ce": (
        "Give CrossEntropyLoss the raw scores (logits): drop the {op}, since cross_entropy"
        " applies log-softmax over the classes itself; to show probabilities, use {call}."
    ),
    "graph.health.loss_input_output": "the model's output",  # {what} in loss_input_shapes
    "graph.health.loss_input_tensor": "a tensor",
    "graph.health.loss_input_shapes": (
        "{loss} compares {what} of shape {a} with one of shape {b}: broadcasting turns"
        " them into a {table} table of every pair, so the loss is not the one meant (and the"
        " model learns the mean). Give both the same shape: {fix}."
    ),
    # {fix} in loss_input_shapes: the output has the extra dimension of size 1, the target has
    # it, or which is which is not known
    "graph.health.loss_input_fix_output": "output.squeeze(1), or target.view(-1, 1)",
    "graph.health.loss_input_fix_target": "target.squeeze(1), or output.view(-1, 1)",
    # the extra dimension of size 1 elsewhere than last ({dim}: where): [N, 1, H, W] and [N, H, W]
    "graph.health.loss_input_fix_output_at": "output.squeeze({dim}), or target.unsqueeze({dim})",
    "graph.health.loss_input_fix_target_at": "target.squeeze({dim}), or output.unsqueeze({dim})",
    "graph.health.loss_input_fix_any": "reshape one of them with .view(...) or .squeeze(...)",
    # a hand-written loss, ((out - y) ** 2).mean(): {what}, {fix} as in loss_input_shapes
    "graph.health.loss_input_difference": (
        "Your loss takes the difference of {what} of shape {a} and one of shape {b}:"
        " broadcasting turns it into a {table} table of every pair, so the loss is not the one"
        " meant (and the model learns the mean). Give both the same shape: {fix}."
    ),
    # nll_loss given raw scores; {why} is loss_input_nll_positive or loss_input_nll_mean
    "graph.health.loss_input_nll_scores": (
        "{layer} gives nll_loss (nn.NLLLoss) values that are not log-probabilities: {why}."
        " NLLLoss expects log-probabilities (it only takes the right class's value, negated):"
        " given raw scores, training pushes that score up without end and the loss falls"
        " below zero without bound. Add log_softmax before it (F.log_softmax(scores, dim=1),"
        " or nn.LogSoftmax(dim=1) as the last layer), or give the raw scores to"
        " nn.CrossEntropyLoss, which applies log-softmax itself."
    ),
    "graph.health.loss_input_kl": (
        "{layer} gives kl_div (nn.KLDivLoss) softmax probabilities as its input, but it expects"
        " log-probabilities there (only its target is probabilities, unless log_target=True):"
        " use log_softmax instead of softmax for the input. Given probabilities, the loss is no"
        " KL divergence (it falls below zero) and its gradient does not pull the two"
        " distributions together."
    ),
    "graph.health.loss_input_kl_scores": (
        "{layer} gives kl_div (nn.KLDivLoss) an input that is not log-probabilities: {why}."
        " KLDivLoss expects log-probabilities as its input (F.log_softmax(scores / T, dim=1) in"
        " distillation) and probabilities as its target: given raw scores, the loss is no KL"
        " divergence and falls below zero without bound."
    ),
    "graph.health.loss_input_nll_positive": (
        "some are above 0 (up to {largest:.3g}), which log-probabilities never are"
    ),
    "graph.health.loss_input_nll_mean": (
        "over {classes} classes, log-probabilities average at most {bound:.3g} (-log {classes}),"
        " and these average {mean:.3g}"
    ),
    "graph.health.untrained_norm": (
        "Module {path} ({type}) runs in eval mode with the running statistics it starts with "
        "(mean 0, variance 1): it has seen no training data yet, so it does not normalise, and "
        "the values and gradients after it are not those of training. Train a few batches "
        "first, or trace in train mode (model.train())."
    ),
    "graph.health.untrained_norms": (
        "{count} normalisation layers, the first module {path} ({type}), run in eval mode with "
        "the running statistics they start with (mean 0, variance 1): they have seen no "
        "training data yet, so they do not normalise, and the values and gradients after them "
        "are not those of training. Train a few batches first, or trace in train mode "
        "(model.train())."
    ),
    "graph.health.unregistered": (
        "{path} ({type}) ran, but it is not registered in the model: it is kept in a plain Python "
        "list, dict or variable. model.parameters() leaves out its {params} parameters, so an "
        "optimizer built from it never trains them, and state_dict(), .to() and .eval() skip it "
        "too. Keep it in nn.ModuleList or nn.ModuleDict, or assign it as an attribute "
        "(self.layer = ...)."
    ),
    "graph.health.unregistered_params": (
        "{path} is a plain Python list, tuple or dict, so the parameters in it ({names}) are not "
        "registered in the model, though they took part in the forward pass: model.parameters() "
        "leaves out their {params} values, so an optimizer built from it never trains them, and "
        "state_dict() and .to() skip them too. Keep them in nn.ParameterList (for a list or "
        "tuple) or nn.ParameterDict (for a dict), or assign each as an attribute "
        "(self.w = nn.Parameter(...))."
    ),
    "graph.health.model_of": "the model ({type})",
    "graph.health.module_of": "module {path} ({type})",
    "graph.health.module_of_untyped": "module {path}",
    "graph.health.top_level_of": "the top level of the model",
    "graph.health.module_in": "module {path} ({type})",
    "graph.health.module_in_untyped": "module {path}",
    "graph.health.and": "{first} and {last}",
    # a long list of names in a finding: its first few, its last, and how many in all
    "graph.health.names_cut": "{first}, …, {last} ({count} in all)",
    "graph.health.names_cut_note": "{first}, …, {last} ({note}; {count} in all)",
    "graph.health.top_level_in": "the top level of the model",
    "graph.health.what.input": "input {name}",
    "graph.health.what.param": "parameter {name}",
    "graph.health.what.buffer": "buffer {name}",
    "graph.health.what.constant": "constant {name}",
    "graph.health.what.input_unnamed": "the model's input",
    "graph.health.what.param_unnamed": "a parameter",
    "graph.health.what.buffer_unnamed": "a buffer",
    "graph.health.what.constant_unnamed": "a constant",
    "graph.health.what.output": "the output",
    "graph.health.what.op": "{op}",
    "graph.health.what.op_in": "{op} in {module}",
    "graph.health.what.op_after": "{op} after {layer}",
    "graph.health.what.output_of": "the output of {what}",
    "graph.health.what.input_outside": (
        "a tensor of shape {shape} read outside the model (the loss target?)"
    ),
    "graph.health.what.input_named_outside": (
        "input {name}, read outside the model (the loss target?)"
    ),
    "graph.health.what.input_shaped": "an input tensor of shape {shape}",
    "graph.health.what.leaf_unnamed": "the leaf tensor of shape {shape}",
    "graph.health.param_of": "parameter {name}",
    "graph.health.leaf_of": "tensor {name}",
    "graph.health.param_of_unnamed": "the unnamed parameter of shape {shape}",
    "graph.health.leaf_of_unnamed": "the unnamed leaf tensor of shape {shape}",
    "graph.health.leaf_unnamed": "the leaf tensor of shape {shape}",
    "graph.health.no_gradient_leaf_unnamed": (
        "The leaf tensor of shape {shape} gets no gradient at all, though it took part in the "
        "forward pass: the graph is cut between it and the loss (.detach(), .item(), .numpy() "
        "or torch.no_grad()), so it does not learn."
    ),
    "graph.health.dead_after": (
        "{dead} of {units} units of the ReLU after {layer} output zero for every example in the"
        " batch, so no gradient flows through them. The usual causes: a learning rate that is"
        " too high, a large negative bias, an initialisation that shrinks the values so that the"
        " biases decide (PyTorch's default one does so in a deep ReLU net), or weights so large"
        " that every example lands on the same side of zero. Try a lower learning rate,"
        " LeakyReLU, or nn.init.kaiming_normal_."
    ),
    # hidden tanh / sigmoid units on the flat ends; {where_module}: module_in or saturated_after
    "graph.health.saturated_tanh": (
        "Saturated tanh units in {where_module}: many of their values sit near -1 or 1, where"
        " tanh is flat, so its slope averages only {slope:.2g} over this batch (1 at 0). They"
        " pass back little of the gradient they get, and small changes to the weights before"
        " them barely change what they output. {remedy}"
    ),
    "graph.health.saturated_sigmoid": (
        "Saturated sigmoid units in {where_module}: many of their values sit near 0 or 1, where"
        " the sigmoid is flat, so its slope averages only {slope:.2g} over this batch (0.25 in"
        " the middle). They pass back little of the gradient they get, and small changes to the"
        " weights before them barely change what they output. {remedy}"
    ),
    "graph.health.saturated_after": "the {op} after {layer}",
    # {remedy} in saturated_*: the cause that shows
    "graph.health.saturated_remedy_weights": (
        "The weights of {layer} are {times} times the scale Xavier's initialisation gives (std"
        " {std:.2g} against {xavier:.2g}): start them with nn.init.xavier_normal_ or PyTorch's"
        " default; if training made them this large, lower the learning rate or add weight"
        " decay."
    ),
    "graph.health.saturated_remedy_inputs": (
        "The data going into the layer before them is far from standardised (RMS {rms:.3g}):"
        " standardise the inputs, (x - mean) / std for each feature, computed on the training"
        " set."
    ),
    # one example in the batch: every unit of a wide layer silent on it is no chance
    "graph.health.dead_one_example": (
        "Every one of the {units} ReLU units in {where_module} outputs zero for the one example"
        " in this batch, so no gradient flows through them. On one example about half of a"
        " layer's units are zero by chance, but all of them at once almost never are: these"
        " units are most likely silent for every example. The usual causes: a large negative"
        " bias, a learning rate that is too high, or weights so large that every example lands"
        " on the same side of zero. Run a batch of several examples to see which units stay"
        " silent for all of them; LeakyReLU, or nn.init.kaiming_normal_ with zero biases, keeps"
        " them alive."
    ),
    "graph.health.dead_after_one_example": (
        "Every one of the {units} units of the ReLU after {layer} outputs zero for the one"
        " example in this batch, so no gradient flows through them. On one example about half"
        " of a layer's units are zero by chance, but all of them at once almost never are:"
        " these units are most likely silent for every example. The usual causes: a large"
        " negative bias, a learning rate that is too high, or weights so large that every"
        " example lands on the same side of zero. Run a batch of several examples to see which"
        " units stay silent for all of them; LeakyReLU, or nn.init.kaiming_normal_ with zero"
        " biases, keeps them alive."
    ),
    "graph.health.dead_uncentred": (
        "{dead} of {units} ReLU units in {where_module} output zero for every example in the"
        " batch, so no gradient flows through them. {remedy} Other usual causes: a learning"
        " rate that is too high, or a large negative bias."
    ),
    "graph.health.dead_after_uncentred": (
        "{dead} of {units} units of the ReLU after {layer} output zero for every example in the"
        " batch, so no gradient flows through them. {remedy} Other usual causes: a learning"
        " rate that is too high, or a large negative bias."
    ),
    # {remedy} in dead*_uncentred: the layer's input is the data itself, or a hidden layer's
    "graph.health.dead_remedy_data": (
        "The values going into {layer} are far from centred (mean {mean:.3g}, std {std:.3g}):"
        " they share a large offset, so in many units every example lands on the same side of"
        " zero. Standardise the inputs: (x - mean) / std for each feature, computed on the"
        " training set."
    ),
    "graph.health.dead_remedy_hidden": (
        "The values going into {layer} are far from centred (mean {mean:.3g}, std {std:.3g}):"
        " they share a large offset, so in many units every example lands on the same side of"
        " zero. A BatchNorm or LayerNorm just before that layer centres them."
    ),
    # {why}: dead_grown_why_unbiased or dead_grown_why_biased
    "graph.health.dead_grown": (
        "{dead} of {units} ReLU units in {where_module} output zero for every example in the"
        " batch, so no gradient flows through them. {why} LeakyReLU, or a BatchNorm before each"
        " ReLU (it centres every unit on the batch), keeps the gradient flowing through them."
    ),
    "graph.health.dead_after_grown": (
        "{dead} of {units} units of the ReLU after {layer} output zero for every example in the"
        " batch, so no gradient flows through them. {why} LeakyReLU, or a BatchNorm before each"
        " ReLU (it centres every unit on the batch), keeps the gradient flowing through them."
    ),
    "graph.health.dead_remedy_kaiming": (
        "The weights of {layer} are already at the scale nn.init.kaiming_normal_ gives (std"
        " {std:.2g}, about sqrt(2 / fan_in)), so the initialisation is not what silences them:"
        " in a deep stack of ReLU layers some units fall silent anyway, as the layers bring the"
        " examples ever closer together. LeakyReLU, or a BatchNorm before each ReLU (it centres"
        " every unit on the batch), keeps the gradient flowing through them; if training has"
        " started, a learning rate that is too high also silences units."
    ),
    "graph.health.dead_after_deep": (
        "{dead} of {units} units of the ReLU after {layer} output zero for every example in the"
        " batch, so no gradient flows through them. {remedy}"
    ),
    # the layer before the ReLU is at Kaiming scale: depth, not the initialisation
    "graph.health.dead_deep": (
        "{dead} of {units} ReLU units in {where_module} output zero for every example in the"
        " batch, so no gradient flows through them. {remedy}"
    ),
    "graph.health.dead_grown_why_biased": (
        "The values also grow layer after layer (above); smaller weights stop that, but they"
        " change a value's sign only through the biases, so they may not bring these units"
        " back."
    ),
    "graph.health.dead_grown_why_unbiased": (
        "The values also grow layer after layer (above), but that is not why these units are"
        " silent: the layers before them have no biases, so the size of their weights changes"
        " no value's sign, and with smaller weights the same units stay silent."
    ),
    # graph: g.summary() (numbers arrive already grouped: 25,557,032)
    "graph.summary.header.module": "Module",
    "graph.summary.header.type": "Type",
    "graph.summary.header.node": "Node",
    "graph.summary.header.shape": "Output shape",
    "graph.summary.header.params": "Params",
    "graph.summary.header.grad_norm": "Grad norm",
    "graph.summary.header.flags": "Flags",
    "graph.summary.model": "(model)",
    "graph.summary.total": "Total params: {total}",
    "graph.summary.trainable": "Trainable params used in this graph: {count}",
    # {count} of the line above where some are in no registered module (a plain Python list)
    "graph.summary.trainable_outside": "{count}, {outside} of them not in the model",
    "graph.summary.in_boxes": "Params in module boxes: {count}",
    "graph.summary.params_shared": "{count} (+{shared} shared)",
    # Grad norm cell of a module using tied weights: its own parameters' norm, then the
    # norm of the shared ones it uses that another module counts (see params_shared)
    "graph.summary.grad_shared": "{own} (+{shared} shared)",
    "graph.summary.grad_only_shared": "{shared} (shared)",
    "graph.summary.shared_note": (
        "Shared params (tied weights, one layer used in two places) count once, in the module "
        'that registers them first; "+N shared" are params a module uses that another one counts'
    ),
    "graph.summary.counts": "Nodes: {nodes}   Ops: {ops}{boxes}",
    # in the counts line, except for graph_of's graphs (it did not run the backward)
    "graph.summary.passes": "   Backward passes: {passes}",
    # a collapsed graph's boxes, in the counts line (an open graph has none: no field)
    "graph.summary.boxes": "   Module boxes: {count}",
    "graph.summary.shapes": "Input shape(s): {inputs}   Output shape(s): {outputs}",
    # {lists}: g.graph["unused"] and the like, after networkx.relabel_nodes renamed the nodes
    "graph.summary.renamed_lists": (
        "Note: the node ids in {lists} are not in this graph (its nodes were renamed, e.g."
        " with networkx.relabel_nodes), so results nothing used may show among the outputs"
        " above, and the inputs in another order. Rename the ids in those lists the same way."
    ),
    "graph.summary.findings": "Findings ({count}):",
    "graph.summary.findings_in_lines": "Findings ({count}, in {lines} lines):",
    # when layers with one finding share a line: fewer lines than findings (health() has each)
    "graph.summary.findings_in_line": "Findings ({count}, in one line):",
    "graph.summary.finding": "- [{kind}] {message}",
    # parameters with requires_grad=False beside ones that learn (see graph/_frozen.py): a
    # note under the findings of health() and summary(), not a finding (freezing is often meant)
    "graph.summary.frozen": (
        "Frozen parameters (requires_grad=False) do not learn: {count} of the model's {total},"
        " in {layers}. Fine if you froze them on purpose (fine-tuning); else"
        " unfreeze them before building the optimizer: model.requires_grad_(True)."
    ),
    "graph.summary.no_grad": (
        "Layers that ran under torch.no_grad() get no gradient and do not learn here: {layers}"
    ),
    "graph.summary.group.vanishing_shrunk": (
        "The weights of {count} layers get an almost zero gradient (RMS {low:.1e} to"
        " {high:.1e}), so they do not learn: modules {layers}. The network's weights ({shrunk})"
        " are a hundredth or less of where PyTorch starts them, and every layer's gradient"
        " passes through the weights around it. They were initialised far too small, or"
        " training shrank them (a weight_decay far too strong: 1e-4 to 1e-2 is usual; or a"
        " learning rate so high that training collapsed): initialise them as PyTorch's layers"
        " do, or lower weight_decay, and train again from a fresh model."
    ),
    "graph.summary.group.vanishing_equal": (
        "The weights of {count} layers get an almost zero gradient (RMS {low:.1e} to"
        " {high:.1e}), so they do not learn: modules {layers}. The weights in {equal} each hold"
        " one value throughout: the units they connect get the same gradient,"
        " and where those gradients meet they cancel (after a softmax, the gradients"
        " of the classes sum to zero). Initialise the weights randomly (PyTorch's layers do by"
        " default)."
    ),
    "graph.summary.group.vanishing_tiny": (
        "The weights of {count} layers get an almost zero gradient (RMS {low:.1e} to"
        " {high:.1e}), so they do not learn: modules {layers}. Weights that start too small"
        " (PyTorch's default initialisation in a deep ReLU net) or sigmoid/tanh layers after"
        " them shrink the gradient: use ReLU-family activations with nn.init.kaiming_normal_,"
        " and add BatchNorm or LayerNorm."
    ),
    "graph.summary.group.vanishing_zero": (
        "The weights of {count} layers get a gradient of exactly zero, so they learn nothing "
        "from this batch: modules {layers}."
    ),
    "graph.summary.group.vanishing_underflow": (
        "The weights of {count} layers get a gradient of exactly zero, so they learn nothing"
        " from this batch: the gradient shrinks at every layer on the way back, and by these"
        " layers it is too small for float32 and rounds to zero: modules {layers}. The fix is"
        " the one for a vanishing gradient: ReLU-family activations with"
        " nn.init.kaiming_normal_, BatchNorm or LayerNorm, or residual connections."
    ),
    "graph.summary.group.exploding_huge": (
        "The weights of {count} layers get a huge gradient (RMS {low:.1e} to {high:.1e}), so"
        " one training step can throw them far off: modules {layers}. Start from smaller"
        " weights, lower the learning rate, or clip the gradients with"
        " torch.nn.utils.clip_grad_norm_."
    ),
    "graph.summary.group.vanishing_zero_input": (
        "The weights of {count} layers get a gradient of exactly zero while their biases get "
        "one: every value coming into these layers is zero for the whole batch (ReLU units "
        "silent before them, an input of zeros), so their weights learn nothing from this "
        "batch: modules {layers}."
    ),
    "graph.summary.group.dead": (
        "In {count} ReLU layers, {share} output zero for every example in the batch, so no"
        " gradient flows through them: modules {layers}. The usual causes: a learning rate that"
        " is too high, a large negative bias, an initialisation that shrinks the values so that"
        " the biases decide (PyTorch's default one does so in a deep ReLU net), or weights so"
        " large that every example lands on the same side of zero. Try LeakyReLU or a"
        " BatchNorm before each ReLU, nn.init.kaiming_normal_ where the weights are not at its"
        " scale, and, if training has started, a lower learning rate."
    ),
    "graph.summary.group.dead_after": (
        "In the ReLUs after {count} layers, {share} output zero for every example in the batch,"
        " so no gradient flows through them: after {layers}. The usual causes: a learning rate"
        " that is too high, a large negative bias, an initialisation that shrinks the values so"
        " that the biases decide (PyTorch's default one does so in a deep ReLU net), or weights"
        " so large that every example lands on the same side of zero. Try LeakyReLU or a"
        " BatchNorm before each ReLU, nn.init.kaiming_normal_ where the weights are not at its"
        " scale, and, if training has started, a lower learning rate."
    ),
    "graph.summary.group.vanishing_zero_layer": (
        "The weights of {count} layers get a gradient of exactly zero because the weights in"
        " {zero_weight} are all zero and get no gradient (see [zero weights]), so they learn"
        " nothing either: modules {layers}."
    ),
    "graph.summary.group.dead_zero_layer": (
        "In {count} ReLU layers, {share} output zero for every example in the batch, so no"
        " gradient flows through them: modules {layers}. The weights in {zero_weight} are all"
        " zero, so every example reaches these units with the same value."
    ),
    "graph.summary.group.dead_after_zero_layer": (
        "In the ReLUs after {count} layers, {share} output zero for every example in the batch,"
        " so no gradient flows through them: after {layers}. The weights in {zero_weight} are"
        " all zero, so every example reaches these units with the same value."
    ),
    "graph.summary.group.dead_grown": (
        "In {count} ReLU layers, {share} output zero for every example in the batch, so no"
        " gradient flows through them: modules {layers}. The values also grow layer after layer"
        " (above); smaller weights stop that, but they change a value's sign only through the"
        " biases, so they may not bring these units back. LeakyReLU, or a BatchNorm before each"
        " ReLU (it centres every unit on the batch), keeps the gradient flowing through them."
    ),
    "graph.summary.group.dead_after_grown": (
        "In the ReLUs after {count} layers, {share} output zero for every example in the batch,"
        " so no gradient flows through them: after {layers}. The values also grow layer after"
        " layer (above); smaller weights stop that, but they change a value's sign only through"
        " the biases, so they may not bring these units back. LeakyReLU, or a BatchNorm before"
        " each ReLU (it centres every unit on the batch), keeps the gradient flowing through"
        " them."
    ),
    "graph.summary.group.share_range": "{low:.0%} to {high:.0%} of the units",
    "graph.summary.group.share_all": "all of the units",
    "graph.summary.group.share_one": "{low:.0%} of the units",
    "graph.summary.group.no_gradient": (
        "The weights of {count} layers get no gradient at all, though they took part in the "
        "forward pass: the graph is cut between them and the loss (.detach(), .item(), .numpy() "
        "or torch.no_grad() in forward), so they do not learn: modules {layers}. If that is "
        "meant (a frozen feature extractor), call requires_grad_(False) on them."
    ),
    "graph.summary.group.no_examples": (
        "The weights of {count} layers get a gradient of exactly zero because they got no "
        "examples in this batch (branches or experts this batch routes nothing to): modules "
        "{layers}. Nothing is wrong with their gradients: they learn once examples reach them."
    ),
    "graph.summary.group.accumulated": (
        "The .grad of each of {count} parameters is not the gradient this backward pass "
        "computed: it was added to a gradient left over from before. Call optimizer.zero_grad() "
        "(or p.grad.zero_()) before each backward, or after each step if you accumulate "
        "gradients over several batches on purpose. The parameters: {names}."
    ),
    "graph.summary.group.accumulated_not_in_optimizer": (
        "The .grad of each of {count} parameters is not the gradient this backward pass"
        " computed: it was added to the gradients of earlier passes, and they are not among the"
        " parameters of the optimizer that stepped in this block. Unless another optimizer"
        " trains them, that optimizer's zero_grad() does not reset them and its step() does not"
        " change them: they do not learn. Build the"
        " optimizer after the last change to the model (a layer replaced after"
        " torch.optim.SGD(model.parameters(), ...) stays out of it), or pass it all of"
        " model.parameters(); to keep them fixed on purpose, call requires_grad_(False) on them."
        " The parameters: {names}."
    ),
    "graph.summary.group.not_in_optimizer": (
        "None of these {count} parameters is among the parameters of the optimizer that stepped"
        " in this block. Unless another optimizer trains them, that optimizer's step() does not change"
        " them, so they do not learn, and its zero_grad() does not reset their .grad, to which"
        " every later backward adds. Build the optimizer after the last change to the model (a"
        " layer replaced after torch.optim.SGD(model.parameters(), ...) stays out of it; a model"
        " made again, in a cell run after the optimizer's, is a new model the optimizer does not"
        " hold), or pass it all of model.parameters(); to keep them fixed on purpose, call"
        " requires_grad_(False) on them. The parameters: {names}."
    ),
    "graph.summary.group.accumulated_unregistered": (
        "The .grad of each of {count} parameters is not the gradient this backward pass"
        " computed: it was added to the gradients of every earlier pass. Their layers are not"
        " registered in the model. If your optimizer was built from model.parameters(),"
        " optimizer.zero_grad() never reaches them and the optimizer does not train them:"
        " register the layers (nn.ModuleList, nn.ModuleDict or an attribute); otherwise call"
        " optimizer.zero_grad() before each backward. The parameters: {names}."
    ),
    "graph.summary.unjudged": (
        "  The sizes of these gradients are not judged (vanishing or exploding): each such .grad"
        " is a sum over several backward passes. To see them, call model.zero_grad() before"
        " the backward (it reaches every parameter of the model, also those its optimizer does"
        " not hold; p.grad.zero_() for a tensor of your own), or run the cell once on a fresh"
        " model."
    ),
    "graph.summary.none_collapsed": (
        "Findings: none visible here; to check gradients call g.health() before collapse()"
    ),
    "graph.summary.none_meta": (
        "Findings: none checked (the tensors are on the meta device, which holds shapes but no"
        " values, so there were no values or gradients to check; give the model real weights"
        " to check them)"
    ),
    "graph.summary.none_no_values": (
        "Findings: none checked (no values or gradients were recorded, only the structure and"
        " the shapes)"
    ),
    "graph.summary.none_forward": (
        "Findings: none in the forward pass (no gradients recorded to check)"
    ),
    "graph.summary.none_graph_of": (
        "Findings: none (no vanishing/exploding gradients, NaN or Inf; dead units are not"
        " checked: graph_of records no activations, ng.trace does)"
    ),
    "graph.summary.none_masked": (
        "Findings: none (no vanishing/exploding gradients, dead units, or NaN or Inf reaching"
        " the loss; the Inf or NaN among the forward values, an attention mask's -inf or one"
        " removed by torch.where or nan_to_num, does not reach it)"
    ),
    "graph.summary.none": (
        "Findings: none (no vanishing/exploding gradients, dead units, NaN or Inf)"
    ),
    # graph: export (g.to_dot, g.save, Graph.from_dict) and collapse
    "graph.dot.params": "{count} params",
    "graph.dot.untracked": "untracked: no gradient",
    "graph.dot.renamed_unused": (
        'The node ids in g.graph["unused"] are not in this graph (its nodes were renamed):'
        " results nothing used are not drawn dashed"
    ),
    "graph.error.indent": (
        "to_json(indent=...) needs None or a whole number from 0 to {maximum} (the spaces "
        "per level, e.g. indent=2), got {got!r}"
    ),
    "errors.not_bool": "{call} must be True or False, got {got!r}",
    "graph.error.depth": "collapse(depth=...) needs a whole number >= 0, got {depth!r}",
    "graph.error.rankdir": "to_dot(rankdir=...) must be TB, LR, BT or RL, not {got!r}",
    "graph.error.not_json": (
        "Graph.from_json() needs JSON text such as g.to_json() returns, and this is not valid "
        'JSON ({error}); to load a saved file use Graph.from_json(Path("net.json").read_text())'
    ),
    "graph.error.json_where": "line {line}, column {column}",
    "graph.error.json_not_utf8": "the bytes are not UTF-8 text",
    "graph.error.json_not_text": "got {type}, not text",
    "graph.error.not_an_object": (
        'a saved graph is a JSON object {{"format": "nngraph.graph", ...}}, got {got}: pass '
        "what g.to_dict() or g.to_json() returned"
    ),
    "graph.error.no_format": (
        'this is not an nngraph graph: it has no "format" (an nngraph graph has "format": '
        '"{format}"); pass what g.to_dict() or g.to_json() returned'
    ),
    "graph.error.not_a_graph": (
        'this is not an nngraph graph: "format" is {got}, it should be "{format}"; pass what '
        "g.to_dict() or g.to_json() returned"
    ),
    "graph.error.bad_version": (
        '"version" should be a whole number such as {version}, got {got}: the graph is damaged '
        'or was not written by nngraph; save it again with g.save("net.json")'
    ),
    "graph.error.missing": (
        'this nngraph graph has no "{key}": the JSON is incomplete (cut short or edited by '
        'hand); save the graph again with g.save("net.json")'
    ),
    "graph.error.bad_field": (
        '"{key}" of an nngraph graph should look like {expected}, got {got}: the JSON was '
        'edited or damaged; save the graph again with g.save("net.json")'
    ),
    "graph.error.bad_node": (
        'nodes[{index}] needs an "id" that is a string, a number or a list of them, got {got}: '
        'fix that entry or save the graph again with g.save("net.json")'
    ),
    "graph.error.duplicate_node": (
        "nodes[{index}] repeats the id {id}: every node needs its own id; remove one of them or "
        "give it another id"
    ),
    "graph.error.bad_edge": (
        'edges[{index}] should look like {{"source": id, "target": id}}, got {got}: fix that '
        'entry or save the graph again with g.save("net.json")'
    ),
    "graph.error.edge_node": (
        'edges[{index}] names the node {id}, which is not in "nodes": add that node or remove '
        "the edge"
    ),
    "graph.error.json_text_or_null": "a string such as {example}, or null",
    "graph.error.json_text": "a string such as {example}",
    "graph.error.edited_attribute": (
        'node {id} has "{key}": {got}, which should look like {expected}: was it set by hand'
        " (g.nodes[n][{key!r}] = ...)? nngraph reads the attributes of docs/schema.md"
    ),
    "graph.error.bad_attribute": (
        'nodes[{index}] (id {id}) has "{key}": {got}, which should look like {expected}: fix '
        'that entry or save the graph again with g.save("net.json")'
    ),
    "graph.error.bad_module": (
        'modules[{index}] should look like {{"path": "fc1", "type": "Linear", ...}}, got {got}: '
        'fix that entry or save the graph again with g.save("net.json")'
    ),
    "graph.error.bad_id": (
        "cannot write the node id {id} ({type}) as JSON: an id must be a string, a number or a "
        "tuple of them. Rename the nodes first, e.g. g = networkx.relabel_nodes(g, str)"
    ),
    "graph.error.no_folder": (
        "cannot save {path}: there is no folder {folder}; create it first, e.g. "
        "pathlib.Path({folder!r}).mkdir(parents=True), or save somewhere else"
    ),
    # g.save("results.json/net.svg") where results.json is a file, not a folder
    "graph.error.file_in_path": (
        "cannot save {path}: {file} is a file, not a folder, so nothing can be saved inside"
        " it; pick another folder or file name"
    ),
    # g.save("") or g.save("  "): {got} is what was given
    "graph.error.empty_path": (
        'g.save() got no file name ({got}): give one such as "net.svg" or "results/net.json"'
    ),
    "graph.error.old_version": (
        '"version" is {got}, a version nngraph never wrote: this nngraph reads version '
        "{versions}. The graph is damaged or was not written by nngraph; save it again with "
        'g.save("net.json")'
    ),
    "graph.error.version": (
        "this graph was written in format version {got!r}; this nngraph reads version "
        "{version}: upgrade nngraph"
    ),
    "graph.error.bad_path": (
        'g.save() needs a file name such as "net.svg" or a pathlib.Path, got {got}'
    ),
    "graph.error.is_folder": (
        "cannot save {path}: it is a folder; give a file name inside it, e.g. {example}"
    ),
    "graph.error.name_too_long": (
        "cannot write {path}: the name is too long for the file system (most take up to 255"
        " bytes a name); use a shorter one, e.g. {example}"
    ),
    "graph.error.not_writable": (
        "cannot write {path}: {reason}; save it in a folder you can write to, e.g. {example}"
    ),
    "graph.error.bad_suffix": "cannot save {path!r}: the name must end in one of {suffixes}",
    "graph.error.no_dot": (
        "saving {path} needs the Graphviz `dot` program: install Graphviz (apt-get install "
        "graphviz / brew install graphviz / conda install graphviz) or save as .dot/.json"
    ),
    "graph.error.dot_failed": "Graphviz could not draw {path}: {error}",
    "graph.error.dot_too_big": (
        "{path} was not drawn: Graphviz would take too long (up to minutes) to lay out {nodes} "
        "boxes wired as these. g.collapse({depth}).save({typed!r}) draws it with modules folded "
        'to {boxes} boxes; or save the graph as .dot or .json (g.save("net.json")), which '
        "needs no layout"
    ),
    "graph.error.dot_too_big_any_depth": (
        "{path} was not drawn: Graphviz would take too long (up to minutes) to lay out {nodes} "
        "boxes wired as these, and folding modules does not help: even g.collapse(0), one box "
        "per top-level module, is too much. Save the graph as .dot or .json "
        '(g.save("net.json")), which needs no layout'
    ),
    "graph.error.dot_timeout": (
        "Graphviz was still drawing {path} after {seconds} s and was stopped: {nodes} boxes are "
        "too many to lay out. g.collapse({depth}).save({typed!r}) draws it with modules folded to "
        '{boxes} boxes; or save the graph as .dot or .json (g.save("net.json")), which needs no '
        "layout"
    ),
    "graph.error.dot_timeout_any_depth": (
        "Graphviz was still drawing {path} after {seconds} s and was stopped: {nodes} boxes are "
        "too many to lay out, and folding modules does not help: even g.collapse(0), one box per "
        "top-level module, would be slow. Save the graph as .dot or .json "
        '(g.save("net.json")), which needs no layout'
    ),
    "graph.error.view_type": (
        "GraphView needs a graph: an ng.Graph (what ng.trace, ng.record and ng.graph_of "
        "return), its g.to_dict() or its g.to_json() text, not {got}; e.g. "
        "GraphView(ng.trace(model, x))"
    ),
    # widgets: errors of the views' options (nngraph.widgets; Python only)
    "widgets.error.not_installed": (
        "the notebook views (g.show(), ng.GraphView, ng.LossView) need the package {package}, "
        "which this Python cannot import: install or upgrade it with %pip install --upgrade "
        "{package} in a notebook cell (pip install --upgrade {package} in a terminal), then "
        "restart the kernel; until then print(g.summary()) shows the graph as text"
    ),
    "widgets.error.choice": "{widget}({option}=...) must be one of: {allowed}; got {got!r}",
    "widgets.error.depth": (
        "{widget}(depth=...) needs a whole number >= 0 (the levels of modules open at the "
        "start, as in g.collapse(depth=1)) or None (as many as fit), got {got!r}"
    ),
    "widgets.error.whole": "{widget}({option}=...) needs a whole number, got {got!r}",
    "widgets.error.unknown_option": "{widget} has no option {name!r}; its options are: {known}",
    "widgets.error.at_least": (
        "{widget}({option}=...) needs a whole number of at least {minimum}, got {got!r}"
    ),
    "widgets.error.range": "{widget}({option}=...) must be a number from {low} to {high}, got {got!r}",
    "widgets.error.selected": (
        "{widget}(selected=...) needs a node's id, a string such as 'n3' ('' for none), got {got!r}"
    ),
    "widgets.error.selected_unknown": (
        "{widget}(selected=...) got {got}, which is no node of this graph ('' selects none). {hint}"
    ),
    "widgets.error.selected_close": "Did you mean {close}?",
    "widgets.error.selected_list": (
        "list(g.nodes) gives the node ids ({first}, ...), and g.nodes(data='name') pairs them "
        "with the parameters' names"
    ),
    "widgets.error.selected_empty": "This graph has no nodes, so only '' can be selected",
    "widgets.error.layout": (
        "{widget}(layout=...) is ipywidgets' layout: a dict such as layout={{'width': '600px'}} "
        "or an ipywidgets.Layout, got {got!r}"
    ),
    "graph.error.view_bad": "GraphView cannot show this: {error}",
    # the static picture of a graph view (drawn in Python, shown where no JavaScript runs)
    "graph.picture.more": "… {n} more not drawn",
    # the text line of a graph view (text/plain, the picture's alt text): counted nouns
    "graph.repr": "<nngraph Graph: {nodes}, {ops}, {params}>",
    "graph.view.nodes.one": "{n} node",
    "graph.view.nodes.few": "{n} nodes",
    "graph.view.nodes.many": "{n} nodes",
    "graph.view.ops.one": "{n} op",
    "graph.view.ops.few": "{n} ops",
    "graph.view.ops.many": "{n} ops",
    "graph.view.params.one": "{n} parameter",
    "graph.view.params.few": "{n} parameters",
    "graph.view.params.many": "{n} parameters",
    # graphview: the graph view (nngraph.widgets.GraphView; sent to the browser as a dict,
    # filled there: plain {name} fields only). English defaults: js/src/lib/messages.en.json
    "graphview.forward": "Forward",
    "graphview.forward_hint": "forward pass: data flows from the inputs to the loss",
    "graphview.backward": "Backward",
    "graphview.backward_hint": "backward pass: the gradient flows from the loss back to the parameters",
    "graphview.search": "search name…",
    "graphview.search_hint": "search nodes by name",
    "graphview.matches.one": "{n} match",
    "graphview.matches.few": "{n} matches",
    "graphview.matches.many": "{n} matches",
    "graphview.color_by": "colour by",
    "graphview.color.grad": "colour: gradient",
    "graphview.color.value": "colour: value",
    "graphview.color.none": "colour: none",
    "graphview.depth": "depth {depth}",
    "graphview.depth_down_hint": "show less detail (close one level of modules)",
    "graphview.depth_up_hint": "show more detail (open one more level of modules)",
    "graphview.fit": "Fit",
    "graphview.fit_hint": "fit the whole graph in view",
    "graphview.laying_out": "Laying out the graph…",
    "graphview.cannot_read": "Cannot read this graph: {error}",
    "graphview.not_a_graph": "this is not an nngraph graph (it needs format 'nngraph.graph' and a list of nodes)",
    "graphview.layout_failed": "Layout failed: {error}",
    "graphview.refused.open_too_many": (
        "Opening this would draw {n} nodes at once, more than the view can show."
    ),
    "graphview.refused.depth_too_many": (
        "Depth {depth} would draw {n} nodes at once, more than the view can show."
    ),
    "graphview.refused.open_tangled": (
        "Opening this would freeze the page for a long time while it is laid out: too many of "
        "its arrows would cross."
    ),
    "graphview.refused.depth_tangled": (
        "Laying out depth {depth} would freeze the page for a long time: too many of its "
        "arrows would cross."
    ),
    "graphview.refused.kept": "The drawing shown is unchanged (depth {depth}).",
    "graphview.refused.advice": (
        "Open one module at a time by clicking its box (close others by clicking the title of "
        "their frame), or find a node with the search box; print(g.summary()) reads the graph "
        "as text."
    ),
    "graphview.refused.advice_graph_of": (
        "ng.graph_of knows no modules to fold the graph into fewer boxes: draw "
        "ng.trace(model, x, loss=...) instead; print(g.summary()) reads the graph as text."
    ),
    "graphview.depth_changed.too_many": (
        "Drawn at depth {depth}, not the {asked} asked for: depth {asked} would draw {n} nodes "
        "at once, more than the view can show."
    ),
    "graphview.depth_changed.tangled": (
        "Drawn at depth {depth}, not the {asked} asked for: laying out depth {asked} would "
        "freeze the page for a long time (too many of its arrows would cross)."
    ),
    "graphview.depth_changed.advice": "Click a module's box to open that module alone.",
    "graphview.too_big": (
        "This graph would draw {n} nodes at once, more than the view can show, and folding its "
        "modules does not make it smaller (ops run outside any module, such as a loop written in "
        "the cell, do not fold: put them in an nn.Module to fold them); print(g.summary()) reads "
        "it as text."
    ),
    "graphview.too_big_graph_of": (
        "This graph would draw {n} nodes at once, more than the view can show, and folding its "
        "modules does not make it smaller. ng.graph_of knows no modules (ng.trace and ng.record "
        "do); print(g.summary()) reads it as text."
    ),
    "graphview.too_tangled": (
        "Laying out this drawing would freeze the page for a long time: too many of its arrows "
        "cross (a box that feeds ops all along the graph, such as a weight used at every step of "
        "a loop, or dense connections such as DenseNet's). Try another depth with + or −; "
        "print(g.summary()) reads the graph as text."
    ),
    "graphview.too_tangled_graph_of": (
        "Laying out this drawing would freeze the page for a long time: too many of its arrows "
        "cross, and ng.graph_of knows no modules to fold the graph into fewer boxes. Draw "
        "ng.trace(model, x, loss=...) instead, whose modules fold; print(g.summary()) reads the "
        "graph as text."
    ),
    "graphview.legend.grad": "gradient size (RMS, log scale):",
    "graphview.legend.value": "value size (RMS, log scale):",
    "graphview.legend.nonfinite": "NaN or Inf",
    "graphview.legend.zero": "zero or none",
    "graphview.inspector": "inspector",
    "graphview.close": "close",
    "graphview.step.start": "Start",
    "graphview.step.start_hint": "back to the start of the backward pass",
    "graphview.step.prev_hint": "one step back",
    "graphview.step.replay": "▶ Replay backward",
    "graphview.step.replay_hint": "replay the backward pass node by node, in autograd's order",
    "graphview.step.pause": "Pause",
    "graphview.step.next_hint": "one step forward",
    "graphview.step.end": "End",
    "graphview.step.end_hint": "jump to the end of the backward pass",
    "graphview.step.help": "Backward step-through: see the gradient flow from the loss to the parameters.",
    "graphview.step.none": "No backward pass in this graph: trace it with a loss to replay the gradient flow.",
    "graphview.step.intro": "Backward pass: {n} steps. Press ▶ to let the gradient flow from the loss.",
    "graphview.step.at": "step {step}/{total}: {what}",
    "graphview.step.param": "gradient reaches parameter {name}",
    "graphview.step.param_in": "gradient reaches parameter {name} in module {module}",
    "graphview.step.op": "{op} passes the gradient back",
    "graphview.step.op_in": "{op} passes the gradient back in module {module}",
    "graphview.node.grad_shape": "grad {shape}",
    "graphview.node.op": "op {op}",
    "graphview.node.autograd": "autograd {name}",
    "graphview.node.in": "in {module}",
    "graphview.node.unused": (
        "returned but never used: nothing reads it (a hidden state thrown away, as in "
        "out, _ = rnn(x))"
    ),
    "graphview.node.untracked": (
        "not tracked by autograd (computed under torch.no_grad(), or from inputs that need no "
        "gradient): no gradient flows back through it"
    ),
    "graphview.node_kind.input": "input",
    "graphview.node_kind.param": "param",
    "graphview.node_kind.buffer": "buffer",
    "graphview.node_kind.constant": "constant",
    "graphview.node_kind.op": "op",
    "graphview.node_kind.output": "output",
    "graphview.node_kind.module": "module",
    "graphview.run.more": "… {type} ×{n} more",
    "graphview.run.title": "{n} repeated {type} blocks, {first} to {last}\nclick to unfold",
    "graphview.run.block": "block",
    "graphview.module.params": "{count} params",
    "graphview.module.title": "{path} ({type}), {n} nodes inside\nclick to open",
    "graphview.module.module": "module",
    "graphview.cluster.close_hint": "{path}: click to close this module",
    "graphview.field.op": "op",
    "graphview.field.autograd": "autograd",
    "graphview.field.module": "module",
    "graphview.field.module_type": "module type",
    "graphview.field.name": "name",
    "graphview.field.shape": "shape",
    "graphview.field.dtype": "dtype",
    "graphview.field.device": "device",
    "graphview.field.requires_grad": "requires grad",
    "graphview.field.parameters": "parameters",
    "graphview.field.dead_units": "dead units",
    "graphview.field.id": "id",
    "graphview.field.type": "type",
    "graphview.field.nodes_inside": "nodes inside",
    "graphview.field.grad_rms": "gradient RMS",
    "graphview.stat.mean": "mean",
    "graphview.stat.std": "std",
    "graphview.stat.min": "min",
    "graphview.stat.max": "max",
    "graphview.stat.norm": "L2 norm",
    "graphview.stat.zero_frac": "zeros",
    "graphview.stat.nan": "NaN",
    "graphview.stat.inf": "Inf",
    "graphview.top_level": "(top level)",
    "graphview.yes": "yes",
    "graphview.no": "no",
    "graphview.dead_units": "{dead} of {units} never fire",
    "graphview.scalar": "scalar",
    "graphview.range": "range {min} to {max}, mean {mean} ± {std}",
    "graphview.grad_spread": "gradient size of the {n} tensors inside (log10 RMS)",
    "graphview.section.health": "Health",
    "graphview.section.value": "Value",
    "graphview.section.gradient": "Gradient",
    "graphview.no_grad": "No gradient recorded: run loss.backward() inside ng.record() to see it.",
    "graphview.kind.repeated": "repeated blocks",
    "graphview.kind.module": "module",
    "graphview.note.run": "Click the block to unfold the repeats.",
    "graphview.flags_more.one": "… and 1 more finding inside this box",
    "graphview.flags_more.few": "… and {n} more findings inside this box",
    "graphview.flags_more.many": "… and {n} more findings inside this box",
    "graphview.note.module": "Click the module to open it; click its frame's title to close it again.",
    "graphview.flag.text": "{kind} ({where}): {message}",
    "graphview.flag.text_nowhere": "{kind}: {message}",
    "graphview.flag.kind.vanishing": "vanishing",
    "graphview.flag.kind.exploding": "exploding",
    "graphview.flag.kind.data_scale": "data scale",
    "graphview.flag.kind.dead": "dead",
    "graphview.flag.kind.unregistered": "not in the model",
    "graphview.flag.kind.nan": "nan",
    "graphview.flag.kind.inf": "inf",
    "graphview.flag.kind.zeros": "zero weights",
    "graphview.flag.kind.accumulated": "accumulated gradient",
    "graphview.flag.kind.not_in_optimizer": "not in the optimizer",
    "graphview.flag.kind.reset_before_step": "gradients reset before the step",
    "graphview.flag.kind.constant": "equal weights",
    "graphview.flag.kind.no_gradient": "no gradient",
    "graphview.flag.kind.loss_input": "loss given the wrong input",
    "graphview.flag.kind.saturated": "saturated units",
    "graphview.flag.kind.linear_stack": "no activation",
    "graphview.flag.kind.untrained_norm": "untrained normalisation",
    "graphview.flag.help.constant": "Every weight here has the same value, so all units compute the same thing and learn the same way: they never become different.",
    "graphview.flag.help.loss_input": "The loss gets something it does not expect (squashed scores, or a target of another shape): it still returns a number, but not the one meant.",
    "graphview.flag.help.saturated": (
        "Most of these tanh or sigmoid units sit near their limits (-1 and 1, or 0 and 1), where their slope is almost 0: little gradient passes through them, so the layers before them barely learn."
    ),
    "graphview.flag.help.linear_stack": "Linear layers follow each other here with no activation between them: together they are one linear map, no more expressive than one layer.",
    "graphview.flag.help.untrained_norm": "This normalisation layer runs in eval mode with the statistics it starts with: it has seen no training data, so it does not normalise yet.",
    "graphview.flag.help.no_gradient": "No gradient reached these weights: the graph is cut between them and the loss, so they do not learn.",
    "graphview.flag.help.zeros": "Every weight here is zero, so this layer passes no signal and cannot learn.",
    "graphview.flag.help.accumulated": "This gradient was added to an old one: .grad was not reset before backward.",
    "graphview.flag.help.not_in_optimizer": "The optimizer that stepped does not hold this weight: its step() never changes it, so it does not learn. Build the optimizer after the last change to the model.",
    "graphview.flag.help.reset_before_step": "zero_grad() ran between backward() and step(): the step got no gradients and changed no weight. Call zero_grad() before backward().",
    "graphview.flag.where.forward": "forward",
    "graphview.flag.where.backward": "backward",
    "graphview.flag.help.vanishing": "The gradient here is tiny, so the layers before this point hardly learn.",
    "graphview.flag.help.exploding": "The gradient here is huge, so training steps overshoot and the loss may blow up.",
    "graphview.flag.help.data_scale": "The data here is far from standardised (values in the hundreds or more), so the layer that multiplies it gets huge gradients: standardise it, (x - mean) / std.",
    "graphview.flag.help.dead": "These ReLU units output zero for every example, so no gradient flows through them and they stop learning.",
    "graphview.flag.help.unregistered": "This module is kept in a plain Python list, so model.parameters() leaves out its weights and the optimizer never trains them. Use nn.ModuleList.",
    "graphview.flag.help.nan": "NaN (not a number) appeared here: something like 0/0 or log(0) happened.",
    "graphview.flag.help.inf": "Infinity appeared here: a number grew too large for its float type.",
    "graphview.plain": "<nngraph GraphView: {nodes}, {ops}, {params}>",
    "graphview.empty_graph": "empty graph",
    "graphview.not_built": "nngraph: the interactive view is not built. Run scripts/setup.sh (or: cd js && npm ci && npm run build) and restart the kernel.",
}
