package calendar_test

import (
	"testing"

	"github.com/rekan/rekan/api/internal/calendar"
)

// BenchmarkYear is one year of dates for one business (a confeitaria in
// SP): what the dates route computes, 60 days at a time.
func BenchmarkYear(b *testing.B) {
	from, to := d("2026-01-01"), d("2026-12-31")
	f := calendar.Filter{Tags: []string{"confeitaria", "alimentacao"}, State: "SP"}
	for b.Loop() {
		if len(calendar.Default.Between(from, to, f)) == 0 {
			b.Fatal("no dates")
		}
	}
}

// BenchmarkYearAllSegments is a year of dates for every segment tag in
// every state (the "datas chegando" of an agenda over many clients).
func BenchmarkYearAllSegments(b *testing.B) {
	from, to := d("2026-01-01"), d("2026-12-31")
	states := calendar.States
	tags := calendar.Default.Tags()
	b.ReportMetric(float64(len(tags)*len(states)), "filters/op")
	for b.Loop() {
		for _, tag := range tags {
			for _, uf := range states {
				calendar.Default.Between(from, to, calendar.Filter{Tags: []string{tag}, State: uf})
			}
		}
	}
}
