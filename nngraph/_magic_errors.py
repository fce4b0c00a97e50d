"""How errors under `%nngraph` reach the notebook: a mistake in an expression the magic
evaluates as one line (which error it was, in the current language), and an error in the
student's own code with a traceback that ends where it would end without the magic.
"""

from __future__ import annotations

from nngraph.i18n import message

__all__ = ["drop_hidden_last_frame", "error_text", "raised_by_expression"]


def raised_by_expression(error: Exception) -> bool:
    """Whether `error` was raised by an evaluated expression itself (in its own code,
    `<string>`, or by looking up an attribute: `net.no_such_layer` fails in a module's
    `__getattr__`), not by a function it called.

    >>> try:
    ...     eval("undefined_name")
    ... except NameError as error:
    ...     raised_by_expression(error)
    True
    """
    if isinstance(error, SyntaxError):
        return True
    names: list[str] = []  # the functions below the expression's frame, outermost first
    frame = error.__traceback__
    while frame is not None:
        code = frame.tb_frame.f_code
        names = [] if code.co_filename == "<string>" else [*names, code.co_name]
        frame = frame.tb_next
    return not names or (isinstance(error, AttributeError) and names == ["__getattr__"])


def drop_hidden_last_frame(error: BaseException) -> None:
    """Drop the last frame of `error`'s traceback when that frame hides itself
    (`__tracebackhide__`): the recorder's `__torch_function__`, which called the torch function
    that raised. IPython hides such a frame anywhere but last, and a student reads the last
    frame as the culprit: the traceback then ends where it ends without `%%nngraph`.

    >>> import traceback
    >>> def hidden():
    ...     __tracebackhide__ = True
    ...     int("x")  # raised in C code: this frame is the last
    >>> try:
    ...     hidden()
    ... except ValueError as error:
    ...     drop_hidden_last_frame(error)
    ...     [frame.name for frame in traceback.extract_tb(error.__traceback__)]
    ['<module>']
    """
    last = error.__traceback__
    before = None
    while last is not None and last.tb_next is not None:
        before, last = last, last.tb_next
    if before is not None and last is not None and last.tb_frame.f_locals.get("__tracebackhide__"):
        before.tb_next = None


def error_text(error: Exception) -> str:
    """``Type: what went wrong`` for an error that evaluating a notebook expression raised, in
    the current language for the errors a student makes most (an undefined name, a missing
    attribute, a syntax error); any other error keeps its own text.

    >>> error_text(NameError("name 'x' is not defined", name="x"))
    "NameError: name 'x' is not defined"
    >>> error_text(ZeroDivisionError("division by zero"))
    'ZeroDivisionError: division by zero'
    """
    detail = str(error)
    if isinstance(error, NameError) and error.name:
        detail = message("magic.error.undefined", name=error.name)
    elif isinstance(error, AttributeError) and error.name:
        detail = message("magic.error.no_attribute", type=type(error.obj).__name__, name=error.name)
    elif isinstance(error, SyntaxError):
        detail = message("magic.error.syntax")
    return f"{type(error).__name__}: {detail}"
