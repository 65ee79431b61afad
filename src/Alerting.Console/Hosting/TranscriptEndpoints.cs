using System.Security.Claims;
using System.Text.Json.Nodes;
using Alerting.Redis;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using StackExchange.Redis;

namespace Alerting.InspectorConsole.Hosting;

/// <summary>
/// <c>GET /api/transcript?shop=&amp;conversation=</c>: the short transcript the worker keeps of one conversation
/// (<c>alerts:transcript:{&lt;shop&gt;}:&lt;conversation&gt;</c>, a list of JSON entries, oldest first), read-only,
/// with the same store scope as every other call (403 for a store that is not the user's).
/// </summary>
public static class TranscriptEndpoints
{
    private const string KeyPrefix = "alerts:transcript:";

    /// <summary>Maps <c>GET /api/transcript</c>.</summary>
    public static IEndpointConventionBuilder MapTranscript(this IEndpointRouteBuilder app)
        => app.MapGet("/api/transcript", async (string? shop, string? conversation, ClaimsPrincipal p, UserDirectory users, IConnectionMultiplexer redis) =>
        {
            if (QueryInput.Store(shop, "shop") is { } bad) return bad;
            if (string.IsNullOrEmpty(conversation) || conversation.Length > 256 || conversation.Any(char.IsControl))
                return QueryInput.Bad("conversation", "required: a conversation id of 1 to 256 characters without control characters");
            if (!users.MaySee(p, shop)) return Results.Problem($"store '{shop}' is not one of yours", statusCode: StatusCodes.Status403Forbidden);
            var raw = await redis.GetDatabase().ListRangeAsync(KeyPrefix + RedisKeys.ShopTag(shop!) + ":" + RedisKeys.Encode(conversation));
            var messages = new JsonArray();
            foreach (var entry in raw)
            {
                try
                {
                    if (!entry.IsNullOrEmpty && JsonNode.Parse(entry.ToString()) is JsonObject o) messages.Add(o);
                }
                catch (System.Text.Json.JsonException)
                {
                    // An unreadable entry is skipped; the others still show.
                }
            }
            return messages.Count == 0
                ? Results.NotFound(new { error = "no transcript kept for this conversation (off, expired or never written)" })
                : Results.Ok(new JsonObject { ["shopId"] = shop, ["conversationId"] = conversation, ["messages"] = messages });
        });
}
