#!/usr/bin/env python3
"""Seeds a Frontier Gateway SQLite file with many groups and customer keys (bench data set).

Inserts straight into <data>/frontier.db after the gateway has created and migrated it (run the
gateway once, stop it, seed, start it again). Writes only the tables the data plane loads into its
snapshot: Groups, GroupModels, ModelLimits, CustomerApiKeys (schema: src/Data/Migrations/Sqlite).

Shape (defaults: 10,000 groups, 100,000 keys):
  - trees of one root and CHILDREN children (depth 2); trees alternate INDEPENDENT and CASCADING;
  - every group declares one model slug (seed/model-NN, shared by a tree) with a TOKEN/MINUTE rate
    limit, a REQUEST/SECOND rate limit and a TOKEN/DAY usage limit (children below their parent, so
    CASCADING trees are valid);
  - keys spread round-robin over all groups; 16-character prefix, SHA-256 of a 40-character secret;
    one in ten with an expiry a year out.

Usage: python3 bench/seed.py <path to frontier.db> [--groups N] [--keys N] [--children N]
Prints one seeded key (prefix.secret) on stdout, so that a caller can exercise a seeded group.
"""
import argparse
import datetime as dt
import hashlib
import os
import secrets
import sqlite3
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


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("db")
    ap.add_argument("--groups", type=int, default=10_000)
    ap.add_argument("--keys", type=int, default=100_000)
    ap.add_argument("--children", type=int, default=4, help="children per root (trees of 1 + N groups)")
    ap.add_argument("--slugs", type=int, default=20, help="distinct model slugs")
    args = ap.parse_args()

    if not os.path.exists(args.db):
        print(f"seed.py: {args.db} does not exist; start the gateway once so that it migrates", file=sys.stderr)
        return 2
    started = time.monotonic()
    con = sqlite3.connect(args.db, timeout=30)
    con.execute("PRAGMA foreign_keys = ON")
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    missing = {"Groups", "GroupModels", "ModelLimits", "CustomerApiKeys"} - tables
    if missing:
        print(f"seed.py: tables missing {sorted(missing)}; has the gateway migrated this file?", file=sys.stderr)
        return 2
    already = con.execute("SELECT COUNT(*) FROM Groups WHERE ExternalEntityId LIKE 'seed-%'").fetchone()[0]
    if already:
        print(f"seed.py: {already} seeded groups already present; use a fresh data folder", file=sys.stderr)
        return 2

    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    created = now.strftime("%Y-%m-%d %H:%M:%S")
    expires = (now + dt.timedelta(days=365)).strftime("%Y-%m-%d %H:%M:%S")
    ms = int(now.timestamp() * 1000)

    groups = []  # (Id, Name, ExternalEntityId, ParentGroupId, Enforcement, Depth, CreatedAt, DeletedAt)
    models = []  # (GroupId, Slug, [limits])
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

    cur = con.cursor()
    cur.execute("BEGIN")
    cur.executemany(
        "INSERT INTO Groups (Id, Name, ExternalEntityId, ParentGroupId, Enforcement, Depth, CreatedAt, DeletedAt)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", groups)
    limits = []
    for gid, slug, lims in models:
        cur.execute("INSERT INTO GroupModels (GroupId, Slug) VALUES (?, ?)", (gid, slug))
        model_id = cur.lastrowid
        limits.extend((model_id, kind, typ, unit, threshold) for kind, typ, unit, threshold in lims)
    cur.executemany("INSERT INTO ModelLimits (GroupModelId, Kind, Type, Unit, Threshold) VALUES (?, ?, ?, ?, ?)",
                    limits)

    existing = {r[0] for r in con.execute("SELECT Prefix FROM CustomerApiKeys")}
    sample = None
    keys = []
    for k in range(args.keys):
        prefix = rand_alnum(16)
        while prefix in existing:
            prefix = rand_alnum(16)
        existing.add(prefix)
        secret = rand_alnum(40)
        if sample is None:
            sample = f"{prefix}.{secret}"
        keys.append((prefix, hashlib.sha256(secret.encode()).digest(), f"seed-key-{k}",
                     groups[k % len(groups)][0], created, expires if k % 10 == 9 else None, None, None))
        if len(keys) >= 10_000:
            cur.executemany(
                "INSERT INTO CustomerApiKeys (Prefix, SecretHash, Name, GroupId, CreatedAt, ExpiresAt, LastUsedAt, RevokedAt)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", keys)
            keys.clear()
    if keys:
        cur.executemany(
            "INSERT INTO CustomerApiKeys (Prefix, SecretHash, Name, GroupId, CreatedAt, ExpiresAt, LastUsedAt, RevokedAt)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", keys)
    con.commit()
    counts = {t: con.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0]
              for t in ("Groups", "GroupModels", "ModelLimits", "CustomerApiKeys")}
    con.close()
    print(f"seed.py: {counts} in {time.monotonic() - started:.1f}s", file=sys.stderr)
    if sample:
        print(sample)
    return 0


if __name__ == "__main__":
    sys.exit(main())
