"""Runs SQL statements on current ClickHouse through chDB (ClickHouse as a library).

Reads a JSON list of SQL strings on stdin, executes them in order on one
throwaway database dir, and prints one JSON object as the last stdout line:
  {"version": "26.9.2.1", "results": [{"sql", "ok", "output" | "error"}, ...]}
A failing statement is reported and the next ones still run, like a migration
dry run that lists every incompatibility at once. Used by stack/chdb.ts.
"""
import json
import shutil
import sys
import tempfile

from chdb import state


def main() -> None:
    statements = json.load(sys.stdin)
    if not isinstance(statements, list) or not all(isinstance(s, str) for s in statements):
        raise SystemExit("stdin must be a JSON list of SQL strings")
    workdir = tempfile.mkdtemp(prefix="redscope-chdb-")
    conn = state.connect(workdir)
    try:
        results = []
        for sql in statements:
            try:
                # chdb raises ChdbError (a RuntimeError) carrying the server's "Code: N. DB::Exception" text.
                output = str(conn.query(sql, "TSV"))
                results.append({"sql": sql, "ok": True, "output": output})
            except Exception as err:  # noqa: BLE001 - every engine error is a result, not a crash
                results.append({"sql": sql, "ok": False, "error": str(err).strip()})
        version = str(conn.query("SELECT version()", "TSV")).strip()
    finally:
        conn.close()
        shutil.rmtree(workdir, ignore_errors=True)
    sys.stdout.write("\n" + json.dumps({"version": version, "results": results}) + "\n")


if __name__ == "__main__":
    main()
