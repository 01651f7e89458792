package main

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
)

// One query result, as the test sends it: ClickHouse's JSONCompact output (meta: column
// names and types; data: rows) plus how the panel asks the plugin to format it.
type frameInput struct {
	ID     string `json:"id"`
	Format string `json:"format"` // "timeseries" (sqlds FormatOptionTimeSeries) or "table"
	Meta   []struct {
		Name string `json:"name"`
		Type string `json:"type"`
	} `json:"meta"`
	Data [][]json.RawMessage `json:"data"`
}

type fieldOutput struct {
	Name   string            `json:"name"`
	Type   string            `json:"type"`
	Labels map[string]string `json:"labels,omitempty"`
}

type frameResult struct {
	ID string `json:"id"`
	// The frame's schema before conversion: "long", "wide" or "not" (not a time series).
	Schema string        `json:"schema"`
	Rows   int           `json:"rows"`
	Fields []fieldOutput `json:"fields,omitempty"`
	Error  string        `json:"error,omitempty"`
}

func checkFrame(line []byte) frameResult {
	var in frameInput
	if err := json.Unmarshal(line, &in); err != nil {
		return frameResult{Error: "bad input: " + err.Error()}
	}
	r := frameResult{ID: in.ID}
	frame, err := toFrame(in)
	if err != nil {
		r.Error = err.Error()
		return r
	}
	r.Schema = frame.TimeSeriesSchema().Type.String()
	if in.Format == "timeseries" {
		// What sqlds does for FormatOptionTimeSeries: no rows is an error ("no results"),
		// a long frame is converted to wide, anything else is passed on as it is — and a
		// time-series panel cannot draw a frame without a time field and a value field.
		if len(in.Data) == 0 {
			r.Error = "no rows"
			return r
		}
		switch frame.TimeSeriesSchema().Type {
		case data.TimeSeriesTypeLong:
			frame, err = data.LongToWide(frame, &data.FillMissing{Mode: data.FillModeNull})
			if err != nil {
				r.Error = "long to wide: " + err.Error()
				return r
			}
		case data.TimeSeriesTypeNot:
			r.Error = "not a time series: needs a DateTime column and at least one numeric column"
			return r
		}
	}
	r.Rows, _ = frame.RowLen()
	for _, f := range frame.Fields {
		r.Fields = append(r.Fields, fieldOutput{Name: f.Name, Type: f.Type().ItemTypeString(), Labels: f.Labels})
	}
	return r
}

var (
	nullable   = regexp.MustCompile(`^Nullable\((.*)\)$`)
	lowCard    = regexp.MustCompile(`^LowCardinality\((.*)\)$`)
	jsonTypes  = regexp.MustCompile(`^(Array|Map|Tuple|Nested)\(`)
	timeLayout = "2006-01-02 15:04:05"
)

// toFrame maps ClickHouse types to field types as the plugin's converters do
// (pkg/converters/registry.go): integers and floats keep their width, Date/DateTime become
// time, String stays string, Array/Map/Tuple become JSON; Nullable(T) the nullable variant.
func toFrame(in frameInput) (*data.Frame, error) {
	frame := data.NewFrame(in.ID)
	for col, m := range in.Meta {
		t := m.Type
		if sub := lowCard.FindStringSubmatch(t); sub != nil {
			t = sub[1]
		}
		isNull := false
		if sub := nullable.FindStringSubmatch(t); sub != nil {
			t, isNull = sub[1], true
		}
		values := make([]json.RawMessage, len(in.Data))
		for i, row := range in.Data {
			if col >= len(row) {
				return nil, fmt.Errorf("row %d has %d values, meta names %d columns", i, len(row), len(in.Meta))
			}
			values[i] = row[col]
		}
		field, err := toField(m.Name, t, isNull, values)
		if err != nil {
			return nil, fmt.Errorf("column %s (%s): %w", m.Name, m.Type, err)
		}
		frame.Fields = append(frame.Fields, field)
	}
	return frame, nil
}

func isNullValue(v json.RawMessage) bool { return string(v) == "null" }

func toField(name, t string, isNull bool, values []json.RawMessage) (*data.Field, error) {
	switch {
	case strings.HasPrefix(t, "Date"):
		return typed(name, isNull, values, parseTime)
	case t == "String" || strings.HasPrefix(t, "FixedString") || strings.HasPrefix(t, "Enum"):
		return typed(name, isNull, values, func(v json.RawMessage) (string, error) {
			var s string
			err := json.Unmarshal(v, &s)
			return s, err
		})
	case t == "Bool":
		return typed(name, isNull, values, func(v json.RawMessage) (bool, error) { return string(v) == "true", nil })
	case t == "Float32" || t == "Float64":
		return typed(name, isNull, values, parseFloat)
	case strings.HasPrefix(t, "UInt") || strings.HasPrefix(t, "Int"):
		// Widths are kept only as far as the frame type goes: the checks here are about
		// numeric vs not, and 64-bit values arrive quoted from ClickHouse's JSON.
		if strings.HasPrefix(t, "UInt") {
			return typed(name, isNull, values, func(v json.RawMessage) (uint64, error) {
				return strconv.ParseUint(strings.Trim(string(v), `"`), 10, 64)
			})
		}
		return typed(name, isNull, values, func(v json.RawMessage) (int64, error) {
			return strconv.ParseInt(strings.Trim(string(v), `"`), 10, 64)
		})
	case jsonTypes.MatchString(t):
		return typed(name, isNull, values, func(v json.RawMessage) (json.RawMessage, error) { return v, nil })
	}
	return nil, fmt.Errorf("no converter for this type in the plugin's table")
}

func parseTime(v json.RawMessage) (time.Time, error) {
	var s string
	if err := json.Unmarshal(v, &s); err != nil {
		return time.Time{}, err
	}
	if len(s) == 10 {
		return time.Parse("2006-01-02", s)
	}
	return time.Parse(timeLayout, s)
}

func parseFloat(v json.RawMessage) (float64, error) {
	s := strings.Trim(string(v), `"`)
	switch s {
	case "null", "nan":
		return math.NaN(), nil
	case "inf", "+inf":
		return math.Inf(1), nil
	case "-inf":
		return math.Inf(-1), nil
	}
	return strconv.ParseFloat(s, 64)
}

// typed builds a []T or []*T field from JSON values.
func typed[T any](name string, isNull bool, values []json.RawMessage, parse func(json.RawMessage) (T, error)) (*data.Field, error) {
	if isNull {
		out := make([]*T, len(values))
		for i, v := range values {
			if isNullValue(v) {
				continue
			}
			x, err := parse(v)
			if err != nil {
				return nil, fmt.Errorf("row %d: %w", i, err)
			}
			out[i] = &x
		}
		return data.NewField(name, nil, out), nil
	}
	out := make([]T, len(values))
	for i, v := range values {
		if isNullValue(v) {
			return nil, fmt.Errorf("row %d: null in a column that is not Nullable", i)
		}
		x, err := parse(v)
		if err != nil {
			return nil, fmt.Errorf("row %d: %w", i, err)
		}
		out[i] = x
	}
	return data.NewField(name, nil, out), nil
}
