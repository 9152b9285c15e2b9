"""The append-only log of every read of a protected object and every write."""
