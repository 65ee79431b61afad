using System.Globalization;
using System.Net;
using IPNetwork = System.Net.IPNetwork;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.HttpOverrides;

namespace Alerting.InspectorConsole.Hosting;

/// <summary>
/// Transport security of the console: forwarded headers believed only from configured proxies, and the
/// security headers on every answer (pages, API, errors): a strict Content-Security-Policy (scripts and
/// styles from this origin only, no inline script, no framing), nosniff, no referrer, and HSTS over HTTPS.
/// </summary>
public static class ConsoleSecurity
{
    /// <summary>The policy every answer carries. The pages load their scripts and styles from files; no inline code.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; " +
        "form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

    /// <summary>Parses <c>10.1.2.3</c> (one address) or <c>10.0.0.0/8</c> (a network).</summary>
    public static bool TryParseNetwork(string? text, out IPNetwork network)
    {
        network = default;
        if (string.IsNullOrWhiteSpace(text)) return false;
        text = text.Trim();
        if (text.Contains('/', StringComparison.Ordinal)) return IPNetwork.TryParse(text, out network);
        if (!IPAddress.TryParse(text, out var address)) return false;
        network = new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
        return true;
    }

    /// <summary>
    /// Adds the middleware in order: forwarded headers (only when proxies are configured, and only from
    /// them: ASP.NET Core's default of trusting loopback is cleared), then the security headers.
    /// </summary>
    public static void UseConsoleSecurity(this WebApplication app, ConsoleOptions options)
    {
        if (options.TrustedProxies.Count > 0)
        {
            var forwarded = new ForwardedHeadersOptions
            {
                ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto,
                // One proxy hop: the address the trusted proxy saw is the client.
                ForwardLimit = 1,
            };
            forwarded.KnownProxies.Clear();
            forwarded.KnownIPNetworks.Clear();
            foreach (var p in options.TrustedProxies)
            {
                if (TryParseNetwork(p, out var network)) forwarded.KnownIPNetworks.Add(network);
            }
            app.UseForwardedHeaders(forwarded);
        }

        var hsts = options.HstsMaxAge > TimeSpan.Zero
            ? "max-age=" + ((long)options.HstsMaxAge.TotalSeconds).ToString(CultureInfo.InvariantCulture) + "; includeSubDomains"
            : null;
        app.Use((context, next) =>
        {
            // Set before the rest runs, so 401/403/404 and errors carry them too.
            var h = context.Response.Headers;
            h.ContentSecurityPolicy = ContentSecurityPolicy;
            h.XContentTypeOptions = "nosniff";
            h.XFrameOptions = "DENY";
            h["Referrer-Policy"] = "no-referrer";
            h["Cross-Origin-Opener-Policy"] = "same-origin";
            h["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()";
            if (hsts is not null && context.Request.IsHttps) h.StrictTransportSecurity = hsts;
            return next(context);
        });
    }
}
