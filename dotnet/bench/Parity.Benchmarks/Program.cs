using BenchmarkDotNet.Running;

// dotnet run -c Release --project dotnet/bench/Parity.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Parity.Benchmarks.SumBenchmarks).Assembly).Run(args);
