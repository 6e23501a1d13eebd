"""MetSkin: skin analysis and care platform."""

__version__ = "0.1.0"
