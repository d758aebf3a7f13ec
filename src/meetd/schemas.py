"""Building blocks every resource's schemas share."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    PlainSerializer,
    PlainValidator,
    StringConstraints,
    WithJsonSchema,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema


class _Rule:
    """An annotation whose `_check` runs after the type's own validation."""

    __slots__ = ()

    def _check(self, value: Any) -> Any:
        raise NotImplementedError

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(self._check, handler(source))


@dataclass(frozen=True, slots=True)
class _Clean(_Rule):
    """Refuses NUL characters, which PostgreSQL cannot store in text, and says so in the
    OpenAPI document. (pydantic itself refuses lone surrogates.)"""

    @staticmethod
    def _check(value: str) -> str:
        if "\x00" in value:
            raise PydanticCustomError("text", "must not contain NUL characters")
        return value

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        json_schema = handler(schema)
        json_schema.setdefault("pattern", "^[^\\u0000]*$")  # a stricter pattern may be there
        return json_schema


# Every string meetd accepts is checked so: `Text`, or `Annotated[str, <constraints>, Clean]`
# (the constraints first, so that their messages speak of characters).
Clean = _Clean()
Text = Annotated[str, Clean]


class Schema(BaseModel):
    """A request body: types are checked strictly (no "1" for 1, no 1 for true), and
    unknown fields are ignored, since newer SDKs send newer fields."""

    model_config = ConfigDict(strict=True, extra="ignore")


def iso_millis(value: datetime) -> str:
    """2026-01-02T03:04:05.123Z, from a UTC time (what meetd stores and reads back). A `%`
    format: lists format two of these a row, and `isoformat` takes 2.5 times as long."""
    return "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ" % (  # noqa: UP031
        value.year,
        value.month,
        value.day,
        value.hour,
        value.minute,
        value.second,
        value.microsecond // 1000,
    )


# ISO 8601 in UTC with milliseconds and Z: 2026-01-02T03:04:05.123Z (contract A1)
Timestamp = Annotated[datetime, PlainSerializer(iso_millis, return_type=str)]


def _to_utc(value: datetime) -> datetime:
    if value.tzinfo is None:  # a time without an offset is read as UTC
        value = value.replace(tzinfo=UTC)
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise PydanticCustomError(
            "datetime", "must fall between the years 1 and 9999 in UTC"
        ) from None


def _iso_utc(value: object) -> datetime:
    if isinstance(value, datetime):
        return _to_utc(value)
    try:  # ISO 8601 only: pydantic would also read "0.5" as seconds since 1970
        parsed = datetime.fromisoformat(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise PydanticCustomError(
            "datetime", "must be an ISO 8601 date-time such as 2026-01-02T03:04:05Z"
        ) from None
    return _to_utc(parsed)


# A date-time sent with any offset (or none, meaning UTC), read as UTC.
UtcDateTime = Annotated[
    datetime,
    PlainValidator(_iso_utc),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]


def _integral(value: object) -> object:
    if isinstance(value, float) and value.is_integer():
        return int(value)  # JSON does not tell 150 from 150.0, and neither does its Schema
    return value


# A whole number, which JSON may also write as 150.0.
Integer = Annotated[int, BeforeValidator(_integral)]


@dataclass(frozen=True, slots=True)
class Between(_Rule):
    """A range rule whose message gives both bounds: "must be between 60 and 600"."""

    low: float
    high: float

    def _check(self, value: float) -> float:
        if not self.low <= value <= self.high:
            raise PydanticCustomError(
                "range", "must be between {low} and {high}", {"low": self.low, "high": self.high}
            )
        return value

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {**handler(schema), "minimum": self.low, "maximum": self.high}


def _number(value: float) -> int | float:
    return int(value) if isinstance(value, float) and value.is_integer() else value


# A JSON number, integral or not, given back as an integer when it is one.
Number = Annotated[float, PlainSerializer(_number, return_type=int | float)]


def _check_uri(value: str) -> str:
    try:
        parts = urlsplit(value)
        ok = bool(parts.scheme and parts.netloc) and not any(c.isspace() for c in value)
    except ValueError:  # its message quotes the value
        ok = False
    if not ok:
        raise PydanticCustomError("uri", "must be an absolute URI such as https://host/path")
    return value


Uri = Annotated[
    str,
    StringConstraints(max_length=2048),
    Clean,
    AfterValidator(_check_uri),
    Field(json_schema_extra={"format": "uri"}),
]


_RULES_BY_TYPE = {
    "missing": "is required",
    "uuid_parsing": "must be a valid UUID",
    "uuid_type": "must be a valid UUID",
    "model_attributes_type": "must be a JSON object",
    "model_type": "must be a JSON object",
    "dict_type": "must be a JSON object",
    "list_type": "must be a valid list",
    "int_parsing": "must be a whole number",
    "int_from_float": "must be a whole number",
    "int_type": "must be a whole number",
}
# pydantic's own messages for these end in "after validation, not <count>"
_RULE_TEMPLATES = {
    "too_long": "must have at most {max_length} items",
    "too_short": "must have at least {min_length} items",
}
_RULE_REWRITES = (
    ("Value error, ", ""),
    ("Input should be", "must be"),
    ("String should", "must"),
    ("List should", "must"),
)


def describe_error(error: Mapping[str, Any], path: Iterable[str | int]) -> tuple[str, str]:
    """The field (dotted, as sent) and the rule one validation error broke.

    Never quotes the value that was sent: it may be a credential.
    """
    rule = _RULES_BY_TYPE.get(error["type"])
    if rule is None and error["type"] in _RULE_TEMPLATES:
        rule = _RULE_TEMPLATES[error["type"]].format_map(error.get("ctx", {}))
    if rule is None:
        rule = str(error["msg"])
        for prefix, replacement in _RULE_REWRITES:
            if rule.startswith(prefix):
                rule = replacement + rule[len(prefix) :]
                break
    return _field_name(path), rule


def _field_name(path: Iterable[str | int]) -> str:
    name = ""
    for part in path:
        if isinstance(part, int):
            name += f"[{part}]"
        # pydantic puts the names of union members and validators into the location
        elif "[" not in part and part not in {"int", "float", "str", "bool"}:
            name += f".{part}" if name else part
    return name
