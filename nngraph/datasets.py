"""Small data sets for the lecture and the lab, all offline: synthetic, or bundled with scikit-learn.

Every loader returns tensors on `device()` (a GPU when there is one), so a notebook chooses the
device in one place. Classification sets come split into training, validation and test parts,
with features standardised on the training part only.

    >>> from nngraph import datasets
    >>> data = datasets.classification()
    >>> data.x_train.shape, data.x_val.shape, data.x_test.shape
    (torch.Size([70, 2]), torch.Size([15, 2]), torch.Size([15, 2]))
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from nngraph.errors import NNGraphError
from nngraph.i18n import message

__all__ = [
    "Split",
    "breast_cancer",
    "circles",
    "classification",
    "device",
    "digits",
    "iris",
    "line",
    "moons",
    "polynomial_points",
    "wine",
    "xor",
]


def device() -> torch.device:
    """The device the demos use: the first GPU if PyTorch sees one, else the CPU.

    >>> import nngraph as ng
    >>> ng.datasets.device().type in ("cpu", "cuda", "mps")
    True
    """
    if torch.cuda.is_available():
        return torch.device("cuda")
    return torch.device("cpu")


@dataclass(frozen=True)
class Split:
    """Features `x_*` (float32) and targets `y_*` of the training, validation and test parts.

    >>> from nngraph import datasets
    >>> data = datasets.moons(n=20); len(data.x_train), len(data.y_val), data.classes
    (14, 3, 2)
    """

    x_train: torch.Tensor
    y_train: torch.Tensor
    x_val: torch.Tensor
    y_val: torch.Tensor
    x_test: torch.Tensor
    y_test: torch.Tensor
    names: tuple[str, ...] = ()

    @property
    def classes(self) -> int:
        """How many classes the targets have: those of the whole data set where it names them
        (a subset, `digits(n=10)`, may miss some), else the largest label plus one.

        >>> from nngraph import datasets
        >>> datasets.iris().classes, datasets.digits(n=5).classes
        (3, 10)
        """
        if self.names:
            return len(self.names)
        return int(torch.cat([self.y_train, self.y_val, self.y_test]).max().item()) + 1


def _sklearn() -> Any:
    try:
        import sklearn.datasets
    except ImportError:
        raise NNGraphError(message("datasets.needs_sklearn")) from None
    return sklearn.datasets


#: the most points a loader makes: they are all made in memory at once (a million 2-D points
#: take a few tens of MB on the way), and these sets are for small demos
MAX_POINTS = 1_000_000
#: the largest seed every generator here takes (scikit-learn's and NumPy's: 2**32 - 1)
MAX_SEED = 2**32 - 1


def _count(what: str, n: object, minimum: int = 1) -> int:
    """``n`` if it is a whole number of at least ``minimum`` and at most :data:`MAX_POINTS`,
    else NNGraphError."""
    if not isinstance(n, numbers.Integral) or isinstance(n, bool) or n < minimum:
        raise NNGraphError(message("datasets.bad_n", what=what, minimum=minimum, got=n))
    if int(n) > MAX_POINTS:
        raise NNGraphError(message("datasets.too_many", what=what, maximum=MAX_POINTS, got=n))
    return int(n)


def _seed(seed: object) -> int:
    """``seed`` if it is a whole number from 0 to :data:`MAX_SEED`, else NNGraphError.

    >>> _seed("42")
    Traceback (most recent call last):
    ...
    nngraph.errors.NNGraphError: seed must be a whole number from 0 to 4294967295 ...
    """
    if (
        not isinstance(seed, numbers.Integral)
        or isinstance(seed, bool)
        or not 0 <= int(seed) <= MAX_SEED
    ):
        raise NNGraphError(message("datasets.bad_seed", maximum=MAX_SEED, got=seed))
    return int(seed)


def _number(what: str, value: object) -> float:
    """``value`` if it is a finite real number (not a bool), else NNGraphError."""
    if not _finite(value):
        raise NNGraphError(message("datasets.bad_number", what=what, got=value))
    return float(value)  # type: ignore[arg-type]


def _noise(noise: object) -> float:
    """``noise`` if it is a finite number >= 0 (``None``: no noise, as scikit-learn takes it),
    else NNGraphError (NaN or inf would make every point NaN)."""
    if noise is None:
        return 0.0
    if not _finite(noise) or noise < 0:  # type: ignore[operator]
        raise NNGraphError(message("datasets.bad_noise", got=noise))
    return float(noise)  # type: ignore[arg-type]


def _finite(value: object) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(value)


def _check_split(parts: object) -> tuple[float, float, float]:
    """Three finite fractions, none negative, adding up to 1; else NNGraphError."""
    bad = NNGraphError(message("datasets.bad_split", got=parts))
    if not isinstance(parts, tuple | list) or len(parts) != 3:
        raise bad
    if not all(isinstance(p, numbers.Real) and not isinstance(p, bool) for p in parts):
        raise bad
    train, val, test = (float(p) for p in parts)
    if not all(math.isfinite(v) and v >= 0 for v in (train, val, test)):
        raise bad
    if abs(train + val + test - 1) > 1e-6:
        raise bad
    return train, val, test


def _examples_needed(parts: tuple[float, float, float], n: int) -> int | None:
    """The fewest examples, above `n`, that `parts` splits with every part holding one.

    >>> _examples_needed((0.7, 0.15, 0.15), 3)
    6
    """
    for more in range(n + 1, 100 * n + 1000):
        n_train, n_val = round(parts[0] * more), round(parts[1] * more)
        if n_train and n_val and more - n_train - n_val > 0:
            return more
    return None


def _split(
    x: np.ndarray,
    y: np.ndarray,
    *,
    parts: tuple[float, float, float],
    seed: int,
    names: tuple[str, ...] = (),
) -> Split:
    train_part, val_part, _ = _check_split(parts)
    order = np.random.default_rng(seed).permutation(len(x))
    n_train = round(train_part * len(x))
    if n_train == 0:  # standardising on no rows would give NaN features
        raise NNGraphError(message("datasets.empty_train", got=parts, n=len(x)))
    n_val = round(val_part * len(x))
    train, val, test = np.split(order, [n_train, n_train + n_val])
    for part, rows, fraction in (("val", val, val_part), ("test", test, 1 - train_part - val_part)):
        if len(rows) == 0:  # a validation or test loss over no rows would be NaN
            name = message(f"datasets.part.{part}")
            need = _examples_needed(parts, len(x)) if fraction > 1e-9 else None
            if need is not None:  # the split is fine, the examples too few
                raise NNGraphError(
                    message("datasets.too_few", got=parts, n=len(x), part=name, need=need)
                )
            raise NNGraphError(message("datasets.empty_part", got=parts, n=len(x), part=name))
    mean, std = x[train].mean(0), x[train].std(0)
    std[std < 1e-8] = 1.0  # a feature constant on the training part (a blank pixel) stays as it is
    where = device()

    def features(rows: np.ndarray) -> torch.Tensor:
        return torch.tensor((x[rows] - mean) / std, dtype=torch.float32, device=where)

    def targets(rows: np.ndarray) -> torch.Tensor:
        return torch.tensor(y[rows], dtype=torch.long, device=where)

    return Split(
        features(train),
        targets(train),
        features(val),
        targets(val),
        features(test),
        targets(test),
        names,
    )


def classification(
    n: int = 100, *, split: tuple[float, float, float] = (0.7, 0.15, 0.15), seed: int = 0
) -> Split:
    """The lecture's two-class problem: `make_classification(n_samples=100, n_features=2,
    n_redundant=0, n_informative=2, flip_y=0.1, class_sep=1.5)`, split 70/15/15.

    >>> from nngraph import datasets
    >>> data = datasets.classification(); data.x_train.shape, data.y_train.shape
    (torch.Size([70, 2]), torch.Size([70]))
    """
    n, seed = _count("n", n), _seed(seed)
    x, y = _sklearn().make_classification(
        n_samples=n,
        n_features=2,
        n_redundant=0,
        n_informative=2,
        flip_y=0.1,
        class_sep=1.5,
        random_state=seed,
    )
    return _split(x, y, parts=split, seed=seed)


def moons(
    n: int = 200,
    *,
    noise: float = 0.2,
    split: tuple[float, float, float] = (0.7, 0.15, 0.15),
    seed: int = 0,
) -> Split:
    """Two interleaving half circles: a line cannot separate them.

    >>> from nngraph import datasets
    >>> data = datasets.moons(n=100, noise=0.1); data.x_train.shape, data.classes
    (torch.Size([70, 2]), 2)
    """
    n, noise, seed = _count("n", n), _noise(noise), _seed(seed)
    x, y = _sklearn().make_moons(n_samples=n, noise=noise, random_state=seed)
    return _split(x, y, parts=split, seed=seed)


def circles(
    n: int = 200,
    *,
    noise: float = 0.1,
    split: tuple[float, float, float] = (0.7, 0.15, 0.15),
    seed: int = 0,
) -> Split:
    """A circle inside a circle.

    >>> from nngraph import datasets
    >>> data = datasets.circles(n=100, seed=1); data.x_val.shape, data.classes
    (torch.Size([15, 2]), 2)
    """
    n, noise, seed = _count("n", n), _noise(noise), _seed(seed)
    x, y = _sklearn().make_circles(n_samples=n, noise=noise, factor=0.5, random_state=seed)
    return _split(x, y, parts=split, seed=seed)


def xor(
    n: int = 200,
    *,
    noise: float = 0.1,
    split: tuple[float, float, float] = (0.7, 0.15, 0.15),
    seed: int = 0,
) -> Split:
    """Four clusters, opposite corners in the same class: the classic problem a single layer fails.

    >>> from nngraph import datasets
    >>> data = datasets.xor(n=40); data.x_test.shape, data.classes
    (torch.Size([6, 2]), 2)
    """
    n, noise, seed = _count("n", n), _noise(noise), _seed(seed)
    rng = np.random.default_rng(seed)
    corners = rng.integers(0, 2, size=(n, 2))
    x = corners * 2.0 - 1.0 + rng.normal(0, noise, size=(n, 2))
    y = corners[:, 0] ^ corners[:, 1]
    return _split(x, y, parts=split, seed=seed)


def line(
    n: int = 120, *, slope: float = 2.0, intercept: float = 0.9, noise: float = 0.5, seed: int = 0
) -> tuple[torch.Tensor, torch.Tensor]:
    """Points of `y = 2x + 0.9 + noise` for linear regression, as column tensors `(x, y)`.

    >>> import nngraph as ng
    >>> x, y = ng.datasets.line()
    >>> x.shape, y.shape
    (torch.Size([120, 1]), torch.Size([120, 1]))
    """
    n, noise, seed = _count("n", n), _noise(noise), _seed(seed)
    slope, intercept = _number("slope", slope), _number("intercept", intercept)
    gen = torch.Generator().manual_seed(seed)
    x = torch.rand(n, 1, generator=gen) * 4 - 2
    y = slope * x + intercept + noise * torch.randn(n, 1, generator=gen)
    return x.to(device()), y.to(device())


def polynomial_points(
    n_train: int = 5, n_val: int = 20, *, noise: float = 1.0, seed: int = 1
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """Noisy points of a straight line, for the overfitting demo: `(x_train, y_train, x_val, y_val)`.

    A line fits the 5 training points with a small error; a degree-6 polynomial (7 parameters)
    goes exactly through them and misses the validation points badly.

    >>> from nngraph import datasets
    >>> x_train, y_train, x_val, y_val = datasets.polynomial_points()
    >>> x_train.shape, x_val.shape, x_train.dtype
    (torch.Size([5, 1]), torch.Size([20, 1]), torch.float64)
    """
    n_train, n_val = _count("n_train", n_train), _count("n_val", n_val)
    noise, seed = _noise(noise), _seed(seed)
    gen = torch.Generator().manual_seed(seed)
    x_train = torch.linspace(-1, 1, n_train, dtype=torch.float64).unsqueeze(1)
    x_val = torch.rand(n_val, 1, generator=gen, dtype=torch.float64) * 2 - 1
    truth = lambda x: 3 * x + 1  # noqa: E731
    y_train = truth(x_train) + noise * torch.randn(n_train, 1, generator=gen, dtype=torch.float64)
    y_val = truth(x_val) + noise * torch.randn(n_val, 1, generator=gen, dtype=torch.float64)
    return x_train, y_train, x_val, y_val


def _bundled(loader: str, split: tuple[float, float, float], seed: int, limit: int | None) -> Split:
    seed = _seed(seed)
    if limit is not None:
        limit = _count("n", limit)
    bunch = getattr(_sklearn(), loader)()
    x, y = np.asarray(bunch.data, dtype=np.float64), np.asarray(bunch.target)
    if limit is not None:
        if limit > len(x):
            raise NNGraphError(message("datasets.more_than_all", n=limit, all=len(x)))
        keep = np.random.default_rng(seed).permutation(len(x))[:limit]
        x, y = x[keep], y[keep]
    return _split(x, y, parts=split, seed=seed, names=tuple(str(n) for n in bunch.target_names))


def iris(*, split: tuple[float, float, float] = (0.6, 0.2, 0.2), seed: int = 0) -> Split:
    """Iris: 150 flowers, 4 measurements, 3 species (bundled with scikit-learn).

    >>> from nngraph import datasets
    >>> data = datasets.iris(); data.x_train.shape, data.names
    (torch.Size([90, 4]), ('setosa', 'versicolor', 'virginica'))
    """
    return _bundled("load_iris", split, seed, None)


def digits(
    *, n: int | None = None, split: tuple[float, float, float] = (0.6, 0.2, 0.2), seed: int = 0
) -> Split:
    """Handwritten digits: 1797 images of 8x8 pixels (64 features), 10 classes; `n` keeps a subset.

    The lab's offline stand-in for MNIST, which needs a download.

    >>> from nngraph import datasets
    >>> data = datasets.digits(n=100); data.x_train.shape, data.classes
    (torch.Size([60, 64]), 10)
    """
    return _bundled("load_digits", split, seed, n)


def wine(*, split: tuple[float, float, float] = (0.6, 0.2, 0.2), seed: int = 0) -> Split:
    """Wine: 178 wines, 13 chemical measurements, 3 cultivars.

    >>> from nngraph import datasets
    >>> data = datasets.wine(); data.x_train.shape, data.classes
    (torch.Size([107, 13]), 3)
    """
    return _bundled("load_wine", split, seed, None)


def breast_cancer(*, split: tuple[float, float, float] = (0.6, 0.2, 0.2), seed: int = 0) -> Split:
    """Breast cancer: 569 tumours, 30 features, 2 classes.

    >>> from nngraph import datasets
    >>> data = datasets.breast_cancer(); data.x_train.shape, data.names
    (torch.Size([341, 30]), ('malignant', 'benign'))
    """
    return _bundled("load_breast_cancer", split, seed, None)
