"""The errors of `GradientWatch` under `%nngraph watch`, said in the magic's words: its options
(`--optimizer opt`), not the Python call's arguments, which the student never wrote."""

from __future__ import annotations

from typing import Any

import pytest
from IPython.core.error import UsageError

from nngraph import _magic_api_errors, i18n
from nngraph.errors import NNGraphError


@pytest.fixture
def ip(magic_shell: Any) -> Any:
    return magic_shell


@pytest.mark.parametrize("language", ["en", "pl"])
def test_an_optimizer_of_another_model_is_told_in_the_magics_words(ip: Any, language: str) -> None:
    """Sweep s45 magics, finding 6: the model's cell run again and not the optimizer's gave
    GradientWatch's own message, without `%nngraph watch:`, ending "...then watch it"."""
    i18n.set_language(language)
    ip.run_cell(
        "import torch\nnet = torch.nn.Linear(2, 1)\nopt = torch.optim.SGD(net.parameters(), lr=0.1)\n"
        "net = torch.nn.Linear(2, 1)  # the model's cell run again"
    )
    ip.user_ns.pop("watch", None)
    with pytest.raises(UsageError) as caught:
        ip.run_line_magic("nngraph", "watch net --optimizer opt")
    said = str(caught.value)
    assert said.startswith("%nngraph watch: --optimizer opt ") and "\n" not in said
    assert said.endswith("%nngraph watch net --optimizer opt")
    assert "opt = torch.optim.SGD(net.parameters(), lr=0.1)" in said
    assert "GradientWatch" not in said and "watch" not in ip.user_ns


@pytest.mark.parametrize("language", ["en", "pl"])
def test_gradients_on_the_meta_device_are_told_in_the_magics_words(language: str) -> None:
    """Sweep s45 magics, finding 6: `monitor.gradwatch.meta` had no words of the magic's."""
    i18n.set_language(language)
    error = NNGraphError(i18n.message("monitor.gradwatch.meta", layer="0"))
    said = _magic_api_errors.in_magic_words(error, "watch", {"model": "net"})
    assert said.startswith("%nngraph watch: ") and "'0'" in said and "net" in said
    assert "GradientWatch" not in said
