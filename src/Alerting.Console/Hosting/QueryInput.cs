using System.Globalization;
using Alerting.Core.Messages;
using Alerting.InspectorConsole.Insights;
using Microsoft.AspNetCore.Http;

namespace Alerting.InspectorConsole.Hosting;

/// <summary>
/// Validation of every query and route parameter of the API. A bad value is answered 400 with the parameter
/// and the reason (a problem document), never a 500 and never silently corrected.
/// </summary>
internal static class QueryInput
{
    /// <summary>Longest store id accepted.</summary>
    public const int MaxStoreLength = 256;

    /// <summary>Earliest and latest times a window may name (beyond them no alert can exist).</summary>
    private static readonly DateTimeOffset Earliest = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Latest = new(2100, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>A 400 naming the parameter and the reason.</summary>
    public static IResult Bad(string parameter, string reason)
        => Results.Problem($"{parameter}: {reason}", statusCode: StatusCodes.Status400BadRequest, title: "bad query parameter");

    /// <summary>A required store id: present, at most <see cref="MaxStoreLength"/> characters, no control characters.</summary>
    public static IResult? Store(string? raw, string parameter = "store")
    {
        if (string.IsNullOrEmpty(raw)) return Bad(parameter, "required (a store id)");
        if (raw.Length > MaxStoreLength) return Bad(parameter, $"at most {MaxStoreLength} characters");
        if (raw.Any(char.IsControl)) return Bad(parameter, "must not contain control characters");
        return null;
    }

    /// <summary>An optional whole number in [min, max].</summary>
    public static IResult? Int(string? raw, string parameter, int min, int max, out int? value)
    {
        value = null;
        if (raw is null) return null;
        if (!int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var v) || v < min || v > max)
            return Bad(parameter, string.Create(CultureInfo.InvariantCulture, $"expected a whole number from {min} to {max}, got '{Shorten(raw)}'"));
        value = v;
        return null;
    }

    /// <summary>
    /// The window of <paramref name="from"/>/<paramref name="to"/> (ISO-8601 with offset; default: today in the
    /// store's zone), refused unless from &lt; to, both in 2000–2100, and at most <see cref="ConsoleOptions.MaxQueryWindow"/> long.
    /// </summary>
    public static IResult? Window(InsightService insights, ConsoleOptions options, string store, string? from, string? to, out Window window)
    {
        window = null!;
        DateTimeOffset? f = null, t = null;
        foreach (var (name, raw) in new[] { ("from", from), ("to", to) })
        {
            if (raw is null) continue;
            if (!ChatMessageParser.TryParseSentAt(raw, out var value))
                return Bad(name, $"expected an ISO-8601 time with offset such as 2026-11-11T00:00:00+08:00, got '{Shorten(raw)}'");
            if (value < Earliest || value >= Latest) return Bad(name, "must lie between 2000-01-01 and 2100-01-01");
            if (name == "from") f = value; else t = value;
        }
        window = insights.WindowFor(store, f, t);
        if (window.From >= window.To) return Bad(f is null ? "to" : "from", "the window must end after it starts (from < to)");
        if (window.To - window.From > options.MaxQueryWindow)
            return Bad(t is null ? "from" : "to", string.Create(CultureInfo.InvariantCulture, $"a window may span at most {options.MaxQueryWindow.TotalDays:0.##} days (Console:MaxQueryWindow)"));
        return null;
    }

    private static string Shorten(string raw) => raw.Length > 40 ? raw[..40] + "…" : raw;
}
