using System.Reactive.Concurrency;
using System.Reactive.Subjects;
using System.Text.Json.Nodes;
using Alerting.Core.Alerts;
using Alerting.DevTools.Verbs;

namespace Alerting.DevTools.Tests;

/// <summary>
/// The demo's live alert printer, driven on a <see cref="HistoricalScheduler"/>: alerts are pushed into the subject
/// the Redis subscription feeds, and time moves only when the test advances the scheduler.
/// </summary>
public sealed class LiveAlertPrinterTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 11, 11, 20, 0, 0, TimeSpan.Zero);
    private readonly HistoricalScheduler _scheduler = new(Start);
    private readonly Subject<string> _published = new();
    private readonly List<PrintedLine> _lines = [];
    private readonly LiveAlertPrinter _printer;
    private readonly IDisposable _subscription;
    private int _progressCalls;

    public LiveAlertPrinterTests()
    {
        _printer = new LiveAlertPrinter(_published, () => $"processed {++_progressCalls * 100}", _scheduler);
        _subscription = _printer.Lines.Subscribe(_lines.Add);
    }

    public void Dispose()
    {
        _subscription.Dispose();
        _published.Dispose();
    }

    private static string AlertEvent(string rule, Severity severity, int n, AlertStatus status = AlertStatus.Firing, string shop = "shop-a")
        => AlertJson.ToJson(new Alert
        {
            AlertId = $"{rule}-{n}",
            Rule = rule,
            Severity = severity,
            ShopId = shop,
            ConversationId = $"c-{n}",
            AgentId = "agent-7",
            MessageIds = [$"m-{n}"],
            EventTime = Start.AddSeconds(n),
            DetectedAt = Start.AddSeconds(n),
            Summary = $"summary {n}",
            Evidence = new JsonObject(),
            Status = status,
            Revision = status == AlertStatus.Resolved ? 1 : 0,
        });

    [Fact]
    public void Alert_PrintedAtOnce_WithItsFieldsAndSeverityColour()
    {
        _published.OnNext(AlertEvent("rude_language", Severity.High, 1));
        _published.OnNext(AlertEvent("slow_response", Severity.Medium, 2, shop: "shop-b"));
        _published.OnNext(AlertEvent("unanswered_buyer", Severity.High, 3, AlertStatus.Resolved));

        Assert.Equal(3, _lines.Count);
        Assert.Equal("20:00:01 firing   rude_language       high     shop-a           agent-7      summary 1", _lines[0].Text);
        Assert.Equal(ConsoleColor.Red, _lines[0].Color);
        Assert.Contains("slow_response", _lines[1].Text, StringComparison.Ordinal);
        Assert.Contains("shop-b", _lines[1].Text, StringComparison.Ordinal);
        Assert.Equal(ConsoleColor.Yellow, _lines[1].Color);
        Assert.StartsWith("20:00:03 resolved unanswered_buyer", _lines[2].Text, StringComparison.Ordinal);
        Assert.Equal(ConsoleColor.DarkGreen, _lines[2].Color);
    }

    [Fact]
    public void Burst_AboveTheLineCap_FoldsTheRestIntoOneLineAtTheEndOfTheSecond()
    {
        for (var i = 0; i < 50; i++) _published.OnNext(AlertEvent("rude_language", Severity.High, i));

        Assert.Equal(LiveAlertPrinter.MaxLinesPerSecond, _lines.Count);
        _scheduler.AdvanceBy(TimeSpan.FromSeconds(1));
        Assert.Equal(LiveAlertPrinter.MaxLinesPerSecond + 1, _lines.Count);
        Assert.Contains("… and 30 more alerts in this second", _lines[^1].Text, StringComparison.Ordinal);

        // The next second starts a fresh allowance.
        _published.OnNext(AlertEvent("slow_response", Severity.Medium, 99));
        Assert.Contains("summary 99", _lines[^1].Text, StringComparison.Ordinal);
        _scheduler.AdvanceBy(TimeSpan.FromSeconds(1));
        Assert.DoesNotContain(_lines.Skip(LiveAlertPrinter.MaxLinesPerSecond + 1), l => l.Text.Contains("more alerts", StringComparison.Ordinal));
    }

    [Fact]
    public void ProgressLine_EveryTenSeconds_CarriesTheCountsPerRule()
    {
        _published.OnNext(AlertEvent("rude_language", Severity.High, 1));
        _published.OnNext(AlertEvent("rude_language", Severity.High, 2));
        _published.OnNext(AlertEvent("unanswered_buyer", Severity.High, 3));
        _published.OnNext(AlertEvent("unanswered_buyer", Severity.High, 3, AlertStatus.Resolved));

        _scheduler.AdvanceBy(TimeSpan.FromSeconds(9));
        Assert.DoesNotContain(_lines, l => l.Text.StartsWith("──", StringComparison.Ordinal));

        _scheduler.AdvanceBy(TimeSpan.FromSeconds(1));
        var progress = Assert.Single(_lines, l => l.Text.StartsWith("──", StringComparison.Ordinal));
        Assert.Equal("── 00:10  processed 100 · alerts: rude_language 2, unanswered_buyer 1, unanswered_buyer (resolved) 1", progress.Text);

        _published.OnNext(AlertEvent("slow_response", Severity.Medium, 4));
        _scheduler.AdvanceBy(TimeSpan.FromSeconds(10));
        Assert.Equal("── 00:20  processed 200 · alerts: rude_language 2, slow_response 1, unanswered_buyer 1, unanswered_buyer (resolved) 1", _lines[^1].Text);
    }

    [Fact]
    public void ProgressLine_BeforeAnyAlert_SaysNoneYet()
    {
        _scheduler.AdvanceBy(TimeSpan.FromSeconds(10));

        Assert.Equal("── 00:10  processed 100 · alerts: none yet", Assert.Single(_lines).Text);
    }

    [Theory]
    [InlineData("not json at all")]
    [InlineData("[1,2,3]")]
    [InlineData("{\"rule\":\"rude_language\"}")]
    [InlineData("{\"alertId\":\"a\",\"severity\":\"apocalyptic\"}")]
    public void UnreadableEvent_PrintedAsSuch_AndThePrinterGoesOn(string json)
    {
        _published.OnNext(json);
        _published.OnNext(AlertEvent("rude_language", Severity.High, 1));
        _scheduler.AdvanceBy(TimeSpan.FromSeconds(10));

        Assert.StartsWith("(an alert event the demo cannot read:", _lines[0].Text, StringComparison.Ordinal);
        Assert.Contains("rude_language", _lines[1].Text, StringComparison.Ordinal);
        Assert.EndsWith("alerts: (unreadable) 1, rude_language 1", _lines[^1].Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Totals_ReplayTheLatestCountsToALateSubscriber()
    {
        _published.OnNext(AlertEvent("rude_language", Severity.High, 1));
        _published.OnNext(AlertEvent("slow_response", Severity.Medium, 2));

        IReadOnlyDictionary<string, int>? seen = null;
        using (_printer.Totals.Subscribe(t => seen = t))
        {
            Assert.NotNull(seen);
            Assert.Equal("rude_language 1, slow_response 1", LiveAlertPrinter.FormatCounts(seen));
        }
    }
}
