"""GraphQL of API keys: create, list, revoke; the key header and what a key may reach."""
