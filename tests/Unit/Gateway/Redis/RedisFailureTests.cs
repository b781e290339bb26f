using FrontierGateway.Gateway.Redis;
using StackExchange.Redis;

namespace FrontierGateway.Tests.Unit.Gateway.Redis;

/// <summary>Which Redis failures open the limits' circuit (an outage to ride out) and which fail the call (a bug).</summary>
public sealed class RedisFailureTests
{
    public static TheoryData<Exception> Outages() =>
    [
        new RedisConnectionException(ConnectionFailureType.SocketClosed, CommandFlags.None,
            "No connection is active/available to service this operation", null, CommandStatus.WaitingToBeSent),
        new RedisTimeoutException(CommandFlags.None, "Timeout awaiting response", CommandStatus.Sent),
        new RedisServerException(RedisErrorKind.Loading, CommandFlags.None, "LOADING Redis is loading the dataset in memory"),
        new RedisServerException(RedisErrorKind.ReadOnly, CommandFlags.None, "READONLY You can't write against a read only replica."),
        new RedisServerException(RedisErrorKind.ClusterDown, CommandFlags.None, "CLUSTERDOWN The cluster is down"),
    ];

    public static TheoryData<Exception> Bugs() =>
    [
        new RedisServerException(RedisErrorKind.UnknownError, CommandFlags.None,
            "ERR Error running script (call to f_0123): @user_script:3: attempt to compare nil with number"),
        new RedisServerException(RedisErrorKind.WrongType, CommandFlags.None, "WRONGTYPE Operation against a key holding the wrong kind of value"),
        new InvalidOperationException("not Redis at all"),
    ];

    [Theory]
    [MemberData(nameof(Outages))]
    public void IsOutage_UnreachableOrNotServing_IsTrue(Exception e) => Assert.True(RedisFailure.IsOutage(e));

    [Theory]
    [MemberData(nameof(Bugs))]
    public void IsOutage_ScriptOrDataError_IsFalse(Exception e) => Assert.False(RedisFailure.IsOutage(e));
}
