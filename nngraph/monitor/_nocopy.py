"""``NotCopyable``: a live object (a run with its view, listeners and timers, a watch hooked on an
optimizer) that ``copy.copy``, ``copy.deepcopy`` and pickling (``torch.save``, multiprocessing)
refuse with an :class:`~nngraph.errors.NNGraphError` saying what to save instead.

Without it, a deep copy or a pickle failed on a lock with a bare ``TypeError``, and
``copy.copy`` made a second object sharing the first one's history: logging into the copy
changed the original.

    >>> import copy
    >>> from nngraph.monitor import Monitor
    >>> copy.copy(Monitor(display=False))
    Traceback (most recent call last):
    ...
    nngraph.errors.NNGraphError: a Monitor cannot be copied ...
"""

from __future__ import annotations

from typing import Any, ClassVar, NoReturn, SupportsIndex

from nngraph.errors import NNGraphError
from nngraph.i18n import message

__all__ = ["NotCopyable"]


class NotCopyable:
    """Refuses ``copy.copy``, ``copy.deepcopy`` and pickling with the message a subclass names
    (its text names the class and what to save instead): ``class Runs(NotCopyable,
    not_copied="monitor.runs.error.copy")``.

        >>> import pickle
        >>> from nngraph.monitor import Runs
        >>> pickle.dumps(Runs(display=False))
        Traceback (most recent call last):
        ...
        nngraph.errors.NNGraphError: a Runs cannot be copied ...
    """

    #: the message id of the refusal
    _not_copied: ClassVar[str]

    def __init_subclass__(cls, *, not_copied: str | None = None, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if not_copied is not None:  # a subclass of Monitor keeps Monitor's
            cls._not_copied = not_copied

    def __copy__(self) -> NoReturn:
        raise NNGraphError(message(self._not_copied))

    def __deepcopy__(self, memo: dict[int, Any]) -> NoReturn:
        raise NNGraphError(message(self._not_copied))

    def __reduce_ex__(self, protocol: SupportsIndex) -> NoReturn:  # pickle, torch.save
        raise NNGraphError(message(self._not_copied))
