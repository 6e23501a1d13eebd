"""GraphQL types, one module per component."""
