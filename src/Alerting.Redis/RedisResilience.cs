using Microsoft.Extensions.Logging;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;
using StackExchange.Redis;

namespace Alerting.Redis;

/// <summary>
/// The Polly v8 pipeline every Redis call of this adapter runs in: retry (outermost, jittered
/// exponential backoff, unbounded by default) → circuit breaker → timeout per attempt (innermost).
/// While the circuit is open attempts fail fast with <see cref="BrokenCircuitException"/>, which the
/// retry also handles: callers keep waiting (and the worker stops consuming) until Redis is back,
/// nothing is dropped. Only the caller's cancellation token or a non-transient error ends the wait.
/// Thread-safe; one instance per component so each has its own circuit.
/// </summary>
public sealed partial class RedisResilience
{
    private static readonly string[] TransientServerErrors =
        ["LOADING", "BUSY", "TRYAGAIN", "MASTERDOWN", "READONLY", "CLUSTERDOWN", "OOM", "NOREPLICAS"];

    private readonly CircuitBreakerStateProvider _state = new();
    private readonly ILogger _logger;
    private long _failedAttempts;
    private long _outOfMemory;
    private long _lastOutOfMemory;
    private readonly TimeProvider _time;

    public RedisResilience(string component, RedisAlertingOptions options, ILogger logger, TimeProvider? timeProvider = null)
    {
        _logger = logger;
        _time = timeProvider ?? TimeProvider.System;
        Component = component;
        var builder = new ResiliencePipelineBuilder { TimeProvider = timeProvider ?? TimeProvider.System };
        builder.AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is BrokenCircuitException || IsTransient(args.Outcome.Exception)),
            MaxRetryAttempts = options.MaxRetryAttempts,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = options.RetryBaseDelay,
            MaxDelay = options.RetryMaxDelay,
            OnRetry = args =>
            {
                Interlocked.Increment(ref _failedAttempts);
                if (IsOutOfMemory(args.Outcome.Exception))
                {
                    // Not a hiccup: Redis is at maxmemory (noeviction) and refuses writes until memory is freed.
                    Interlocked.Increment(ref _outOfMemory);
                    Interlocked.Exchange(ref _lastOutOfMemory, (timeProvider ?? TimeProvider.System).GetTimestamp());
                    LogOutOfMemory(_logger, Component, args.Outcome.Exception!.Message);
                }
                LogRetry(_logger, Component, args.AttemptNumber + 1, args.RetryDelay, args.Outcome.Exception?.GetType().Name, args.Outcome.Exception?.Message);
                return default;
            },
        });
        builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions
        {
            // A slot in migration (TRYAGAIN) is a healthy cluster moving keys: retried, but it must not open the circuit
            // (that would pause every store's writes and turn readiness red for a planned reshard of one slot).
            ShouldHandle = args => ValueTask.FromResult(IsTransient(args.Outcome.Exception) && !IsSlotMigrating(args.Outcome.Exception)),
            FailureRatio = options.BreakerFailureRatio,
            MinimumThroughput = options.BreakerMinimumThroughput,
            SamplingDuration = options.BreakerSamplingDuration,
            BreakDuration = options.BreakerBreakDuration,
            StateProvider = _state,
            OnOpened = args =>
            {
                LogCircuitOpened(_logger, Component, args.BreakDuration, args.Outcome.Exception?.Message);
                return default;
            },
            OnClosed = _ =>
            {
                LogCircuitClosed(_logger, Component);
                return default;
            },
        });
        builder.AddTimeout(options.AttemptTimeout);
        Pipeline = builder.Build();
    }

    /// <summary>Name used in logs (e.g. <c>alert-sink</c>).</summary>
    public string Component { get; }

    /// <summary>The composed pipeline.</summary>
    public ResiliencePipeline Pipeline { get; }

    /// <summary>State of the circuit breaker (Closed, Open, HalfOpen, Isolated).</summary>
    public CircuitState CircuitState => _state.CircuitState;

    /// <summary>False while the circuit is open or isolated: for readiness probes.</summary>
    public bool IsHealthy => _state.CircuitState is CircuitState.Closed or CircuitState.HalfOpen;

    /// <summary>Write attempts Redis refused with an <c>OOM</c> reply (at maxmemory), since start.</summary>
    public long OutOfMemoryReplies => Interlocked.Read(ref _outOfMemory);

    /// <summary>True when Redis answered OOM within the last 30 seconds (a readiness reason).</summary>
    public bool OutOfMemory => Interlocked.Read(ref _lastOutOfMemory) is var at && at != 0 && _time.GetElapsedTime(at) < TimeSpan.FromSeconds(30);

    /// <summary>An <c>OOM command not allowed when used memory &gt; 'maxmemory'</c> reply.</summary>
    public static bool IsOutOfMemory(Exception? e) => e is RedisServerException s && s.Message.StartsWith("OOM", StringComparison.Ordinal);

    /// <summary>A <c>TRYAGAIN</c> reply: the keys of a multi-key command or script are split by a slot migration in progress.</summary>
    public static bool IsSlotMigrating(Exception? e) => e is RedisServerException s && s.Message.StartsWith("TRYAGAIN", StringComparison.Ordinal);

    /// <summary>Attempts that failed transiently and were retried, since start.</summary>
    public long FailedAttempts => Interlocked.Read(ref _failedAttempts);

    /// <summary>
    /// True for failures that go away on their own: lost or slow connections, per-attempt timeouts
    /// and server replies such as LOADING (restart), BUSY (long script), READONLY/MASTERDOWN
    /// (failover), OOM (memory freed by expiry or retention). Anything else (a script bug, WRONGTYPE)
    /// is not retried and surfaces to the caller.
    /// </summary>
    public static bool IsTransient(Exception? e) => e switch
    {
        null => false,
        RedisConnectionException or RedisTimeoutException or TimeoutRejectedException or TimeoutException => true,
        RedisServerException s => TransientServerErrors.Any(p => s.Message.StartsWith(p, StringComparison.Ordinal)),
        _ => false,
    };

    [LoggerMessage(EventId = 4101, Level = LogLevel.Warning, Message = "Redis {Component}: attempt failed, retry {Attempt} in {Delay}: {ErrorType}: {Error}")]
    private static partial void LogRetry(ILogger logger, string component, int attempt, TimeSpan delay, string? errorType, string? error);

    [LoggerMessage(EventId = 4104, Level = LogLevel.Error, Message = "Redis {Component}: out of memory ({Error}). Alert writes wait and consumption stays paused until memory is freed: raise maxmemory, or shorten retention")]
    private static partial void LogOutOfMemory(ILogger logger, string component, string error);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Error, Message = "Redis {Component}: circuit opened for {BreakDuration}: {Error}")]
    private static partial void LogCircuitOpened(ILogger logger, string component, TimeSpan breakDuration, string? error);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Information, Message = "Redis {Component}: circuit closed, Redis answers again")]
    private static partial void LogCircuitClosed(ILogger logger, string component);
}
