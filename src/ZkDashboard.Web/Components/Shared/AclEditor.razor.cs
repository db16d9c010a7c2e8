using Microsoft.AspNetCore.Components;
using ZkDashboard.Web.Znodes.Acl;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Web.Components.Shared;

/// <summary>
/// Edits an ACL as rows (scheme, id, permission checkboxes) or as zkCli text, validates every entry per scheme,
/// computes digest ids from a user and password (never stored), and warns before an ACL that would lock the
/// dashboard out (saving then needs an explicit acknowledgement). The page performs setACL with the aclVersion.
/// </summary>
public partial class AclEditor
{
    [Parameter]
    public IReadOnlyList<AclEntry> Value { get; set; } = [];

    /// <summary>The dashboard's identities on this ensemble, for the lock-out check.</summary>
    [Parameter]
    public DashboardIdentities? Identities { get; set; }

    /// <summary>Called with the validated entries when the user saves.</summary>
    [Parameter]
    public EventCallback<IReadOnlyList<AclEntry>> OnSave { get; set; }

    [Parameter]
    public EventCallback OnCancel { get; set; }

    /// <summary>Raised on every edit with the current entries (valid or not).</summary>
    [Parameter]
    public EventCallback<IReadOnlyList<AclEntry>> OnChange { get; set; }

    [Parameter]
    public bool Disabled { get; set; }

    [Parameter]
    public bool ShowFooter { get; set; } = true;

    [Parameter]
    public string SaveLabel { get; set; } = "Save ACL";

    [Parameter]
    public string AriaLabel { get; set; } = "Edit ACL";

    internal sealed class EditRow
    {
        public string Scheme { get; set; } = AclSchemes.World;
        public string Id { get; set; } = "anyone";
        public Perms Perms { get; set; } = Perms.All;

        public AclEntry ToEntry() => new(Scheme, Scheme == AclSchemes.World && string.IsNullOrEmpty(Id) ? "anyone" : Id.Trim(), Perms);
    }

    internal static IReadOnlyList<(string Name, string Text, IReadOnlyList<AclEntry> Entries)> Templates { get; } =
    [
        ("Open", "world:anyone:cdrwa", [AclEntry.WorldAnyone()]),
        ("Read-only for everyone", "world:anyone:r", [AclEntry.WorldAnyone(Perms.Read)]),
        ("Creator only", "auth::cdrwa", [new AclEntry(AclSchemes.Auth, string.Empty, Perms.All)]),
        ("Localhost only", "ip:127.0.0.1:cdrwa", [new AclEntry(AclSchemes.Ip, "127.0.0.1", Perms.All)]),
    ];

    private readonly string _id = "zka-" + Guid.NewGuid().ToString("N")[..8];
    private List<EditRow> _rows = [];
    private IReadOnlyList<AclEntry>? _lastValue;
    private bool _textMode;
    private string _text = string.Empty;
    private IReadOnlyList<AclError> _textErrors = [];
    private string? _digestUser;
    private string? _digestPassword;
    private string? _digestMessage;
    private bool _digestError;
    private bool _lockoutAcknowledged;

    /// <summary>The entries as currently edited.</summary>
    public IReadOnlyList<AclEntry> Entries => _rows.Select(r => r.ToEntry()).ToList();

    internal IReadOnlyList<AclError> Errors => _textMode && _textErrors.Count > 0 ? _textErrors : AclValidator.ValidateAll(Entries);

    internal LockoutAssessment? Lockout =>
        Identities is null || Errors.Count > 0 ? null : AclLockoutCheck.Assess(Entries, Identities);

    internal bool CanSave => !Disabled && Errors.Count == 0 && (Lockout is not { LocksOut: true } || _lockoutAcknowledged);

    private string PreviewText => AclParser.Format(Entries);

    protected override void OnParametersSet()
    {
        if (!ReferenceEquals(_lastValue, Value))
        {
            _lastValue = Value;
            // A parent that stores what OnChange reported passes it back: keep the user's edit state then
            // (rows, unparsed text, acknowledgement); reload only for a different ACL.
            if (!Value.SequenceEqual(Entries))
            {
                Load(Value);
            }
        }
    }

    private void Load(IEnumerable<AclEntry> entries)
    {
        _rows = entries.Select(e => new EditRow { Scheme = e.Scheme, Id = e.Id, Perms = e.Perms }).ToList();
        _text = AclParser.Format(Entries);
        _textErrors = [];
        _lockoutAcknowledged = false;
    }

    /// <summary>The validator's reason as a sentence of its own, shown under the id ("The prefix length … .").</summary>
    internal static string? RowError(EditRow row) => AclValidator.Validate(row.ToEntry()) is { Length: > 0 } m
        ? char.ToUpperInvariant(m[0]) + m[1..] + (m.EndsWith('.') ? string.Empty : ".")
        : null;

    private Task ApplyTemplate(IReadOnlyList<AclEntry> entries)
    {
        Load(entries);
        return ChangedAsync();
    }

    private Task AddRow()
    {
        _rows.Add(new EditRow { Scheme = AclSchemes.Digest, Id = string.Empty, Perms = Perms.Read });
        return ChangedAsync();
    }

    private Task RemoveRow(EditRow row)
    {
        _rows.Remove(row);
        return ChangedAsync();
    }

    private Task SetPerm(EditRow row, Perms perm, ChangeEventArgs e)
    {
        row.Perms = e.Value is true || (e.Value is string s && bool.TryParse(s, out var b) && b) ? row.Perms | perm : row.Perms & ~perm;
        return ChangedAsync();
    }

    private void ToggleTextMode()
    {
        if (_textMode)
        {
            var parsed = AclParser.Parse(_text);
            if (parsed.Errors.Count > 0)
            {
                _textErrors = parsed.Errors;
                return; // stay in text mode until the text parses
            }

            Load(parsed.Entries);
            _textMode = false;
        }
        else
        {
            _text = AclParser.Format(Entries);
            _textErrors = AclParser.Parse(_text).Errors; // an invalid row stays invalid as text, and says why
            _textMode = true;
        }
    }

    private Task OnTextChanged(ChangeEventArgs e)
    {
        _text = e.Value?.ToString() ?? string.Empty;
        var parsed = AclParser.Parse(_text);
        _textErrors = parsed.Errors;
        if (parsed.Errors.Count == 0)
        {
            _rows = parsed.Entries.Select(x => new EditRow { Scheme = x.Scheme, Id = x.Id, Perms = x.Perms }).ToList();
        }

        _lockoutAcknowledged = false;
        return ChangedAsync();
    }

    private Task AddDigestEntry()
    {
        try
        {
            var id = DigestHelper.ComputeId(_digestUser?.Trim() ?? string.Empty, _digestPassword ?? string.Empty);
            _rows.Add(new EditRow { Scheme = AclSchemes.Digest, Id = id, Perms = Perms.All });
            _digestMessage = $"Added digest:{id}";
            _digestError = false;
            _text = AclParser.Format(Entries);
        }
        catch (ArgumentException ex)
        {
            _digestMessage = ex.Message.Split(" (Parameter", StringSplitOptions.None)[0];
            _digestError = true;
        }
        finally
        {
            _digestPassword = null; // never kept beyond the computation
        }

        return ChangedAsync();
    }

    private async Task SaveAsync()
    {
        if (!CanSave)
        {
            return;
        }

        await OnSave.InvokeAsync(Entries);
    }

    private Task CancelAsync() => OnCancel.InvokeAsync();

    private Task ChangedAsync()
    {
        _lockoutAcknowledged = false;
        return OnChange.InvokeAsync(Entries);
    }
}
