"""Evidence custody: canonical event bytes, the RFC 9162 Merkle log and signed checkpoints."""
