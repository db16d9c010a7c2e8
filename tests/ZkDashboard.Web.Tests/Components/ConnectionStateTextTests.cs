using ZkDashboard.Core.Sessions;
using ZkDashboard.Web.Components.Shared;

namespace ZkDashboard.Web.Tests.Components;

public sealed class ConnectionStateTextTests
{
    private static EnsembleSessionStatus Status(EnsembleConnectionState state, string? error = null) =>
        new("prod", state, DateTimeOffset.UtcNow, error, null, 0, null);

    [Fact]
    public void Key_GivesEachUserFacingStateItsOwnColour()
    {
        EnsembleConnectionState[] states =
        [
            EnsembleConnectionState.Connected, EnsembleConnectionState.Connecting, EnsembleConnectionState.ReadOnly,
            EnsembleConnectionState.Suspended, EnsembleConnectionState.Expired, EnsembleConnectionState.Failed,
            EnsembleConnectionState.NotConnected,
        ];

        var keys = states.Select(ConnectionStateText.Key).ToList();

        Assert.Equal(keys.Count, keys.Distinct().Count());
        Assert.Equal("failed", ConnectionStateText.Key(EnsembleConnectionState.AuthFailed));
        Assert.Equal("idle", ConnectionStateText.Key(EnsembleConnectionState.Closed));
    }

    [Fact]
    public void Sentence_Failed_DoesNotRepeatAdvice_WhenTheErrorAlreadySaysWhatToDo()
    {
        var sentence = ConnectionStateText.Sentence(Status(EnsembleConnectionState.Failed, "no server answered within 15 s. Check that the hosts are up."));

        Assert.Equal("'prod' cannot be reached: no server answered within 15 s. Check that the hosts are up.", sentence);
    }

    [Fact]
    public void Sentence_Failed_SaysWhatToDo_WhenTheErrorDoesNot()
    {
        var sentence = ConnectionStateText.Sentence(Status(EnsembleConnectionState.Failed, "connection refused."));

        Assert.StartsWith("'prod' cannot be reached: connection refused.", sentence);
        Assert.Contains("Check the connect string", sentence);
    }
}
