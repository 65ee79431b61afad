using Alerting.InspectorConsole;
using Alerting.InspectorConsole.Hosting;

// alerting-console [--config PATH] [Section:Key=value ...]   run the console
// alerting-console hash-password [PASSWORD]                  print a hash for Console:Users:N:PasswordHash
if (args.Length > 0 && args[0] == "hash-password")
{
    var password = args.Length > 1 ? args[1] : ReadPassword();
    if (string.IsNullOrEmpty(password))
    {
        await System.Console.Error.WriteLineAsync("hash-password: empty password (give it as an argument or on standard input)");
        return 2;
    }
    System.Console.WriteLine(PasswordHashing.Hash(password));
    return 0;
}

var app = ConsoleApp.Build(args);
await app.RunAsync();
return 0;

static string? ReadPassword()
{
    if (!System.Console.IsInputRedirected) System.Console.Error.Write("password: ");
    return System.Console.ReadLine();
}
