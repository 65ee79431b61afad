using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;
using Alerting.Kafka;
using Alerting.Worker.Verbs;

namespace Alerting.IntegrationTests.Deploy;

/// <summary>
/// The production image holds the worker's run path only: no simulator, no demo or load generator,
/// no console, no host for librdkafka's mock broker. Checked on the assembly graph (fast) and on the
/// real <c>dotnet publish</c> output that deploy/Dockerfile copies into the image.
/// </summary>
[Collection(PublishedWorkerTestGroup.Name)]
public sealed class ProductionImageContentsTests(PublishedWorker published)
{
    /// <summary>Assemblies that must never be in the production image.</summary>
    private static readonly string[] ForbiddenAssemblies = ["Alerting.Simulation", "alerting-dev", "alerting-console"];

    /// <summary>Namespaces of developer-only code.</summary>
    private static readonly string[] ForbiddenNamespaces = ["Alerting.Simulation", "Alerting.DevTools", "Alerting.InspectorConsole"];

    /// <summary>Type names of the demo, the rehearsal and the embedded stack (whatever namespace they might move to).</summary>
    private static readonly string[] ForbiddenTypes =
        ["DemoVerb", "LoadGenVerb", "EvaluateVerb", "EmbeddedStack", "EmbeddedKafkaCluster", "LocalRedisServer", "ChatTrafficGenerator"];

    [Fact]
    public void WorkerAssemblyGraph_ReferencesNeitherSimulatorNorDevToolsNorConsole()
    {
        var seen = new Dictionary<string, AssemblyName>(StringComparer.Ordinal);
        var queue = new Queue<Assembly>([typeof(Alerting.Worker.Hosting.WorkerHost).Assembly]);
        seen["alerting"] = queue.Peek().GetName();
        while (queue.Count > 0)
        {
            foreach (var reference in queue.Dequeue().GetReferencedAssemblies())
            {
                if (!seen.TryAdd(reference.Name!, reference)) continue;
                // Only our own assemblies can pull developer code in; the framework and packages end the walk.
                if (reference.Name!.StartsWith("Alerting.", StringComparison.Ordinal) || reference.Name.StartsWith("alerting", StringComparison.Ordinal))
                    queue.Enqueue(Assembly.Load(reference));
            }
        }
        // The walk really followed the worker's own references.
        Assert.Contains("Alerting.Kafka", seen.Keys);
        Assert.Contains("Alerting.Redis", seen.Keys);
        Assert.Contains("Alerting.Core", seen.Keys);
        foreach (var name in ForbiddenAssemblies) Assert.DoesNotContain(name, seen.Keys);
    }

    [Fact]
    public void PublishOutput_HoldsNoSimulatorDemoOrMockBrokerCode()
    {
        var dlls = Directory.GetFiles(published.Folder, "*.dll", SearchOption.AllDirectories);
        Assert.Contains(dlls, d => Path.GetFileName(d) == "alerting.dll");
        Assert.Contains(dlls, d => Path.GetFileName(d) == "Alerting.Kafka.dll");
        foreach (var name in ForbiddenAssemblies)
            Assert.DoesNotContain(dlls, d => Path.GetFileNameWithoutExtension(d).Equals(name, StringComparison.OrdinalIgnoreCase));

        var inspected = 0;
        foreach (var dll in dlls)
        {
            using var stream = File.OpenRead(dll);
            using var pe = new PEReader(stream);
            if (!pe.HasMetadata) continue; // native code (librdkafka itself ships the mock; nothing managed here starts it)
            var md = pe.GetMetadataReader();
            inspected++;
            var file = Path.GetFileName(dll);
            foreach (var handle in md.AssemblyReferences)
            {
                var reference = md.GetString(md.GetAssemblyReference(handle).Name);
                Assert.False(ForbiddenAssemblies.Contains(reference, StringComparer.OrdinalIgnoreCase), $"{file} references {reference}");
            }
            foreach (var handle in md.TypeDefinitions)
            {
                var type = md.GetTypeDefinition(handle);
                var ns = md.GetString(type.Namespace);
                var name = md.GetString(type.Name);
                Assert.False(ForbiddenNamespaces.Any(f => ns.StartsWith(f, StringComparison.Ordinal)), $"{file} defines {ns}.{name}");
                Assert.False(ForbiddenTypes.Contains(name, StringComparer.Ordinal), $"{file} defines {ns}.{name}");
            }
            // The mock cluster is started through rd_kafka_mock_cluster_new: no managed code in the image
            // names it, neither as a P/Invoke entry point nor as a string looked up at run time.
            foreach (var handle in md.MethodDefinitions)
            {
                var import = md.GetMethodDefinition(handle).GetImport();
                if (import.Module.IsNil) continue;
                var entry = md.GetString(import.Name);
                Assert.False(entry.StartsWith("rd_kafka_mock", StringComparison.Ordinal), $"{file} imports {entry}");
            }
            var offset = 1;
            var size = md.GetHeapSize(HeapIndex.UserString);
            while (offset < size)
            {
                var handle = MetadataTokens.UserStringHandle(offset);
                var text = md.GetUserString(handle);
                Assert.False(text.Contains("rd_kafka_mock", StringComparison.Ordinal), $"{file} names {text}");
                var next = md.GetNextHandle(handle);
                if (next.IsNil) break;
                offset = MetadataTokens.GetHeapOffset(next);
            }
        }
        Assert.True(inspected >= 5, $"only {inspected} managed assemblies inspected in {published.Folder}");
    }

    [Theory]
    [InlineData("demo")]
    [InlineData("loadgen")]
    [InlineData("evaluate")]
    public async Task ProductionExecutable_RefusesDeveloperVerbs(string verb)
        => Assert.Equal(2, await CommandLine.DispatchAsync([verb]));

    [Theory]
    [InlineData("Consumer", "test.mock.num.brokers")]
    [InlineData("Producer", "TEST.MOCK.num.brokers")]
    public void KafkaConfig_RefusesLibrdkafkasMockBroker(string section, string key)
    {
        var options = new KafkaOptions { BootstrapServers = "kafka-1:9092" };
        (section == "Consumer" ? options.Consumer : options.Producer)[key] = "3";
        var problem = Assert.Single(options.Validate());
        Assert.Equal($"Kafka:{section}:{key}", problem.Path);
    }
}
