using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Json;

namespace Alerting.Core.Config;

/// <summary>The configuration read from a config path, with every problem found on the way.</summary>
public sealed record ConfigLoadResult(IConfigurationRoot? Root, IReadOnlyList<string> Files, IReadOnlyList<ConfigProblem> Problems);

/// <summary>
/// Reads the layered config the worker and <c>replay</c> share: built-in defaults (in the options
/// classes), then a config file, or every <c>*.json</c> file of a folder in ordinal path order (so
/// <c>10-global.json</c> is overridden by <c>20-stores/shop-a.json</c>), then — for the worker only —
/// environment variables prefixed <c>ALERTING_</c> and the command line.
/// </summary>
public static class ConfigFiles
{
    public const string EnvironmentPrefix = "ALERTING_";

    private static readonly JsonDocumentOptions JsonOptions = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    /// <summary>The JSON files a config path stands for, in the order they are layered.</summary>
    public static IReadOnlyList<string> Enumerate(string path)
    {
        if (Directory.Exists(path))
            return Directory.EnumerateFiles(path, "*.json", SearchOption.AllDirectories)
                .Select(Path.GetFullPath)
                .Order(StringComparer.Ordinal)
                .ToArray();
        return [Path.GetFullPath(path)];
    }

    public static ConfigLoadResult Load(string? path, bool includeEnvironment = false, string[]? commandLine = null)
    {
        var problems = new List<ConfigProblem>();
        var files = path is null ? [] : Enumerate(path);
        if (path is not null && !Directory.Exists(path) && !File.Exists(path))
            problems.Add(new ConfigProblem("", "config path does not exist") { File = path });

        var builder = new ConfigurationBuilder();
        foreach (var file in files)
        {
            // Parse first ourselves: the JSON provider's errors lack the line, and on a hot reload it
            // would silently replace the file's values with nothing.
            try
            {
                using var doc = JsonDocument.Parse(File.ReadAllBytes(file), JsonOptions);
                if (doc.RootElement.ValueKind != JsonValueKind.Object)
                {
                    problems.Add(new ConfigProblem("", $"the file must hold one JSON object, found {doc.RootElement.ValueKind}") { File = file });
                    continue;
                }
            }
            catch (JsonException ex)
            {
                problems.Add(new ConfigProblem("", $"invalid JSON at line {ex.LineNumber + 1}, position {ex.BytePositionInLine + 1}: {FirstSentence(ex.Message)}") { File = file });
                continue;
            }
            catch (IOException ex)
            {
                problems.Add(new ConfigProblem("", $"cannot read: {ex.Message}") { File = file });
                continue;
            }
            builder.AddJsonFile(file, optional: false, reloadOnChange: false);
        }
        if (includeEnvironment) builder.AddEnvironmentVariables(EnvironmentPrefix);
        if (commandLine is { Length: > 0 }) builder.AddCommandLine(commandLine);

        if (problems.Count > 0) return new ConfigLoadResult(null, files, problems);
        try
        {
            return new ConfigLoadResult(builder.Build(), files, problems);
        }
        catch (InvalidDataException ex)
        {
            problems.Add(new ConfigProblem("", ex.InnerException?.Message ?? ex.Message));
            return new ConfigLoadResult(null, files, problems);
        }
    }

    /// <summary>Loads and builds the rule snapshot in one go, naming the file behind each problem.</summary>
    public static (RulesSnapshot? Snapshot, IReadOnlyList<ConfigProblem> Problems, IConfigurationRoot? Root) LoadRules(string? path, bool includeEnvironment = false, string[]? commandLine = null)
    {
        var loaded = Load(path, includeEnvironment, commandLine);
        if (loaded.Root is null) return (null, loaded.Problems, null);
        var built = RulesSnapshotBuilder.Build(loaded.Root);
        return (built.Snapshot, built.Problems.Select(p => WithFile(loaded.Root, p)).ToArray(), loaded.Root);
    }

    /// <summary>Names the file (or environment/command line) that set the problem's path, when one did.</summary>
    public static ConfigProblem WithFile(IConfigurationRoot root, ConfigProblem problem)
    {
        if (problem.File is not null) return problem;
        foreach (var provider in root.Providers.Reverse())
        {
            if (!SetsPathOrBelow(provider, problem.Path)) continue;
            var source = provider switch
            {
                JsonConfigurationProvider json => json.Source.Path is { } p && json.Source.FileProvider is Microsoft.Extensions.FileProviders.PhysicalFileProvider physical
                    ? Path.Combine(physical.Root, p) : json.Source.Path,
                Microsoft.Extensions.Configuration.EnvironmentVariables.EnvironmentVariablesConfigurationProvider => "environment",
                Microsoft.Extensions.Configuration.CommandLine.CommandLineConfigurationProvider => "command line",
                _ => null,
            };
            return problem with { File = source };
        }
        return problem;
    }

    private static bool SetsPathOrBelow(IConfigurationProvider provider, string path)
    {
        if (provider.TryGet(path, out _)) return true;
        var parent = path.Contains(':', StringComparison.Ordinal) ? path[..path.LastIndexOf(':')] : null;
        return provider.GetChildKeys([], path.Length == 0 ? null : path).Any()
            || (parent is not null && provider.GetChildKeys([], parent).Contains(path[(path.LastIndexOf(':') + 1)..], StringComparer.OrdinalIgnoreCase));
    }

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }
}
