"""The words of a loss view's static output: its ``text/plain`` and the caption under its
picture in HTML (nbconvert, an untrusted notebook), where hover texts and the live view's table
are not shown. The caption is escaped where it becomes HTML (``picture_html``).

    >>> import nngraph as ng
    >>> mon = ng.Monitor(display=False); mon.log(1, loss=0.5, val_loss=0.7)
    >>> print(loss_caption(loss_text(ng.LossView(mon).full_snapshot(), mon)))
    best val_loss 0.7 at epoch 1 (step 1)
"""

from __future__ import annotations

from typing import Any

from nngraph._oneline import one_line
from nngraph.i18n import message
from nngraph.monitor._text import count

__all__ = ["CAPTION_EVENTS", "loss_caption", "loss_text"]

CAPTION_EVENTS = 5  # the HTML caption lists this many of a monitor's latest events


def loss_text(snapshot: dict[str, Any], source: Any) -> str:
    """The text beside the picture (``text/plain``, the ``<img>``'s ``alt``): the metrics
    drawn and the source's ``summary()`` (a Monitor) or ``table()`` (Runs, a GradientWatch).

        >>> import nngraph as ng
        >>> mon = ng.Monitor(display=False); mon.log(1, loss=0.5, val_loss=0.7)
        >>> print(loss_text(ng.LossView(mon).full_snapshot(), mon))
        nngraph loss view: loss, val_loss
        best val_loss 0.7 at epoch 1 (step 1)
    """
    logged = [m for r in snapshot["runs"].values() for m in r.get("metrics", {})]
    if snapshot["kind"] == "gradients":  # a GradientWatch: its "metrics" are its layers,
        # in the model's order (0, 2, 4, ..., 10, not 0, 10, 2), as in its table and legend
        layers = [m or message("monitor.gradwatch.model") for m in dict.fromkeys(logged)]
        names = one_line(", ".join(layers)) or "-"  # a name's marks shown escaped
        head = message("lossview.plain_gradients", layers=names)
    else:
        names = one_line(", ".join(sorted(set(logged)))) or "-"  # escaped, as in summary()
        head = message("lossview.plain", metrics=names)
    summary = getattr(source, "summary", None)
    table = getattr(source, "table", None)
    extra = summary() if callable(summary) else table() if callable(table) else ""
    return head + ("\n" + extra if extra else "")


def loss_caption(text: str, kind: str = "monitor") -> str:
    """The words under the picture in HTML, which shows no ``text/plain`` and no hover text:
    ``text`` (see :func:`loss_text`) without its first line (the metrics the picture names),
    with only a monitor's latest ``CAPTION_EVENTS`` events (the last one is a stop's reason;
    ``kind`` is the view's: a table of runs or of layers is kept whole).

        >>> events = [f"  epoch {i}: rose" for i in range(1, 8)]
        >>> print(loss_caption("\\n".join(["head", "best", "7 events:", *events])))
        best
        7 events:
          … 2 events before these
          epoch 3: rose
          epoch 4: rose
          epoch 5: rose
          epoch 6: rose
          epoch 7: rose
    """
    lines = text.split("\n")[1:]
    events = [i for i, line in enumerate(lines) if kind == "monitor" and line.startswith("  ")]
    earlier = events[:-CAPTION_EVENTS]
    if earlier:
        note = "  " + message("lossview.earlier_events", events=count("event", len(earlier)))
        lines = [*lines[: earlier[0]], note, *lines[earlier[-1] + 1 :]]
    return "\n".join(lines)
