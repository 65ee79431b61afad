using System.Diagnostics;
using System.Text.Json.Nodes;
using Alerting.Core.Alerts;
using Alerting.IntegrationTests.Infrastructure;
using Alerting.Redis;
using StackExchange.Redis;

namespace Alerting.IntegrationTests.Redis;

/// <summary>A fresh redis-server plus a connection to it, for one test.</summary>
internal sealed class RedisTestHost : IAsyncDisposable
{
    private RedisTestHost(RedisServer server, ConnectionMultiplexer connection, RedisAlertingOptions options)
    {
        Server = server;
        Connection = connection;
        Options = options;
    }

    public RedisServer Server { get; }
    public ConnectionMultiplexer Connection { get; }
    public RedisAlertingOptions Options { get; }
    public IDatabase Db => Connection.GetDatabase();

    public static async Task<RedisTestHost> StartAsync(Action<RedisAlertingOptions>? configure = null, bool appendOnly = false)
    {
        var server = await RedisServer.StartNewAsync(appendOnly);
        var options = new RedisAlertingOptions
        {
            ConnectionString = server.ConnectionString,
            AttemptTimeout = TimeSpan.FromSeconds(2),
            RetryBaseDelay = TimeSpan.FromMilliseconds(20),
            RetryMaxDelay = TimeSpan.FromMilliseconds(500),
            BreakerBreakDuration = TimeSpan.FromMilliseconds(500),
        };
        try
        {
            configure?.Invoke(options);
            Assert.Empty(options.Validate());
            var connection = await RedisConnection.ConnectAsync(options);
            return new RedisTestHost(server, connection, options);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Connection.DisposeAsync();
        }
        finally
        {
            await Server.DisposeAsync();
        }
    }
}

internal static class TestAlerts
{
    /// <summary>CONTRACTS.md §2 example alert, with overridable identity.</summary>
    public static Alert Rude(string shopId = "shop-a", string alertId = "a-1", AlertStatus status = AlertStatus.Firing, int revision = 0,
        string rule = "rude_language", string? agentId = "agent-07") => new()
        {
            AlertId = alertId,
            Rule = rule,
            Severity = Severity.High,
            ShopId = shopId,
            ConversationId = "c-42",
            AgentId = agentId,
            MessageIds = ["m-000002"],
            EventTime = DateTimeOffset.Parse("2026-11-11T00:00:05.000+08:00", System.Globalization.CultureInfo.InvariantCulture),
            DetectedAt = DateTimeOffset.Parse("2026-11-11T00:00:05.012+08:00", System.Globalization.CultureInfo.InvariantCulture),
            Summary = "客服使用不文明用语：“你烦不烦”",
            Evidence = new JsonObject { ["term"] = "烦不烦", ["start"] = 1, ["end"] = 4 },
            Status = status,
            Revision = revision,
        };
}

internal static class Wait
{
    /// <summary>Polls <paramref name="condition"/> until it holds; fails the test after <paramref name="timeout"/>.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > timeout) Assert.Fail($"timed out after {timeout} waiting for {what}");
            await Task.Delay(20);
        }
    }

    /// <summary>Next message of a subscription, or a test failure after <paramref name="timeout"/>.</summary>
    public static async Task<string> NextAsync(ChannelMessageQueue queue, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            var m = await queue.ReadAsync(cts.Token);
            return m.Message!;
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"no message on {queue.Channel} within {timeout}");
            throw;
        }
    }
}
