"""The appointments component."""
