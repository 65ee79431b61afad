using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace Alerting.Worker.Metrics;

/// <summary>
/// Aggregates the measurements of chosen meters with a <see cref="MeterListener"/> and renders them in
/// the Prometheus text exposition format 0.0.4 (what <c>GET /metrics</c> returns). Cumulative
/// temporality: counters and histograms only grow from process start.
/// Names: dots become underscores, a unit of <c>s</c> adds <c>_seconds</c>, counters end in <c>_total</c>;
/// tags become labels. Observable instruments are read at scrape time; a series an observable callback
/// no longer reports (a revoked partition's lag) disappears from the next scrape.
/// Thread-safe: measurements may arrive on any thread while a scrape runs.
/// </summary>
public sealed class PrometheusExposition : IDisposable
{
    /// <summary>Content type of the text format.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private static readonly double[] DefaultBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly MeterListener _listener;
    private readonly ConcurrentDictionary<Instrument, Family> _families = new();
    private readonly Lock _scrape = new();

    /// <summary>Exports the instruments of <paramref name="meter"/> (this instance only) and of the meters named in <paramref name="sharedMeterNames"/>.</summary>
    public PrometheusExposition(Meter meter, params string[] sharedMeterNames)
    {
        _listener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (!ReferenceEquals(instrument.Meter, meter) && !sharedMeterNames.Contains(instrument.Meter.Name)) return;
                var family = _families.GetOrAdd(instrument, i => new Family(i));
                listener.EnableMeasurementEvents(instrument, family);
            },
            MeasurementsCompleted = (instrument, _) => _families.TryRemove(instrument, out Family? _),
        };
        _listener.SetMeasurementEventCallback<long>((_, v, tags, state) => ((Family)state!).Record(v, tags));
        _listener.SetMeasurementEventCallback<int>((_, v, tags, state) => ((Family)state!).Record(v, tags));
        _listener.SetMeasurementEventCallback<double>((_, v, tags, state) => ((Family)state!).Record(v, tags));
        _listener.SetMeasurementEventCallback<float>((_, v, tags, state) => ((Family)state!).Record(v, tags));
        _listener.Start();
    }

    /// <summary>Reads the observable instruments and renders every series.</summary>
    public string Scrape()
    {
        lock (_scrape)
        {
            foreach (var f in _families.Values)
                if (f.IsObservable) f.Clear();
            _listener.RecordObservableInstruments();
            var sb = new StringBuilder();
            foreach (var f in _families.Values.OrderBy(f => f.Name, StringComparer.Ordinal))
                f.Render(sb);
            return sb.ToString();
        }
    }

    public void Dispose() => _listener.Dispose();

    /// <summary>Prometheus metric name of an instrument.</summary>
    public static string MetricName(Instrument instrument)
    {
        var name = Sanitize(instrument.Name);
        var suffix = instrument.Unit switch
        {
            "s" => "_seconds",
            "ms" => "_milliseconds",
            "By" => "_bytes",
            _ => "",
        };
        if (suffix.Length > 0 && !name.EndsWith(suffix, StringComparison.Ordinal)) name += suffix;
        if (Kind(instrument) == "counter" && !name.EndsWith("_total", StringComparison.Ordinal)) name += "_total";
        return name;
    }

    private static string Kind(Instrument i)
    {
        var type = i.GetType();
        var generic = type.IsGenericType ? type.GetGenericTypeDefinition() : type;
        if (generic == typeof(Counter<>) || generic == typeof(ObservableCounter<>)) return "counter";
        if (generic == typeof(Histogram<>)) return "histogram";
        return "gauge"; // gauges and up-down counters
    }

    private static string Sanitize(string name)
    {
        var sb = new StringBuilder(name.Length);
        foreach (var c in name)
            sb.Append(char.IsAsciiLetterOrDigit(c) || c is '_' or ':' ? c : '_');
        if (sb.Length > 0 && char.IsAsciiDigit(sb[0])) sb.Insert(0, '_');
        return sb.ToString();
    }

    private static string Format(double v) => v switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        _ when double.IsNaN(v) => "NaN",
        _ => v.ToString("R", CultureInfo.InvariantCulture),
    };

    /// <summary>One instrument: its series by label set.</summary>
    private sealed class Family
    {
        private readonly ConcurrentDictionary<string, Series> _series = new(StringComparer.Ordinal);
        private readonly string _kind;
        private readonly string _help;
        private readonly double[] _buckets;
        private readonly bool _accumulates;

        public Family(Instrument instrument)
        {
            Name = MetricName(instrument);
            _kind = Kind(instrument);
            _help = (instrument.Description ?? instrument.Name).Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
            IsObservable = instrument.IsObservable;
            // Synchronous counters and up-down counters report deltas; observables and gauges report the current value.
            var type = instrument.GetType();
            var generic = type.IsGenericType ? type.GetGenericTypeDefinition() : type;
            _accumulates = generic == typeof(Counter<>) || generic == typeof(UpDownCounter<>);
            _buckets = instrument switch
            {
                Histogram<double> { Advice.HistogramBucketBoundaries: { } b } => [.. b],
                Histogram<long> { Advice.HistogramBucketBoundaries: { } b } => [.. b.Select(x => (double)x)],
                Histogram<int> { Advice.HistogramBucketBoundaries: { } b } => [.. b.Select(x => (double)x)],
                _ => DefaultBuckets,
            };
        }

        public string Name { get; }

        public bool IsObservable { get; }

        public void Clear() => _series.Clear();

        public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var labels = Labels(tags);
            var series = _series.GetOrAdd(labels, _ => new Series(_buckets.Length));
            lock (series)
            {
                if (_kind == "histogram")
                {
                    var i = 0;
                    while (i < _buckets.Length && value > _buckets[i]) i++;
                    series.Buckets[i]++;
                    series.Sum += value;
                    series.Count++;
                }
                else if (_accumulates)
                {
                    series.Value += value;
                }
                else
                {
                    series.Value = value;
                }
            }
        }

        public void Render(StringBuilder sb)
        {
            if (_series.IsEmpty) return;
            sb.Append("# HELP ").Append(Name).Append(' ').Append(_help).Append('\n');
            sb.Append("# TYPE ").Append(Name).Append(' ').Append(_kind).Append('\n');
            foreach (var (labels, series) in _series.OrderBy(s => s.Key, StringComparer.Ordinal))
            {
                lock (series)
                {
                    if (_kind != "histogram")
                    {
                        sb.Append(Name).Append(Braces(labels)).Append(' ').Append(Format(series.Value)).Append('\n');
                        continue;
                    }
                    long cumulative = 0;
                    for (var i = 0; i <= _buckets.Length; i++)
                    {
                        cumulative += series.Buckets[i];
                        var le = i < _buckets.Length ? Format(_buckets[i]) : "+Inf";
                        var withLe = labels.Length == 0 ? $"le=\"{le}\"" : $"{labels},le=\"{le}\"";
                        sb.Append(Name).Append("_bucket{").Append(withLe).Append("} ").Append(cumulative.ToString(CultureInfo.InvariantCulture)).Append('\n');
                    }
                    sb.Append(Name).Append("_sum").Append(Braces(labels)).Append(' ').Append(Format(series.Sum)).Append('\n');
                    sb.Append(Name).Append("_count").Append(Braces(labels)).Append(' ').Append(series.Count.ToString(CultureInfo.InvariantCulture)).Append('\n');
                }
            }
        }

        private static string Braces(string labels) => labels.Length == 0 ? "" : "{" + labels + "}";

        /// <summary>Label text <c>a="x",b="y"</c>, names sorted, values escaped; also the series key.</summary>
        private static string Labels(ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            if (tags.Length == 0) return "";
            var sorted = tags.ToArray();
            Array.Sort(sorted, static (a, b) => string.CompareOrdinal(a.Key, b.Key));
            var sb = new StringBuilder();
            foreach (var (key, value) in sorted)
            {
                if (sb.Length > 0) sb.Append(',');
                var text = Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";
                sb.Append(Sanitize(key)).Append("=\"")
                  .Append(text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal))
                  .Append('"');
            }
            return sb.ToString();
        }
    }

    private sealed class Series(int buckets)
    {
        public double Value;
        public double Sum;
        public long Count;
        public readonly long[] Buckets = new long[buckets + 1];
    }
}
