using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Alerting.Core.Rules;

namespace Alerting.InspectorConsole.Tests;

/// <summary><c>GET /api/rules</c> serves the Core rule catalog to signed-in users only.</summary>
public sealed class RuleCatalogEndpointTests : IAsyncLifetime
{
    private ConsoleHost _host = null!;

    public async Task InitializeAsync() => _host = await ConsoleHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Rules_ForASignedInUser_AreEveryCatalogRowWithLabelsAndSeverityWord()
    {
        var client = await _host.LoginAsync("alice");
        var rules = (await client.GetFromJsonAsync<JsonArray>("/api/rules"))!;
        Assert.Equal(RuleCatalog.All.Select(r => r.Name), rules.Select(r => (string?)r!["name"]));
        var slow = rules.Single(r => (string?)r!["name"] == "slow_response")!;
        Assert.Equal("回复超时", (string?)slow["chineseLabel"]);
        Assert.Equal("slow response", (string?)slow["englishLabel"]);
        Assert.Equal("medium", (string?)slow["defaultSeverity"]);
    }

    [Fact]
    public async Task Rules_ForAnAnonymousCaller_AreUnauthorized()
        => Assert.Equal(HttpStatusCode.Unauthorized, (await _host.Anonymous().GetAsync("/api/rules")).StatusCode);
}
