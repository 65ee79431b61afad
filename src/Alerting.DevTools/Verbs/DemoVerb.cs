using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using System.Reactive.Concurrency;
using System.Reactive.Subjects;
using System.Text;
using System.Text.Json;
using Alerting.Core.Alerts;
using Alerting.Core.Config;
using Alerting.Kafka;
using Alerting.DevTools.Embedded;
using Alerting.Simulation;
using Alerting.Worker.Hosting;
using Alerting.Worker.Verbs;
using Confluent.Kafka;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Alerting.DevTools.Verbs;

/// <summary>
/// <c>demo</c>: everything on one machine — an in-process Kafka-protocol broker, a redis-server on a
/// free port, generated Double 11 chat with faults mixed in, the real worker, and the alerts printed
/// live from Redis pub/sub with running counts. Ctrl+C stops it all.
/// </summary>
internal static class DemoVerb
{
    private const string Topic = "chat.messages";
    private static readonly JsonSerializerOptions IndentedJson = new() { WriteIndented = true, Encoder = Alerting.Core.AlertJsonEncoder.Instance };

    public static async Task<int> RunAsync(string[] args)
    {
        var a = new VerbArguments(args, "speed", "conversations-per-minute", "minutes", "seed", "partitions");
        var speed = a.GetDouble("speed", 10);
        var perMinute = a.GetDouble("conversations-per-minute", 60);
        var minutes = a.Get("minutes") is null ? (double?)null : a.GetDouble("minutes", 1);
        var seed = (int)a.GetDouble("seed", 11);
        var partitions = (int)a.GetDouble("partitions", 8);

        if (!await EnsureRedisInstalledAsync()) return 1;

        using var stop = new CancellationTokenSource();
        using var signals = ShutdownSignals.CancelOnSignals(stop);
        if (minutes is { } m) stop.CancelAfter(TimeSpan.FromMinutes(m));

        Console.WriteLine("Starting the embedded demo: Kafka-protocol broker (librdkafka mock cluster), redis-server, generator, worker …");
        var generator = new ChatTrafficGenerator(new SimulationOptions
        {
            Seed = seed,
            Conversations = null,
            MessageCount = long.MaxValue,
            ConversationsPerMinute = perMinute,
        }.WithNewRuleFaults());
        await using var stack = await EmbeddedStack.StartAsync(generator.Promotions, partitions, stop.Token);
        var redisServer = stack.Redis;
        var kafka = stack.Kafka;
        var rulesFile = stack.RulesFile;
        await using var redis = await ConnectionMultiplexer.ConnectAsync(redisServer.ConnectionString);
        var published = new Subject<string>();
        var channel = await redis.GetSubscriber().SubscribeAsync(RedisChannel.Literal("alerts"));
        channel.OnMessage(m => published.OnNext(m.Message.ToString()));

        var status = stack.Status;
        var health = stack.HealthAddress;
        await using var console = await StartConsoleAsync(redisServer.ConnectionString, generator.Stores.Select(x => x.ShopId), CancellationToken.None);
        var consoleUrl = console.Urls.FirstOrDefault() ?? "(not started)";
        Console.WriteLine($$"""

            Kafka (embedded)  {{kafka.BootstrapServers}}   topic {{Topic}} ({{partitions}} partitions), dead letters {{Topic}}.dlq
            Redis             {{redisServer.ConnectionString}}   streams alerts:stream:{<shopId>}, channels alerts / alerts:rule:<rule> / alerts:shop:<shopId>
            Rules config      {{rulesFile}}  (edit it while the demo runs: it reloads)
            Worker health     {{health}}/readyz  (JSON: partitions, Redis, config version, counts), {{health}}/metrics
            Inspector console {{consoleUrl}}  log in as demo / demo (a lead who sees every store)
            Chat time runs {{speed}}x faster than the wall clock, starting {{AlertJson.FormatTime(generator.Options.Start)}}.
            Alerts appear below as Redis publishes them. Ctrl+C stops.

            """);

        var produced = new long[1];
        var producer = Task.Run(() => Produce(kafka.BootstrapServers, generator, speed, produced, stop.Token), CancellationToken.None);
        var printer = new LiveAlertPrinter(published,
            () => string.Create(CultureInfo.InvariantCulture,
                $"produced {Interlocked.Read(ref produced[0])} · processed {status.Records} · dead-lettered {status.DeadLettered} · open conversations {status.OpenConversations}"),
            DefaultScheduler.Instance);
        var totals = ImmutableSortedDictionary<string, int>.Empty;
        using (printer.Totals.Subscribe(t => totals = t))
        using (printer.Lines.Subscribe(Print))
        {
            try
            {
                await Task.Delay(Timeout.Infinite, stop.Token);
            }
            catch (OperationCanceledException)
            {
            }
            Console.WriteLine("Stopping: generator, worker (flush, commit, leave group), broker, redis-server …");
            await producer;
            await console.StopAsync(CancellationToken.None);
            await stack.Host.StopAsync(CancellationToken.None);
            await channel.UnsubscribeAsync();
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Done. {status.Records} records processed, {status.DeadLettered} dead-lettered, alerts: {LiveAlertPrinter.FormatCounts(totals)}"));
        return 0;
    }

    private static void Produce(string bootstrap, ChatTrafficGenerator generator, double speed, long[] produced, CancellationToken ct)
    {
        using var producer = new ProducerBuilder<string, byte[]>(new ProducerConfig { BootstrapServers = bootstrap, LingerMs = 5, Acks = Acks.All }).Build();
        var wall = Stopwatch.StartNew();
        DateTimeOffset? first = null;
        var n = 0L;
        try
        {
            foreach (var message in generator.Generate())
            {
                first ??= message.Message.SentAt;
                var due = TimeSpan.FromTicks((long)((message.Message.SentAt - first.Value).Ticks / speed));
                var wait = due - wall.Elapsed;
                if (wait > TimeSpan.Zero && ct.WaitHandle.WaitOne(wait)) break;
                if (ct.IsCancellationRequested) break;
                producer.Produce(Topic, new Message<string, byte[]> { Key = message.Key, Value = message.Utf8Json });
                // Now and then a broken record, to show the dead-letter path.
                if (++n % 997 == 0)
                    producer.Produce(Topic, new Message<string, byte[]> { Key = message.Key, Value = Encoding.UTF8.GetBytes("{\"messageId\":\"broken-" + n + "\",\"text\":") });
                Interlocked.Increment(ref produced[0]);
            }
        }
        finally
        {
            producer.Flush(TimeSpan.FromSeconds(5));
        }
    }

    /// <summary>The inspector console on a free loopback port with one demo lead (password "demo").</summary>
    private static async Task<Microsoft.AspNetCore.Builder.WebApplication> StartConsoleAsync(string redis, IEnumerable<string> stores, CancellationToken ct)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Redis:ConnectionString"] = redis,
            ["Console:Urls"] = "http://127.0.0.1:0",
            // The demo serves plain HTTP on loopback: a development setting, never for a real deployment.
            ["Console:InsecureCookieForDevelopment"] = "true",
            ["Console:Users:0:Name"] = "demo",
            ["Console:Users:0:PasswordHash"] = Alerting.InspectorConsole.PasswordHashing.Hash("demo"),
            ["Console:Users:0:Role"] = "lead",
        };
        var i = 0;
        foreach (var store in stores) settings[$"Console:Users:0:Stores:{i++}"] = store;
        var app = Alerting.InspectorConsole.Hosting.ConsoleApp.Build([], b =>
        {
            b.Configuration.AddInMemoryCollection(settings);
            b.Logging.SetMinimumLevel(LogLevel.Warning);
        });
        await app.StartAsync(ct);
        return app;
    }

    private static void Print(PrintedLine line)
    {
        var color = Console.ForegroundColor;
        if (line.Color is { } wanted && !Console.IsOutputRedirected) Console.ForegroundColor = wanted;
        Console.WriteLine(line.Text);
        if (line.Color is not null && !Console.IsOutputRedirected) Console.ForegroundColor = color;
    }

    /// <summary>Rule config for the generated stores: each store's live promotions.</summary>
    internal static string DemoRulesJson(IEnumerable<SimulatedPromotion> promotions)
    {
        var stores = new Dictionary<string, object>();
        foreach (var group in promotions.GroupBy(p => p.ShopId))
        {
            stores[group.Key] = new
            {
                Promotions = group.Select(p => new
                {
                    p.Id,
                    p.Name,
                    p.Aliases,
                    Start = AlertJson.FormatTime(p.Start),
                    End = AlertJson.FormatTime(p.End),
                    ThresholdDiscount = new { p.Threshold, p.Amount },
                }).ToArray(),
            };
        }
        return JsonSerializer.Serialize(new { Rules = new { Stores = stores } }, IndentedJson);
    }

    /// <summary>Installs redis-server when missing (as root, with apt-get), else says how; false when it is not there.</summary>
    internal static Task<bool> EnsureRedisInstalledAsync() => RedisInstaller.ForThisMachine().EnsureInstalledAsync();
}
