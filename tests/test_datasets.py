"""The lecture's data sets load offline, split and standardised as a notebook expects."""

from __future__ import annotations

import math
import re
from typing import Any

import pytest
import torch

import nngraph as ng
from nngraph import datasets


@pytest.mark.parametrize(
    ("loader", "features", "classes", "total"),
    [
        (datasets.classification, 2, 2, 100),
        (datasets.moons, 2, 2, 200),
        (datasets.circles, 2, 2, 200),
        (datasets.xor, 2, 2, 200),
        (datasets.iris, 4, 3, 150),
        (datasets.digits, 64, 10, 1797),
        (datasets.wine, 13, 3, 178),
        (datasets.breast_cancer, 30, 2, 569),
    ],
)
def test_classification_sets(loader, features: int, classes: int, total: int) -> None:  # type: ignore[no-untyped-def]
    data = loader()
    assert data.x_train.shape[1] == features and data.classes == classes
    assert len(data.x_train) + len(data.x_val) + len(data.x_test) == total
    assert data.x_train.dtype == torch.float32 and data.y_train.dtype == torch.long
    assert torch.allclose(data.x_train.mean(0), torch.zeros(features), atol=1e-4)
    assert data.x_train.device == datasets.device()


def test_same_seed_same_data_and_subsets() -> None:
    assert torch.equal(datasets.moons(seed=3).x_train, datasets.moons(seed=3).x_train)
    assert not torch.equal(datasets.moons(seed=3).x_train, datasets.moons(seed=4).x_train)
    small = datasets.digits(n=300)
    assert len(small.x_train) + len(small.x_val) + len(small.x_test) == 300


def test_a_subset_of_digits_keeps_the_ten_classes_and_asks_no_more_than_there_are() -> None:
    """`digits(n=5).classes` was 7, its largest label plus one: `nn.Linear(64, data.classes)`
    then lacked outputs; `n=5000` gave 1797 rows without a word (sweep s34 A, finding 5)."""
    assert datasets.digits(n=5).classes == 10
    with pytest.raises(
        ng.NNGraphError, match=r"n=5000 is more examples than this data set has \(1797\)"
    ):
        datasets.digits(n=5000)
    assert len(datasets.digits(n=1797).x_train) > 0


def test_regression_points() -> None:
    x, y = datasets.line()
    slope = ((x - x.mean()) * (y - y.mean())).sum() / ((x - x.mean()) ** 2).sum()
    assert abs(slope.item() - 2.0) < 0.2
    x_train, _y_train, x_val, _y_val = datasets.polynomial_points()
    assert x_train.shape == (5, 1) and x_val.shape == (20, 1)


@pytest.mark.parametrize(
    "split",
    [
        (0.5, 0.5, 0.5),
        (math.nan, 0.5, 0.5),
        (math.inf, 0.5, 0.5),
        (0.5, 0.5),
        "abc",
        (1.5, -0.5, 0),
    ],
)
def test_a_bad_split_says_what_is_expected(split: object) -> None:
    with pytest.raises(ng.NNGraphError, match="three fractions"):
        datasets.moons(split=split)  # type: ignore[arg-type]


def test_a_split_without_training_examples_is_refused_not_nan() -> None:
    with pytest.raises(ng.NNGraphError, match="no training examples"):
        datasets.moons(split=(0, 0.5, 0.5))
    with pytest.raises(ng.NNGraphError, match="no training examples"):
        datasets.iris(split=(0.001, 0.499, 0.5))


@pytest.mark.parametrize(
    ("load", "part"),
    [
        (lambda: datasets.circles(n=1), "validation"),
        (lambda: datasets.moons(n=2), "validation"),
        (lambda: datasets.iris(split=(1, 0, 0)), "validation"),
        (lambda: datasets.wine(split=(0.9, 0.1, 0)), "test"),
        (lambda: datasets.digits(n=10, split=(0.8, 0.2, 0)), "test"),
    ],
    ids=["n=1", "n=2", "no validation", "no test", "no test in a subset"],
)
def test_a_split_that_leaves_validation_or_test_empty_is_refused(load: Any, part: str) -> None:
    """An empty validation part made the validation loss NaN without a word (sweep O); too few
    examples for a fine split are told how many it needs, not to use that same split (sweep
    s40, helper nb)."""
    with pytest.raises(ng.NNGraphError, match=rf"leaves the {part} part empty") as refused:
        load()
    assert re.search(r"larger fraction|use at least n=\d+ examples", str(refused.value))


@pytest.mark.parametrize("n", [1, 3, 5])
def test_too_few_examples_for_a_fine_split_are_told_how_many_it_needs(n: int) -> None:
    with pytest.raises(ng.NNGraphError, match=r"use at least n=6 examples for this split") as no:
        datasets.moons(n=n)
    assert "e.g. split=" not in str(no.value)  # not the split it was given


def test_an_empty_part_is_named_in_polish() -> None:
    ng.set_language("pl")  # the autouse fixture sets English back
    with pytest.raises(
        ng.NNGraphError, match="przy liczbie przykładów n=2 zostawia pustą część walid"
    ):
        datasets.xor(n=2)
    with pytest.raises(ng.NNGraphError, match="zostawia pustą część testową"):
        datasets.iris(split=(0.8, 0.2, 0))


def test_the_smallest_split_that_fills_every_part_still_loads() -> None:
    data = datasets.circles(n=7)
    assert (len(data.x_train), len(data.x_val), len(data.x_test)) == (5, 1, 1)


@pytest.mark.parametrize(
    "load",
    [
        lambda: datasets.xor(n=-5),
        lambda: datasets.moons(n=0),
        lambda: datasets.circles(n=2.5),
        lambda: datasets.classification(n="100"),
        lambda: datasets.digits(n=0),
        lambda: datasets.line(n=-1),
        lambda: datasets.polynomial_points(n_train=0),
    ],
)
def test_a_bad_number_of_points_is_a_clear_error(load: object) -> None:
    with pytest.raises(ng.NNGraphError, match="whole number of at least 1"):
        load()  # type: ignore[operator]


def test_a_feature_constant_in_training_does_not_blow_up_elsewhere() -> None:
    for seed in range(3):
        data = datasets.digits(n=300, seed=seed)
        for part in (data.x_train, data.x_val, data.x_test):
            assert part.abs().max() < 100


@pytest.mark.parametrize(
    ("load", "says"),
    [
        (lambda: datasets.moons(seed="42"), "seed must be a whole number from 0 to 4294967295"),
        (lambda: datasets.moons(seed=-1), "seed must be a whole number from 0"),
        (lambda: datasets.iris(seed=0.5), "seed must be a whole number from 0"),
        (lambda: datasets.line(seed=True), "seed must be a whole number from 0"),
        (lambda: datasets.moons(noise=-0.1), "noise must be a finite number >= 0"),
        (lambda: datasets.circles(noise="high"), "noise must be a finite number >= 0"),
        (lambda: datasets.xor(noise=-0.1), "noise must be a finite number >= 0"),
        (lambda: datasets.xor(noise=math.nan), "noise must be a finite number >= 0"),
        (lambda: datasets.xor(noise=math.inf), "noise must be a finite number >= 0"),
        (lambda: datasets.line(noise=math.nan), "noise must be a finite number >= 0"),
        (lambda: datasets.polynomial_points(noise="1"), "noise must be a finite number >= 0"),
        (lambda: datasets.line(slope=None), "slope must be a finite number, got None"),
        (lambda: datasets.line(slope="2"), "slope must be a finite number, got '2'"),
        (lambda: datasets.line(slope=math.inf), "slope must be a finite number, got inf"),
        (lambda: datasets.line(intercept="0.9"), "intercept must be a finite number"),
        # just over the bound: old code made them (cheaply); n=10**9 exhausted the memory
        (lambda: datasets.moons(n=1_000_001), r"n=1000001 is more points .*at most 1000000"),
        (lambda: datasets.polynomial_points(n_val=1_000_001), r"n_val=1000001 is more points"),
    ],
    ids=[
        "seed str",
        "seed negative",
        "seed float",
        "seed bool",
        "moons noise negative",
        "circles noise str",
        "xor noise negative",
        "xor noise nan",
        "xor noise inf",
        "line noise nan",
        "polynomial noise str",
        "slope None",
        "slope str",
        "slope inf",
        "intercept str",
        "n huge",
        "n_val huge",
    ],
)
def test_bad_seed_noise_slope_or_too_many_points_are_clear_errors(load: object, says: str) -> None:
    with pytest.raises(ng.NNGraphError, match=says):
        load()  # type: ignore[operator]


def test_no_noise_and_numpy_numbers_are_fine() -> None:
    import numpy as np

    assert datasets.moons(noise=None).x_train.isfinite().all()  # scikit-learn's "no noise"
    assert datasets.xor(noise=0, seed=np.int64(3)).x_train.isfinite().all()
    x, y = datasets.line(slope=np.float32(1.5), intercept=0, noise=0.0)
    assert torch.allclose(y, 1.5 * x)


@pytest.mark.parametrize(
    "member",
    [*(getattr(datasets, name) for name in sorted(datasets.__all__)), datasets.Split.classes],
    ids=[*sorted(datasets.__all__), "Split.classes"],
)
def test_every_loader_shows_an_example(member: Any) -> None:
    """Every loader but device() and line() had no `>>>` example (sweep O, bug 6)."""
    assert ">>>" in (member.__doc__ or "")
