"""The jinja2 environment lesson text is rendered in: a sandbox with bounds.

Lessons arrive as pull requests from people we do not vet, and CI builds them.
A lesson template may read the lesson's data and call the layout macros; it may
not reach Python internals, touch files, mutate anything, or run for long:

* jinja2's immutable sandbox refuses ``_``-attributes and mutating methods;
* only the lesson's data and plain values are exposed: the default globals that
  carry function objects (``cycler``, ``joiner``, ``lipsum``, ``namespace``) are
  removed, and on any other object only data attributes (and ``tolist``) are
  readable, never methods such as numpy's ``tofile``, unless the object's class
  names them in ``template_methods`` (pure reads, such as ``QuerySteps.step``);
* ``range`` is capped, and so are repeated strings, big powers and padding widths;
* :func:`render_bounded` stops a render that runs past a time limit or writes
  more than an output limit.

:func:`lesson_environment` is the one place that sets this up; a factory that
builds the lesson environment calls it.
"""
from __future__ import annotations

import functools
import re
import time
from typing import Any, Callable

import jinja2
from jinja2.runtime import LoopContext
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup

MAX_RANGE = 10_000  # items; a lesson loops over a handful of keys
MAX_OUTPUT = 1_000_000  # characters one cell may render to
MAX_SECONDS = 5.0  # per cell; a real cell renders in milliseconds
MAX_CALL_DEPTH = 50  # nested macro calls
MAX_INT_BITS = 256  # integers a template may compute (10**77)

_PLAIN = (str, int, float, bool, type(None), list, tuple, dict, Markup)
_DATA_METHODS = frozenset({"tolist"})  # numpy: the worked example's code cell prints arrays
_UNSAFE_GLOBALS = ("cycler", "joiner", "lipsum", "namespace")
_WIDE_FORMAT = re.compile(r"%[-#0 +]*(\*|\d{7,})|\{[^}]*\d{7,}[^}]*\}")


class TemplateLimit(Exception):
    """A template went past one of the bounds above."""


class LessonSandbox(ImmutableSandboxedEnvironment):
    intercepted_binops = frozenset({"*", "**", "%", "+"})

    def __init__(self, **options: Any):
        super().__init__(**options)
        self.deadline = float("inf")
        self.depth = 0

    def tick(self) -> None:
        if time.monotonic() > self.deadline:
            raise TemplateLimit(f"rendering took longer than {MAX_SECONDS:g} s")

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        self.tick()
        if not super().is_safe_attribute(obj, attr, value):
            return False
        if isinstance(obj, (*_PLAIN, LoopContext, jinja2.environment.TemplateModule)):
            return True
        # A class of ours may name methods a template can call: pure reads of its data.
        return not callable(value) or attr in _DATA_METHODS or attr in getattr(type(obj), "template_methods", ())

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        self.tick()
        if operator == "**" and isinstance(left, int) and isinstance(right, int):
            if abs(left) > 1 and right * max(abs(left).bit_length(), 1) > MAX_INT_BITS:
                raise TemplateLimit(f"{left} ** {right} is too large for a template")
        if operator == "%" and isinstance(left, str) and _WIDE_FORMAT.search(left):
            raise TemplateLimit("format width too large for a template")
        if operator in ("*", "+"):
            _check_size(left, right, operator)
        return super().call_binop(context, operator, left, right)

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805 (jinja's signature)
        __self.tick()
        _check_arguments(args, kwargs)
        __self.depth += 1
        try:
            if __self.depth > MAX_CALL_DEPTH:
                raise TemplateLimit(f"macros nested deeper than {MAX_CALL_DEPTH} calls")
            result = super().call(__context, __obj, *args, **kwargs)
        finally:
            __self.depth -= 1
        _check_result(result)
        return result


def _too_big(value: Any) -> bool:
    if isinstance(value, int) and not isinstance(value, bool):
        return value.bit_length() > MAX_INT_BITS
    return isinstance(value, (str, list, tuple)) and len(value) > MAX_OUTPUT


def _check_size(left: Any, right: Any, operator: str) -> None:
    if isinstance(left, int) and isinstance(right, int):
        if operator == "*" and left.bit_length() + right.bit_length() > MAX_INT_BITS:
            raise TemplateLimit("integer too large for a template")
        return
    sizes = [len(v) for v in (left, right) if isinstance(v, (str, list, tuple))]
    counts = [v for v in (left, right) if isinstance(v, int) and not isinstance(v, bool)]
    if operator == "*" and sizes and counts and sizes[0] * max(counts[0], 0) > MAX_OUTPUT:
        raise TemplateLimit(f"repeating a value {counts[0]} times goes past {MAX_OUTPUT:,} characters")
    if operator == "+" and sum(sizes) > MAX_OUTPUT:
        raise TemplateLimit(f"joined value goes past {MAX_OUTPUT:,} characters")


def _check_arguments(args: tuple, kwargs: dict) -> None:
    for value in (*args, *kwargs.values()):
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_OUTPUT:
            raise TemplateLimit(f"argument {value} is too large for a template")
        if _too_big(value):
            raise TemplateLimit(f"argument longer than {MAX_OUTPUT:,} characters")
        if isinstance(value, str) and _WIDE_FORMAT.search(value):
            raise TemplateLimit("format width too large for a template")


def _check_result(value: Any) -> None:
    if _too_big(value):
        raise TemplateLimit(f"a value went past {MAX_OUTPUT:,} characters")


def _guarded(function: Callable) -> Callable:
    """A filter that refuses huge widths and counts (``center(10**9)``) and huge results."""

    @functools.wraps(function)  # keeps jinja's pass_context/pass_environment marks
    def guarded(*args: Any, **kwargs: Any) -> Any:
        _check_arguments(tuple(a for a in args if not isinstance(a, (jinja2.Environment, jinja2.runtime.Context))), kwargs)
        result = function(*args, **kwargs)
        _check_result(result)
        return result

    return guarded


class _Range:
    """``range`` for templates: at most MAX_RANGE items, each step under the time limit."""

    def __init__(self, env: LessonSandbox, numbers: range):
        self.env, self.numbers = env, numbers

    def __len__(self) -> int:
        return len(self.numbers)

    def __iter__(self):
        for n in self.numbers:
            self.env.tick()
            yield n


def _bounded_range(env: LessonSandbox) -> Callable:
    def bounded(*args: int) -> _Range:
        numbers = range(*args)
        if len(numbers) > MAX_RANGE:
            raise TemplateLimit(f"range of {len(numbers):,} items (a template may loop over at most {MAX_RANGE:,})")
        return _Range(env, numbers)

    return bounded


def lesson_environment(loader: jinja2.BaseLoader | None = None, **options: Any) -> LessonSandbox:
    """The sandboxed environment lesson cells and their layout macros render in."""
    env = LessonSandbox(loader=loader, **options)
    for name in _UNSAFE_GLOBALS:
        env.globals.pop(name, None)
    env.globals["range"] = _bounded_range(env)
    env.filters = {name: _guarded(f) for name, f in env.filters.items()}
    return env


def add_filter(env: LessonSandbox, name: str, function: Callable) -> None:
    """Register a filter under the same bounds as jinja's own."""
    env.filters[name] = _guarded(function)


def render_bounded(env: LessonSandbox, template: jinja2.Template, context: dict[str, Any]) -> str:
    """Render ``template``; raise :class:`TemplateLimit` past the time or output limit."""
    env.deadline = time.monotonic() + MAX_SECONDS
    env.depth = 0
    parts: list[str] = []
    size = 0
    try:
        for chunk in template.generate(context):
            size += len(chunk)
            if size > MAX_OUTPUT:
                raise TemplateLimit(f"output goes past {MAX_OUTPUT:,} characters")
            env.tick()
            parts.append(chunk)
    finally:
        env.deadline = float("inf")
    return "".join(parts)
