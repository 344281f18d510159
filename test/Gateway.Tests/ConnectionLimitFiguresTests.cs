using System.Diagnostics.Metrics;
using Im.Orleans.Gateway.Hosting;
using Im.Orleans.Gateway.Hubs;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;

namespace Im.Orleans.Gateway.Tests;

/// <summary>The connection caps derived from the open-file limit, and the hub's own admission at the cap.</summary>
public sealed class ConnectionLimitFiguresTests
{
    [Fact]
    public void The_open_file_limit_is_the_soft_value_of_its_row()
    {
        const string limits = """
            Limit                     Soft Limit           Hard Limit           Units
            Max processes             95535                95535                processes
            Max open files            20000                40000                files
            Max locked memory         8388608              8388608              bytes
            """;
        Assert.Equal(20000, OpenFileLimit.Parse(limits));
        Assert.Null(OpenFileLimit.Parse("Max open files            unlimited            unlimited            files"));
        Assert.Null(OpenFileLimit.Parse("Max processes 10 10 processes"));
    }

    [Fact]
    public void Caps_derived_from_20000_open_files_keep_every_client_socket_inside_the_budget()
    {
        var limits = ConnectionLimits.Resolve(new ConnectionLimitOptions(), 20_000);

        Assert.Equal(2_000, limits.Reserve);
        Assert.Equal(15_876, limits.MaxConnections);
        Assert.Equal(16_200, limits.KestrelUpgraded);
        Assert.Equal(1_800, limits.KestrelConnections);
        Assert.Equal(20_000 - limits.Reserve, limits.KestrelUpgraded + limits.KestrelConnections);
        Assert.InRange(limits.UpgradesInFlight!.Value, limits.MaxConnections!.Value + 1, limits.KestrelUpgraded!.Value - 1);
    }

    [Fact]
    public void A_configured_cap_above_what_the_limit_allows_is_lowered_and_one_below_is_kept()
    {
        var lowered = ConnectionLimits.Resolve(new ConnectionLimitOptions { MaxConnections = 100_000 }, 20_000);
        Assert.Equal(15_876, lowered.MaxConnections);
        Assert.Equal(100_000, lowered.Lowered);

        var small = ConnectionLimits.Resolve(new ConnectionLimitOptions { MaxConnections = 5 }, 20_000);
        Assert.Equal(5, small.MaxConnections);
        Assert.Null(small.Lowered);
        Assert.Equal(18_000, small.KestrelUpgraded + small.KestrelConnections);

        var unknown = ConnectionLimits.Resolve(new ConnectionLimitOptions(), openFiles: null);
        Assert.Null(unknown.MaxConnections);
        Assert.Null(unknown.KestrelConnections);
    }

    [Fact]
    public void A_smaller_http_budget_and_reserve_leave_room_for_18000_websockets_under_20000_open_files()
    {
        var limits = ConnectionLimits.Resolve(new ConnectionLimitOptions { MaxConnections = 18_100, FileDescriptorReserve = 400, HttpConnections = 1000 }, 20_000);

        Assert.Equal(18_100, limits.MaxConnections);
        Assert.Null(limits.Lowered);
        Assert.Equal(20_000 - 400, limits.KestrelUpgraded + limits.KestrelConnections);
        Assert.True(limits.KestrelConnections >= 1000);
        Assert.Throws<InvalidOperationException>(() => ConnectionLimits.Resolve(new ConnectionLimitOptions { HttpConnections = 0 }, 20_000));
        Assert.Throws<InvalidOperationException>(() => ConnectionLimits.Resolve(new ConnectionLimitOptions { HttpConnections = 18_000 }, 20_000));
    }

    [Fact]
    public void At_the_cap_the_hub_refuses_a_connection_with_a_coded_unavailable_error()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var refusals = new ConnectionRefusals(new GatewayMetrics(services.GetRequiredService<IMeterFactory>()));
        var registry = new ConnectionRegistry(ConnectionLimits.Resolve(new ConnectionLimitOptions { MaxConnections = 2 }, 20_000), refusals);

        registry.Admit("alice", "a1");
        registry.Admit("bob", "b1");
        Assert.StartsWith("unavailable: ", Assert.Throws<HubException>(() => registry.Admit("carol", "c1")).Message);
        registry.Remove("alice", "a1");
        registry.Admit("carol", "c1");
        Assert.Equal(2, registry.Count);
        Assert.Equal(1, refusals.TakeSums().AtGatewayCap);
    }
}
