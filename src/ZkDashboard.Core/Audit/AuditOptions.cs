namespace ZkDashboard.Core.Audit;

/// <summary>Whether successful reads are stored in the audit trail (denials are always stored).</summary>
public enum AuditReadRecording
{
    /// <summary>Reads are not stored (the default; they still go to the debug log).</summary>
    None,
    /// <summary>One read in <see cref="AuditOptions.ReadSampleEvery"/> is stored.</summary>
    Sampled,
    /// <summary>Every read is stored.</summary>
    All,
}

/// <summary>How the SQLite store syncs audit commits to disk (PRAGMA synchronous, in WAL mode). See the folder README.</summary>
public enum AuditSqliteDurability
{
    /// <summary>synchronous=NORMAL (default): a committed record survives a crash of the dashboard process, but the last
    /// commits before an OS crash or power loss may be lost (the file is never corrupted). No fsync per commit.</summary>
    Normal,
    /// <summary>synchronous=FULL: each commit is fsynced, so it also survives an OS crash or power loss (slower writes).</summary>
    Full,
}

/// <summary>"ZkDashboard:Audit": the durable audit trail.</summary>
public sealed class AuditOptions
{
    public const string Section = "ZkDashboard:Audit";

    /// <summary>False (default, fail-closed): a write whose audit record cannot be stored is refused before it is sent.
    /// True: the write goes ahead and the failure is logged as an error.</summary>
    public bool FailOpen { get; set; }

    /// <summary>Content (data before/after) up to this many bytes is stored; larger content keeps only size and SHA-256. Default 64 KiB.</summary>
    public int ContentCapBytes { get; set; } = 64 * 1024;

    /// <summary>Path globs (<c>/configs/**</c>; optionally <c>ensemble:/glob</c>) on which a write needs a reason.</summary>
    public IList<string> ReasonRequiredPaths { get; } = [];

    /// <summary>Whether successful reads are stored.</summary>
    public AuditReadRecording Reads { get; set; } = AuditReadRecording.None;

    /// <summary>With <see cref="AuditReadRecording.Sampled"/>: store one read in this many.</summary>
    public int ReadSampleEvery { get; set; } = 100;

    /// <summary>Purge records older than this many days (null: keep).</summary>
    public int? RetentionDays { get; set; }

    /// <summary>Keep at most this many records (null: no limit).</summary>
    public long? RetentionRows { get; set; }

    /// <summary>How often retention runs.</summary>
    public TimeSpan RetentionInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long one append may wait for the store (a locked or unreachable store fails after this).</summary>
    public TimeSpan StoreTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Most records written in one store transaction (appends are batched by a single writer).</summary>
    public int MaxBatch { get; set; } = 256;

    /// <summary>How long the writer task may hold back records nobody waits for (outcomes, denials) so that the next write's
    /// intent record, which its caller commits itself, carries them in the same transaction instead of queueing behind
    /// them. Default 5 ms; zero commits them at once. A flush (every read of the trail does one), a purge, a full batch
    /// and shutdown never wait.</summary>
    public TimeSpan WriterLinger { get; set; } = TimeSpan.FromMilliseconds(5);

    /// <summary>SQLite only: how commits are synced to disk (PostgreSQL keeps its own server settings).</summary>
    public AuditSqliteDurability SqliteDurability { get; set; } = AuditSqliteDurability.Normal;

    /// <summary>SQLite only: how often a background connection checkpoints the write-ahead log, so no append pays for a
    /// checkpoint (and its fsync) in its commit. Zero: SQLite's automatic checkpoint in the commit path.</summary>
    public TimeSpan SqliteCheckpointInterval { get; set; } = TimeSpan.FromSeconds(1);
}
