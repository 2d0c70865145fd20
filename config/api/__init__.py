"""What every app's API shares: the error format, the schema's error responses, throttles,
pagination, the base read permission, absolute-URL fields and the token endpoint."""
