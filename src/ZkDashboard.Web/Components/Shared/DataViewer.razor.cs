using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web.Virtualization;
using Microsoft.JSInterop;
using ZkDashboard.Web.Znodes.Formats;

namespace ZkDashboard.Web.Components.Shared;

/// <summary>The ways the data viewer can show bytes.</summary>
public enum DataView
{
    /// <summary>Pretty-printed (JSON/XML) and coloured text.</summary>
    Formatted,
    /// <summary>The text exactly as stored.</summary>
    Raw,
    Hex,
    Base64,
}

/// <summary>
/// Shows znode data: detected format, size, and formatted / raw / hex / base64 views with a copy button.
/// Binary data gets the hex and base64 views only. Everything is rendered as text.
/// </summary>
public partial class DataViewer : IAsyncDisposable
{
    /// <summary>Hex dumps longer than this many rows are virtualized.</summary>
    public const int VirtualizeHexAbove = 512;

    [Inject]
    private IJSRuntime JS { get; set; } = default!;

    [Parameter]
    public byte[]? Data { get; set; }

    /// <summary>Forces a format instead of detecting it (e.g. the format recorded at creation).</summary>
    [Parameter]
    public DataFormat? Format { get; set; }

    /// <summary>The initial view; defaults to Formatted for text and Hex for binary.</summary>
    [Parameter]
    public DataView? View { get; set; }

    [Parameter]
    public EventCallback<DataView> ViewChanged { get; set; }

    [Parameter]
    public bool Wrap { get; set; } = true;

    [Parameter]
    public string? MaxHeight { get; set; }

    [Parameter]
    public string AriaLabel { get; set; } = "Node data";

    private readonly string _id = "zkd-" + Guid.NewGuid().ToString("N")[..8];
    private byte[]? _lastData;
    private DataFormat? _lastFormat;
    private DataView? _userView;
    private string? _copyStatus;
    private IJSObjectReference? _module;

    internal FormatDetection Detection { get; private set; } = new(DataFormat.Empty, string.Empty, false);

    internal DataView CurrentView { get; private set; }

    internal IReadOnlyList<DataView> AvailableViews { get; private set; } = [];

    internal IReadOnlyList<Token> Tokens { get; private set; } = [];

    private int Length => Data?.Length ?? 0;

    private int HexRowCount => HexDump.RowCount(Length);

    private string PanelId => _id + "-panel";

    private string TabId(DataView v) => $"{_id}-tab-{v}";

    protected override void OnParametersSet()
    {
        if (!ReferenceEquals(_lastData, Data) || _lastFormat != Format)
        {
            _lastData = Data;
            _lastFormat = Format;
            _copyStatus = null;
            var detected = FormatDetector.Detect(Data ?? []);
            Detection = Format is { } forced && detected.Format != DataFormat.Binary && forced != DataFormat.Binary
                ? detected with { Format = forced }
                : detected;
            AvailableViews = Detection.Format == DataFormat.Binary
                ? [DataView.Hex, DataView.Base64]
                : [DataView.Formatted, DataView.Raw, DataView.Hex, DataView.Base64];
        }

        var wanted = _userView ?? View ?? (Detection.Format == DataFormat.Binary ? DataView.Hex : DataView.Formatted);
        CurrentView = AvailableViews.Contains(wanted) ? wanted : AvailableViews[0];
        Tokens = BuildTokens();
    }

    private async Task SelectView(DataView view)
    {
        _userView = view;
        _copyStatus = null;
        CurrentView = view;
        Tokens = BuildTokens();
        await ViewChanged.InvokeAsync(view);
    }

    /// <summary>The text the current view shows (what Copy puts on the clipboard).</summary>
    internal string CurrentText() => CurrentView switch
    {
        DataView.Hex => HexDump.Format(Data ?? []),
        DataView.Base64 => HexDump.Base64(Data ?? []),
        DataView.Formatted => Prettifier.Format(Detection.Text ?? string.Empty, Detection.Format) ?? Detection.Text ?? string.Empty,
        _ => Detection.Text ?? string.Empty,
    };

    private IReadOnlyList<Token> BuildTokens() => CurrentView switch
    {
        DataView.Formatted => SyntaxHighlighter.Tokenize(CurrentText(), Detection.Format),
        DataView.Hex => [],
        _ => [new Token(CurrentView == DataView.Base64 ? HexDump.Base64Wrapped(Data ?? []) : CurrentText(), TokenKind.Plain)],
    };

    private async Task CopyAsync()
    {
        try
        {
            _module ??= await JS.InvokeAsync<IJSObjectReference>("import", "./Components/Shared/DataViewer.razor.js");
            var ok = await _module.InvokeAsync<bool>("copyText", CurrentText());
            _copyStatus = ok ? "Copied" : "Copy failed: the browser refused clipboard access";
        }
        catch (JSException ex)
        {
            _copyStatus = "Copy failed: " + ex.Message;
        }
    }

    private ValueTask<ItemsProviderResult<HexDumpRow>> ProvideHexRows(ItemsProviderRequest request)
    {
        var data = Data ?? [];
        var count = Math.Min(request.Count, HexRowCount - request.StartIndex);
        var rows = new HexDumpRow[Math.Max(0, count)];
        for (var i = 0; i < rows.Length; i++)
        {
            rows[i] = HexDump.Row(data, request.StartIndex + i);
        }

        return ValueTask.FromResult(new ItemsProviderResult<HexDumpRow>(rows, HexRowCount));
    }

    internal static string ViewName(DataView view) => view switch
    {
        DataView.Formatted => "Formatted",
        DataView.Raw => "Raw",
        DataView.Hex => "Hex",
        _ => "Base64",
    };

    public async ValueTask DisposeAsync()
    {
        if (_module is not null)
        {
            try
            {
                await _module.DisposeAsync();
            }
            catch (JSDisconnectedException)
            {
                // The circuit is gone; nothing to release in the browser.
            }
        }

        GC.SuppressFinalize(this);
    }
}
