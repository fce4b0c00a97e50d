"""Findings of :class:`~nngraph.monitor.GradientWatch` that many layers reach at one step are
said once: a 30-layer sigmoid net whose gradient vanishes gave 26 events with the same
explanation, one per layer, where a student needs one sentence naming the layers.

A finding is ``(layer, message_id, fields)``; :func:`grouped` merges :data:`GROUP` or more of
the same kind into one whose ``message_id`` ends in ``_many`` and whose fields name the layers
(``layers``: the names, ``shown``: a short text of them) and the range of their norms.

    >>> found = [(str(i), "grad.vanishing", {"norm": 10.0**-i, "ratio": 0.0, "top": "9"})
    ...          for i in range(5)]
    >>> [(layer, mid, f["shown"], f["low"]) for layer, mid, f in grouped(found)]
    [('0', 'grad.vanishing_many', "'0', '1', '2', '3', '4'", 0.0001)]
"""

from __future__ import annotations

from typing import Any

__all__ = ["GROUP", "grouped", "shown_names"]

#: This many layers or more with the same finding at one step make one event.
GROUP = 3

#: At most this many layer names are written out; longer lists show the first and the last.
_NAMES = 5

Finding = tuple[str, str, dict[str, Any]]


def grouped(found: list[Finding]) -> list[Finding]:
    """``found`` with each kind reached by :data:`GROUP` or more layers merged into one
    finding (in the place of its first layer); the other findings as they are."""
    by_kind: dict[str, list[Finding]] = {}
    for finding in found:
        by_kind.setdefault(finding[1], []).append(finding)
    out: list[Finding] = []
    for finding in found:
        same = by_kind[finding[1]]
        if len(same) < GROUP:
            out.append(finding)
        elif finding is same[0]:
            out.append(_merged(same))
    return out


def _merged(same: list[Finding]) -> Finding:
    layer, message_id, fields = same[0]
    names = [name for name, _, _ in same]
    norms = [f["norm"] for _, _, f in same if "norm" in f]
    merged = {
        **fields,
        "n": len(same),
        "layers": names,
        "shown": shown_names(names),
        "low": min(norms, default=float("nan")),
        "high": max(norms, default=float("nan")),
    }
    if "peak" in fields:  # exploding: the largest norm of any run, since the earliest start
        merged["peak"] = max(f["peak"] for _, _, f in same)
    if "start" in fields:
        merged["start"] = min(f["start"] for _, _, f in same)
    if "times" in fields:  # exploding: the least growth of any (their typical norms differ)
        merged["times"] = min(f["times"] for _, _, f in same if "times" in f)
        merged.pop("typical", None)
    if "ratio" in fields:  # the largest part of the top layer's norm any of them has
        merged["ratio"] = max(f["ratio"] for _, _, f in same)
    merged.pop("norm", None)
    return layer, message_id + "_many", merged


def shown_names(names: list[str]) -> str:
    """``'0', '1', '3', ..., '49'``: the names, quoted, the middle left out of a long list."""
    quoted = [f"'{name}'" for name in names]
    if len(quoted) > _NAMES:
        quoted = [*quoted[: _NAMES - 2], "...", quoted[-1]]
    return ", ".join(quoted)
