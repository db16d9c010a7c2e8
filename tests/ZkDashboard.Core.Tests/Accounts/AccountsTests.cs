using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ZkDashboard.Core.Accounts;
using ZkDashboard.Core.Store;
using ZkDashboard.Core.Tests.Authorization;
using ZkDashboard.Core.Tests.Support;
using ZkDashboard.Testing.Postgres;

namespace ZkDashboard.Core.Tests.Accounts;

/// <summary>
/// Local accounts, lockout, server-side sessions and API tokens with a clock the test moves, on a real SQLite store
/// (<see cref="AccountsSqliteTests"/>) and on a real PostgreSQL server (<see cref="AccountsPostgresTests"/>).
/// </summary>
public abstract class AccountsTests : IAsyncLifetime
{
    private const string Password = "correct horse battery";
    private readonly StoreTestHost _host = new();
    private readonly ManualClock _clock = new(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private ServiceProvider _sp = null!;

    private IAccountService Accounts => _sp.GetRequiredService<IAccountService>();

    private IAuthSessionStore Sessions => _sp.GetRequiredService<IAuthSessionStore>();

    private IApiTokenService Tokens => _sp.GetRequiredService<IApiTokenService>();

    /// <summary>The store settings (merged over the temp SQLite file of the host).</summary>
    protected virtual Dictionary<string, string?> StoreSettings() => [];

    public Task InitializeAsync()
    {
        var settings = new Dictionary<string, string?>
        {
            ["ZkDashboard:Auth:Local:MaxFailedAttempts"] = "3",
            ["ZkDashboard:Auth:Local:LockoutDuration"] = "00:10:00",
            ["ZkDashboard:Auth:Cookie:IdleTimeout"] = "00:30:00",
            ["ZkDashboard:Auth:Cookie:AbsoluteLifetime"] = "08:00:00",
        };
        foreach (var (key, value) in StoreSettings())
        {
            settings[key] = value;
        }
        _sp = _host.Build(settings, (s, c) =>
        {
            s.AddSingleton<TimeProvider>(_clock);
            s.AddZkDashboardStore(c);
            s.AddZkDashboardAccounts(c);
        });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _sp.DisposeAsync();
        _host.Dispose();
    }

    [Fact]
    public async Task CreateAsync_StoresOnlyAHash_AndChecksPassword()
    {
        await Accounts.CreateAsync("Alice", "Alice A.", ["admins", "ops"], Password, "test");

        var ok = await Accounts.CheckPasswordAsync("alice", Password);
        var wrong = await Accounts.CheckPasswordAsync("alice", "wrong password!");

        Assert.Equal(PasswordCheckOutcome.Succeeded, ok.Outcome);
        Assert.Equal(["admins", "ops"], ok.Account!.Groups);
        Assert.Equal(PasswordCheckOutcome.Failed, wrong.Outcome);
        await using var db = await _sp.GetRequiredService<IDashboardStore>().CreateContextAsync();
        var row = await db.Accounts.SingleAsync();
        Assert.DoesNotContain(Password, row.PasswordHash, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateAsync_Refuses_DuplicateNameOrShortPassword()
    {
        await Accounts.CreateAsync("bob", null, [], Password, "test");

        var duplicate = await Assert.ThrowsAsync<AccountException>(() => Accounts.CreateAsync("BOB", null, [], Password, "test"));
        var weak = await Assert.ThrowsAsync<AccountException>(() => Accounts.CreateAsync("carol", null, [], "short", "test"));

        Assert.Contains("already exists", duplicate.Message, StringComparison.Ordinal);
        Assert.Contains("at least 10 characters", weak.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckPasswordAsync_LocksOut_AfterMaxFailures_ForKnownAndUnknownNamesAlike_UntilTheDurationPasses()
    {
        await Accounts.CreateAsync("dave", null, [], Password, "test");

        foreach (var name in new[] { "dave", "nobody" })
        {
            Assert.Equal(PasswordCheckOutcome.Failed, (await Accounts.CheckPasswordAsync(name, "x1 wrong pw")).Outcome);
            Assert.Equal(PasswordCheckOutcome.Failed, (await Accounts.CheckPasswordAsync(name, "x2 wrong pw")).Outcome);
            var third = await Accounts.CheckPasswordAsync(name, "x3 wrong pw");
            Assert.Equal(PasswordCheckOutcome.LockedOut, third.Outcome);
            Assert.Equal(TimeSpan.FromMinutes(10), third.RetryAfter);
        }
        Assert.Equal(PasswordCheckOutcome.LockedOut, (await Accounts.CheckPasswordAsync("dave", Password)).Outcome);

        _clock.Advance(TimeSpan.FromMinutes(11));
        Assert.Equal(PasswordCheckOutcome.Succeeded, (await Accounts.CheckPasswordAsync("dave", Password)).Outcome);
    }

    [Fact]
    public async Task UnlockAsync_EndsLockout()
    {
        await Accounts.CreateAsync("erin", null, [], Password, "test");
        for (var i = 0; i < 3; i++)
        {
            await Accounts.CheckPasswordAsync("erin", "wrong password " + i);
        }

        await Accounts.UnlockAsync("erin", "admin");

        Assert.Equal(PasswordCheckOutcome.Succeeded, (await Accounts.CheckPasswordAsync("erin", Password)).Outcome);
    }

    [Fact]
    public async Task ValidateAsync_EndsSession_WhenIdleOrOlderThanAbsoluteLifetime()
    {
        await Accounts.CreateAsync("frank", null, [], Password, "test");
        var idle = await Sessions.CreateAsync("frank", "local", [], null);
        var busy = await Sessions.CreateAsync("frank", "local", [], null);

        for (var i = 0; i < 23; i++)
        {
            _clock.Advance(TimeSpan.FromMinutes(20));
            Assert.Equal(SessionState.Valid, await Sessions.ValidateAsync(busy, touch: true));
        }

        Assert.Equal(SessionState.IdleExpired, await Sessions.ValidateAsync(idle, touch: true));
        _clock.Advance(TimeSpan.FromMinutes(20));
        Assert.Equal(SessionState.Expired, await Sessions.ValidateAsync(busy, touch: true));
        Assert.Equal(SessionState.Unknown, await Sessions.ValidateAsync("no-such-session", touch: true));
    }

    [Fact]
    public async Task ChangePasswordAsync_KeepsCurrentSession_AndRevokesTheOthers()
    {
        await Accounts.CreateAsync("gina", null, [], Password, "test");
        var current = await Sessions.CreateAsync("gina", "local", [], null);
        var other = await Sessions.CreateAsync("gina", "local", [], null);

        await Assert.ThrowsAsync<AccountException>(() => Accounts.ChangePasswordAsync("gina", "not the password", "new password 123", current));
        await Accounts.ChangePasswordAsync("gina", Password, "new password 123", current);

        Assert.Equal(SessionState.Valid, await Sessions.ValidateAsync(current, touch: false));
        Assert.Equal(SessionState.Revoked, await Sessions.ValidateAsync(other, touch: false));
        Assert.Equal(PasswordCheckOutcome.Succeeded, (await Accounts.CheckPasswordAsync("gina", "new password 123")).Outcome);
    }

    [Fact]
    public async Task SetDisabledAsync_EndsSessions_AndRefusesSignIn()
    {
        await Accounts.CreateAsync("hank", null, [], Password, "test");
        var session = await Sessions.CreateAsync("hank", "local", [], null);

        await Accounts.SetDisabledAsync("hank", true, "admin");

        Assert.NotEqual(SessionState.Valid, await Sessions.ValidateAsync(session, touch: false));
        Assert.Equal(PasswordCheckOutcome.Disabled, (await Accounts.CheckPasswordAsync("hank", Password)).Outcome);
    }

    [Fact]
    public async Task ResetPasswordAsync_ReturnsNewPassword_AndRevokesSessions()
    {
        await Accounts.CreateAsync("ivy", null, [], Password, "test");
        var session = await Sessions.CreateAsync("ivy", "local", [], null);

        var generated = await Accounts.ResetPasswordAsync("ivy", "admin");

        Assert.Equal(SessionState.Revoked, await Sessions.ValidateAsync(session, touch: false));
        Assert.Equal(PasswordCheckOutcome.Failed, (await Accounts.CheckPasswordAsync("ivy", Password)).Outcome);
        Assert.Equal(PasswordCheckOutcome.Succeeded, (await Accounts.CheckPasswordAsync("ivy", generated)).Outcome);
    }

    [Fact]
    public async Task ApiTokens_StoreOnlyTheHash_AndStopWorking_WhenRevokedExpiredOrOwnerDisabled()
    {
        await Accounts.CreateAsync("jay", null, ["operators"], Password, "test");
        var a = await Tokens.CreateAsync("jay", "local", ["operators"], "ci", ["viewer"], TimeSpan.FromDays(1));
        var b = await Tokens.CreateAsync("jay", "local", ["operators"], "other", ["operator"], TimeSpan.FromDays(30));

        var identity = await Tokens.ValidateAsync(a.Secret);
        Assert.StartsWith("zkd_", a.Secret, StringComparison.Ordinal);
        Assert.Equal(["viewer"], identity!.Roles);
        Assert.Equal(["operators"], identity.Groups);
        await using (var db = await _sp.GetRequiredService<IDashboardStore>().CreateContextAsync())
        {
            Assert.DoesNotContain(await db.ApiTokens.Select(t => t.Hash).ToListAsync(), h => h.Contains(a.Secret[4..], StringComparison.Ordinal));
        }

        _clock.Advance(TimeSpan.FromDays(2));
        Assert.Null(await Tokens.ValidateAsync(a.Secret));
        Assert.NotNull(await Tokens.ValidateAsync(b.Secret));
        Assert.NotNull((await Tokens.ListAsync("jay")).Single(t => t.Name == "other").LastUsedAt);

        await Accounts.SetDisabledAsync("jay", true, "admin");
        Assert.Null(await Tokens.ValidateAsync(b.Secret));
        await Accounts.SetDisabledAsync("jay", false, "admin");
        Assert.NotNull(await Tokens.ValidateAsync(b.Secret));
        Assert.True(await Tokens.RevokeAsync("jay", b.Token.Id));
        Assert.Null(await Tokens.ValidateAsync(b.Secret));
        Assert.False(await Tokens.RevokeAsync("someone-else", b.Token.Id));
    }

    [Fact]
    public async Task CachedApiToken_IsRefusedAtOnce_AfterRevoke_RevokeAll_Disable_OrGroupChange()
    {
        await Accounts.CreateAsync("kim", null, ["operators"], Password, "test");
        var a = await Tokens.CreateAsync("kim", "local", ["operators"], "a", [], TimeSpan.FromDays(1));
        var b = await Tokens.CreateAsync("kim", "local", ["operators"], "b", [], TimeSpan.FromDays(1));
        Assert.NotNull(await Tokens.ValidateAsync(a.Secret));
        Assert.NotNull(await Tokens.ValidateAsync(a.Secret));
        Assert.NotNull(await Tokens.ValidateAsync(b.Secret));

        Assert.True(await Tokens.RevokeAsync("kim", a.Token.Id));
        Assert.Null(await Tokens.ValidateAsync(a.Secret));
        Assert.NotNull(await Tokens.ValidateAsync(b.Secret));

        await Accounts.SetGroupsAsync("kim", ["viewers"], "admin");
        Assert.Equal(["viewers"], (await Tokens.ValidateAsync(b.Secret))!.Groups);

        await Accounts.SetDisabledAsync("kim", true, "admin");
        Assert.Null(await Tokens.ValidateAsync(b.Secret));
        await Accounts.SetDisabledAsync("kim", false, "admin");
        Assert.NotNull(await Tokens.ValidateAsync(b.Secret));

        Assert.Equal(1, await Tokens.RevokeAllAsync("KIM"));
        Assert.Null(await Tokens.ValidateAsync(b.Secret));
    }

    [Fact]
    public async Task CachedApiToken_IsRefused_OnceExpired_AndRechecksTheStore_AfterTheTtl()
    {
        await Accounts.CreateAsync("lea", null, ["operators"], Password, "test");
        var shortLived = await Tokens.CreateAsync("lea", "local", ["operators"], "short", [], TimeSpan.FromSeconds(5));
        var token = await Tokens.CreateAsync("lea", "local", ["operators"], "long", [], TimeSpan.FromDays(1));
        Assert.NotNull(await Tokens.ValidateAsync(shortLived.Secret));
        Assert.NotNull(await Tokens.ValidateAsync(token.Secret));

        // Revoked in the store behind this instance's back (as another instance would): trusted until the TTL (10 s).
        await using (var db = await _sp.GetRequiredService<IDashboardStore>().CreateContextAsync())
        {
            var row = await db.ApiTokens.SingleAsync(t => t.Id == token.Token.Id);
            row.RevokedAt = _clock.GetUtcNow().ToUnixTimeMilliseconds();
            await db.SaveChangesAsync();
        }
        _clock.Advance(TimeSpan.FromSeconds(6));
        Assert.Null(await Tokens.ValidateAsync(shortLived.Secret));
        Assert.NotNull(await Tokens.ValidateAsync(token.Secret));

        _clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Null(await Tokens.ValidateAsync(token.Secret));
    }

    [Fact]
    public async Task CachedApiToken_ReportsFirstUseToday_OncePerDay_AndWritesLastUsedAtAtMostOncePerMinute()
    {
        await Accounts.CreateAsync("max", null, ["operators"], Password, "test");
        var token = await Tokens.CreateAsync("max", "local", ["operators"], "ci", [], TimeSpan.FromDays(30));
        _clock.Advance(TimeSpan.FromHours(23) + TimeSpan.FromMinutes(59) + TimeSpan.FromSeconds(55));

        var firstUses = new List<bool>();
        for (var i = 0; i < 3; i++)
        {
            firstUses.Add((await Tokens.ValidateAsync(token.Secret))!.FirstUseToday);
        }
        Assert.Equal([true, false, false], firstUses);

        // Midnight passes within the cache TTL: the next day's first use is still reported, once, and recorded.
        _clock.Advance(TimeSpan.FromSeconds(6));
        Assert.True((await Tokens.ValidateAsync(token.Secret))!.FirstUseToday);
        Assert.False((await Tokens.ValidateAsync(token.Secret))!.FirstUseToday);
        var midnightWrite = _clock.GetUtcNow();
        Assert.Equal(midnightWrite, (await Tokens.ListAsync("max")).Single().LastUsedAt);

        var concurrent = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Tokens.ValidateAsync(token.Secret)));
        Assert.All(concurrent, id => Assert.False(id!.FirstUseToday));

        // Past the TTL the store is read again, but LastUsedAt is written at most once a minute.
        _clock.Advance(TimeSpan.FromSeconds(30));
        Assert.False((await Tokens.ValidateAsync(token.Secret))!.FirstUseToday);
        Assert.Equal(midnightWrite, (await Tokens.ListAsync("max")).Single().LastUsedAt);

        _clock.Advance(TimeSpan.FromMinutes(2));
        Assert.False((await Tokens.ValidateAsync(token.Secret))!.FirstUseToday);
        Assert.Equal(_clock.GetUtcNow(), (await Tokens.ListAsync("max")).Single().LastUsedAt);

        _clock.Advance(TimeSpan.FromDays(1));
        var nextDay = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Tokens.ValidateAsync(token.Secret)));
        Assert.Single(nextDay, id => id!.FirstUseToday);
    }

    private sealed class ManualClock(DateTimeOffset start) : TimeProvider
    {
        private DateTimeOffset _now = start;

        public void Advance(TimeSpan by) => _now += by;

        public override DateTimeOffset GetUtcNow() => _now;
    }
}

/// <summary><see cref="AccountsTests"/> on SQLite (the default store).</summary>
public sealed class AccountsSqliteTests : AccountsTests;

/// <summary><see cref="AccountsTests"/> on a real PostgreSQL server started by the tests (a fresh database per test).</summary>
[Collection(PostgresCollection.Name)]
public sealed class AccountsPostgresTests(PostgresServer server) : AccountsTests
{
    private readonly string _database = "zkd_" + Guid.NewGuid().ToString("N")[..12];

    protected override Dictionary<string, string?> StoreSettings() => new()
    {
        ["ZkDashboard:Store:Provider"] = "Postgres",
        ["ZkDashboard:Store:ConnectionString"] = server.ConnectionString(_database),
    };
}
