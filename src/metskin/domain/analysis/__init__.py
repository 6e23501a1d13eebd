"""The analysis component."""
