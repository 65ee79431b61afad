using System.Text.RegularExpressions;

namespace Alerting.Core.Tests.Conventions;

/// <summary>
/// What a reader of a clone can follow: no text of the repository points at a tracker's issue numbers (they mean
/// nothing in a clone: the text says what the code does instead) or at a folder outside the repository.
/// </summary>
public sealed partial class RepositoryTextTests
{
    [GeneratedRegex(@"\b[Ii]ssues? ?#?[0-9]+\b")]
    private static partial Regex IssueNumber();

    private static readonly string OutsideFolder = string.Concat("..", "/", "shared");

    private static string Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Alerting.sln"))) return dir.FullName;
        throw new InvalidOperationException("repository root (Alerting.sln) not found above " + AppContext.BaseDirectory);
    }

    private static readonly string[] TextExtensions = [".cs", ".md", ".json", ".js", ".html", ".css", ".csproj", ".props", ".yml", ".yaml", ".sh", ".acl", ".conf"];

    private static IEnumerable<string> TextFiles()
    {
        var root = Root();
        IEnumerable<string> files = [Path.Combine(root, "README.md"), Path.Combine(root, "Directory.Build.props")];
        foreach (var folder in new[] { "src", "tests", "deploy", ".ci" })
        {
            var path = Path.Combine(root, folder);
            if (!Directory.Exists(path)) continue;
            files = files.Concat(Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories)
                .Where(f => TextExtensions.Contains(Path.GetExtension(f), StringComparer.Ordinal) || folder == ".ci")
                .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                            && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)));
        }
        return files.Where(File.Exists);
    }

    [Fact]
    public void RepositoryText_NamesNoIssueNumber_AndNoFolderOutsideTheRepository()
    {
        var root = Root();
        var files = TextFiles().ToList();
        var found = new List<string>();
        foreach (var file in files)
        {
            var lines = File.ReadAllLines(file);
            for (var i = 0; i < lines.Length; i++)
            {
                if (IssueNumber().Match(lines[i]) is { Success: true } m) found.Add($"{Path.GetRelativePath(root, file)}:{i + 1}: '{m.Value}'");
                if (lines[i].Contains(OutsideFolder, StringComparison.Ordinal)) found.Add($"{Path.GetRelativePath(root, file)}:{i + 1}: '{OutsideFolder}'");
            }
        }

        Assert.True(files.Count > 200, $"only {files.Count} files scanned: is the scan broken?");
        Assert.True(found.Count == 0, string.Join('\n', found));
    }

    [Theory]
    [InlineData("see the tracker, Issue " + "#7", true)]
    [InlineData("fixed by issues " + "12", true)]
    [InlineData("tissue 3 is a word, not a reference", false)]
    [InlineData("IssueNumber() is a method", false)]
    public void IssueNumberPattern_TellsAReferenceFromOtherText(string text, bool reference) => Assert.Equal(reference, IssueNumber().IsMatch(text));
}
