using System.Diagnostics;

namespace Alerting.IntegrationTests.Deploy;

/// <summary>
/// <c>dotnet publish src/Alerting.Worker -c Release</c> into a temp folder, once for the tests of the
/// "published worker" collection: exactly what deploy/Dockerfile copies into the production image.
/// </summary>
public sealed class PublishedWorker : IAsyncLifetime
{
    /// <summary>The publish folder (deleted after the collection).</summary>
    public string Folder { get; } = Directory.CreateTempSubdirectory("alerting-publish-").FullName;

    /// <summary>The worker's entry assembly in <see cref="Folder"/>.</summary>
    public string EntryDll => Path.Combine(Folder, "alerting.dll");

    public async Task InitializeAsync()
    {
        // The same command as deploy/Dockerfile's build stage.
        var psi = new ProcessStartInfo("dotnet", ["publish", Path.Combine(DeployFilesTests.RepoRoot(), "src", "Alerting.Worker", "Alerting.Worker.csproj"), "-c", "Release", "-o", Folder, "--nologo", "-v", "q"])
        { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await p.WaitForExitAsync(timeout.Token);
        Assert.True(p.ExitCode == 0, $"dotnet publish failed: {await stdout}{await stderr}");
    }

    public Task DisposeAsync()
    {
        Directory.Delete(Folder, true);
        return Task.CompletedTask;
    }
}

/// <summary>Tests sharing one publish of the worker (publishing takes a minute; do it once).</summary>
[CollectionDefinition(Name)]
public sealed class PublishedWorkerTestGroup : ICollectionFixture<PublishedWorker>
{
    public const string Name = "published worker";
}
