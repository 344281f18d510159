namespace Im.Orleans.Gateway.Tests.Infrastructure;

/// <summary>Asserts that a hub call fails with a given protocol error code.</summary>
public static class HubAssert
{
    public static async Task<HubCallException> FailsWith(string code, Func<Task> call)
    {
        var e = await Assert.ThrowsAsync<HubCallException>(call);
        Assert.StartsWith(code + ": ", e.Message);
        return e;
    }
}
