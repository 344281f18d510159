using System.Diagnostics;

namespace Im.Orleans.Grains.Tests;

/// <summary>
/// Retries an assertion until it holds or a deadline passes, for effects that arrive through one-way calls: on
/// Orleans nothing tells a test when they are done, and a fixed sleep is either slow or flaky on a loaded machine.
/// </summary>
internal static class Eventually
{
    /// <summary>Long enough for a starved 2-core machine; a test that passes never waits for it.</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(20);

    /// <summary>Runs <paramref name="assertion"/> until it stops throwing; after the deadline its last failure is the test's.</summary>
    public static Task Holds(Action assertion) => Holds(() =>
    {
        assertion();
        return Task.CompletedTask;
    });

    /// <inheritdoc cref="Holds(Action)"/>
    public static async Task Holds(Func<Task> assertion)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await assertion();
                return;
            }
            catch (Exception) when (clock.Elapsed < Deadline)
            {
                await Task.Delay(Poll);
            }
        }
    }
}
