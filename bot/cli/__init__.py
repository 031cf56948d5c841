"""Operator commands behind ``python -m bot``."""
