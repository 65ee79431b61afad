using Alerting.Core.Alerts;
using Alerting.Core.Config;

namespace Alerting.Core.Pipeline;

/// <summary>
/// The pipeline's time: the event-time admission check, moving a store's clock (and the shared clock it may move)
/// with the timers that fire on it, and the idle-eviction pass those moves make due.
/// </summary>
public sealed partial class PartitionPipeline
{
    private const int EvictionSpacing = 1000;
    private const int JumpCheckAfter = 10;

    private bool _evictionDue;
    private long _lastEvictionAt;

    /// <summary>
    /// The event-time sanity check: null when <paramref name="sentAt"/> may move clocks, else the reason.
    /// The parser already keeps sentAt in [2000, 2100); here it is held against the partition's clock
    /// (replay and live alike) and, live, against the wall clock.
    /// </summary>
    private string? Admit(DateTimeOffset sentAt, EventTimeOptions options)
    {
        // The jump check is replay's only guard (no wall clock there); live, the wall clock bounds the future more
        // tightly, and a partition quiet for a month must not refuse its next record. It starts once the partition
        // has admitted a few records, so one odd first record cannot anchor it and refuse everything after.
        if (!_checkWallClock && options.MaxAheadOfClockHours > 0 && Applied >= JumpCheckAfter
            && sentAt - MaxSentAt > TimeSpan.FromHours(options.MaxAheadOfClockHours))
            return $"sentAt out of range: {(sentAt - MaxSentAt).TotalHours:0} h ahead of the partition's clock (limit Rules:EventTime:MaxAheadOfClockHours = {options.MaxAheadOfClockHours})";
        if (!_checkWallClock) return null;
        var now = _wallClock.GetUtcNow();
        if (options.MaxFutureSkewSeconds > 0 && sentAt - now > TimeSpan.FromSeconds(options.MaxFutureSkewSeconds))
            return $"sentAt out of range: {(sentAt - now).TotalSeconds:0} s ahead of the wall clock (limit Rules:EventTime:MaxFutureSkewSeconds = {options.MaxFutureSkewSeconds})";
        if (options.MaxAgeDays > 0 && now - sentAt > TimeSpan.FromDays(options.MaxAgeDays))
            return $"sentAt out of range: {(now - sentAt).TotalDays:0} days old (limit Rules:EventTime:MaxAgeDays = {options.MaxAgeDays})";
        return null;
    }

    /// <summary>Moves a store's own clock to <paramref name="to"/> (never back) and fires what it, and the shared clock it may move, made due.</summary>
    private void AdvanceStore(StoreClock clock, DateTimeOffset to, RulesSnapshot snapshot, List<Alert> alerts)
    {
        if (to <= clock.Watermark) return;
        clock.Watermark = to;
        if (clock.NextEviction == DateTimeOffset.MinValue) clock.NextEviction = to + TimeSpan.FromMinutes(1);
        else if (to >= clock.NextEviction) _evictionDue = true;
        _timers.FireStore(clock, to, snapshot, alerts);
        var shared = _clocks.Shared;
        _clocks.Track(clock);
        if (_clocks.Shared > shared) _timers.FireShared(_clocks.Shared, snapshot, alerts);
    }

    /// <summary>
    /// Runs an eviction pass when a store's clock has moved a minute since the last one, at most once per
    /// <see cref="EvictionSpacing"/> records (so a store walking its own clock forward cannot make every
    /// record scan the partition) unless <paramref name="now"/> (idle tick, end of replay).
    /// </summary>
    private void EvictIfDue(RulesSnapshot snapshot, bool now)
    {
        if (!_evictionDue || (!now && Applied - _lastEvictionAt < EvictionSpacing)) return;
        _evictionDue = false;
        _lastEvictionAt = Applied;
        if (_store.FindIdle(_clocks, snapshot.EvictIdleAfter) is { } idle)
            foreach (var state in idle) Remove(state);
        _timers.DropStaleSharedEntries();
        _clocks.ForgetIdleStores(snapshot.EvictIdleAfter);
    }
}
