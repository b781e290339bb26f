using System.Text.Json;

namespace FrontierGateway.Gateway.Metering;

/// <summary>
/// The text of the calls a model makes instead of (or beside) its content: a delta's or message's <c>tool_calls</c>
/// (each call's <c>function.name</c> and <c>function.arguments</c>) and the older <c>function_call</c>. They are tokens
/// the model generated and the customer received, so a call counted by the tokenizer (no usage from the upstream)
/// counts them too. As for the content, of a property named twice the last counts.
/// </summary>
internal static partial class UsageParser
{
    /// <summary>A delta's or message's texts, appended in this order once the choice is read.</summary>
    private readonly record struct MessageText(TextToken Content, Extent ToolCalls, Extent FunctionCall)
    {
        public void AppendTo(ReadOnlySpan<byte> json, PooledBuffer text)
        {
            Content.AppendTo(json, text);
            if (ToolCalls.Length > 0)
            {
                var calls = ToolCalls.In(json);
                var reader = new Utf8JsonReader(calls);
                reader.Read();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    var function = reader.TokenType == JsonTokenType.StartObject ? FunctionOf(ref reader) : default;
                    reader.Skip();
                    AppendFunction(function.In(calls), text);
                }
            }
            AppendFunction(FunctionCall.In(json), text);
        }

        // A tool call's "function" object; the reader is left on the call's end.
        private static Extent FunctionOf(ref Utf8JsonReader reader)
        {
            Extent function = default;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isFunction = reader.ValueTextEquals("function"u8);
                reader.Read();
                function = isFunction ? Extent.Of(ref reader, JsonTokenType.StartObject) : function;
                reader.Skip();
            }
            return function;
        }

        // A function's "name" and "arguments" strings, when it is one.
        private static void AppendFunction(ReadOnlySpan<byte> function, PooledBuffer text)
        {
            if (function.IsEmpty)
            {
                return;
            }
            TextToken name = default, arguments = default;
            var reader = new Utf8JsonReader(function);
            reader.Read();
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isName = reader.ValueTextEquals("name"u8);
                var isArguments = reader.ValueTextEquals("arguments"u8);
                reader.Read();
                name = isName ? TextToken.Of(ref reader) : name;
                arguments = isArguments ? TextToken.Of(ref reader) : arguments;
                reader.Skip();
            }
            name.AppendTo(function, text);
            arguments.AppendTo(function, text);
        }
    }

    /// <summary>Where a value lies in the payload; empty when it was not of the kind asked for.</summary>
    private readonly record struct Extent(int Start, int Length)
    {
        /// <summary>The value the reader is on when it is a <paramref name="kind"/>; the reader is left on its end.</summary>
        public static Extent Of(ref Utf8JsonReader reader, JsonTokenType kind)
        {
            var start = (int)reader.TokenStartIndex;
            var found = reader.TokenType == kind;
            reader.Skip();
            return found ? new Extent(start, (int)reader.BytesConsumed - start) : default;
        }

        public ReadOnlySpan<byte> In(ReadOnlySpan<byte> json) => json.Slice(Start, Length);
    }
}
