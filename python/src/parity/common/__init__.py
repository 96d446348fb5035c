"""Small helpers every concept shares: the time scale, the start method, a loopback HTTP server."""
