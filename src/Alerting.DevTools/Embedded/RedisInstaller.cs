using System.Diagnostics;
using System.Text;

namespace Alerting.DevTools.Embedded;

/// <summary>
/// Makes sure <c>redis-server</c> is installed before the demo or a rehearsal starts one. As root on a
/// Debian-like machine it installs the package, saying each command it runs; when apt-get does not know
/// the package (a fresh machine has no package lists yet) it runs <c>apt-get update</c> and installs again.
/// Anyone else is told the two commands to run.
/// </summary>
internal sealed class RedisInstaller
{
    /// <summary>What a user without root runs (printed as is).</summary>
    public const string ManualCommands = "sudo apt-get update\n  sudo apt-get install -y redis-server";

    private const string AptGet = "/usr/bin/apt-get";

    private readonly Func<bool> _isInstalled;
    private readonly bool _isRoot;
    private readonly bool _hasAptGet;
    private readonly Func<string[], Task<(int ExitCode, string Output)>> _aptGet;
    private readonly TextWriter _out;
    private readonly TextWriter _error;

    /// <param name="isInstalled">Whether redis-server is on PATH (asked again after an install).</param>
    /// <param name="isRoot">Whether this process may install packages.</param>
    /// <param name="hasAptGet">Whether apt-get exists here.</param>
    /// <param name="aptGet">Runs apt-get with the arguments; returns its exit code and everything it printed.</param>
    /// <param name="output">Where progress goes.</param>
    /// <param name="error">Where the final error goes.</param>
    public RedisInstaller(Func<bool> isInstalled, bool isRoot, bool hasAptGet, Func<string[], Task<(int ExitCode, string Output)>> aptGet, TextWriter output, TextWriter error)
    {
        _isInstalled = isInstalled;
        _isRoot = isRoot;
        _hasAptGet = hasAptGet;
        _aptGet = aptGet;
        _out = output;
        _error = error;
    }

    /// <summary>The installer for this machine: real apt-get, its output shown as it runs.</summary>
    public static RedisInstaller ForThisMachine() => new(() => LocalRedisServer.IsInstalled, Environment.IsPrivilegedProcess, File.Exists(AptGet), RunAptGetAsync, Console.Out, Console.Error);

    /// <summary>True when redis-server is (now) installed; false after printing what the user must do.</summary>
    public async Task<bool> EnsureInstalledAsync()
    {
        if (_isInstalled()) return true;
        if (!_isRoot || !_hasAptGet)
        {
            var why = _hasAptGet ? "" : " (and this machine has no apt-get: install the redis-server package your way)";
            await _error.WriteLineAsync($"error: redis-server is not installed{why}. Install it (Debian/Ubuntu) with:{Environment.NewLine}  {ManualCommands}{Environment.NewLine}then run this again.");
            return false;
        }

        await _out.WriteLineAsync("redis-server is not installed; installing it: apt-get install -y redis-server");
        var (code, output) = await _aptGet(["install", "-y", "redis-server"]);
        if (code != 0 && IsUnknownPackage(output))
        {
            await _out.WriteLineAsync("apt-get does not know redis-server yet (no package lists on a fresh machine); updating them: apt-get update");
            var (updateCode, _) = await _aptGet(["update"]);
            if (updateCode != 0) return await FailAsync($"apt-get update failed with exit code {updateCode}");
            await _out.WriteLineAsync("installing again: apt-get install -y redis-server");
            (code, _) = await _aptGet(["install", "-y", "redis-server"]);
        }
        if (code != 0) return await FailAsync($"apt-get install -y redis-server failed with exit code {code}");
        if (!_isInstalled()) return await FailAsync("apt-get reported success but redis-server is still not on PATH");
        await _out.WriteLineAsync("redis-server installed.");
        return true;
    }

    /// <summary>apt-get's words for a package it has no candidate for (English and when the lists are empty).</summary>
    internal static bool IsUnknownPackage(string aptOutput)
        => aptOutput.Contains("Unable to locate package", StringComparison.OrdinalIgnoreCase)
           || aptOutput.Contains("has no installation candidate", StringComparison.OrdinalIgnoreCase)
           || aptOutput.Contains("is not available, but is referred to", StringComparison.OrdinalIgnoreCase);

    private async Task<bool> FailAsync(string reason)
    {
        await _error.WriteLineAsync($"error: {reason}. Install redis-server yourself with:{Environment.NewLine}  {ManualCommands}{Environment.NewLine}then run this again.");
        return false;
    }

    /// <summary>Runs apt-get non-interactively, echoing its output line by line and returning it.</summary>
    private static async Task<(int, string)> RunAptGetAsync(string[] args)
    {
        var psi = new ProcessStartInfo(AptGet) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["DEBIAN_FRONTEND"] = "noninteractive";
        var captured = new StringBuilder();
        var gate = new Lock();
        using var p = new Process { StartInfo = psi };
        void Echo(string? line)
        {
            if (line is null) return;
            lock (gate)
            {
                captured.AppendLine(line);
                Console.WriteLine("  " + line);
            }
        }
        p.OutputDataReceived += (_, e) => Echo(e.Data);
        p.ErrorDataReceived += (_, e) => Echo(e.Data);
        p.Start();
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        await p.WaitForExitAsync();
        lock (gate) return (p.ExitCode, captured.ToString());
    }
}
