"""Every user-facing sentence, in one place. English is the only language so far."""
