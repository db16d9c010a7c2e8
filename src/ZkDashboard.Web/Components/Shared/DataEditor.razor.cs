using System.Text;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using ZkDashboard.Web.Znodes.Formats;

namespace ZkDashboard.Web.Components.Shared;

/// <summary>
/// A text editor for znode data with line numbers, syntax colouring (a highlighted layer under a transparent
/// textarea), live validation for JSON/YAML/XML that marks the failing line, a size check against the limit,
/// and an explicit "save anyway" choice for invalid text. The page reads <see cref="IsSaveAllowed"/> before writing.
/// </summary>
public partial class DataEditor : IAsyncDisposable
{
    internal static readonly DataFormat[] EditableFormats =
        [DataFormat.Text, DataFormat.Json, DataFormat.Yaml, DataFormat.Xml, DataFormat.Properties];

    [Inject]
    private IJSRuntime JS { get; set; } = default!;

    [Parameter]
    public string Value { get; set; } = string.Empty;

    [Parameter]
    public EventCallback<string> ValueChanged { get; set; }

    [Parameter]
    public DataFormat Format { get; set; } = DataFormat.Text;

    [Parameter]
    public EventCallback<DataFormat> FormatChanged { get; set; }

    /// <summary>The ensemble's data limit in bytes (jute.maxbuffer), when known.</summary>
    [Parameter]
    public int? MaxBytes { get; set; }

    /// <summary>Raised when <see cref="IsSaveAllowed"/> changes.</summary>
    [Parameter]
    public EventCallback<bool> SaveAllowedChanged { get; set; }

    [Parameter]
    public bool Disabled { get; set; }

    [Parameter]
    public string AriaLabel { get; set; } = "Data editor";

    [Parameter]
    public string TextLabel { get; set; } = "Edit node data";

    private readonly string _id = "zke-" + Guid.NewGuid().ToString("N")[..8];
    private ElementReference _textarea;
    private ElementReference _highlight;
    private ElementReference _gutter;
    private IJSObjectReference? _module;
    private bool _saveAnyway;
    private string? _validatedText;
    private DataFormat _validatedFormat;
    private bool _lastAllowed = true;

    internal ValidationResult Validation { get; private set; } = ValidationResult.Valid;

    internal IReadOnlyList<Token> Tokens { get; private set; } = [];

    internal int ByteCount { get; private set; }

    internal int LineCount { get; private set; } = 1;

    internal bool OverLimit => MaxBytes is { } max && ByteCount > max;

    /// <summary>True when the text may be written: valid (or not a validated format), within the limit, or "save anyway" ticked.</summary>
    public bool IsSaveAllowed => !OverLimit && (Validation.IsValid || _saveAnyway);

    /// <summary>The text as UTF-8 bytes, ready for setData.</summary>
    public byte[] GetBytes() => Encoding.UTF8.GetBytes(Value);

    protected override void OnParametersSet()
    {
        if (!ReferenceEquals(_validatedText, Value) || _validatedFormat != Format)
        {
            Analyze();
        }
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (firstRender)
        {
            try
            {
                _module = await JS.InvokeAsync<IJSObjectReference>("import", "./Components/Shared/DataEditor.razor.js");
                await _module.InvokeVoidAsync("attach", _textarea, _highlight, _gutter);
            }
            catch (JSDisconnectedException)
            {
                // The circuit closed during the first render.
            }
        }

        if (_lastAllowed != IsSaveAllowed)
        {
            _lastAllowed = IsSaveAllowed;
            await SaveAllowedChanged.InvokeAsync(_lastAllowed);
        }
    }

    private void Analyze()
    {
        _validatedText = Value;
        _validatedFormat = Format;
        var text = Value ?? string.Empty;
        ByteCount = Encoding.UTF8.GetByteCount(text);
        LineCount = 1 + text.Count(c => c == '\n');
        var validation = FormatValidator.Validate(text, Format);
        if (validation.IsValid || validation.Describe() != Validation.Describe())
        {
            _saveAnyway = false; // a new error needs a new decision
        }

        Validation = validation;
        Tokens = SyntaxHighlighter.Tokenize(text, Format);
    }

    private async Task OnInputAsync(ChangeEventArgs e)
    {
        Value = e.Value?.ToString() ?? string.Empty;
        Analyze();
        await ValueChanged.InvokeAsync(Value);
    }

    private async Task OnFormatChangedAsync(ChangeEventArgs e)
    {
        if (Enum.TryParse<DataFormat>(e.Value?.ToString(), out var format))
        {
            Format = format;
            Analyze();
            await FormatChanged.InvokeAsync(format);
        }
    }

    private async Task PrettyPrintAsync()
    {
        if (Prettifier.Format(Value, Format) is { } pretty)
        {
            Value = pretty;
            Analyze();
            await ValueChanged.InvokeAsync(Value);
        }
    }

    private void OnSaveAnywayChangedAsync(ChangeEventArgs e) => _saveAnyway = e.Value is true;

    public async ValueTask DisposeAsync()
    {
        if (_module is not null)
        {
            try
            {
                await _module.InvokeVoidAsync("detach", _textarea);
                await _module.DisposeAsync();
            }
            catch (JSDisconnectedException)
            {
                // The circuit is gone.
            }
        }

        GC.SuppressFinalize(this);
    }
}
