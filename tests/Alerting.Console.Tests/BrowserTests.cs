using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Alerting.InspectorConsole.Tests;

/// <summary>
/// The console in real headless Chromium (Debian's <c>/usr/bin/chromium</c>, driven by Playwright through
/// <c>ExecutablePath</c>; no browser is downloaded). Screenshots go to the test output folder
/// (<c>screenshots/</c>) and, with ALERTING_UPDATE_SCREENSHOTS=1, the last one to <c>src/Alerting.Console/docs/console.png</c>.
/// </summary>
public sealed class BrowserTests : IAsyncLifetime
{
    private const string Chromium = "/usr/bin/chromium";
    /// <summary>Generous: the suite runs this beside the integration tests on two cores, where a login (600,000 PBKDF2 iterations)
    /// and a page load have been seen to take tens of seconds; alone the whole test takes about 8 s.</summary>
    private static readonly float Timeout = 90_000;
    private readonly ITestOutputHelper _output;
    private ConsoleHost _host = null!;
    private string _profile = null!;

    public BrowserTests(ITestOutputHelper output) => _output = output;

    public async Task InitializeAsync()
    {
        _host = await ConsoleHost.StartAsync();
        _profile = Directory.CreateTempSubdirectory("alerting-console-chromium-").FullName;
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        try
        {
            Directory.Delete(_profile, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: Chromium may still hold a lock file for a moment.
        }
    }

    [Fact]
    public async Task Inspector_SeesANewAlertAppear_MarksItFalseAlarm_AndCoverageAndCalibrationChange()
    {
        Assert.True(File.Exists(Chromium), "Chromium is not installed: apt-get install -y chromium");
        var screenshots = Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(screenshots);

        // Context for the page: one alert already raised and reviewed, one waiting.
        var earlier = TestAlerts.Promo();
        await _host.WriteAsync(earlier, TestAlerts.Slow());

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchPersistentContextAsync(_profile, new BrowserTypeLaunchPersistentContextOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
            ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
            Locale = "zh-CN",
            TimezoneId = "Asia/Shanghai",
        });
        browser.SetDefaultTimeout(Timeout);
        Assertions.SetDefaultExpectTimeout(15_000);
        var page = browser.Pages.Count > 0 ? browser.Pages[0] : await browser.NewPageAsync();
        page.Console += (_, m) => _output.WriteLine("browser: " + m.Text);
        page.PageError += (_, e) => _output.WriteLine("page error: " + e);
        page.Response += (_, r) => { if (r.Status >= 400) _output.WriteLine($"http {r.Status} {r.Url}"); };

        // Log in.
        await page.GotoAsync(new Uri(_host.BaseAddress, "/login.html").ToString());
        await page.FillAsync("#name", "alice");
        await page.FillAsync("#password", "pw-alice");
        await page.ClickAsync("#login-button");
        await page.WaitForURLAsync(new Uri(_host.BaseAddress, "/").ToString(), new() { WaitUntil = WaitUntilState.DOMContentLoaded });
        await Assertions.Expect(page.Locator("#connection")).ToHaveTextAsync("实时 live");
        var meter = page.Locator(".meter[data-store='shop-a']");
        await Assertions.Expect(meter.Locator(".raised")).ToHaveTextAsync("2");
        await Assertions.Expect(meter.Locator(".reviewed")).ToHaveTextAsync("0");

        // An alert raised while the page is open appears without a reload, words highlighted.
        var alert = TestAlerts.Rude(text: "亲，爱买不买，你自己看吧", term: "爱买不买", severity: Core.Alerts.Severity.Critical);
        await _host.WriteAsync(alert);
        var card = page.Locator($"article.card[data-alert-id='{alert.AlertId}']");
        await Assertions.Expect(card).ToBeVisibleAsync(new() { Timeout = 15_000 });
        await Assertions.Expect(card.Locator("mark")).ToHaveTextAsync("爱买不买");
        await Assertions.Expect(card.Locator(".rule")).ToHaveTextAsync("不文明用语 rude language"); // label from /api/rules
        await Assertions.Expect(card).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("sev-critical"));
        await Assertions.Expect(meter.Locator(".raised")).ToHaveTextAsync("3");
        await page.ScreenshotAsync(new() { Path = Path.Combine(screenshots, "1-new-alert.png"), FullPage = true });

        // Acknowledge it as a false alarm with a note.
        await card.Locator("input.note").FillAsync("买家先开的玩笑，语境正常");
        await card.Locator("button.false-alarm").ClickAsync();
        await Assertions.Expect(card.Locator(".state")).ToContainTextAsync("误报 false alarm");
        await Assertions.Expect(meter.Locator(".reviewed")).ToHaveTextAsync("1");
        await Assertions.Expect(meter.Locator(".pct")).ToHaveTextAsync("33.3%");
        await page.ScreenshotAsync(new() { Path = Path.Combine(screenshots, "2-acknowledged.png"), FullPage = true });

        // Alerts that span conversations are shown as what they are, not as raw JSON.
        var rate = TestAlerts.AgentRate();
        var batch = TestAlerts.Batch();
        await _host.WriteAsync(rate, batch);
        var rateCard = page.Locator($"article.card[data-alert-id='{rate.AlertId}']");
        await Assertions.Expect(rateCard.Locator("table.rates tr.below")).ToContainTextAsync("20%");
        var batchCard = page.Locator($"article.card[data-alert-id='{batch.AlertId}']");
        await Assertions.Expect(batchCard.Locator("table.promo .stated")).ToHaveTextAsync("满200减50");
        await Assertions.Expect(batchCard.Locator(".agents .agent")).ToHaveCountAsync(3);

        // The lead's calibration shows the false alarm against the rule and the term.
        await page.ClickAsync("#logout");
        await page.WaitForURLAsync("**/login.html", new() { WaitUntil = WaitUntilState.DOMContentLoaded });
        await page.FillAsync("#name", "lena");
        await page.FillAsync("#password", "pw-lena");
        await page.ClickAsync("#login-button");
        await page.WaitForURLAsync(new Uri(_host.BaseAddress, "/").ToString(), new() { WaitUntil = WaitUntilState.DOMContentLoaded });
        await page.GotoAsync(new Uri(_host.BaseAddress, "/lead.html").ToString());
        await Assertions.Expect(page.Locator("#calibration tr[data-key='爱买不买'] td.rate")).ToHaveTextAsync("100%");
        await Assertions.Expect(page.Locator("#calibration tr[data-key='rude_language'] td.ids")).ToContainTextAsync(alert.AlertId);
        await page.ScreenshotAsync(new() { Path = Path.Combine(screenshots, "3-calibration.png"), FullPage = true });

        // Back on the feed as the lead (both stores) for the README picture.
        await page.GotoAsync(new Uri(_host.BaseAddress, "/").ToString());
        await Assertions.Expect(page.Locator($"article.card[data-alert-id='{alert.AlertId}'] .state")).ToContainTextAsync("误报");
        var shot = Path.Combine(screenshots, "4-feed.png");
        await page.ScreenshotAsync(new() { Path = shot, FullPage = false });
        // The README screenshot is refreshed only on request, so test runs leave the tree clean.
        if (Environment.GetEnvironmentVariable("ALERTING_UPDATE_SCREENSHOTS") == "1" && FindDocsFolder() is { } docs)
            File.Copy(shot, Path.Combine(docs, "console.png"), overwrite: true);
        _output.WriteLine("screenshots: " + screenshots);
    }

    private static string? FindDocsFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var docs = Path.Combine(dir.FullName, "src", "Alerting.Console", "docs");
            if (Directory.Exists(docs)) return docs;
        }
        return null;
    }
}
