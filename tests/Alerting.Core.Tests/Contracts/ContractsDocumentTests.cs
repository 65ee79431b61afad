using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Alerting.Core.Alerts;
using Alerting.Core.Messages;
using Alerting.Core.Rules;

namespace Alerting.Core.Tests.Contracts;

/// <summary>
/// Pins src/Alerting.Core/CONTRACTS.md against the code: its examples are what the parser accepts and
/// the serializer writes, and every rule of the catalog is named in it.
/// </summary>
public sealed partial class ContractsDocumentTests
{
    private static readonly string Document = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Data", "CONTRACTS.md"));

    private static List<string> JsonExamples() =>
        [.. JsonBlock().Matches(Document).Select(m => m.Groups[1].Value)];

    [Fact]
    public void MessageExample_InSection1_ParsesWithEveryDocumentedField()
    {
        var example = JsonExamples()[0];
        var result = ChatMessageParser.Parse(Encoding.UTF8.GetBytes(example));
        Assert.NotNull(result.Message);
        using var doc = JsonDocument.Parse(example);
        var fields = doc.RootElement.EnumerateObject().Select(p => p.Name).ToList();
        Assert.Equal(["messageId", "conversationId", "shopId", "sender", "senderId", "agentId", "text", "sentAt", "event"], fields);
        foreach (var field in fields) Assert.Contains($"| {field} |", Document, StringComparison.Ordinal);
    }

    [Fact]
    public void AlertExample_InSection2_HasTheFieldsTheSerializerWritesFirst_InTheSameOrder()
    {
        using var doc = JsonDocument.Parse(JsonExamples()[1].Replace("…", "", StringComparison.Ordinal));
        var documented = doc.RootElement.EnumerateObject().Select(p => p.Name).ToList();
        var alert = AlertJson.Parse(JsonExamples()[1].Replace("…", "", StringComparison.Ordinal));
        alert.ConfigVersion = "v";
        using var written = JsonDocument.Parse(AlertJson.ToJson(alert));
        var names = written.RootElement.EnumerateObject().Select(p => p.Name).ToList();
        Assert.Equal(documented, names.Take(documented.Count));
        // Everything the serializer adds after the example is an optional field the document names.
        foreach (var extra in names.Skip(documented.Count)) Assert.Contains($"`{extra}`", Document, StringComparison.Ordinal);
    }

    public static TheoryData<string> CatalogRules => [.. RuleCatalog.All.Select(r => r.Name)];

    [Theory]
    [MemberData(nameof(CatalogRules))]
    public void EveryRuleName_IsNamedInTheDocument(string rule)
        => Assert.Contains($"`{rule}`", Document, StringComparison.Ordinal);

    [Theory]
    [InlineData("dlq.reason")]
    [InlineData("dlq.source.topic")]
    [InlineData("dlq.source.partition")]
    [InlineData("dlq.source.offset")]
    public void DeadLetterHeaders_AreNamedInTheDocument(string header)
        => Assert.Contains($"`{header}`", Document, StringComparison.Ordinal);

    [GeneratedRegex(@"```json\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex JsonBlock();
}
