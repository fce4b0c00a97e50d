"""Shared test set-up: every test starts in English, whatever the machine's locale."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from nngraph import i18n


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    i18n.set_language("en")
    yield
    i18n.set_language("en")
