"""Data rights over GraphQL: export my data, delete my account, an admin's erasure."""
