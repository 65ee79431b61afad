using Microsoft.Playwright;

namespace Alerting.InspectorConsole.Tests;

/// <summary>
/// One console, one headless Chromium (Debian's <c>/usr/bin/chromium</c>, driven by Playwright through
/// <c>ExecutablePath</c>; no browser is downloaded) and one login of lena (lead of both stores), shared by the
/// browser tests so the suite pays the browser start and the slow login (600,000 PBKDF2 iterations) once.
/// </summary>
public sealed class BrowserSession : IAsyncLifetime
{
    public const string Chromium = "/usr/bin/chromium";

    /// <summary>Generous: the suite runs beside other tests on two loaded cores, where a login and a page load have taken tens of seconds.</summary>
    public const float Timeout = 90_000;

    private string _profile = null!;
    private IPlaywright _playwright = null!;

    public ConsoleHost Host { get; private set; } = null!;
    public IBrowserContext Browser { get; private set; } = null!;
    public IPage Page { get; private set; } = null!;
    public List<string> Log { get; } = [];

    public string Url(string path) => new Uri(Host.BaseAddress, path).ToString();

    public async Task InitializeAsync()
    {
        Assert.True(File.Exists(Chromium), "Chromium is not installed: apt-get install -y chromium");
        // Escalation on for critical alerts (2 minutes unclaimed): time is the host's fake clock, so nothing escalates
        // until a test advances it.
        Host = await ConsoleHost.StartAsync(new Dictionary<string, string?>
        {
            ["Escalation:Limits:critical"] = "00:02:00",
            ["Escalation:CheckInterval"] = "00:00:05",
        });
        _profile = Directory.CreateTempSubdirectory("alerting-console-chromium-").FullName;
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchPersistentContextAsync(_profile, new BrowserTypeLaunchPersistentContextOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
            ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
            Locale = "zh-CN",
            TimezoneId = "Asia/Shanghai",
            AcceptDownloads = true,
        });
        Browser.SetDefaultTimeout(Timeout);
        Assertions.SetDefaultExpectTimeout(30_000);
        Page = Browser.Pages.Count > 0 ? Browser.Pages[0] : await Browser.NewPageAsync();
        Page.Console += (_, m) => Log.Add("browser: " + m.Text);
        Page.PageError += (_, e) => Log.Add("page error: " + e);
        Page.Response += (_, r) => { if (r.Status >= 400 && r.Status != 404) Log.Add($"http {r.Status} {r.Url}"); };

        await LogInAsync();
    }

    /// <summary>
    /// Logs lena in. Under the full suite on two loaded cores a first attempt has been seen to time out (the whole
    /// class then failed at once): a second and third attempt are made, each failure kept in <see cref="Log"/> with
    /// where the page was and what it said.
    /// </summary>
    private async Task LogInAsync()
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await Page.GotoAsync(Url("/login.html"));
                await Page.FillAsync("#name", "lena");
                await Page.FillAsync("#password", "pw-lena");
                await Page.ClickAsync("#login-button");
                await Page.WaitForURLAsync(Url("/"), new() { WaitUntil = WaitUntilState.DOMContentLoaded, Timeout = Timeout / 2 });
                return;
            }
            catch (TimeoutException e) when (attempt < 3)
            {
                var said = await Page.Locator("#login-error").TextContentAsync(new() { Timeout = 5_000 }).ContinueWith(t => t.IsCompletedSuccessfully ? t.Result : "?", TaskScheduler.Default);
                Log.Add($"login attempt {attempt} timed out at {Page.Url} (login error: '{said}'): {e.Message.Split('\n')[0]}");
            }
        }
    }

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        _playwright.Dispose();
        await Host.DisposeAsync();
        try
        {
            Directory.Delete(_profile, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: Chromium may still hold a lock file for a moment.
        }
    }

    /// <summary>The feed page, freshly loaded and caught up.</summary>
    public async Task OpenFeedAsync()
    {
        await Page.GotoAsync(Url("/"), new() { WaitUntil = WaitUntilState.DOMContentLoaded });
        await Assertions.Expect(Page.Locator("#connection.on")).ToBeVisibleAsync();
    }

    /// <summary>Where screenshots go: the test output folder, and with ALERTING_UPDATE_SCREENSHOTS=1 also the console's docs folder.</summary>
    public async Task ScreenshotAsync(string name, bool forDocs = false, bool fullPage = true)
    {
        var dir = Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, name);
        await Page.ScreenshotAsync(new() { Path = path, FullPage = fullPage });
        if (forDocs && Environment.GetEnvironmentVariable("ALERTING_UPDATE_SCREENSHOTS") == "1" && FindDocsFolder() is { } docs)
            File.Copy(path, Path.Combine(docs, name), overwrite: true);
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
