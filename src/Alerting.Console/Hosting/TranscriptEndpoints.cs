using System.Security.Claims;
using Alerting.Redis.Transcripts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Alerting.InspectorConsole.Hosting;

/// <summary>
/// <c>GET /api/transcript?shop=&lt;shopId&gt;&amp;conversation=&lt;conversationId&gt;</c>: the conversation's transcript as the
/// worker keeps it (last messages, oldest first). 400 for a missing or oversized parameter, 403 when the user is not
/// scoped to the store (checked before Redis is read), 404 <c>{"error":…}</c> when there is none (transcripts off,
/// expired or never written). Behind the same sign-in as the rest of the API (fallback policy).
/// </summary>
public static class TranscriptEndpoints
{
    /// <summary>Longest conversation id accepted (the worker's parser refuses longer ids in bytes, so none is stored).</summary>
    public const int MaxConversationLength = 256;

    /// <summary>Maps <c>GET /api/transcript</c>.</summary>
    public static IEndpointConventionBuilder MapTranscripts(this IEndpointRouteBuilder app)
        => app.MapGet("/api/transcript", async (string? shop, string? conversation, ClaimsPrincipal p, UserDirectory users, TranscriptReader transcripts) =>
        {
            if (QueryInput.Store(shop, "shop") is { } bad) return bad;
            if (string.IsNullOrEmpty(conversation)) return QueryInput.Bad("conversation", "required (a conversation id)");
            if (conversation.Length > MaxConversationLength) return QueryInput.Bad("conversation", $"at most {MaxConversationLength} characters");
            if (conversation.Any(char.IsControl)) return QueryInput.Bad("conversation", "must not contain control characters");
            if (!users.MaySee(p, shop))
                return Results.Problem($"store '{shop}' is not one of yours", statusCode: StatusCodes.Status403Forbidden);
            var messages = await transcripts.ReadAsync(shop!, conversation);
            return messages is null
                ? Results.NotFound(new { error = "no transcript for this conversation (transcripts are off, it expired, or no message of it was kept)" })
                : Results.Ok(new { shopId = shop, conversationId = conversation, messages });
        });
}
