"""Work that happens because time passes: the outbox sweep."""
