"""Which of GL's readings a run has heard already (:func:`said_once`): training that became
unstable is told once, not at each rise (a raw-pixel run, sweep s47 ``s10``, heard 20
readings that alternated "may have started to memorise" and "unstable"), and a wobble of a
validation loss still improving once (see :mod:`~nngraph.monitor._still_improving`), not at
each of its 5% wobbles (a correct mini-batch run, ``s27``, heard "memorise" 4 times).
"""

from __future__ import annotations

from nngraph.monitor._gl_reading import JUMPY_FROM

__all__ = ["AFTER_UNSTABLE", "ONCE", "UNSTABLE_TOLD", "said_once"]

#: Readings said once for the run (see :func:`said_once`): unstable training (a jumpy run is
#: told so once more, with its usual causes), and a wobble of a validation loss still
#: improving, not at each of its 5% wobbles; ...
ONCE = ("gl.improving", *JUMPY_FROM, "gl.jumpy")
#: ... and once a run was told its training is unstable, these tell it nothing new either:
#: "no sign of memorising yet", "too soon to tell"
AFTER_UNSTABLE = ("gl.neutral", "gl.rose_once", "gl.plain", "gl.improving")


def said_once(told: frozenset[str], now: str) -> bool:
    """Whether GL has told the run already what its reading ``now`` would say (``told``: the
    readings it gave): training that became unstable is told so once (a raw-pixel run heard
    20 readings that alternated "memorise" and "unstable"), and once more where it turns out
    jumpy (with the usual causes); after that neither another jump, rise or spike of its
    training loss, nor "no sign of memorising yet", "too soon to tell" or a wobble of a loss
    still improving is new. A wobble of a loss still improving is told once too.

        >>> said_once(frozenset(), "gl.jumpy"), said_once(frozenset({"gl.jumpy"}), "gl.stalled")
        (False, True)
        >>> said_once(frozenset({"gl.stalled"}), "gl.jump"), said_once(frozenset({"gl.jump"}), "gl.jumpy")
        (True, False)
        >>> told = frozenset({"gl.improving"})
        >>> said_once(told, "gl.improving"), said_once(told, "gl.jumpy")
        (True, False)
    """
    unstable = not told.isdisjoint(UNSTABLE_TOLD)
    if now == "gl.jumpy":
        return now in told
    if now in JUMPY_FROM:
        return unstable
    return (unstable and now in AFTER_UNSTABLE) or (now in told and now in ONCE)


#: The readings after which a run counts as told its training is unstable
UNSTABLE_TOLD = (*JUMPY_FROM, "gl.jumpy")
