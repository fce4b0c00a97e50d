"""How a mistake in an expression `%nngraph` evaluates reaches the notebook: as one line, which
error it was, in the current language. (An error in the student's own code keeps its
traceback, without nngraph's frames: `nngraph.capture._common.drop_recording_frames`.)
"""

from __future__ import annotations

from nngraph.i18n import message

__all__ = ["error_text", "raised_by_expression"]


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
