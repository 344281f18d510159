namespace Im.Orleans.Silo.Hosting;

/// <summary>The JSON body of /health/live and /health/ready.</summary>
/// <param name="Status">"live", "ready", "not_ready" or "draining".</param>
/// <param name="Member">Whether the cluster view holds this silo as Active (null for /health/live).</param>
/// <param name="Database">Whether PostgreSQL answered (null for /health/live).</param>
/// <param name="ActiveSilos">How many silos the view holds as active (null for /health/live).</param>
/// <param name="Gateways">How many gateways the cluster's registry heard from lately (null for /health/live, or when it did not answer).</param>
/// <param name="Error">Why the silo is not ready, when it is not.</param>
internal sealed record SiloHealthReport(string Status, bool? Member = null, bool? Database = null, int? ActiveSilos = null, int? Gateways = null, string? Error = null);
