using System.Globalization;
using System.Reflection;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Alerting.Benchmarks;

/// <summary>
/// Short runs (1 launch, 3 warm-ups, 5 measured iterations) because the bench machine has 2 cores
/// shared with builds; MemoryDiagnoser for bytes per operation; one operation = one message
/// (every benchmark sets OperationsPerInvoke to its corpus size), so Mean is per message.
/// </summary>
public sealed class BenchConfig : ManualConfig
{
    public BenchConfig()
    {
        AddJob(Job.Default.WithLaunchCount(1).WithWarmupCount(3).WithIterationCount(5).WithId("Short"));
        AddDiagnoser(MemoryDiagnoser.Default);
        AddColumn(new PerSecondColumn(), new CharsPerSecondColumn());
        HideColumns(Column.Error, Column.StdDev, Column.Median, Column.Gen0, Column.Gen1, Column.Gen2);
        AddColumn(StatisticColumn.StdDev);
        WithOptions(ConfigOptions.JoinSummary);
        SummaryStyle = SummaryStyle.Default.WithMaxParameterColumnWidth(30);
    }
}

/// <summary>Marks a benchmark whose throughput is also reported in characters: <paramref name="averageCharsProperty"/> names a public static property of the benchmark class giving the average message length (UTF-16 chars) of its corpus.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class CharsPerOperationAttribute(string averageCharsProperty) : Attribute
{
    public string AverageCharsProperty { get; } = averageCharsProperty;
}

/// <summary>Messages per second on one core: 1 s / mean time per message.</summary>
public sealed class PerSecondColumn : IColumn
{
    public string Id => "Msg/s";
    public string ColumnName => "Msg/s";
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => 0;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Dimensionless;
    public string Legend => "Messages per second on one core (1 s / Mean; one operation = one message)";
    public bool IsAvailable(Summary summary) => true;
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase)
    {
        var mean = summary[benchmarkCase]?.ResultStatistics?.Mean;
        return mean is > 0 ? (1e9 / mean.Value).ToString("N0", CultureInfo.InvariantCulture) : "-";
    }
}

/// <summary>Characters per second on one core for benchmarks marked with <see cref="CharsPerOperationAttribute"/>.</summary>
public sealed class CharsPerSecondColumn : IColumn
{
    public string Id => "MChars/s";
    public string ColumnName => "MChars/s";
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => 1;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Dimensionless;
    public string Legend => "Million UTF-16 characters of message text per second on one core (average length of the corpus / Mean)";
    public bool IsAvailable(Summary summary) => true;
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase)
    {
        var method = benchmarkCase.Descriptor.WorkloadMethod;
        if (method.GetCustomAttribute<CharsPerOperationAttribute>() is not { } attribute) return "-";
        var mean = summary[benchmarkCase]?.ResultStatistics?.Mean;
        if (mean is not > 0) return "-";
        // Evaluated in the host process; the corpus is deterministic, so it is the one the benchmark ran on.
        var chars = (double)benchmarkCase.Descriptor.Type.GetProperty(attribute.AverageCharsProperty, BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;
        return (chars * 1e9 / mean.Value / 1e6).ToString("N1", CultureInfo.InvariantCulture);
    }
}
