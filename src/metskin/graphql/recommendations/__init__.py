"""GraphQL for the product catalog, routines and product feedback."""
