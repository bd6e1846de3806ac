"""Type checks for attrs fields that raise the library's own error.

``attrs.validators.instance_of`` raises a bare ``TypeError``; the README
promises that every error is a :class:`~b12course.exceptions.B12CourseError`,
so the model's fields use :func:`instance_of` from here instead.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from b12course.exceptions import InvalidRecordError

if TYPE_CHECKING:
    import attrs

__all__ = ["instance_of"]


def instance_of(
    kind: type, what: str
) -> Callable[[object, attrs.Attribute[Any], object], None]:
    """Return an attrs validator that refuses anything but a ``kind``.

    It raises InvalidRecordError, naming the field and ``what`` it must be.

    >>> import attrs
    >>> @attrs.frozen
    ... class Box:
    ...     size: int = attrs.field(validator=instance_of(int, "a whole number"))
    >>> Box("big")
    Traceback (most recent call last):
    ...
    b12course.exceptions.InvalidRecordError: size must be a whole number, not str 'big'
    """

    def check(
        _instance: object, attribute: attrs.Attribute[Any], value: object
    ) -> None:
        if not isinstance(value, kind):
            raise InvalidRecordError(
                value,
                f"{attribute.name} must be {what}, not {type(value).__name__} "
                f"{value!r:.60}",
            )

    return check
