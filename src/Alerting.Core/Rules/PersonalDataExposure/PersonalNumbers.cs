using System.Globalization;

namespace Alerting.Core.Rules.PersonalDataExposure;

/// <summary>Kinds of personal number the rule recognises.</summary>
public enum PersonalNumberKind
{
    /// <summary>Mainland mobile number: 11 digits, 1[3-9]…, optionally after +86 / 0086.</summary>
    Phone,
    /// <summary>18-character resident identity number (GB 11643): valid birth date and ISO 7064 MOD 11-2 check character.</summary>
    ResidentId,
    /// <summary>Bank card: 16–19 digits, a card-scheme prefix and a valid Luhn check digit.</summary>
    BankCard,
}

/// <summary>Validation and masking of personal numbers. Pure functions over a digit string.</summary>
public static class PersonalNumbers
{
    private static readonly int[] IdWeights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    private const string IdCheck = "10X98765432";

    /// <summary>The 11-digit mobile number in <paramref name="digits"/> (country code stripped), or null.</summary>
    public static string? AsPhone(string digits)
    {
        if (digits.Length == 13 && digits.StartsWith("86", StringComparison.Ordinal)) digits = digits[2..];
        else if (digits.Length == 15 && digits.StartsWith("0086", StringComparison.Ordinal)) digits = digits[4..];
        return digits.Length == 11 && digits[0] == '1' && digits[1] is >= '3' and <= '9' && IsDigits(digits) ? digits : null;
    }

    /// <summary>Whether <paramref name="id"/> is an 18-character resident id: region, real birth date (1900–2099) and check character.</summary>
    public static bool IsResidentId(string id)
    {
        if (id.Length != 18 || !IsDigits(id.AsSpan(0, 17)) || !(char.IsAsciiDigit(id[17]) || id[17] == 'X')) return false;
        if (id[0] is < '1' or > '9') return false;
        if (!DateTime.TryParseExact(id.AsSpan(6, 8), "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var birth)
            || birth.Year < 1900 || birth.Year > 2099) return false;
        var sum = 0;
        for (var i = 0; i < 17; i++) sum += (id[i] - '0') * IdWeights[i];
        return IdCheck[sum % 11] == id[17];
    }

    /// <summary>Whether <paramref name="digits"/> passes the Luhn (mod 10) check.</summary>
    public static bool PassesLuhn(ReadOnlySpan<char> digits)
    {
        var sum = 0;
        var doubled = false;
        for (var i = digits.Length - 1; i >= 0; i--)
        {
            var d = digits[i] - '0';
            if (d is < 0 or > 9) return false;
            if (doubled) { d *= 2; if (d > 9) d -= 9; }
            sum += d;
            doubled = !doubled;
        }
        return digits.Length > 0 && sum % 10 == 0;
    }

    /// <summary>
    /// The masked form shown in evidence: a phone keeps its first 3 and last 4 digits (138****5678), an
    /// id its first 3 and last 4 (110***********123X), a card its first 4 and last 4 (6222********1234).
    /// Never more than 7 of the digits, so the full number cannot be rebuilt from an alert.
    /// </summary>
    public static string Mask(PersonalNumberKind kind, string digits)
    {
        var (head, tail) = kind switch
        {
            PersonalNumberKind.Phone => (3, 4),
            PersonalNumberKind.ResidentId => (3, 4),
            _ => (4, 4),
        };
        if (digits.Length <= head + tail) return new string('*', digits.Length);
        return string.Concat(digits.AsSpan(0, head), new string('*', digits.Length - head - tail), digits.AsSpan(digits.Length - tail));
    }

    /// <summary>The Chinese name of a kind, as written in the summary.</summary>
    public static string Label(PersonalNumberKind kind) => kind switch
    {
        PersonalNumberKind.Phone => "手机号",
        PersonalNumberKind.ResidentId => "身份证号",
        _ => "银行卡号",
    };

    /// <summary>The snake_case name of a kind, as written in the evidence.</summary>
    public static string Name(PersonalNumberKind kind) => kind switch
    {
        PersonalNumberKind.Phone => "phone",
        PersonalNumberKind.ResidentId => "resident_id",
        _ => "bank_card",
    };

    private static bool IsDigits(ReadOnlySpan<char> s)
    {
        foreach (var c in s) if (!char.IsAsciiDigit(c)) return false;
        return true;
    }
}
