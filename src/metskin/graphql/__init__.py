"""The Strawberry GraphQL schema."""
