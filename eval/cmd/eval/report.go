package main

import (
	_ "embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/rekan/rekan/eval/content"
	"github.com/rekan/rekan/eval/judges"
)

//go:embed report.html.tmpl
var reportSource string

var reportTemplate = template.Must(template.New("report").Funcs(template.FuncMap{
	"pct": func(t Tally) string {
		rate, ok := t.Rate()
		if !ok {
			return "-"
		}
		return fmt.Sprintf("%.0f%%", rate*100)
	},
	"ratio":    ratio,
	"join":     strings.Join,
	"add":      func(a, b int) int { return a + b },
	"anchor":   func(id string) string { return "b-" + id },
	"outcome":  outcome,
	"photoURL": photoURL,
}).Parse(reportSource))

// photoURL inlines a photo of the run as a data URL, so the report stays
// one self-contained file. A run file is editable, so only the media types
// Rekan sends are trusted to make a URL.
func photoURL(p content.Photo) template.URL {
	if !slices.Contains(content.PhotoMediaTypes, p.MediaType) {
		return ""
	}
	return template.URL("data:" + p.MediaType + ";base64," + base64.StdEncoding.EncodeToString(p.Data))
}

// chartBar is one metric of the pass-rate chart, in SVG user units.
type chartBar struct {
	Label              string
	Tally              Tally
	Y                  int
	PassW, FailW, ErrW float64
	FailX, ErrX        float64
}

type reportData struct {
	Run        *Run
	Stats      RunStats
	Criteria   []judges.Criterion
	Bars       []chartBar
	ChartH     int
	Score      string
	Businesses []reportBusiness
	// Fake is the warning line when fakellm answered (see fakeLine).
	Fake string
}

type reportBusiness struct {
	BusinessRun
	Stats BusinessStats
}

const chartWidth = 420.0

func newReportData(run *Run) reportData {
	rs := statsOf(run)
	data := reportData{Run: run, Stats: rs, Criteria: rs.shownCriteria(), Fake: fakeLine(run)}
	metrics := []struct {
		label string
		t     Tally
	}{{"heuristic checks", rs.Checks}}
	if rs.Judged {
		for _, c := range data.Criteria {
			metrics = append(metrics, struct {
				label string
				t     Tally
			}{string(c), rs.Criteria[c]})
		}
	}
	for i, m := range metrics {
		bar := chartBar{Label: m.label, Tally: m.t, Y: 10 + i*34}
		if total := float64(m.t.Total()); total > 0 {
			bar.PassW = chartWidth * float64(m.t.Pass) / total
			bar.FailW = chartWidth * float64(m.t.Fail) / total
			bar.ErrW = chartWidth * float64(m.t.Error) / total
		}
		bar.FailX = 150 + bar.PassW
		bar.ErrX = bar.FailX + bar.FailW
		data.Bars = append(data.Bars, bar)
	}
	data.ChartH = 20 + len(metrics)*34
	if rate, basis, ok := rs.Score(); ok {
		data.Score = fmt.Sprintf("%.1f%% of %s passed", rate*100, basis)
	} else {
		data.Score = "nothing was checked"
	}
	for i, br := range run.Businesses {
		data.Businesses = append(data.Businesses, reportBusiness{BusinessRun: br, Stats: rs.Businesses[i]})
	}
	return data
}

// outcome maps a verdict status to its CSS class and label.
func outcome(s judges.Status) string {
	switch s {
	case judges.StatusPass:
		return "pass"
	case judges.StatusFail:
		return "fail"
	default:
		return "error"
	}
}

func writeReport(w io.Writer, run *Run) error {
	if err := reportTemplate.Execute(w, newReportData(run)); err != nil {
		return fmt.Errorf("render report: %w", err)
	}
	return nil
}

func saveReport(path string, run *Run) error {
	f, err := os.CreateTemp(dirOf(path), ".report-*.html")
	if err != nil {
		return fmt.Errorf("save report: %w", err)
	}
	defer os.Remove(f.Name())
	if err := writeReport(f, run); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("save report: %w", err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("save report: %w", err)
	}
	return nil
}

func dirOf(path string) string {
	if i := strings.LastIndexByte(path, os.PathSeparator); i >= 0 {
		return path[:i+1]
	}
	return "."
}
