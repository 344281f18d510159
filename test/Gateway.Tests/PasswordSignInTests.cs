using System.Collections.Concurrent;
using System.Security.Cryptography;
using Im.Orleans.Gateway.Accounts;
using Im.Orleans.Gateway.Auth;
using Microsoft.Extensions.Options;

namespace Im.Orleans.Gateway.Tests;

/// <summary>
/// Login does the same work whether or not the id exists (so timing does not reveal ids), and password hashing runs
/// at most a bounded number at a time. Checked by counting the key derivations, not by timing, which is noisy.
/// </summary>
public sealed class PasswordSignInTests
{
    private const int Iterations = 1_000;

    [Fact]
    public async Task A_wrong_password_an_unknown_id_and_a_malformed_id_each_cost_one_derivation_of_the_same_size()
    {
        var derivations = new ConcurrentQueue<(int Iterations, int Length, int SaltLength)>();
        using var hasher = Hasher(1, (password, salt, iterations, length) =>
        {
            derivations.Enqueue((iterations, length, salt.Length));
            return Rfc2898DeriveBytes.Pbkdf2(password, salt, iterations, HashAlgorithmName.SHA256, length);
        });
        var accounts = new Accounts();
        var stored = await hasher.HashAsync("correct horse", CancellationToken.None);
        accounts.Add(new Account("alice", "Alice", ChatRoles.User, stored, DateTimeOffset.UnixEpoch));
        var signIn = new PasswordSignIn(accounts, hasher);
        derivations.Clear();

        var costs = new List<(int, int, int)[]>();
        foreach (var (userId, password) in new[] { ("alice", "wrong password"), ("nobody", "wrong password"), ("bad id with spaces", "x") })
        {
            Assert.Null(await signIn.CheckAsync(userId, password, CancellationToken.None));
            costs.Add([.. derivations]);
            derivations.Clear();
        }

        Assert.All(costs, c => Assert.Equal([(Iterations, 32, 16)], c));
        Assert.Equal("alice", (await signIn.CheckAsync("alice", "correct horse", CancellationToken.None))?.UserId);
    }

    [Fact]
    public async Task No_more_password_checks_run_at_once_than_configured()
    {
        var running = 0;
        var most = 0;
        using var hasher = Hasher(2, (password, salt, iterations, length) =>
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref most, now);
            Thread.Sleep(20);
            Interlocked.Decrement(ref running);
            return new byte[length];
        });
        var stored = new PasswordHash(Convert.ToBase64String(new byte[32]), Convert.ToBase64String(new byte[16]), Iterations);

        await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => Task.Run(() => hasher.VerifyAsync("password", stored, CancellationToken.None))));

        Assert.InRange(most, 1, 2);
    }

    private static PasswordHasher Hasher(int concurrency, DeriveKey derive) =>
        new(Options.Create(new AuthOptions { Pbkdf2Iterations = Iterations, MaxConcurrentPasswordChecks = concurrency }), derive);

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen) { }
    }

    private sealed class Accounts : IAccountStore
    {
        private readonly ConcurrentDictionary<string, Account> _accounts = new(StringComparer.Ordinal);

        public void Add(Account account) => _accounts[account.UserId] = account;

        public Task<bool> TryCreateAsync(Account account, CancellationToken cancellationToken) => Task.FromResult(_accounts.TryAdd(account.UserId, account));

        public Task<Account?> FindAsync(string userId, CancellationToken cancellationToken) => Task.FromResult(_accounts.GetValueOrDefault(userId));

        public Task<bool> ChangeRoleAsync(string userId, string fromRole, string toRole, CancellationToken cancellationToken) => Task.FromResult(false);

        public Task PingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
