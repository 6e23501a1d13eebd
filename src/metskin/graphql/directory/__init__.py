"""GraphQL for the dermatologist directory."""
