"""The API's parameters, strict on purpose: what the OpenAPI document forbids gets a 400 naming
the parameter and the accepted form, so a client never mistakes a typo for an empty result.

Each type parses the raw string itself (pydantic's lax coercion would take "1.0" or " 7" as a
number) and carries the JSON Schema the document shows, so the check and its description are one
declaration; the operations give each parameter its description. `Query` is ninja's own that
also refuses unknown and repeated names.
"""

import re
from datetime import UTC, datetime, timedelta, timezone
from typing import Annotated, Any

from ninja.params.models import Query as NinjaQuery
from ninja.params.models import QueryModel
from pydantic import BeforeValidator, ValidationInfo, WithJsonSchema
from pydantic_core import PydanticCustomError

from masthead.newsroom.models import LANGUAGES

MAX_ID = 2**63 - 1
MAX_PAGE = 100_000
INVALID = "invalid_parameter"  # the pydantic error type whose message goes to the client as is


class ParamError(ValueError):
    """A request's parameters are not acceptable; the message says why, for the client."""


def _refuse(message: str):
    return PydanticCustomError(INVALID, message)


def whole_number(minimum: int, maximum: int):
    digits = re.compile(r"[0-9]{1,19}")

    def parse(raw: Any, info: ValidationInfo) -> int:
        if isinstance(raw, str) and digits.fullmatch(raw) and minimum <= int(raw) <= maximum:
            return int(raw)
        raise _refuse(f"'{info.field_name}' must be a whole number from {minimum} to {maximum}.")

    return Annotated[int, BeforeValidator(parse), WithJsonSchema(
        {"type": "integer", "minimum": minimum, "maximum": maximum})]


_SLUG = re.compile(r"[-a-zA-Z0-9_]{1,100}")


def _slug(raw: Any, info: ValidationInfo) -> str:
    if isinstance(raw, str) and _SLUG.fullmatch(raw):
        return raw
    raise _refuse(f"'{info.field_name}' must be a slug: 1 to 100 letters, digits, - or _.")


Slug = Annotated[str, BeforeValidator(_slug), WithJsonSchema(
    {"type": "string", "pattern": "^[-a-zA-Z0-9_]+$", "minLength": 1, "maxLength": 100})]


def choice(choices: tuple[str, ...]):
    def parse(raw: Any, info: ValidationInfo) -> str:
        if raw in choices:
            return raw
        raise _refuse(f"'{info.field_name}' must be one of: {', '.join(choices)}.")

    return Annotated[str, BeforeValidator(parse), WithJsonSchema(
        {"type": "string", "enum": list(choices)})]


def text(max_length: int):
    def parse(raw: Any, info: ValidationInfo) -> str:
        if isinstance(raw, str) and 1 <= len(raw) <= max_length:
            return raw
        raise _refuse(f"'{info.field_name}' must be 1 to {max_length} characters long.")

    return Annotated[str, BeforeValidator(parse), WithJsonSchema(
        {"type": "string", "minLength": 1, "maxLength": max_length})]


_RFC3339 = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?"
    r"(?:([Zz])|([+-])(\d{2}):(\d{2}))"
)


def _date_time(raw: Any, info: ValidationInfo) -> datetime:
    """An RFC 3339 date-time, e.g. 2025-05-01T00:00:00Z, as an aware datetime in UTC."""
    error = _refuse(f"'{info.field_name}' must be an RFC 3339 date-time such as "
                    "2025-05-01T08:00:00Z.")
    match = _RFC3339.fullmatch(raw) if isinstance(raw, str) else None
    if not match:
        raise error
    year, month, day, hour, minute, second, fraction, zulu, sign, oh, om = match.groups()
    try:
        offset = timedelta(0) if zulu else (1 if sign == "+" else -1) * timedelta(
            hours=int(oh), minutes=int(om))
        moment = datetime(
            int(year), int(month), int(day), int(hour), int(minute),
            min(int(second), 59),  # a leap second counts as the second before it
            int((fraction or "0")[:6].ljust(6, "0")), tzinfo=timezone(offset),
        )
        return moment.astimezone(UTC)
    except (ValueError, OverflowError):
        raise error from None


DateTime = Annotated[datetime, BeforeValidator(_date_time), WithJsonSchema(
    {"type": "string", "format": "date-time"})]


LANGUAGE_CODES = tuple(code for code, _ in LANGUAGES)


def refuse_unknown_or_repeated(query, known) -> None:
    """Unknown or repeated names are refused by name, so a misspelt filter never silently
    returns everything."""
    for name in query:
        if name not in known:
            names = ", ".join(sorted(known)) or "none"
            raise ParamError(f"Unknown query parameter '{name[:50]}'. Known parameters: {names}.")
        if len(query.getlist(name)) > 1:
            raise ParamError(f"Give '{name}' once.")


class StrictQueryModel(QueryModel):
    @classmethod
    def get_request_data(cls, request, api, path_params):
        refuse_unknown_or_repeated(request.GET, cls.__ninja_flatten_map__)
        return super().get_request_data(request, api, path_params)


class Query(NinjaQuery):
    """ninja's Query, refusing names the operation does not declare and names given twice."""

    _model = StrictQueryModel
