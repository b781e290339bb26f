using System.Diagnostics;
using System.Text;
using FrontierGateway.Gateway.Metering;
using Microsoft.ML.Tokenizers;

// Before: the bare tokenizer, as TokenCounter called it until issue 10. After: TokenCounter.Count.
var bare = TiktokenTokenizer.CreateForEncoding("o200k_base");
var sut = new TokenCounter();
bare.CountTokens("warm up");
sut.Count("warm up");
var random = new Random(10);
// Before is quadratic: 3 MB of one word would take hours, so it is timed up to 300 KB only.
const int BeforeUpTo = 300_000;

var prose = File.ReadAllText("README.md");
var code = File.ReadAllText("src/Gateway/Metering/TokenCounter.cs");

Console.WriteLine("## Time and allocation (one thread, Release)\n");
Console.WriteLine("| text | chars | before: ms | after: ms | after: allocated MB | after: tokens |");
Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: |");
foreach (var size in new[] { 100_000, 300_000, 3_000_000 })
{
    Time($"one word `aaaa…`", new string('a', size));
    Time($"one word, random letters", Letters(size));
    Time($"ordinary (README.md repeated)", Repeat(prose, size));
}
Time("one word, random CJK", Random(3_000_000, 0x4E00, 0x9FFF));
Time("one run of random punctuation", Random(3_000_000, '!', '/'));
Time("one run of random accented letters", Random(3_000_000, 0xC0, 0xFF));

Console.WriteLine("\n## Drift: TokenCounter.Count against the bare tokenizer\n");
Console.WriteLine("| text (20K chars) | bare | TokenCounter | drift |");
Console.WriteLine("| --- | ---: | ---: | ---: |");
foreach (var (name, text) in new[]
{
    ("prose (README.md)", prose[..Math.Min(prose.Length, 20_000)]),
    ("code (TokenCounter.cs)", code),
    ("base64", Convert.ToBase64String(RandomBytes(15_000))),
    ("minified JSON", Repeat("{\"role\":\"user\",\"content\":\"Hello, world!\"},", 20_000)),
    ("one word `aaaa…`", new string('a', 20_000)),
    ("one word, random letters", Letters(20_000)),
    ("`abc…xyz` repeated, no spaces", Repeat("abcdefghijklmnopqrstuvwxyz", 20_000)),
    ("20K spaces then `x`", new string(' ', 20_000) + "x"),
    ("`!` × 20K", new string('!', 20_000)),
    ("CJK, no spaces", Repeat("中文字符测试汉字", 20_000)),
})
{
    var exact = bare.CountTokens(text);
    var after = sut.Count(text);
    Console.WriteLine($"| {name} | {exact} | {after} | {100.0 * (after - exact) / exact:+0.00;-0.00;0}% |");
}

Console.WriteLine("\n## UTF-8 bytes per token (the estimate past TokenCounter.MaxExactBytes assumes 4)\n");
foreach (var (name, text) in new[] { ("prose (README.md)", prose), ("code (TokenCounter.cs)", code),
    ("base64", Convert.ToBase64String(RandomBytes(15_000))) })
{
    Console.WriteLine($"- {name}: {Encoding.UTF8.GetByteCount(text) / (double)bare.CountTokens(text):F2}");
}

void Time(string name, string text)
{
    var before = "not run";
    if (text.Length <= BeforeUpTo)
    {
        var bareWatch = Stopwatch.StartNew();
        bare.CountTokens(text);
        before = $"{bareWatch.ElapsedMilliseconds:N0}";
    }

    var allocated = GC.GetAllocatedBytesForCurrentThread();
    var watch = Stopwatch.StartNew();
    var tokens = sut.Count(text);
    var ms = watch.ElapsedMilliseconds;
    var mb = (GC.GetAllocatedBytesForCurrentThread() - allocated) / 1e6;
    Console.WriteLine($"| {name} | {text.Length:N0} | {before} | {ms:N0} | {mb:F1} | {tokens:N0} |");
}

string Letters(int length) => Random(length, 'a', 'z');

string Random(int length, int first, int last) => string.Create(length, random, (span, r) =>
{
    for (var i = 0; i < span.Length; i++)
    {
        span[i] = (char)r.Next(first, last + 1);
    }
});

byte[] RandomBytes(int length)
{
    var bytes = new byte[length];
    random.NextBytes(bytes);
    return bytes;
}

static string Repeat(string text, int length)
{
    var builder = new StringBuilder(length + text.Length);
    while (builder.Length < length)
    {
        builder.Append(text);
    }
    return builder.ToString(0, length);
}
