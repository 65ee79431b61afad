using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Alerting.InspectorConsole.Hosting;

namespace Alerting.InspectorConsole.Tests;

public sealed class AuthTests : IAsyncLifetime
{
    private ConsoleHost _host = null!;

    public async Task InitializeAsync() => _host = await ConsoleHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Theory]
    [InlineData("/api/me")]
    [InlineData("/api/alerts?store=shop-a")]
    [InlineData("/api/feed")]
    [InlineData("/api/coverage?store=shop-a")]
    [InlineData("/api/silences?store=shop-a")]
    [InlineData("/api/calibration?store=shop-a")]
    [InlineData("/api/verdicts.csv?store=shop-a")]
    public async Task Anonymous_GetsUnauthorized_OnEveryDataEndpoint(string path)
    {
        var r = await _host.Anonymous().GetAsync(path);
        Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
    }

    [Fact]
    public async Task Anonymous_CannotClaimOrAcknowledge()
    {
        var client = _host.Anonymous();
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsJsonAsync("/api/alerts/claim", new { store = "shop-a", alertId = "x" })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsJsonAsync("/api/alerts/ack", new { store = "shop-a", alertId = "x", entryId = "1-0", verdict = "confirmed" })).StatusCode);
    }

    [Fact]
    public async Task Pages_ArePublic_TheyCarryNoData()
    {
        var r = await _host.Anonymous().GetAsync("/login.html");
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
    }

    [Fact]
    public async Task Login_WithWrongPassword_IsRefused_AndSetsNoSession()
    {
        var client = _host.Anonymous();
        var r = await client.PostAsJsonAsync("/api/login", new { name = "alice", password = "wrong" });
        Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/me")).StatusCode);
        var unknown = await client.PostAsJsonAsync("/api/login", new { name = "mallory", password = "pw-mallory" });
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
    }

    [Fact]
    public async Task Login_ThenMe_ShowsRoleAndStores_AndLogoutEndsTheSession()
    {
        var client = await _host.LoginAsync("lena");
        var me = await client.GetFromJsonAsync<JsonObject>("/api/me");
        Assert.Equal("lead", (string?)me!["role"]);
        Assert.Equal(["shop-a", "shop-b"], me["stores"]!.AsArray().Select(s => (string?)s));
        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsync("/api/logout", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/me")).StatusCode);
    }

    [Fact]
    public async Task StoreScoping_InspectorOfShopB_IsForbiddenEverythingOfShopA()
    {
        await _host.WriteAsync(TestAlerts.Rude());
        var carol = await _host.LoginAsync("carol");
        Assert.Equal(HttpStatusCode.Forbidden, (await carol.GetAsync("/api/alerts?store=shop-a")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await carol.GetAsync("/api/feed?store=shop-a")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await carol.GetAsync("/api/feed?store=shop-b&store=shop-a")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await carol.GetAsync("/api/coverage?store=shop-a")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await carol.PostAsJsonAsync("/api/alerts/claim-next", new { store = "shop-a" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await carol.PostAsJsonAsync("/api/alerts/claim", new { store = "shop-a", alertId = "x" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await carol.PostAsJsonAsync("/api/alerts/ack", new { store = "shop-a", alertId = "x", entryId = "1-0", verdict = "confirmed" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await carol.GetAsync("/api/alerts?store=shop-b")).StatusCode);
    }

    [Fact]
    public async Task Feed_WithoutStoreParameter_ShowsOnlyTheUsersStores()
    {
        await _host.WriteAsync(TestAlerts.Rude(shop: ConsoleHost.ShopA), TestAlerts.Rude(shop: ConsoleHost.ShopB));
        var carol = await _host.LoginAsync("carol");
        await using var feed = await SseClient.OpenAsync(carol, "/api/feed");
        var events = await feed.ReadUntilAsync(e => e.Name == "caughtup");
        var alerts = events.Where(e => e.Name == "alert").ToList();
        Assert.Single(alerts);
        Assert.Equal("shop-b", (string?)alerts[0].Data["store"]);
    }

    [Fact]
    public async Task LeadEndpoints_AreForbiddenToInspectors()
    {
        var alice = await _host.LoginAsync("alice");
        Assert.Equal(HttpStatusCode.Forbidden, (await alice.GetAsync("/api/calibration?store=shop-a")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await alice.GetAsync("/api/overview?store=shop-a")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await alice.GetAsync("/api/verdicts.csv?store=shop-a")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await alice.PostAsJsonAsync("/api/silences",
            new { store = "shop-a", kind = "rule", value = "rude_language", reason = "x", minutes = 5 })).StatusCode);
        var lena = await _host.LoginAsync("lena");
        Assert.Equal(HttpStatusCode.OK, (await lena.GetAsync("/api/calibration?store=shop-a")).StatusCode);
    }

    [Fact]
    public void PasswordHash_VerifiesOnlyTheRightPassword_AndValidatorNamesTheField()
    {
        var hash = PasswordHashing.Hash("s3cret", 1000);
        Assert.True(PasswordHashing.Verify("s3cret", hash));
        Assert.False(PasswordHashing.Verify("s3cret!", hash));
        Assert.False(PasswordHashing.Verify("s3cret", "plain-text"));

        var options = new ConsoleOptions { Users = [new ConsoleUser { Name = "x", PasswordHash = "s3cret", Role = "boss", Stores = [] }] };
        var result = new ConsoleOptionsValidator().Validate(null, options);
        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.StartsWith("Console:Users:0:PasswordHash", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.StartsWith("Console:Users:0:Role", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.StartsWith("Console:Users:0:Stores", StringComparison.Ordinal));
    }
}
