package main

import (
	"errors"
	"os"

	"github.com/grafana/grafana-foundation-sdk/go/cog"
	"github.com/grafana/grafana-foundation-sdk/go/cog/plugins"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
)

// Panel options and field config are typed per panel plugin (timeseries, table, stat, …):
// registering the SDK's plugins makes strict decoding check them too, not keep them as
// an untyped bag. Targets of the ClickHouse plugin have no type in the SDK, so they stay
// a bag here; test/dashboards.test.ts checks their fields.
func init() { plugins.RegisterDefaultPlugins() }

// failed: the SDK returns an empty BuildErrors (a non-nil error) when nothing is wrong.
func failed(err error) bool {
	var list cog.BuildErrors
	if errors.As(err, &list) {
		return len(list) > 0
	}
	return err != nil
}

type schemaResult struct {
	File  string `json:"file"`
	UID   string `json:"uid,omitempty"`
	Error string `json:"error,omitempty"`
}

// checkSchema: the same strict decoding the Foundation SDK offers for dashboards written
// by hand, which rejects what Grafana would silently drop, then the schema's constraints.
func checkSchema(file string) schemaResult {
	r := schemaResult{File: file}
	raw, err := os.ReadFile(file)
	if err != nil {
		r.Error = err.Error()
		return r
	}
	var d dashboard.Dashboard
	if err := d.UnmarshalJSONStrict(raw); failed(err) {
		r.Error = "strict unmarshal: " + err.Error()
		return r
	}
	if d.Uid != nil {
		r.UID = *d.Uid
	}
	if err := d.Validate(); failed(err) {
		r.Error = "validate: " + err.Error()
	}
	return r
}
