"""The read-only JSON content API (/api/v1/) and its OpenAPI description (/api/openapi.json).

One declaration per resource (resources.py) drives the views, the validation of every query
parameter and the OpenAPI document, so the description cannot drift from what the API does.
"""
