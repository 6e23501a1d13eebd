"""Check-ins (issue 16, point 4): a new photo every few weeks, counted from the routine."""
