"""The kept history read back: the run's extremes survive compaction, the CSV reads back exactly."""

from __future__ import annotations

import csv
import io
import math
import pathlib

import numpy as np
import pytest

from nngraph.errors import NNGraphError
from nngraph.monitor import Monitor
from nngraph.monitor._history import Series, minmax_downsample


def spike_then_nan(n: int = 40) -> list[float]:
    """A flat run whose highest value and one NaN fall in the same bucket of four."""
    values = [0.5] * n
    values[1] = 9.0
    values[2] = math.nan
    return values


def test_the_highest_value_survives_compaction_next_to_a_nan() -> None:
    mon = Monitor(display=False, detectors=[], max_points=16)
    for step, value in enumerate(spike_then_nan(), 1):
        mon.log(step, loss=value)
    _, kept = mon.history("loss")
    assert len(kept) <= 16 and mon.series["loss"].max_value == 9.0
    assert np.nanmax(kept) == 9.0 and np.isnan(kept).sum() == 1  # the NaN stays visible too
    assert any(row.get("loss") == 9.0 for row in mon.records())
    column = [row[1] for row in csv.reader(io.StringIO(mon.to_csv()))][1:]
    assert "9.0" in column and "nan" in column
    assert 9.0 in mon.snapshot(max_points=8)["metrics"]["loss"]["value"]


def test_compaction_keeps_the_lowest_and_highest_value_whatever_the_nans() -> None:
    rng = np.random.default_rng(0)
    for capacity in (16, 17, 64):
        values = rng.normal(size=3000)
        values[rng.random(3000) < 0.05] = math.nan
        series = Series(capacity)
        for step, value in enumerate(values):
            series.append(step, float(value))
        assert len(series) <= capacity and np.all(np.diff(series.steps) > 0)
        assert np.nanmax(series.values) == np.nanmax(values) == series.max_value
        assert np.nanmin(series.values) == np.nanmin(values) == series.min_value


def test_downsampling_keeps_the_extremes_and_a_nan_within_the_budget() -> None:
    x = np.arange(1000.0)
    y = np.full(1000, 0.5)
    y[10], y[11], y[500] = 9.0, math.nan, -3.0
    for budget in (3, 4, 7, 10, 50, 999):
        xs, ys = minmax_downsample(x, y, budget, keep_last=5)
        assert len(xs) <= budget, budget
        assert np.nanmax(ys) == 9.0 and np.nanmin(ys) == -3.0 and np.isnan(ys).any(), budget
        assert np.all(np.diff(xs) > 0)
    xs, _ = minmax_downsample(x, np.sin(x), 2, keep_last=1)  # no NaN: two points fit
    assert len(xs) == 2


def test_a_carriage_return_in_a_metric_name_reads_back_from_the_csv(
    tmp_path: pathlib.Path,
) -> None:
    names = ["acc\rtop1", "cr\r\nlf", "new\nline", 'a "quote"', "a,b", "tab\t", "żółw"]
    mon = Monitor(display=False, detectors=[])
    for epoch in range(1, 4):
        mon.log(epoch, loss=0.1 * epoch, **{name: epoch / 10 for name in names})
    text = mon.to_csv(tmp_path / "run.csv")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == ["step", "loss", *names]
    assert [row[0] for row in rows[1:]] == ["1", "2", "3"]
    assert all(len(row) == len(rows[0]) for row in rows)
    assert text.endswith("\n") and not text.endswith("\r\n")
    with open(tmp_path / "run.csv", encoding="utf-8", newline="") as f:
        assert list(csv.reader(f)) == rows


def test_to_csv_with_a_name_too_long_for_the_file_system_says_so(tmp_path: pathlib.Path) -> None:
    """Sweep s41 (esc, finding 1): a raw OSError 'File name too long' from pathlib."""
    mon = Monitor(display=False)
    mon.log(1, loss=0.5)
    with pytest.raises(NNGraphError, match="the name is too long for the file system"):
        mon.to_csv(tmp_path / ("a" * 300 + ".csv"))
    assert list(tmp_path.iterdir()) == [] and mon.history("loss")[1] == [0.5]


def test_to_csv_into_a_folder_that_cannot_be_written_says_so_in_one_line(
    tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Sweep 22a F4: a read-only folder gave a raw PermissionError from open() (tests run as
    root: chmod blocks nothing, so open is made to refuse)."""

    def refuse(file: object, *args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied", str(file))

    monkeypatch.setattr("nngraph.monitor._records.open", refuse, raising=False)
    mon = Monitor(display=False)
    mon.log(1, loss=0.5)
    target = tmp_path / "run.csv"
    with pytest.raises(NNGraphError) as caught:
        mon.to_csv(target)
    text = str(caught.value)
    assert text.startswith(f"cannot write {target}: Permission denied; save it in a folder")
    assert "\n" not in text and caught.value.__suppress_context__
    monkeypatch.undo()
    assert mon.to_csv(target) == target.read_text(encoding="utf-8")
