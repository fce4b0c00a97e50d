"""Every string a student sees, in one catalog per language (English and Polish).

>>> from nngraph import i18n
>>> i18n.set_language("pl")
>>> i18n.message("capture.not_a_module", call="trace()", got="str")[:40]
'trace() potrzebuje modelu torch.nn.Modul'
>>> i18n.set_language("en")
"""

from nngraph.i18n._catalog import (
    LANGUAGES,
    PluralForm,
    get_language,
    message,
    messages,
    number,
    numeral,
    on_language_change,
    plural_form,
    plural_message,
    set_language,
)
from nngraph.i18n._numbers import times_text

__all__ = [
    "LANGUAGES",
    "PluralForm",
    "get_language",
    "message",
    "messages",
    "number",
    "numeral",
    "on_language_change",
    "plural_form",
    "plural_message",
    "set_language",
    "times_text",
]
