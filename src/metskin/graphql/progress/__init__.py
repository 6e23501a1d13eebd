"""GraphQL for progress over time: two analyses compared, a period's trends."""
