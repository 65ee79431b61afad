using Alerting.Core.Rules.RudeLanguage;
using Alerting.Core.Text;
using static Alerting.Core.Tests.RudeLanguage.RudeLanguageTestKit;

namespace Alerting.Core.Tests.RudeLanguage;

/// <summary>Every spelling of the built-in lexicon, plain and disguised, must fire as itself.</summary>
public sealed class DefaultLexiconTests
{
    /// <summary>Literal spellings; templates are checked by <see cref="EveryBuiltInTemplate_EveryAlternative_Fires"/>.</summary>
    private static IEnumerable<(RudeLanguageTerm Term, string Form)> Forms()
        => DefaultLexicon.Terms().SelectMany(t => t.Variants.Prepend(t.Term).Where(f => !PhraseTemplate.IsTemplate(f)).Select(f => (t, f)));

    /// <summary>
    /// Every alternative of every piece of every built-in template, in a sentence built from it (gaps filled
    /// with their minimum of 很, a <c>$</c> alternative followed by 。), fires.
    /// </summary>
    [Fact]
    public void EveryBuiltInTemplate_EveryAlternative_Fires()
    {
        var failures = new List<string>();
        var samples = 0;
        foreach (var term in DefaultLexicon.Terms())
        {
            foreach (var form in term.Variants.Prepend(term.Term).Where(PhraseTemplate.IsTemplate))
            {
                Assert.True(PhraseTemplate.TryParse(form, out var template, out var error), $"{form}: {error}");
                var rounds = template!.Pieces.Max(p => p.Count);
                for (var r = 0; r < rounds; r++)
                {
                    var text = new System.Text.StringBuilder();
                    for (var k = 0; k < template.Pieces.Count; k++)
                    {
                        if (k > 0) text.Append('很', template.Gaps[k - 1].Min);
                        var alternative = template.Pieces[k][r % template.Pieces[k].Count];
                        text.Append(alternative.Text);
                        if (alternative.EndsSentence) text.Append('。');
                    }
                    samples++;
                    var alert = EvaluateOne(DefaultRule, text.ToString());
                    // Another, literal term may report the same words (不买就滚 is a spelling of 爱买不买): it must still fire.
                    if (alert is null)
                        failures.Add($"{term.Term} / {text}: {Describe(alert)}");
                }
            }
        }
        Assert.True(samples > 100, $"only {samples} template samples");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public void EveryBuiltInSpelling_Alone_Fires()
        => AssertAllFire(form => form);

    [Fact]
    public void EveryBuiltInChineseSpelling_WithInsertedSymbols_Fires()
        => AssertAllFire(form => IsChinese(form) ? string.Join("*", form.EnumerateRunes()) : form);

    [Fact]
    public void EveryBuiltInSpelling_InFullWidthUpperCase_Fires()
        => AssertAllFire(form => new string([.. form.Select(c => c is >= 'a' and <= 'z' ? (char)(c - 'a' + 'Ａ') : c)]));

    [Fact]
    public void EveryBuiltInSpelling_InTraditionalCharacters_Fires()
    {
        var toTraditional = TraditionalChinese.Entries.GroupBy(e => e.Value).ToDictionary(g => g.Key, g => g.First().Key);
        AssertAllFire(form => new string([.. form.Select(c => toTraditional.GetValueOrDefault(c, c))]));
    }

    [Fact]
    public void EveryBuiltInSpelling_InsideAPoliteSentence_FiresUnlessWholeMessageOnly()
    {
        var failures = new List<string>();
        foreach (var (term, form) in Forms())
        {
            var text = $"亲，{form}。谢谢";
            var alert = EvaluateOne(DefaultRule, text);
            if (term.WholeMessage)
            {
                if (EvaluateOne(DefaultRule, $"亲，{form}。请问还有什么需要帮您") is not null) failures.Add($"{form}: whole-message term fired inside a sentence");
            }
            else if (alert is null || !Matches(alert).Exists(m => m.Matched == form))
            {
                failures.Add($"{text}: {Describe(alert)}");
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    private static void AssertAllFire(Func<string, string> disguise)
    {
        var failures = new List<string>();
        foreach (var (term, form) in Forms())
        {
            var text = disguise(form);
            var alert = EvaluateOne(DefaultRule, text);
            // The spelling may be reported inside a longer term of the lexicon, but its span must be the whole text.
            if (alert is null || !Matches(alert).Exists(m => m.Start == 0 && m.Length == text.Length))
                failures.Add($"{term.Term} / {text}: {Describe(alert)}");
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    private static bool IsChinese(string form) => form.All(c => c >= '\u4E00' && c <= '\u9FFF');
}
