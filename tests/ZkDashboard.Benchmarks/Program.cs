// Benchmarks runner: `dotnet run -c Release --project tests/ZkDashboard.Benchmarks -- [name...] [options]`.
// No name runs every registered benchmark. See BenchmarkRegistry for the list.
using ZkDashboard.Benchmarks;

return await BenchmarkRegistry.RunAsync(args).ConfigureAwait(false);
