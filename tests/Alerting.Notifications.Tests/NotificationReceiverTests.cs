using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Alerting.Core.Alerts;
using Alerting.Notifications;
using Microsoft.Extensions.Configuration;

namespace Alerting.Notifications.Tests;

/// <summary>
/// Receivers against a local HTTP endpoint: routing, formats, retries, isolation. Grouping runs on virtual time;
/// the timing rules themselves (group wait and interval, repeat window, rate cap, digest) are pinned without
/// HTTP in <see cref="NotificationPipelineTests"/>.
/// </summary>
public sealed class NotificationReceiverTests : IAsyncLifetime
{
    private ReceiverEndpoint _endpoint = null!;

    public async Task InitializeAsync() => _endpoint = await ReceiverEndpoint.StartAsync();

    public async Task DisposeAsync() => await _endpoint.DisposeAsync();

    private string Url(string path) => _endpoint.BaseUrl + path;

    private static NotificationOptions Options(params ReceiverOptions[] receivers) => new() { Receivers = [.. receivers] };

    [Fact]
    public async Task Routing_ByRuleStoreAndSeverity_SendsEachReceiverOnlyItsAlerts()
    {
        var rude = TestAlerts.Webhook(Url("/rude"), "rude-team");
        rude.Rules = ["rude_language"];
        rude.MinSeverity = "medium";
        var critical = TestAlerts.Webhook(Url("/critical"), "on-call");
        critical.MinSeverity = "critical";
        var shopB = TestAlerts.Webhook(Url("/shop-b"), "shop-b");
        shopB.Stores = ["shop-b"];
        await using var h = new NotifierHarness(Options(rude, critical, shopB));

        var alerts = new List<Alert>
        {
            TestAlerts.Make(1, rule: "rude_language", severity: Severity.High),
            TestAlerts.Make(2, rule: "rude_language", severity: Severity.Low),      // below rude-team's minimum
            TestAlerts.Make(3, rule: "slow_response", severity: Severity.Critical),
            TestAlerts.Make(4, rule: "unanswered_buyer", severity: Severity.Medium), // nobody (shop-a, not critical)
            TestAlerts.Make(5, shop: "shop-b", rule: "slow_response", severity: Severity.Info),
            TestAlerts.Make(6, rule: "rude_language", severity: Severity.High, status: AlertStatus.Resolved), // resolutions not asked for
        };
        h.OfferAndRoute(alerts);
        Assert.Equal(3, h.Stats.Queued);
        h.Advance(TimeSpan.FromSeconds(11)); // GroupWait 10 s
        await NotifierHarness.WaitUntilAsync(() => _endpoint.Count == 3, "three receivers, one message each");

        string[] Ids(string path) => _endpoint.Requests.Where(r => r.Path == path)
            .SelectMany(r => r.Json.AsArray().Select(a => (string)a!["alertId"]!)).ToArray();
        Assert.Equal([alerts[0].AlertId], Ids("/rude"));
        Assert.Equal([alerts[2].AlertId], Ids("/critical"));
        Assert.Equal([alerts[4].AlertId], Ids("/shop-b"));
    }

    [Fact]
    public async Task DingTalk_SignsTimestampAndSecret_AndSendsChineseMarkdown()
    {
        const string secret = "SEC0123456789abcdef";
        var ding = new ReceiverOptions { Name = "ding", Kind = ReceiverKinds.DingTalk, Url = Url("/robot/send?access_token=tok"), Secret = secret };
        await using var h = new NotifierHarness(Options(ding));
        var alerts = TestAlerts.Many(15, "shop-a");
        alerts[3] = TestAlerts.Make(3, agent: "agent-09", severity: Severity.Critical, summary: "满减门槛说错：活动为满300减50");

        h.OfferAndRoute(alerts);
        h.Advance(TimeSpan.FromSeconds(11));
        await NotifierHarness.WaitUntilAsync(() => _endpoint.Count == 1, "DingTalk message");
        var request = _endpoint.Requests[0];

        Assert.Equal("tok", request.Query["access_token"]);
        var timestamp = request.Query["timestamp"];
        var sentAt = DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(timestamp, System.Globalization.CultureInfo.InvariantCulture));
        Assert.InRange(sentAt, h.Time.GetUtcNow().AddSeconds(-5), h.Time.GetUtcNow());
        // DingTalk: sign = urlencode(base64(HMAC-SHA256(key = secret, data = timestamp + "\n" + secret))); the query value is decoded here.
        var expected = Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}\n{secret}")));
        Assert.Equal(expected, request.Query["sign"]);

        var body = request.Json;
        Assert.Equal("markdown", (string?)body["msgtype"]);
        var title = (string)body["markdown"]!["title"]!;
        var text = (string)body["markdown"]!["text"]!;
        Assert.Contains("买家无人回复", title, StringComparison.Ordinal);
        Assert.Contains("严重", title, StringComparison.Ordinal);                  // highest severity in the group
        Assert.Contains("shop-a", title, StringComparison.Ordinal);
        Assert.Contains("本组累计**：15 条（本次新增 15 条）", text, StringComparison.Ordinal);
        Assert.Contains("客服 agent-09", text, StringComparison.Ordinal);
        Assert.Contains("满减门槛说错：活动为满300减50", text, StringComparison.Ordinal);
        Assert.Contains("另有 5 条未列出", text, StringComparison.Ordinal);         // MaxListedAlerts 10
    }

    [Fact]
    public async Task WeCom_BodyIsMarkdownContent_WithinTheByteLimit()
    {
        var wecom = new ReceiverOptions { Name = "wecom", Kind = ReceiverKinds.WeCom, Url = Url("/cgi-bin/webhook/send?key=k"), MaxListedAlerts = 100 };
        await using var h = new NotifierHarness(Options(wecom));
        var longSummary = string.Concat(Enumerable.Repeat("客服回复内容包含不当表述，", 30));
        var alerts = Enumerable.Range(0, 200).Select(i => TestAlerts.Make(i, rule: "rude_language", summary: longSummary)).ToList();

        h.OfferAndRoute(alerts);
        h.Advance(TimeSpan.FromSeconds(11));
        await NotifierHarness.WaitUntilAsync(() => _endpoint.Count == 1, "WeCom message");

        var body = _endpoint.Requests[0].Json.AsObject();
        Assert.Equal(["msgtype", "markdown"], body.Select(p => p.Key));
        Assert.Equal("markdown", (string?)body["msgtype"]);
        Assert.Equal(["content"], body["markdown"]!.AsObject().Select(p => p.Key));
        var content = (string)body["markdown"]!["content"]!;
        Assert.InRange(Encoding.UTF8.GetByteCount(content), 1000, MessageFormats.WeComMaxContentBytes);
        Assert.Contains("不文明用语", content, StringComparison.Ordinal);
        Assert.Contains("200 条", content, StringComparison.Ordinal);
        Assert.EndsWith("（内容过长已截断）", content, StringComparison.Ordinal);
        Assert.False(_endpoint.Requests[0].Query.ContainsKey("sign"));
    }

    [Fact]
    public async Task Retry_TransientFailuresThenSuccess_DeliversTheMessageOnce()
    {
        _endpoint.Reply = n => n <= 2 ? (503, "busy", false) : (200, "ok", false);
        await using var h = new NotifierHarness(Options(TestAlerts.Webhook(Url("/hook"))));

        h.OfferAndRoute(TestAlerts.Many(3));
        h.Advance(TimeSpan.FromSeconds(11));
        await h.AdvanceRetriesUntilAsync(() => h.Stats.Receivers[0].MessagesSent == 1, TimeSpan.FromSeconds(60), "delivered after two retries");

        Assert.Equal(3, _endpoint.Count);
        Assert.All(_endpoint.Requests, r => Assert.Equal(_endpoint.Requests[0].Body, r.Body));
        Assert.Equal(0, h.Stats.Receivers[0].MessagesFailed);
    }

    [Fact]
    public async Task Retry_RobotRejectsForGood_GivesUpWithoutRetrying()
    {
        _endpoint.Reply = _ => (200, """{"errcode":310000,"errmsg":"sign not match"}""", false);
        var ding = new ReceiverOptions { Name = "ding", Kind = ReceiverKinds.DingTalk, Url = Url("/ding"), Secret = "SECwrong" };
        await using var h = new NotifierHarness(Options(ding));

        h.OfferAndRoute(TestAlerts.Many(2));
        h.Advance(TimeSpan.FromSeconds(11));
        await NotifierHarness.WaitUntilAsync(() => h.Stats.Receivers[0].MessagesFailed == 1, "given up at the first answer");
        // The pipeline counts a failure only after its last attempt, so every request it made is in by now.

        Assert.Equal(1, _endpoint.Count);
        Assert.Equal(2, h.Stats.Receivers[0].AlertsFailed);
    }

    [Fact]
    public async Task Offer_WhenTheQueueIsFull_DropsAndCounts_AndReturnsAtOnce()
    {
        var options = Options(TestAlerts.Webhook(Url("/hook")));
        options.QueueCapacity = 100;
        await using var h = new NotifierHarness(options, start: false); // nobody drains: the queue fills
        var alerts = TestAlerts.Many(1000);

        var sw = Stopwatch.StartNew();
        h.Notifier.Offer(alerts);
        sw.Stop();

        Assert.True(sw.ElapsedMilliseconds < 100, $"Offer took {sw.ElapsedMilliseconds} ms");
        Assert.Equal(100, h.Stats.Queued);
        Assert.Equal(900, h.Stats.DroppedQueueFull);
        Assert.Equal(100, h.Stats.QueueLength);
    }

    [Fact]
    public async Task HangingReceiver_DoesNotBlockOffer_NorTheOtherReceiver_AndItsBacklogIsCapped()
    {
        // The first request (to the hanging receiver) never gets an answer; its timeout is far away in fake time.
        _endpoint.Reply = n => (200, "ok", n == 1);
        var hanging = TestAlerts.Webhook(Url("/hang"), "hanging");
        hanging.TimeoutSeconds = 300;
        hanging.MaxPendingAlerts = 50;
        var healthy = TestAlerts.Webhook(Url("/ok"), "healthy");
        healthy.Rules = ["rude_language"];
        await using var h = new NotifierHarness(Options(hanging, healthy));

        h.OfferAndRoute(TestAlerts.Many(10));
        h.Advance(TimeSpan.FromSeconds(11));
        await NotifierHarness.WaitUntilAsync(() => _endpoint.Count == 1, "the hanging request started");

        // The consume loop keeps offering; every call returns at once.
        var slowest = TimeSpan.Zero;
        for (var i = 0; i < 100; i++)
        {
            var sw = Stopwatch.StartNew();
            h.Notifier.Offer(TestAlerts.Many(10, $"shop-{i % 7}", from: 1000 + i * 10));
            slowest = sw.Elapsed > slowest ? sw.Elapsed : slowest;
        }
        Assert.True(slowest < TimeSpan.FromMilliseconds(50), $"slowest Offer took {slowest.TotalMilliseconds} ms");
        h.Notifier.RouteQueued();
        h.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(1010, h.Stats.Routed);

        var hangingStats = h.Stats.Receivers[0];
        Assert.Equal(50, hangingStats.PendingAlerts);
        Assert.Equal(950, hangingStats.AlertsDroppedBacklog);

        // The other receiver is not held up by the first one.
        h.OfferAndRoute([TestAlerts.Make(9999, rule: "rude_language")]);
        h.Advance(TimeSpan.FromSeconds(11));
        await NotifierHarness.WaitUntilAsync(() => _endpoint.Requests.Any(r => r.Path == "/ok"), "the healthy receiver's message");
    }

    [Fact]
    public void Validate_NamesPathAndReason_ForEachProblem()
    {
        var options = new NotificationOptions
        {
            QueueCapacity = 0,
            Receivers =
            [
                new ReceiverOptions { Name = "a", Kind = "slack", Url = "ftp://x", MinSeverity = "urgent", Rules = ["Rude Language"] },
                new ReceiverOptions { Name = "a", Kind = "webhook", Url = "http://h/x", Secret = "s", GroupBy = ["buyerId"], MaxMessagesPerMinute = 0 },
                new ReceiverOptions { Name = "", Kind = "dingtalk", Url = "https://oapi.dingtalk.com/robot/send?access_token=t", GroupWaitSeconds = -1 },
            ],
        };
        var problems = options.Validate().Select(p => p.ToString()).ToList();

        Assert.Contains("Notifications:QueueCapacity: must be between 1 and 1000000, got 0", problems);
        Assert.Contains("Notifications:Receivers:0:Kind: expected one of webhook, dingtalk, wecom; got 'slack'", problems);
        Assert.Contains("Notifications:Receivers:0:Url: expected an absolute http(s) URL; got 'ftp://x'", problems);
        Assert.Contains("Notifications:Receivers:0:MinSeverity: expected info, low, medium, high or critical; got 'urgent'", problems);
        Assert.Contains("Notifications:Receivers:0:Rules:0: expected a snake_case rule name such as unanswered_buyer; got 'Rude Language'", problems);
        Assert.Contains("Notifications:Receivers:1:Name: duplicate receiver name 'a': names must be unique (they label metrics and logs)", problems);
        Assert.Contains("Notifications:Receivers:1:Secret: only DingTalk robots sign requests; remove Secret or set Kind to dingtalk", problems);
        Assert.Contains("Notifications:Receivers:1:GroupBy:0: expected one of shopId, rule, severity, agentId, conversationId; got 'buyerId'", problems);
        Assert.Contains("Notifications:Receivers:1:MaxMessagesPerMinute: must be between 1 and 6000, got 0", problems);
        Assert.Contains("Notifications:Receivers:2:Name: required: a unique name for logs and metrics", problems);
        Assert.Contains("Notifications:Receivers:2:GroupWaitSeconds: must be between 0 and 3600, got -1", problems);
        Assert.Equal(11, problems.Count);
    }

    [Fact]
    public void ValidateSection_UnknownKey_IsAProblem()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Notifications:Receivers:0:Name"] = "x",
            ["Notifications:Receivers:0:Kind"] = "webhook",
            ["Notifications:Receivers:0:Url"] = "http://127.0.0.1/x",
            ["Notifications:Receivers:0:GroupWait"] = "5",
        }).Build();
        Assert.Empty(NotificationOptions.ValidateSection(new ConfigurationBuilder().Build()));
        var problems = NotificationOptions.ValidateSection(config);
        var problem = Assert.Single(problems);
        Assert.Equal("Notifications:Receivers:0:GroupWait", problem.Path);
        Assert.Equal("unknown setting 'GroupWait': did you mean 'GroupWaitSeconds'?", problem.Reason);
    }
}
