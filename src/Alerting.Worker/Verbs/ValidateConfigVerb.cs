using Alerting.Core.Config;

namespace Alerting.Worker.Verbs;

/// <summary><c>validate-config</c>: checks a config set and prints every problem with file, path and reason.</summary>
internal static class ValidateConfigVerb
{
    public static int Run(string[] args)
    {
        var a = new VerbArguments(args, "config");
        var path = a.Get("config") ?? a.Positional.FirstOrDefault() ?? throw new UsageException("validate-config needs --config PATH");
        var (snapshot, problems, root) = ConfigFiles.LoadRules(path);
        var all = problems.ToList();
        if (root is not null) all.AddRange(WorkerSettings.Validate(root).Select(p => ConfigFiles.WithFile(root, p)));
        foreach (var file in ConfigFiles.Enumerate(path)) Console.WriteLine($"read {file}");
        if (all.Count == 0)
        {
            Console.WriteLine($"OK: config version {snapshot!.Version}, {snapshot.ConfiguredStores.Count()} store override(s)");
            return 0;
        }
        Console.WriteLine($"{all.Count} problem(s):");
        foreach (var p in all) Console.WriteLine($"  {p}");
        return 1;
    }
}
