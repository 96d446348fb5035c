"""Process pools: apply_async, callbacks, timeouts, map and imap, initializers."""
