using System.Data.Common;
using Microsoft.Extensions.Logging;

namespace Im.Orleans.Grains.Hosting;

/// <summary>
/// A grain call that failed because the database did not answer (restarting, a connection it dropped) reaches the
/// caller as <see cref="ChatException"/> "unavailable". The drivers' own exceptions are unknown to Orleans'
/// serializer and would arrive as an unknown fault, which gateways answer "internal" and clients do not retry.
/// </summary>
internal sealed class StorageFailureFilter(ILogger<StorageFailureFilter> logger) : IIncomingGrainCallFilter
{
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        try
        {
            await context.Invoke();
        }
        catch (Exception e) when (e is not ChatException && IsStorageFailure(e))
        {
            logger.LogWarning(e, "{Grain}.{Method} failed: the database did not answer", context.TargetId, context.MethodName);
            throw ChatException.Unavailable("The database did not answer; try again.");
        }
    }

    private static bool IsStorageFailure(Exception e) => e switch
    {
        DbException => true,
        AggregateException aggregate => aggregate.InnerExceptions.Any(IsStorageFailure),
        { InnerException: { } inner } => IsStorageFailure(inner),
        _ => false,
    };
}
