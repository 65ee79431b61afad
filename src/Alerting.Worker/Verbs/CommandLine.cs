namespace Alerting.Worker.Verbs;

/// <summary>Verb dispatch and the small option parser the verbs share.</summary>
internal static class CommandLine
{
    public const string Usage = """
        alerting — real-time alerting on customer-service chat (Kafka in, Redis out)

        Usage:
          alerting run [--config PATH] [Section:Key=value ...]   run the worker (default verb)
          alerting demo [--speed N] [--conversations-per-minute N] [--minutes N] [--seed N] [--partitions N]
                  embedded Kafka + redis-server + generated chat, alerts printed live
          alerting replay --input chats.jsonl [--config PATH] [--output alerts.jsonl] [--until TIME]
          alerting validate-config [--config PATH]                 check a config file or folder; exit 1 on problems
          alerting loadgen (--output chats.jsonl | --kafka BOOTSTRAP [--topic T] | --embedded true)
                  [--messages N] [--rate MSG/S] [--profile steady|d11] [--seed N] [--ground-truth expected.jsonl]
                  [--rude-rate F] [--wrong-promo-rate F] [--slow-rate F] [--unanswered-rate F]
          alerting evaluate --ground-truth expected.jsonl (--alerts alerts.jsonl | --redis CONNECTION)
                  [--until TIME] [--min-precision 0.99] [--min-recall 0.99]

        Config: a JSON file or a folder of *.json files (layered in path order); for 'run' also
        environment variables prefixed ALERTING_ (e.g. ALERTING_Kafka__BootstrapServers) and
        Section:Key=value arguments. Without --config, 'run' reads $ALERTING_CONFIG when set.
        """;

    public static async Task<int> DispatchAsync(string[] args)
    {
        var verb = args.Length > 0 && !args[0].StartsWith('-') && !args[0].Contains('=', StringComparison.Ordinal) ? args[0] : "run";
        var rest = verb == "run" && (args.Length == 0 || args[0] != "run") ? args : args[1..];
        try
        {
            return verb switch
            {
                "run" => await RunVerb.RunAsync(rest),
                "demo" => await DemoVerb.RunAsync(rest),
                "replay" => ReplayVerb.Run(rest),
                "validate-config" => ValidateConfigVerb.Run(rest),
                "loadgen" => await LoadGenVerb.RunAsync(rest),
                "evaluate" => await EvaluateVerb.RunAsync(rest),
                "help" or "--help" or "-h" => PrintUsage(0),
                _ => Fail($"unknown verb '{verb}'"),
            };
        }
        catch (UsageException ex)
        {
            return Fail(ex.Message);
        }
    }

    private static int PrintUsage(int code)
    {
        Console.WriteLine(Usage);
        return code;
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine($"error: {message}");
        Console.Error.WriteLine();
        Console.Error.WriteLine(Usage);
        return 2;
    }
}

/// <summary>A command-line mistake; printed with the usage.</summary>
internal sealed class UsageException(string message) : Exception(message);

/// <summary>Parses <c>--name value</c> options; what is left (e.g. Section:Key=value) stays positional.</summary>
internal sealed class VerbArguments
{
    private readonly Dictionary<string, string> _options = new(StringComparer.Ordinal);

    public VerbArguments(string[] args, params string[] known)
    {
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (arg.StartsWith("--", StringComparison.Ordinal))
            {
                var name = arg[2..];
                string? value = null;
                var eq = name.IndexOf('=', StringComparison.Ordinal);
                if (eq >= 0) { value = name[(eq + 1)..]; name = name[..eq]; }
                if (!known.Contains(name)) throw new UsageException($"unknown option --{name} (known: {string.Join(", ", known.Select(k => "--" + k))})");
                if (value is null)
                {
                    if (i + 1 >= args.Length) throw new UsageException($"option --{name} needs a value");
                    value = args[++i];
                }
                _options[name] = value;
            }
            else
            {
                Positional.Add(arg);
            }
        }
    }

    public List<string> Positional { get; } = [];

    public string? Get(string name) => _options.GetValueOrDefault(name);

    public double GetDouble(string name, double fallback)
    {
        var raw = Get(name);
        if (raw is null) return fallback;
        return double.TryParse(raw, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var v) && v > 0
            ? v
            : throw new UsageException($"--{name} expects a positive number, got '{raw}'");
    }
}
