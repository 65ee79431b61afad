using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace Alerting.IntegrationTests.DevTools;

/// <summary>
/// However the developer tool ends (SIGTERM, SIGHUP when its terminal closes, or SIGKILL, which it cannot
/// catch), the redis-server it started ends too, and so does the watchdog that guards it.
/// </summary>
public sealed partial class DevToolLifetimeTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);

    [GeneratedRegex(@"^redis 127\.0\.0\.1:(\d+) pid (\d+)$")]
    private static partial Regex RedisLine();

    [GeneratedRegex(@"Redis\s+127\.0\.0\.1:(\d+)")]
    private static partial Regex DemoRedisLine();

    [Theory]
    [InlineData("KILL")]
    [InlineData("TERM")]
    [InlineData("HUP")]
    public async Task RedisVerb_KilledBySignal_LeavesNoRedisServerBehind(string signal)
    {
        using var tool = StartTool("redis");
        var line = await ReadLineMatchingAsync(tool, RedisLine());
        var redisPid = int.Parse(line.Groups[2].Value, CultureInfo.InvariantCulture);
        Assert.True(IsAlive(redisPid), "redis-server should run while the tool does");
        var watchdogs = WatchdogsOf(redisPid);
        Assert.Single(watchdogs);

        if (signal == "HUP" && HangUpIgnored())
        {
            // Started under nohup: the tool inherits SIGHUP ignored, and keeping running is what nohup asked for.
            Signal(tool.Id, signal);
            await Task.Delay(TimeSpan.FromSeconds(2));
            Assert.False(tool.HasExited, "under nohup the tool should ignore SIGHUP");
            Assert.True(IsAlive(redisPid), "under nohup redis-server should keep running with the tool");
            Signal(tool.Id, "TERM");
            await WaitUntilAsync(() => tool.HasExited, "the tool should exit on SIGTERM");
            await WaitUntilAsync(() => !IsAlive(redisPid), $"redis-server {redisPid} should end with the tool (TERM after an ignored HUP)");
            return;
        }
        Signal(tool.Id, signal);
        var clock = Stopwatch.StartNew();
        await WaitUntilAsync(() => tool.HasExited, "the tool should exit");
        await WaitUntilAsync(() => !IsAlive(redisPid), $"redis-server {redisPid} should end with the tool ({signal})");
        await WaitUntilAsync(() => watchdogs.All(w => !IsAlive(w)), "the watchdog should end too");
        output.WriteLine($"SIG{signal}: redis-server {redisPid} gone {clock.ElapsedMilliseconds} ms after the signal");
    }

    [Fact]
    public async Task Demo_KilledWithSigkill_LeavesNoRedisServerBehind()
    {
        using var tool = StartTool("demo", "--minutes", "3");
        var line = await ReadLineMatchingAsync(tool, DemoRedisLine(), TimeSpan.FromSeconds(90));
        var port = line.Groups[1].Value;
        var redisPid = RedisPidOnPort(port) ?? throw new InvalidOperationException($"no redis-server on port {port}");
        await ReadLineMatchingAsync(tool, InspectorLine(), TimeSpan.FromSeconds(30));

        tool.Kill(); // SIGKILL: no handler of the tool runs
        var clock = Stopwatch.StartNew();
        await WaitUntilAsync(() => !IsAlive(redisPid), $"the demo's redis-server {redisPid} should die with it");
        output.WriteLine($"demo SIGKILL: redis-server {redisPid} (port {port}) gone {clock.ElapsedMilliseconds} ms later");
    }

    [GeneratedRegex("Inspector console")]
    private static partial Regex InspectorLine();

    private static Process StartTool(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "alerting-dev.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        var p = Process.Start(psi)!;
        p.ErrorDataReceived += (_, _) => { };
        p.BeginErrorReadLine();
        return p;
    }

    private static async Task<Match> ReadLineMatchingAsync(Process p, Regex pattern, TimeSpan? within = null)
    {
        using var cts = new CancellationTokenSource(within ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            var line = await p.StandardOutput.ReadLineAsync(cts.Token) ?? throw new InvalidOperationException($"the tool ended before printing /{pattern}/ (exit {(p.HasExited ? p.ExitCode : -1)})");
            var m = pattern.Match(line);
            if (m.Success) return m;
        }
    }

    private static void Signal(int pid, string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-" + signal, pid.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false })!;
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }

    /// <summary>Running and not a zombie (a reaped-late zombie holds no port and no memory).</summary>
    private static bool IsAlive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var state = stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[0];
            return state != "Z" && state != "X";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static List<int> WatchdogsOf(int redisPid)
    {
        var found = new List<int>();
        foreach (var dir in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            string cmdline;
            try { cmdline = File.ReadAllText(Path.Combine(dir, "cmdline")); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { continue; }
            if (cmdline.EndsWith("\0alerting-redis-watchdog\0" + redisPid.ToString(CultureInfo.InvariantCulture) + "\0", StringComparison.Ordinal)) found.Add(pid);
        }
        return found;
    }

    private static int? RedisPidOnPort(string port)
    {
        foreach (var dir in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            try
            {
                var cmdline = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                if (cmdline.Contains("redis-server", StringComparison.Ordinal) && cmdline.Contains(":" + port, StringComparison.Ordinal)) return pid;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }
        return null;
    }

    /// <summary>Whether this process ignores SIGHUP (run under nohup): a child started from it inherits that.</summary>
    private static bool HangUpIgnored()
    {
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
        return line is not null && (ulong.Parse(line["SigIgn:".Length..].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture) & 1UL) != 0;
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < Bound, $"{what} (waited {Bound.TotalSeconds} s)");
            await Task.Delay(50);
        }
    }
}
