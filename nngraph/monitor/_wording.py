"""Numbers as the detectors' explanations write them: few digits, but enough to show a value
above its threshold, and never 300 of them.

    >>> plain(2000.4), percent_text(5.04, 5), rising_trail([0.9, 0.95])
    ('2000', '5.04', '0.9 -> 0.95')
    >>> above_text(5.04, 5), above_text(1.5e9, 5)
    ('5.04% above its best', 'about 15 million times its best')
"""

from __future__ import annotations

import math
from collections.abc import Callable
from itertools import pairwise

from nngraph.i18n import message, numeral, times_text

__all__ = [
    "above_text",
    "epochs_listed",
    "percent_text",
    "permille_text",
    "plain",
    "rising_trail",
]


#: From here on a number in an explanation is written as 5.0e13, not in (up to 300) digits.
_COMPACT = 10_000.0
#: From this many percent on (11 times the best) a value above its best is said in times:
#: ``about 83 times its best`` reads more easily than ``8233.3% above its best``.
_TIMES = 1000.0
#: Digits added at most so that a shown number is visibly above its threshold, ...
_MORE_DIGITS = 6
#: ... but at most this many finer than the threshold's last digit: ``5.001%`` for GL(5),
#: not ``5.0000000%`` for a rise above 5 by float rounding alone.
_FINER = 3


def plain(x: float, above: float = -math.inf) -> str:
    """A number with 3 significant digits, in scientific notation only from 10,000 on (a
    per-mille value of 2000 is ``2000``, not ``2e+03``); more digits (see :func:`_above`) where
    that shows it above ``above`` (a quotient of 0.5004 that exceeds 0.5 is ``0.5004``).

        >>> plain(2000.4), plain(12.345), plain(0.5), plain(0.000012345), plain(math.inf)
        ('2000', '12.3', '0.5', '0.0000123', 'inf')
        >>> plain(0.50039, above=0.5), plain(123456.0), plain(0.5 + 1e-12, above=0.5)
        ('0.5004', '1.23e5', '0.5001')
    """
    if not math.isfinite(x) or x == 0:
        return f"{x:g}"
    if abs(x) >= _COMPACT:
        return _scientific(x, 2, above)
    decimals = max(0, 2 - math.floor(math.log10(abs(x))))
    text = _above(x, lambda v, d: f"{v:.{decimals + d}f}", above)
    return text.rstrip("0").rstrip(".") if "." in text else text


def percent_text(x: float, above: float) -> str:
    """A generalization loss in percent, as GL's explanations show it: one decimal, more where
    that would not show it above ``above`` (5.04 for GL(5), not 5.0; see :func:`_above`:
    5.001 for a rise above 5 by float rounding alone, not 5.0000000), and in
    scientific notation from 10,000 on (a best of 1e-12 gives 5.0e13, not 14 digits).

        >>> percent_text(5.62, 5), percent_text(5.04, 5), percent_text(0.0004, 0), percent_text(5e13, 5)
        ('5.6', '5.04', '0.0004', '5.0e13')
        >>> percent_text(5.000000000000004, 5), percent_text(4.9, 5)
        ('5.001', '4.9')
    """
    if abs(x) >= _COMPACT:
        return _scientific(x, 1, above)
    return _above(x, lambda v, d: f"{v:.{1 + d}f}", above)


#: A margin below 1 that float rounding cannot cross: shown numbers whose quotient equals the
#: limit are not taken for above it.
_STRICT = 1 - 1e-9


def permille_text(progress: float, gl: float, alpha: float) -> tuple[str, float]:
    """Prechelt's training progress ``P_k`` per mille as PQ's explanation shows it beside the
    generalization loss ``gl`` (in percent), and the number ``gl`` is to be shown above (see
    :func:`above_text`): digits enough that the quotient of the numbers shown is above
    ``alpha``, as the true one is. Usually GL keeps its one decimal and ``P_k`` gets the digits
    (10.0% over 19.995, not 20); where that decimal rounds GL down too far (10.04% shown as
    10.0 over 20.07), GL gets more.

        >>> permille_text(19.995, 10.000000000000009, 0.5), permille_text(19.995, 12.0, 0.5)
        (('19.995', 0.0), ('20', 0.0))
        >>> text, floor = permille_text(20.07, 10.04, 0.5); text, round(floor, 6)  # GL: 10.04
        ('20.07', 10.035)
    """
    if not (0 < gl < _TIMES and math.isfinite(progress) and progress > 0 and alpha > 0):
        return plain(progress), 0.0
    floor = 0.0
    shown = float(percent_text(gl, floor))
    if not progress < shown / alpha * _STRICT:  # one decimal rounds GL down below alpha * P_k
        floor = alpha * progress / _STRICT
        shown = float(percent_text(gl, floor))
    # strictly below, by more than the rounding of a float division: 9.21 / 12.28 is 0.75
    return plain(-progress, above=-shown / alpha * _STRICT).removeprefix("-"), floor


#: A rise by at most this part of the run's first value is small (see :func:`above_text`).
NEAR_ZERO = 0.1


def above_text(
    x: float,
    above: float,
    *,
    best: float | None = None,
    value: float | None = None,
    first: float | None = None,
) -> str:
    """How far a value is above its best, ``x`` percent (Prechelt's GL), in the current
    language: ``5.04% above its best`` (``above``: see :func:`percent_text`), and from
    1,000% on (11 times the best) ``about 15 million times its best``: a percentage such as
    ``8233.3%`` or ``1.5e9%`` says little to a student. A ``best`` at or below 0 (a Gaussian
    negative log-likelihood, a flow's) has no size to be a percentage or a multiple of: 1.0 is
    not 12 times -0.1, so the ``value`` now is said instead. So it is where the loss at least
    doubled, by no more than :data:`NEAR_ZERO` of the ``first`` value of the run: a best near
    0 ("181.2% above its best (0.005026)" on 10 validation examples whose accuracy stayed
    1.0 said far more than 0.005 -> 0.014 does).

        >>> above_text(999.0, 5), above_text(1000.0, 5), above_text(8233.3, 5)
        ('999.0% above its best', 'about 11 times its best', 'about 83 times its best')
        >>> above_text(1100.0, 5, best=-0.1, value=1.0)
        '1 now, up from its best'
        >>> above_text(181.2, 5, best=0.005026, value=0.01413, first=0.1684)
        '0.0141 now, up from its best'
    """
    if best is not None and value is not None:
        small = first is not None and first > 0 and value - best <= NEAR_ZERO * first
        if not best > 0 or (x >= 100 and small):
            return message("monitor.gl.above_difference", value=numeral(plain(value)))
    if x >= _TIMES:
        return message("monitor.above.times", times=times_text(1 + x / 100))
    return message("monitor.above.percent", percent=numeral(percent_text(x, above)))


def _scientific(x: float, decimals: int, above: float) -> str:
    """``5.0e13`` (Python writes ``5.0e+13``), with more decimals where needed as above."""
    mantissa, exponent = _above(x, lambda v, d: f"{v:.{decimals + d}e}", above).split("e")
    return f"{mantissa}e{int(exponent)}"


def _above(x: float, write: Callable[[float, int], str], above: float) -> str:
    """``write(x, d)`` for the fewest extra digits ``d`` (at most :data:`_MORE_DIGITS`, and
    at most :data:`_FINER` digits finer than the last digit of ``above``) that show ``x`` above
    ``above``; where none do (``x`` above it by float rounding alone), ``x`` rounded up by one
    unit in the last digit shown, so that it still reads as above it. ``x`` at or below
    ``above``: ``write(x, 0)``.

        >>> _above(5.000000000000004, lambda v, d: f"{v:.{1 + d}f}", 5)
        '5.001'
    """
    if not x > above:
        return write(x, 0)
    limited = math.isfinite(above) and above != 0
    finest = _last_digit(f"{abs(above):g}") - _FINER if limited else -math.inf
    for more in range(_MORE_DIGITS + 1):
        text = write(x, more)
        if float(text) > above:
            return text
        if _last_digit(text) <= finest:
            break
    return write(x + 10.0 ** _last_digit(text), more)


def _last_digit(text: str) -> int:
    """The power of ten of the last digit of the number ``text`` (``5.000``, ``5.00e+13``).

    >>> _last_digit("5.000"), _last_digit("5.00e+13"), _last_digit("12"), _last_digit("1e-05")
    (-3, 11, 0, -5)
    """
    mantissa, _, exponent = text.partition("e")
    return int(exponent or 0) - len(mantissa.partition(".")[2])


def rising_trail(values: list[float]) -> str:
    """UP's trail, ``0.9 -> 0.95 -> 0.97``: 4 significant digits, more (at most 12) where
    that would not show each value above the one before.

        >>> rising_trail([0.9, 0.95, 0.97]), rising_trail([0.5, 0.500001, 0.500002])
        ('0.9 -> 0.95 -> 0.97', '0.5 -> 0.500001 -> 0.500002')
    """
    for digits in range(4, 13):
        shown = [format(v, f".{digits}g") for v in values]
        if all(float(a) < float(b) for a, b in pairwise(shown)):
            break
    return " -> ".join(numeral(text) for text in shown)


def epochs_listed(epochs: tuple[int, ...]) -> str:
    """``epochs 200, 205 and 210`` (at least two), as the explanations say where a mean of
    training values logged every few epochs comes from.

        >>> epochs_listed((200, 205, 210)), epochs_listed((5, 10))
        ('epochs 200, 205 and 210', 'epochs 5 and 10')
    """
    most = ", ".join(str(epoch) for epoch in epochs[:-1])
    return message("monitor.trend.epochs_listed", most=most, last=epochs[-1])
