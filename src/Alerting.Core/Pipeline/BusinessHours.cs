using System.Globalization;
using Alerting.Core.Config;

namespace Alerting.Core.Pipeline;

/// <summary>
/// A store's daily opening hours (config <c>Conversation:BusinessHours</c>). Both times empty means
/// always open (the default). <c>Closes</c> may be <c>24:00</c>, or earlier than <c>Opens</c> for hours
/// that run past midnight (e.g. 20:00–02:00).
/// </summary>
public sealed class BusinessHoursOptions
{
    /// <summary>IANA time zone the hours are in. Default <c>Asia/Shanghai</c> (chat logs are Beijing time).</summary>
    public string TimeZone { get; set; } = "Asia/Shanghai";

    /// <summary>Opening time of day, <c>HH:mm</c>; empty for always open.</summary>
    public string? Opens { get; set; }

    /// <summary>Closing time of day, <c>HH:mm</c> or <c>24:00</c>; empty for always open.</summary>
    public string? Closes { get; set; }

    public IEnumerable<ConfigProblem> Validate(string path)
    {
        if (string.IsNullOrEmpty(Opens) != string.IsNullOrEmpty(Closes))
            yield return new ConfigProblem(path, "set both Opens and Closes, or neither (always open)");
        if (!string.IsNullOrEmpty(Opens) && !BusinessHours.TryParseTime(Opens, out _))
            yield return new ConfigProblem($"{path}:Opens", $"expected a time of day HH:mm, was '{Opens}'");
        if (!string.IsNullOrEmpty(Closes) && !BusinessHours.TryParseTime(Closes, out _))
            yield return new ConfigProblem($"{path}:Closes", $"expected a time of day HH:mm or 24:00, was '{Closes}'");
        if (!string.IsNullOrEmpty(Opens) && Opens == Closes)
            yield return new ConfigProblem($"{path}:Closes", "must differ from Opens (leave both empty for always open)");
        if (!BusinessHours.TryFindZone(TimeZone, out _))
            yield return new ConfigProblem($"{path}:TimeZone", $"unknown time zone '{TimeZone}': expected an IANA id such as Asia/Shanghai");
    }
}

/// <summary>
/// Counts waiting time only while a store is open: the timing rules' thresholds apply to counted time,
/// so a buyer writing at 03:00 to a store that opens at 09:00 starts to wait at 09:00.
/// </summary>
public sealed class BusinessHours
{
    public static readonly BusinessHours AlwaysOpen = new(null, TimeSpan.Zero, TimeSpan.Zero);

    private readonly TimeZoneInfo? _zone;
    private readonly TimeSpan _opens;
    private readonly TimeSpan _closes;

    private BusinessHours(TimeZoneInfo? zone, TimeSpan opens, TimeSpan closes)
    {
        _zone = zone;
        _opens = opens;
        _closes = closes;
    }

    public bool IsAlwaysOpen => _zone is null;

    public static BusinessHours From(BusinessHoursOptions options)
    {
        if (string.IsNullOrEmpty(options.Opens) || string.IsNullOrEmpty(options.Closes)) return AlwaysOpen;
        if (!TryParseTime(options.Opens, out var opens) || !TryParseTime(options.Closes, out var closes) || !TryFindZone(options.TimeZone, out var zone))
            throw new FormatException("invalid business hours (validate first)");
        return new BusinessHours(zone, opens, closes);
    }

    /// <summary>Time between <paramref name="from"/> and <paramref name="to"/> that falls in opening hours.</summary>
    public TimeSpan CountedBetween(DateTimeOffset from, DateTimeOffset to)
    {
        if (to <= from) return TimeSpan.Zero;
        if (_zone is null) return to - from;
        var counted = TimeSpan.Zero;
        foreach (var (open, close) in Windows(from))
        {
            if (open >= to) break;
            var start = open > from ? open : from;
            var end = close < to ? close : to;
            if (end > start) counted += end - start;
        }
        return counted;
    }

    /// <summary>The instant at which <paramref name="counted"/> of open time has passed since <paramref name="from"/>.</summary>
    public DateTimeOffset AddCounted(DateTimeOffset from, TimeSpan counted)
    {
        if (_zone is null) return from + counted;
        var remaining = counted;
        foreach (var (open, close) in Windows(from))
        {
            var start = open > from ? open : from;
            if (close <= start) continue;
            if (close - start >= remaining) return (start + remaining).ToOffset(from.Offset);
            remaining -= close - start;
        }
        throw new InvalidOperationException("business hours never open");
    }

    /// <summary>True when <paramref name="t"/> falls in opening hours.</summary>
    public bool IsOpen(DateTimeOffset t) => _zone is null || CountedBetween(t, t.AddTicks(1)) > TimeSpan.Zero;

    /// <summary>Opening windows (UTC instants) that end after <paramref name="from"/>, in order; endless.</summary>
    private IEnumerable<(DateTimeOffset Open, DateTimeOffset Close)> Windows(DateTimeOffset from)
    {
        var day = TimeZoneInfo.ConvertTime(from, _zone!).Date.AddDays(-1);
        var overnight = _closes <= _opens;
        for (var i = 0; i < 3660; i++, day = day.AddDays(1))
        {
            var open = ToInstant(day + _opens);
            var close = ToInstant(overnight ? day.AddDays(1) + _closes : day + _closes);
            if (close > from) yield return (open, close);
        }
    }

    private DateTimeOffset ToInstant(DateTime local)
    {
        var unspecified = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        return new DateTimeOffset(unspecified, _zone!.GetUtcOffset(unspecified));
    }

    internal static bool TryParseTime(string text, out TimeSpan time)
    {
        if (text == "24:00") { time = TimeSpan.FromDays(1); return true; }
        return TimeSpan.TryParseExact(text, @"hh\:mm", CultureInfo.InvariantCulture, out time) && time < TimeSpan.FromDays(1);
    }

    internal static bool TryFindZone(string id, out TimeZoneInfo zone)
    {
        try
        {
            zone = TimeZoneInfo.FindSystemTimeZoneById(id);
            return true;
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            zone = TimeZoneInfo.Utc;
            return false;
        }
    }
}
