using Alerting.DevTools.Embedded;

namespace Alerting.DevTools.Tests;

/// <summary>The demo's redis-server install step, with apt-get played by a script of answers.</summary>
public sealed class RedisInstallerTests
{
    private sealed class FakeApt(params (int Code, string Output)[] answers)
    {
        private int _next;
        public List<string> Calls { get; } = [];
        public bool Installed { get; set; }
        public bool InstallsOnSuccess { get; init; } = true;

        public Task<(int, string)> RunAsync(string[] args)
        {
            Calls.Add(string.Join(' ', args));
            var answer = answers[_next++];
            if (answer.Code == 0 && args[0] == "install" && InstallsOnSuccess) Installed = true;
            return Task.FromResult(answer);
        }
    }

    private static (RedisInstaller Installer, StringWriter Out, StringWriter Error) Create(FakeApt apt, bool root = true, bool hasApt = true)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        return (new RedisInstaller(() => apt.Installed, root, hasApt, apt.RunAsync, output, error), output, error);
    }

    [Fact]
    public async Task FreshMachine_PackageUnknown_UpdatesThenInstalls_SayingEachStep()
    {
        var apt = new FakeApt((100, "Reading package lists...\nE: Unable to locate package redis-server"), (0, "Get:1 http://deb.debian.org ..."), (0, "Setting up redis-server"));
        var (installer, output, error) = Create(apt);

        Assert.True(await installer.EnsureInstalledAsync());
        Assert.Equal(["install -y redis-server", "update", "install -y redis-server"], apt.Calls);
        var said = output.ToString();
        Assert.Contains("apt-get install -y redis-server", said, StringComparison.Ordinal);
        Assert.Contains("apt-get update", said, StringComparison.Ordinal);
        Assert.Contains("installing again", said, StringComparison.Ordinal);
        Assert.Equal("", error.ToString());
    }

    [Theory]
    [InlineData("E: Package 'redis-server' has no installation candidate")]
    [InlineData("Package redis-server is not available, but is referred to by another package.")]
    public async Task OtherWordsForAnUnknownPackage_AlsoUpdateFirst(string aptSays)
    {
        var apt = new FakeApt((100, aptSays), (0, ""), (0, ""));
        var (installer, _, _) = Create(apt);
        Assert.True(await installer.EnsureInstalledAsync());
        Assert.Equal("update", apt.Calls[1]);
    }

    [Fact]
    public async Task NotRoot_IsToldBothCommands_AndNothingRuns()
    {
        var apt = new FakeApt();
        var (installer, _, error) = Create(apt, root: false);

        Assert.False(await installer.EnsureInstalledAsync());
        Assert.Empty(apt.Calls);
        var said = error.ToString();
        Assert.Contains("sudo apt-get update", said, StringComparison.Ordinal);
        Assert.Contains("sudo apt-get install -y redis-server", said, StringComparison.Ordinal);
        Assert.True(said.IndexOf("apt-get update", StringComparison.Ordinal) < said.IndexOf("apt-get install", StringComparison.Ordinal), "update comes first");
    }

    [Fact]
    public async Task NoAptGet_SaysSo()
    {
        var (installer, _, error) = Create(new FakeApt(), root: true, hasApt: false);
        Assert.False(await installer.EnsureInstalledAsync());
        Assert.Contains("no apt-get", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task InstallFailsForAnotherReason_DoesNotUpdate_AndFailsWithTheCommands()
    {
        var apt = new FakeApt((100, "E: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process 4242 (apt-get)"));
        var (installer, _, error) = Create(apt);

        Assert.False(await installer.EnsureInstalledAsync());
        Assert.Equal(["install -y redis-server"], apt.Calls);
        Assert.Contains("exit code 100", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("sudo apt-get install -y redis-server", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UpdateFails_StopsThere()
    {
        var apt = new FakeApt((100, "E: Unable to locate package redis-server"), (100, "E: Failed to fetch"));
        var (installer, _, error) = Create(apt);
        Assert.False(await installer.EnsureInstalledAsync());
        Assert.Equal(["install -y redis-server", "update"], apt.Calls);
        Assert.Contains("apt-get update failed", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task InstallSucceedsButNoExecutable_Fails()
    {
        var apt = new FakeApt((0, "")) { InstallsOnSuccess = false };
        var (installer, _, error) = Create(apt);
        Assert.False(await installer.EnsureInstalledAsync());
        Assert.Contains("still not on PATH", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AlreadyInstalled_RunsNothing()
    {
        var apt = new FakeApt { Installed = true };
        var (installer, output, _) = Create(apt);
        Assert.True(await installer.EnsureInstalledAsync());
        Assert.Empty(apt.Calls);
        Assert.Equal("", output.ToString());
    }
}
