"""Results a notebook shows as text: ``g.summary()``, ``mon.summary()`` and ``g.health()`` as a
cell's last line show the table or the findings, one per line, not a repr full of ``\\n``.

They stay a plain ``str`` and a plain ``list`` to code: ``print(g.summary())``, comparisons,
``json.dumps(g.health())`` and ``g.health() == []`` work as before. Only IPython's display
(``_repr_pretty_``) differs, and ``print(g.health())``, which writes the lines too.

    >>> from IPython.lib.pretty import pretty
    >>> table = Text("a  1\\nb  2")
    >>> print(pretty(table)); table == "a  1\\nb  2"
    a  1
    b  2
    True
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

__all__ = ["Findings", "Text"]


class Text(str):
    """A ``str`` that IPython shows as the text itself (its lines), not as its repr."""

    __slots__ = ()

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(str(self))


class Findings(list[dict[str, Any]]):
    """The findings of ``g.health()``: a ``list`` of dicts that IPython shows, and ``print``
    writes, as ``lines``: a sentence per finding (one for findings that read alike), or the
    line saying there is none. Its ``repr`` is the list's.

        >>> from IPython.lib.pretty import pretty
        >>> found = Findings([], ["Findings: none"])
        >>> found == [], pretty(found), str(found), repr(found)
        (True, 'Findings: none', 'Findings: none', '[]')
    """

    def __init__(self, findings: Iterable[dict[str, Any]], lines: list[str]) -> None:
        super().__init__(findings)
        self.lines = list(lines)

    def __str__(self) -> str:
        return "\n".join(self.lines)

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(str(self))
