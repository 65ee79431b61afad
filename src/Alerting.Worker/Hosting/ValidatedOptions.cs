using Alerting.Core.Config;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Alerting.Worker.Hosting;

/// <summary>
/// Options sections of the worker: bound with <c>BindConfiguration</c> (unknown keys refused), checked by
/// the section's own <c>Validate</c> (its <see cref="ConfigProblem"/>s become the validation failures) and
/// validated when the host starts, so a bad section stops the start with path and reason. The verbs
/// check the same rules earlier (with the file names) through <see cref="WorkerSettings.Validate"/>.
/// </summary>
internal static class ValidatedOptions
{
    /// <summary>Binds <typeparamref name="T"/> to <paramref name="section"/>, validates it at start, and registers its value as a singleton.</summary>
    public static IServiceCollection AddValidatedOptions<T>(this IServiceCollection services, string section, Func<T, IEnumerable<ConfigProblem>> validate)
        where T : class
    {
        services.AddOptions<T>().BindConfiguration(section, o => o.ErrorOnUnknownConfiguration = true).ValidateOnStart();
        services.AddSingleton<IValidateOptions<T>>(new ProblemsValidator<T>(validate));
        // Read once at start (these sections are not hot-reloaded): consumers take the value itself.
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<T>>().Value);
        return services;
    }

    private sealed class ProblemsValidator<T>(Func<T, IEnumerable<ConfigProblem>> validate) : IValidateOptions<T>
        where T : class
    {
        public ValidateOptionsResult Validate(string? name, T options)
        {
            var problems = validate(options).Select(p => p.ToString()).ToList();
            return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
        }
    }
}
