"""ipc: Pipe and Queue between processes, their blocking rules and pitfalls."""
