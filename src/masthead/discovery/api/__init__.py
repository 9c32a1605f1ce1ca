"""The read-only JSON content API (/api/v1/) and its OpenAPI description (/api/openapi.json),
on django-ninja: views.py declares the operations, params.py the strict parameter types,
schemas.py the JSON shapes, http.py how every answer is made (ETag/304, JSON errors)."""
