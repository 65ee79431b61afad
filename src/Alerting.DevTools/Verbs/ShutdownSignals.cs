using System.Runtime.InteropServices;

namespace Alerting.DevTools.Verbs;

/// <summary>
/// Turns Ctrl+C, SIGTERM, SIGHUP (terminal closed) and SIGQUIT into one cancellation, so the demo and the
/// rehearsal stop the same orderly way (worker flush, commit, leave the group, then redis-server) whatever
/// ended them. A SIGKILL cannot be caught: then <see cref="Embedded.LocalRedisServer"/>'s watchdog stops Redis.
/// </summary>
internal sealed class ShutdownSignals : IDisposable
{
    private readonly List<PosixSignalRegistration> _registrations = [];
    private readonly ConsoleCancelEventHandler _onCancelKey;

    private ShutdownSignals(CancellationTokenSource stop)
    {
        _onCancelKey = (_, e) => { e.Cancel = true; Cancel(stop); };
        Console.CancelKeyPress += _onCancelKey;
        foreach (var signal in new[] { PosixSignal.SIGTERM, PosixSignal.SIGHUP, PosixSignal.SIGQUIT })
        {
            _registrations.Add(PosixSignalRegistration.Create(signal, context =>
            {
                // Keep the process alive until the orderly stop has run; the verb returns afterwards.
                context.Cancel = true;
                Cancel(stop);
            }));
        }
    }

    /// <summary>Cancels <paramref name="stop"/> on the first of these signals.</summary>
    public static ShutdownSignals CancelOnSignals(CancellationTokenSource stop) => new(stop);

    private static void Cancel(CancellationTokenSource stop)
    {
        try
        {
            stop.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The verb is already past its stop.
        }
    }

    public void Dispose()
    {
        Console.CancelKeyPress -= _onCancelKey;
        foreach (var r in _registrations) r.Dispose();
    }
}
