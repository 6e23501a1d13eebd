"""GraphQL of check-ins: the cadence and the next check-in date."""
