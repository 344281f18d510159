namespace Im.Orleans.Gateway.Hosting;

/// <summary>This gateway's name in a cluster ("Gateway" section), which the load balancer routes by.</summary>
internal sealed class GatewayAffinityOptions
{
    public const string SectionName = "Gateway";

    /// <summary>
    /// e.g. "gw1": sent back in the im_gw cookie so nginx keeps a client on this gateway. Empty on a single node,
    /// where no cookie is set. Letters, digits, '-' and '_' only, as it travels unquoted in a cookie.
    /// </summary>
    public string? Name { get; set; }

    /// <summary>Validation for ValidateOnStart: true when the name is absent or cookie-safe.</summary>
    public bool IsValid() =>
        string.IsNullOrEmpty(Name) || (Name.Length <= 64 && Name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'));
}
