"""Names from user code shown in text output (tables, log lines) keep it one line, read left
to right, whatever they hold.

    >>> one_line("acc\\nnew\\x1b[31m")
    'acc\\\\nnew\\\\x1b[31m'
"""

from __future__ import annotations

import unicodedata

__all__ = ["cut_middle", "left_to_right", "one_line", "shown_width"]


def one_line(text: str) -> str:
    """Text on one line, read left to right: a name holding a newline, a tab or another control
    character (any that `str.splitlines` breaks at), a mark that turns the rest of the line
    right to left (U+202E), half of a surrogate pair or U+FFFE/U+FFFF (no characters: a
    terminal or a notebook cannot print them) is shown escaped.

        >>> print(one_line("run\\nA"), one_line("abc\\u202eXYZ"), one_line("lone\\ud800x"))
        run\\nA abc\\u202eXYZ lone\\ud800x
    """
    return text.translate(_CONTROLS) if not text.isprintable() else text


def left_to_right(text: str) -> str:
    """`text` with the marks that change which way text reads (U+202E turns the rest of a line
    right to left) shown escaped, as `one_line` shows them: for pictures, where the other
    control characters have their own replacement.

        >>> left_to_right("run\u202eA1")
        'run\\\\u202eA1'
    """
    return text.translate(_BIDI_SHOWN) if not text.isprintable() else text


def shown_width(text: str) -> int:
    """How many columns `text` takes in a fixed-width font: an emoji or a CJK character two,
    a combining accent none (tables line up by it, not by `len`).

    >>> shown_width("fc1"), shown_width("\U0001f600"), shown_width("e\u0301")
    (3, 2, 1)
    """
    return sum(
        0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1
        for c in text
    )


def cut_middle(text: str, width: int) -> str:
    """`text` with its middle left out ("…") where it takes more than `width` columns (see
    `shown_width`): its start and its end still show, as in a long label of `to_dot()`.

    >>> cut_middle("encoder.block_opt1=a_opt2=b_opt3=c.fc", 20)
    'encoder.bl…opt3=c.fc'
    >>> cut_middle("fc1", 20)
    'fc1'
    """
    columns = [shown_width(c) for c in text]
    if sum(columns) <= width:
        return text
    room = width - 1  # for "…"
    start, end = _fitting(columns, (room + 1) // 2), _fitting(columns[::-1], room // 2)
    return text[:start] + "…" + text[len(text) - end :]


def _fitting(columns: list[int], room: int) -> int:
    """How many of the first characters, taking `columns` each, fit in `room` columns."""
    used = 0
    for count, width in enumerate(columns):
        used += width
        if used > room:
            return count
    return len(columns)


_BIDI = (0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A))
_NOT_CHARACTERS = (*range(0xD800, 0xE000), 0xFFFE, 0xFFFF)
_CONTROLS = {code: f"\\x{code:02x}" for code in (*range(32), 0x7F, 0x85)} | {
    10: "\\n",
    13: "\\r",
    9: "\\t",
    0x2028: "\\u2028",
    0x2029: "\\u2029",
    **{code: f"\\u{code:04x}" for code in (*_BIDI, *_NOT_CHARACTERS)},
}
_BIDI_SHOWN = {code: f"\\u{code:04x}" for code in _BIDI}
