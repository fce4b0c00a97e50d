"""Looking messages up in the current language; the catalogs are `en.py` and `pl.py`."""

from __future__ import annotations

import locale
import numbers
import os
import re
import sys
from collections.abc import Callable
from typing import Any, Literal

from nngraph.errors import NNGraphError
from nngraph.i18n import en, pl

__all__ = [
    "LANGUAGES",
    "PluralForm",
    "get_language",
    "message",
    "messages",
    "number",
    "numeral",
    "on_language_change",
    "plural_message",
    "set_language",
    "shortened",
    "with_type",
]

LANGUAGES: dict[str, dict[str, str]] = {"en": en.MESSAGES, "pl": pl.MESSAGES}
_listeners: list[Callable[[str], None]] = []


def _language_from_locale() -> str:
    """`pl` when the environment's locale is Polish (NNGRAPH_LANG, LC_ALL, LC_MESSAGES, LANG)."""
    for variable in ("NNGRAPH_LANG", "LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = os.environ.get(variable, "")
        if value and value not in ("C", "POSIX") and not value.startswith("C."):
            return "pl" if value.lower().startswith("pl") else "en"
    code = locale.getlocale()[0] or ""
    return "pl" if code.lower().startswith("pl") else "en"


_current = _language_from_locale()


def get_language() -> str:
    """The language messages are in now: `"en"` or `"pl"`.

    >>> import nngraph as ng
    >>> ng.set_language("en"); ng.get_language()
    'en'
    """
    return _current


def set_language(language: str) -> None:
    """Switch every message (widgets, detectors, magics, errors) to `"en"` or `"pl"`.

    >>> import nngraph as ng
    >>> ng.set_language("pl"); ng.get_language()
    'pl'
    >>> ng.set_language("en")
    """
    global _current
    code = str(language).lower().split("_")[0].split("-")[0]
    if code not in LANGUAGES:
        raise NNGraphError(
            message("i18n.unknown_language", got=language, known=", ".join(LANGUAGES))
        )
    _current = code
    for listener in list(_listeners):
        listener(code)


def on_language_change(listener: Callable[[str], None]) -> Callable[[], None]:
    """Call `listener(language)` after each `set_language`; returns a function that unsubscribes.

    >>> from nngraph.i18n import on_language_change, set_language
    >>> undo = on_language_change(print)
    >>> set_language("pl")
    pl
    >>> undo(); set_language("en")  # unsubscribed: nothing printed
    """
    _listeners.append(listener)
    return lambda: _listeners.remove(listener) if listener in _listeners else None


def message(key: str, /, **fields: object) -> str:
    """The message `key` in the current language, with `{fields}` filled in. A field that is
    not a string and whose text spans several lines or is long (a model, an optimizer, an
    array pasted whole) is shown on one short line by `shortened`.

    >>> from nngraph.i18n import message
    >>> message("capture.graph_not_ready")
    'rec.graph is ready when the `with ng.record() as rec:` block ends'
    """
    text = LANGUAGES[_current].get(key) or en.MESSAGES[key]
    if _current == "pl":
        fields = {name: _Number(v) if _is_number(v) else v for name, v in fields.items()}
    fields = {name: _Shortened(v) if _may_be_long(v) else v for name, v in fields.items()}
    return text.format(**fields)


#: the longest text a message shows for a field as it is (see `shortened`)
FIELD_LIMIT = 80
_LINE_BREAKS = re.compile(r"\s*[\r\n]+\s*")


def shortened(value: object, text: str | None = None, limit: int = FIELD_LIMIT) -> str:
    """`text` (by default ``str(value)``), the way a message shows `value`, when it is one line
    of at most `limit` characters. Otherwise `value` on one line: a model or an optimizer by its
    class, a tensor or a NumPy array by its shape, anything else as `text` with its line breaks
    collapsed, cut with "..." (a wrong value pasted whole can take 40 lines).

    >>> import torch
    >>> shortened(torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.ReLU()))
    'Sequential(...)'
    >>> shortened(torch.zeros(3, 3)), shortened(torch.zeros(3))
    ('tensor(..., shape=(3, 3))', 'tensor([0., 0., 0.])')
    >>> shortened("a\\nb"), shortened("x" * 100, limit=10)
    ('a b', 'xxxxxxx...')
    """
    text = str(value) if text is None else text
    if len(text) <= limit and not _LINE_BREAKS.search(text):
        return text
    torch = sys.modules.get("torch")  # a tensor cannot exist unless torch is imported
    numpy = sys.modules.get("numpy")
    if torch is not None and isinstance(value, torch.Tensor):
        name = "tensor" if type(value) is torch.Tensor else type(value).__name__
        return f"{name}(..., shape={tuple(value.shape)})"
    if torch is not None and isinstance(value, torch.nn.Module | torch.optim.Optimizer):
        return f"{type(value).__name__}(...)"
    if numpy is not None and isinstance(value, numpy.ndarray):
        return f"array(..., shape={value.shape})"
    flat = _LINE_BREAKS.sub(" ", text.strip())
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."


def with_type(value: object) -> str:
    """`value` as a message quotes a wrong argument: its `repr` on one short line (see
    `shortened`), with its class where that does not already start with it.

    >>> import torch
    >>> with_type(3), with_type(torch.nn.Sequential(torch.nn.ReLU(), torch.nn.ReLU()))
    ('3 (int)', 'Sequential(...)')
    """
    text = shortened(value, repr(value))
    name = type(value).__name__
    return text if text.startswith(name) else f"{text} ({name})"


def _may_be_long(value: object) -> bool:
    """Whether a field may show a text too long for a message (see `shortened`): not a string
    or a number, nor what nngraph passes as information to show whole (a path, an exception,
    a list of names)."""
    if isinstance(value, str | numbers.Number | os.PathLike | BaseException | _Number):
        return False
    names = isinstance(value, list | tuple) and all(isinstance(item, str) for item in value)
    return not names


class _Shortened:
    """A field a message shows through `shortened`, whichever way the message formats it
    (``{got}``, ``{got!r}``, ``{got:>10}``)."""

    __slots__ = ("value",)

    def __init__(self, value: object) -> None:
        self.value = value

    def __format__(self, spec: str) -> str:
        return shortened(self.value, format(self.value, spec))

    def __str__(self) -> str:
        return shortened(self.value, str(self.value))

    def __repr__(self) -> str:
        return shortened(self.value, repr(self.value))


#: how Polish writes what Python's format() writes: a decimal comma, digits grouped by a
#: no-break space (a grouping comma would read as a decimal one)
_POLISH_DIGITS = str.maketrans({".": ",", ",": "\u00a0"})


def numeral(text: str) -> str:
    """A number Python formatted (``"0.35"``, ``"1,281"``) as the current language writes it:
    Polish ``"0,35"``, ``"1\u00a0281"``; English unchanged.

    >>> numeral("0.35")
    '0.35'
    >>> set_language("pl"); numeral("0.35"), numeral("12,345.5"); set_language("en")
    ('0,35', '12\xa0345,5')
    """
    return text.translate(_POLISH_DIGITS) if _current == "pl" else text


def number(value: object, spec: str = "") -> str:
    """``format(value, spec)`` as the current language writes numbers (a decimal comma in
    Polish), for a number formatted before it goes into a message.

    >>> number(0.345, ".2f")
    '0.34'
    >>> set_language("pl"); number(0.345, ".2f"), number(0.05, ".0%"); set_language("en")
    ('0,34', '5%')
    """
    return numeral(format(value, spec))


def _is_number(value: object) -> bool:
    """A field that shows a number: an int, float or numpy number (not a bool), or a
    one-number floating-point tensor (its format() formats the number)."""
    if isinstance(value, numbers.Real):
        return not isinstance(value, bool)
    return (
        type(value).__module__.startswith("torch")
        and getattr(value, "ndim", None) == 0
        and bool(getattr(value, "is_floating_point", lambda: False)())
    )


class _Number:
    """A number field of a Polish message: any format spec (``{x:.3g}``, ``{x:.0%}``, ``{x:,}``)
    gives Polish digits; ``{x!r}`` stays the Python literal a user typed (``lr=0.01``)."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def __format__(self, spec: str) -> str:
        return numeral(format(self.value, spec))

    def __str__(self) -> str:
        return self.__format__("")

    def __repr__(self) -> str:
        return repr(self.value)


def messages(prefix: str = "") -> dict[str, str]:
    """Every message whose key starts with `prefix`, in the current language (for a front-end).

    >>> from nngraph.i18n import messages
    >>> sorted(messages("graphview.stat."))[:2]
    ['graphview.stat.inf', 'graphview.stat.max']
    """
    table = LANGUAGES[_current]
    return {
        key: table.get(key) or text for key, text in en.MESSAGES.items() if key.startswith(prefix)
    }


#: the form of a counted noun: Polish 1, 2-4 (not 12-14) and 5+ take three forms; a
#: fraction takes a fourth (English has two: "one" and the rest)
PluralForm = Literal["one", "few", "many", "other"]


def plural_form(n: float) -> PluralForm:
    """Which form of a counted noun `n` takes: "one", "few" (Polish 2-4, 22-24, not 12-14),
    "many" (0, 5-21, 25...) or "other" for a number that is not whole (Polish reads 0,5 and
    2,5 with the genitive singular: "0,5 epoki", "2,5 kroku"). The catalogs give a counted noun
    one key per form (``graph.view.nodes.few``); `plural_message` picks it.

    >>> plural_form(1), plural_form(3), plural_form(12), plural_form(22), plural_form(0.5)
    ('one', 'few', 'many', 'few', 'other')
    """
    if not float(n).is_integer():
        return "other"
    n = abs(int(n))
    if n == 1:
        return "one"
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return "few"
    return "many"


def plural_message(key: str, n: float, /, **fields: object) -> str:
    """The message for `n` things: ``key.one``, ``key.few`` or ``key.many`` as `plural_form`
    says, with ``{n}`` filled in (a field ``n=`` given overrides it: a number written out).
    A fraction takes ``key.other`` where the catalog has it, else ``key.many`` (a noun never
    counted in fractions, such as nodes, needs no fourth form).

    >>> plural_message("monitor.count.epoch", 1), plural_message("monitor.count.epoch", 2.5)
    ('1 epoch', '2.5 epochs')
    >>> set_language("pl")
    >>> [plural_message("monitor.count.step", n) for n in (1, 2, 5, 12, 22, 0.5)]
    ['1 krok', '2 kroki', '5 kroków', '12 kroków', '22 kroki', '0,5 kroku']
    >>> set_language("en")
    """
    form = plural_form(n)
    if form == "other" and f"{key}.other" not in en.MESSAGES:
        form = "many"
    return message(f"{key}.{form}", **{"n": n, **fields})
