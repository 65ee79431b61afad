using Alerting.Core.Text;

namespace Alerting.Core.Tests.Text;

public sealed class TextFoldingTests
{
    [Theory]
    [InlineData('Ａ', 'a')]
    [InlineData('ｓ', 's')]
    [InlineData('Z', 'z')]
    [InlineData('１', '1')]
    [InlineData('\u3000', ' ')]
    [InlineData('傻', '傻')]
    public void FoldWidthAndCase_FoldsFullWidthAndUpperCase(char input, char expected)
        => Assert.Equal(expected, TextFolding.FoldWidthAndCase(input));

    [Theory]
    [InlineData('，', CharRole.Break)]
    [InlineData('。', CharRole.Break)]
    [InlineData('!', CharRole.Break)]
    [InlineData('\n', CharRole.Break)]
    [InlineData('.', CharRole.Dot)]
    [InlineData('*', CharRole.Symbol)]
    [InlineData('～', CharRole.Symbol)]
    [InlineData(' ', CharRole.Space)]
    [InlineData('\u200B', CharRole.Invisible)]
    [InlineData('\uFE0F', CharRole.Invisible)]
    [InlineData('傻', CharRole.Word)]
    [InlineData('b', CharRole.Word)]
    public void RoleOf_ClassifiesCharacters(char c, CharRole expected) => Assert.Equal(expected, TextFolding.RoleOf(c));

    [Theory]
    [InlineData('媽', '妈')]
    [InlineData('馬', '马')]
    [InlineData('幹', '干')]
    [InlineData('滾', '滚')]
    [InlineData('癡', '痴')]
    [InlineData('買', '买')]
    [InlineData('傻', '傻')]
    public void TraditionalChinese_MapsCommonCharacters(char traditional, char simplified)
        => Assert.Equal(simplified, TraditionalChinese.ToSimplified(traditional));

    [Fact]
    public void TraditionalChinese_TableHasAFewHundredCharactersAndNoChains()
    {
        Assert.True(TraditionalChinese.Count >= 300, $"{TraditionalChinese.Count} characters");
        // A simplified target must not itself be mapped again (one lookup must be enough).
        Assert.All(TraditionalChinese.Entries, e => Assert.Equal(e.Value, TraditionalChinese.ToSimplified(e.Value)));
    }
}
