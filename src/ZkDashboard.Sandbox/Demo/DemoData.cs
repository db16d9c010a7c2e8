using System.Globalization;
using System.Text;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Sandbox.Demo;

/// <summary>
/// Realistic demo content in a ZooKeeper ensemble, written with our own client: a Kafka-like layout, S4 tasks,
/// configuration files, a live election, a lock, a queue, ACL-protected nodes and a node with 10,000 children.
/// The sessions that own ephemeral nodes stay open until this object is disposed.
/// </summary>
public sealed partial class DemoData : IAsyncDisposable
{
    private readonly string _connectString;
    private readonly Action<string> _log;
    private readonly List<ZooKeeperClient> _sessions = [];
    private readonly List<ZooKeeperClient> _contenders = [];
    private ZooKeeperClient _main = null!;

    private DemoData(string connectString, Action<string>? log)
    {
        _connectString = connectString;
        _log = log ?? (_ => { });
    }

    /// <summary>Seeds everything (idempotent: existing nodes are kept) and returns the live sessions' owner.</summary>
    public static async Task<DemoData> SeedAsync(string connectString, Action<string>? log = null, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectString);
        var demo = new DemoData(connectString, log);
        try
        {
            demo._main = await demo.ConnectAsync(ct).ConfigureAwait(false);
            // Steps that only write persistent nodes are idempotent and retried whole after a connection loss;
            // steps that open sessions retry each write instead.
            await demo.RetryAsync(() => demo.SeedConfigsAsync(ct), ct).ConfigureAwait(false);
            await demo.SeedKafkaAsync(ct).ConfigureAwait(false);
            await demo.SeedS4Async(ct).ConfigureAwait(false);
            await demo.SeedCoordinationAsync(ct).ConfigureAwait(false);
            await demo.RetryAsync(() => demo.SeedAclsAsync(ct), ct).ConfigureAwait(false);
            await demo.RetryAsync(() => demo.SeedMiscAsync(ct), ct).ConfigureAwait(false);
            await demo.RetryAsync(() => demo.SeedBigAsync(ct), ct).ConfigureAwait(false);
            return demo;
        }
        catch
        {
            await demo.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Keeps <see cref="DemoPaths.Status"/> changing every second, and the queue and election moving,
    /// until cancelled. Connection trouble is logged and retried, never fatal.</summary>
    public async Task RunStatusWriterAsync(CancellationToken ct)
    {
        var random = new Random(42);
        for (long tick = 1; ; tick++)
        {
            await Task.Delay(TimeSpan.FromSeconds(1), ct).ConfigureAwait(false);
            try
            {
                await WriteStatusAsync(tick, random, ct).ConfigureAwait(false);
                if (tick % 3 == 0)
                {
                    await EnqueueOrderAsync(random, ct).ConfigureAwait(false);
                }

                if (tick % 4 == 0)
                {
                    await DequeueOrderAsync(ct).ConfigureAwait(false);
                }

                if (tick % 20 == 0)
                {
                    await RotateLeaderAsync(ct).ConfigureAwait(false);
                }
            }
            catch (SessionExpiredException)
            {
                _log("demo: the writer's session expired; reconnecting");
                _main = await ConnectAsync(ct).ConfigureAwait(false);
            }
            catch (ZooKeeperException e)
            {
                _log($"demo: status writer: {e.GetType().Name}: {e.Message}");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var session in _sessions)
        {
            try
            {
                await session.DisposeAsync().ConfigureAwait(false);
            }
            catch (ZooKeeperException)
            {
                // closing a session on a stopping ensemble
            }
        }

        _sessions.Clear();
    }

    private async Task<ZooKeeperClient> ConnectAsync(CancellationToken ct)
    {
        var client = await ZooKeeperClient.ConnectAsync(
            new ZooKeeperClientOptions
            {
                ConnectString = _connectString,
                SessionTimeout = TimeSpan.FromSeconds(20),
                OperationTimeout = TimeSpan.FromSeconds(30),
            },
            ct).ConfigureAwait(false);
        _sessions.Add(client);
        return client;
    }

    private async Task SeedConfigsAsync(CancellationToken ct)
    {
        await PutAsync(DemoPaths.DataAndChildren, DemoContent.AppDescription, ct: ct).ConfigureAwait(false);
        await PutAsync(DemoPaths.DataAndChildren + "/settings.json", DemoContent.SettingsJson, ct: ct).ConfigureAwait(false);
        await PutAsync(DemoPaths.DataAndChildren + "/application.yaml", DemoContent.ApplicationYaml, ct: ct).ConfigureAwait(false);
        await PutAsync(DemoPaths.DataAndChildren + "/log4j2.xml", DemoContent.Log4j2Xml, ct: ct).ConfigureAwait(false);
        await PutAsync(DemoPaths.DataAndChildren + "/database.properties", DemoContent.DatabaseProperties, ct: ct).ConfigureAwait(false);
        await PutAsync(DemoPaths.Binary, BinaryKeystore(), ct: ct).ConfigureAwait(false);
        await PutAsync("/configs/shared/zookeeper-client.properties", DemoContent.ZkClientCfg, ct: ct).ConfigureAwait(false);
        await PutAsync("/configs/shared/topology.json", DemoContent.Topology, ct: ct).ConfigureAwait(false);
        await PutAsync("/configs/empty", [], ct: ct).ConfigureAwait(false);
        _log("demo: configs seeded under /configs");
    }

    private async Task SeedMiscAsync(CancellationToken ct)
    {
        await PutAsync(DemoPaths.Status, StatusJson(0, 0, 0), ct: ct).ConfigureAwait(false);
        await PutAsync("/demo/ttl", [], ct: ct).ConfigureAwait(false);
        await PutAsync(DemoPaths.Ttl, """{"entries":1284,"hitRatio":0.93}""", mode: CreateMode.PersistentWithTtl, ttl: 3_600_000, ct: ct).ConfigureAwait(false);
        await PutAsync("/demo/containers/batch-jobs", [], mode: CreateMode.Container, ct: ct).ConfigureAwait(false);
        await PutAsync("/demo/containers/batch-jobs/job-20240611-0001", """{"state":"RUNNING","worker":"batch-2"}""", ct: ct).ConfigureAwait(false);
        await PutAsync("/demo/unicode/café-配置-ключ", "ünïcødé node name and data: 設定 ✓", ct: ct).ConfigureAwait(false);
        await PutAsync("/demo/large-data", Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 4000).Select(i => $"line {i:D5}: lorem ipsum dolor sit amet\n"))), ct: ct).ConfigureAwait(false);
        await PutAsync("/demo/sequential", [], ct: ct).ConfigureAwait(false);
        for (var i = 0; i < 3; i++)
        {
            if ((await _main.GetChildrenAsync("/demo/sequential", false, ct).ConfigureAwait(false)).Children.Count >= 3)
            {
                break;
            }

            await _main.CreateAsync("/demo/sequential/job-", Utf8($"job {i}"), Acls.OpenUnsafe, CreateMode.PersistentSequential, 0, ct).ConfigureAwait(false);
        }
    }

    private async Task SeedBigAsync(CancellationToken ct)
    {
        await PutAsync(DemoPaths.Big, "10,000 children, created in batches with multi", ct: ct).ConfigureAwait(false);
        if (await _main.GetAllChildrenNumberAsync(DemoPaths.Big, ct).ConfigureAwait(false) >= DemoPaths.BigChildren)
        {
            return;
        }

        var existing = (await _main.GetChildrenAsync(DemoPaths.Big, false, ct).ConfigureAwait(false)).Children.ToHashSet(StringComparer.Ordinal);
        var missing = Enumerable.Range(0, DemoPaths.BigChildren).Select(i => $"item-{i:D5}").Where(n => !existing.Contains(n)).ToList();
        var batches = missing.Chunk(500).Select(chunk => chunk.Select(name =>
            (Op)Op.Create($"{DemoPaths.Big}/{name}", Utf8($"{{\"sku\":\"{name}\",\"qty\":{name.GetHashCode(StringComparison.Ordinal) & 0xff}}}"), Acls.OpenUnsafe)).ToList()).ToList();

        // Pipelined: four multi requests in flight at a time.
        using var window = new SemaphoreSlim(4);
        await Task.WhenAll(batches.Select(async batch =>
        {
            await window.WaitAsync(ct).ConfigureAwait(false);
            try
            {
                // A multi is atomic: after an unknown outcome, its first node tells whether it was applied.
                await RetryAsync(
                    async () =>
                    {
                        try
                        {
                            await _main.MultiAsync(batch, ct).ConfigureAwait(false);
                        }
                        catch (OperationOutcomeUnknownException)
                        {
                            if (await _main.ExistsAsync(batch[0].Path, false, ct).ConfigureAwait(false) is null)
                            {
                                throw;
                            }
                        }
                    },
                    ct).ConfigureAwait(false);
            }
            finally
            {
                window.Release();
            }
        })).ConfigureAwait(false);
        _log($"demo: {DemoPaths.Big} has {DemoPaths.BigChildren} children");
    }

    /// <summary>Creates the node (and its parents) if missing; an existing node is left as it is.</summary>
    private Task PutAsync(string path, string data, CreateMode mode = CreateMode.Persistent, long ttl = 0, IReadOnlyList<Acl>? acl = null, ZooKeeperClient? session = null, CancellationToken ct = default) =>
        PutAsync(path, Utf8(data), mode, ttl, acl, session, ct);

    private async Task PutAsync(string path, byte[] data, CreateMode mode = CreateMode.Persistent, long ttl = 0, IReadOnlyList<Acl>? acl = null, ZooKeeperClient? session = null, CancellationToken ct = default)
    {
        var client = session ?? _main;
        var parent = path[..path.LastIndexOf('/')];
        if (parent.Length > 0)
        {
            await RetryAsync(() => _main.EnsurePathAsync(parent, null, ct), ct).ConfigureAwait(false);
        }

        await RetryAsync(
            async () =>
            {
                try
                {
                    await client.CreateAsync(path, data, acl ?? Acls.OpenUnsafe, mode, ttl, ct).ConfigureAwait(false);
                }
                catch (NodeExistsException)
                {
                    // kept as it is (a retry after an unknown outcome, or a previous run)
                }
            },
            ct).ConfigureAwait(false);
    }

    /// <summary>Retries an idempotent step while the connection is lost (the client reconnects to another server).</summary>
    private async Task RetryAsync(Func<Task> step, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await step().ConfigureAwait(false);
                return;
            }
            catch (Exception e) when (e is ConnectionLossException or OperationOutcomeUnknownException && attempt < 8)
            {
                _log($"demo: {e.GetType().Name} ({e.Message}); retrying");
                await Task.Delay(TimeSpan.FromMilliseconds(250 * attempt), ct).ConfigureAwait(false);
            }
        }
    }

    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    private static string NowMillis() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);

    private static string StatusJson(long tick, int rps, int queue) =>
        $$"""{"service":"checkout","healthy":true,"tick":{{tick}},"requestsPerSecond":{{rps}},"queueDepth":{{queue}},"updatedAt":"{{DateTime.UtcNow:O}}"}""";

    /// <summary>A binary blob that looks like a PKCS#12 keystore (DER SEQUENCE header, then deterministic bytes).</summary>
    private static byte[] BinaryKeystore()
    {
        var bytes = new byte[1536];
        new Random(1234).NextBytes(bytes);
        bytes[0] = 0x30;
        bytes[1] = 0x82;
        bytes[2] = 0x05;
        bytes[3] = 0xFC;
        bytes[4] = 0x02;
        bytes[5] = 0x01;
        bytes[6] = 0x03;
        bytes[7] = 0x00;
        return bytes;
    }
}
