namespace Alerting.Simulation.Tests;

public class GroundTruthFileTests
{
    [Fact]
    public void WriteThenRead_RoundTripsEveryField()
    {
        var run = CompletedRun.Of(new SimulationOptions { Seed = 61, Conversations = 2_000, UnansweredRate = 0.1 });
        var path = Path.Combine(Path.GetTempPath(), $"gt-{Guid.NewGuid():N}.jsonl");
        try
        {
            Assert.Equal(run.Expected.Count, GroundTruthFile.Write(path, run.Expected));
            var back = GroundTruthFile.Read(path);
            Assert.Equal(run.Expected, back);
            Assert.Contains(back, a => a.DueAt is not null);
            var firstLine = File.ReadLines(path).First();
            Assert.StartsWith("{\"alertId\":\"", firstLine, StringComparison.Ordinal);
            Assert.DoesNotContain("\\u", File.ReadAllText(path), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Read_BadLine_NamesTheLineAndField()
    {
        var text = "\n" + """{"alertId":"x","rule":"slow_response","shopId":"shop-a","conversationId":"c-1","messageIds":["m-1"],"eventTime":"2026-11-11T00:00:05.000+08:00","evidence":{}}""" + "\n" +
                   """{"alertId":"y","rule":"slow_response","shopId":"shop-a","messageIds":[],"eventTime":"2026-11-11T00:00:05.000+08:00"}""" + "\n";
        var ex = Assert.Throws<FormatException>(() => GroundTruthFile.Read(new StringReader(text), "gt.jsonl"));
        Assert.Contains("gt.jsonl:3", ex.Message, StringComparison.Ordinal);
        Assert.Contains("conversationId", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ChatLogFile_WritesOneParsableLinePerMessage()
    {
        var generator = new ChatTrafficGenerator(new SimulationOptions { Seed = 62, Conversations = 100 });
        using var buffer = new MemoryStream();
        var n = ChatLogFile.Write(buffer, generator.Generate());
        var lines = System.Text.Encoding.UTF8.GetString(buffer.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(n, lines.Length);
        Assert.All(lines, l => Assert.True(Alerting.Core.Messages.ChatMessageParser.Parse(System.Text.Encoding.UTF8.GetBytes(l)).IsValid));
    }
}
