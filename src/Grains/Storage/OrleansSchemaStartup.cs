using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace Im.Orleans.Grains.Storage;

/// <summary>
/// Creates the ADO.NET providers' tables and queries at the very first lifecycle stage of a silo or a cluster
/// client, before membership or storage read them; waits for a database that is still starting (containers start
/// together), until the start-up is cancelled.
/// </summary>
internal sealed class OrleansSchemaStartup(Func<CancellationToken, Task> ensure, ILogger<OrleansSchemaStartup> logger)
    : ILifecycleParticipant<ISiloLifecycle>, ILifecycleParticipant<IClusterClientLifecycle>
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    public void Participate(ISiloLifecycle lifecycle) => lifecycle.Subscribe(nameof(OrleansSchemaStartup), ServiceLifecycleStage.First, EnsureAsync);

    public void Participate(IClusterClientLifecycle lifecycle) => lifecycle.Subscribe(nameof(OrleansSchemaStartup), ServiceLifecycleStage.First, EnsureAsync);

    private async Task EnsureAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await ensure(cancellationToken);
                return;
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is not OperationCanceledException)
            {
                if (attempt == 1 || attempt % 10 == 0) logger.LogWarning(e, "Creating the Orleans schema failed (attempt {Attempt}); retrying", attempt);
                await Task.Delay(RetryDelay, cancellationToken);
            }
        }
    }
}
