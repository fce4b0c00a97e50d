"""The errors of the Python calls under `%nngraph monitor` and `%nngraph watch`, in the magic's
words: its options (`--model`, `--optimizer`, `--monitor`, `--metric`), not the arguments of
`Monitor(model=...)` or `GradientWatch(model, optimizer=opt)`, which the student never wrote.

The API's message (in the current language) is read back against its template in the catalog,
which tells which check refused the call and the values it quoted; the magic's message for that
check is said instead. A message the table below does not list is kept as it is.

    >>> from nngraph.errors import NNGraphError
    >>> from nngraph.i18n import message
    >>> error = NNGraphError(message("monitor.gradwatch.monitor", got="Linear"))
    >>> in_magic_words(error, "watch", {"model": "net"})  # doctest: +ELLIPSIS
    '%nngraph watch: --monitor needs an ng.Monitor, got Linear: make one with %nngraph monitor, ...'
"""

from __future__ import annotations

import functools
import re
import string
from collections.abc import Mapping

from nngraph.errors import NNGraphError
from nngraph.i18n import message, messages

__all__ = ["in_magic_words"]

#: for each command, the API's messages it can meet and the magic's message for each
_MAGIC_WORDS: dict[str, dict[str, str]] = {
    "monitor": {
        "monitor.error.not_module": "magic.monitor.not_module",
        "monitor.error.metric_name": "magic.monitor.metric_name",
    },
    "watch": {
        "monitor.error.not_module": "magic.watch.not_module",
        "monitor.gradwatch.optimizer_first": "magic.watch.optimizer_first",
        "monitor.gradwatch.optimizer": "magic.watch.optimizer",
        "monitor.gradwatch.monitor": "magic.watch.monitor",
        "monitor.gradwatch.no_params": "magic.watch.no_params",
        "monitor.gradwatch.lazy": "magic.watch.lazy",
        "monitor.gradwatch.optimizer_other": "magic.watch.optimizer_other",
        "monitor.gradwatch.meta": "magic.watch.meta",
    },
}


def in_magic_words(error: NNGraphError, command: str, typed: Mapping[str, str]) -> str:
    """The text of `error`, raised by the Python call `%nngraph COMMAND` stands for, in the
    magic's words; `typed` gives the expressions typed for the options (`model`: `net`), which
    those words may quote. An error the magic has no words for keeps its own text."""
    text = str(error)
    for api_key, magic_key in _MAGIC_WORDS.get(command, {}).items():
        found = _template_pattern(messages(api_key)[api_key]).fullmatch(text)
        if found is not None:
            return message(magic_key, **{**found.groupdict(), **typed})
    return text


@functools.cache
def _template_pattern(template: str) -> re.Pattern[str]:
    """A pattern matching the messages `template` makes, each `{field}` (whatever its format)
    caught as a group of that name: `{got}` in `... got {got}` matches `... got Linear`."""
    pattern, seen = "", set()
    for literal, field, _spec, _conversion in string.Formatter().parse(template):
        pattern += re.escape(literal)
        if field is None:
            continue
        if not field.isidentifier():  # `{0}`, `{a.b}`: matched, not caught
            pattern += "(?:.*?)"
        elif field in seen:  # the same value again
            pattern += f"(?P={field})"
        else:
            seen.add(field)
            pattern += f"(?P<{field}>.*?)"
    return re.compile(pattern, re.DOTALL)
