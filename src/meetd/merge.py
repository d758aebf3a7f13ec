"""PATCH, as meetings and presets do it: merge what was sent into what is stored, key by key,
then check the result whole, so a partial body can never leave an invalid object behind."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from meetd.errors import Invalid
from meetd.schemas import describe_error

M = TypeVar("M", bound=BaseModel)


def merge(stored: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    """Objects merge key by key; anything else, lists and null included, replaces."""
    merged = dict(stored)
    for key, value in patch.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def patched(model: type[M], stored: dict[str, Any], patch: dict[str, Any]) -> M:
    try:
        return model.model_validate(merge(stored, patch))
    except ValidationError as exc:
        error = exc.errors()[0]
        raise Invalid(*describe_error(error, error["loc"])) from None
