using Alerting.Core.Rules.BatchWrongPromoAnswer;
using static Alerting.Core.Tests.BatchWrongPromoAnswer.BatchTestKit;

namespace Alerting.Core.Tests.BatchWrongPromoAnswer;

public sealed class WrongAnswerBatchTests
{
    [Theory]
    [InlineData("2026-11-11T00:00:00.000+08:00", 10, "2026-11-10T16:00:00.000+00:00")]
    [InlineData("2026-11-11T00:09:59.999+08:00", 10, "2026-11-10T16:00:00.000+00:00")]
    [InlineData("2026-11-11T00:10:00.000+08:00", 10, "2026-11-10T16:10:00.000+00:00")]
    [InlineData("2026-11-11T07:59:00.000+08:00", 60, "2026-11-10T23:00:00.000+00:00")]
    [InlineData("1969-12-31T23:55:00.000+00:00", 10, "1969-12-31T23:50:00.000+00:00")]
    public void WindowStart_FloorsTheInstantToTheWindowLength(string at, int minutes, string expected)
    {
        var start = WrongAnswerBatch.WindowStart(DateTimeOffset.Parse(at, System.Globalization.CultureInfo.InvariantCulture), TimeSpan.FromMinutes(minutes));

        Assert.Equal(expected, Alerting.Core.Alerts.AlertJson.FormatTime(start));
    }

    [Fact]
    public void Occurrence_EncodeDecode_RoundTripsWithChineseTextReadable()
    {
        var o = new WrongAnswerOccurrence("m-1", "agent-07", "c-42", new DateTimeOffset(2026, 11, 11, 0, 0, 5, 123, TimeSpan.FromHours(8)),
            "满两百减五十", "满300减50", "threshold_discount", null);

        var json = o.Encode();

        Assert.Contains("满两百减五十", json, StringComparison.Ordinal);
        Assert.Equal(o, WrongAnswerOccurrence.Decode("m-1", json));
    }

    [Fact]
    public void WrongAnswersIn_SubMillisecondSentAt_TruncatedSoRedisAndMemoryAgree()
    {
        var alert = Wrong("m-1", "a", "c", Midnight.AddTicks(12_345));

        var (_, occurrence) = Assert.Single(WrongAnswerBatch.WrongAnswersIn(alert, new BatchWrongPromoAnswerOptions()));

        Assert.Equal(Midnight.AddMilliseconds(1), occurrence.SentAt);
    }

    [Fact]
    public void AlertsFor_DuplicateMessageIds_CountOnce()
    {
        var group = new WrongAnswerGroup("shop-a", "d11-main", "满200减50", Midnight, 10);
        var o = WrongAnswerBatch.WrongAnswersIn(Wrong("m-1", "a1", "c1", Midnight), new BatchWrongPromoAnswerOptions()).Single().Occurrence;
        var members = new[] { o, o, o with { MessageId = "m-2", AgentId = "a2" } };

        Assert.Empty(WrongAnswerBatch.AlertsFor(group, members, 3, new BatchWrongPromoAnswerOptions(), Midnight));
    }
}
