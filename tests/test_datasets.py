"""The lecture's data sets load offline, split and standardised as a notebook expects."""

from __future__ import annotations

import math

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
