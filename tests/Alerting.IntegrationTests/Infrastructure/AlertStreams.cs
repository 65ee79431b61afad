using Alerting.Core.Alerts;
using StackExchange.Redis;

namespace Alerting.IntegrationTests.Infrastructure;

/// <summary>Reads what the worker wrote to Redis, the way a consumer of the contracts would.</summary>
public static class AlertStreams
{
    public static async Task<List<Alert>> ReadAsync(IDatabase db, string shopId)
    {
        var entries = await db.StreamRangeAsync($"alerts:stream:{{{shopId}}}", "-", "+");
        return entries.Select(e => AlertJson.Parse(e["alert"]!)).ToList();
    }

    public static async Task<List<Alert>> ReadAllAsync(IConnectionMultiplexer redis)
    {
        var server = redis.GetServers()[0];
        var db = redis.GetDatabase();
        var all = new List<Alert>();
        await foreach (var key in server.KeysAsync(pattern: "alerts:stream:*"))
        {
            var entries = await db.StreamRangeAsync(key, "-", "+");
            all.AddRange(entries.Select(e => AlertJson.Parse(e["alert"]!)));
        }
        return all;
    }

    /// <summary>Polls until <paramref name="condition"/> holds for the alerts in Redis, or fails after <paramref name="timeout"/>.</summary>
    public static async Task<List<Alert>> WaitForAsync(IConnectionMultiplexer redis, Func<List<Alert>, bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        List<Alert> alerts;
        do
        {
            alerts = await ReadAllAsync(redis);
            if (condition(alerts)) return alerts;
            await Task.Delay(100);
        }
        while (DateTime.UtcNow < deadline);
        throw new TimeoutException($"timed out after {timeout.TotalSeconds}s waiting for {what}; have {alerts.Count} alert(s): {string.Join(", ", alerts.Select(a => $"{a.Rule}/{a.ConversationId}/{a.Status}"))}");
    }
}
