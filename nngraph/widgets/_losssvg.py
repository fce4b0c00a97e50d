"""The loss view as a static SVG: what a saved notebook or nbconvert HTML shows without a kernel.

Hand-written (no matplotlib needed): one panel per metric, training and validation curves as
polylines, the best epoch as a green ring and dashed line (compared runs: each in its run's
colour, as the live view), events as triangles whose
explanation is the SVG ``<title>`` (a browser shows it on hover). The legend follows the title
and wraps onto further rows, which make every panel taller; compared runs have one legend above
all panels instead, as the live view: each run's name in its colour, then the two line styles
(training dashed, validation solid). A name too long for a row is shortened with "…" and kept
whole in a ``<title>``. Every name and message is XML-escaped, with
characters XML cannot hold (control characters, lone surrogates) replaced.

    >>> svg = loss_svg({"kind": "monitor", "metric": "val_loss", "runs": {"": {
    ...     "metrics": {"loss": {"step": [1, 2], "value": [1.0, 0.5]}}, "events": []}}})
    >>> svg.startswith("<svg") and "<polyline" in svg
    True
"""

from __future__ import annotations

import math
import textwrap
from typing import Any
from xml.sax.saxutils import quoteattr

from nngraph.i18n import message, number
from nngraph.monitor._names import (
    held_out_base,
    is_validation,
    resolve_mode,
    training_base,
    validation_base,
)
from nngraph.widgets._lossaxis import axis_ends, power10, share
from nngraph.widgets._static_svg import xml_text

__all__ = ["empty_lines", "loss_svg"]

#: the live view's colours (js/src/loss/panel.js): a run keeps its colour in the saved picture
PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
           "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]  # fmt: skip
BEST_COLOR = "#2e7d32"  # one run's best-epoch ring (the live view's .ng-loss-best)
W, H, PAD_L, PAD_R, PAD_T, PAD_B = 420, 210, 52, 12, 24, 26
LINE, GAP = 14, 8  # height of a legend row, space between legend entries
SAMPLE, DASH = 22, "5 4"  # length of a line sample in the runs' legend; a training curve's dash
CHAR, BOLD_CHAR = 6.5, 7.0  # generous estimates of a character's width at font-size 11
TEXT_W, WRAP = 560, 84  # a picture of text only: its width, the characters of a row

# a legend, title first: (x in the panel, row, text shown, full text)
Legend = list[tuple[float, int, str, str]]


def _num(v: Any) -> float:
    if isinstance(v, int | float):
        return float(v)
    return {"inf": math.inf, "-inf": -math.inf}.get(str(v), math.nan)


def _fmt(v: float) -> str:
    if not math.isfinite(v):
        return str(v)
    return number(v, ".3g")


def _title(key: str, strings: dict[str, str]) -> str:
    if key == "gradients":
        return strings.get("lossview.gradients", "gradient norm per layer")
    return key


def _label(kind: str, run: str, metric: str) -> str:
    return f"{run} {metric}" if kind == "runs" else (metric or "(model)")


def _shorten(text: str, width: float, char: float) -> str:
    """``text``, cut with "…" so that it is at most ``width`` wide."""
    if len(text) * char <= width:
        return text
    return text[: max(0, int(width // char) - 1)] + "…"


def _legend(title: str, labels: list[str]) -> Legend:
    """Lay out a panel's title and legend: entries follow the title, in rows inside the panel."""
    room = W - PAD_R - GAP  # the width of a whole row
    shown = _shorten(title, room, BOLD_CHAR)
    out = [(float(GAP), 0, shown, title)]
    x, row = GAP + len(shown) * BOLD_CHAR + 2 * GAP, 0
    for label in labels:
        text = _shorten(label, room, CHAR)
        if x + len(text) * CHAR > W - PAD_R:
            x, row = GAP, row + 1
        out.append((x, row, text, label))
        x += len(text) * CHAR + GAP
    return out


def _runs_legend(runs: list[str], width: float, strings: dict[str, str]) -> tuple[str, int]:
    """The legend of compared runs, once above the panels, and its height: each run's name in
    its colour, then the line styles of training (dashed) and validation (solid) curves."""
    words = [strings.get(k) or message(k) for k in ("lossview.training", "lossview.validation")]
    entries = [(run, PALETTE[i % len(PALETTE)], "") for i, run in enumerate(runs)]
    entries += [(words[0], "#555", DASH), (words[1], "#555", "")]
    out, x, row = ['<g class="legend">'], float(GAP), 0
    for text, color, dash in entries:
        shown = _shorten(text, width - 2 * GAP - SAMPLE - 4, CHAR)
        size = SAMPLE + 4 + len(shown) * CHAR
        if x > GAP and x + size > width - GAP:
            x, row = GAP, row + 1
        y = 15 + LINE * row
        dashed = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(
            f'<line x1="{x:g}" x2="{x + SAMPLE:g}" y1="{y - 4:g}" y2="{y - 4:g}" stroke="{color}" '
            f'stroke-width="2.5"{dashed}/>'
        )
        out.append(_legend_text(x + SAMPLE + 4, y, shown, text, f' fill="{color}"'))
        x += size + 2 * GAP
    return "".join(out) + "</g>", LINE * (row + 1) + 8


def _legend_text(x: float, y: float, shown: str, full: str, attrs: str) -> str:
    tip = f"<title>{xml_text(full)}</title>" if shown != full else ""
    return f'<text x="{x:g}" y="{y:g}"{attrs}>{xml_text(shown)}{tip}</text>'


def detector_text(detector: Any, strings: dict[str, str]) -> str:
    """Who an event is from, as the picture shows it: a detector's own text (`Patience(20)`),
    the Stop button's event (detector "user") in the view's words.

        >>> detector_text("user", {"lossview.detector_user": "przycisk Zatrzymaj"})
        'przycisk Zatrzymaj'
    """
    if detector == "user":
        return strings.get("lossview.detector_user") or message("lossview.detector_user")
    return str(detector)


def _panel_key(metric: str, kind: str) -> str:
    if kind == "gradients":
        return "gradients"
    # one validation, held-out or training prefix off (the rule of nngraph.monitor._names):
    # ``val_loss``, ``valid_loss``, ``val/loss``, ``eval_loss``, ``train_loss`` and ``loss``
    # share ``loss``
    return validation_base(metric) or held_out_base(metric) or training_base(metric) or metric


def _series(snap: dict[str, Any]) -> dict[str, list[tuple[str, str, list[float], list[float]]]]:
    """panel -> [(run, metric, steps, values)], training curves before validation ones."""
    kind = snap.get("kind", "monitor")
    panels: dict[str, list[tuple[str, str, list[float], list[float]]]] = {}
    for run, rs in (snap.get("runs") or {}).items():
        for metric, pts in (rs.get("metrics") or {}).items():
            xs = [_num(s) for s in pts.get("step", [])]
            ys = [_num(v) for v in pts.get("value", [])]
            panels.setdefault(_panel_key(metric, kind), []).append((run, metric, xs, ys))
    for curves in panels.values():
        curves.sort(key=lambda c: is_validation(c[1]))
    return panels


def _color(kind: str, run: str, metric: str, runs: list[str], metrics: list[str]) -> str:
    if kind == "runs":
        return PALETTE[runs.index(run) % len(PALETTE)]
    if kind == "gradients":
        return PALETTE[metrics.index(metric) % len(PALETTE)]
    return PALETTE[1] if is_validation(metric) else PALETTE[0]


def loss_svg(
    snap: dict[str, Any], *, log: bool = False, strings: dict[str, str] | None = None
) -> str:
    """An SVG picture of a normalised LossView snapshot (see ``LossView.full_snapshot``)."""
    strings = strings or {}
    kind = snap.get("kind", "monitor")
    panels = _series(snap)
    if kind == "gradients":
        log = True
    if not panels:  # what the live view says (a GradientWatch is fed by steps, not mon.log)
        return _empty_svg(empty_lines(snap, strings))
    runs = list((snap.get("runs") or {}).keys())
    metrics = [m for c in panels.values() for _, m, _, _ in c]
    primary = _panel_key(str(snap.get("metric") or ""), kind)
    if primary not in panels:
        primary = next(iter(panels))
    cols = min(2, len(panels))
    rows = (len(panels) + 1) // 2
    width = cols * W + (cols - 1) * 10
    band, band_h = _runs_legend(runs, width, strings) if kind == "runs" else ("", 0)
    # a panel whose values span several powers of ten (a run that diverged beside the others)
    # is drawn on a log axis, as the picture cannot be switched: flat lines compare nothing
    logs = {key: log or _spans_decades(curves) for key, curves in panels.items()}
    # a log axis asked for cannot show a panel with no value above 0 (a negative NLL): it
    # stays linear and says why, as the live view does
    refused = {key for key, curves in panels.items() if log and not _any_positive(curves)}
    for key in refused:
        logs[key] = False
    scale = f" ({strings.get('lossview.log_scale', 'log scale')})"  # said where chosen here
    no_log = strings.get("lossview.log_refused", " (linear scale: no value above 0)")
    legends = [
        _legend(
            _title(key, strings)
            + (scale if logs[key] and not log else "")
            + (no_log if key in refused else ""),
            [] if band else [_label(kind, r, m) for r, m, _, _ in curves],
        )
        for key, curves in panels.items()
    ]
    # every panel as tall as the one with the most legend rows: the grid stays aligned
    top = PAD_T + LINE * max(row for legend in legends for _, row, _, _ in legend)
    panel_h = H + top - PAD_T
    parts = [band]
    for i, ((key, curves), legend) in enumerate(zip(panels.items(), legends, strict=True)):
        ox, oy = (i % 2) * (W + 10), band_h + (i // 2) * (panel_h + 10)
        marks = _marks(snap.get("runs") or {}, key, primary, kind, panels)
        parts.append(
            _panel(curves, legend, marks, ox, oy, top, kind, logs[key], runs, metrics, strings)
        )
    height = band_h + rows * panel_h + (rows - 1) * 10
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="11">'
        + "".join(parts)
        + "</svg>"
    )


def _any_positive(curves: list[tuple[str, str, list[float], list[float]]]) -> bool:
    return any(math.isfinite(v) and v > 0 for _, _, _, ys in curves for v in ys)


#: A panel whose positive values span more than this factor is drawn on a log axis.
DECADES = 1e3


def _spans_decades(curves: list[tuple[str, str, list[float], list[float]]]) -> bool:
    """Whether every finite value of a panel of losses (no higher-is-better metric) is above 0
    and the largest is more than :data:`DECADES` times the smallest.

    >>> _spans_decades([("a", "loss", [1, 2], [0.5, 0.4]), ("b", "loss", [1, 2], [0.5, 4.7e4])])
    True
    """
    if any(resolve_mode("auto", metric) == "max" for _, metric, _, _ in curves):
        return False  # an accuracy from chance among 1,000 classes: its rise is the story
    values = [v for _, _, _, ys in curves for v in ys if math.isfinite(v)]
    return bool(values) and min(values) > 0 and max(values) > DECADES * min(values)


def _marks(
    runs: dict[str, Any], key: str, primary: str, kind: str, panels: dict[str, Any]
) -> dict[str, dict[str, Any]]:
    """What panel ``key`` marks of each run: the events on the primary panel; a best epoch on
    the panel of its own metric (compared runs may watch different metrics), or on the primary
    panel when that metric has no panel.

        >>> runs = {"a": {"best": {"metric": "val_acc"}, "events": [{"step": 1}]}}
        >>> panels = {"loss": [], "acc": []}
        >>> _marks(runs, "acc", "loss", "runs", panels)["a"]
        {'best': {'metric': 'val_acc'}, 'events': []}
        >>> _marks(runs, "loss", "loss", "runs", panels)["a"]["best"] is None
        True
    """
    out: dict[str, dict[str, Any]] = {}
    for run, rs in runs.items():
        best = rs.get("best")
        home = _panel_key(str(best.get("metric") or ""), kind) if best else primary
        if home not in panels:
            home = primary
        events = rs.get("events") if key == primary else []
        out[run] = {"best": best if home == key else None, "events": events or []}
    return out


def empty_lines(snap: dict[str, Any], strings: dict[str, str]) -> list[str]:
    """What a view with nothing to draw says, as in the live view (``emptyLines`` in
    js/src/loss/format.js): that it waits for its first data; for a GradientWatch whose steps
    found no gradient (``zero_grad()`` between ``backward()`` and ``step()``), that instead;
    then a GradientWatch's events, which have no curve to be marked on.

        >>> empty_lines({"kind": "monitor", "runs": {}}, {})
        ['waiting for the first mon.log(...)']
    """

    def word(key: str, **fields: Any) -> str:
        text = strings.get(key)  # the view's words: its language, as the live view's
        return text.format(**fields) if text else message(key, **fields)

    if snap.get("kind", "monitor") != "gradients":
        return [word("lossview.waiting")]
    events = [e for rs in (snap.get("runs") or {}).values() for e in rs.get("events") or []]
    steps = [i for e in events if (i := str(e.get("message_id", ""))).startswith("grad.step_")]
    key = "lossview.waiting_gradients"
    if steps:  # the last says why: no backward reached the parameters, or zero_grad() misplaced
        unreached = steps[-1] == "grad.step_unreached"
        key = "lossview.no_gradients_unreached" if unreached else "lossview.no_gradients"
    lines = [word(key)]
    for e in events:
        key = "lossview.event_step" if e.get("unit") == "step" else "lossview.event"
        fields = {k: e.get(k, "") for k in ("epoch", "detector", "message")}
        fields["detector"] = detector_text(fields["detector"], strings)
        lines.append(word(key, **fields))
    return lines


def _empty_svg(lines: list[str]) -> str:
    """A picture of text only: each line wrapped to the width, events set apart by a gap."""
    rows: list[tuple[float, str]] = []
    y = 24.0
    for i, line in enumerate(lines):
        if i:
            y += 8  # an event below the head line, or below the event before it
        for part in line.split("\n"):
            for row in textwrap.wrap(part, WRAP) or [""]:
                rows.append((y, row))
                y += 16
    texts = "".join(
        f'<text x="8" y="{ry:g}" fill="#666">{xml_text(row)}</text>' for ry, row in rows
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{TEXT_W}" height="{y:g}" '
        f'font-family="sans-serif" font-size="12">{texts}</svg>'
    )


def _panel(
    curves: list[tuple[str, str, list[float], list[float]]],
    legend: Legend,
    marks: dict[str, Any],
    ox: float,
    oy: float,
    top: float,
    kind: str,
    log: bool,
    runs: list[str],
    metrics: list[str],
    strings: dict[str, str],
) -> str:
    """One panel at ``(ox, oy)``, its plot area starting ``top`` below that (under the legend)."""

    def ok(v: float) -> bool:
        return math.isfinite(v) and (v > 0 or not log)

    def tr(v: float) -> float:
        return math.log10(v) if log else v

    xs = [x for _, _, cx, _ in curves for x in cx if math.isfinite(x)]
    if xs:  # the axis reaches every event (a watch's "no gradient" one comes after the norms)
        steps = [_num(e.get("step")) for rs in marks.values() for e in rs.get("events") or []]
        xs += [x for x in steps if math.isfinite(x)]
    ys = [tr(y) for _, _, _, cy in curves for y in cy if ok(y)]
    x0, x1 = (min(xs), max(xs)) if xs else (0.0, 1.0)
    y0, y1 = (min(ys), max(ys)) if ys else (0.0, 1.0)
    x0, x1 = axis_ends(x0, x1, max(1.0, abs(x0) / 10), centred=False)
    y0, y1 = axis_ends(y0, y1, 0.5 if log else max(0.5, abs(y0) / 10))
    pw, ph = W - PAD_L - PAD_R, H - PAD_T - PAD_B
    height = ph + top + PAD_B

    def px(x: float) -> float:
        return ox + PAD_L + share(x, x0, x1) * pw

    def py(y: float) -> float:
        return oy + top + (1 - share(tr(y), y0, y1)) * ph

    (tx, _, title, full_title), *entries = legend
    out = [
        f'<rect x="{ox}" y="{oy}" width="{W}" height="{height}" fill="#fff" stroke="#ddd"/>',
        _legend_text(ox + tx, oy + 15, title, full_title, ' font-weight="bold"'),
        f'<text x="{ox + 4}" y="{oy + top + 8}" fill="#555">{_fmt(power10(y1) if log else y1)}</text>',
        f'<text x="{ox + 4}" y="{oy + top + ph}" fill="#555">{_fmt(power10(y0) if log else y0)}</text>',
        f'<text x="{ox + PAD_L}" y="{oy + height - 8}" fill="#555">{_fmt(x0)}</text>',
        f'<text x="{ox + W - PAD_R}" y="{oy + height - 8}" fill="#555" text-anchor="end">'
        f"{_fmt(x1)}</text>",
    ]
    for j, (run, metric, cx, cy) in enumerate(curves):
        color = _color(kind, run, metric, runs, metrics)
        dash = f' stroke-dasharray="{DASH}"' if kind == "runs" and not is_validation(metric) else ""
        segments: list[list[str]] = [[]]
        for x, y in zip(cx, cy, strict=False):
            if ok(y) and math.isfinite(x):
                segments[-1].append(f"{px(x):.1f},{py(y):.1f}")
            elif segments[-1]:
                segments.append([])
        for seg in segments:
            if seg:
                out.append(
                    f'<polyline fill="none" stroke="{color}" stroke-width="1.6"{dash} '
                    f'points="{" ".join(seg)}"/>'
                )
        if j < len(entries):  # compared runs: their legend is above the panels
            lx, row, shown, label = entries[j]
            out.append(
                _legend_text(ox + lx, oy + 15 + LINE * row, shown, label, f' fill="{color}"')
            )
    for run, rs in marks.items():
        best = rs.get("best")
        # compared runs: each ring in its run's colour (one green was read as the third run's)
        ring = _color(kind, run, "", runs, metrics) if kind == "runs" else BEST_COLOR
        if best and math.isfinite(_num(best.get("step"))):
            bx, bv = px(_num(best["step"])), _num(best.get("value"))
            text = strings.get("lossview.best", "best epoch {epoch}").format(
                epoch=best.get("epoch"), metric=best.get("metric"), value=_fmt(bv), step=""
            )
            text = f"{run}: {text}" if kind == "runs" and run else text  # as the live view
            out.append(
                f'<g><title>{xml_text(text)}</title><line x1="{bx:.1f}" x2="{bx:.1f}" '
                f'y1="{oy + top}" y2="{oy + top + ph}" stroke="{ring}" stroke-dasharray="3 3"/>'
                + (
                    f'<circle cx="{bx:.1f}" cy="{py(bv):.1f}" r="5" fill="#fff" stroke="{ring}" '
                    'stroke-width="2.5"/>'
                    if ok(bv)
                    else ""
                )
                + "</g>"
            )
        for e in rs.get("events") or []:
            ex = px(_num(e.get("step")))
            if not math.isfinite(ex):
                continue
            color = "#c62828" if e.get("stop") else "#e65100"
            tip = f"{detector_text(e.get('detector', ''), strings)}: {e.get('message', '')}"
            out.append(
                f"<g><title>{xml_text(tip)}</title>"
                f'<polygon points="{ex - 6:.1f},{oy + top} {ex + 6:.1f},{oy + top} '
                f'{ex:.1f},{oy + top + 10}" fill={quoteattr(color)}/></g>'
            )
    return "".join(out)
