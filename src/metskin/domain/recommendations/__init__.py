"""The recommendations component."""
