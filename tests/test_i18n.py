"""One catalog per language, complete in both, switched by ng.set_language."""

from __future__ import annotations

import string

import pytest

from nngraph import NNGraphError, i18n
from nngraph.i18n import en, pl


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_key_is_in_both_languages() -> None:
    missing_in_pl = sorted(set(en.MESSAGES) - set(pl.MESSAGES))
    missing_in_en = sorted(set(pl.MESSAGES) - set(en.MESSAGES))
    assert not missing_in_pl, f"add these keys to nngraph/i18n/pl.py: {missing_in_pl}"
    assert not missing_in_en, f"add these keys to nngraph/i18n/en.py: {missing_in_en}"


@pytest.mark.parametrize("key", sorted(en.MESSAGES))
def test_translations_use_the_same_fields(key: str) -> None:
    assert fields(pl.MESSAGES[key]) == fields(en.MESSAGES[key])
    assert pl.MESSAGES[key].strip(), key


def test_set_language_switches_messages_and_tells_listeners() -> None:
    heard: list[str] = []
    stop = i18n.on_language_change(heard.append)
    i18n.set_language("pl")
    assert i18n.get_language() == "pl"
    assert i18n.message("capture.graph_not_ready").startswith("rec.graph jest gotowy")
    i18n.set_language("en_US")
    assert i18n.message("capture.graph_not_ready").startswith("rec.graph is ready")
    stop()
    i18n.set_language("pl")
    assert heard == ["pl", "en"]


def test_an_unknown_language_is_refused_clearly() -> None:
    with pytest.raises(NNGraphError, match="choose one of en, pl"):
        i18n.set_language("de")
    assert i18n.get_language() == "en"


@pytest.mark.parametrize(
    ("env", "language"), [("pl_PL.UTF-8", "pl"), ("en_GB.UTF-8", "en"), ("C.UTF-8", "en")]
)
def test_the_default_follows_the_locale(
    monkeypatch: pytest.MonkeyPatch, env: str, language: str
) -> None:
    for variable in ("NNGRAPH_LANG", "LC_ALL", "LC_MESSAGES", "LANGUAGE"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("LANG", env)
    monkeypatch.setattr("locale.getlocale", lambda: (None, None))
    from nngraph.i18n import _catalog

    assert _catalog._language_from_locale() == language


def test_polish_errors_reach_the_user() -> None:
    import nngraph as ng

    i18n.set_language("pl")
    with pytest.raises(ng.NNGraphError, match="nie ma historii autograd"):
        ng.graph_of(ng_tensor_without_history())


def ng_tensor_without_history():  # type: ignore[no-untyped-def]
    import torch

    return torch.ones(3)
