"""SQL that runs inside the caller's transaction (and the group-commit batcher)."""
