using System.Diagnostics;
using System.Globalization;
using Alerting.Core.Alerts;
using Alerting.Simulation;
using Alerting.Worker.Verbs;
using Alerting.DevTools.Embedded;
using Confluent.Kafka;
using StackExchange.Redis;

namespace Alerting.DevTools.Verbs;

/// <summary>
/// <c>loadgen</c>: realistic generated chat with labelled faults, written to a JSONL file (for replay),
/// produced to a Kafka topic, or pushed through an embedded broker + redis-server + worker and
/// evaluated against the ground truth in one go (<c>--embedded</c>, a full rehearsal).
/// </summary>
internal static class LoadGenVerb
{
    public static async Task<int> RunAsync(string[] args)
    {
        var a = new VerbArguments(args, "output", "kafka", "topic", "embedded", "ground-truth", "messages", "conversations-per-minute",
            "rate", "profile", "seed", "stores", "rude-rate", "wrong-promo-rate", "slow-rate", "unanswered-rate", "partitions", "min-precision", "min-recall", "backlog");
        var options = new SimulationOptions
        {
            Seed = (int)a.GetDouble("seed", 1),
            Conversations = null,
            MessageCount = (long)a.GetDouble("messages", 20_000),
            ConversationsPerMinute = a.GetDouble("conversations-per-minute", 120),
            Stores = (int)a.GetDouble("stores", 12),
        }.WithNewRuleFaults();
        if (a.Get("rude-rate") is not null) options.RudeReplyRate = Rate(a, "rude-rate");
        if (a.Get("wrong-promo-rate") is not null) options.WrongPromoRate = Rate(a, "wrong-promo-rate");
        if (a.Get("slow-rate") is not null) options.SlowReplyRate = Rate(a, "slow-rate");
        if (a.Get("unanswered-rate") is not null) options.UnansweredRate = Rate(a, "unanswered-rate");
        var profile = a.Get("profile") ?? "steady";
        if (profile is not ("steady" or "d11")) throw new UsageException($"--profile expects steady or d11, got '{profile}'");
        var rate = a.Get("rate") is null ? 0 : a.GetDouble("rate", 1000);
        var targets = new[] { a.Get("output") is not null, a.Get("kafka") is not null, a.Get("embedded") is not null }.Count(x => x);
        if (targets != 1) throw new UsageException("loadgen needs exactly one of --output chats.jsonl, --kafka BOOTSTRAP or --embedded true");

        ChatTrafficGenerator generator;
        try { generator = new ChatTrafficGenerator(options); }
        catch (ArgumentException ex) { throw new UsageException(ex.Message); }

        var groundTruth = a.Get("ground-truth")
            ?? (a.Get("output") is { } o ? Path.ChangeExtension(o, null) + ".expected.jsonl"
                : a.Get("embedded") is not null ? Path.Combine(Path.GetTempPath(), $"alerting-expected-{Environment.ProcessId}.jsonl") : "expected-alerts.jsonl");
        using var stop = new CancellationTokenSource();
        using var signals = ShutdownSignals.CancelOnSignals(stop);

        if (a.Get("output") is { } output)
        {
            var run = generator.CreateRun();
            var clock = Stopwatch.StartNew();
            using (var file = File.Create(output))
            using (var progress = new ProgressBar(options.MessageCount!.Value))
            {
                foreach (var m in run.Messages)
                {
                    file.Write(m.Utf8Json);
                    file.WriteByte((byte)'\n');
                    progress.Tick(m.Fault);
                    if (stop.IsCancellationRequested) break;
                }
            }
            var written = GroundTruthFile.Write(groundTruth, WithBatches(run.ExpectedAlertsDueBy(run.LastSentAt ?? options.Start)));
            var rules = Path.ChangeExtension(output, null) + ".rules.json";
            await File.WriteAllTextAsync(rules, DemoVerb.DemoRulesJson(generator.Promotions));
            Report(run, clock.Elapsed, output, groundTruth, written);
            Console.Error.WriteLine($"rules config with the generated stores' promotions: {rules}");
            Console.Error.WriteLine($"next: alerting replay --input {output} --config {rules} --output alerts.jsonl && alerting-dev evaluate --ground-truth {groundTruth} --alerts alerts.jsonl");
            return 0;
        }

        if (a.Get("kafka") is { } bootstrap)
        {
            var topic = a.Get("topic") ?? "chat.messages";
            var run = generator.CreateRun();
            var clock = Stopwatch.StartNew();
            Produce(bootstrap, topic, run.Messages, options.MessageCount!.Value, rate, profile, stop.Token);
            var written = GroundTruthFile.Write(groundTruth, WithBatches(run.ExpectedAlertsDueBy(run.LastSentAt ?? options.Start)));
            Report(run, clock.Elapsed, $"{bootstrap} topic {topic}", groundTruth, written);
            return 0;
        }

        return await RehearseAsync(generator, options, rate, profile, (int)a.GetDouble("partitions", 8), groundTruth,
            a.GetDouble("min-precision", 0.99), a.GetDouble("min-recall", 0.99), a.Get("backlog") is "true", stop.Token);
    }

    /// <summary>
    /// The whole path on one machine. Live mode (default): traffic is produced while the worker runs
    /// (at <c>--rate</c>, shaped by <c>--profile</c>) and the latency from produce to the alert's stream
    /// entry is measured for alerts a record raises at once. Backlog mode: everything is produced first,
    /// then a bare Confluent.Kafka consume loop and the worker each drain it, and both rates are printed.
    /// Either way the alerts in Redis are evaluated against the ground truth.
    /// </summary>
    private static async Task<int> RehearseAsync(ChatTrafficGenerator generator, SimulationOptions options, double rate, string profile, int partitions,
        string groundTruth, double minPrecision, double minRecall, bool backlog, CancellationToken ct)
    {
        if (!await DemoVerb.EnsureRedisInstalledAsync()) return 1;
        var fitting = PartitionsThatFit(options.MessageCount!.Value);
        if (backlog && partitions < fitting)
        {
            // The embedded broker (librdkafka's mock cluster) keeps at most 5 MB or 100,000 batches per
            // partition and silently deletes the oldest: a backlog larger than that would lose its start.
            Console.Error.WriteLine($"note: {options.MessageCount} records do not fit in {partitions} partitions of the embedded broker (5 MB each); using {fitting}");
            partitions = fitting;
        }
        Console.Error.WriteLine($"Rehearsal ({(backlog ? "backlog" : "live")}): embedded broker + redis-server + worker, {partitions} partitions …");
        await using var stack = await EmbeddedStack.StartAsync(generator.Promotions, partitions, ct, startWorker: !backlog);
        // Live: the worker owns its partitions before traffic starts (joining the group is not latency).
        while (!backlog && stack.Status.AssignedPartitions == 0 && !ct.IsCancellationRequested) await Task.Delay(5, ct);
        var run = generator.CreateRun();
        var producedAt = new Dictionary<string, long>(StringComparer.Ordinal);
        var clock = Stopwatch.StartNew();
        Produce(stack.Kafka.BootstrapServers, EmbeddedStack.Topic, run.Messages, options.MessageCount!.Value, rate, profile, ct,
            backlog ? null : (id, unixMs) => producedAt[id] = unixMs);
        var produceTime = clock.Elapsed;
        var produced = run.MessageCount;
        if (backlog && LostAtStart(stack.Kafka.BootstrapServers, EmbeddedStack.Topic) is > 0 and var lost)
        {
            Console.Error.WriteLine($"error: the embedded broker already deleted the first {lost} records (its per-partition log limit); rerun with more --partitions");
            return 1;
        }

        double? bareRate = null;
        if (backlog)
        {
            bareRate = BareConsumeRate(stack.Kafka.BootstrapServers, EmbeddedStack.Topic, produced);
            await stack.StartWorkerAsync(ct);
            // Like the bare loop's clock, the worker's starts when it owns partitions: joining the
            // group (the broker's initial rebalance delay) is not consumption.
            while (stack.Status.AssignedPartitions == 0 && !ct.IsCancellationRequested) await Task.Delay(5, ct);
            clock.Restart();
        }
        var gcBefore = GcFigures.Now();
        Console.Error.WriteLine($"waiting for the worker to process {produced} records …");
        // Never wait silently: progress every 10 s, and a stall of 60 s (nothing processed) ends the run with the numbers.
        long lastSeen = -1;
        var lastProgress = Stopwatch.StartNew();
        var lastReport = Stopwatch.StartNew();
        while (stack.Status.Records < produced && !ct.IsCancellationRequested)
        {
            await Task.Delay(20, ct);
            var seen = stack.Status.Records;
            if (seen != lastSeen) { lastSeen = seen; lastProgress.Restart(); }
            if (lastReport.Elapsed >= TimeSpan.FromSeconds(10))
            {
                lastReport.Restart();
                Console.Error.WriteLine($"  worker: {seen} of {produced} records, {stack.Status.DeadLettered} dead-lettered, {stack.Status.AssignedPartitions} partitions assigned");
            }
            if (lastProgress.Elapsed >= TimeSpan.FromSeconds(60))
            {
                Console.Error.WriteLine($"error: the worker processed nothing for 60 s and stopped at {seen} of {produced} records ({stack.Status.AssignedPartitions} partitions assigned, paused for backpressure: {stack.Status.PausedForBackpressure})");
                return 1;
            }
        }
        var processed = clock.Elapsed;
        var gc = GcFigures.Now() - gcBefore;
        // Quiet partitions follow the wall clock from their last record: give them the allowed
        // disorder (plus a tick) to reach the final clock, so deadlines due by then have fired.
        await Task.Delay(stack.Rules.Current.AllowedDisorder + TimeSpan.FromSeconds(1.5), ct);
        var until = run.LastSentAt ?? options.Start;
        var expected = WithBatches(run.ExpectedAlertsDueBy(until));
        GroundTruthFile.Write(groundTruth, expected);

        await using var redis = await ConnectionMultiplexer.ConnectAsync(stack.Redis.ConnectionString + ",allowAdmin=true");
        var redisBusy = await RedisCommandTimes.ReadAsync(redis);
        var entries = await EvaluateVerb.ReadStreamEntriesAsync(redis);
        var alerts = entries.Select(e => e.Alert).ToList();
        var scores = Evaluation.Compare(expected, alerts, until);
        if (backlog)
        {
            var workerRate = produced / processed.TotalSeconds;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"backlog of {produced} records: bare consume loop {bareRate:0} msg/s, worker (parse, rules, Redis, checkpoints, commits) {workerRate:0} msg/s, ratio {workerRate / bareRate:0.00}"));
            var st = stack.Status;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"worker time: Consume {st.ConsumeTime.TotalSeconds:0.00}s, parse+rules {st.HandleTime.TotalSeconds:0.00}s; in {st.Flushes} batch flushes: dead letters {st.DeadLetterTime.TotalSeconds:0.00}s, alert writes {st.SinkTime.TotalSeconds:0.00}s, checkpoints {st.CheckpointTime.TotalSeconds:0.00}s of {processed.TotalSeconds:0.00}s"));
            Console.WriteLine("write stages: " + string.Join(", ", st.StageTimes.OrderBy(t => t.Key, StringComparer.Ordinal)
                .Select(t => string.Create(CultureInfo.InvariantCulture, $"{t.Key} {t.Value.TotalSeconds:0.00}s"))));
            Console.WriteLine($"garbage collection meanwhile (whole process): {gc}");
            Console.WriteLine($"redis-server time by command (whole run): {redisBusy}");
        }
        else
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{produced} records produced in {produceTime.TotalSeconds:0.0}s ({produced / produceTime.TotalSeconds:0} msg/s offered), all processed after {processed.TotalSeconds:0.0}s"));
            PrintLatency(entries, producedAt);
        }
        var memory = (await redis.GetServers()[0].InfoAsync("memory")).SelectMany(g => g).FirstOrDefault(kv => kv.Key == "used_memory").Value;
        Console.WriteLine($"{alerts.Count} alert events in Redis (used_memory {memory} B: streams, dedupe keys, counters, checkpoints); ground truth {groundTruth}");
        foreach (var (rule, count) in Evaluation.Unscored(alerts))
            Console.WriteLine($"not in the ground truth (not scored): {rule} {count} alert(s)");
        Console.WriteLine(Evaluation.Format(scores));
        return EvaluateVerb.Verdict(scores, minPrecision, minRecall);
    }

    /// <summary>The labelled alerts plus the batch alerts they imply (default batch options).</summary>
    private static List<ExpectedAlert> WithBatches(IEnumerable<ExpectedAlert> expected)
    {
        var list = expected.ToList();
        list.AddRange(GroundTruthBatches.Derive(list));
        return list;
    }

    /// <summary>
    /// Produce → durable stream entry, for alerts raised by a record itself (rude, wrong promotion,
    /// forbidden claim: the first message; slow response: the reply). Deadline alerts are left out:
    /// they fire on the event-time clock, not on a record.
    /// </summary>
    private static void PrintLatency(IReadOnlyList<(Alert Alert, long EntryUnixMs)> entries, Dictionary<string, long> producedAt)
    {
        var latencies = new List<double>();
        foreach (var (alert, entryMs) in entries)
        {
            if (alert.Status != AlertStatus.Firing || alert.Rule == "unanswered_buyer" || alert.MessageIds.Count == 0) continue;
            var trigger = alert.Rule == "slow_response" && alert.MessageIds.Count > 1 ? alert.MessageIds[1] : alert.MessageIds[0];
            if (producedAt.TryGetValue(trigger, out var sent)) latencies.Add(entryMs - sent);
        }
        if (latencies.Count == 0) { Console.WriteLine("latency: no record-triggered alerts to measure"); return; }
        latencies.Sort();
        double P(double q) => latencies[Math.Min(latencies.Count - 1, (int)Math.Ceiling(q * latencies.Count) - 1)];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"alert latency, produce → stream entry ({latencies.Count} alerts): p50 {P(0.50):0} ms, p90 {P(0.90):0} ms, p99 {P(0.99):0} ms, max {latencies[^1]:0} ms"));
    }

    /// <summary>Partitions the embedded broker needs to hold <paramref name="messages"/> records (about 300 B each, 4 MB per partition to stay clear of its 5 MB limit).</summary>
    internal static int PartitionsThatFit(long messages) => (int)Math.Clamp(Math.Ceiling(messages * 300.0 / (4 << 20)), 1, 256);

    /// <summary>Records the broker no longer has at the start of the topic's partitions (their log start offsets, summed).</summary>
    private static long LostAtStart(string bootstrap, string topic)
    {
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(new ConsumerConfig { BootstrapServers = bootstrap, GroupId = "lost-" + Guid.NewGuid().ToString("N") }).Build();
        using var admin = new DependentAdminClientBuilder(consumer.Handle).Build();
        var metadata = admin.GetMetadata(topic, TimeSpan.FromSeconds(10));
        long lost = 0;
        foreach (var p in metadata.Topics[0].Partitions)
            lost += Math.Max(0, consumer.QueryWatermarkOffsets(new TopicPartition(topic, p.PartitionId), TimeSpan.FromSeconds(10)).Low.Value);
        return lost;
    }

    /// <summary>A plain Confluent.Kafka consume loop over the same topic (new group): the yardstick.</summary>
    private static double BareConsumeRate(string bootstrap, string topic, long count)
    {
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(new ConsumerConfig
        {
            BootstrapServers = bootstrap, GroupId = "bare-" + Guid.NewGuid().ToString("N"), AutoOffsetReset = AutoOffsetReset.Earliest, EnableAutoCommit = false,
        }).Build();
        consumer.Subscribe(topic);
        long n = 0;
        Stopwatch? clock = null;
        var deadline = Stopwatch.StartNew();
        while (n < count && deadline.Elapsed < TimeSpan.FromMinutes(5))
        {
            var r = consumer.Consume(TimeSpan.FromMilliseconds(100));
            if (r is null || r.IsPartitionEOF) continue;
            clock ??= Stopwatch.StartNew(); // from the first record: group join is not consumption
            n++;
        }
        var rate = n / Math.Max((clock?.Elapsed ?? TimeSpan.Zero).TotalSeconds, 1e-9);
        consumer.Close();
        return rate;
    }

    private static void Produce(string bootstrap, string topic, IEnumerable<SimulatedMessage> messages, long total, double rate, string profile, CancellationToken ct,
        Action<string, long>? onProduced = null)
    {
        using var producer = new ProducerBuilder<string, byte[]>(new ProducerConfig { BootstrapServers = bootstrap, LingerMs = 1, Acks = Acks.All, BatchSize = 1 << 20 }).Build();
        using var progress = new ProgressBar(total);
        var clock = Stopwatch.StartNew();
        double due = 0; // seconds at which the next message is due (0 rate: as fast as possible)
        long n = 0;
        foreach (var m in messages)
        {
            if (ct.IsCancellationRequested) break;
            if (rate > 0)
            {
                due += 1 / (rate * Multiplier(profile, (double)n / total));
                var ahead = due - clock.Elapsed.TotalSeconds;
                if (ahead > 0.002) Thread.Sleep(TimeSpan.FromSeconds(ahead));
            }
            while (true)
            {
                try
                {
                    producer.Produce(topic, new Message<string, byte[]> { Key = m.Key, Value = m.Utf8Json });
                    onProduced?.Invoke(m.Message.MessageId, TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds());
                    break;
                }
                catch (ProduceException<string, byte[]> ex) when (ex.Error.Code == ErrorCode.Local_QueueFull)
                {
                    producer.Poll(TimeSpan.FromMilliseconds(50));
                }
            }
            n++;
            progress.Tick(m.Fault);
        }
        producer.Flush(TimeSpan.FromSeconds(60));
    }

    /// <summary>
    /// Rate multiplier of a traffic shape at progress <paramref name="p"/> (0..1). <c>d11</c>: the base rate,
    /// then at 20% a ramp to 8× (Double 11 at 00:00) held until 35%, then an exponential decay towards 1.5×.
    /// </summary>
    internal static double Multiplier(string profile, double p) => profile switch
    {
        "d11" when p < 0.20 => 1,
        "d11" when p < 0.25 => 1 + 7 * (p - 0.20) / 0.05,
        "d11" when p < 0.35 => 8,
        "d11" => 1.5 + 6.5 * Math.Exp(-(p - 0.35) / 0.15),
        _ => 1,
    };

    private static double Rate(VerbArguments a, string name)
    {
        var raw = a.Get(name)!;
        return double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v is >= 0 and <= 1
            ? v : throw new UsageException($"--{name} expects a fraction between 0 and 1, got '{raw}'");
    }

    private static void Report(SimulationRun run, TimeSpan elapsed, string target, string groundTruth, int expected)
        => Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{run.MessageCount} messages in {run.ConversationCount} conversations to {target} in {elapsed.TotalSeconds:0.00}s ({run.MessageCount / Math.Max(elapsed.TotalSeconds, 1e-9):0} msg/s); {expected} expected alerts in {groundTruth}; final clock {AlertJson.FormatTime(run.LastSentAt ?? default)}"));

    /// <summary>A one-line progress bar on stderr: done/total, rate, injected faults.</summary>
    private sealed class ProgressBar(long total) : IDisposable
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private readonly Dictionary<SimulatedFault, long> _faults = [];
        private long _done;
        private TimeSpan _lastDraw = TimeSpan.FromSeconds(-1);

        public void Tick(SimulatedFault fault)
        {
            _done++;
            if (fault != SimulatedFault.None) _faults[fault] = _faults.GetValueOrDefault(fault) + 1;
            if (_clock.Elapsed - _lastDraw >= TimeSpan.FromMilliseconds(250)) Draw();
        }

        private void Draw()
        {
            _lastDraw = _clock.Elapsed;
            var fraction = total > 0 ? Math.Min(1, (double)_done / total) : 0;
            var bar = new string('#', (int)(fraction * 30)).PadRight(30);
            var faults = string.Join(" ", _faults.OrderBy(f => f.Key).Select(f => $"{f.Key}:{f.Value}"));
            Console.Error.Write(string.Create(CultureInfo.InvariantCulture,
                $"\r[{bar}] {fraction,4:P0} {_done}/{total} msgs  {_done / Math.Max(_clock.Elapsed.TotalSeconds, 1e-9),8:0} msg/s  faults {faults}   "));
        }

        public void Dispose()
        {
            Draw();
            Console.Error.WriteLine();
        }
    }
}
