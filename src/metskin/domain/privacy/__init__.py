"""The privacy component: a person's data rights (export everything, erase the account)."""
