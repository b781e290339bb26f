using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FrontierGateway.Gateway.Metering;

/// <summary>
/// Loads the token counter's vocabulary as the host starts (<see cref="GatewayOptions.LoadTokenizerAtStart"/>), beside
/// the snapshot's first read, so that the first calls after a start do not each wait ~0.3 s for it.
/// </summary>
internal sealed partial class TokenizerLoad(TokenCounter tokens, IOptions<GatewayOptions> options, ILogger<TokenizerLoad> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.LoadTokenizerAtStart)
        {
            return;
        }
        // Off the start-up path: the host goes on starting while the vocabulary loads.
        await Task.Yield();
        var took = Stopwatch.StartNew();
        try
        {
            if (tokens.Load())
            {
                LogLoaded(logger, (long)took.Elapsed.TotalMilliseconds);
            }
            else
            {
                LogAlreadyLoaded(logger);
            }
        }
        catch (Exception e)
        {
            // Only a head start: the host goes on serving (calls that need a count fail as they would have anyway).
            LogLoadFailed(logger, e);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Loading the token counter's vocabulary at start failed.")]
    private static partial void LogLoadFailed(ILogger logger, Exception e);

    [LoggerMessage(Level = LogLevel.Information, Message = "The token counter's vocabulary (o200k_base) loaded at start in {Milliseconds} ms.")]
    private static partial void LogLoaded(ILogger logger, long milliseconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "The token counter's vocabulary (o200k_base) was loaded already at start.")]
    private static partial void LogAlreadyLoaded(ILogger logger);
}
