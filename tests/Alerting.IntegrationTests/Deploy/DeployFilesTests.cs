using System.Reflection;
using System.Text.RegularExpressions;
using Alerting.Core.Config;
using Alerting.InspectorConsole;
using Alerting.Kafka;
using Alerting.Redis;

namespace Alerting.IntegrationTests.Deploy;

/// <summary>
/// What can be checked of deploy/ without a Docker engine: every setting the compose file and the
/// manifests pass exists in the code, the images start the assemblies the build produces, and the
/// example configs validate.
/// </summary>
public sealed partial class DeployFilesTests
{
    internal static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Alerting.sln"))) return dir.FullName;
        throw new InvalidOperationException("repository root (Alerting.sln) not found above " + AppContext.BaseDirectory);
    }

    private static string Deploy(string path) => Path.Combine(RepoRoot(), "deploy", path);

    [GeneratedRegex(@"ALERTING_([A-Za-z0-9_]+)")]
    private static partial Regex EnvName();

    private static readonly Dictionary<string, Type> Sections = new(StringComparer.Ordinal)
    {
        ["Kafka"] = typeof(KafkaOptions),
        ["Redis"] = typeof(RedisAlertingOptions),
        ["Console"] = typeof(ConsoleOptions),
    };

    [Theory]
    [InlineData("compose.yaml")]
    [InlineData("compose.cluster.yaml")]
    [InlineData("k8s/deployment.yaml")]
    [InlineData("Dockerfile")]
    [InlineData("Dockerfile.console")]
    public void EveryEnvironmentSetting_NamesARealSetting(string file)
    {
        var names = EnvName().Matches(File.ReadAllText(Deploy(file))).Select(m => m.Groups[1].Value).Distinct().ToList();
        Assert.NotEmpty(names);
        foreach (var name in names)
        {
            if (name == "CONFIG") continue; // ALERTING_CONFIG: the config folder of `alerting run`
            var parts = name.Split("__");
            // A list item (Console__TrustedProxies__0) names the list setting.
            if (parts.Length == 3 && int.TryParse(parts[2], out _)) parts = parts[..2];
            Assert.True(parts.Length == 2 && Sections.TryGetValue(parts[0], out var type), $"{file}: ALERTING_{name} is not a known section");
            Assert.True(Sections[parts[0]].GetProperty(parts[1], BindingFlags.Public | BindingFlags.Instance) is not null,
                $"{file}: ALERTING_{name}: {parts[0]} has no setting '{parts[1]}'");
        }
    }

    [Fact]
    public void Images_StartTheAssembliesTheBuildProduces()
    {
        Assert.Contains($"\"/app/{typeof(Alerting.Worker.Hosting.WorkerHost).Assembly.GetName().Name}.dll\"", File.ReadAllText(Deploy("Dockerfile")), StringComparison.Ordinal);
        Assert.Contains($"\"/app/{typeof(ConsoleOptions).Assembly.GetName().Name}.dll\"", File.ReadAllText(Deploy("Dockerfile.console")), StringComparison.Ordinal);
        Assert.Contains("src/Alerting.Worker/Alerting.Worker.csproj", File.ReadAllText(Deploy("Dockerfile")), StringComparison.Ordinal);
        // The rehearsal image runs the developer tool; the worker image never does.
        Assert.Contains($"\"/app/{typeof(Alerting.DevTools.Verbs.DevCommandLine).Assembly.GetName().Name}.dll\"", File.ReadAllText(Deploy("Dockerfile.dev")), StringComparison.Ordinal);
        Assert.DoesNotContain("DevTools", File.ReadAllText(Deploy("Dockerfile")).Split('\n').Where(l => l.StartsWith("RUN", StringComparison.Ordinal)).Aggregate("", string.Concat), StringComparison.Ordinal);
        Assert.Contains("8080", File.ReadAllText(Deploy("Dockerfile")), StringComparison.Ordinal);
        Assert.Equal("http://0.0.0.0:8080", Alerting.Worker.Hosting.WorkerHost.DefaultHttpUrls);
    }

    [Fact]
    public void ExampleConfigs_Validate()
    {
        var (snapshot, problems, _) = ConfigFiles.LoadRules(Deploy("config"));
        Assert.True(snapshot is not null, string.Join("; ", problems));
        // The ConfigMap carries the same rules layer (same JSON, indented under its key).
        var configMap = File.ReadAllText(Deploy("k8s/configmap.yaml"));
        var embedded = configMap[(configMap.IndexOf("10-rules.json: |", StringComparison.Ordinal) + "10-rules.json: |".Length)..];
        Assert.True(System.Text.Json.Nodes.JsonNode.DeepEquals(
            System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(Deploy("config"), "10-rules.json"))),
            System.Text.Json.Nodes.JsonNode.Parse(embedded)), "deploy/k8s/configmap.yaml must embed deploy/config/10-rules.json");
        // The example shows every kind of rule an ops team tunes during a sale.
        var store = snapshot!.ForShop("shop-a");
        Assert.True(store.AgentResponseRate.Enabled);
        Assert.False(store.IsOpen(new DateTimeOffset(2026, 11, 11, 3, 0, 0, TimeSpan.FromHours(8))));
        var promotions = Assert.IsType<Alerting.Core.Rules.PromotionAnswers.WrongPromoAnswerRule>(store.Rules.Single(r => r.Name == "wrong_promo_answer"));
        Assert.Equal(["d11-main", "d11-presale"], promotions.Promotions.Select(p => p.Id));
    }

    /// <summary>The lines of one top-level service of compose.yaml (indented under it).</summary>
    private static string ComposeService(string name)
    {
        var lines = File.ReadAllLines(Deploy("compose.yaml"));
        var start = Array.IndexOf(lines, $"  {name}:");
        Assert.True(start >= 0, $"compose.yaml has no service {name}");
        var block = lines.Skip(start + 1).TakeWhile(l => l.Length == 0 || l.StartsWith("    ", StringComparison.Ordinal) || l.StartsWith('#'));
        return string.Join('\n', block);
    }

    [Fact]
    public void Compose_PublishesNeitherRedisNorKafka_AndTheRestOnLoopbackOnly()
    {
        Assert.DoesNotContain("ports:", ComposeService("redis"), StringComparison.Ordinal);
        Assert.DoesNotContain("ports:", ComposeService("kafka"), StringComparison.Ordinal);
        Assert.DoesNotContain("ports:", ComposeService("console"), StringComparison.Ordinal);
        foreach (var m in Regex.Matches(File.ReadAllText(Deploy("compose.yaml")), @"ports:\s*\[([^\]]*)\]").Cast<Match>())
            foreach (var port in m.Groups[1].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                Assert.StartsWith("\"127.0.0.1:", port, StringComparison.Ordinal);
    }

    [Fact]
    public void Compose_RedisRunsTheAclFile_AndEachClientLogsInAsItsOwnUser()
    {
        var redis = ComposeService("redis");
        Assert.Contains("--aclfile /tmp/users.acl", redis, StringComparison.Ordinal);
        Assert.Contains("./redis/users.acl:/etc/redis/users.acl.template:ro", redis, StringComparison.Ordinal);
        Assert.Contains("user=worker,password=${REDIS_WORKER_PASSWORD:?", ComposeService("worker"), StringComparison.Ordinal);
        Assert.Contains("user=console,password=${REDIS_CONSOLE_PASSWORD:?", ComposeService("console"), StringComparison.Ordinal);
        var acl = File.ReadAllLines(Deploy("redis/users.acl"));
        Assert.Contains("user default off", acl);
        Assert.Contains(acl, l => l.StartsWith("user worker on #@WORKER_PASSWORD_SHA256@ ", StringComparison.Ordinal));
        Assert.Contains(acl, l => l.StartsWith("user console on #@CONSOLE_PASSWORD_SHA256@ ", StringComparison.Ordinal));
        // The console trusts exactly the proxy's fixed address.
        Assert.Contains("ALERTING_Console__TrustedProxies__0: 172.28.0.10", ComposeService("console"), StringComparison.Ordinal);
        Assert.Contains("ipv4_address: 172.28.0.10", ComposeService("proxy"), StringComparison.Ordinal);
    }

    [Fact]
    public void Probes_PointAtTheWorkersEndpoints()
    {
        var deployment = File.ReadAllText(Deploy("k8s/deployment.yaml"));
        Assert.Contains("path: /healthz", deployment, StringComparison.Ordinal);
        Assert.Contains("path: /readyz", deployment, StringComparison.Ordinal);
        Assert.Contains("containerPort: 8080", deployment, StringComparison.Ordinal);
    }
}
