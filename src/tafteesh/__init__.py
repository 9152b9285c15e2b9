"""Tafteesh: a case tracker for survivors of human trafficking and their legal teams."""

__version__ = "0.1.0"
