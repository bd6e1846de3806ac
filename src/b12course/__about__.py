"""The version of b12course."""

__version__ = "0.2.0"
