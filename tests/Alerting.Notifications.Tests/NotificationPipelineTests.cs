using System.Reactive.Concurrency;
using System.Reactive.Subjects;
using Alerting.Core.Alerts;
using Alerting.Notifications;

namespace Alerting.Notifications.Tests;

/// <summary>
/// The receiver's timing on virtual time, without HTTP: group wait and interval, the repeat window, the
/// backlog cap, the rate cap and its digest. Every step is a <see cref="HistoricalScheduler"/> advance on
/// the test thread, so each assertion names the exact virtual second a message is released.
/// </summary>
public sealed class NotificationPipelineTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 11, 10, 16, 0, 0, TimeSpan.Zero);
    private readonly HistoricalScheduler _scheduler = new(Start);
    private readonly Subject<Alert> _input = new();
    private readonly List<(TimeSpan At, Notification Message)> _released = [];
    private NotificationPipeline _pipeline = null!;
    private IDisposable? _subscription;

    private NotificationPipeline Run(ReceiverOptions options)
    {
        _pipeline = new NotificationPipeline(options, _scheduler);
        _subscription = _pipeline.Messages(_input).Subscribe(m =>
        {
            _released.Add((_scheduler.Now - Start, m));
            _pipeline.Taken(m);
        });
        return _pipeline;
    }

    private void Route(IEnumerable<Alert> alerts)
    {
        foreach (var a in alerts) _input.OnNext(a);
    }

    private void AdvanceTo(TimeSpan sinceStart) => _scheduler.AdvanceTo(Start + sinceStart);

    private static TimeSpan S(double seconds) => TimeSpan.FromSeconds(seconds);

    private static ReceiverOptions Hook() => TestAlerts.Webhook("http://127.0.0.1/hook");

    [Fact]
    public void Burst_BecomesOneMessagePerGroup_AtGroupWait_ThenNewAlertsWaitForGroupInterval()
    {
        var p = Run(Hook()); // GroupWait 10 s, GroupInterval 60 s, group by store + rule
        var burst = TestAlerts.Many(300, "shop-a").Concat(TestAlerts.Many(200, "shop-b")).ToList();
        Route(burst);
        AdvanceTo(S(9.9));
        Assert.Empty(_released);
        Assert.Equal(500, p.PendingAlerts);

        AdvanceTo(S(10));
        Assert.Equal([300, 200], _released.Select(r => r.Message.AlertCount));
        Assert.All(_released, r => Assert.Equal(S(10), r.At));
        Assert.Equal(["shop-a", "unanswered_buyer"], _released[0].Message.Groups[0].Labels.Select(l => l.Value));
        Assert.Equal(0, p.PendingAlerts);

        // 20 more for shop-a at 30 s, and a redelivery of one already taken: due 60 s after the last message.
        AdvanceTo(S(30));
        Route([.. TestAlerts.Many(20, "shop-a", from: 300), burst[0]]);
        AdvanceTo(S(69.9));
        Assert.Equal(2, _released.Count);
        AdvanceTo(S(70));
        var (at, next) = _released[2];
        Assert.Equal(S(70), at);
        var slice = Assert.Single(next.Groups);
        Assert.Equal(20, slice.Alerts.Count);
        Assert.Equal(320, slice.TotalInGroup);
        Assert.Equal(1, p.Duplicates);
    }

    [Fact]
    public void QuietGroup_WaitsGroupWaitAgain_ButNotLessThanGroupIntervalAfterItsLastMessage()
    {
        var hook = Hook();
        hook.GroupWaitSeconds = 30;
        hook.GroupIntervalSeconds = 60;
        Run(hook);
        Route([TestAlerts.Make(1)]);
        AdvanceTo(S(200));
        Assert.Equal(S(30), _released[0].At);

        Route([TestAlerts.Make(2)]);          // at 200 s, long after the interval: GroupWait again
        AdvanceTo(S(231));
        Assert.Equal(S(230), _released[1].At);

        Route([TestAlerts.Make(3)]);          // 1 s after the message
        AdvanceTo(S(400));
        Assert.Equal(S(290), _released[2].At); // 230 + 60 (interval) is later than 260 + 30 (wait)
        Assert.Equal(3, _released[2].Message.Groups[0].TotalInGroup);
    }

    [Fact]
    public void RepeatWindow_DropsRedeliveriesWithinIt_AndAGroupQuietForItIsForgotten()
    {
        var hook = Hook();
        hook.RepeatIntervalMinutes = 1;
        hook.GroupIntervalSeconds = 10;
        var p = Run(hook);
        var alert = TestAlerts.Make(1);
        Route([alert]);
        AdvanceTo(S(20));
        Route([alert, TestAlerts.Make(1, status: AlertStatus.Resolved)]); // the resolution is another event
        AdvanceTo(S(50));
        Assert.Equal(1, p.Duplicates);
        Assert.Equal([1, 1], _released.Select(r => r.Message.AlertCount));
        Assert.Equal(2, _released[1].Message.Groups[0].TotalInGroup);

        // Quiet for a minute after its last alert (20 s): forgotten at 80 s; the same event is new again, count restarts.
        AdvanceTo(S(100));
        Route([alert]);
        AdvanceTo(S(150));
        Assert.Equal(3, _released.Count);
        Assert.Equal(S(110), _released[2].At);
        Assert.Equal(1, _released[2].Message.Groups[0].TotalInGroup);
        Assert.Equal(1, p.Duplicates);
    }

    [Fact]
    public void Backlog_BeyondMaxPendingAlerts_IsDroppedAndCounted()
    {
        var hook = Hook();
        hook.MaxPendingAlerts = 50;
        var p = Run(hook);
        Route(TestAlerts.Many(80, "shop-a"));
        Assert.Equal(50, p.PendingAlerts);
        Assert.Equal(30, p.Overflow);
        AdvanceTo(S(10));
        Assert.Equal(50, _released.Single().Message.AlertCount);
        Assert.Equal(0, p.PendingAlerts);
    }

    [Fact]
    public void RateCap_HoldsADueGroup_UntilTheMinuteFrees_AndMergesItIfDueAgain()
    {
        var hook = Hook();
        hook.MaxMessagesPerMinute = 1;
        hook.GroupWaitSeconds = 0;
        hook.GroupIntervalSeconds = 1;
        var p = Run(hook);
        Route([TestAlerts.Make(1, "shop-a")]);
        AdvanceTo(S(1));
        Assert.Equal(S(1), Assert.Single(_released).At);

        AdvanceTo(S(5));
        Route([TestAlerts.Make(2, "shop-b")]);
        AdvanceTo(S(10));
        Route([TestAlerts.Make(3, "shop-b")]);  // due again while held: merged, not a second message
        AdvanceTo(S(60));
        Assert.Single(_released);
        Assert.True(p.RateLimitedTicks >= 50, $"{p.RateLimitedTicks} limited ticks");

        AdvanceTo(S(61));
        var (at, held) = _released[1];
        Assert.Equal(S(61), at);                  // the minute after the first message
        var slice = Assert.Single(held.Groups);
        Assert.Equal(["m-2", "m-3"], slice.Alerts.Select(a => a.MessageIds[0]));
        Assert.Equal(2, slice.TotalInGroup);
    }

    [Fact]
    public void RateCap_FoldsTheGroupsBeyondTheCap_IntoOneDigest()
    {
        var hook = Hook();
        hook.MaxMessagesPerMinute = 3;
        Run(hook);
        Route(Enumerable.Range(0, 10).SelectMany(s => TestAlerts.Many(5, $"shop-{s}", from: s * 5)));
        AdvanceTo(S(120));

        Assert.Equal([5, 5, 40], _released.Select(r => r.Message.AlertCount)); // every alert sent once
        Assert.All(_released, r => Assert.Equal(S(10), r.At));
        var digest = _released[2].Message;
        Assert.Equal(8, digest.Groups.Count);
        Assert.Equal("客服告警汇总：8 组共 40 条", MessageFormats.Markdown(digest, 10).Title);
    }

    public void Dispose()
    {
        _subscription?.Dispose();
        _input.Dispose();
    }
}
