using System.Buffers;
using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using SQLitePCL;

namespace FrontierGateway.Data;

/// <summary>
/// SQLite's path: one prepared statement, its values bound by position through SQLite's own API. Microsoft.Data.Sqlite
/// binds every parameter by name on every execution (SQLite searches the statement's names for each, with
/// <c>strncmp</c>) and type-switches each boxed value; here a row's 18 values cost ~4 µs less, 12.4 against 8.2 µs of
/// CPU a row in a throw-away harness on the usage events' table (docs/PERFORMANCE.md). Values are bound as
/// Microsoft.Data.Sqlite binds them (the same text for times and decimals), so a row reads back, compares and sorts
/// exactly as one EF Core wrote (<c>PreparedInsertTests</c> compares every column of both).
/// </summary>
public static partial class PreparedInsert
{
    private static readonly HashSet<Type> BoundTypes =
        [typeof(string), typeof(long), typeof(int), typeof(short), typeof(byte), typeof(bool), typeof(double), typeof(DateTime), typeof(decimal)];

    /// <summary>Whether every column's stored value is of a type this path binds as Microsoft.Data.Sqlite would.</summary>
    internal static bool BindsByPosition(FrontierDbContext db, Type entity) => BindsByPosition(TargetOf(db, entity).Columns);

    private static bool BindsByPosition(Column[] columns) => Array.TrueForAll(columns, c =>
    {
        var stored = c.Mapping.Converter?.ProviderClrType ?? c.Mapping.ClrType;
        return BoundTypes.Contains(Nullable.GetUnderlyingType(stored) ?? stored);
    });

    /// <summary>
    /// Microsoft.Data.Sqlite's wait between tries of a statement SQLite found busy or locked (another connection's write,
    /// or a shared cache's reader), which it tries again until the command's timeout: as long here.
    /// </summary>
    private static readonly TimeSpan BusyPause = TimeSpan.FromMilliseconds(150);

    /// <remarks>
    /// The callers write in a transaction (Microsoft.Data.Sqlite begins it IMMEDIATE, taking the write lock), where a row
    /// does not wait; a row written outside one, or on a shared cache, can find the database busy, and waits as
    /// Microsoft.Data.Sqlite's own commands wait (<see cref="Step"/>).
    /// </remarks>
    private static void InsertOnSqlite<T>(FrontierDbContext db, Target target, IReadOnlyList<T> events, bool yieldBetweenRows,
        bool skipExisting, CancellationToken ct) where T : class
    {
        var columns = target.Columns;
        using var prepared = new Prepared(db, InsertText(db, target, 1, n => "?" + (n + 1), skipExisting));
        for (var row = 0; row < events.Count; row++)
        {
            ct.ThrowIfCancellationRequested();
            if (yieldBetweenRows && row > 0 && row % RowsBetweenYields == 0)
            {
                Thread.Yield();
            }
            for (var i = 0; i < columns.Length; i++)
            {
                prepared.Bind(i + 1, StoredValue(columns[i], events[row]));
            }
            prepared.Step(ct);
        }
    }

    /// <summary>
    /// Runs <paramref name="sql"/> (SQLite only, no rows back) once, its <c>?1</c>..<c>?N</c> bound by position to
    /// <paramref name="values"/>, in the context's connection and transaction. For a statement of many rows' values:
    /// Microsoft.Data.Sqlite binds each parameter by name, and SQLite finds each name by comparing it with the
    /// statement's names in turn, which is quadratic in them (~10 µs a call of the writer's CPU at 600 parameters).
    /// </summary>
    public static void ExecuteOnSqlite(FrontierDbContext db, string sql, IReadOnlyList<object?> values, CancellationToken ct = default)
    {
        using var prepared = new Prepared(db, sql);
        // An unbound placeholder would read as NULL, quietly.
        if (prepared.Placeholders != values.Count)
        {
            throw new InvalidOperationException($"The statement has {prepared.Placeholders} placeholders for {values.Count} values.");
        }
        for (var i = 0; i < values.Count; i++)
        {
            prepared.Bind(i + 1, values[i]);
        }
        prepared.Step(ct);
    }

    /// <summary>
    /// A statement prepared on the context's connection (opened for it, closed after), with the command timeout its
    /// steps wait up to and a UTF-8 buffer its text values are encoded in.
    /// </summary>
    private sealed class Prepared : IDisposable
    {
        private readonly FrontierDbContext db;
        private readonly sqlite3 handle;
        private readonly sqlite3_stmt statement;
        private readonly TimeSpan timeout;
        private byte[] utf8 = ArrayPool<byte>.Shared.Rent(1024);

        public Prepared(FrontierDbContext db, string sql)
        {
            this.db = db;
            var connection = (SqliteConnection)db.Database.GetDbConnection();
            db.Database.OpenConnection();
            try
            {
                handle = connection.Handle!;
                timeout = TimeSpan.FromSeconds(db.Database.GetCommandTimeout() ?? connection.DefaultTimeout);
                SqliteException.ThrowExceptionForRC(raw.sqlite3_prepare_v2(handle, sql, out statement), handle);
            }
            catch
            {
                ArrayPool<byte>.Shared.Return(utf8);
                db.Database.CloseConnection();
                throw;
            }
        }

        public int Placeholders => raw.sqlite3_bind_parameter_count(statement);

        public void Bind(int index, object? value) =>
            SqliteException.ThrowExceptionForRC(PreparedInsert.Bind(statement, index, value, ref utf8), handle);

        public void Step(CancellationToken ct) => PreparedInsert.Step(statement, handle, timeout, ct);

        public void Dispose()
        {
            statement.Dispose();
            ArrayPool<byte>.Shared.Return(utf8);
            db.Database.CloseConnection();
        }
    }

    /// <summary>Runs the bound row, trying again while the database is busy or locked, up to <paramref name="timeout"/>.</summary>
    private static void Step(sqlite3_stmt statement, sqlite3 handle, TimeSpan timeout, CancellationToken ct)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var done = raw.sqlite3_step(statement);
            raw.sqlite3_reset(statement);
            if (done == raw.SQLITE_DONE)
            {
                return;
            }
            if ((done & 0xFF) is not (raw.SQLITE_BUSY or raw.SQLITE_LOCKED) || waited.Elapsed >= timeout)
            {
                SqliteException.ThrowExceptionForRC(done, handle);
                throw new InvalidOperationException($"SQLite answered {done} to a statement.");
            }
            ct.ThrowIfCancellationRequested();
            Thread.Sleep(BusyPause);
        }
    }

    /// <summary>As Microsoft.Data.Sqlite binds a value of these types to a TEXT or INTEGER column.</summary>
    private static int Bind(sqlite3_stmt statement, int index, object? value, ref byte[] utf8) => value switch
    {
        null => raw.sqlite3_bind_null(statement, index),
        string s => BindText(statement, index, s, ref utf8),
        long l => raw.sqlite3_bind_int64(statement, index, l),
        int n => raw.sqlite3_bind_int64(statement, index, n),
        short n => raw.sqlite3_bind_int64(statement, index, n),
        byte n => raw.sqlite3_bind_int64(statement, index, n),
        bool b => raw.sqlite3_bind_int64(statement, index, b ? 1 : 0),
        double d => raw.sqlite3_bind_double(statement, index, d),
        DateTime t => BindText(statement, index, t.ToString(@"yyyy\-MM\-dd HH\:mm\:ss.FFFFFFF", CultureInfo.InvariantCulture), ref utf8),
        decimal m => BindText(statement, index, m.ToString("0.0###########################", CultureInfo.InvariantCulture), ref utf8),
        DateOnly d => BindText(statement, index, d.ToString(@"yyyy\-MM\-dd", CultureInfo.InvariantCulture), ref utf8),
        // BindsByPosition admits only the types above (and no DateOnly column, which no inserted table has).
        _ => throw new InvalidOperationException($"A {value.GetType().Name} is not bound by position."),
    };

    /// <summary>UTF-8 through a buffer kept for the batch (SQLite copies it).</summary>
    private static int BindText(sqlite3_stmt statement, int index, string value, ref byte[] utf8)
    {
        if (Encoding.UTF8.GetMaxByteCount(value.Length) > utf8.Length)
        {
            var larger = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(value.Length));
            ArrayPool<byte>.Shared.Return(utf8);
            utf8 = larger;
        }
        var length = Encoding.UTF8.GetBytes(value, utf8);
        return raw.sqlite3_bind_text(statement, index, utf8.AsSpan(0, length));
    }
}
