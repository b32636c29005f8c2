"""REST API v1: token auth, marshmallow schemas, OpenAPI (see views.py)."""
