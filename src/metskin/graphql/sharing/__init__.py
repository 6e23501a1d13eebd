"""GraphQL for sharing analyses with a dermatologist, with the access log."""
