// Package calendar is Rekan's date engine: the Brazilian national holidays
// (computed by github.com/rickar/cal/v2/br) plus the commemorative,
// commercial and regional dates that drive small-business content, kept as
// data in dates.json (each with its rule, segments, lead time, angle and
// source). Every rule is turned into a cal.Holiday, so the library computes
// every date and none is typed by hand; dates are civil dates (Date), never
// instants, and "today" is read in the server's location.
package calendar

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/rickar/cal/v2"
	"github.com/rickar/cal/v2/br"
)

//go:embed dates.json
var datesJSON []byte

// AllSegments in an occasion's segments means it fits every business.
const AllSegments = "all"

// Occasion is one date of the calendar as the data file describes it.
type Occasion struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	// Kind: feriado, ponto_facultativo, feriado_estadual, regional,
	// comercial or comemorativa.
	Kind          string         `json:"kind"`
	Rule          Rule           `json:"rule"`
	Segments      []string       `json:"segments"`
	States        []string       `json:"states,omitempty"`
	LeadDays      int            `json:"lead_days"`
	LeadBySegment map[string]int `json:"lead_by_segment,omitempty"`
	Angle         string         `json:"angle"`
	Source        string         `json:"source"`
	// Basis: law, official, commercial or unsure (see dates.json).
	Basis string `json:"basis"`

	holiday *cal.Holiday
}

// Rule says how an occasion falls in a year (see dates.json's _about).
type Rule struct {
	Kind    string `json:"kind"`
	Month   int    `json:"month,omitempty"`
	Day     int    `json:"day,omitempty"`
	Weekday string `json:"weekday,omitempty"`
	N       int    `json:"n,omitempty"`
	Offset  int    `json:"offset,omitempty"`
	Holiday string `json:"holiday,omitempty"`
}

// Occurrence is an occasion on its date in one year, for one business.
type Occurrence struct {
	Occasion *Occasion
	Date     Date
	// StartBy is when content for it should start (Date minus the lead
	// time that fits the business's segments).
	StartBy Date
}

// Filter selects the occasions that fit a business.
type Filter struct {
	// Tags are the business's segment tags; occasions for "all" fit
	// every business, the others need a shared tag.
	Tags []string
	// State is the business's UF; occasions bound to other states are
	// left out.
	State string
}

// Calendar holds the parsed data file.
type Calendar struct {
	occasions []*Occasion
	byID      map[string]*Occasion
	tags      map[string]string
	segments  []segmentRule
}

type file struct {
	About      string            `json:"_about"`
	Tags       map[string]string `json:"tags"`
	SegmentMap []segmentRule     `json:"segment_map"`
	Occasions  []*Occasion       `json:"occasions"`
}

// Default is the calendar of the embedded data file. The file is part of
// the build, so a broken one fails every test of the package at init.
var Default = mustParse(datesJSON)

func mustParse(data []byte) *Calendar {
	c, err := Parse(data)
	if err != nil {
		panic(fmt.Sprintf("calendar: embedded dates.json: %v", err))
	}
	return c
}

// Parse reads a data file in the dates.json format and checks every
// occasion (known rule, tags, states, unique ids, a source).
func Parse(data []byte) (*Calendar, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var f file
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("decode: %w", err)
	}
	c := &Calendar{byID: map[string]*Occasion{}, tags: f.Tags, segments: f.SegmentMap}
	for i := range c.segments {
		if err := c.segments[i].compile(f.Tags); err != nil {
			return nil, err
		}
	}
	for _, o := range f.Occasions {
		if err := o.compile(f.Tags); err != nil {
			return nil, fmt.Errorf("occasion %q: %w", o.ID, err)
		}
		if c.byID[o.ID] != nil {
			return nil, fmt.Errorf("occasion %q listed twice", o.ID)
		}
		c.byID[o.ID] = o
		c.occasions = append(c.occasions, o)
	}
	return c, nil
}

var weekdays = map[string]time.Weekday{
	"sunday": time.Sunday, "monday": time.Monday, "tuesday": time.Tuesday, "wednesday": time.Wednesday,
	"thursday": time.Thursday, "friday": time.Friday, "saturday": time.Saturday,
}

// UF is one of Brazil's 27 federative units: its code and its name.
type UF struct{ Code, Name string }

// UFs are the 27 federative units in the order the business form lists
// them; the web app's list is generated from this one (api/cmd/webfacts).
var UFs = []UF{
	{"AC", "Acre"}, {"AL", "Alagoas"}, {"AP", "Amapá"}, {"AM", "Amazonas"}, {"BA", "Bahia"},
	{"CE", "Ceará"}, {"DF", "Distrito Federal"}, {"ES", "Espírito Santo"}, {"GO", "Goiás"},
	{"MA", "Maranhão"}, {"MT", "Mato Grosso"}, {"MS", "Mato Grosso do Sul"}, {"MG", "Minas Gerais"},
	{"PA", "Pará"}, {"PB", "Paraíba"}, {"PR", "Paraná"}, {"PE", "Pernambuco"}, {"PI", "Piauí"},
	{"RJ", "Rio de Janeiro"}, {"RN", "Rio Grande do Norte"}, {"RS", "Rio Grande do Sul"},
	{"RO", "Rondônia"}, {"RR", "Roraima"}, {"SC", "Santa Catarina"}, {"SP", "São Paulo"},
	{"SE", "Sergipe"}, {"TO", "Tocantins"},
}

// States are the UFs' codes, the states an occasion may be bound to.
var States = func() []string {
	codes := make([]string, len(UFs))
	for i, uf := range UFs {
		codes[i] = uf.Code
	}
	return codes
}()

func (o *Occasion) compile(tags map[string]string) error {
	switch {
	case o.ID == "" || o.Name == "":
		return fmt.Errorf("id and name are required")
	case o.Angle == "" || o.Source == "":
		return fmt.Errorf("angle and source are required")
	case o.LeadDays < 0:
		return fmt.Errorf("negative lead_days")
	case !slices.Contains([]string{"law", "official", "commercial", "unsure"}, o.Basis):
		return fmt.Errorf("unknown basis %q", o.Basis)
	case len(o.Segments) == 0:
		return fmt.Errorf("no segments (use %q)", AllSegments)
	}
	for _, s := range o.Segments {
		if _, ok := tags[s]; !ok && s != AllSegments {
			return fmt.Errorf("unknown segment tag %q", s)
		}
	}
	for s, days := range o.LeadBySegment {
		if _, ok := tags[s]; !ok || days < 0 {
			return fmt.Errorf("bad lead_by_segment entry %q: %d", s, days)
		}
	}
	for _, uf := range o.States {
		if !slices.Contains(States, uf) {
			return fmt.Errorf("unknown state %q", uf)
		}
	}
	h, err := o.Rule.holiday(o.Name)
	if err != nil {
		return err
	}
	o.holiday = h
	return nil
}

// holiday turns a rule into the library's description of it.
func (r Rule) holiday(name string) (*cal.Holiday, error) {
	month := time.Month(r.Month)
	switch r.Kind {
	case "fixed":
		if month < time.January || month > time.December || r.Day < 1 || r.Day > 31 || r.Offset != 0 {
			return nil, fmt.Errorf("fixed rule needs month 1-12 and day 1-31, no offset")
		}
		if time.Date(2028, month, r.Day, 0, 0, 0, 0, time.UTC).Day() != r.Day {
			return nil, fmt.Errorf("no day %d in month %d", r.Day, r.Month)
		}
		return &cal.Holiday{Name: name, Month: month, Day: r.Day, Func: cal.CalcDayOfMonth}, nil
	case "nth_weekday":
		wd, ok := weekdays[r.Weekday]
		if !ok || month < time.January || month > time.December || r.N == 0 || r.N > 5 || r.N < -5 {
			return nil, fmt.Errorf("nth_weekday rule needs month 1-12, a weekday and n in ±1..5")
		}
		return &cal.Holiday{Name: name, Month: month, Weekday: wd, Offset: r.N, CalcOffset: r.Offset, Func: cal.CalcWeekdayOffset}, nil
	case "easter":
		return &cal.Holiday{Name: name, Offset: r.Offset, Func: cal.CalcEasterOffset}, nil
	case "holiday":
		for _, h := range br.Holidays {
			if h.Name == r.Holiday {
				return h, nil
			}
		}
		return nil, fmt.Errorf("no national holiday named %q in rickar/cal/v2/br", r.Holiday)
	default:
		return nil, fmt.Errorf("unknown rule kind %q", r.Kind)
	}
}

// On is the occasion's date in year; false when it does not occur that
// year (a holiday before the law that created it).
func (o *Occasion) On(year int) (Date, bool) {
	actual, _ := o.holiday.Calc(year)
	if actual.IsZero() {
		return Date{}, false
	}
	// The library answers at midnight or noon of its own location; only
	// the civil date matters.
	return Date{Year: actual.Year(), Month: actual.Month(), Day: actual.Day()}, true
}

// Fits reports whether the occasion applies to a business with f's tags
// and state.
func (o *Occasion) Fits(f Filter) bool {
	if len(o.States) > 0 && !slices.Contains(o.States, strings.ToUpper(f.State)) {
		return false
	}
	if slices.Contains(o.Segments, AllSegments) {
		return true
	}
	for _, t := range f.Tags {
		if slices.Contains(o.Segments, t) {
			return true
		}
	}
	return false
}

// Lead is how many days before the date content should start for a
// business with these tags: the longest segment-specific lead that
// applies, else the occasion's own.
func (o *Occasion) Lead(tags []string) int {
	lead, found := 0, false
	for _, t := range tags {
		if days, ok := o.LeadBySegment[t]; ok && (!found || days > lead) {
			lead, found = days, true
		}
	}
	if !found {
		return o.LeadDays
	}
	return lead
}

// Occasions lists every occasion in file order.
func (c *Calendar) Occasions() []*Occasion { return c.occasions }

// Occasion finds an occasion by id.
func (c *Calendar) Occasion(id string) (*Occasion, bool) {
	o, ok := c.byID[id]
	return o, ok
}

// Tags lists the known segment tags, sorted.
func (c *Calendar) Tags() []string {
	out := make([]string, 0, len(c.tags))
	for t := range c.tags {
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}

// TagLabel is the Portuguese description of a tag ("" when unknown).
func (c *Calendar) TagLabel(tag string) string { return c.tags[tag] }

// Between lists the occurrences fitting f whose date is in [from, to],
// by date then file order.
func (c *Calendar) Between(from, to Date, f Filter) []Occurrence {
	var out []Occurrence
	if to.Before(from) {
		return out
	}
	for year := from.Year; year <= to.Year; year++ {
		for _, o := range c.occasions {
			if !o.Fits(f) {
				continue
			}
			d, ok := o.On(year)
			if !ok || d.Before(from) || to.Before(d) {
				continue
			}
			out = append(out, Occurrence{Occasion: o, Date: d, StartBy: d.AddDays(-o.Lead(f.Tags))})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Date.Before(out[j].Date) })
	return out
}

// Upcoming lists the occurrences fitting f from today to today+days.
func (c *Calendar) Upcoming(today Date, days int, f Filter) []Occurrence {
	return c.Between(today, today.AddDays(days), f)
}
