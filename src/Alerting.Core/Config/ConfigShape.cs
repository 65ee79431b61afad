using System.ComponentModel;
using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace Alerting.Core.Config;

/// <summary>
/// Checks a config section against the options type it binds to before binding, and says what is wrong in
/// the project's words: a key no property takes (with the nearest known name, for a typo), a value that does
/// not convert to the property's type, a section where a single value belongs. Unlike the binder, it reports
/// every such key, each at its own path, and never stops at the first. The binder then runs on what remains
/// (<see cref="Without"/>), so value validation still sees the rest of the section.
/// </summary>
public static class ConfigShape
{
    /// <summary>Every key of <paramref name="section"/> that <paramref name="type"/> cannot take, with path and reason.</summary>
    public static IReadOnlyList<ConfigProblem> Check(IConfigurationSection section, Type type)
    {
        ArgumentNullException.ThrowIfNull(section);
        var problems = new List<ConfigProblem>();
        CheckValue(section, type, problems);
        return problems;
    }

    /// <summary>
    /// Binds <paramref name="section"/> to <typeparamref name="T"/> after <see cref="Check"/>: its problems are
    /// added to <paramref name="problems"/> and the keys they name are left out, so the rest still binds and can
    /// be validated. Null only when the binder still refuses (its message is added).
    /// </summary>
    public static T? Bind<T>(IConfigurationSection section, List<ConfigProblem> problems) where T : class, new()
    {
        ArgumentNullException.ThrowIfNull(section);
        ArgumentNullException.ThrowIfNull(problems);
        var shape = Check(section, typeof(T));
        problems.AddRange(shape);
        IConfiguration source = section;
        if (shape.Count > 0)
        {
            var flat = section.AsEnumerable().ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.OrdinalIgnoreCase);
            Without(flat, "", shape);
            source = new ConfigurationBuilder().AddInMemoryCollection(flat).Build().GetSection(section.Path);
        }
        try
        {
            return source.Get<T>(o => o.ErrorOnUnknownConfiguration = true) ?? new T();
        }
        catch (InvalidOperationException ex)
        {
            problems.Add(new ConfigProblem(section.Path, ex.InnerException is { } inner ? $"{ex.Message} ({inner.Message})" : ex.Message));
            return null;
        }
    }

    /// <summary>
    /// <paramref name="flat"/> (keys relative to <paramref name="prefix"/>, as the rules builder flattens a
    /// section) without the keys that <paramref name="problems"/> name, nor anything below them.
    /// </summary>
    public static void Without(Dictionary<string, string?> flat, string prefix, IEnumerable<ConfigProblem> problems)
    {
        ArgumentNullException.ThrowIfNull(flat);
        foreach (var p in problems)
        {
            if (!p.Path.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)) continue;
            var key = p.Path[prefix.Length..];
            foreach (var k in flat.Keys.Where(k => k.Equals(key, StringComparison.OrdinalIgnoreCase) || k.StartsWith(key + ":", StringComparison.OrdinalIgnoreCase)).ToList())
                flat.Remove(k);
        }
    }

    private static void CheckValue(IConfigurationSection section, Type type, List<ConfigProblem> problems)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (IsScalar(type))
        {
            if (section.GetChildren().Any())
                problems.Add(new ConfigProblem(section.Path, $"expected a single value ({Describe(type)}), got a section"));
            else if (!string.IsNullOrEmpty(section.Value) && !Converts(section.Value, type))
                problems.Add(new ConfigProblem(section.Path, $"'{section.Value}' is not {Describe(type)}"));
            return;
        }
        if (ElementType(type) is { } element)
        {
            foreach (var child in section.GetChildren()) CheckValue(child, element, problems);
            return;
        }
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Dictionary<,>))
        {
            foreach (var child in section.GetChildren()) CheckValue(child, type.GetGenericArguments()[1], problems);
            return;
        }
        var properties = Properties(type);
        foreach (var child in section.GetChildren())
        {
            if (properties.TryGetValue(child.Key, out var property))
                CheckValue(child, property.PropertyType, problems);
            else
                problems.Add(new ConfigProblem(child.Path, Unknown(child.Key, properties.Keys)));
        }
    }

    private static string Unknown(string key, IEnumerable<string> known)
    {
        var names = known.Order(StringComparer.Ordinal).ToList();
        var nearest = names.Select(n => (Name: n, Distance: Distance(key, n)))
            .Where(x => x.Distance <= Math.Max(2, key.Length / 3)
                        || x.Name.StartsWith(key, StringComparison.OrdinalIgnoreCase) || key.StartsWith(x.Name, StringComparison.OrdinalIgnoreCase))
            .OrderBy(x => x.Distance).Select(x => x.Name).FirstOrDefault();
        return nearest is not null
            ? $"unknown setting '{key}': did you mean '{nearest}'?"
            : $"unknown setting '{key}': expected one of {string.Join(", ", names)}";
    }

    private static Dictionary<string, PropertyInfo> Properties(Type type)
        => type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0 && (p.CanWrite || (p.CanRead && IsFillableCollection(p.PropertyType))))
            .ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);

    /// <summary>A get-only property the binder fills in place: a concrete list or dictionary.</summary>
    private static bool IsFillableCollection(Type type)
        => type.IsGenericType && (type.GetGenericTypeDefinition() == typeof(List<>) || type.GetGenericTypeDefinition() == typeof(Dictionary<,>));

    private static Type? ElementType(Type type)
    {
        if (type.IsArray) return type.GetElementType();
        if (type == typeof(string) || !type.IsGenericType) return null;
        var definition = type.GetGenericTypeDefinition();
        return definition == typeof(List<>) || definition == typeof(IList<>) || definition == typeof(IReadOnlyList<>)
               || definition == typeof(IEnumerable<>) || definition == typeof(ICollection<>) || definition == typeof(HashSet<>)
            ? type.GetGenericArguments()[0]
            : null;
    }

    private static bool IsScalar(Type type)
        => type == typeof(string) || type.IsPrimitive || type.IsEnum || type == typeof(decimal) || type == typeof(TimeSpan)
           || type == typeof(DateTimeOffset) || type == typeof(DateTime) || type == typeof(DateOnly) || type == typeof(TimeOnly)
           || type == typeof(Guid) || type == typeof(Uri);

    private static bool Converts(string value, Type type)
    {
        try
        {
            return TypeDescriptor.GetConverter(type).ConvertFromInvariantString(value) is not null || !type.IsValueType;
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or NotSupportedException or OverflowException)
        {
            return false;
        }
    }

    private static string Describe(Type type) => type switch
    {
        _ when type == typeof(bool) => "true or false",
        _ when type == typeof(int) || type == typeof(long) || type == typeof(short) => "a whole number",
        _ when type == typeof(double) || type == typeof(float) || type == typeof(decimal) => "a number",
        _ when type == typeof(TimeSpan) => "a duration such as 00:05:00",
        _ when type == typeof(DateTimeOffset) || type == typeof(DateTime) => "a date and time such as 2026-11-11T00:00:00+08:00",
        _ when type.IsEnum => "one of " + string.Join(", ", Enum.GetNames(type)),
        _ => "a " + type.Name.ToLower(CultureInfo.InvariantCulture),
    };

    /// <summary>Edit distance, case-insensitive: how far a typo is from a known name.</summary>
    private static int Distance(string a, string b)
    {
        a = a.ToUpperInvariant();
        b = b.ToUpperInvariant();
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++) previous[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
