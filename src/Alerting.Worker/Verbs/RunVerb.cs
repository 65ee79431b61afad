using Alerting.Core.Config;
using Alerting.Worker.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Alerting.Worker.Verbs;

/// <summary><c>run</c>: the hosted worker against the Kafka and Redis named in config.</summary>
internal static class RunVerb
{
    public static async Task<int> RunAsync(string[] args)
    {
        var a = new VerbArguments(args, "config");
        var configPath = a.Get("config") ?? Environment.GetEnvironmentVariable("ALERTING_CONFIG");
        var overrides = a.Positional.ToArray();
        foreach (var o in overrides)
            if (!o.Contains('=', StringComparison.Ordinal)) throw new UsageException($"unexpected argument '{o}': overrides look like Section:Key=value");

        using var loggerFactory = LoggerFactory.Create(b => b.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss.fff "; }));
        var logger = loggerFactory.CreateLogger("Alerting.Config");
        var (rules, problems) = ReloadingRulesSource.Start(configPath, includeEnvironment: true, overrides, logger, TimeProvider.System, TimeSpan.FromSeconds(2));
        var loaded = ConfigFiles.Load(configPath, includeEnvironment: true, overrides);
        var all = problems.ToList();
        if (loaded.Root is not null)
            all.AddRange(WorkerSettings.Validate(loaded.Root, requireKafka: true).Select(p => ConfigFiles.WithFile(loaded.Root, p)));
        if (rules is null || all.Count > 0 || loaded.Root is null)
        {
            Console.Error.WriteLine($"error: config refused ({all.Count} problem(s)); the worker did not start:");
            foreach (var p in all) Console.Error.WriteLine($"  {p}");
            rules?.Dispose();
            return 1;
        }

        using (rules)
        {
            logger.LogInformation("Config version {Version} from {Path}", rules.Current.Version, configPath ?? "(built-in defaults, environment and command line)");
            using var host = WorkerHost.Build(loaded.Root, rules);
            await host.RunAsync();
        }
        return 0;
    }
}
