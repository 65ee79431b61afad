using System.Text.Json.Nodes;
using Alerting.Core.Alerts;
using Alerting.Core.Config;
using Alerting.InspectorConsole.Review;
using Alerting.Redis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace Alerting.InspectorConsole.Tests;

/// <summary>
/// The console's workflows in real headless Chromium, one browser and one login shared (<see cref="BrowserSession"/>).
/// Each test writes its own alerts (the feed and the lead page show all of them; assertions address their own cards).
/// Screenshots go to the test output folder (<c>screenshots/</c>); with ALERTING_UPDATE_SCREENSHOTS=1 the README's
/// pictures in <c>src/Alerting.Console/docs/</c> are refreshed.
/// </summary>
public sealed class BrowserTests : IClassFixture<BrowserSession>, IDisposable
{
    private readonly BrowserSession _s;
    private readonly ITestOutputHelper _output;

    public BrowserTests(BrowserSession session, ITestOutputHelper output)
    {
        _s = session;
        _output = output;
    }

    public void Dispose()
    {
        foreach (var line in _s.Log) _output.WriteLine(line);
        _s.Log.Clear();
    }

    private IPage Page => _s.Page;

    [Fact]
    public async Task Feed_NewAlertAppearsLive_FalseAlarmVerdict_MovesCoverage_AndShowsInCalibration()
    {
        await _s.OpenFeedAsync();
        var meter = Page.Locator(".meter[data-store='shop-a']");
        await Assertions.Expect(meter.Locator(".raised")).ToBeVisibleAsync();
        var raised = int.Parse((await meter.Locator(".raised").TextContentAsync())!, System.Globalization.CultureInfo.InvariantCulture);
        var reviewed = int.Parse((await meter.Locator(".reviewed").TextContentAsync())!, System.Globalization.CultureInfo.InvariantCulture);

        var alert = TestAlerts.Rude(text: "亲，爱买不买，你自己看吧", term: "爱买不买", severity: Severity.Critical, agent: "kf07");
        await _s.Host.WriteAsync(alert);
        var card = Page.Locator($"article.card[data-alert-id='{alert.AlertId}']");
        await Assertions.Expect(card.Locator("mark")).ToHaveTextAsync("爱买不买");
        await Assertions.Expect(card.Locator(".rule")).ToHaveTextAsync("不文明用语"); // one language: the catalog's Chinese label only
        await Assertions.Expect(card).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("sev-critical"));
        await Assertions.Expect(meter.Locator(".raised")).ToHaveTextAsync((raised + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));

        await card.Locator("input.note").FillAsync("买家先开的玩笑，语境正常");
        // A new alert re-renders the feed: the half-typed note and its focus survive.
        var meanwhile = TestAlerts.Slow(agent: "kf17");
        await _s.Host.WriteAsync(meanwhile);
        await Assertions.Expect(Page.Locator($"article.card[data-alert-id='{meanwhile.AlertId}']")).ToBeVisibleAsync();
        await Assertions.Expect(card.Locator("input.note")).ToHaveValueAsync("买家先开的玩笑，语境正常");
        await Assertions.Expect(card.Locator("input.note")).ToBeFocusedAsync();
        await card.Locator("button.false-alarm").ClickAsync();
        await Assertions.Expect(card.Locator(".state")).ToContainTextAsync("误报");
        await Assertions.Expect(meter.Locator(".reviewed")).ToHaveTextAsync((reviewed + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Assertions.Expect(meter.Locator(".raised")).ToHaveTextAsync((raised + 2).ToString(System.Globalization.CultureInfo.InvariantCulture));

        await Page.GotoAsync(_s.Url("/lead.html"));
        await Assertions.Expect(Page.Locator("#calibration tr[data-key='爱买不买'] td.rate")).ToHaveTextAsync("100%");
        await Assertions.Expect(Page.Locator("#calibration tr[data-key='rude_language'] td.ids")).ToContainTextAsync(alert.AlertId);
    }

    [Fact]
    public async Task Transcript_OpensOnDemand_HighlightsTheTriggeringMessage_AndShowsChatTextAsText()
    {
        var alert = TestAlerts.Rude(text: "亲，爱买不买哦", term: "爱买不买", agent: "kf08");
        var trigger = alert.MessageIds[0];
        var at = alert.EventTime;
        JsonObject Msg(string id, string role, int seconds, string text, string? agent = null) => new()
        {
            ["messageId"] = id, ["role"] = role, ["agentId"] = agent, ["sentAt"] = AlertJson.FormatTime(at.AddSeconds(seconds)), ["text"] = text,
        };
        var key = $"alerts:transcript:{RedisKeys.ShopTag(alert.ShopId)}:{RedisKeys.Encode(alert.ConversationId)}";
        var long300 = Msg("b-3", "buyer", -5, new string('长', 300));
        long300["truncated"] = true;
        JsonObject[] transcript =
        [
            Msg("b-1", "buyer", -60, "在吗？这个能便宜点吗<img src=x onerror=alert(1)>"),
            Msg("bot-1", "bot", -59, "您好，客服稍后回复您"),
            Msg("a-1", "agent", -30, "亲，已经是活动价了呢", "kf08"),
            long300,
            Msg(trigger, "agent", 0, "亲，爱买不买哦", "kf08"),
        ];
        await _s.Host.Db.ListRightPushAsync(key, transcript.Select(m => (RedisValue)m.ToJsonString()).ToArray());
        var none = TestAlerts.Slow(agent: "kf09"); // a conversation the worker kept no transcript of
        await _s.Host.WriteAsync(alert, none);

        await _s.OpenFeedAsync();
        var card = Page.Locator($"article.card[data-alert-id='{alert.AlertId}']");
        await Assertions.Expect(card.Locator(".transcript")).ToHaveCountAsync(0); // on demand only
        await card.Locator("button.transcript-toggle").ClickAsync();
        var messages = card.Locator(".transcript li.msg");
        await Assertions.Expect(messages).ToHaveCountAsync(5);
        await Assertions.Expect(card.Locator(".transcript li.msg.trigger")).ToHaveCountAsync(1);
        await Assertions.Expect(card.Locator($".transcript li.msg.trigger[data-message-id='{trigger}'] .text")).ToHaveTextAsync("亲，爱买不买哦");
        await Assertions.Expect(card.Locator(".transcript li.role-buyer").First.Locator(".text")).ToContainTextAsync("<img src=x onerror=alert(1)>");
        await Assertions.Expect(card.Locator(".transcript img")).ToHaveCountAsync(0);
        await Assertions.Expect(card.Locator(".transcript li[data-message-id='b-3'] .cut")).ToBeVisibleAsync();
        await Assertions.Expect(card.Locator(".transcript li.role-agent .agent").First).ToHaveTextAsync("kf08");

        // The panel stays open while new alerts re-render the feed.
        await _s.Host.WriteAsync(TestAlerts.Slow(agent: "kf10"));
        await Assertions.Expect(messages).ToHaveCountAsync(5);
        // The feed re-renders its cards on every event: scroll by selector, not by a handle that may be replaced.
        await Page.EvaluateAsync("id => document.querySelector(`article.card[data-alert-id='${id}']`).scrollIntoView({ block: 'end' })", alert.AlertId);
        await _s.ScreenshotAsync("feed-transcript.png", forDocs: true, fullPage: false);

        var noneCard = Page.Locator($"article.card[data-alert-id='{none.AlertId}']");
        await noneCard.Locator("button.transcript-toggle").ClickAsync();
        await Assertions.Expect(noneCard.Locator(".transcript")).ToContainTextAsync("未保存");
        await card.Locator("button.transcript-toggle").ClickAsync();
        await Assertions.Expect(card.Locator(".transcript")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task EscalatedAlert_ShowsAsEscalated()
    {
        var alert = TestAlerts.Slow(agent: "kf11");
        var plain = TestAlerts.Slow(agent: "kf12");
        await _s.Host.WriteAsync(alert, plain);
        // Seeded as the escalation path marks it: the same alert again with escalatedAt (the feed shows the newest entry).
        var stream = new RedisKeys(new RedisAlertingOptions()).Stream(alert.ShopId);
        var entry = (await _s.Host.Db.StreamRangeAsync(stream)).Last(e => (string?)e["alertId"] == alert.AlertId);
        var json = JsonNode.Parse((string)entry["alert"]!)!.AsObject();
        json["escalatedAt"] = AlertJson.FormatTime(DateTimeOffset.UtcNow);
        await _s.Host.Db.StreamAddAsync(stream, [new("alertId", alert.AlertId), new("rule", alert.Rule), new("status", "firing"), new("revision", "0"), new("alert", json.ToJsonString())]);

        await _s.OpenFeedAsync();
        var card = Page.Locator($"article.card[data-alert-id='{alert.AlertId}']");
        await Assertions.Expect(card.Locator(".escalated-badge")).ToHaveTextAsync("已升级");
        await Assertions.Expect(card).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("escalated"));
        await Assertions.Expect(Page.Locator($"article.card[data-alert-id='{plain.AlertId}']")).ToBeVisibleAsync();
        await Assertions.Expect(Page.Locator($"article.card[data-alert-id='{plain.AlertId}'] .escalated-badge")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task UnclaimedCriticalAlert_PastItsLimit_IsEscalatedOnce_AndTheOpenFeedShowsItLive()
    {
        var critical = TestAlerts.Rude(agent: "kf21", severity: Severity.Critical);
        await _s.Host.WriteAsync(critical);
        await _s.OpenFeedAsync();
        var card = Page.Locator($"article.card[data-alert-id='{critical.AlertId}']");
        await Assertions.Expect(card).ToBeVisibleAsync();
        await Assertions.Expect(card.Locator(".escalated-badge")).ToHaveCountAsync(0);

        // The console's own check runs on the fake clock: past two minutes unclaimed the alert is escalated, and the
        // page that is already open shows it without a reload, with the coverage meter counting it.
        for (var i = 0; i < 60 && await card.Locator(".escalated-badge").CountAsync() == 0; i++)
        {
            _s.Host.Time.Advance(TimeSpan.FromSeconds(5));
            await Task.Delay(250);
        }
        await Assertions.Expect(card.Locator(".escalated-badge")).ToHaveTextAsync("已升级");
        await Assertions.Expect(Page.Locator(".past-limit").First).ToContainTextAsync("超过认领时限");

        // Once: the mark is one review change, however many checks run after it.
        for (var i = 0; i < 6; i++)
        {
            _s.Host.Time.Advance(TimeSpan.FromSeconds(5));
            await Task.Delay(100);
        }
        var keys = _s.Host.Services.GetRequiredService<ConsoleKeys>();
        var log = await _s.Host.Db.StreamRangeAsync(keys.Log(critical.ShopId));
        Assert.Single(log, e => (string?)e["alertId"] == critical.AlertId && (string?)e["kind"] == "escalated");
        await Assertions.Expect(card.Locator(".escalated-badge")).ToHaveCountAsync(1);
        await _s.ScreenshotAsync("escalated-live.png");
    }

    [Fact]
    public async Task FalseAlarmVerdict_ProducesAConfigLayerFile_ThatTheWorkersConfigValidationAccepts()
    {
        var alert = TestAlerts.Rude(text: "亲，这个傻瓜模式一键就能拍好哦", term: "傻瓜", agent: "kf13");
        await _s.Host.WriteAsync(alert);
        await _s.OpenFeedAsync();
        var card = Page.Locator($"article.card[data-alert-id='{alert.AlertId}']");
        await card.Locator("button.false-alarm").ClickAsync();
        await Assertions.Expect(card.Locator(".state")).ToContainTextAsync("误报");

        await Page.GotoAsync(_s.Url("/lead.html"));
        var row = Page.Locator($"#false-alarms tr[data-alert-id='{alert.AlertId}']");
        await Assertions.Expect(row.Locator("input.sg-phrase")).ToHaveValueAsync("傻瓜模式"); // the match and what follows it, to edit
        await row.Locator("button.sg-create").ClickAsync();
        var link = row.Locator(".sg-result a.sg-download");
        await Assertions.Expect(link).ToBeVisibleAsync();
        var download = await Page.RunAndWaitForDownloadAsync(() => link.ClickAsync());
        var folder = Directory.CreateTempSubdirectory("alerting-layer-browser-").FullName;
        try
        {
            File.Copy(Path.Combine(RepoRoot(), "deploy", "config", "10-rules.json"), Path.Combine(folder, "10-rules.json"));
            var file = Path.Combine(folder, download.SuggestedFilename);
            await download.SaveAsAsync(file);
            Assert.Matches(@"^90-console-shop-a-[0-9a-f]{12}\.json$", download.SuggestedFilename);
            Assert.Contains("傻瓜模式", File.ReadAllText(file), StringComparison.Ordinal);
            var (snapshot, problems, root) = ConfigFiles.LoadRules(folder);
            Assert.True(snapshot is not null && problems.Count == 0, string.Join("; ", problems));
            Assert.Contains("傻瓜模式", root!.GetSection("Rules:Stores:shop-a:RudeLanguage:AddWhitelist").GetChildren().Select(c => c.Value));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }

        var listed = Page.Locator("#suggestion-list tr.pending").Filter(new() { HasText = alert.AlertId });
        await listed.Locator("button.sg-mark").ClickAsync();
        await Assertions.Expect(Page.Locator("#suggestion-list tr.taken").Filter(new() { HasText = alert.AlertId }).Locator(".sg-status")).ToContainTextAsync("已采纳");
    }

    [Fact]
    public async Task LeadPage_OfADemoLikeDay_OpensOnThatDay_WithNonEmptyCharts()
    {
        var alerts = DemoDay(ConsoleHost.ShopB);
        await _s.Host.WriteAsync([.. alerts]);
        var reviews = _s.Host.Services.GetRequiredService<ReviewStore>();
        var stream = new RedisKeys(new RedisAlertingOptions()).Stream(ConsoleHost.ShopB);
        var entries = await _s.Host.Db.StreamRangeAsync(stream);
        foreach (var a in alerts.Where((_, i) => i % 3 != 0))
        {
            var entryId = entries.Single(e => (string?)e["alertId"] == a.AlertId).Id.ToString();
            var r = await reviews.AcknowledgeAsync(ConsoleHost.ShopB, a.AlertId, entryId, Verdict.Confirmed, "", "lena");
            Assert.True(r.Ok, r.Outcome);
        }

        await Page.GotoAsync(_s.Url("/lead.html"));
        await Page.Locator("#store").SelectOptionAsync(ConsoleHost.ShopB);
        await Assertions.Expect(Page.Locator("#from")).ToHaveValueAsync("2026-11-11"); // where the alerts are, not wall-clock today
        await Assertions.Expect(Page.Locator("#to")).ToHaveValueAsync("2026-11-12");
        await Assertions.Expect(Page.Locator("#overview .total")).ToHaveTextAsync(alerts.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var bars = Page.Locator("svg.chart-rules rect.bar");
        await Assertions.Expect(bars.First).ToBeVisibleAsync();
        var counted = 0;
        foreach (var bar in await bars.AllAsync()) counted += int.Parse((await bar.GetAttributeAsync("data-count"))!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(alerts.Count, counted);
        Assert.Equal(4, (await bars.EvaluateAllAsync<string[]>("b => [...new Set(b.map(x => x.dataset.rule))]")).Length);
        var coverage = Page.Locator("svg.chart-coverage rect.bar");
        await Assertions.Expect(coverage.First).ToBeVisibleAsync();
        Assert.Equal(alerts.Select(a => a.EventTime.UtcDateTime.Hour).Distinct().Count(), await coverage.CountAsync());
        await Assertions.Expect(Page.Locator("#csv")).ToHaveAttributeAsync("href", new System.Text.RegularExpressions.Regex("verdicts\\.csv\\?store=shop-b&from=2026-11-11"));
        await _s.ScreenshotAsync("lead-charts.png", forDocs: true, fullPage: false);
    }

    [Fact]
    public async Task LanguageSwitch_ChangesEveryLabel_OnTheFeedAndTheLeadPage_AndIsRemembered()
    {
        var alert = TestAlerts.Rude(text: "亲，爱买不买", term: "爱买不买", agent: "kf14");
        await _s.Host.WriteAsync(alert, TestAlerts.Promo(agent: "kf15"), TestAlerts.Slow(agent: "kf16"));
        var english = await Page.EvaluateAsync<string[]>("() => Object.values(CATALOG.en)");
        try
        {
            await _s.OpenFeedAsync();
            await Page.Locator($"article.card[data-alert-id='{alert.AlertId}'] button.transcript-toggle").ClickAsync();
            await AssertNoEnglishLabelAsync(english, "feed, Chinese");
            await Page.ClickAsync("#lang");
            await Page.WaitForLoadStateAsync(LoadState.DOMContentLoaded);
            await Assertions.Expect(Page.Locator("#connection")).ToHaveTextAsync("live");
            await Assertions.Expect(Page.Locator($"article.card[data-alert-id='{alert.AlertId}'] .rule")).ToHaveTextAsync("rude language");
            await AssertNoChineseLabelAsync("feed, English");

            await Page.GotoAsync(_s.Url("/lead.html")); // remembered across pages
            await Assertions.Expect(Page.Locator("#calibration h3").First).ToBeVisibleAsync();
            await Assertions.Expect(Page.Locator("#charts figcaption").First).ToHaveTextAsync("Alerts per hour and rule");
            await AssertNoChineseLabelAsync("lead, English");
            await Page.ClickAsync("#lang");
            await Assertions.Expect(Page.Locator("#charts figcaption").First).ToHaveTextAsync("每小时各规则告警数");
            await AssertNoEnglishLabelAsync(english, "lead, Chinese");
        }
        finally
        {
            await Page.EvaluateAsync("() => localStorage.setItem('alerting-console.lang', 'zh')");
        }
    }

    // The page's labels: its text and label attributes without the data (class "data", chat text, evidence, summaries) and the switch.
    private const string LabelsScript = """
        () => {
          const skip = '.data, .summary, .evidence, .transcript .text, #lang, script, template';
          const c = document.body.cloneNode(true);
          c.querySelectorAll(skip).forEach(e => e.remove());
          const attrs = [...document.querySelectorAll('[placeholder], [title], [aria-label]')].filter(e => !e.closest(skip))
            .map(e => ['placeholder', 'title', 'aria-label'].map(a => e.getAttribute(a) || '').join(' '));
          return document.title + '\n' + c.textContent + '\n' + attrs.join('\n');
        }
        """;

    private async Task AssertNoChineseLabelAsync(string where)
    {
        await Page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        var text = await Page.EvaluateAsync<string>(LabelsScript);
        var cjk = System.Text.RegularExpressions.Regex.Matches(text, @"[^\n]*[\u3400-\u9fff\u3000-\u303f\uff00-\uffef][^\n]*").Select(m => m.Value.Trim()).ToList();
        Assert.True(cjk.Count == 0, $"{where}: Chinese left in English mode: {string.Join(" | ", cjk.Take(10))}");
    }

    private async Task AssertNoEnglishLabelAsync(string[] english, string where)
    {
        await Page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        var text = await Page.EvaluateAsync<string>(LabelsScript);
        var fragments = english.SelectMany(e => System.Text.RegularExpressions.Regex.Split(e, @"\{\d\}")).Select(f => f.Trim())
            .Where(f => f.Length >= 4 && f.Any(char.IsAsciiLetter)).Distinct().ToList();
        Assert.NotEmpty(fragments);
        var found = fragments.Where(f => text.Contains(f, StringComparison.Ordinal)).ToList();
        Assert.True(found.Count == 0, $"{where}: English labels in Chinese mode: {string.Join(" | ", found)}");
    }

    /// <summary>A sale day like the demo's: 2026-11-11 (Beijing), alerts of four rules spread over the hours 09:00–22:00.</summary>
    private static List<Alert> DemoDay(string shop)
    {
        var day = new DateTimeOffset(2026, 11, 11, 9, 0, 0, TimeSpan.FromHours(8));
        var rules = new[] { ("rude_language", Severity.High), ("wrong_promo_answer", Severity.High), ("slow_response", Severity.Medium), ("unanswered_buyer", Severity.Critical) };
        var list = new List<Alert>();
        for (var i = 0; i < 48; i++)
        {
            var (rule, severity) = rules[i % rules.Length];
            var at = day.AddMinutes(i * 17 + (i % 5));
            var conversation = $"demo-c{i}";
            list.Add(new Alert
            {
                AlertId = AlertIds.ForConversation(rule, conversation, $"demo-m{i}"), Rule = rule, Severity = severity, ShopId = shop,
                ConversationId = conversation, AgentId = "kf" + (i % 6), MessageIds = [$"demo-m{i}"], EventTime = at, DetectedAt = at,
                Summary = "示例告警 " + i, Evidence = new JsonObject { ["delaySeconds"] = 75.0, ["thresholdSeconds"] = 30 },
            });
        }
        return list;
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Alerting.sln"))) return dir.FullName;
        throw new InvalidOperationException("repository root not found");
    }
}
