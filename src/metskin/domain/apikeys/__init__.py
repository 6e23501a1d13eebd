"""The API keys component: integrators' keys, hashed at rest, scoped, revocable."""
