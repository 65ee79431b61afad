using System.Text.Json.Nodes;

namespace Alerting.InspectorConsole.Tests;

/// <summary>One server-sent event.</summary>
public sealed record SseEvent(string? Id, string Name, JsonObject Data);

/// <summary>Reads the console's SSE feed event by event, with a bounded wait.</summary>
public sealed class SseClient : IAsyncDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly StreamReader _reader;

    private SseClient(HttpResponseMessage response, Stream body)
    {
        _response = response;
        _reader = new StreamReader(body);
    }

    public static async Task<SseClient> OpenAsync(HttpClient client, string path, string? lastEventId = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (lastEventId is not null) request.Headers.Add("Last-Event-ID", lastEventId);
        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        return new SseClient(response, await response.Content.ReadAsStreamAsync());
    }

    /// <summary>Reads events until one satisfies <paramref name="stop"/> (included); fails after <paramref name="timeout"/>.</summary>
    public async Task<List<SseEvent>> ReadUntilAsync(Func<SseEvent, bool> stop, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        var events = new List<SseEvent>();
        string? id = null, name = null, data = null;
        while (true)
        {
            string? line;
            try
            {
                line = await _reader.ReadLineAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException("no matching event in time; got: " + string.Join(", ", events.Select(e => e.Name)));
            }
            if (line is null) throw new EndOfStreamException("feed closed");
            if (line.Length == 0)
            {
                if (data is not null)
                {
                    var ev = new SseEvent(id, name ?? "message", (JsonObject)JsonNode.Parse(data)!);
                    events.Add(ev);
                    if (stop(ev)) return events;
                }
                id = name = data = null;
                continue;
            }
            if (line.StartsWith("id: ", StringComparison.Ordinal)) id = line[4..];
            else if (line.StartsWith("event: ", StringComparison.Ordinal)) name = line[7..];
            else if (line.StartsWith("data: ", StringComparison.Ordinal)) data = line[6..];
        }
    }

    public ValueTask DisposeAsync()
    {
        _reader.Dispose();
        _response.Dispose();
        return ValueTask.CompletedTask;
    }
}
