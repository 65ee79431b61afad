using Alerting.Benchmarks;
using BenchmarkDotNet.Running;

// dotnet run -c Release --project tests/Alerting.Benchmarks -- [BenchmarkDotNet args]   e.g. --filter '*Rude*'
// dotnet run -c Release --project tests/Alerting.Benchmarks -- state-size [--conversations N] [--shared-ids]
// dotnet run -c Release --project tests/Alerting.Benchmarks -- replay-vs-jsondocument [--messages N] [--repeat N]
// dotnet run -c Release --project tests/Alerting.Benchmarks -- rude-allocations
// dotnet run -c Release --project tests/Alerting.Benchmarks -- text-rules-cpu [rounds]
// dotnet run -c Release --project tests/Alerting.Benchmarks -- text-rules-cpu compare ROUNDS BIN-DIR [BIN-DIR…]  (builds side by side)
// dotnet run -c Release --project tests/Alerting.Benchmarks -- pipeline-cpu [rounds]
// dotnet run -c Release --project tests/Alerting.Benchmarks -- redis-cluster [--alerts N] [--batch N] [--rounds N]
return args.FirstOrDefault() switch
{
    "state-size" => StateSizeCommand.Run(args[1..]),
    "replay-vs-jsondocument" => ReplayComparisonCommand.Run(args[1..]),
    "rude-allocations" => RudeAllocationsCommand.Run(),
    "text-rules-cpu" => TextRulesCpuCommand.Run(args[1..]),
    "pipeline-cpu" => PipelineCpuCommand.Run(args[1..]),
    "redis-cluster" => RedisClusterBenchCommand.RunAsync(args[1..]).GetAwaiter().GetResult(),
    _ => Run(args),
};

static int Run(string[] args)
{
    BenchmarkSwitcher.FromAssembly(typeof(StateSizeCommand).Assembly).Run(args);
    return 0;
}
