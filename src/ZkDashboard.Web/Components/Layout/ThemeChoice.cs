namespace ZkDashboard.Web.Components.Layout;

/// <summary>The light or dark appearance, remembered in a cookie and mapped to a Radzen theme.</summary>
public sealed record ThemeChoice(string Mode, string RadzenTheme)
{
    /// <summary>Cookie that remembers the choice (values "light" or "dark"), written by wwwroot/js/zkdashboard.js.</summary>
    public const string CookieName = "zk-theme";

    /// <summary>The light appearance.</summary>
    public static readonly ThemeChoice Light = new("light", "standard");

    /// <summary>The dark appearance.</summary>
    public static readonly ThemeChoice Dark = new("dark", "standard-dark");

    /// <summary>True for the dark appearance.</summary>
    public bool IsDark => ReferenceEquals(this, Dark) || Mode == Dark.Mode;

    /// <summary>The other appearance.</summary>
    public ThemeChoice Toggled => IsDark ? Light : Dark;

    /// <summary>Maps a cookie value to a choice; anything unknown is light.</summary>
    public static ThemeChoice FromCookie(string? value) => FromMode(value);

    /// <summary>Maps "dark" to <see cref="Dark"/> and everything else to <see cref="Light"/>.</summary>
    public static ThemeChoice FromMode(string? mode) =>
        string.Equals(mode, Dark.Mode, StringComparison.OrdinalIgnoreCase) ? Dark : Light;

    /// <summary>Maps a Radzen theme name back to a choice.</summary>
    public static ThemeChoice FromRadzenTheme(string? theme) =>
        string.Equals(theme, Dark.RadzenTheme, StringComparison.OrdinalIgnoreCase) ? Dark : Light;
}
