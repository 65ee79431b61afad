using System.Diagnostics;
using System.Globalization;
using Alerting.Core.Alerts;
using Alerting.Simulation;
using Alerting.Worker.Embedded;
using Confluent.Kafka;
using StackExchange.Redis;

namespace Alerting.Worker.Verbs;

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
            "rate", "profile", "seed", "stores", "rude-rate", "wrong-promo-rate", "slow-rate", "unanswered-rate", "partitions", "min-precision", "min-recall");
        var options = new SimulationOptions
        {
            Seed = (int)a.GetDouble("seed", 1),
            Conversations = null,
            MessageCount = (long)a.GetDouble("messages", 20_000),
            ConversationsPerMinute = a.GetDouble("conversations-per-minute", 120),
            Stores = (int)a.GetDouble("stores", 12),
        };
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

        var groundTruth = a.Get("ground-truth") ?? (a.Get("output") is { } o ? Path.ChangeExtension(o, null) + ".expected.jsonl" : "expected-alerts.jsonl");
        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };

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
            var written = GroundTruthFile.Write(groundTruth, run.ExpectedAlertsDueBy(run.LastSentAt ?? options.Start));
            var rules = Path.ChangeExtension(output, null) + ".rules.json";
            await File.WriteAllTextAsync(rules, DemoVerb.DemoRulesJson(generator.Promotions));
            Report(run, clock.Elapsed, output, groundTruth, written);
            Console.Error.WriteLine($"rules config with the generated stores' promotions: {rules}");
            Console.Error.WriteLine($"next: alerting replay --input {output} --config {rules} --output alerts.jsonl && alerting evaluate --ground-truth {groundTruth} --alerts alerts.jsonl");
            return 0;
        }

        if (a.Get("kafka") is { } bootstrap)
        {
            var topic = a.Get("topic") ?? "chat.messages";
            var run = generator.CreateRun();
            var clock = Stopwatch.StartNew();
            Produce(bootstrap, topic, run.Messages, options.MessageCount!.Value, rate, profile, stop.Token);
            var written = GroundTruthFile.Write(groundTruth, run.ExpectedAlertsDueBy(run.LastSentAt ?? options.Start));
            Report(run, clock.Elapsed, $"{bootstrap} topic {topic}", groundTruth, written);
            return 0;
        }

        return await RehearseAsync(generator, options, rate, profile, (int)a.GetDouble("partitions", 8), groundTruth,
            a.GetDouble("min-precision", 0.99), a.GetDouble("min-recall", 0.99), stop.Token);
    }

    private static async Task<int> RehearseAsync(ChatTrafficGenerator generator, SimulationOptions options, double rate, string profile, int partitions,
        string groundTruth, double minPrecision, double minRecall, CancellationToken ct)
    {
        if (!await DemoVerb.EnsureRedisInstalledAsync()) return 1;
        Console.Error.WriteLine("Rehearsal: embedded broker + redis-server + worker …");
        await using var stack = await EmbeddedStack.StartAsync(generator.Promotions, partitions, ct);
        var run = generator.CreateRun();
        var clock = Stopwatch.StartNew();
        Produce(stack.Kafka.BootstrapServers, EmbeddedStack.Topic, run.Messages, options.MessageCount!.Value, rate, profile, ct);
        var produced = run.MessageCount;
        Console.Error.WriteLine($"waiting for the worker to process {produced} records …");
        while (stack.Status.Records < produced && !ct.IsCancellationRequested) await Task.Delay(100, ct);
        var processed = clock.Elapsed;
        var until = run.LastSentAt ?? options.Start;
        var expected = run.ExpectedAlertsDueBy(until).ToList();
        GroundTruthFile.Write(groundTruth, expected);

        await using var redis = await ConnectionMultiplexer.ConnectAsync(stack.Redis.ConnectionString);
        var alerts = await EvaluateVerb.ReadStreamsAsync(redis);
        var scores = Evaluation.Compare(expected, alerts, until);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{produced} messages produced and processed in {processed.TotalSeconds:0.0}s ({produced / processed.TotalSeconds:0} msg/s end to end); {alerts.Count} alert events in Redis; ground truth {groundTruth}"));
        Console.WriteLine(Evaluation.Format(scores));
        return EvaluateVerb.Verdict(scores, minPrecision, minRecall);
    }

    private static void Produce(string bootstrap, string topic, IEnumerable<SimulatedMessage> messages, long total, double rate, string profile, CancellationToken ct)
    {
        using var producer = new ProducerBuilder<string, byte[]>(new ProducerConfig { BootstrapServers = bootstrap, LingerMs = 5, Acks = Acks.All, BatchSize = 1 << 20 }).Build();
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
