"""GraphQL for referrals: whether an analysis should lead to a dermatologist, and why."""
