using System.Collections.Immutable;
using System.Globalization;
using System.Reactive.Concurrency;
using System.Reactive.Linq;
using Alerting.Core.Alerts;

namespace Alerting.DevTools.Verbs;

/// <summary>One line the demo prints, with the colour it wants (null: the terminal's own).</summary>
internal sealed record PrintedLine(string Text, ConsoleColor? Color = null);

/// <summary>
/// The demo's live alert printer as one Rx query over the alerts Redis publishes: each alert a line as it arrives, at
/// most <see cref="MaxLinesPerSecond"/> lines in any one second (the rest folded into one "… and N more" line at the
/// end of that second, so a burst never floods the terminal), the count per rule kept by a scan, and a progress line
/// every <see cref="ProgressInterval"/> with the producer's and worker's figures. Time comes from the scheduler, so
/// tests drive it on virtual time.
/// </summary>
internal sealed class LiveAlertPrinter
{
    public const int MaxLinesPerSecond = 20;
    public static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(10);

    /// <summary>
    /// A printer of <paramref name="alertJson"/> (alert events as published on the <c>alerts</c> channel).
    /// <paramref name="progress"/> is asked once per interval for the "produced · processed · …" part of the progress line.
    /// </summary>
    public LiveAlertPrinter(IObservable<string> alertJson, Func<string> progress, IScheduler scheduler)
    {
        var alerts = alertJson.Select(Parse).Publish().RefCount();

        Totals = alerts
            .Scan(ImmutableSortedDictionary<string, int>.Empty.WithComparers(StringComparer.Ordinal),
                (totals, a) => totals.SetItem(a.CountKey, totals.GetValueOrDefault(a.CountKey) + 1))
            .StartWith(ImmutableSortedDictionary<string, int>.Empty.WithComparers(StringComparer.Ordinal))
            .Replay(1).RefCount();

        var alertLines = alerts
            .Window(TimeSpan.FromSeconds(1), scheduler)
            .SelectMany(second => second.Publish(s => s.Take(MaxLinesPerSecond).Select(Line)
                .Merge(s.Skip(MaxLinesPerSecond).Count().Where(n => n > 0)
                    .Select(n => new PrintedLine(string.Create(CultureInfo.InvariantCulture, $"   … and {n} more alerts in this second (all in Redis; the console shows them)"), ConsoleColor.DarkGray)))));

        var started = scheduler.Now;
        var progressLines = Observable.Interval(ProgressInterval, scheduler)
            .WithLatestFrom(Totals, (_, totals) => totals)
            .Select(totals => new PrintedLine(string.Create(CultureInfo.InvariantCulture,
                $"── {scheduler.Now - started:mm\\:ss}  {progress()} · alerts: {FormatCounts(totals)}")));

        Lines = alertLines.Merge(progressLines);
    }

    /// <summary>The lines to print, in the order to print them.</summary>
    public IObservable<PrintedLine> Lines { get; }

    /// <summary>The count of alert events per rule so far (resolved ones counted apart), the newest first to a new subscriber.</summary>
    public IObservable<ImmutableSortedDictionary<string, int>> Totals { get; }

    /// <summary>"rule n, rule (resolved) m" in rule order, or "none yet".</summary>
    public static string FormatCounts(IReadOnlyDictionary<string, int> totals)
        => totals.Count == 0 ? "none yet" : string.Join(", ", totals.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} {p.Value}"));

    private sealed record Received(Alert? Alert, string? Problem)
    {
        public string CountKey => Alert is null ? "(unreadable)"
            : Alert.Status == AlertStatus.Resolved ? Alert.Rule + " (resolved)" : Alert.Rule;
    }

    private static Received Parse(string json)
    {
        try
        {
            return new Received(AlertJson.Parse(json), null);
        }
        catch (Exception e) when (e is FormatException or System.Text.Json.JsonException or ArgumentException or InvalidOperationException)
        {
            // The demo prints what the worker published; a line it cannot read is shown, not a crash of the printer.
            return new Received(null, e.Message);
        }
    }

    private static PrintedLine Line(Received received)
    {
        if (received.Alert is not { } alert)
            return new PrintedLine($"(an alert event the demo cannot read: {received.Problem})", ConsoleColor.DarkGray);
        var color = alert.Status == AlertStatus.Resolved ? ConsoleColor.DarkGreen
            : alert.Severity >= Severity.High ? ConsoleColor.Red : ConsoleColor.Yellow;
        return new PrintedLine(string.Create(CultureInfo.InvariantCulture,
            $"{alert.EventTime:HH:mm:ss} {Alert.StatusName(alert.Status),-8} {alert.Rule,-19} {Alert.SeverityName(alert.Severity),-8} {alert.ShopId,-16} {alert.AgentId ?? "-",-12} {alert.Summary}"), color);
    }
}
