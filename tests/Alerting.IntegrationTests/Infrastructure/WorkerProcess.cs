using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Alerting.IntegrationTests.Infrastructure;

/// <summary>
/// The worker as its own OS process (<c>dotnet alerting.dll run …</c>, the same build output a
/// container would run), so a test can kill it abruptly (SIGKILL: no flush, no commit, no leave).
/// </summary>
public sealed class WorkerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private WorkerProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.AppendLine(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.AppendLine(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Output { get { lock (_output) return _output.ToString(); } }

    public bool HasExited => _process.HasExited;

    /// <param name="dll">The worker assembly to run; default the build output next to the tests.</param>
    /// <param name="httpUrl">Where its health endpoints listen; default a free port nobody asks for.</param>
    public static WorkerProcess Start(string bootstrap, string topic, string group, string redis, string? configPath, string? dll = null, string? httpUrl = null)
    {
        dll ??= Path.Combine(AppContext.BaseDirectory, "alerting.dll");
        var psi = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(dll);
        psi.ArgumentList.Add("run");
        if (configPath is not null) { psi.ArgumentList.Add("--config"); psi.ArgumentList.Add(configPath); }
        foreach (var setting in new[]
                 {
                     $"Kafka:BootstrapServers={bootstrap}", $"Kafka:Topic={topic}", $"Kafka:DeadLetterTopic={topic}.dlq", $"Kafka:GroupId={group}",
                     "Kafka:IdleTickMs=100", "Kafka:Consumer:session.timeout.ms=6000", "Kafka:Consumer:heartbeat.interval.ms=500",
                     $"Redis:ConnectionString={redis}", "Logging:LogLevel:Default=Warning", $"Worker:HttpUrls={httpUrl ?? "http://127.0.0.1:0"}",
                 })
        {
            psi.ArgumentList.Add(setting);
        }
        psi.Environment["DOTNET_gcServer"] = "0";
        return new WorkerProcess(Process.Start(psi) ?? throw new InvalidOperationException("could not start the worker process"));
    }

    /// <summary>SIGKILL: the process dies mid-batch, leaving uncommitted work and its group membership behind.</summary>
    public void Kill()
    {
        if (!_process.HasExited) _process.Kill();
        _process.WaitForExit();
    }

    /// <summary>SIGTERM: graceful shutdown (flush, checkpoint, commit, leave the group).</summary>
    public async Task StopAsync()
    {
        if (_process.HasExited) return;
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)])) await kill.WaitForExitAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(40));
        await _process.WaitForExitAsync(cts.Token);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
