"""The native side: one python3 process runs every sequence sent on stdin (one JSON line each) on a real tmpfs.

Each line: {"dir": mountpoint, "quota": bytes or 0 (0: no limit), "steps": [[statement, ...], ...]}; "$DB" is the database path.
It remounts the tmpfs to the quota, runs the steps on SQLite over it, and prints one JSON line of step results.
"""
import json
import os
import sqlite3
import subprocess
import sys

UNLIMITED = 256 * 1024 * 1024


def sizes(path):
    return {name: os.path.getsize(os.path.join(path, name)) for name in sorted(os.listdir(path))}


def run_step(db, statements, db_path):
    for statement in statements:
        try:
            db.execute(statement.replace("$DB", db_path)).fetchall()
        except sqlite3.Error as error:
            if db.in_transaction:
                try:
                    db.execute("ROLLBACK")
                except sqlite3.Error:
                    pass
            return statement, str(error)
    return "", ""


def run(job):
    path = job["dir"]
    for name in os.listdir(path):
        os.remove(os.path.join(path, name))
    subprocess.run(["mount", "-o", f"remount,size={job['quota'] or UNLIMITED}", path], check=True)
    db = sqlite3.connect(":memory:", isolation_level=None)
    results = []
    for statements in job["steps"]:
        failed, error = run_step(db, statements, os.path.join(path, "content.sqlite"))
        results.append({"failed": failed, "error": error, "sizes": sizes(path)})
    db.close()
    return results


print(json.dumps({"version": sqlite3.sqlite_version}), flush=True)
for line in sys.stdin:
    print(json.dumps(run(json.loads(line))), flush=True)
