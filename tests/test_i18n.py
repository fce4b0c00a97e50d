"""One catalog per language, complete in both, switched by ng.set_language."""

from __future__ import annotations

import re
import string
from types import ModuleType
from typing import Any

import pytest

from nngraph import NNGraphError, i18n
from nngraph.i18n import en, pl


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_key_is_in_both_languages() -> None:
    missing_in_pl = sorted(set(en.MESSAGES) - set(pl.MESSAGES))
    missing_in_en = sorted(set(pl.MESSAGES) - set(en.MESSAGES))
    assert not missing_in_pl, f"add these keys to nngraph/i18n/pl.py: {missing_in_pl}"
    assert not missing_in_en, f"add these keys to nngraph/i18n/en.py: {missing_in_en}"


@pytest.mark.parametrize("key", sorted(en.MESSAGES))
def test_translations_use_the_same_fields(key: str) -> None:
    assert fields(pl.MESSAGES[key]) == fields(en.MESSAGES[key])
    assert pl.MESSAGES[key].strip(), key


def test_set_language_switches_messages_and_tells_listeners() -> None:
    heard: list[str] = []
    stop = i18n.on_language_change(heard.append)
    i18n.set_language("pl")
    assert i18n.get_language() == "pl"
    assert i18n.message("capture.graph_not_ready").startswith("rec.graph jest gotowy")
    i18n.set_language("en_US")
    assert i18n.message("capture.graph_not_ready").startswith("rec.graph is ready")
    stop()
    i18n.set_language("pl")
    assert heard == ["pl", "en"]


def test_an_unknown_language_is_refused_clearly() -> None:
    with pytest.raises(NNGraphError, match="choose one of en, pl"):
        i18n.set_language("de")
    assert i18n.get_language() == "en"


@pytest.mark.parametrize(
    ("env", "language"), [("pl_PL.UTF-8", "pl"), ("en_GB.UTF-8", "en"), ("C.UTF-8", "en")]
)
def test_the_default_follows_the_locale(
    monkeypatch: pytest.MonkeyPatch, env: str, language: str
) -> None:
    for variable in ("NNGRAPH_LANG", "LC_ALL", "LC_MESSAGES", "LANGUAGE"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("LANG", env)
    monkeypatch.setattr("locale.getlocale", lambda: (None, None))
    from nngraph.i18n import _catalog

    assert _catalog._language_from_locale() == language


def test_polish_errors_reach_the_user() -> None:
    import nngraph as ng

    i18n.set_language("pl")
    with pytest.raises(ng.NNGraphError, match="nie ma historii autograd"):
        ng.graph_of(ng_tensor_without_history())


def ng_tensor_without_history():  # type: ignore[no-untyped-def]
    import torch

    return torch.ones(3)


# ----------------------------------------------------------------------- numbers in Polish


@pytest.mark.parametrize(
    ("spec", "value", "in_english", "in_polish"),
    [
        (".4g", 0.345, "0.345", "0,345"),
        (".1f", 5.62, "5.6", "5,6"),
        (".0%", 0.125, "12%", "12%"),
        (".1%", 0.125, "12.5%", "12,5%"),
        (".1e", 0.000123, "1.2e-04", "1,2e-04"),
        (",.1f", 12345.25, "12,345.2", "12\u00a0345,2"),
        ("", 2.5, "2.5", "2,5"),
        ("", 3, "3", "3"),
        (".4g", float("nan"), "nan", "nan"),
    ],
)
def test_a_polish_message_writes_numbers_with_a_decimal_comma(
    monkeypatch: pytest.MonkeyPatch, spec: str, value: float, in_english: str, in_polish: str
) -> None:
    monkeypatch.setitem(en.MESSAGES, "test.number", f"x = {{x:{spec}}}")
    monkeypatch.setitem(pl.MESSAGES, "test.number", f"x wynosi {{x:{spec}}}")
    assert i18n.message("test.number", x=value) == f"x = {in_english}"
    i18n.set_language("pl")
    assert i18n.message("test.number", x=value) == f"x wynosi {in_polish}"


def test_numpy_numbers_and_one_number_tensors_get_a_decimal_comma_too() -> None:
    import numpy as np
    import torch

    i18n.set_language("pl")
    text = i18n.message(
        "monitor.text.pair", name="loss", train=np.float32(0.25), val=torch.tensor(0.5)
    )
    assert text == "loss 0,25 / wal. 0,5"  # "val" is our word, not the metric's name
    assert i18n.message("monitor.text.metric", name="loss", value=np.float64(1.5)) == "loss 1,5"
    i18n.set_language("en")
    assert i18n.message("monitor.text.metric", name="loss", value=np.float64(1.5)) == "loss 1.5"


def test_code_in_a_polish_message_keeps_its_decimal_point() -> None:
    i18n.set_language("pl")
    # a value the user typed, shown back with !r as code, stays code: min_delta=0.5 stays
    # (a value quoted in prose, "otrzymano 0,5", is a number: test_detector_wording.py)
    said = i18n.message("monitor.error.relative_min_delta", value=0.5, fraction=0.005)
    assert "min_delta=0.5 " in said and "min_delta=0,5" not in said
    # a tuple the user passed is shown as Python writes it
    assert "(0.5, 0.25)" in i18n.message("datasets.bad_split", got=(0.5, 0.25))
    # code written in the template itself is left alone
    assert "split=(0.7, 0.15, 0.15)" in i18n.message("datasets.empty_train", got=(1, 0, 0), n=5)
    assert "name='lr=0.1'" in i18n.message("monitor.error.name", value=3)
    assert "restore_best" in i18n.message("monitor.gl.advice")


def test_number_and_numeral_follow_the_language() -> None:
    assert (i18n.number(0.125, ".2f"), i18n.numeral("1,281.5")) == ("0.12", "1,281.5")
    i18n.set_language("pl")
    assert (i18n.number(0.125, ".2f"), i18n.numeral("1,281.5")) == ("0,12", "1\u00a0281,5")
    assert i18n.number(float("inf"), ".3g") == "inf"


def test_numbers_formatted_before_the_message_get_a_decimal_comma_in_polish() -> None:
    from nngraph.monitor import Monitor, Runs
    from nngraph.monitor._common import fmt_step
    from nngraph.monitor.detectors import PQ, UP, Divergence

    def pq_message() -> str:
        pq = PQ(alpha=0.5, k=2)
        curve = [(1.0, 1.0), (0.9, 0.9), (0.86, 0.95), (0.84, 1.05)]  # training still falls
        for epoch, (tr, va) in enumerate(curve, 1):
            pq.update(epoch, loss=tr, val_loss=va)
        return pq.events[0].message

    def up_message() -> str:
        up = UP(2, k=1)
        for epoch, va in enumerate([1.0, 0.9, 0.95, 0.97], 1):
            up.update(epoch, val_loss=va)
        return up.events[0].message

    def divergence_message() -> str:
        d = Divergence(factor=10)
        d.update(1, loss=0.5)
        d.update(2, loss=7.7)
        return d.events[0].message

    def runs_table() -> str:
        runs = Runs(display=False)
        mon: Monitor = runs.new("a")
        mon.log(1, loss=0.75, val_loss=0.5)
        return runs.table()

    english = (pq_message(), up_message(), divergence_message(), fmt_step(2.5), runs_table())
    assert "11.9‰ of progress over the last 2 epochs (quotient 1.4 > 0.5)" in english[0]
    assert "(0.9 -> 0.95 -> 0.97)" in english[1]
    assert "15.4 times its first value (0.5)" in english[2]
    assert english[3] == "2.5" and "0.5" in english[4]
    i18n.set_language("pl")
    assert "o 11,9‰ (iloraz 1,4 > 0,5)" in pq_message()
    assert "(wartości: 0,9 -> 0,95 -> 0,97)" in up_message()
    assert "wynosi 7,7, czyli 15,4 razy więcej niż na początku (0,5)" in divergence_message()
    assert fmt_step(2.5) == "2,5" and fmt_step(3.0) == "3"
    assert "0,5" in runs_table() and "0.5" not in runs_table()


def test_the_polish_summary_writes_gradient_norms_with_a_decimal_comma() -> None:
    import torch

    torch.manual_seed(0)
    model = torch.nn.Linear(3, 1)
    import nngraph as ng

    g = ng.trace(model, torch.randn(4, 3), loss=lambda y: y.pow(2).mean())
    i18n.set_language("pl")
    row = next(line for line in g.summary().splitlines() if line.startswith("(model)"))
    assert "," in row.split()[-1] and "." not in row


# ------------------------------------------------- detector texts and the metric's gender

#: feminine agreement with the metric's name that the Polish detector texts used to have
#: ("strata" is feminine, "loss" or "val_loss" as a name is not)
FEMININE = [
    "wzrosła",
    "rosła",
    "wyższa",
    "jej najlepsza",
    "spadała",
    "spadła",
    "poprawiła",
    "przyjęła",
    "nie miała",
    "tym lepsza",
    "im większa",
]
DETECTOR_KEYS = sorted(
    key
    for key in pl.MESSAGES
    if key.split(".")[:2]
    in [["monitor", d] for d in ("gl", "pq", "up", "patience", "divergence", "gap", "grad")]
    or key in ("monitor.error.prechelt_max", "monitor.why.no_metric", "monitor.summary.best")
)


def sample_fields(text: str, metric: str) -> dict[str, object]:
    out: dict[str, object] = {}
    for _, name, spec, _ in string.Formatter().parse(text):
        if name:
            out[name] = 0.25 if spec else f"<{name}>"
    return {**out, "metric": metric, "train": "loss"}


@pytest.mark.parametrize("metric", ["loss", "val_loss", "accuracy"])
@pytest.mark.parametrize("key", DETECTOR_KEYS)
def test_polish_detector_texts_do_not_assume_a_feminine_metric(key: str, metric: str) -> None:
    i18n.set_language("pl")
    text = i18n.message(key, **sample_fields(pl.MESSAGES[key], metric))
    assert not [form for form in FEMININE if form in text], text


@pytest.mark.parametrize("metric", ["loss", "val_loss", "accuracy", "val_f1"])
def test_real_detector_events_in_polish_do_not_assume_a_feminine_metric(metric: str) -> None:
    from nngraph.monitor.detectors import GL, PQ, UP, Divergence, Gap, Patience

    lower = metric in ("loss", "val_loss")
    bad = [1.0, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0] if lower else [0.5, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4]
    detectors = [Patience(2, metric=metric), Gap(0.1, patience=1, metric=metric)]
    if lower:
        detectors += [GL(5, metric=metric), PQ(0.1, 2, metric=metric), UP(2, 1, metric=metric)]
        detectors += [Divergence(factor=1.5, metrics=metric)]
    i18n.set_language("pl")
    texts = []
    for det in detectors:
        for epoch, value in enumerate(bad, 1):
            det.update(epoch, **{metric: value, "loss" if metric != "loss" else "x": 0.1})
        texts += [event.message for event in det.events]
    assert texts  # at least Patience spoke
    for text in texts:
        assert not [form for form in FEMININE if form in text], text


def test_get_language_shows_an_example() -> None:
    """It had no `>>>` example (sweep O, bug 6)."""
    assert ">>>" in (i18n.get_language.__doc__ or "")


def _deep_model() -> Any:
    import torch

    return torch.nn.Sequential(*[torch.nn.Linear(8, 8) for _ in range(40)])


@pytest.mark.parametrize("language", ["en", "pl"])
def test_a_model_optimizer_or_array_given_by_mistake_is_named_on_one_line(language: str) -> None:
    """Sweep 22a F3: an error quoting the wrong value pasted its whole repr: 14 lines for an
    optimizer (`ng.Monitor(model, opt)`), 42 for a 40-layer model (`runs.add(model)`)."""
    import numpy as np
    import torch

    import nngraph as ng

    model = _deep_model()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    g = ng.trace(torch.nn.Linear(2, 1), torch.randn(3, 2))
    mon = ng.Monitor(display=False)
    calls = {
        "Adam": lambda: ng.Monitor(model, opt),
        "Sequential(...)": lambda: ng.GraphView(model),
        "Sequential(...) ": lambda: ng.Runs(display=False).add(model),
        "Sequential(...)  ": lambda: ng.Monitor(metric=model, display=False),
        "array(..., shape=(3, 3))": lambda: mon.log(1, loss=np.zeros((3, 3))),
        "tensor(..., shape=(3, 3))": lambda: g.collapse(torch.zeros(3, 3)),  # type: ignore[arg-type]
    }
    i18n.set_language(language)
    try:
        for shown, call in calls.items():
            with pytest.raises(NNGraphError) as caught:
                call()
            text = str(caught.value)
            assert "\n" not in text and len(text) < 400, text
            assert shown.strip() in text
            assert "Linear(in_features" not in text and "Parameter Group" not in text
    finally:
        i18n.set_language("en")


def test_a_view_given_the_wrong_thing_names_its_type_once() -> None:
    import torch

    import nngraph as ng

    model = torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.ReLU())
    for call, shown in [
        (lambda: ng.GraphView(model), "not Sequential(...); e.g."),  # was "... (Sequential)"
        (lambda: ng.LossView(model), "not Sequential(...); e.g."),
        (lambda: ng.GraphView(3), "not 3 (int); e.g."),
    ]:
        with pytest.raises(NNGraphError) as caught:
            call()
        assert shown in str(caught.value)


def test_a_short_value_or_a_long_path_in_a_message_is_shown_as_it_was() -> None:
    import pathlib

    import torch

    from nngraph.i18n._catalog import shortened

    for value, shown in [
        ([1, 2], "[1, 2]"),
        (torch.nn.ReLU(), "ReLU()"),
        (torch.zeros(3), "tensor([0., 0., 0.])"),
        ("a\nb", "'a\\nb'"),
    ]:
        assert i18n.message("errors.not_bool", call="f(x=...)", got=value).endswith(shown)
    long_path = pathlib.Path("/data/" + "course_" * 20 + "/net.svg")
    text = i18n.message("graph.error.dot_failed", path=long_path, error="syntax error")
    assert str(long_path) in text
    assert shortened(_deep_model()) == "Sequential(...)"
    assert shortened(object(), "x\n  y\n" * 40).startswith("x y x y")
    assert len(shortened(object(), "x" * 300)) == 80


# ------------------------------------------------------------ Polish review (sweep s6)


def test_a_loss_class_is_to_be_made_into_an_object_and_called() -> None:
    """ "utwórz ją" told the student to create the class (sweep s6 §1)."""
    i18n.set_language("pl")
    said = i18n.message("capture.loss_is_class", name="torch.nn.MSELoss")
    assert "utwórz obiekt tej klasy i wywołaj go" in said and "utwórz ją" not in said
    assert said.endswith("np. loss=lambda y: torch.nn.MSELoss()(y, target)")


#: words the Polish catalog had two ways (sweep s6 §6): a backward pass, a health finding,
#: autograd undeclined after a word that governs a case
MIXED_TERMS = [
    "przebieg wsteczny",
    "przebiegi wsteczne",
    "przebiegów wstecznych",
    "ustaleni",
    "Diagnoza",
    "kroki w tym wyniku",
    "historii autograd ",
    "historii autograd,",
    "przed autograd,",
    'kolejności autograd"',
    "graf autograd ",
]


def test_the_polish_catalog_says_each_thing_one_way() -> None:
    used = {term: [k for k, text in pl.MESSAGES.items() if term in text] for term in MIXED_TERMS}
    assert not {term: keys for term, keys in used.items() if keys}
    assert all(
        "przejścia wstecz" in pl.MESSAGES[f"magic.cell.passes.{f}"]
        or "przejść wstecz" in pl.MESSAGES[f"magic.cell.passes.{f}"]
        for f in ("few", "many")
    )


def test_a_function_as_the_subject_has_one_gender() -> None:
    """`trace() nie mógł` next to `ng.trace() otrzymało` (sweep s6 §6): a call as the subject
    of a past-tense verb is named "funkcja trace()" (feminine) instead."""
    bare_call_past = re.compile(r"\w\(\)\s+(?:nie\s+)?\w+(?:ł|ło)\b")
    assert not {
        key: bare_call_past.findall(text)
        for key, text in pl.MESSAGES.items()
        if bare_call_past.search(text)
    }


def test_a_decimal_comma_is_not_followed_by_a_listing_comma() -> None:
    """ "(średnia 633,3, odchylenie 72,42)" read badly (sweep s6 §7): numbers listed in
    parentheses are parted by a semicolon in Polish."""
    listed = re.compile(r"\{\w+:[^}]*[gfe%]\}, ")
    for key, text in pl.MESSAGES.items():
        for found in listed.finditer(text):
            before = text[: found.start()]
            assert before.count("(") <= before.count(")"), (key, text[found.start() - 30 :])
    i18n.set_language("pl")
    said = i18n.message(
        "graph.health.input_scale", where_module="modułu fc", mean=633.3, std=72.42, pixels=""
    )
    assert "(średnia 633,3; odchylenie 72,42)" in said
    assert i18n.message("graphview.range", min="-1,2", max="3,4", mean="0,5", std="1,1") == (
        "zakres od -1,2 do 3,4; średnia 0,5 ± 1,1"
    )


def test_a_flat_training_loss_says_where_it_stays_with_a_verb() -> None:
    """ "prawie się nie zmienia, niewiele niżej (teraz ...)" had no verb (sweep s6 §8)."""
    import nngraph as ng
    from nngraph.monitor.detectors import GL

    i18n.set_language("pl")
    mon = ng.Monitor(display=False, detectors=[GL(5)])
    for epoch in range(1, 30):  # training flat from epoch 8, validation best at 10
        val = 0.6 - 0.01 * epoch if epoch <= 10 else 0.5 + 0.01 * (epoch - 10)
        mon.log(epoch, loss=0.49 if epoch > 8 else 0.6 - 0.0137 * epoch, val_loss=val)
    said = mon.events[0].message
    assert "prawie się nie zmienia i pozostaje niewiele niższa od walidacyjnej (teraz" in said
    above = i18n.message("monitor.trend.level_above", metric="strata walidacyjna")
    assert above == "i pozostaje wyższa niż strata walidacyjna"


def test_running_statistics_and_large_limits_in_polish() -> None:
    """BatchNorm's running statistics are not only means; a limit of a million is grouped
    (sweep s6 §9)."""
    i18n.set_language("pl")
    assert "(running_mean, running_var)" in i18n.message("monitor.grad.eval.norm")
    seed = i18n.message("datasets.bad_seed", maximum=2**32 - 1, got=-1)
    assert "od 0 do 4\u00a0294\u00a0967\u00a0295 " in seed
    assert "(najwyżej 1\u00a0000\u00a0000)" in i18n.message(
        "datasets.too_many", what="n", maximum=1_000_000, got=2_000_000
    )
    i18n.set_language("en")  # English keeps the number as the code's constant reads
    assert "from 0 to 4294967295 " in i18n.message("datasets.bad_seed", maximum=2**32 - 1, got=-1)


def test_a_stop_before_an_in_place_write_is_said_in_polish(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The warning quoted nngraph's internal text `before an in-place write` (sweep s6 §4)."""
    import warnings

    import torch

    import nngraph as ng
    from nngraph.capture import _recorder

    def failing(self: Any, t: Any, *, written: bool = False) -> Any:
        raise RuntimeError("simulated internal failure")

    monkeypatch.setattr(_recorder.Recorder, "_source_of", failing)
    i18n.set_language("pl")
    w = torch.zeros(3)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with ng.record() as rec:
            w.add_(1.0)
    (said,) = [str(c.message) for c in caught if "nngraph" in str(c.message)]
    assert said.startswith("nngraph przestał nagrywać przed operacją in-place, zmieniającą")
    assert "before an in-place write" not in said and "RuntimeError" in said
    assert rec.graph.graph["complete"] is False


# ------------------------------------------------------------ counted nouns (review s48)


@pytest.mark.parametrize(
    ("n", "form", "step", "epoch_accusative"),
    [
        (1, "one", "1 krok", "1 epokę"),
        (2, "few", "2 kroki", "2 epoki"),
        (5, "many", "5 kroków", "5 epok"),
        (12, "many", "12 kroków", "12 epok"),
        (22, "few", "22 kroki", "22 epoki"),
        (25, "many", "25 kroków", "25 epok"),
        (101, "many", "101 kroków", "101 epok"),
        (0, "many", "0 kroków", "0 epok"),
        (0.5, "other", "0,5 kroku", "0,5 epoki"),
    ],
)
def test_a_counted_noun_takes_the_polish_form_its_number_needs(
    n: float, form: str, step: str, epoch_accusative: str
) -> None:
    assert i18n.plural_form(n) == form
    i18n.set_language("pl")
    assert i18n.plural_message("monitor.count.step", n) == step
    assert i18n.plural_message("monitor.unit.epoch", n) == epoch_accusative


def test_a_fraction_of_a_noun_never_counted_in_fractions_reads_as_many() -> None:
    assert i18n.plural_message("graph.view.nodes", 2.5) == "2.5 nodes"
    assert i18n.plural_message("monitor.count.epoch", 1) == "1 epoch"
    assert i18n.plural_message("monitor.count.epoch", 0.5) == "0.5 epochs"


def test_every_counted_noun_has_its_three_forms_in_both_catalogs() -> None:
    families = {key.rsplit(".", 1)[0] for key in en.MESSAGES if key.endswith(".few")}
    for family in families:
        for form in ("one", "few", "many"):
            if family + ".one" in en.MESSAGES or form != "one":
                assert f"{family}.{form}" in pl.MESSAGES, family


@pytest.mark.parametrize("n", [3, 5, 22])
def test_epochs_logged_without_a_step_are_counted_in_polish(n: int) -> None:
    """ "Zapisano już {epochs} epoki" fitted 3 epochs only: the count is now a counted noun."""
    from nngraph.monitor._common import epochs

    i18n.set_language("pl")
    text = i18n.message("monitor.grad.never_stepped", epochs=epochs(n))
    assert text.startswith(
        {3: "Zapisano już 3 epoki,", 5: "Zapisano już 5 epok,", 22: "Zapisano już 22 epoki,"}[n]
    )
    said = i18n.message(
        "monitor.warn.negative_loss", name="nll", metric="x", start=-1.0, now=-9.0, epochs=epochs(5)
    )
    assert "(-1 5 epok temu, teraz -9)" in said


#: monitor warnings whose keys do not say "warn" (a Lightning callback's, the watched model's,
#: the optimizer that leaves parameters out)
WARNINGS_ELSEWHERE = [
    "monitor.watched.model_unchanged",
    "monitor.gradwatch.optimizer_leaves_out",
    *(f"monitor.lightning.metric_{way}" for way in ("missing", "close", "same_way", "other_way")),
    "monitor.lightning.metric_which_way",
    "monitor.lightning.rename_other_way",
    "monitor.lightning.stop_metric",
    "monitor.lightning.stop_on_training",
    "monitor.lightning.min_epochs",
    "monitor.lightning.no_validation",
    "monitor.lightning.no_validation_due",
    "monitor.lightning.metric_step_only",
    "monitor.lightning.earlier_best_kept",
    "monitor.lightning.error_kept",
]


@pytest.mark.parametrize("catalog", [en, pl], ids=["en", "pl"])
def test_every_monitor_warning_ends_with_a_full_stop(catalog: ModuleType) -> None:
    """Review s48: the Runs and Patience warnings and the Lightning ones ended mid-air (in
    both languages) while the Monitor's own warnings end with a full stop."""
    warning = re.compile(r"^monitor\.(?:\w+\.)?warn\.")
    messages = catalog.MESSAGES
    keys = [key for key in messages if warning.match(key)] + WARNINGS_ELSEWHERE
    assert not [key for key in keys if not messages[key].rstrip().endswith((".", "?"))]
