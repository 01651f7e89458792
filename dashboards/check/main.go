// dashboards-check: what can be verified about redscope's Grafana dashboards without a
// Grafana server, with Grafana's own Go code.
//
//	dashboards-check schema FILE...   each dashboard JSON strictly against Grafana's dashboard
//	                                  schema (grafana-foundation-sdk: UnmarshalJSONStrict, then
//	                                  Validate): unknown fields, missing required fields and
//	                                  wrong types are errors.
//	dashboards-check frames < IN      query results (ClickHouse JSONCompact with its column
//	                                  types, one per line) turned into data frames the way the
//	                                  grafana-clickhouse-datasource plugin does, then, for a
//	                                  time-series target, the plugin's long-to-wide conversion
//	                                  (sqlds: data.LongToWide when the frame is "long").
//
// Both print one JSON object per input on stdout; the exit status is 1 when any failed.
// test/dashboards-check.test.ts and the dashboard query tests run it.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: dashboards-check schema FILE... | frames < results.jsonl")
		os.Exit(2)
	}
	ok := true
	out := json.NewEncoder(os.Stdout)
	switch os.Args[1] {
	case "schema":
		for _, file := range os.Args[2:] {
			r := checkSchema(file)
			ok = ok && r.Error == ""
			_ = out.Encode(r)
		}
	case "frames":
		in := bufio.NewScanner(os.Stdin)
		in.Buffer(make([]byte, 1<<20), 256<<20)
		for in.Scan() {
			r := checkFrame(in.Bytes())
			ok = ok && r.Error == ""
			_ = out.Encode(r)
		}
		if err := in.Err(); err != nil {
			fmt.Fprintln(os.Stderr, "reading stdin:", err)
			os.Exit(2)
		}
	default:
		fmt.Fprintf(os.Stderr, "unknown command %q\n", os.Args[1])
		os.Exit(2)
	}
	if !ok {
		os.Exit(1)
	}
}
