using System.Globalization;
using System.Runtime;

namespace Alerting.DevTools.Verbs;

/// <summary>
/// The process's garbage collections so far (counts per generation, time paused, bytes allocated): two readings
/// subtracted show what a measured stretch cost, beside its throughput.
/// </summary>
internal readonly record struct GcFigures(int Gen0, int Gen1, int Gen2, TimeSpan Paused, long Allocated)
{
    public static GcFigures Now() => new(GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalPauseDuration(), GC.GetTotalAllocatedBytes());

    public static GcFigures operator -(GcFigures a, GcFigures b) =>
        new(a.Gen0 - b.Gen0, a.Gen1 - b.Gen1, a.Gen2 - b.Gen2, a.Paused - b.Paused, a.Allocated - b.Allocated);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Gen0} gen0, {Gen1} gen1, {Gen2} gen2 collections, {Paused.TotalSeconds:0.00}s paused, {Allocated / 1048576.0:0} MiB allocated ({(GCSettings.IsServerGC ? "server" : "workstation")} GC)");
}
