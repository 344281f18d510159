namespace Im.Orleans.Gateway.Hosting;

/// <summary>
/// The visitor widget ("Widget" section): the origins of the host sites allowed to embed it. The widget runs in the
/// host's page, so its calls to this gateway are cross-origin; only these origins get CORS answers (WidgetCors).
/// Empty (the default) = no cross-origin access at all.
/// </summary>
public sealed class WidgetOptions
{
    public const string SectionName = "Widget";

    /// <summary>Exact origins, e.g. "https://shop.example" or "http://localhost:8000": scheme, host, optional port, no path.</summary>
    public string[] AllowedOrigins { get; set; } = [];

    /// <summary>Null when every entry is a bare http(s) origin, else what is wrong (a path or a wildcard would silently never match).</summary>
    public string? Validate()
    {
        foreach (var origin in AllowedOrigins)
        {
            if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
                || uri.GetLeftPart(UriPartial.Authority) != origin.TrimEnd('/') || origin.EndsWith('/'))
                return $"Widget:AllowedOrigins: '{origin}' is not an origin like https://shop.example (scheme, host, optional port, no path)";
        }
        return null;
    }
}
