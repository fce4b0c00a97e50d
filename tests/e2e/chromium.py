"""Debian's Chromium, headless, the one way every browser test and benchmark here starts it.

Never a downloaded browser; without the background-networking flags Chromium keeps dialling
hosts this machine cannot reach.

    from tests.e2e.chromium import launch
    with sync_playwright() as pw:
        browser = launch(pw)
"""

from __future__ import annotations

import os
from typing import Any

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def launch(playwright: Any) -> Any:
    """A headless Chromium browser from a `sync_playwright()` instance."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
