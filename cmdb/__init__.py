"""The CMDB: configuration items, their relations, and impact analysis over them."""
