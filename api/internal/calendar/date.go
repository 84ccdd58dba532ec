package calendar

import (
	"fmt"
	"time"
	_ "time/tzdata" // São Paulo must resolve without the system tz database
)

// Date is a civil date: a day of the Brazilian calendar, with no time of
// day and no zone. Occasions fall on dates; "today" depends on where the
// server's clock is read (Today).
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf is the civil date of the instant t in loc.
func DateOf(t time.Time, loc *time.Location) Date {
	y, m, d := t.In(loc).Date()
	return Date{y, m, d}
}

// ParseDate reads YYYY-MM-DD and rejects dates that do not exist.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("parse date %q: %w", s, err)
	}
	return DateOf(t, time.UTC), nil
}

// String is YYYY-MM-DD.
func (d Date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day) }

// MarshalText writes YYYY-MM-DD (JSON too).
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads YYYY-MM-DD.
func (d *Date) UnmarshalText(b []byte) error {
	parsed, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = parsed
	return nil
}

// In is the date's midnight in loc.
func (d Date) In(loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
}

// AddDays moves the date by n days (calendar arithmetic, no DST effect).
func (d Date) AddDays(n int) Date { return DateOf(d.In(time.UTC).AddDate(0, 0, n), time.UTC) }

// Before reports whether d is earlier than e.
func (d Date) Before(e Date) bool { return d.In(time.UTC).Before(e.In(time.UTC)) }

// DaysUntil is the number of days from d to e (negative when e is earlier).
func (d Date) DaysUntil(e Date) int {
	return int(e.In(time.UTC).Sub(d.In(time.UTC)).Hours() / 24)
}

// Weekday is the day of the week.
func (d Date) Weekday() time.Weekday { return d.In(time.UTC).Weekday() }

// DDMM is the short Brazilian form ("09/05").
func (d Date) DDMM() string { return fmt.Sprintf("%02d/%02d", d.Day, d.Month) }

// SaoPaulo is the default location of the Brazilian calendar (the tz
// database is embedded, so it loads on any machine).
var SaoPaulo = mustLocation("America/Sao_Paulo")

func mustLocation(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(fmt.Sprintf("calendar: %v", err))
	}
	return loc
}
