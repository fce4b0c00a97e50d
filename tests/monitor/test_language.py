"""The monitor speaks the language set by ng.set_language, at the moment it produces text."""

from __future__ import annotations

import io

import pytest

import nngraph as ng
from nngraph.monitor import Monitor, Runs
from nngraph.monitor._common import epochs
from nngraph.monitor._text import TextPrinter
from nngraph.monitor.detectors import GL, UP, Patience
from tests.tables import columns

CURVE = [(1.0, 1.0), (0.8, 0.9), (0.6, 0.95)]  # validation loss turns up at epoch 3


def gl_event_message() -> tuple[str, str]:
    gl = GL(5)
    for epoch, (tr, va) in enumerate(CURVE, start=1):
        event = gl.update(epoch, loss=tr, val_loss=va)
    assert event is not None
    return event.message_id, event.message


def two_runs() -> Runs:
    runs = Runs(display=False)
    for name, bottom in [("small", 0.40), ("large", 0.25)]:
        mon = runs.new(name)
        for epoch in range(1, 11):
            mon.log(epoch, loss=1 / epoch, val_loss=bottom + abs(epoch - 5) / 50)
    return runs


def test_a_detector_explains_in_polish_then_in_english_again() -> None:
    ng.set_language("pl")
    message_id, text = gl_event_message()
    assert message_id == "gl.overfit"  # ids do not depend on the language
    assert text.startswith("strata walidacyjna jest o 5,6% powyżej swojej najlepszej wartości")
    assert (
        "(0,9 w epoce 2), a strata treningowa wciąż spada (teraz 0,6 w ostatniej epoce, wobec "
        "0,8 w epoce 2)" in text
    )
    assert "model zaczął zapamiętywać dane treningowe" in text

    ng.set_language("en")
    message_id, text = gl_event_message()
    assert message_id == "gl.overfit"
    assert text.startswith("validation loss is 5.6% above its best (0.9 at epoch 2)")
    assert "memorise" in text


def test_the_runs_table_follows_the_language_when_it_is_drawn() -> None:
    runs = two_runs()  # logged in English; the table is drawn in the language current now
    ng.set_language("pl")
    assert columns(runs.table().splitlines()[0]) == [
        "przebieg",
        "epoki",
        "najlepsza epoka według val_loss",
        "val_loss",
        "loss",
        "zatrzymanie",
    ]
    assert Runs(display=False).table().startswith("nie ma jeszcze przebiegów")

    ng.set_language("en")
    assert columns(runs.table().splitlines()[0]) == [
        "run",
        "epochs",
        "best epoch by val_loss",
        "val_loss",
        "loss",
        "stop",
    ]


def test_text_lines_and_polish_plurals() -> None:
    ng.set_language("pl")
    assert [epochs(n) for n in (1, 3, 5, 12, 22, 25)] == [
        "1 epokę",
        "3 epoki",
        "5 epok",
        "12 epok",
        "22 epoki",
        "25 epok",
    ]
    mon = Monitor(display=False)
    mon.log(1, val_loss=0.5)
    assert mon.summary().startswith("najlepszy wynik val_loss: 0,5 w epoce 1")
    ng.set_language("en")
    assert mon.summary().startswith("best val_loss 0.5 at epoch 1")
    assert [epochs(n) for n in (1, 3, 12)] == ["1 epoch", "3 epochs", "12 epochs"]


def test_step_lines_before_the_first_epoch_show_step_and_metrics_only() -> None:
    for language, expected in [("pl", "krok    12  loss 0,5\n"), ("en", "step    12  loss 0.5\n")]:
        ng.set_language(language)
        out = io.StringIO()
        printer = TextPrinter(interval=0.0, stream=out)
        printer.progress("12", {"loss": 0.5})
        printer.flush()  # it waited for a validation that would make it a batch
        assert out.getvalue() == expected


def test_counts_in_repr_and_summary_use_polish_plural_forms() -> None:
    ng.set_language("pl")
    mon = Monitor(display=False, detectors=[])
    shown = []
    for epoch in range(1, 23):
        mon.log(epoch, val_loss=1.0)
        if epoch in (1, 2, 5, 12, 22):
            shown.append(repr(mon).split(":")[1].split(";")[0].strip())
    assert shown == ["1 epoka", "2 epoki", "5 epok", "12 epok", "22 epoki"]
    assert repr(mon).endswith("; 0 zdarzeń>")
    empty = Monitor(display=False)
    empty.log(1, loss=0.5)
    assert empty.summary().startswith("brak najlepszego wyniku val_loss")
    ng.set_language("en")
    assert repr(mon).startswith("<Monitor: 22 epochs, best val_loss=1, 0 events")


def test_up_counts_its_strips_in_the_singular_and_plural() -> None:
    def up_message(s: int) -> str:
        up = UP(s, k=1)
        for epoch, value in enumerate([1.0, 0.5, 0.6, 0.7, 0.8], start=1):
            up.update(epoch, val_loss=value)
        return up.events[0].message

    ng.set_language("pl")
    assert "na końcu 1 odcinka treningu, który trwał 1 epokę" in up_message(1)
    assert "na końcu 3 kolejnych odcinków treningu, z których każdy trwał 1 epokę" in up_message(3)
    ng.set_language("en")
    assert "rose at the end of 1 strip of 1 epoch (0.5 -> 0.6)" in up_message(1)
    assert "rose at the end of 3 successive strips of 1 epoch" in up_message(3)


def test_interval_errors_are_polish() -> None:
    ng.set_language("pl")
    try:
        for kw in ("print_interval", "flush_interval"):
            with pytest.raises(ng.NNGraphError) as err:
                Monitor(display=False, **{kw: -1})
            assert str(err.value).startswith(f"Monitor {kw} (w sekundach) musi być zerem")
    finally:
        ng.set_language("en")


def test_a_rise_from_a_best_of_zero_is_explained_in_polish() -> None:
    ng.set_language("pl")
    gl = GL(5, metric="val_error")
    for epoch, err in enumerate([0.1, 0.0, 0.05], 1):
        event = gl.update(epoch, val_error=err)
    assert event is not None and "inf" not in event.message
    assert "wynosi teraz 0,05, więcej niż najlepsza wartość 0 z epoki 2" in event.message


@pytest.mark.parametrize(
    ("metric", "name"),
    [
        ("val_acc", "dokładność walidacyjna"),
        ("val_loss", "strata walidacyjna"),
        ("loss", "strata treningowa"),
    ],
)
def test_patience_with_min_delta_in_polish_says_what_it_measured(metric: str, name: str) -> None:
    from nngraph.detectors import Patience

    ng.set_language("pl")
    curve = [0.2, 0.4, 0.6, 0.7, 0.72, 0.725, 0.72, 0.71]
    values = curve if metric == "val_acc" else [round(1 - v, 3) for v in curve]
    texts = []
    for delta, relative, by in [
        (0.01, False, "o więcej niż 0,01"),
        (0.05, True, "o więcej niż 5%"),
    ]:
        p = Patience(3, min_delta=delta, relative=relative, metric=metric)
        for epoch, value in enumerate(values, 1):
            p.update(epoch, **{metric: value})
        (event,) = p.events
        texts.append(event.message)
        # no word agrees with the metric's gender ("strata" is feminine, "val_acc" is not)
        assert f" nie poprawia się {by} już 3 epoki z rzędu (licząc od wartości " in event.message
        assert "najlepsz" not in event.message and "poprawiła" not in event.message
        assert event.message.startswith(name)
    at = "0,72" if metric == "val_acc" else "0,28"
    assert f"(licząc od wartości {at} z epoki 5): dalszy trening raczej nic nie da." in texts[0]


def test_the_polish_chance_reading_says_close_to_ln_2_as_the_english_does() -> None:
    """Sweep 24B, finding 6f: Polish said "0,7 to prawie dokładnie ln 2" (almost exactly)
    where English says "0.7 is close to ln 2"."""

    def chance_message() -> str:
        patience = Patience(20)
        for epoch in range(1, 31):
            patience.update(
                epoch, loss=0.7 + 0.001 * (epoch % 2), val_loss=0.7 + 0.002 * (epoch % 3)
            )
        return patience.events[0].message

    assert "0.7 is close to ln 2 = 0.693, the cross-entropy of guessing" in chance_message()
    ng.set_language("pl")
    polish = chance_message()
    assert "0,7 leży blisko ln 2 = 0,693, czyli entropii krzyżowej zgadywania" in polish
    assert "dokładnie" not in polish


def test_every_monitor_warning_ends_with_a_full_stop() -> None:
    """Sweep s47, L6: the monitor's warnings ended without one, in both languages."""
    from nngraph.i18n import en, pl

    for table in (en.MESSAGES, pl.MESSAGES):
        unended = [
            key
            for key, text in table.items()
            if key.startswith("monitor.warn.") and not text.rstrip().endswith((".", "?", "!"))
        ]
        assert unended == []
