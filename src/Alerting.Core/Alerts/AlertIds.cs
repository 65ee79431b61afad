using System.Security.Cryptography;
using System.Text;

namespace Alerting.Core.Alerts;

/// <summary>
/// Deterministic alert ids (CONTRACTS.md §2): SHA-256 over the rule name and what the alert is about,
/// never over arrival order or wall time. The format is frozen: changing it would let a replay or
/// a rollback publish a second copy of an alert already delivered.
/// </summary>
public static class AlertIds
{
    /// <summary>Id of an alert about one conversation: rule + conversation + first triggering message.</summary>
    public static string ForConversation(string rule, string conversationId, string firstMessageId)
        => Hash(rule, "conversation", conversationId, firstMessageId);

    /// <summary>Id of an alert spanning conversations: rule + store + grouping key + fixed window start.</summary>
    public static string ForGroup(string rule, string shopId, string groupingKey, DateTimeOffset windowStart)
        => Hash(rule, "group", shopId, groupingKey, windowStart.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));

    private static string Hash(params string[] parts)
    {
        // Length-prefix every part so ("a|b","c") and ("a","b|c") cannot collide.
        var sb = new StringBuilder(128);
        foreach (var p in parts) sb.Append(p.Length).Append(':').Append(p).Append('|');
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString()), digest);
        return Convert.ToHexStringLower(digest[..16]);
    }
}
