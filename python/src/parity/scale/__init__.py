"""Past one machine: the article's master/worker job on real engines (Redis Streams, dask)."""
