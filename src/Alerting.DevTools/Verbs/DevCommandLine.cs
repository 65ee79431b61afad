using Alerting.Worker.Verbs;

namespace Alerting.DevTools.Verbs;

/// <summary>Verb dispatch of the developer tool; options are parsed by the worker's <see cref="VerbArguments"/>.</summary>
internal static class DevCommandLine
{
    public const string Usage = """
        alerting-dev — developer tools for Alerting (never shipped in the production image)

        Usage:
          alerting-dev demo [--speed N] [--conversations-per-minute N] [--minutes N] [--seed N] [--partitions N]
                  embedded Kafka + redis-server + generated chat + the worker + the console, alerts printed live
          alerting-dev loadgen (--output chats.jsonl | --kafka BOOTSTRAP [--topic T] | --embedded true)
                  [--messages N] [--rate MSG/S] [--profile steady|d11] [--seed N] [--ground-truth expected.jsonl]
                  [--rude-rate F] [--wrong-promo-rate F] [--slow-rate F] [--unanswered-rate F] [--backlog true]
          alerting-dev evaluate --ground-truth expected.jsonl (--alerts alerts.jsonl | --redis CONNECTION)
                  [--until TIME] [--min-precision 0.99] [--min-recall 0.99]
          alerting-dev redis [--appendonly true]
                  a throwaway redis-server on a free loopback port until Ctrl+C (gone with this process)

        The production worker (run, replay, validate-config) is src/Alerting.Worker (`alerting`).
        """;

    public static async Task<int> DispatchAsync(string[] args)
    {
        var verb = args.Length > 0 ? args[0] : "help";
        var rest = args.Length > 0 ? args[1..] : [];
        try
        {
            return verb switch
            {
                "demo" => await DemoVerb.RunAsync(rest),
                "loadgen" => await LoadGenVerb.RunAsync(rest),
                "evaluate" => await EvaluateVerb.RunAsync(rest),
                "redis" => await RedisVerb.RunAsync(rest),
                "help" or "--help" or "-h" => PrintUsage(0),
                "run" or "replay" or "validate-config" => Fail($"'{verb}' is a verb of the worker: dotnet run --project src/Alerting.Worker -- {verb} …"),
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
