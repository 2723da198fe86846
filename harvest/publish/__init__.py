"""Writing the built site: the one-step swap and the ledgers' look-up files."""
