using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Alerting.InspectorConsole.Insights;

namespace Alerting.InspectorConsole.Tests;

/// <summary>Query bounds (every bad parameter a 400 with its reason) and CSV export cells, against the running console.</summary>
public sealed class BoundsAndCsvTests : IAsyncLifetime
{
    private ConsoleHost _host = null!;

    public async Task InitializeAsync() => _host = await ConsoleHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private static string Q(string s) => Uri.EscapeDataString(s);

    public static TheoryData<string, string> BadQueries()
    {
        var data = new TheoryData<string, string>();
        var windowed = new[] { "/api/coverage", "/api/calibration", "/api/overview", "/api/verdicts.csv" };
        foreach (var path in windowed)
        {
            data.Add($"{path}?store=shop-a&from={Q("0001-01-01T00:00:00+00:00")}", "from");
            data.Add($"{path}?store=shop-a&from=0001-01-01", "from");
            data.Add($"{path}?store=shop-a&to={Q("9999-12-31T23:59:59+00:00")}", "to");
            data.Add($"{path}?store=shop-a&from=yesterday", "from");
            data.Add($"{path}?store=shop-a&from={Q("2026-13-01T00:00:00+08:00")}", "from");
            data.Add($"{path}?store=shop-a&from={Q("2026-11-11T00:00:00")}", "from"); // no offset
            data.Add($"{path}?store=shop-a&from={Q("2026-11-11T00:00:00+08:00")}&to={Q("2026-11-10T00:00:00+08:00")}", "from");
            data.Add($"{path}?store=shop-a&from={Q("2026-11-11T00:00:00+08:00")}&to={Q("2026-11-11T00:00:00+08:00")}", "from");
            data.Add($"{path}?store=shop-a&from={Q("2026-10-01T00:00:00+08:00")}&to={Q("2026-11-11T00:00:00+08:00")}", "to"); // 41 days
            data.Add($"{path}?store=shop-a&from={Q("2020-01-01T00:00:00+08:00")}", "from"); // to defaults to tomorrow: years
            data.Add($"{path}?store=", "store");
            data.Add(path, "store");
        }
        foreach (var path in new[] { "/api/alerts", "/api/silences", "/api/coverage" })
        {
            data.Add($"{path}?store={new string('s', 300)}", "store");
            data.Add($"{path}?store=shop%01a", "store");
        }
        data.Add("/api/alerts?store=shop-a&limit=0", "limit");
        data.Add("/api/alerts?store=shop-a&limit=-1", "limit");
        data.Add("/api/alerts?store=shop-a&limit=5001", "limit");
        data.Add("/api/alerts?store=shop-a&limit=abc", "limit");
        data.Add("/api/alerts?store=shop-a&limit=99999999999999999999", "limit");
        data.Add("/api/alerts?store=shop-a&limit=1.5", "limit");
        data.Add("/api/feed?store=", "store");
        data.Add("/api/feed?store=shop-a&lastEventId=garbage", "lastEventId");
        data.Add($"/api/feed?store=shop-a&lastEventId={Q("v1;shop-a,1-0")}", "lastEventId");
        data.Add($"/api/feed?store=shop-a&lastEventId={Q("v1;shop-a,abc,0-0")}", "lastEventId");
        return data;
    }

    [Theory]
    [MemberData(nameof(BadQueries))]
    public async Task EveryBadQueryParameter_Is400_NamingTheParameterAndTheReason(string path, string parameter)
    {
        var lena = await _host.LoginAsync("lena");
        var r = await lena.GetAsync(path);
        var body = await r.Content.ReadAsStringAsync();
        Assert.True(r.StatusCode == HttpStatusCode.BadRequest, $"{path}: {(int)r.StatusCode} {body}");
        var detail = (string?)JsonNode.Parse(body)!["detail"];
        Assert.StartsWith(parameter + ": ", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadLastEventIdHeader_Is400()
    {
        var alice = await _host.LoginAsync("alice");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/feed");
        request.Headers.Add("Last-Event-ID", "v2;whatever");
        Assert.Equal(HttpStatusCode.BadRequest, (await alice.SendAsync(request)).StatusCode);
    }

    [Fact]
    public async Task WindowsUpToTheCap_AreServed()
    {
        var lena = await _host.LoginAsync("lena");
        var from = Q("2026-10-11T00:00:00+08:00");
        var to = Q("2026-11-11T00:00:00+08:00"); // exactly 31 days
        foreach (var path in new[] { "/api/coverage", "/api/calibration", "/api/overview", "/api/verdicts.csv" })
            Assert.Equal(HttpStatusCode.OK, (await lena.GetAsync($"{path}?store=shop-a&from={from}&to={to}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await lena.GetAsync("/api/alerts?store=shop-a&limit=5000")).StatusCode);
    }

    [Theory]
    [InlineData("=1+2", "\"'=1+2\"")]
    [InlineData("+1+2", "\"'+1+2\"")]
    [InlineData("-1+2", "\"'-1+2\"")]
    [InlineData("@SUM(A1)", "\"'@SUM(A1)\"")]
    [InlineData("\t=HYPERLINK(\"http://x\")", "\"'\t=HYPERLINK(\"\"http://x\"\")\"")]
    [InlineData("\r=cmd|' /C calc'!A0", "\"'\r=cmd|' /C calc'!A0\"")]
    [InlineData("plain, with \"quotes\"\nand a line", "\"plain, with \"\"quotes\"\"\nand a line\"")]
    [InlineData("", "\"\"")]
    [InlineData("满300减50 = ok", "\"满300减50 = ok\"")]
    public void CsvCell_NeutralisesFormulaStarts_AndIsAlwaysQuoted(string value, string expected)
        => Assert.Equal(expected, InsightService.Cell(value));

    [Fact]
    public async Task CsvExport_OfHostileNotes_HasEveryCellQuoted_AndNoCellStartingAFormula()
    {
        var notes = new[] { "=HYPERLINK(\"http://evil\",\"x\")", "+cmd", "-2+3", "@A1", "\t=1+1", "\r=1+1" };
        var alerts = notes.Select(_ => TestAlerts.Rude()).ToArray();
        await _host.WriteAsync(alerts);
        var alice = await _host.LoginAsync("alice");
        for (var i = 0; i < notes.Length; i++)
        {
            var entry = (await _host.Db.StreamRangeAsync("alerts:stream:{shop-a}", "-", "+")).Last(e => (string?)e["alertId"] == alerts[i].AlertId).Id.ToString();
            var r = await alice.PostAsJsonAsync("/api/alerts/ack", new { store = "shop-a", alertId = alerts[i].AlertId, entryId = entry, verdict = "confirmed", note = notes[i] });
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }
        var lena = await _host.LoginAsync("lena");
        var csv = (await lena.GetStringAsync("/api/verdicts.csv?store=shop-a")).TrimStart('\uFEFF');
        var cells = ParseCsv(csv);
        Assert.Equal(notes.Length + 1, cells.Count);
        var noteColumn = Array.IndexOf(cells[0].Select(c => c.Value).ToArray(), "note");
        Assert.Equal(notes.Select(n => "'" + n).Order(StringComparer.Ordinal), cells.Skip(1).Select(row => row[noteColumn].Value).Order(StringComparer.Ordinal));
        foreach (var row in cells)
        {
            Assert.All(row, c => Assert.True(c.Quoted, $"unquoted cell '{c.Value}'"));
            Assert.All(row, c => Assert.False(c.Value.Length > 0 && c.Value[0] is '=' or '+' or '-' or '@' or '\t' or '\r', $"cell starts a formula: '{c.Value}'"));
        }
    }

    /// <summary>RFC 4180 reader that also reports whether each cell was quoted.</summary>
    private static List<List<(string Value, bool Quoted)>> ParseCsv(string csv)
    {
        var rows = new List<List<(string, bool)>>();
        var row = new List<(string, bool)>();
        var i = 0;
        while (i < csv.Length)
        {
            var quoted = csv[i] == '"';
            var sb = new System.Text.StringBuilder();
            if (quoted)
            {
                i++;
                while (true)
                {
                    if (csv[i] == '"' && i + 1 < csv.Length && csv[i + 1] == '"') { sb.Append('"'); i += 2; }
                    else if (csv[i] == '"') { i++; break; }
                    else sb.Append(csv[i++]);
                }
            }
            else
            {
                while (i < csv.Length && csv[i] is not (',' or '\r')) sb.Append(csv[i++]);
            }
            row.Add((sb.ToString(), quoted));
            if (i < csv.Length && csv[i] == ',') { i++; continue; }
            if (i + 1 < csv.Length && csv[i] == '\r' && csv[i + 1] == '\n') i += 2;
            rows.Add(row);
            row = [];
        }
        return rows;
    }
}
