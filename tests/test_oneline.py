"""``one_line``: a name from user code shown in text keeps the text one line, left to right,
and printable (a terminal or a notebook can write it)."""

from __future__ import annotations

import pytest

from nngraph._oneline import one_line


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("acc\nnew", "acc\\nnew"),
        ("run\r1\t", "run\\r1\\t"),
        ("abc\u202eXYZ\u200f", "abc\\u202eXYZ\\u200f"),
        ("a\u2028b\x85", "a\\u2028b\\x85"),
        ("lone\ud800x\udfff", "lone\\ud800x\\udfff"),
        ("not\ufffea\uffffcharacter", "not\\ufffea\\uffffcharacter"),
    ],
    ids=ascii,
)
def test_what_breaks_a_line_or_cannot_be_printed_is_shown_escaped(name: str, shown: str) -> None:
    assert one_line(name) == shown
    assert one_line(name).encode("utf-8").decode("utf-8").isprintable()


@pytest.mark.parametrize("name", ["val_loss", "żółw_日本_😀", "a\"b'c", "{x}{0}%s{{", "a\\nb"])
def test_a_printable_name_is_kept_as_it_is(name: str) -> None:
    assert one_line(name) == name
