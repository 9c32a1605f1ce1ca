"""The OpenAPI 3.1 description of the content API, made from the resource declarations."""

from django.conf import settings

from .resources import object_schema

ERROR = {"$ref": "#/components/schemas/Error"}


def _responses(schema_ref: dict, *, with_not_found: bool) -> dict:
    json_error = {"application/json": {"schema": ERROR}}
    responses = {
        "200": {"description": "OK", "headers": {"ETag": {"schema": {"type": "string"},
                "description": "Send it back in If-None-Match to get 304 when unchanged."}},
                "content": {"application/json": {"schema": schema_ref}}},
        "304": {"description": "Not modified since the ETag in If-None-Match."},
        "400": {"description": "A query parameter is unknown, repeated or invalid.",
                "content": json_error},
    }
    if with_not_found:
        responses["404"] = {"description": "No such object.", "content": json_error}
    return responses


def _param(param, where: str) -> dict:
    return {"name": param.name, "in": where, "required": where == "path",
            "description": param.description, "schema": param.schema()}


def openapi_document(resources: dict, page_param, per_page_param) -> dict:
    paths, schemas = {}, {
        "Error": object_schema({"error": {"type": "string"}}),
    }
    for name, resource in resources.items():
        item, detail = resource.schema_name, resource.schema_name + "Detail"
        schemas[item] = resource.item_schema(detail=False)
        schemas[detail] = resource.item_schema(detail=True)
        schemas[item + "List"] = object_schema({
            "count": {"type": "integer", "minimum": 0},
            "count_is_exact": {"type": "boolean", "description":
                               "False when a search found more than it counted (10,000)."},
            "page": {"type": "integer", "minimum": 1},
            "per_page": {"type": "integer", "minimum": 1},
            "num_pages": {"type": "integer", "minimum": 1},
            "next": {"type": ["string", "null"], "format": "uri"},
            "previous": {"type": ["string", "null"], "format": "uri"},
            "results": {"type": "array", "items": {"$ref": f"#/components/schemas/{item}"}},
        })
        paths[f"/api/v1/{name}/"] = {"get": {
            "operationId": f"list_{name}", "summary": resource.summary, "tags": [name],
            "parameters": [_param(p, "query")
                           for p in (page_param, per_page_param, *resource.filters)],
            "responses": _responses({"$ref": f"#/components/schemas/{item}List"},
                                    with_not_found=False),
        }}
        paths[f"/api/v1/{name}/{{{resource.lookup.name}}}/"] = {"get": {
            "operationId": f"get_{name}", "summary": f"One of the {name}.", "tags": [name],
            "parameters": [_param(resource.lookup, "path")],
            "responses": _responses({"$ref": f"#/components/schemas/{detail}"},
                                    with_not_found=True),
        }}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Masthead content API",
            "version": "1.0.0",
            "description": (
                "Read-only JSON access to what the site publishes. Lists are paged (page, "
                f"per_page up to {settings.MASTHEAD_API_MAX_PAGE_SIZE}); unknown or repeated "
                "query parameters are refused with 400. Every 200 carries an ETag; send it back "
                "in If-None-Match to get 304 Not Modified when nothing changed."
            ),
        },
        "paths": paths,
        "components": {"schemas": schemas},
    }
