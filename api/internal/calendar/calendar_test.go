package calendar_test

import (
	"bufio"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rickar/cal/v2/br"

	"github.com/rekan/rekan/api/internal/calendar"
)

type knownDate struct {
	id      string
	date    calendar.Date
	weekday string
	source  string
}

func readKnownDates(t *testing.T) []knownDate {
	t.Helper()
	f, err := os.Open("testdata/known_dates.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var rows []knownDate
	scanner := bufio.NewScanner(f)
	for scanner.Scan() {
		line := scanner.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.Split(line, "\t")
		if len(cols) != 4 {
			t.Fatalf("bad row %q", line)
		}
		d, err := calendar.ParseDate(cols[1])
		if err != nil {
			t.Fatal(err)
		}
		rows = append(rows, knownDate{cols[0], d, cols[2], cols[3]})
	}
	if len(rows) < 50 {
		t.Fatalf("only %d known dates read", len(rows))
	}
	return rows
}

// The table is checked against itself first (a typo in a literal date
// shows as a wrong weekday), then against the engine.
func TestKnownDates(t *testing.T) {
	for _, row := range readKnownDates(t) {
		if row.weekday != "-" && strings.ToLower(row.date.Weekday().String()) != row.weekday {
			t.Errorf("table row %s %s is a %s, the table says %s", row.id, row.date, row.date.Weekday(), row.weekday)
		}
		o, ok := calendar.Default.Occasion(row.id)
		if !ok {
			t.Errorf("no occasion %q", row.id)
			continue
		}
		got, ok := o.On(row.date.Year)
		if !ok || got != row.date {
			t.Errorf("%s in %d = %s (occurs %v), want %s (%s)", row.id, row.date.Year, got, ok, row.date, row.source)
		}
	}
}

// Every rule kind of the data file has rows in the known-dates table.
func TestKnownDatesCoverEveryRuleKind(t *testing.T) {
	covered := map[string]bool{}
	for _, row := range readKnownDates(t) {
		if o, ok := calendar.Default.Occasion(row.id); ok {
			covered[o.Rule.Kind+offsetKind(o.Rule)] = true
		}
	}
	for _, kind := range []string{"fixed", "nth_weekday", "nth_weekday+offset", "easter", "holiday"} {
		if !covered[kind] {
			t.Errorf("no known date checks a %s rule", kind)
		}
	}
}

func offsetKind(r calendar.Rule) string {
	if r.Kind == "nth_weekday" && r.Offset != 0 {
		return "+offset"
	}
	return ""
}

// The national holidays come from the library, none is lost.
func TestEveryNationalHolidayIsListed(t *testing.T) {
	for _, h := range br.Holidays {
		found := false
		for _, o := range calendar.Default.Occasions() {
			if o.Rule.Kind == "holiday" && o.Rule.Holiday == h.Name {
				found = true
			}
		}
		if !found {
			t.Errorf("national holiday %q is not in dates.json", h.Name)
		}
	}
}

// Rules are computed for any year, not a table: far years still land on
// the rule's weekday and Easter offsets keep their distance.
func TestRulesHoldInAnyYear(t *testing.T) {
	for _, year := range []int{1990, 2025, 2031, 2049, 2100} {
		mothers, _ := mustOccasion(t, "dia-das-maes").On(year)
		if mothers.Weekday() != time.Sunday || mothers.Month != time.May || mothers.Day < 8 || mothers.Day > 14 {
			t.Errorf("Dia das Mães %d = %s", year, mothers)
		}
		bf, _ := mustOccasion(t, "black-friday").On(year)
		if bf.Weekday() != time.Friday || bf.Month != time.November || bf.Day < 23 || bf.Day > 29 {
			t.Errorf("Black Friday %d = %s", year, bf)
		}
		easter, _ := mustOccasion(t, "pascoa").On(year)
		carnaval, _ := mustOccasion(t, "carnaval").On(year)
		if easter.Weekday() != time.Sunday || carnaval.DaysUntil(easter) != 47 {
			t.Errorf("%d: Páscoa %s, Carnaval %s", year, easter, carnaval)
		}
	}
}

func mustOccasion(t *testing.T, id string) *calendar.Occasion {
	t.Helper()
	o, ok := calendar.Default.Occasion(id)
	if !ok {
		t.Fatalf("no occasion %q", id)
	}
	return o
}

func TestEveryOccasionCarriesItsSource(t *testing.T) {
	for _, o := range calendar.Default.Occasions() {
		if len(o.Source) < 10 || len(o.Angle) < 10 {
			t.Errorf("%s: source %q, angle %q", o.ID, o.Source, o.Angle)
		}
		if _, ok := o.On(2026); !ok {
			t.Errorf("%s does not occur in 2026", o.ID)
		}
	}
	for _, id := range []string{"dia-da-mulher", "dia-do-consumidor", "pascoa", "dia-das-maes", "dia-dos-namorados",
		"festas-juninas", "sao-joao", "dia-dos-pais", "dia-do-cliente", "dia-das-criancas", "black-friday", "natal",
		"reveillon", "carnaval", "dia-da-pizza", "dia-do-hamburguer", "dia-do-sorvete", "dia-dos-animais", "dia-do-forro",
		"dia-do-cabeleireiro-e-barbeiro", "dia-do-cafe", "dia-do-chocolate", "dia-do-confeiteiro",
		"revolucao-constitucionalista", "revolucao-farroupilha", "data-magna-pe", "independencia-da-bahia"} {
		mustOccasion(t, id)
	}
}

func TestParseRejectsBadData(t *testing.T) {
	base := `{"tags":{"pet":"Pet"},"segment_map":[],"occasions":[%s]}`
	for name, occ := range map[string]string{
		"unknown kind":  `{"id":"x","name":"X","rule":{"kind":"weekly"},"segments":["all"],"angle":"a","source":"s","basis":"law"}`,
		"31 February":   `{"id":"x","name":"X","rule":{"kind":"fixed","month":2,"day":31},"segments":["all"],"angle":"a","source":"s","basis":"law"}`,
		"unknown tag":   `{"id":"x","name":"X","rule":{"kind":"fixed","month":2,"day":3},"segments":["padaria"],"angle":"a","source":"s","basis":"law"}`,
		"no source":     `{"id":"x","name":"X","rule":{"kind":"fixed","month":2,"day":3},"segments":["all"],"angle":"a","source":"","basis":"law"}`,
		"bad basis":     `{"id":"x","name":"X","rule":{"kind":"fixed","month":2,"day":3},"segments":["all"],"angle":"a","source":"s","basis":"vibes"}`,
		"bad state":     `{"id":"x","name":"X","rule":{"kind":"fixed","month":2,"day":3},"states":["XX"],"segments":["all"],"angle":"a","source":"s","basis":"law"}`,
		"unknown field": `{"id":"x","name":"X","rule":{"kind":"fixed","month":2,"day":3},"segments":["all"],"angle":"a","source":"s","basis":"law","colour":"red"}`,
		"no holiday":    `{"id":"x","name":"X","rule":{"kind":"holiday","holiday":"Dia do Saci"},"segments":["all"],"angle":"a","source":"s","basis":"law"}`,
		"n zero":        `{"id":"x","name":"X","rule":{"kind":"nth_weekday","month":5,"weekday":"sunday"},"segments":["all"],"angle":"a","source":"s","basis":"law"}`,
	} {
		if _, err := calendar.Parse([]byte(strings.Replace(base, "%s", occ, 1))); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestSegmentTags(t *testing.T) {
	cases := map[string][]string{
		"Confeitaria artesanal":       {"alimentacao", "confeitaria"},
		"CONFEITARIA":                 {"alimentacao", "confeitaria"},
		"bolos e doces por encomenda": {"alimentacao", "confeitaria"},
		"barbearia":                   {"barbearia"},
		"Barbearia e bar":             {"alimentacao", "bar", "barbearia"},
		"banda de forró":              {"forro", "musica"},
		"Banda de Forro pé de serra":  {"forro", "musica"},
		"Pet shop — banho e tosa":     {"pet"},
		"Salão de beleza":             {"estetica", "salao"},
		"hamburgueria artesanal":      {"alimentacao", "hamburgueria"},
		"Pizzaria delivery":           {"alimentacao", "pizzaria", "restaurante"},
		"consultoria de TI":           nil,
		"":                            nil,
		"Sorveteria e açaí":           {"alimentacao", "sorveteria"},
		"Cafeteria especial":          {"alimentacao", "cafeteria"},
	}
	for segment, want := range cases {
		got := calendar.Default.SegmentTags(segment)
		if !slices.Equal(got, want) {
			t.Errorf("SegmentTags(%q) = %v, want %v", segment, got, want)
		}
	}
}

func d(s string) calendar.Date {
	date, err := calendar.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return date
}

func ids(occ []calendar.Occurrence) []string {
	out := make([]string, len(occ))
	for i, o := range occ {
		out[i] = o.Occasion.ID + "@" + o.Date.String()
	}
	return out
}

func TestUpcomingBySegmentAndState(t *testing.T) {
	confeitariaSP := calendar.Filter{Tags: []string{"confeitaria", "alimentacao"}, State: "SP"}
	got := calendar.Default.Upcoming(d("2026-04-20"), 30, confeitariaSP)
	want := []string{"tiradentes@2026-04-21", "dia-do-trabalhador@2026-05-01", "dia-das-maes@2026-05-10"}
	if !slices.Equal(ids(got), want) {
		t.Errorf("confeitaria SP 20/04 +30 = %v, want %v", ids(got), want)
	}
	// The confeitaria's lead for Dia das Mães is 30 days, a barbearia's
	// the default 14.
	if got[2].StartBy != d("2026-04-10") {
		t.Errorf("confeitaria starts Dia das Mães %s, want 2026-04-10", got[2].StartBy)
	}
	barber := calendar.Default.Upcoming(d("2026-04-20"), 30, calendar.Filter{Tags: []string{"barbearia"}, State: "SP"})
	if last := barber[len(barber)-1]; last.Occasion.ID != "dia-das-maes" || last.StartBy != d("2026-04-26") {
		t.Errorf("barbearia: %v starts %s", ids(barber), last.StartBy)
	}

	// São João is Nordeste only; Dia do Forró only for forró and music.
	forroPE := calendar.Filter{Tags: []string{"forro", "musica"}, State: "PE"}
	pe := ids(calendar.Default.Between(d("2026-06-01"), d("2026-06-30"), forroPE))
	if !slices.Contains(pe, "sao-joao@2026-06-24") {
		t.Errorf("PE June: %v lacks São João", pe)
	}
	sp := ids(calendar.Default.Between(d("2026-06-01"), d("2026-06-30"), calendar.Filter{Tags: []string{"forro"}, State: "SP"}))
	if slices.Contains(sp, "sao-joao@2026-06-24") {
		t.Errorf("SP June: %v has São João", sp)
	}
	dec := ids(calendar.Default.Between(d("2026-12-01"), d("2026-12-20"), forroPE))
	if !slices.Contains(dec, "dia-do-forro@2026-12-13") {
		t.Errorf("forró December: %v", dec)
	}
	if slices.Contains(ids(calendar.Default.Between(d("2026-12-01"), d("2026-12-20"), confeitariaSP)), "dia-do-forro@2026-12-13") {
		t.Error("a confeitaria got Dia do Forró")
	}
	// A state holiday only in its state.
	if !slices.Contains(ids(calendar.Default.Between(d("2026-07-01"), d("2026-07-31"), confeitariaSP)), "revolucao-constitucionalista@2026-07-09") {
		t.Error("SP lacks 9 de julho")
	}
	if slices.Contains(ids(calendar.Default.Between(d("2026-07-01"), d("2026-07-31"), forroPE)), "revolucao-constitucionalista@2026-07-09") {
		t.Error("PE has 9 de julho")
	}
}

// Time-zone edges: "today" is the São Paulo date of the instant, and a
// window crosses the year.
func TestTodayInSaoPaulo(t *testing.T) {
	sp, err := time.LoadLocation("America/Sao_Paulo")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		instant string
		want    string
	}{
		{"2026-05-10T02:59:59Z", "2026-05-09"}, // 23:59:59 in São Paulo, already the 10th in UTC
		{"2026-05-10T03:00:00Z", "2026-05-10"}, // midnight in São Paulo
		{"2026-12-31T23:30:00-03:00", "2026-12-31"},
		{"2027-01-01T02:59:00Z", "2026-12-31"}, // the last hour of the year
		{"2027-01-01T03:00:00Z", "2027-01-01"},
	}
	for _, c := range cases {
		instant, err := time.Parse(time.RFC3339, c.instant)
		if err != nil {
			t.Fatal(err)
		}
		if got := calendar.DateOf(instant, sp); got.String() != c.want {
			t.Errorf("DateOf(%s) in São Paulo = %s, want %s", c.instant, got, c.want)
		}
	}

	lastHour, _ := time.Parse(time.RFC3339, "2026-05-10T02:30:00Z")
	today := calendar.DateOf(lastHour, sp)
	got := calendar.Default.Upcoming(today, 0, calendar.Filter{State: "SP"})
	if slices.Contains(ids(got), "dia-das-maes@2026-05-10") {
		t.Errorf("at 23:30 of 09/05 in São Paulo, today's dates are %v", ids(got))
	}
	if next := calendar.Default.Upcoming(today, 1, calendar.Filter{State: "SP"}); !slices.Contains(ids(next), "dia-das-maes@2026-05-10") {
		t.Errorf("tomorrow's dates: %v", ids(next))
	}

	newYearsEve, _ := time.Parse(time.RFC3339, "2027-01-01T02:30:00Z")
	window := ids(calendar.Default.Upcoming(calendar.DateOf(newYearsEve, sp), 1, calendar.Filter{State: "SP"}))
	if !slices.Equal(window, []string{"reveillon@2026-12-31", "ano-novo@2027-01-01"}) {
		t.Errorf("31/12 → 01/01 = %v", window)
	}
}

func TestDateArithmetic(t *testing.T) {
	if got := d("2028-02-28").AddDays(1); got != d("2028-02-29") {
		t.Errorf("leap day: %s", got)
	}
	if got := d("2026-12-31").AddDays(1); got != d("2027-01-01") {
		t.Errorf("new year: %s", got)
	}
	if n := d("2026-04-10").DaysUntil(d("2026-05-10")); n != 30 {
		t.Errorf("DaysUntil = %d", n)
	}
	if _, err := calendar.ParseDate("2026-02-30"); err == nil {
		t.Error("30/02 accepted")
	}
	if d("2026-05-09").DDMM() != "09/05" {
		t.Error(d("2026-05-09").DDMM())
	}
}
