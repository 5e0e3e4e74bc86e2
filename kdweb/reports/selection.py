"""Which subjects stand behind one number of the report, and how that is spelled in a query string
(`?kind=member&unit=BD.P01&level=HTXSNV`, `&reason=exempt`, `&reason=any`, `&disciplined=1`)."""
from __future__ import annotations

from dataclasses import dataclass

from .vocabulary import LEVELS, MEASURES, REASONS, SUBJECT_KINDS


class UnknownSelection(ValueError):
    """A query parameter that names no subject kind or measure."""


def measure_query(measure: str) -> dict[str, str]:
    if measure == "roster":
        return {}
    if measure == "rated" or measure in LEVELS:
        return {"level": measure}
    if measure == "not_rated":
        return {"reason": "any"}
    if measure in REASONS:
        return {"reason": measure}
    if measure == "disciplined":
        return {"disciplined": "1"}
    raise UnknownSelection(measure)


def measure_from_query(args) -> str:
    given = {name: args.get(name) for name in ("level", "reason", "disciplined") if args.get(name)}
    if len(given) > 1:
        raise UnknownSelection(", ".join(given))
    if not given:
        return "roster"
    (name, value), = given.items()
    measure = {"level": value, "reason": "not_rated" if value == "any" else value,
               "disciplined": "disciplined" if value == "1" else ""}[name]
    if measure not in MEASURES or measure_query(measure) != given:
        raise UnknownSelection(f"{name}={value}")
    return measure


@dataclass(frozen=True)
class Selection:
    kind: str
    measure: str = "roster"
    unit: str | None = None  # a unit code
    group: str | None = None  # a unit group key (vocabulary.group_key)
    rating_group: str | None = None  # a rating group key

    @classmethod
    def from_query(cls, args) -> Selection:
        kind = args.get("kind", "")
        if kind not in SUBJECT_KINDS:
            raise UnknownSelection(f"kind={kind}")
        return cls(kind, measure_from_query(args), args.get("unit") or None, args.get("group") or None,
                   args.get("rgroup") or None)

    def query(self, **extra) -> dict[str, str]:
        args = {"kind": self.kind, **measure_query(self.measure)}
        for name, value in (("unit", self.unit), ("group", self.group), ("rgroup", self.rating_group)):
            if value is not None:
                args[name] = value
        return {**args, **extra}
