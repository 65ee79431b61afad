using System.Runtime.InteropServices;
using System.Text;
using Confluent.Kafka;

namespace Alerting.DevTools.Embedded;

/// <summary>
/// An in-process Kafka-protocol broker: librdkafka's built-in mock cluster, listening on real
/// 127.0.0.1 ports. Ordinary producers and consumers (and consumer groups, offset commits,
/// cooperative-sticky rebalances) work against it. For the demo and the integration tests only:
/// it keeps everything in memory and is gone when the process ends.
/// </summary>
/// <remarks>
/// Topics are created explicitly through librdkafka's C API (<c>rd_kafka_mock_topic_create</c>), since
/// the mock answers no admin CreateTopics; auto-created topics would get 4 partitions.
/// </remarks>
public sealed unsafe class EmbeddedKafkaCluster : IDisposable
{
    private const int RdKafkaProducer = 0;

    private static readonly Lock LoadLock = new();
    private static Native? _native;

    private IntPtr _client;
    private IntPtr _cluster;

    private EmbeddedKafkaCluster(IntPtr client, IntPtr cluster, string bootstrapServers)
    {
        _client = client;
        _cluster = cluster;
        BootstrapServers = bootstrapServers;
    }

    /// <summary>Comma-separated <c>127.0.0.1:port</c> listeners to give producers and consumers.</summary>
    public string BootstrapServers { get; }

    /// <summary>Starts a mock cluster of <paramref name="brokers"/> brokers.</summary>
    public static EmbeddedKafkaCluster Start(int brokers = 1)
    {
        var native = LoadNative();
        var errstr = stackalloc byte[512];
        var conf = native.ConfNew();
        // The owning handle has no bootstrap servers, so it never connects anywhere; it only hosts the cluster.
        SetConf(native, conf, "log_level", "3", errstr);
        var client = native.New(RdKafkaProducer, conf, errstr, 512);
        if (client == IntPtr.Zero)
            throw new InvalidOperationException($"rd_kafka_new failed: {Marshal.PtrToStringUTF8((IntPtr)errstr)}");
        var cluster = native.MockClusterNew(client, brokers);
        if (cluster == IntPtr.Zero)
        {
            native.Destroy(client);
            throw new InvalidOperationException("rd_kafka_mock_cluster_new failed");
        }
        var bootstraps = Marshal.PtrToStringUTF8(native.MockClusterBootstraps(cluster)) ?? throw new InvalidOperationException("mock cluster has no listeners");
        return new EmbeddedKafkaCluster(client, cluster, bootstraps);
    }

    /// <summary>Creates a topic with the given partition count (idempotent for an existing topic).</summary>
    public void CreateTopic(string topic, int partitions, int replicationFactor = 1)
    {
        ObjectDisposedException.ThrowIf(_cluster == IntPtr.Zero, this);
        var native = LoadNative();
        var bytes = Encoding.UTF8.GetBytes(topic + "\0");
        fixed (byte* name = bytes)
        {
            var err = native.MockTopicCreate(_cluster, name, partitions, replicationFactor);
            // RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS = 36
            if (err != 0 && err != 36)
                throw new InvalidOperationException($"rd_kafka_mock_topic_create({topic}, {partitions}) failed with error {err}");
        }
        // Wait until the topic is visible in metadata so consumers subscribe to all partitions.
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = BootstrapServers }).Build();
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var md = admin.GetMetadata(topic, TimeSpan.FromSeconds(5));
            var t = md.Topics.FirstOrDefault(x => x.Topic == topic);
            if (t is not null && t.Error.Code == ErrorCode.NoError && t.Partitions.Count == partitions) return;
            if (waited.Elapsed > TimeSpan.FromSeconds(10))
                throw new InvalidOperationException($"topic {topic} did not appear with {partitions} partitions");
        }
    }

    public void Dispose()
    {
        if (_client == IntPtr.Zero) return;
        // librdkafka asserts that a mock cluster is destroyed before the handle that owns it.
        var native = LoadNative();
        native.MockClusterDestroy(_cluster);
        native.Destroy(_client);
        _client = IntPtr.Zero;
        _cluster = IntPtr.Zero;
    }

    private static void SetConf(Native native, IntPtr conf, string name, string value, byte* errstr)
    {
        var n = Encoding.UTF8.GetBytes(name + "\0");
        var v = Encoding.UTF8.GetBytes(value + "\0");
        fixed (byte* pn = n)
        fixed (byte* pv = v)
        {
            if (native.ConfSet(conf, pn, pv, errstr, 512) != 0)
                throw new InvalidOperationException($"rd_kafka_conf_set({name}) failed: {Marshal.PtrToStringUTF8((IntPtr)errstr)}");
        }
    }

    private static Native LoadNative()
    {
        lock (LoadLock)
        {
            if (_native is not null) return _native;
            var dir = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native");
            // Prefer the build linked without libsasl2.so.3 (absent on Debian 12), then the default one.
            string[] candidates = [Path.Combine(dir, "centos8-librdkafka.so"), Path.Combine(dir, "librdkafka.so"), "librdkafka.so.1", "librdkafka"];
            var errors = new List<string>();
            foreach (var candidate in candidates)
            {
                try
                {
                    var handle = NativeLibrary.Load(candidate);
                    _native = new Native(handle);
                    return _native;
                }
                catch (DllNotFoundException ex)
                {
                    errors.Add($"{candidate}: {ex.Message}");
                }
            }
            throw new InvalidOperationException("librdkafka could not be loaded for the embedded Kafka cluster: " + string.Join("; ", errors));
        }
    }

    private sealed class Native
    {
        public readonly delegate* unmanaged<IntPtr> ConfNew;
        public readonly delegate* unmanaged<IntPtr, byte*, byte*, byte*, nuint, int> ConfSet;
        public readonly delegate* unmanaged<int, IntPtr, byte*, nuint, IntPtr> New;
        public readonly delegate* unmanaged<IntPtr, void> Destroy;
        public readonly delegate* unmanaged<IntPtr, int, IntPtr> MockClusterNew;
        public readonly delegate* unmanaged<IntPtr, IntPtr> MockClusterBootstraps;
        public readonly delegate* unmanaged<IntPtr, void> MockClusterDestroy;
        public readonly delegate* unmanaged<IntPtr, byte*, int, int, int> MockTopicCreate;

        public Native(IntPtr lib)
        {
            ConfNew = (delegate* unmanaged<IntPtr>)NativeLibrary.GetExport(lib, "rd_kafka_conf_new");
            ConfSet = (delegate* unmanaged<IntPtr, byte*, byte*, byte*, nuint, int>)NativeLibrary.GetExport(lib, "rd_kafka_conf_set");
            New = (delegate* unmanaged<int, IntPtr, byte*, nuint, IntPtr>)NativeLibrary.GetExport(lib, "rd_kafka_new");
            Destroy = (delegate* unmanaged<IntPtr, void>)NativeLibrary.GetExport(lib, "rd_kafka_destroy");
            MockClusterNew = (delegate* unmanaged<IntPtr, int, IntPtr>)NativeLibrary.GetExport(lib, "rd_kafka_mock_cluster_new");
            MockClusterBootstraps = (delegate* unmanaged<IntPtr, IntPtr>)NativeLibrary.GetExport(lib, "rd_kafka_mock_cluster_bootstraps");
            MockClusterDestroy = (delegate* unmanaged<IntPtr, void>)NativeLibrary.GetExport(lib, "rd_kafka_mock_cluster_destroy");
            MockTopicCreate = (delegate* unmanaged<IntPtr, byte*, int, int, int>)NativeLibrary.GetExport(lib, "rd_kafka_mock_topic_create");
        }
    }
}
