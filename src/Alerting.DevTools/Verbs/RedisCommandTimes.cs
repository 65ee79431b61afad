using System.Globalization;
using StackExchange.Redis;

namespace Alerting.DevTools.Verbs;

/// <summary>
/// Where redis-server spent its time, from <c>INFO commandstats</c>: the commands with the most microseconds, with
/// their calls and time per call (a script's commands are counted inside its EVALSHA too).
/// </summary>
internal static class RedisCommandTimes
{
    public static async Task<string> ReadAsync(IConnectionMultiplexer redis, int top = 6)
    {
        var server = redis.GetServer(redis.GetEndPoints()[0]);
        var stats = new List<(string Command, long Calls, long Usec)>();
        foreach (var group in await server.InfoAsync("commandstats"))
            foreach (var (key, value) in group)
            {
                // cmdstat_evalsha: calls=123,usec=4567,usec_per_call=37.13,...
                var fields = value.Split(',').Select(f => f.Split('=')).Where(f => f.Length == 2).ToDictionary(f => f[0], f => f[1], StringComparer.Ordinal);
                if (fields.TryGetValue("calls", out var calls) && fields.TryGetValue("usec", out var usec))
                    stats.Add((key.Replace("cmdstat_", "", StringComparison.Ordinal), long.Parse(calls, CultureInfo.InvariantCulture), long.Parse(usec, CultureInfo.InvariantCulture)));
            }
        return string.Join(", ", stats.OrderByDescending(s => s.Usec).Take(top).Select(s => string.Create(CultureInfo.InvariantCulture,
            $"{s.Command} {s.Usec / 1e6:0.00}s ({s.Calls} calls, {(double)s.Usec / Math.Max(1, s.Calls):0.0} µs each)")));
    }
}
