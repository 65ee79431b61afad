using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Alerting.Core.Alerts;
using Alerting.Core.Config;
using Alerting.Core.Messages;
using Alerting.Core.Pipeline;
using Alerting.Core.Rules.PromotionAnswers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Time.Testing;

namespace Alerting.InspectorConsole.Tests;

/// <summary>
/// The loop back to the rules: an alert raised by the real rule pipeline from the deploy config, marked a false alarm,
/// turned into a config layer file by the console; the layer is accepted by the worker's config validation
/// (<see cref="ConfigFiles.LoadRules"/>, what <c>validate-config</c> runs) and, loaded into a new rules snapshot,
/// silences that exact message while the same term elsewhere still alerts.
/// </summary>
public sealed class SuggestionLayerTests : IAsyncLifetime
{
    private static readonly DateTimeOffset At = new(2026, 11, 11, 10, 0, 0, TimeSpan.FromHours(8));
    private ConsoleHost _host = null!;
    private string _config = null!;

    public async Task InitializeAsync()
    {
        _config = Directory.CreateTempSubdirectory("alerting-layer-").FullName;
        File.Copy(Path.Combine(RepoRoot(), "deploy", "config", "10-rules.json"), Path.Combine(_config, "10-rules.json"));
        _host = await ConsoleHost.StartAsync(new Dictionary<string, string?> { ["Console:WorkerConfigPath"] = _config });
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        Directory.Delete(_config, recursive: true);
    }

    [Theory]
    [InlineData("rude_language", "whitelist", "亲，这个傻瓜模式一键就能拍好哦", "傻瓜模式", "你这个傻瓜吗")]
    [InlineData("rude_language", "whitelist", "我们家的泥马摆件卖得很好呢😊", "泥马摆件", "泥马的，爱买不买")]
    [InlineData("forbidden_claim", "allow", "我们不敢说全网最低，但品质有保障", "不敢说全网最低", "这款全网最低价")]
    [InlineData("forbidden_claim", "allow", "不敢說全網最低哦，但是正品", "不敢說全網最低", "全网最低，放心买")]
    public async Task FalseAlarmPhrase_BecomesALayer_ThatValidates_AndSilencesThatCase_Only(string rule, string kind, string text, string phrase, string stillRude)
    {
        var before = Evaluate(_config, text);
        var alert = Assert.Single(before, a => a.Rule == rule);
        Assert.Contains(Evaluate(_config, stillRude), a => a.Rule == rule);

        var layer = await SuggestFromFalseAlarmAsync(alert, kind, phrase);
        File.WriteAllText(Path.Combine(_config, (string)layer["fileName"]!), (string)layer["layer"]!);

        var (snapshot, problems, _) = ConfigFiles.LoadRules(_config);
        Assert.True(snapshot is not null && problems.Count == 0, string.Join("; ", problems));
        Assert.DoesNotContain(Evaluate(_config, text), a => a.Rule == rule);
        Assert.Contains(Evaluate(_config, stillRude), a => a.Rule == rule); // the layer excuses the phrase, not the term
    }

    [Fact]
    public async Task PromotionAlias_Layer_Validates_AndAddsTheAliasToThatPromotion_KeepingItsConfiguredAliases()
    {
        var alert = new Alert
        {
            AlertId = AlertIds.ForConversation("wrong_promo_answer", "c-promo", "m-promo"), Rule = "wrong_promo_answer", Severity = Severity.High,
            ShopId = ConsoleHost.ShopA, ConversationId = "c-promo", AgentId = "agent-3", MessageIds = ["m-promo"], EventTime = At, DetectedAt = At,
            Summary = "满减说错", Evidence = new JsonObject { ["promotion"] = "d11-presale", ["kind"] = "threshold_discount", ["expected"] = "满300减50", ["stated"] = "满200减30" },
        };
        var layer = await SuggestFromFalseAlarmAsync(alert, "alias", "双十一预定", "d11-presale");
        File.WriteAllText(Path.Combine(_config, (string)layer["fileName"]!), (string)layer["layer"]!);

        var (snapshot, problems, root) = ConfigFiles.LoadRules(_config);
        Assert.True(snapshot is not null && problems.Count == 0, string.Join("; ", problems));
        var promotions = root!.GetSection("Rules:Stores:shop-a:Promotions").Get<List<PromotionOptions>>()!;
        var presale = Assert.Single(promotions, p => p.Id == "d11-presale");
        Assert.Equal(["预售", "定金", "双十一预定"], presale.Aliases);
        Assert.DoesNotContain("双十一预定", Assert.Single(promotions, p => p.Id == "d11-main").Aliases);
    }

    [Fact]
    public async Task Suggestion_IsRefused_WithoutAFalseAlarm_OrWhenThePhraseDoesNotExcuseTheMatch_AndOutsideTheLeadsStores()
    {
        var alert = Assert.Single(Evaluate(_config, "亲，这个傻瓜模式一键就能拍好哦"), a => a.Rule == "rude_language");
        await _host.WriteAsync(alert);
        var lena = await _host.LoginAsync("lena");
        var early = await lena.PostAsJsonAsync("/api/suggestions", new { store = "shop-a", alertId = alert.AlertId, kind = "whitelist", phrase = "傻瓜模式" });
        Assert.Equal(HttpStatusCode.Conflict, early.StatusCode); // no verdict yet
        await AckFalseAlarmAsync(alert);
        foreach (var (kind, phrase) in new[] { ("whitelist", "傻瓜"), ("whitelist", "一键就能拍"), ("allow", "傻瓜模式"), ("nonsense", "傻瓜模式") })
        {
            var r = await lena.PostAsJsonAsync("/api/suggestions", new { store = "shop-a", alertId = alert.AlertId, kind, phrase });
            Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        }
        var alice = await _host.LoginAsync("alice");
        Assert.Equal(HttpStatusCode.Forbidden, (await alice.PostAsJsonAsync("/api/suggestions", new { store = "shop-a", alertId = alert.AlertId, kind = "whitelist", phrase = "傻瓜模式" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await lena.PostAsJsonAsync("/api/suggestions", new { store = "shop-c", alertId = alert.AlertId, kind = "whitelist", phrase = "傻瓜模式" })).StatusCode);

        // Taken: the lead marks it; the listing then counts repeats of the same case.
        var made = await (await lena.PostAsJsonAsync("/api/suggestions", new { store = "shop-a", alertId = alert.AlertId, kind = "whitelist", phrase = "傻瓜模式" })).Content.ReadFromJsonAsync<JsonObject>();
        var id = (string)made!["suggestion"]!["id"]!;
        _host.Time.SetUtcNow(DateTimeOffset.UtcNow); // the taken time and the stream ids on one clock, as in production
        Assert.Equal(HttpStatusCode.OK, (await lena.PostAsync($"/api/suggestions/shop-a/{id}/taken", null)).StatusCode);
        await Task.Delay(5);
        var again = Assert.Single(Evaluate(_config, "亲，这个傻瓜模式一键就能拍好哦", "m-again"), a => a.Rule == "rude_language");
        await _host.WriteAsync(again);
        var list = (await lena.GetFromJsonAsync<JsonArray>("/api/suggestions?store=shop-a"))!;
        var line = Assert.Single(list);
        Assert.Equal("lena", (string?)line!["suggestion"]!["takenBy"]);
        Assert.Equal(1, (int?)line["firedSinceTaken"]);
        var file = await lena.GetAsync($"/api/suggestions/shop-a/{id}/layer");
        Assert.Equal(HttpStatusCode.OK, file.StatusCode);
        Assert.Contains("AddWhitelist", await file.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private async Task<JsonObject> SuggestFromFalseAlarmAsync(Alert alert, string kind, string phrase, string? promotion = null)
    {
        await _host.WriteAsync(alert);
        await AckFalseAlarmAsync(alert);
        var lena = await _host.LoginAsync("lena");
        var r = await lena.PostAsJsonAsync("/api/suggestions", new { store = alert.ShopId, alertId = alert.AlertId, kind, phrase, promotion });
        Assert.True(r.IsSuccessStatusCode, await r.Content.ReadAsStringAsync());
        return (await r.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    private async Task AckFalseAlarmAsync(Alert alert)
    {
        var alice = await _host.LoginAsync("alice");
        var entries = await _host.Db.StreamRangeAsync(new Alerting.Redis.RedisKeys(new Alerting.Redis.RedisAlertingOptions()).Stream(alert.ShopId));
        var entryId = entries.Last(e => ((string?)e["alert"])!.Contains(alert.AlertId, StringComparison.Ordinal)).Id.ToString();
        var ack = await alice.PostAsJsonAsync("/api/alerts/ack", new { store = alert.ShopId, alertId = alert.AlertId, entryId, verdict = "false_alarm", note = "语境正常" });
        Assert.Equal(HttpStatusCode.OK, ack.StatusCode);
    }

    /// <summary>The alerts the worker's rule pipeline raises for one agent message under the config folder as it is now.</summary>
    private static List<Alert> Evaluate(string configFolder, string text, string messageId = "m-1")
    {
        var (snapshot, problems, _) = ConfigFiles.LoadRules(configFolder);
        Assert.True(snapshot is not null, string.Join("; ", problems));
        var pipeline = new PartitionPipeline(new FixedRulesSource(snapshot!), new FakeTimeProvider(At));
        var alerts = new List<Alert>();
        pipeline.Process(new ChatMessage
        {
            MessageId = messageId, ConversationId = "c-layer", ShopId = ConsoleHost.ShopA, Sender = SenderKind.Agent, SenderId = "agent-3",
            AgentId = "agent-3", Text = text, SentAt = At, Event = ChatEventKind.Message,
        }, alerts);
        return alerts;
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Alerting.sln"))) return dir.FullName;
        throw new InvalidOperationException("repository root not found");
    }
}
