namespace Im.Orleans.Hosting;

/// <summary>Work a silo runs once at start-up before it accepts calls (schema creation, warm-up).</summary>
public interface IStartupTask
{
    Task Execute(CancellationToken cancellationToken);
}
