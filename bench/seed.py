#!/usr/bin/env python3
"""Seeds a Frontier Gateway database with many groups and customer keys (bench data set).

Inserts straight into the database after the gateway has created and migrated it (run the gateway
once, stop it, seed, start it again): a SQLite file (<data>/frontier.db) with Python's sqlite3, or
PostgreSQL with --postgres, through `psql` (COPY ... FROM STDIN; no Python driver needed). Writes
only the tables the data plane loads into its snapshot: Groups, GroupModels, ModelLimits,
CustomerApiKeys (schema: src/Data/Migrations/Sqlite and src/Data/Migrations/Postgres).

Shape (defaults: 10,000 groups, 100,000 keys):
  - trees of one root and CHILDREN children (depth 2); trees alternate INDEPENDENT and CASCADING;
  - every group declares one model slug (seed/model-NN, shared by a tree) with a TOKEN/MINUTE rate
    limit, a REQUEST/SECOND rate limit and a TOKEN/DAY usage limit (children below their parent, so
    CASCADING trees are valid);
  - keys spread round-robin over all groups; 16-character prefix, SHA-256 of a 40-character secret;
    one in ten with an expiry a year out.

Usage: python3 bench/seed.py <path to frontier.db> [--groups N] [--keys N] [--children N]
       python3 bench/seed.py --postgres "host=127.0.0.1 port=5432 user=postgres dbname=frontier" [...]
Prints one seeded key (prefix.secret) on stdout, so that a caller can exercise a seeded group; with
--print-keys N the first N, the k-th (from 0) being a key of group k (external id seed-k, zero-padded to 6).
"""
import argparse
import datetime as dt
import hashlib
import os
import secrets
import sqlite3
import subprocess
import sys
import time

CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz"
ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


def ulid(ms: int) -> str:
    """A lower-case ULID (what Ids.New uses after the type prefix)."""
    value = (ms << 80) | int.from_bytes(os.urandom(10), "big")
    out = []
    for _ in range(26):
        out.append(CROCKFORD[value & 31])
        value >>= 5
    return "".join(reversed(out))


def rand_alnum(n: int) -> str:
    return "".join(secrets.choice(ALNUM) for _ in range(n))


# Random bytes below 248 (4 x 62) map each to one character with equal odds; the rest are dropped.
_TO_ALNUM = bytes(ord(ALNUM[b % len(ALNUM)]) for b in range(256))
_UNEVEN = bytes(range(4 * len(ALNUM), 256))


def rand_alnum_many(count: int, n: int) -> list:
    """count random strings of n alphanumeric characters, from os.urandom in bulk: a million keys' prefixes and
    secrets in about a second, where a secrets.choice per character takes over a minute."""
    text = b""
    while len(text) < count * n:
        text += os.urandom((count * n - len(text)) * 9 // 8 + 64).translate(None, _UNEVEN)
    text = text[:count * n].translate(_TO_ALNUM).decode("ascii")
    return [text[i:i + n] for i in range(0, count * n, n)]


TABLES = ("Groups", "GroupModels", "ModelLimits", "CustomerApiKeys")
GROUP_COLUMNS = ("Id", "Name", "ExternalEntityId", "ParentGroupId", "Enforcement", "Depth", "CreatedAt", "DeletedAt")
KEY_COLUMNS = ("Prefix", "SecretHash", "Name", "GroupId", "CreatedAt", "ExpiresAt", "LastUsedAt", "RevokedAt")
LIMIT_COLUMNS = ("GroupModelId", "Kind", "Type", "Unit", "Threshold")


class SqliteStore:
    """The SQLite file, through sqlite3 (GroupModels ids from lastrowid)."""

    def __init__(self, path: str):
        self.con = sqlite3.connect(path, timeout=30)
        self.con.execute("PRAGMA foreign_keys = ON")
        # A million keys' random prefixes spread index writes over the whole file: a large page cache keeps them in
        # memory, and no fsync per page (a seed that a crash interrupts is run again on a fresh database).
        self.con.execute("PRAGMA cache_size = -524288")
        self.con.execute("PRAGMA synchronous = OFF")

    @staticmethod
    def timestamp(t: dt.datetime) -> str:
        return t.strftime("%Y-%m-%d %H:%M:%S")

    def tables(self) -> set:
        return {r[0] for r in self.con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}

    def scalar(self, sql: str):
        return self.con.execute(sql).fetchone()[0]

    def prefixes(self) -> set:
        return {r[0] for r in self.con.execute("SELECT Prefix FROM CustomerApiKeys")}

    def write(self, groups, models, keys) -> None:
        cur = self.con.cursor()
        cur.execute("BEGIN")
        cur.executemany(f"INSERT INTO Groups ({', '.join(GROUP_COLUMNS)}) VALUES ({', '.join('?' * len(GROUP_COLUMNS))})",
                        groups)
        limits = []
        for gid, slug, lims in models:
            cur.execute("INSERT INTO GroupModels (GroupId, Slug) VALUES (?, ?)", (gid, slug))
            limits.extend((cur.lastrowid, *lim) for lim in lims)
        cur.executemany(f"INSERT INTO ModelLimits ({', '.join(LIMIT_COLUMNS)}) VALUES (?, ?, ?, ?, ?)", limits)
        for first in range(0, len(keys), 10_000):
            cur.executemany(f"INSERT INTO CustomerApiKeys ({', '.join(KEY_COLUMNS)}) VALUES "
                            f"({', '.join('?' * len(KEY_COLUMNS))})", keys[first:first + 10_000])
        self.con.commit()

    def close(self) -> None:
        self.con.close()


class PostgresStore:
    """PostgreSQL through `psql` (COPY ... FROM STDIN in one transaction): no Python driver is installed."""

    def __init__(self, conninfo: str):
        self.conninfo = conninfo

    @staticmethod
    def timestamp(t: dt.datetime) -> str:
        return t.strftime("%Y-%m-%d %H:%M:%S+00")

    def psql(self, script: str, *args: str) -> str:
        done = subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", self.conninfo, *args],
                              input=script, capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"psql failed ({done.returncode}): {done.stderr.strip()}")
        return done.stdout

    def rows(self, sql: str) -> list:
        return [line for line in self.psql(sql + ";\n", "-tA").splitlines() if line]

    def tables(self) -> set:
        return set(self.rows("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"))

    def scalar(self, sql: str):
        return int(self.rows(sql)[0])

    def prefixes(self) -> set:
        return set(self.rows('SELECT "Prefix" FROM "CustomerApiKeys"'))

    @staticmethod
    def copy(table: str, columns, rows) -> str:
        """COPY text format: tab-separated, \\N for null, bytea as \\x<hex> (its backslash escaped)."""
        def field(v):
            if v is None:
                return r"\N"
            if isinstance(v, bytes):
                return r"\\x" + v.hex()
            return str(v)
        lines = [f'COPY "{table}" ({", ".join(f"{chr(34)}{c}{chr(34)}" for c in columns)}) FROM STDIN;']
        lines.extend("\t".join(field(v) for v in row) for row in rows)
        lines.append("\\.")
        return "\n".join(lines) + "\n"

    def write(self, groups, models, keys) -> None:
        # GroupModels.Id is an identity column: explicit ids here (ModelLimits refer to them), then the sequence is
        # moved past them so that the gateway's own inserts do not collide.
        first_id = int(self.rows('SELECT COALESCE(MAX("Id"), 0) FROM "GroupModels"')[0]) + 1
        group_models, limits = [], []
        for n, (gid, slug, lims) in enumerate(models):
            group_models.append((first_id + n, gid, slug))
            limits.extend((first_id + n, *lim) for lim in lims)
        script = ("BEGIN;\n"
                  + self.copy("Groups", GROUP_COLUMNS, groups)
                  + self.copy("GroupModels", ("Id", "GroupId", "Slug"), group_models)
                  + "SELECT setval(pg_get_serial_sequence('\"GroupModels\"', 'Id'), (SELECT MAX(\"Id\") FROM \"GroupModels\"));\n"
                  + self.copy("ModelLimits", LIMIT_COLUMNS, limits)
                  + self.copy("CustomerApiKeys", KEY_COLUMNS, keys)
                  + "COMMIT;\n")
        self.psql(script, "-o", os.devnull)

    def close(self) -> None:
        pass


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("db", nargs="?", help="the SQLite file (without --postgres)")
    ap.add_argument("--postgres", metavar="CONNINFO", help="a libpq connection string for psql, instead of a SQLite file")
    ap.add_argument("--groups", type=int, default=10_000)
    ap.add_argument("--keys", type=int, default=100_000)
    ap.add_argument("--children", type=int, default=4, help="children per root (trees of 1 + N groups)")
    ap.add_argument("--slugs", type=int, default=20, help="distinct model slugs")
    ap.add_argument("--print-keys", type=int, default=1, metavar="N",
                    help="print the first N keys, one a line: key k is in group k (seed-k) when N <= --groups")
    args = ap.parse_args()
    if (args.db is None) == (args.postgres is None):
        ap.error("give either the SQLite file or --postgres")

    started = time.monotonic()
    if args.postgres:
        store = PostgresStore(args.postgres)
    elif not os.path.exists(args.db):
        print(f"seed.py: {args.db} does not exist; start the gateway once so that it migrates", file=sys.stderr)
        return 2
    else:
        store = SqliteStore(args.db)
    missing = set(TABLES) - store.tables()
    if missing:
        print(f"seed.py: tables missing {sorted(missing)}; has the gateway migrated this database?", file=sys.stderr)
        return 2
    already = store.scalar("""SELECT COUNT(*) FROM "Groups" WHERE "ExternalEntityId" LIKE 'seed-%'""")
    if already:
        print(f"seed.py: {already} seeded groups already present; use a fresh database", file=sys.stderr)
        return 2

    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    created = store.timestamp(now)
    expires = store.timestamp(now + dt.timedelta(days=365))
    ms = int(now.timestamp() * 1000)

    groups = []  # (Id, Name, ExternalEntityId, ParentGroupId, Enforcement, Depth, CreatedAt, DeletedAt)
    models = []  # (GroupId, Slug, [(Kind, Type, Unit, Threshold)])
    tree = 1 + args.children
    root_id = None
    for i in range(args.groups):
        gid = f"grp_{ulid(ms + i)}"
        t = i // tree
        is_root = i % tree == 0
        enforcement = "Independent" if t % 2 == 0 else "Cascading"
        if is_root:
            root_id = gid
        groups.append((gid, f"Seed {i}", f"seed-{i:06d}", None if is_root else root_id, enforcement,
                       1 if is_root else 2, created, None))
        scale = 10 if is_root else 1  # children below their parent (valid for CASCADING)
        slug = f"seed/model-{t % args.slugs:02d}"
        models.append((gid, slug, [
            ("Rate", "Token", "Minute", 100_000 * scale),
            ("Rate", "Request", "Second", 50 * scale),
            ("Usage", "Token", "Day", 10_000_000 * scale),
        ]))

    existing = store.prefixes()
    samples = []
    keys = []  # (Prefix, SecretHash, Name, GroupId, CreatedAt, ExpiresAt, LastUsedAt, RevokedAt)
    prefixes = rand_alnum_many(args.keys, 16)
    secrets_ = rand_alnum_many(args.keys, 40)
    for k in range(args.keys):
        prefix, secret = prefixes[k], secrets_[k]
        while prefix in existing:
            prefix = rand_alnum(16)
        existing.add(prefix)
        if k < args.print_keys:
            samples.append(f"{prefix}.{secret}")
        keys.append((prefix, hashlib.sha256(secret.encode()).digest(), f"seed-key-{k}",
                     groups[k % len(groups)][0], created, expires if k % 10 == 9 else None, None, None))

    store.write(groups, models, keys)
    counts = {t: store.scalar(f'SELECT COUNT(*) FROM "{t}"') for t in TABLES}
    store.close()
    print(f"seed.py: {counts} in {time.monotonic() - started:.1f}s", file=sys.stderr)
    for sample in samples:
        print(sample)
    return 0


if __name__ == "__main__":
    sys.exit(main())
