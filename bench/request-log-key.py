#!/usr/bin/env python3
"""The request log filtered by one key, on 1,000,000 usage events over 1,000 groups (not part of `dotnet test`).

A throw-away SQLite file in /tmp with the UsageEvents columns the page reads and its two read indexes; the page's
query as the key filter alone made it (by time) against the key and its group (LoggedCalls with
RequestLogService.WithKeysGroupAsync). Prints the median of 7 runs and SQLite's plan for each:

  python3 bench/request-log-key.py
"""
import os
import random
import sqlite3
import time

p='/tmp/fgw-request-log-key.db'
if os.path.exists(p):
    os.remove(p)
db=sqlite3.connect(p)
db.execute('CREATE TABLE "UsageEvents" ("IdempotencyKey" TEXT PRIMARY KEY, "Timestamp" TEXT NOT NULL, "GroupId" TEXT NOT NULL, "ApiKeyPrefix" TEXT NOT NULL, "Status" INTEGER NULL, "RequestId" TEXT, "InputTokens" INTEGER, "OutputTokens" INTEGER)')
random.seed(1)
rows=[]
N=1_000_000
for i in range(N):
    g=random.randrange(1000)
    key=f"key{g:04d}{random.randrange(10):02d}00000000"[:16]
    rows.append((f"{i:026d}", f"2026-12-0{1+i*3//N} {i%24:02d}:00:00.{i:07d}", f"grp_{g:04d}", key, 200, "r", 1, 2))
# a rarely used key: 10 calls, in a group of ~1000
for j in range(10):
    rows.append((f"R{j:025d}", f"2026-12-01 0{j}:00:00", "grp_0007", "rarekey000000000", 200, "r",1,2))
db.executemany('INSERT INTO "UsageEvents" VALUES (?,?,?,?,?,?,?,?)', rows)
db.execute('CREATE INDEX "IX_UsageEvents_Timestamp" ON "UsageEvents" ("Timestamp")')
db.execute('CREATE INDEX "IX_UsageEvents_GroupId_Timestamp" ON "UsageEvents" ("GroupId","Timestamp")')
db.commit()
old='SELECT * FROM "UsageEvents" WHERE "Status" IS NOT NULL AND "ApiKeyPrefix" = ? ORDER BY "Timestamp" DESC, "IdempotencyKey" DESC LIMIT 51'
new='SELECT * FROM "UsageEvents" WHERE "Status" IS NOT NULL AND "GroupId" = ? AND "ApiKeyPrefix" = ? ORDER BY "Timestamp" DESC, "IdempotencyKey" DESC LIMIT 51'
def t(sql, args, n=7):
    ts=[]
    for _ in range(n):
        s=time.perf_counter(); r=db.execute(sql,args).fetchall(); ts.append(time.perf_counter()-s)
    ts.sort(); return ts[n//2]*1000, len(r)
for name,(sq,a) in {"rare old":(old,("rarekey000000000",)),"rare new":(new,("grp_0007","rarekey000000000")),
                    "busy old":(old,("key0007030000000"[:16],)),"busy new":(new,("grp_0007","key0007030000000"[:16]))}.items():
    print(name, "%.2f ms, %d rows" % t(sq,a), db.execute("EXPLAIN QUERY PLAN "+sq,a).fetchall()[0][3])
db.close()
os.remove(p)
