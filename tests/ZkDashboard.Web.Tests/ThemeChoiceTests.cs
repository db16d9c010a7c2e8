using ZkDashboard.Web.Components.Layout;

namespace ZkDashboard.Web.Tests;

public sealed class ThemeChoiceTests
{
    [Theory]
    [InlineData("dark", "dark", "standard-dark")]
    [InlineData("DARK", "dark", "standard-dark")]
    [InlineData("light", "light", "standard")]
    [InlineData(null, "light", "standard")]
    [InlineData("<script>", "light", "standard")]
    public void FromCookie_MapsValueToThemeOrLight_WhenValueIsUnknown(string? cookie, string mode, string radzenTheme)
    {
        var choice = ThemeChoice.FromCookie(cookie);

        Assert.Equal(mode, choice.Mode);
        Assert.Equal(radzenTheme, choice.RadzenTheme);
    }

    [Fact]
    public void Toggled_SwitchesBetweenLightAndDark()
    {
        Assert.Same(ThemeChoice.Dark, ThemeChoice.Light.Toggled);
        Assert.Same(ThemeChoice.Light, ThemeChoice.Dark.Toggled);
        Assert.Same(ThemeChoice.Dark, ThemeChoice.FromRadzenTheme("standard-dark"));
    }
}
