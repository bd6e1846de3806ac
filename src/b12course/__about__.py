"""The version of b12course."""

__version__ = "0.1.0"
