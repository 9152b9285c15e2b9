"""Organisations, users, sign-in, sessions and the rules of who may do what."""
