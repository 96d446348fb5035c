"""parallel: Parallel.Invoke and Parallel.ForEach next to concurrent.futures and asyncio."""
