"""GraphQL for accounts: users, profiles, sessions."""
