"""How a mistake in an expression `%nngraph` evaluates reaches the notebook: as one line, which
error it was, in the current language; and why the value of `%nngraph EXPR` has no graph, in
the magic's words. (An error in the student's own code keeps its traceback, without nngraph's
frames: `nngraph.capture._common.drop_recording_frames`.)
"""

from __future__ import annotations

import ast
import inspect
from typing import Any

import torch

from nngraph.capture._graph_of import no_history, tensors_of
from nngraph.i18n import message

__all__ = [
    "backward_again_error",
    "error_text",
    "line_value_error",
    "not_a_model_error",
    "raised_by_expression",
    "statement_error",
]


def raised_by_expression(error: Exception, filename: str = "<string>") -> bool:
    """Whether `error` was raised by an evaluated expression itself (in its own code, compiled
    as `filename`, or by looking up an attribute: `net.no_such_layer` fails in a module's
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
        names = [] if code.co_filename == filename else [*names, code.co_name]
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


def line_value_error(expression: str, value: Any) -> str | None:
    """Why `%nngraph EXPR` can draw no graph of `value`, in the words of the magic (`graph_of`'s
    own checks speak of `graph_of(loss)`, which the student never called); None when it can.

    >>> line_value_error("loss.item()", 0.5)[:39]
    '%nngraph: loss.item() is a Python float'
    """
    if _is_loss_class(value):  # `%nngraph nn.MSELoss`: a loss is called on output and targets
        name = expression.strip()
        return message("magic.line_loss_class", name=name, call=_made(name, value))
    if isinstance(value, torch.nn.modules.loss._Loss):  # `%nngraph criterion`: call it too
        name = expression.strip()
        return message("magic.line_loss", name=name, call=_callable(name))
    made = not_a_model_error(expression, value, "%nngraph", "%nngraph model(x)")
    if made is not None:  # `%nngraph Net`: the class, not a model made from it
        return made
    if isinstance(value, torch.nn.Module):  # `%nngraph net`: a model has no graph yet
        return message("magic.line_model", expression=expression)
    tensors = tensors_of(value)
    if not tensors:
        tensor = _backward_of(expression)
        if value is None and tensor is not None:  # `%nngraph loss.backward()`
            return message("magic.line_backward", tensor=tensor)
        got = type(value).__name__
        if (effect := _effect_of_call(expression, value)) is not None:  # `%nngraph opt.step()`
            return message("magic.line_call_ran", expression=expression, got=got, effect=effect)
        if isinstance(value, int | float) and not isinstance(value, bool):  # `loss.item()`
            return message("magic.line_number", expression=expression, got=got)
        return message("magic.line_needs_tensor", expression=expression, got=got)
    missing = no_history(tensors)
    if missing is None:
        return None
    return message("magic.line_integer" if missing else "magic.line_no_history", **missing)


def not_a_model_error(expression: str | None, value: Any, what: str, then: str) -> str | None:
    """The line for what is no model given where a model is wanted (`--model Net`): a model's
    class is to be made first (`model = Net()`), then `then` (`--model model`); for a loss's
    class (`--model nn.MSELoss`) or a loss (`--model criterion`), the model is to be given
    instead; None for anything else.

    >>> import torch
    >>> not_a_model_error("torch.nn.Linear", torch.nn.Linear, "watch", "watch model")[:46]
    'watch: torch.nn.Linear is a class, not a model'
    >>> not_a_model_error("criterion", torch.nn.MSELoss(), "watch", "watch model")[:48]
    'watch: criterion is a loss function, not a model'
    """
    if expression is None:
        return None
    name = expression.strip()
    if _is_weightless_loss(value):
        return message("magic.loss_module", what=what, name=name, then=then)
    if not (isinstance(value, type) and issubclass(value, torch.nn.Module)):
        return None
    if _is_loss_class(value):
        return message("magic.loss_class", what=what, name=name, then=then)
    return message("magic.model_class", what=what, name=name, call=_made(name, value), then=then)


def _is_loss_class(value: Any) -> bool:
    """Whether `value` is the class of one of torch's losses (`nn.MSELoss`), or a subclass."""
    return isinstance(value, type) and issubclass(value, torch.nn.modules.loss._Loss)


def _is_weightless_loss(value: Any) -> bool:
    """Whether `value` is one of torch's losses (`nn.CrossEntropyLoss()`) with no weights of
    its own to train: no model, whatever it is given as (a loss that learns weights is one)."""
    if not isinstance(value, torch.nn.modules.loss._Loss):
        return False
    return next(iter(value.parameters()), None) is None


def _callable(expression: str) -> str:
    """`expression` as written before a call's brackets: in brackets itself unless it is a
    name, an attribute, an item or a call (`criterion`, `nn.MSELoss()`, `losses['ce']`)."""
    try:
        tree = ast.parse(expression, mode="eval").body
    except SyntaxError:
        return expression
    plain = isinstance(tree, ast.Name | ast.Attribute | ast.Subscript | ast.Call)
    return expression if plain else f"({expression})"


def _made(name: str, cls: type) -> str:
    """How a `cls` typed as `name` is made: `Net()`, or `nn.Linear(...)` when it needs
    arguments."""
    return f"{name}(...)" if _needs_arguments(cls) else f"{name}()"


def _needs_arguments(cls: type) -> bool:
    """Whether making a `cls` needs arguments (`nn.Linear(2, 1)`), as far as its signature
    tells."""
    try:
        parameters = inspect.signature(cls).parameters.values()
    except (TypeError, ValueError):  # a signature Python cannot read: say `Net()`
        return False
    variadic = (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)
    return any(p.default is p.empty and p.kind not in variadic for p in parameters)


def backward_again_error(expression: str, error: BaseException) -> str | None:
    """The line for `%nngraph loss.backward()` run on a graph whose backward pass already ran
    (torch's long traceback says to keep the graph), or None for any other error."""
    tensor = _backward_of(expression)
    if tensor is None or not isinstance(error, RuntimeError):
        return None
    if "backward through the graph a second time" not in str(error):
        return None
    return message("magic.line_backward_again", expression=expression, tensor=tensor)


def statement_error(line: str) -> str | None:
    """The line for `%nngraph loss = net(x).sum()` or `%nngraph import math`: Python, but
    statements, which the line magic (an expression's graph) does not run; None for an
    expression, or for a line that is no Python at all.

    >>> statement_error("loss = net(x).sum()")[:55]
    "%nngraph: 'loss = net(x).sum()' is a statement, not an "
    >>> statement_error("net(x).sum()") is None, statement_error("monitr --model net") is None
    (True, True)
    """
    typed = line.strip()
    try:
        ast.parse(typed, mode="eval")
    except SyntaxError:
        pass
    else:
        return None
    try:
        statements = ast.parse(typed, mode="exec").body
    except SyntaxError:
        return None
    value = _assigned_value(statements)
    expression = None if value is None else ast.get_source_segment(typed, value)
    if expression is None:  # `import math`, `x = 1; y = 2`: no expression it could mean
        return message("magic.line_statements", line=typed)
    return message("magic.line_statement", line=typed, expression=expression)


def _assigned_value(statements: list[ast.stmt]) -> ast.expr | None:
    """The value a single assignment of one target gives (`net(x).sum()` in `loss =
    net(x).sum()`, whose graph the line meant); None for anything else (`a, b = f()`,
    `a = b = f()`, `x += 1`, several statements)."""
    statement = statements[0] if len(statements) == 1 else None
    value: ast.expr | None = None
    if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
        target, value = statement.targets[0], statement.value
    elif isinstance(statement, ast.AnnAssign):
        target, value = statement.target, statement.value
    else:
        return None
    return value if isinstance(target, ast.Name | ast.Attribute | ast.Subscript) else None


#: what a call the line magic ran did, by the method's name; any other call returning None
#: may have changed something too (`magic.ran.call`)
_EFFECTS = {"step": "magic.ran.step", "zero_grad": "magic.ran.zero_grad"}


def _effect_of_call(expression: str, value: Any) -> str | None:
    """What the refused `%nngraph EXPR` did by running, when EXPR is a call that may have
    changed something: an optimizer's `step()` or `zero_grad()` whatever it returned, any
    other call that returned None (called for what it does); None otherwise (`loss.item()`)."""
    call = _call_of(expression)
    if call is None:
        return None
    function = call.func
    name = function.attr if isinstance(function, ast.Attribute) else None
    if name in _EFFECTS:
        return message(_EFFECTS[name])
    return message("magic.ran.call") if value is None else None


def _call_of(expression: str) -> ast.Call | None:
    """The call `expression` is (`opt.step()`), or None when it is something else."""
    try:
        call = ast.parse(expression.strip(), mode="eval").body
    except SyntaxError:
        return None
    return call if isinstance(call, ast.Call) else None


def _backward_of(expression: str) -> str | None:
    """`loss` for `loss.backward()` (as typed), or None when the expression is no such call."""
    call = _call_of(expression)
    if call is None or not isinstance(call.func, ast.Attribute):
        return None
    if call.func.attr != "backward":
        return None
    return ast.get_source_segment(expression.strip(), call.func.value)
