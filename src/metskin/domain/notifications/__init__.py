"""The notifications component: every message is sent once."""
