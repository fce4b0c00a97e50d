"""Reading the text tables nngraph prints, in tests."""

from __future__ import annotations


def columns(line: str) -> list[str]:
    """The cells of one table line: cells are two or more spaces apart, and a header cell
    may hold single spaces ("best epoch by val_loss").

    >>> columns("run  epochs  best epoch by val_loss  val_loss")
    ['run', 'epochs', 'best epoch by val_loss', 'val_loss']
    """
    return [cell.strip() for cell in line.split("  ") if cell.strip()]
