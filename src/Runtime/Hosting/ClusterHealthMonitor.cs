using System.Net;
using Im.Orleans.Configuration;
using Im.Orleans.Membership;
using Im.Orleans.Networking;
using Im.Orleans.Runtime;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Im.Orleans.Hosting;

/// <summary>
/// Probes the active nodes this node lost its connection to, every probe period, until the connection is back, the node
/// is no longer Active in the view, or it is declared dead. A silo is dialled, and every failed dial is a vote that it
/// is dead; a crashed silo refuses at once, so enough votes come in long before the heartbeat timeout would run out.
/// A gateway listens on nothing: it dials us, and a live one does so at once, so each probe period it stays away is
/// the vote.
/// </summary>
internal sealed class ClusterHealthMonitor(
    MembershipAgent membership, ConnectionManager connections, IOptions<ClusterMembershipOptions> options, TimeProvider time, ILogger<ClusterHealthMonitor> logger)
    : IAsyncDisposable
{
    private readonly ClusterMembershipOptions _options = options.Value;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Dictionary<string, Task> _probes = new(StringComparer.Ordinal);

    /// <summary>The <see cref="ConnectionManager.ConnectionLost"/> handler: starts probing the node if it is Active.</summary>
    public void OnConnectionLost(FrameConnection connection)
    {
        var nodeId = connection.Remote.NodeId;
        if (_options.NumVotesForDeathDeclaration == 0 || ActiveNode(nodeId) is null) return;
        lock (_probes)
        {
            if (_stopping.IsCancellationRequested || _probes.ContainsKey(nodeId)) return;
            _probes[nodeId] = Task.Run(() => ProbeAsync(nodeId));
        }
    }

    public async ValueTask DisposeAsync()
    {
        Task[] probes;
        lock (_probes)
        {
            if (_stopping.IsCancellationRequested) return;
            _stopping.Cancel();
            probes = [.. _probes.Values];
        }

        await Task.WhenAll(probes).ConfigureAwait(false);
        _stopping.Dispose();
    }

    private async Task ProbeAsync(string nodeId)
    {
        var ct = _stopping.Token;
        var failures = 0;
        try
        {
            while (ActiveNode(nodeId) is { } node && !connections.TryGetConnection(nodeId, out _))
            {
                if (node.Role == NodeRole.Silo)
                {
                    try
                    {
                        await connections.GetOrConnectAsync(nodeId, new DnsEndPoint(node.Host, node.Port), ct).ConfigureAwait(false);
                        if (failures > 0) logger.LogInformation("Silo {Node} answers again after {Failures} failed probe(s)", nodeId, failures);
                        return;
                    }
                    catch (ConnectionFailedException) when (!ct.IsCancellationRequested)
                    {
                        failures++;
                        if (await membership.VoteDeadAsync(nodeId, ct).ConfigureAwait(false)) return;
                    }
                }
                else if (failures++ > 0 && await membership.VoteDeadAsync(nodeId, ct).ConfigureAwait(false))
                {
                    // The gateway had a whole probe period to dial back in before the first vote.
                    return;
                }

                await Task.Delay(_options.ProbePeriod, time, ct).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // This node is stopping.
        }
        catch (Exception e)
        {
            // The table was unreachable for a vote: the heartbeat timeout still declares the node dead if it is.
            logger.LogWarning(e, "Probing node {Node} failed; leaving it to the heartbeat timeout", nodeId);
        }
        finally
        {
            lock (_probes) _probes.Remove(nodeId);
        }
    }

    private MembershipEntry? ActiveNode(string nodeId) =>
        membership.CurrentSnapshot.Members.TryGetValue(nodeId, out var entry) && entry.Status == SiloStatus.Active && nodeId != membership.Local.NodeId
            ? entry
            : null;
}
