"""Large ratios as a reader says them, in the current language: ``about 12 million times``
reads better than ``12,052,186x`` (the monitor's explanations write them the same way).

    >>> from nngraph.i18n import set_language
    >>> set_language("en"); times_text(12_052_186.0), times_text(7.3), times_text(1234.0)
    ('12 million', '7.3', '1,200')
    >>> set_language("pl"); times_text(12_052_186.0), times_text(2.3e9); set_language("en")
    ('12 mln', '2,3 mld')
"""

from __future__ import annotations

import math

from nngraph.i18n._catalog import message, numeral

__all__ = ["times_text"]

#: The words for large numbers, from the largest: the catalog's `monitor.number.*` keys.
_SCALES = ((1e12, "trillion"), (1e9, "billion"), (1e6, "million"))


def times_text(ratio: float) -> str:
    """A ratio to 2 significant digits: ``7.3``, ``120``, ``15,000``, ``15 million``, ``2.3
    billion`` (Polish ``15 mln``, ``2,3 mld``); in scientific notation (``2.3e17``) only from a
    thousand trillion on, where the words run out.

    >>> times_text(0.25), times_text(2.3e17), times_text(math.inf)
    ('0.25', '2.3e17', 'inf')
    """
    if not math.isfinite(ratio):
        return f"{ratio:g}"
    rounded = float(f"{ratio:.2g}")
    if rounded >= 1e15:
        mantissa, exponent = f"{rounded:.1e}".split("e")
        return numeral(f"{mantissa}e{int(exponent)}")
    for scale, word in _SCALES:
        if rounded >= scale:
            return message(f"monitor.number.{word}", n=numeral(f"{rounded / scale:g}"))
    return numeral(f"{rounded:,.0f}" if rounded >= 100 else f"{rounded:g}")
