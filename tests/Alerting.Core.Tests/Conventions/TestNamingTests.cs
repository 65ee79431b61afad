using System.Text.RegularExpressions;

namespace Alerting.Core.Tests.Conventions;

/// <summary>
/// One naming style for every test method of the repository: <c>Subject_Behaviour</c> or
/// <c>Subject_Condition_Outcome</c>, each part PascalCase (<c>Reload_RejectsABadChange_KeepsLastGood</c>), two to
/// seven parts. The test reads the sources of every test project, so a name in another project is checked too.
/// </summary>
public sealed partial class TestNamingTests
{
    [GeneratedRegex(@"^[A-Z][A-Za-z0-9]*(_[A-Z0-9][A-Za-z0-9]*){1,6}$")]
    private static partial Regex Convention();

    [GeneratedRegex(@"^\s*\[(Fact|Theory)\b")]
    private static partial Regex TestAttribute();

    [GeneratedRegex(@"public\s+(?:static\s+)?(?:async\s+)?[\w<>\[\],? ]+?\s+(\w+)\s*\(")]
    private static partial Regex MethodName();

    private static string TestsFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Alerting.sln"))) return Path.Combine(dir.FullName, "tests");
        throw new InvalidOperationException("repository root (Alerting.sln) not found above " + AppContext.BaseDirectory);
    }

    private static IEnumerable<(string File, string Name)> TestMethods()
    {
        var root = TestsFolder();
        foreach (var file in Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(root, file);
            if (relative.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                || relative.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)) continue;
            var lines = File.ReadAllLines(file);
            for (var i = 0; i < lines.Length; i++)
            {
                if (!TestAttribute().IsMatch(lines[i])) continue;
                for (var j = i; j < Math.Min(i + 40, lines.Length); j++)
                {
                    if (MethodName().Match(lines[j]) is not { Success: true } m) continue;
                    yield return (relative, m.Groups[1].Value);
                    i = j;
                    break;
                }
            }
        }
    }

    [Fact]
    public void EveryTestMethod_FollowsTheNamingConvention()
    {
        var methods = TestMethods().ToList();
        var outliers = methods.Where(m => !Convention().IsMatch(m.Name)).Select(m => $"{m.File}: {m.Name}").ToList();

        Assert.True(methods.Count > 500, $"only {methods.Count} test methods found under tests/: is the scan broken?");
        Assert.True(outliers.Count == 0, $"{outliers.Count} test names outside Subject_Behaviour[_Condition]:\n" + string.Join('\n', outliers));
    }

    [Theory]
    [InlineData("Reload_RejectsABadChange_KeepsLastGood", true)]
    [InlineData("Parse_Utf8Bom_IsAccepted", true)]
    [InlineData("Buyer_asked_about_the_presale", false)]
    [InlineData("FiresOncePerWaitingPeriod", false)]
    [InlineData("lower_Case", false)]
    public void Convention_TellsTheStyleApart(string name, bool follows) => Assert.Equal(follows, Convention().IsMatch(name));
}
