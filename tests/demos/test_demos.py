"""The lecture demos run top to bottom and show what they are there to show.

Each demo's source (`demos/src/NN_name.py`) becomes a notebook that runs in a fresh kernel in a
temporary directory; a hidden cell at the end then asserts the demo's teaching facts on the
notebook's own variables. A failure shows the kernel's error text. Kernels run with one OpenMP
thread: on a busy shared machine that is faster for models this small.

The Stop button of a live view calls `request_stop()` on its monitor; the checks do the same,
from a listener of a real monitor, to see that the demo's own loop ends in that epoch.
"""

from __future__ import annotations

import importlib.util
import re
import textwrap
from pathlib import Path

import nbformat
import pytest
from nbclient.exceptions import CellExecutionError
from nbformat.v4 import new_code_cell

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("build_demos", ROOT / "scripts" / "build_demos.py")
assert _spec is not None and _spec.loader is not None
build = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(build)

#: Helpers every check cell starts with.
PRELUDE = """
def click_stop(monitor, when):
    \"\"\"Click Stop (what the button does: `request_stop()`) once `when(monitor)` holds, in the
    monitor's listener: a monitor made with `flush_interval=0`, or one that logs an event, calls
    it from `log()`, so the loop's next `should_stop` sees the click.\"\"\"

    def listener(update):
        if when(monitor) and not monitor.stop_requested:
            monitor.request_stop()

    monitor.add_listener(listener)
    return monitor


def rerun(marker, then):
    \"\"\"Run the demo's code cell that holds the line `marker` again, with the line `then`
    right after that line.\"\"\"
    cell = next(c for c in In[:-1] if marker in c)
    lines = cell.splitlines()
    at = next(i for i, line in enumerate(lines) if marker in line) + 1
    exec("\\n".join([*lines[:at], then, *lines[at:]]), globals())

"""

CHECKS: dict[str, str] = {
    "01_tensors_autograd": """
        ops = {d["op"] for _, d in g.nodes(data=True) if d["kind"] == "op"}
        assert {"pow", "add", "sqrt", "mean"} <= ops, ops
        no_grad = [d["label"] for _, d in g.nodes(data=True) if d["grad"] is None]
        assert not no_grad, f"nodes without a gradient: {no_grad}"
        expected = (a / (3 * torch.sqrt(a**2 + b**2))).detach()
        assert torch.allclose(grad_a, expected), (grad_a, expected)
        assert torch.allclose(second_grad, 2 * first_grad), (first_grad, second_grad)
        assert torch.allclose(x.detach().cpu(), torch.tensor([3.0, -2.0]), atol=1e-3), x
        for _ in range(2):  # run the vector-Jacobian cell again: it shows the same, v * b
            rerun("y = a * b", "pass")
            assert torch.allclose(a.grad, v * b.detach()), (a.grad, v * b)
    """,
    "02_linear_regression": """
        assert set(first_grads) == {"w", "b"}, first_grads
        x64, y64 = x.cpu().double(), y.cpu().double()
        expected_w_grad = (2 * x64 * (100 * x64 - y64)).mean().item()  # at w = 100, b = 0
        assert abs(first_grads["w"] - expected_w_grad) < 1e-3 * abs(expected_w_grad)
        design = torch.cat([x64, torch.ones_like(x64)], dim=1)
        best_w, best_b = torch.linalg.lstsq(design, y64).solution.flatten().tolist()
        assert abs(w.item() - best_w) < 0.01 and abs(b.item() - best_b) < 0.01, (w, b)
        assert abs(w.item() - 2) < 0.2 and abs(b.item() - 0.9) < 0.2, (w, b)
        assert torch.allclose(w, w2) and torch.allclose(b, b2), (w, w2, b, b2)
        losses = by_hand.history("loss")[1]
        assert losses[-1] < losses[0] / 1000, losses
        for mon in (by_hand, with_sgd):  # each epoch: its loss with the w and b that gave it
            assert mon.epoch == epochs, mon.epoch
            w_curve, b_curve = mon.history("w")[1], mon.history("b")[1]
            assert w_curve[0] == 100 and b_curve[0] == 0, (w_curve[:3], b_curve[:3])
            fit = torch.from_numpy(w_curve)[:, None] * x64.T + torch.from_numpy(b_curve)[:, None]
            expected = ((fit - y64.T) ** 2).mean(1)
            logged = torch.from_numpy(mon.history("loss")[1])
            assert torch.allclose(logged, expected, rtol=1e-4), (logged[:3], expected[:3])
        rerun("by_hand = ng.Monitor(", "by_hand.request_stop()")  # Stop before epoch 1
        assert by_hand.epoch == 1, by_hand.epoch
        assert by_hand.history("w")[1][0] == 100, by_hand.history("w")  # run again: w from 100
        rerun("with_sgd = ng.Monitor(", "with_sgd.request_stop()")
        assert with_sgd.epoch == 1, with_sgd.epoch
    """,
    "03_framework_vs_pytorch": """
        assert max(max_difference.values()) < 1e-10, max_difference
        for name, grad in ours.items():  # the graph keeps float32-precise statistics
            assert abs(graph_norm[name] - np.linalg.norm(grad)) < 1e-6, name
        ops = {d["op"] for _, d in g.nodes(data=True) if d["kind"] == "op"}
        assert {"linear", "tanh", "softmax"} <= ops, ops
        assert abs(numpy_loss - loss.item()) < 1e-9, (numpy_loss, loss)
        assert numpy_acc == torch_acc > 0.8, (numpy_acc, torch_acc)
        recorded = next(c for c in In[:-1] if "--model torch_net" in c)
        for _ in range(2):  # the %%nngraph cell run again, then the gradient check: it still holds
            exec(recorded, globals())
            rerun("graph_norm = {", "pass")
            assert max(max_difference.values()) < 1e-10, max_difference
            for name, grad in ours.items():
                assert abs(graph_norm[name] - np.linalg.norm(grad)) < 1e-6, name
            leftover = [f for f in g.health() if f["kind"] == "accumulated"]
            assert not leftover, leftover  # no gradient left over from the run before
    """,
    "04_binary_classification": """
        import math
        w_seen = next(d for _, d in bug_graph.nodes(data=True) if d["name"] == "w")
        assert w_seen["value"]["zero_frac"] == 1.0, w_seen["value"]  # the weights are zeros
        assert w_seen["grad"]["norm"] > 0, w_seen["grad"]
        flagged = {(f["kind"], f["name"]) for f in bug_graph.health()}
        assert {("zeros", "w"), ("accumulated", "w"), ("accumulated", "b")} <= flagged, flagged
        assert abs(b_change + lr) < 1e-6 and abs(b_change - b_expected) > 1e-3, (b_change, b_expected)
        flat = buggy.history("loss")[1][1:]
        assert all(abs(v - math.log(2)) < 1e-5 for v in flat), flat  # the loss never moves
        norms = buggy.history("grad")[1]
        assert all(later > earlier for earlier, later in zip(norms, norms[1:])), norms
        assert norms[-1] > 10 * norms[1], norms  # gradients pile up: nothing resets them
        assert buggy.epoch == 30, buggy.epoch  # the markdown: "the 30 earlier passes"
        ratio = w_seen["grad"]["norm"] / w_grad_now.norm().item()
        assert 25 < ratio < 35, ratio  # the markdown: "about 30 times" this pass's own
        assert fixed.best.metrics["val_acc"] >= 0.8, fixed.best
        assert fixed.history("loss")[1][-1] < 0.6, fixed.history("loss")
        assert n_params == 41
        assert {"linear", "relu"} <= {d["op"] for _, d in g.nodes(data=True)}
        for mon in (mon_linear, mon_sequential, mon_sgd, mon_adam):
            assert mon.best.metrics["val_acc"] >= 0.8, (mon.name, mon.best)
        assert set(runs.names) == {"SGD", "Adam"}
        assert test_acc >= 0.7, test_acc
        for mon in (mon_linear, mon_sequential, mon_sgd, mon_adam):  # a detector does not stop
            assert mon.epoch == 100, (mon.name, mon.epoch)
        clicked = click_stop(ng.Monitor(display=False, flush_interval=0), lambda m: m.epoch >= 5)
        fit(clicked)
        assert clicked.epoch == 5, clicked.epoch  # the Stop button ends fit() in that epoch
        late = copy.deepcopy(linear)  # past its best: the validation loss rises from here
        clicked = click_stop(ng.Monitor(display=False, flush_interval=0), lambda m: m.epoch >= 30)
        train(late, torch.optim.SGD(late.parameters(), lr=0.5), monitor=clicked)
        assert clicked.stop_event.detector.startswith("Patience"), clicked.events  # stop first
        assert clicked.epoch == 30, clicked.epoch  # ...and the click after it still stops
    """,
    "05_lightning": """
        assert n_params == 41
        assert {"loss", "val_loss", "acc", "val_acc"} <= set(mon.metrics), mon.metrics
        assert mon.epoch == 40 or mon.should_stop, mon.epoch
        if mon.stop_event is not None:  # the markdown: numbered from 0, one less than those run
            assert trainer.current_epoch == mon.stop_event.epoch + 1 == ran, (mon.stop_event, ran)
        assert mon.best.metrics["val_acc"] >= 0.8, mon.best
        assert abs(val_loss - mon.best.value) < 1e-5, (val_loss, mon.best)  # best weights back
        assert {"linear", "relu"} <= {d["op"] for _, d in g.nodes(data=True)}
        assert test_acc >= 0.7, test_acc
    """,
    "06_overfitting": """
        import numpy as np
        line_train, line_val = errors["line (2 parameters)"]
        poly_train, poly_val = errors["degree 6 (7 parameters)"]
        assert poly_train < 1e-12 < line_train, (poly_train, line_train)
        assert poly_val > line_val, (poly_val, line_val)
        assert all(a >= b - 1e-9 for a, b in zip(train_errors, train_errors[1:])), train_errors
        assert all(e < 1e-12 for e in train_errors[4:]), train_errors  # 5 points: exact from 4
        bottom = int(np.argmin(val_errors))
        assert 0 < bottom < 4 and val_errors[0] > val_errors[bottom] < val_errors[-1], val_errors
        steps, values = mon.history("val_loss")
        lowest = int(steps[np.argmin(values)])
        assert mon.best.epoch == lowest, (mon.best, lowest)
        assert mon.stop_event is not None
        assert 0 < mon.stop_event.epoch - lowest <= 5, (mon.stop_event, lowest)
        train_loss = mon.history("loss")[1]
        assert train_loss[-1] < train_loss[lowest - 1], "training loss kept falling"
        assert values[-1] > 1.2 * values.min(), "validation loss rose"
        assert last_val_loss > 1.1 * mon.best.value
        assert abs(restored_val_loss - mon.best.value) < 1e-5, (restored_val_loss, mon.best)
        for _ in range(2):  # run again: "last epoch" is still the last epoch's, not the restored
            rerun("mon.restore_best(model)", "pass")
            assert last_val_loss == values[-1] > 1.1 * mon.best.value, (last_val_loss, values[-1])
            assert abs(restored_val_loss - mon.best.value) < 1e-5, (restored_val_loss, mon.best)
        messages = [e.message for e in mon.events]
        monitor_line = "mon = ng.Monitor(model=model"
        rerun(monitor_line, "mon.request_stop()")  # Stop before epoch 1: no 15 epochs more
        assert mon.epoch == 1, mon.epoch
        rerun(monitor_line, "click_stop(mon, lambda m: m.stop_event is not None)")  # with GL(5)
        assert mon.stop_event.detector.startswith("GL"), mon.events
        assert mon.epoch == mon.stop_event.epoch, (mon.epoch, mon.events)  # not 15 more
    """,
    "07_lab": """
        for runs, epochs in [(runs_iris, 150), (runs_digits, 60)]:
            deep, one = runs["3 x 256"], runs["1 layer"]
            values, train_loss = deep.history("val_loss")[1], deep.history("loss")[1]
            assert deep.best.epoch <= epochs - 20, deep.best  # best early...
            assert values[-1] > 1.2 * values.min(), values  # ...then validation loss rises
            assert train_loss[-1] < train_loss[deep.best.epoch - 1]  # while training loss falls
            assert any(e.detector.startswith("GL") for e in deep.events), deep.events
            assert train_loss[-1] < 0.01, train_loss[-1]  # "falls almost to 0"
            wide = runs["hidden 256"]
            assert wide.best.epoch <= epochs - 20, wide.best  # "well before the end"
            assert wide.history("val_loss")[1][-1] > wide.best.value  # "then ... rises a little"
            assert one.best.epoch >= epochs - 5, one.best  # one layer: still improving
            assert not one.events, one.events
            last_losses = {m.name: m.history("loss")[1][-1] for m in runs}
            assert max(last_losses, key=last_losses.get) == one.name, last_losses  # ends highest
        assert runs_digits["hidden 64"].best.metrics["val_acc"] > 0.9
        for title, hidden in [("Iris", "hidden 32"), ("digits", "hidden 64")]:
            one_layer = runs_iris["1 layer"] if title == "Iris" else runs_digits["1 layer"]
            more_epochs = longer[title, 10 * one_layer.epoch, 0.01].value
            faster = longer[title, one_layer.epoch, 0.1].value
            hidden_best = (runs_iris if title == "Iris" else runs_digits)[hidden].best.value
            longest = longer[title, 10 * one_layer.epoch, 0.01]
            if title == "Iris":  # under-trained: longer or faster, it gets near the hidden layer
                assert max(more_epochs, faster) < min(0.5 * one_layer.best.value, 1.3 * hidden_best)
                worst, before = max(more_epochs, faster), one_layer.best.value
                assert worst < 0.4 * before, (worst, before)  # "about a third"
                assert before - worst > 0.75 * (before - hidden_best)  # "most of the way down"
                assert longest.epoch == 10 * one_layer.epoch, longest  # "still improving"
            else:  # too simple: however it is trained, it stays well above the hidden layer
                assert min(more_epochs, faster) > 1.3 * hidden_best, (more_epochs, hidden_best)
                assert longest.epoch < 0.8 * 10 * one_layer.epoch, longest  # "well before"
        tables = [(iris, runs_iris, iris_starts), (digits, runs_digits, digits_starts)]
        for data, runs, starts in tables:  # trained again "from the same start"...
            one = runs["1 layer"]  # ...with the table's epochs and rate: the table's run again
            again = best_one_layer(starts[one.name], data, one.epoch, 0.01)
            assert again.epoch == one.best.epoch, (again, one.best)
            assert abs(again.value - one.best.value) < 1e-6, (again, one.best)
        for runs, epochs in [(runs_iris, 150), (runs_digits, 60)]:
            stopped = [m.name for m in runs if m.stop_event is not None]
            assert stopped, "no detector stopped a run"  # the table's `stop` column
            assert all(m.epoch == epochs for m in runs), [(m.name, m.epoch) for m in runs]
        torch.manual_seed(0)
        clicked = click_stop(ng.Monitor(display=False, flush_interval=0), lambda m: m.epoch >= 60)
        train(mlp(4, [256, 256, 256], 3), iris, clicked, epochs=150)
        assert clicked.stop_event.detector.startswith("Patience"), clicked.events  # stop first
        assert clicked.epoch == 60, clicked.epoch  # ...and the click after it still stops
        rerun(  # Stop clicked in the second run: it ends, and the runs after it are skipped
            "runs_iris = ng.Runs()",
            "runs_iris.add_listener(lambda u: u.name == 'hidden 4' and runs_iris[u.name].request_stop())",
        )
        assert runs_iris.names == ["1 layer", "hidden 4"], runs_iris.names
        assert runs_iris["hidden 4"].epoch == 1, runs_iris["hidden 4"].epoch
        assert len(HINTS) == 2, HINTS  # the exercises show their code: the test set once...
        exec(HINTS[0], globals())  # ...for the picked run, at its best epoch...
        assert picked.model is not model and test_acc > 0.9, (picked.model, test_acc)
        exec(HINTS[1], globals())  # ...and fewer digits, with the notebook's own train()
        assert len(few.x_train) == len(few.y_train) == 200, few
        assert few.x_val is digits.x_val, "the validation set stays"
        assert runs_digits[runs_digits.names[-1]].epoch == 60, runs_digits.names
        import re
        for runs_name, split in [("runs_digits", "digits."), ("runs_iris", "iris.")]:
            for name in globals()[runs_name].names:  # any run picked, the 200 digits' too
                picking = f"picked = {runs_name}[{name!r}]"
                snippet = re.sub(r"^picked = .*$", picking, HINTS[0], flags=re.MULTILINE)
                exec(snippet.replace("digits.", split), globals())  # the test set snippet works
                assert picked.name == name and 0 < test_acc <= 1, (name, test_acc)
    """,
    "08_lab_tasks": """
        assert runs_iris.names[0] == "1 layer" and len(runs_iris.names) == 2, runs_iris.names
        assert runs_digits.names == ["1 layer"], runs_digits.names  # the placeholders run...
        assert all(m.epoch == 150 for m in runs_iris) and runs_digits["1 layer"].epoch == 60
        assert 0.5 < test_acc <= 1, test_acc
        rerun("iris_hidden = [", "iris_hidden = [4]")  # ...and so do a student's answers
        rerun("deep = [", "deep = [32, 32]")
        assert len(runs_iris.names) == 4 and runs_iris[runs_iris.names[-1]].epoch == 150
        chosen = runs_iris.names[2]
        rerun("picks = {", f"picks['Iris'] = {chosen!r}")  # the test set, for the picked run
        assert picks["Iris"] == chosen and 0.5 < test_acc <= 1, (picks, test_acc)
    """,
}

ENGLISH_EVENT = "validation loss is"
#: a code block in a markdown cell (an exercise's hint): the check cell gets them as `HINTS`
FENCED_CODE = re.compile(r"^```python\n(.*?)^```", re.DOTALL | re.MULTILINE)
POLISH_LETTERS = re.compile("[ąćęłńóśźż]")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def check_demo(stem: str, tmp_path: Path, lang: str = "en") -> dict[str, str]:
    """Execute demo `stem` in `lang` plus its check cell; returns the check cell's stdout by
    stream. In Polish the check reads the translated strings (run names, labels) too."""
    source = build.SOURCES / f"{stem}.py"
    nb = build.notebook(source, lang)
    hints = [
        block
        for cell in nb.cells
        if cell.cell_type == "markdown"
        for block in FENCED_CODE.findall(cell.source)
    ]
    check = textwrap.dedent(PRELUDE) + textwrap.dedent(CHECKS[stem])
    if lang != "en":
        for old, new in build.replacements(build.translation(source).read_text("utf-8")):
            check = check.replace(old, new)
    check = f"HINTS = {hints!r}\n" + check  # the notebook's own text: translated already
    if lang != "en" and "messages = " in CHECKS[stem]:  # the detectors' own words
        check += "for m in messages:\n    print(m)\n"
    nb.cells.append(new_code_cell(check))
    failure = None
    try:
        build.execute(nb, cwd=tmp_path, timeout=120)
    except CellExecutionError as error:
        failure = _ANSI.sub("", str(error))
    if failure is not None:
        pytest.fail(f"demo {stem} ({lang}):\n{failure}", pytrace=False)
    # A loaded kernel may send one print in several stream messages: join them by stream.
    streams: dict[str, str] = {}
    for o in nb.cells[-1].outputs:
        streams[o.get("name", "")] = streams.get(o.get("name", ""), "") + o.get("text", "")
    return streams


@pytest.fixture(autouse=True)
def one_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OMP_NUM_THREADS", "1")


def test_every_demo_has_a_check() -> None:
    assert sorted(CHECKS) == [s.stem for s in build.sources()]


@pytest.mark.slow
@pytest.mark.parametrize("lang", build.LANGUAGES)
@pytest.mark.parametrize("stem", sorted(CHECKS))
def test_demo(stem: str, lang: str, tmp_path: Path) -> None:
    out = check_demo(stem, tmp_path, lang).get("stdout", "")
    if lang == "pl" and "messages = " in CHECKS[stem]:  # the detectors speak Polish
        assert out.strip(), "no detector message"
        assert ENGLISH_EVENT not in out, out
        assert POLISH_LETTERS.search(out), out


@pytest.mark.parametrize("source", build.sources(), ids=lambda s: s.stem)
def test_polish_text_fits_its_source(source: Path) -> None:
    """Every markdown cell has its Polish text, and every Polish string is found in the code:
    a translation left behind by an edit of the English source fails here, and so does an
    English cell left untranslated."""
    english = build.notebook(source)
    polish = build.notebook(source, "pl")  # raises when the translation does not fit
    for en, pl in zip(english.cells, polish.cells, strict=True):
        if en.cell_type == "markdown":
            assert en.source != pl.source and POLISH_LETTERS.search(pl.source), pl.source[:80]


@pytest.mark.parametrize("lang", build.LANGUAGES)
@pytest.mark.parametrize("source", build.sources(), ids=lambda s: s.stem)
def test_saved_notebook_is_built_from_its_source(source: Path, lang: str) -> None:
    """The committed notebook has the source's cells, every code cell run, and no errors."""
    path = build.target(source, lang)
    saved = nbformat.read(path, as_version=4)
    fresh = build.notebook(source, lang)
    assert [(c.cell_type, c.source) for c in saved.cells] == [
        (c.cell_type, c.source) for c in fresh.cells
    ], f"rebuild it: .venv/bin/python scripts/build_demos.py {source.stem[:2]} --lang {lang}"
    for cell in saved.cells:
        if cell.cell_type == "code":
            assert cell.execution_count is not None, cell.source[:60]
            assert not [o for o in cell.outputs if o.output_type == "error"], cell.source[:60]
    size = path.stat().st_size
    assert size < 600_000, f"{path.name} is {size // 1024} KiB"


@pytest.mark.parametrize("source", build.sources(), ids=lambda s: s.stem)
def test_demo_conventions(source: Path) -> None:
    """One place for the language and the device; data only from nngraph.datasets (offline)."""
    text = source.read_text(encoding="utf-8")
    assert text.count(build.LANG_LINE) == 1
    assert text.count("ng.set_language(LANG)") == 1
    assert text.count("device = datasets.device()") == 1
    assert "torch.manual_seed(0)" in text
    assert "torch.set_num_threads(1)" in text  # tiny models: one thread is faster (sweep s45)
    assert "sklearn" not in text and "download" not in text.lower()
