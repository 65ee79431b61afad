using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Alerting.DevTools.Embedded;

/// <summary>
/// A real <c>redis-server</c> on a free loopback port, owned by this process (the demo and the tests). Starts with
/// <c>--save "" --appendonly no</c> (or <c>--appendonly yes</c> in its own temp dir), waits until it
/// answers PING, can be stopped and started again on the same port and dir, paused (SIGSTOP) to
/// simulate a hung server, and is killed on dispose.
/// </summary>
/// <remarks>
/// Never outlives this process, however it ends: on a normal exit the ProcessExit handler kills it, and
/// a watchdog (<c>sh</c>, blocked reading a pipe from this process) terminates it when the pipe closes,
/// which the kernel does when this process dies, also by SIGKILL or with its terminal.
/// </remarks>
public sealed class LocalRedisServer : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(15);

    // Safety net: a test that never disposes its server must not leave redis-server running.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<int, Process> Running = new();

    static LocalRedisServer()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            foreach (var p in Running.Values)
            {
                try
                {
                    if (!p.HasExited) p.Kill();
                }
                catch (InvalidOperationException)
                {
                    // Already gone.
                }
            }
        };
    }
    private readonly string _executable;
    private readonly bool _appendOnly;
    private Process? _process;
    private Process? _watchdog;
    private bool _paused;

    private readonly IReadOnlyList<string> _extraArgs;

    private LocalRedisServer(string executable, int port, string directory, bool appendOnly, IReadOnlyList<string> extraArgs)
    {
        _executable = executable;
        Port = port;
        Directory = directory;
        _appendOnly = appendOnly;
        _extraArgs = extraArgs;
    }

    private const string Setsid = "/usr/bin/setsid";
    private const string Shell = "/bin/sh";

    /// <summary>
    /// The watchdog's script: wait for EOF on stdin (this process gone), then stop redis-server ($1), only if
    /// that pid still is a redis-server (a pid can be reused): SIGCONT (it may be paused), SIGTERM, and
    /// SIGKILL after 5 s.
    /// </summary>
    private const string WatchdogScript = """
        while read -r _; do :; done
        is_redis() { [ "$(cat /proc/$1/comm 2>/dev/null)" = redis-server ]; }
        is_redis "$1" || exit 0
        kill -CONT "$1" 2>/dev/null; kill -TERM "$1" 2>/dev/null
        i=0
        while [ $i -lt 50 ] && is_redis "$1"; do sleep 0.1; i=$((i + 1)); done
        is_redis "$1" && kill -KILL "$1" 2>/dev/null
        exit 0
        """;

    /// <summary>The TCP port (stays the same across <see cref="StopAsync"/>/<see cref="StartAsync"/>).</summary>
    public int Port { get; }

    /// <summary>The server's working dir (AOF and log file), deleted on dispose.</summary>
    public string Directory { get; }

    /// <summary>StackExchange.Redis connection string for this server.</summary>
    public string ConnectionString => string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{Port},abortConnect=false");

    /// <summary>Process id of the running server, or null while stopped.</summary>
    public int? ProcessId => _process is { HasExited: false } p ? p.Id : null;

    /// <summary>True when a <c>redis-server</c> executable is on PATH.</summary>
    public static bool IsInstalled => FindExecutable() is not null;

    /// <summary>
    /// Starts a new server on a free port; fails clearly when redis-server is not installed.
    /// <paramref name="extraArgs"/> go to redis-server after the defaults (e.g. <c>--aclfile PATH</c>).
    /// </summary>
    public static async Task<LocalRedisServer> StartNewAsync(bool appendOnly = false, IReadOnlyList<string>? extraArgs = null)
    {
        var executable = FindExecutable()
            ?? throw new InvalidOperationException("redis-server is not installed or not on PATH; install it with: apt-get install -y redis-server");
        Exception? last = null;
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var dir = Path.Combine(Path.GetTempPath(), "alerting-redis-" + Guid.NewGuid().ToString("N"));
            System.IO.Directory.CreateDirectory(dir);
            var server = new LocalRedisServer(executable, FreePort(), dir, appendOnly, extraArgs ?? []);
            try
            {
                await server.StartAsync();
                return server;
            }
            catch (InvalidOperationException e)
            {
                // Most likely another process grabbed the port between probing and binding.
                last = e;
                await server.DisposeAsync();
            }
        }
        throw new InvalidOperationException("could not start redis-server after 3 attempts", last);
    }

    /// <summary>(Re)starts the server on the same port and dir and waits until it answers PING.</summary>
    public async Task StartAsync()
    {
        if (_process is { HasExited: false }) throw new InvalidOperationException("redis-server is already running");
        await StopWatchdogAsync(); // the previous run's, if that server died on its own
        // In its own session (setsid execs in place: same pid), so a Ctrl+C in the terminal — sent to the whole
        // foreground process group — does not kill Redis before the worker's final flush; we stop it ourselves.
        var psi = new ProcessStartInfo(File.Exists(Setsid) ? Setsid : _executable)
        {
            UseShellExecute = false,
            RedirectStandardOutput = false,
            RedirectStandardError = false,
            WorkingDirectory = Directory,
        };
        if (File.Exists(Setsid)) psi.ArgumentList.Add(_executable);
        foreach (var arg in new[]
                 {
                     "--port", Port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--daemonize", "no",
                     "--dir", Directory, "--logfile", Path.Combine(Directory, "redis.log"),
                     "--save", "", "--appendonly", _appendOnly ? "yes" : "no", "--appendfsync", "everysec",
                 }.Concat(_extraArgs))
        {
            psi.ArgumentList.Add(arg);
        }
        _process?.Dispose();
        _process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {_executable}");
        Running[_process.Id] = _process;
        _paused = false;
        StartWatchdog(_process.Id);

        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < StartTimeout)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"redis-server exited with code {_process.ExitCode} on port {Port}: {LogTail()}");
            if (await PingAsync()) return;
            await Task.Delay(20);
        }
        throw new InvalidOperationException($"redis-server on port {Port} did not answer PING within {StartTimeout}: {LogTail()}");
    }

    /// <summary>Stops the server gracefully (SIGTERM: with AOF on, it fsyncs first) and waits for it to exit.</summary>
    public async Task StopAsync()
    {
        if (_process is null || _process.HasExited) return;
        await StopWatchdogAsync();
        if (_paused) Resume();
        Signal("TERM");
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
        Running.TryRemove(_process.Id, out _);
    }

    /// <summary>Freezes the server (SIGSTOP): connections stay open, nothing is answered.</summary>
    public void Pause()
    {
        Signal("STOP");
        _paused = true;
    }

    /// <summary>Lets a paused server run again (SIGCONT).</summary>
    public void Resume()
    {
        Signal("CONT");
        _paused = false;
    }

    public async ValueTask DisposeAsync()
    {
        await StopWatchdogAsync();
        if (_process is { HasExited: false })
        {
            if (_paused) Resume();
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        if (_process is not null) Running.TryRemove(_process.Id, out _);
        _process?.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // Temp dir cleanup is best effort.
        }
    }

    /// <summary>Starts the watchdog of <paramref name="pid"/>, in its own session so that a Ctrl+C does not end it.</summary>
    private void StartWatchdog(int pid)
    {
        if (!File.Exists(Shell)) return; // not a POSIX system: the ProcessExit handler is all there is
        var psi = new ProcessStartInfo(File.Exists(Setsid) ? Setsid : Shell) { UseShellExecute = false, RedirectStandardInput = true };
        if (File.Exists(Setsid)) psi.ArgumentList.Add(Shell);
        foreach (var arg in new[] { "-c", WatchdogScript, "alerting-redis-watchdog", pid.ToString(CultureInfo.InvariantCulture) })
            psi.ArgumentList.Add(arg);
        _watchdog = Process.Start(psi);
    }

    /// <summary>
    /// Ends the watchdog without it touching redis-server (SIGKILL: it never reads EOF), before a stop we do
    /// ourselves, so that it can never signal the pid once it is free for reuse.
    /// </summary>
    private async Task StopWatchdogAsync()
    {
        if (_watchdog is null) return;
        try
        {
            if (!_watchdog.HasExited)
            {
                _watchdog.Kill();
                await _watchdog.WaitForExitAsync();
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        _watchdog.Dispose();
        _watchdog = null;
    }

    /// <summary>Process id of the watchdog that stops the server if this process dies, or null.</summary>
    public int? WatchdogProcessId => _watchdog is { HasExited: false } w ? w.Id : null;

    private void Signal(string signal)
    {
        if (_process is null || _process.HasExited) throw new InvalidOperationException("redis-server is not running");
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-" + signal, _process.Id.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false })
            ?? throw new InvalidOperationException("could not run kill");
        kill.WaitForExit();
        if (kill.ExitCode != 0) throw new InvalidOperationException($"kill -{signal} {_process.Id} failed with {kill.ExitCode}");
    }

    private async Task<bool> PingAsync()
    {
        try
        {
            using var client = new TcpClient();
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            await client.ConnectAsync(IPAddress.Loopback, Port, cts.Token);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray(), cts.Token);
            var buffer = new byte[64];
            var n = await stream.ReadAsync(buffer, cts.Token);
            // NOAUTH: up, but the default user is off (ACL users only): alive all the same.
            var answer = Encoding.ASCII.GetString(buffer, 0, n);
            return answer.StartsWith("+PONG", StringComparison.Ordinal) || answer.StartsWith("-NOAUTH", StringComparison.Ordinal);
        }
        catch (Exception e) when (e is SocketException or IOException or OperationCanceledException)
        {
            return false;
        }
    }

    private string LogTail()
    {
        var log = Path.Combine(Directory, "redis.log");
        if (!File.Exists(log)) return "(no log)";
        var lines = File.ReadAllLines(log);
        return string.Join(Environment.NewLine, lines.Skip(Math.Max(0, lines.Length - 10)));
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static string? FindExecutable()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, "redis-server");
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }
}
