using System.Globalization;
using Alerting.DevTools.Embedded;

namespace Alerting.DevTools.Verbs;

/// <summary>
/// <c>redis</c>: a throwaway redis-server on a free loopback port (the one the demo uses), until Ctrl+C,
/// SIGTERM or SIGHUP; also when this process is killed, the server goes with it. Prints one line,
/// <c>redis 127.0.0.1:PORT pid PID</c>, for scripts and the tests of that promise.
/// </summary>
internal static class RedisVerb
{
    public static async Task<int> RunAsync(string[] args)
    {
        var a = new Alerting.Worker.Verbs.VerbArguments(args, "appendonly");
        if (!await DemoVerb.EnsureRedisInstalledAsync()) return 1;
        using var stop = new CancellationTokenSource();
        using var signals = ShutdownSignals.CancelOnSignals(stop);
        await using var server = await LocalRedisServer.StartNewAsync(appendOnly: a.Get("appendonly") is "true");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"redis 127.0.0.1:{server.Port} pid {server.ProcessId}"));
        try
        {
            await Task.Delay(Timeout.Infinite, stop.Token);
        }
        catch (OperationCanceledException)
        {
        }
        await server.StopAsync();
        return 0;
    }
}
