// The streams benchmark's two halves (bench/streams.sh runs both):
//
//   dotnet streams.dll stub --port 18281 --interval-ms 20 --chunks 200
//   dotnet streams.dll load --url http://127.0.0.1:18280 --streams 1000 --chunks 200 --interval-ms 20 --out run.json
//
// `stub` answers POST /v1/chat/completions like an OpenAI-compatible model; `load` holds streams open against it or
// a proxy in front of it and writes a JSON summary. Each reads its settings from --name value pairs (Arguments).
using FrontierGateway.Bench.Streams;

var settings = Arguments.Parse(args.Skip(1));
return args.FirstOrDefault() switch
{
    "stub" => await Stub.RunAsync(settings),
    "load" => await Load.RunAsync(settings),
    _ => Arguments.Usage(),
};
