"""context: start methods (fork, spawn, forkserver) and multiprocessing logging."""
