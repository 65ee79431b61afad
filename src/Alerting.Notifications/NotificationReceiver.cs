using System.Net;
using System.Net.Http.Headers;
using System.Reactive.Concurrency;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using System.Text.Json;
using Alerting.Core.Alerts;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Alerting.Notifications;

/// <summary>Counters of one receiver since start.</summary>
public sealed record ReceiverStats(
    string Name, string Kind, long MessagesSent, long MessagesFailed, long AlertsSent, long AlertsFailed,
    long AlertsDeduplicated, long AlertsDroppedBacklog, long RateLimitedTicks, int PendingAlerts);

/// <summary>
/// One receiver: its route (rules, stores, severity), its <see cref="NotificationPipeline"/> (groups, rate
/// cap) and its HTTP sender. Messages are sent one at a time in the order the pipeline releases them; a
/// slow or failing receiver delays only its own messages.
/// </summary>
public sealed partial class NotificationReceiver : IDisposable
{
    private readonly Subject<Alert> _routed = new();
    private readonly IScheduler _scheduler;
    private readonly EventLoopScheduler? _ownedScheduler;
    private readonly HttpClient _http;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ResiliencePipeline _pipeline;
    private readonly HashSet<string> _rules;
    private readonly HashSet<string> _stores;
    private readonly Severity _minSeverity;
    private long _messagesSent;
    private long _messagesFailed;
    private long _alertsSent;
    private long _alertsFailed;

    /// <summary>
    /// A receiver whose grouping timers run on <paramref name="scheduler"/> (tests: a virtual-time scheduler);
    /// without one, on a single thread of its own (<see cref="EventLoopScheduler"/>). HTTP timeouts and retry
    /// backoff run on <paramref name="time"/>.
    /// </summary>
    public NotificationReceiver(ReceiverOptions options, HttpClient http, TimeProvider time, ILogger logger, IScheduler? scheduler = null)
    {
        Options = options;
        _http = http;
        _time = time;
        _logger = logger;
        _rules = new HashSet<string>(options.Rules, StringComparer.Ordinal);
        _stores = new HashSet<string>(options.Stores, StringComparer.Ordinal);
        _minSeverity = options.MinimumSeverity;
        if (scheduler is null)
        {
            var loop = new EventLoopScheduler(start => new Thread(start) { IsBackground = true, Name = $"notify-{options.Name}" });
            _ownedScheduler = loop;
            scheduler = loop;
        }
        _scheduler = scheduler;
        Pipeline = new NotificationPipeline(options, scheduler);

        var builder = new ResiliencePipelineBuilder { TimeProvider = time };
        if (options.MaxRetryAttempts > 0)
            builder.AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is HttpRequestException or TimeoutRejectedException
                    || args.Outcome.Exception is ReceiverRejectedException { Transient: true }),
                MaxRetryAttempts = options.MaxRetryAttempts,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromSeconds(1),
                MaxDelay = TimeSpan.FromSeconds(30),
                OnRetry = args =>
                {
                    LogRetry(_logger, Options.Name, args.AttemptNumber + 1, args.RetryDelay, args.Outcome.Exception?.Message);
                    return default;
                },
            });
        builder.AddTimeout(TimeSpan.FromSeconds(options.TimeoutSeconds));
        _pipeline = builder.Build();
    }

    public ReceiverOptions Options { get; }

    /// <summary>Grouping and rate cap of this receiver.</summary>
    public NotificationPipeline Pipeline { get; }

    public ReceiverStats Stats => new(Options.Name, Options.Kind, Interlocked.Read(ref _messagesSent), Interlocked.Read(ref _messagesFailed),
        Interlocked.Read(ref _alertsSent), Interlocked.Read(ref _alertsFailed), Pipeline.Duplicates, Pipeline.Overflow,
        Pipeline.RateLimitedTicks, Pipeline.PendingAlerts);

    /// <summary>The route: rule and store lists (empty = all), minimum severity, resolutions only if asked for.</summary>
    public bool Matches(Alert alert)
        => alert.Severity >= _minSeverity
           && (_rules.Count == 0 || _rules.Contains(alert.Rule))
           && (_stores.Count == 0 || _stores.Contains(alert.ShopId))
           && (alert.Status == AlertStatus.Firing || Options.SendResolved);

    /// <summary>Hands a routed alert to the pipeline (on its scheduler). Call from one thread at a time.</summary>
    public void Route(Alert alert) => _routed.OnNext(alert);

    /// <summary>
    /// Starts the pipeline and the sender: each released message is sent after the previous one finished
    /// (<c>Concat</c>). Disposing stops both; alerts still waiting are not sent (notifications are
    /// best-effort; the store stream is the record). Call before the first <see cref="Route"/>.
    /// </summary>
    public IDisposable Start()
        => Pipeline.Messages(_routed.ObserveOn(_scheduler))
            .Select(message => Observable.FromAsync(async ct =>
            {
                Pipeline.Taken(message);
                await SendAsync(message, ct);
            }))
            .Concat()
            .Subscribe(_ => { }, ex => LogPipelineFailed(_logger, Options.Name, ex));

    private async Task SendAsync(Notification message, CancellationToken ct)
    {
        var alerts = message.AlertCount;
        try
        {
            var body = Options.Kind switch
            {
                ReceiverKinds.DingTalk => MessageFormats.DingTalkBody(message, Options.MaxListedAlerts),
                ReceiverKinds.WeCom => MessageFormats.WeComBody(message, Options.MaxListedAlerts),
                _ => MessageFormats.WebhookBody(message),
            };
            await _pipeline.ExecuteAsync(async token => await PostAsync(body, token), ct);
            Interlocked.Increment(ref _messagesSent);
            Interlocked.Add(ref _alertsSent, alerts);
            LogSent(_logger, Options.Name, message.Groups.Count, alerts);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            Interlocked.Increment(ref _messagesFailed);
            Interlocked.Add(ref _alertsFailed, alerts);
            LogGaveUp(_logger, Options.Name, alerts, ex.GetType().Name, ex.Message);
        }
    }

    private async Task PostAsync(byte[] body, CancellationToken ct)
    {
        var url = Options.Kind == ReceiverKinds.DingTalk && !string.IsNullOrEmpty(Options.Secret)
            ? MessageFormats.DingTalkSignedUrl(Options.Url, Options.Secret, _time.GetUtcNow())
            : Options.Url;
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        using var response = await _http.PostAsync(url, content, ct);
        if (!response.IsSuccessStatusCode)
        {
            var code = (int)response.StatusCode;
            var transient = code >= 500 || response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout;
            throw new ReceiverRejectedException($"HTTP {code} {response.ReasonPhrase}", transient);
        }
        if (Options.Kind is ReceiverKinds.DingTalk or ReceiverKinds.WeCom)
        {
            // Both robots answer 200 with {"errcode":…,"errmsg":…}; errcode 0 is success.
            var text = await response.Content.ReadAsStringAsync(ct);
            var (errcode, errmsg) = ParseRobotReply(text);
            if (errcode != 0)
                throw new ReceiverRejectedException($"robot errcode {errcode}: {errmsg}", IsTransientRobotError(errcode));
        }
    }

    private static (long Code, string Message) ParseRobotReply(string text)
    {
        try
        {
            using var doc = JsonDocument.Parse(text);
            var code = doc.RootElement.TryGetProperty("errcode", out var c) && c.TryGetInt64(out var v) ? v : 0;
            var msg = doc.RootElement.TryGetProperty("errmsg", out var m) ? m.ToString() : "";
            return (code, msg);
        }
        catch (JsonException)
        {
            return (-1, "reply is not JSON: " + (text.Length > 200 ? text[..200] : text));
        }
    }

    /// <summary>
    /// Busy / rate-limited answers are worth retrying (-1 system busy; DingTalk 130101 sent too fast;
    /// WeCom 45009 API frequency limit). Anything else (bad token, bad signature, bad body) is not.
    /// </summary>
    private static bool IsTransientRobotError(long errcode) => errcode is -1 or 130101 or 45009 or 45033;

    [LoggerMessage(EventId = 7001, Level = LogLevel.Debug, Message = "Notification receiver {Receiver}: sent {Groups} group(s), {Alerts} alert(s)")]
    private static partial void LogSent(ILogger logger, string receiver, int groups, int alerts);

    [LoggerMessage(EventId = 7002, Level = LogLevel.Warning, Message = "Notification receiver {Receiver}: attempt failed, retry {Attempt} in {Delay}: {Error}")]
    private static partial void LogRetry(ILogger logger, string receiver, int attempt, TimeSpan delay, string? error);

    [LoggerMessage(EventId = 7004, Level = LogLevel.Error, Message = "Notification receiver {Receiver}: pipeline stopped; no further notifications from it")]
    private static partial void LogPipelineFailed(ILogger logger, string receiver, Exception ex);

    /// <summary>Stops the receiver's own scheduler thread, if it has one.</summary>
    public void Dispose()
    {
        _routed.Dispose();
        _ownedScheduler?.Dispose();
    }

    [LoggerMessage(EventId = 7003, Level = LogLevel.Error, Message = "Notification receiver {Receiver}: gave up on a message of {Alerts} alert(s) ({ErrorType}: {Error}); the alerts remain in the store streams")]
    private static partial void LogGaveUp(ILogger logger, string receiver, int alerts, string errorType, string error);
}

/// <summary>The receiver answered, but not with success.</summary>
public sealed class ReceiverRejectedException(string message, bool transient) : Exception(message)
{
    /// <summary>Worth retrying (5xx, 429, 408, robot busy / rate-limited).</summary>
    public bool Transient { get; } = transient;
}
