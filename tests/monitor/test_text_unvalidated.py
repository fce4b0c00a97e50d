"""Text lines of the epochs a loop does not validate (validation every few epochs, with
`epoch=` numbers): each gets its line, chosen as any epoch's is: every one at
print_interval=0, the first and the last under the rate limit. Sweep s44 words, finding 2:
with print_interval=0, epochs 1-4 and 6-9 of a run validated at 5 and 10 never printed, the
first epoch included, though records() held them all.
"""

from __future__ import annotations

import pytest

from nngraph.monitor import Monitor


def validate_every_fifth(mon: Monitor, epochs: int, batches: int = 1) -> None:
    """A loop with `epoch=` numbers and `batches` training calls per epoch; validation at
    epochs 5, 10, ..."""
    for epoch in range(1, epochs + 1):
        for batch in range(batches):
            mon.log(epoch=epoch, loss=2.0 / epoch + batch / 100)
        if epoch % 5 == 0:
            mon.log(epoch=epoch, val_loss=1.0 / epoch)


def test_every_epoch_gets_its_line_at_print_interval_0(capsys: pytest.CaptureFixture[str]) -> None:
    """Sweep s44 words, finding 2 (repro_2): only "epoch 5" and "epoch 10" were printed."""
    mon = Monitor(detectors=[], display="text", print_interval=0)
    for epoch in range(1, 11):
        val = {"val_loss": 1.0 / epoch} if epoch % 5 == 0 else {}
        mon.log(epoch=epoch, loss=2.0 / epoch, **val)
    mon.close()
    assert capsys.readouterr().out.splitlines() == [
        "epoch    1  loss 2",
        "epoch    2  loss 1",
        "epoch    3  loss 0.6667",
        "epoch    4  loss 0.5",
        "epoch    5  loss 0.4 / val 0.2 *",
        "epoch    6  loss 0.3333",
        "epoch    7  loss 0.2857",
        "epoch    8  loss 0.25",
        "epoch    9  loss 0.2222",
        "epoch   10  loss 0.2 / val 0.1 *",
    ]


def test_each_line_shows_the_mean_of_its_own_epochs_batches(
    capsys: pytest.CaptureFixture[str],
) -> None:
    mon = Monitor(detectors=[], display="text", print_interval=0)
    validate_every_fifth(mon, epochs=7, batches=3)
    mon.close()
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[1] for line in lines] == [str(epoch) for epoch in range(1, 8)]
    assert lines[1] == "epoch    2  loss 1.01"  # 2 / 2 + (0 + 0.01 + 0.02) / 3
    assert lines[4] == "epoch    5  loss 0.41 / val 0.2 *"
    assert lines[6] == "epoch    7  loss 0.2957"


def test_the_last_epoch_without_validation_is_printed_when_the_results_are_read(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Epochs 11 and 12 came after the last validation: at print_interval=0 epoch 11 printed
    when epoch 12 began, and epoch 12 never (the monitor held nothing back)."""
    mon = Monitor(detectors=[], display="text", print_interval=0)
    validate_every_fifth(mon, epochs=12)
    assert capsys.readouterr().out.splitlines()[-1] == "epoch   11  loss 0.1818"
    print("best", mon.best.epoch if mon.best is not None else None)  # the loop is over
    assert capsys.readouterr().out.splitlines() == ["epoch   12  loss 0.1667", "best 10"]


def test_the_rate_limit_still_keeps_a_fast_run_to_a_few_lines(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """At most one line an hour: the first epoch, the first validation (the first line the
    rate limit counts), and at the end the last validation and the last epoch."""
    mon = Monitor(detectors=[], display="text", print_interval=3600)
    validate_every_fifth(mon, epochs=32, batches=2)
    mon.close()
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[1] for line in lines] == ["1", "5", "30", "32"]
    assert lines[-2].endswith("/ val 0.03333 *")
