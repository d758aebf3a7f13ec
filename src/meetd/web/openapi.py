"""The OpenAPI document, as meetd answers: every API operation may give the contract's error
body with the statuses below, authenticates with a bearer token, and never answers 422 (a
validation error is a 400, contract A3). Each create links to the operations on what it
created, so that tools (and readers) can follow from one to the other."""

from __future__ import annotations

import json
import re
from typing import Any

from fastapi import FastAPI
from pydantic.json_schema import models_json_schema

from meetd.web.context import REQUEST_MODELS
from meetd.web.replies import ErrorBody

_ERRORS = {
    "400": "A field breaks a rule; the message names the field and the rule",
    "401": "No API token, or one this deployment does not know",
    "403": "The token is of another account, or a read token tried to write",
    "404": "No such route, app, meeting, participant or preset",
    "413": "The body is larger than 1 MiB",
    "415": "The body is not JSON",
    "429": "Too many requests for this API token; see Retry-After",
    "431": "The request line and headers are larger than 64 KiB",
}
_HEADERS = {
    "429": {
        "Retry-After": {
            "description": "Seconds to wait before the next request",
            "schema": {"type": "integer", "minimum": 1},
        }
    }
}
_ERROR_SCHEMA = {"$ref": "#/components/schemas/ErrorBody"}


def install(app: FastAPI) -> None:
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = _as_answered(build())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def _as_answered(document: dict[str, Any]) -> dict[str, Any]:
    components = document.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    schemas.pop("HTTPValidationError", None)
    schemas.pop("ValidationError", None)
    schemas["ErrorBody"] = ErrorBody.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas.update(schemas["ErrorBody"].pop("$defs", {}))
    components["securitySchemes"] = {
        "api_token": {"type": "http", "scheme": "bearer", "description": "a meetd API token"}
    }
    for path, item in document.get("paths", {}).items():
        for method, operation in item.items():
            responses = operation.setdefault("responses", {})
            responses.pop("422", None)
            if not path.startswith("/accounts/"):
                continue  # the public key set needs no token
            operation["security"] = [{"api_token": []}]
            for status, description in _ERRORS.items():
                if status in ("413", "415") and method in ("get", "delete"):
                    continue
                response = {
                    "description": description,
                    "content": {"application/json": {"schema": _ERROR_SCHEMA}},
                }
                if status in _HEADERS:
                    response["headers"] = _HEADERS[status]
                responses.setdefault(status, response)
    _add_request_bodies(document)
    _declare_path_parameters(document.get("paths", {}))
    _link_created(document.get("paths", {}))
    return document


def _add_request_bodies(document: dict[str, Any]) -> None:
    """The schemas of the bodies operations read with Ctx.body (meetd.web.context.body_schema).
    A model whose output schema (in an answer) differs is named `<Model>-Input` here."""
    schemas = document["components"]["schemas"]
    models = [(model, "validation") for model in REQUEST_MODELS.values()]
    _, top = models_json_schema(models, ref_template="#/components/schemas/{model}")  # type: ignore[arg-type]
    defs: dict[str, Any] = top.get("$defs", {})
    renamed = {
        name: f"{name}-Input" for name in defs if name in schemas and schemas[name] != defs[name]
    }

    def rename(tree: Any) -> Any:
        text = json.dumps(tree)
        for name, new in renamed.items():
            text = text.replace(f'"#/components/schemas/{name}"', f'"#/components/schemas/{new}"')
        return json.loads(text)

    for name, schema in rename(defs).items():
        schemas[renamed.get(name, name)] = schema
    for item in document.get("paths", {}).values():
        for operation in item.values():
            if "requestBody" in operation:
                operation["requestBody"] = rename(operation["requestBody"])


def _declare_path_parameters(paths: dict[str, Any]) -> None:
    """Path parameters that the request context reads itself (`app_id`) are not declared
    by a handler: say them here, as the handlers' own are said."""
    for path, item in paths.items():
        names = re.findall(r"\{(\w+)\}", path)
        for operation in item.values():
            parameters = operation.setdefault("parameters", [])
            declared = {p["name"] for p in parameters if p.get("in") == "path"}
            for name in names:
                if name not in declared:
                    parameters.append(
                        {
                            "name": name,
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string", "title": name.replace("_", " ").title()},
                        }
                    )


def _link_created(paths: dict[str, Any]) -> None:
    for path, item in paths.items():
        created = item.get("post", {}).get("responses", {}).get("201")
        if created is None:
            continue
        # an app is created as data.app; everything else as data
        pointer = "/data/app/id" if path.endswith("/apps") else "/data/id"
        links = created.setdefault("links", {})
        for below, operations in paths.items():
            found = re.fullmatch(re.escape(path) + r"/\{(\w+)\}(/.*)?", below)
            if found is None:
                continue
            given = {name: f"$request.path.{name}" for name in re.findall(r"\{(\w+)\}", path)}
            for operation in operations.values():
                links[operation["operationId"]] = {
                    "operationId": operation["operationId"],
                    "parameters": {**given, found[1]: f"$response.body#{pointer}"},
                }
