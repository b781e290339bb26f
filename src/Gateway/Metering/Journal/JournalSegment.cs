using Microsoft.Win32.SafeHandles;

namespace FrontierGateway.Gateway.Metering.Journal;

/// <summary>
/// One file of the journal. Writers reserve a range under the journal's lock and write it after, with a positional
/// write, so records of concurrent calls never interleave. <see cref="Pending"/> counts the calls admitted into
/// this segment whose outcome is not yet final: the segment may go once it is sealed, nothing is pending, and
/// every older segment has gone.
/// </summary>
internal sealed class JournalSegment(string path, SafeFileHandle handle)
{
    public string Path { get; } = path;
    public SafeFileHandle Handle { get; } = handle;

    /// <summary>Bytes reserved so far; the next record starts here.</summary>
    public long Length { get; set; }

    /// <summary>No longer written; set under the journal's lock.</summary>
    public bool Sealed { get; set; }

    /// <summary>Calls admitted here whose event is not yet in the database (or that were voided).</summary>
    public int Pending;
}
