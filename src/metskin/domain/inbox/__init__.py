"""The patient inbox (issue 16): in-app notifications, each event once (an idempotency key per
person), written in the same unit of work as the change it tells about."""
