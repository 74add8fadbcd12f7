"""Small value classes that cost nothing to define.

`@dataclasses.dataclass` writes each class's `__init__`, `__repr__`, `__eq__` (and a frozen
one's `__hash__` and `__setattr__`) as source text and compiles it when the module is imported:
about half a millisecond a class, paid by every start of gcal for each one on its path (the
config file's keys, the API parameters, the settings, the agenda's span...). A `Record`
subclass names its fields in `__slots__`, in order, and writes its own `__init__`; equality,
hash, repr and `replace` come from the fields, as a dataclass's would.
"""

from __future__ import annotations

from typing import Any, Tuple, TypeVar

R = TypeVar("R", bound="Record")


class Record:
    """A value class: equal (and hashed) by its type and fields, shown by its fields."""

    __slots__: Tuple[str, ...] = ()

    def _values(self) -> Tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self.__slots__)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._values() == other._values()  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__)
        return f"{self.__class__.__qualname__}({fields})"

    def replace(self: R, **changes: Any) -> R:
        """A copy with `changes` (as `dataclasses.replace`); an unknown name is a TypeError."""
        unknown = set(changes) - set(self.__slots__)
        if unknown:
            raise TypeError(f"{self.__class__.__name__} has no field {sorted(unknown)[0]!r}")
        new = object.__new__(self.__class__)
        for name in self.__slots__:
            object.__setattr__(new, name, changes.get(name, getattr(self, name)))
        return new
