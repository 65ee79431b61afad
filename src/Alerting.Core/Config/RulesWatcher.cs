using Microsoft.Extensions.Logging;

namespace Alerting.Core.Config;

/// <summary>
/// The live worker's <see cref="IRulesSource"/>: holds the last good snapshot and swaps in a new one
/// when the config files change and the new set validates. A rejected reload keeps the last good
/// snapshot, is logged with file, field and reason, and is counted.
/// </summary>
/// <remarks>
/// Files are polled (content fingerprint every <c>pollInterval</c>) rather than watched: file-system
/// events miss Kubernetes ConfigMap symlink swaps and editors that replace files.
/// </remarks>
public sealed partial class ReloadingRulesSource : IRulesSource, IDisposable
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Config reloaded: version {Previous} -> {Version}")]
    private static partial void LogReloaded(ILogger logger, string previous, string version);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Error, Message = "Config reload REJECTED ({Count} problem(s)); keeping last good config version {Version}:{Problems}")]
    private static partial void LogRejected(ILogger logger, int count, string version, string problems);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Warning, Message = "Config files could not be read ({Reason}); keeping config version {Version}")]
    private static partial void LogUnreadable(ILogger logger, string reason, string version);

    private readonly string? _path;
    private readonly bool _includeEnvironment;
    private readonly string[]? _commandLine;
    private readonly ILogger _logger;
    private readonly ITimer? _timer;
    private readonly Lock _reloadLock = new();
    private volatile RulesSnapshot _current;
    private string _fingerprint;

    private ReloadingRulesSource(RulesSnapshot initial, string fingerprint, string? path, bool includeEnvironment, string[]? commandLine, ILogger logger, TimeProvider time, TimeSpan pollInterval)
    {
        _current = initial;
        _fingerprint = fingerprint;
        _path = path;
        _includeEnvironment = includeEnvironment;
        _commandLine = commandLine;
        _logger = logger;
        if (path is not null && pollInterval > TimeSpan.Zero)
            _timer = time.CreateTimer(_ => CheckForChanges(), null, pollInterval, pollInterval);
    }

    public RulesSnapshot Current => _current;

    public long ReloadsAccepted { get; private set; }
    public long ReloadsRejected { get; private set; }

    /// <summary>Problems of the last rejected reload, or empty when the files in force are valid.</summary>
    public IReadOnlyList<ConfigProblem> LastRejection { get; private set; } = [];

    /// <summary>Raised after a new snapshot is in force.</summary>
    public event Action<RulesSnapshot>? Reloaded;

    /// <summary>Loads the initial config; refuses to start (returns the problems) when it is invalid.</summary>
    public static (ReloadingRulesSource? Source, IReadOnlyList<ConfigProblem> Problems) Start(
        string? path, bool includeEnvironment, string[]? commandLine, ILogger logger, TimeProvider time, TimeSpan pollInterval)
    {
        var fingerprint = Fingerprint(path);
        var (snapshot, problems, _) = ConfigFiles.LoadRules(path, includeEnvironment, commandLine);
        if (snapshot is null) return (null, problems);
        return (new ReloadingRulesSource(snapshot, fingerprint, path, includeEnvironment, commandLine, logger, time, pollInterval), []);
    }

    /// <summary>Re-reads the files if their content changed; returns true when a new snapshot took effect.</summary>
    public bool CheckForChanges()
    {
        lock (_reloadLock)
        {
            string fingerprint;
            try
            {
                fingerprint = Fingerprint(_path);
            }
            catch (IOException ex)
            {
                LogUnreadable(_logger, ex.Message, _current.Version);
                return false;
            }
            if (fingerprint == _fingerprint) return false;
            _fingerprint = fingerprint;

            var (snapshot, problems, _) = ConfigFiles.LoadRules(_path, _includeEnvironment, _commandLine);
            if (snapshot is null)
            {
                ReloadsRejected++;
                LastRejection = problems;
                LogRejected(_logger, problems.Count, _current.Version, Environment.NewLine + string.Join(Environment.NewLine, problems.Select(p => "  " + p)));
                return false;
            }
            LastRejection = [];
            if (snapshot.Version == _current.Version) return false;
            var previous = _current.Version;
            _current = snapshot;
            ReloadsAccepted++;
            LogReloaded(_logger, previous, snapshot.Version);
            Reloaded?.Invoke(snapshot);
            return true;
        }
    }

    private static string Fingerprint(string? path)
    {
        if (path is null) return "";
        if (!Directory.Exists(path) && !File.Exists(path)) return "missing";
        using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        foreach (var file in ConfigFiles.Enumerate(path))
        {
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes(file));
            hash.AppendData(File.ReadAllBytes(file));
        }
        return Convert.ToHexString(hash.GetHashAndReset());
    }

    public void Dispose() => _timer?.Dispose();
}
