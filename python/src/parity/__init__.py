"""Concurrency Parity: every concept of the article, in Python and in .NET, side by side."""
