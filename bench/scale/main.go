// Command bench-scale measures what grows with the number of posts: the
// time from process start to listening (against vanilla PocketBase on the
// same data), a client's history page (the query the web app issues), and
// the server's memory under read load (RSS, the Go heap from gctrace, the
// SQLite settings in effect).
//
//	go run . -api ../../bin/api -fakellm ../../bin/fakellm -sizes 0,2000,100000
//
// The data is made once: one real generation (fakellm, the BAML runtime)
// gives a request and its posts as the server writes them, which are then
// cloned by SQL, while no server runs, into one client's history. It prints
// figures and ratios; it never fails on a missed target.
package main

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/rekan/rekan/eval/stack"
	_ "modernc.org/sqlite"
)

func main() {
	apiBin := flag.String("api", "../../bin/api", "the server binary")
	fakeBin := flag.String("fakellm", "../../bin/fakellm", "the fakellm binary")
	sizes := flag.String("sizes", "0,2000,100000", "post counts to measure")
	starts := flag.Int("starts", 5, "starts per server and size (the median is printed)")
	flag.Parse()
	var ns []int
	for _, s := range strings.Split(*sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil {
			fmt.Fprintln(os.Stderr, "bench-scale: -sizes:", err)
			os.Exit(2)
		}
		ns = append(ns, n)
	}
	if err := run(*apiBin, *fakeBin, ns, *starts); err != nil {
		fmt.Fprintln(os.Stderr, "bench-scale:", err)
		os.Exit(1)
	}
}

type bench struct {
	api, vanilla, work string
	env                []string
	business           string
}

func run(apiBin, fakeBin string, sizes []int, starts int) error {
	b := &bench{}
	var err error
	if b.api, err = filepath.Abs(apiBin); err != nil {
		return err
	}
	if b.work, err = os.MkdirTemp("", "rekan-bench-scale-"); err != nil {
		return err
	}
	defer os.RemoveAll(b.work)
	b.env = []string{"PATH=" + os.Getenv("PATH"), "REKAN_BAML_CLI=" + os.Getenv("REKAN_BAML_CLI")}

	b.vanilla = filepath.Join(b.work, "vanilla")
	build := exec.Command("go", "build", "-trimpath", "-ldflags", "-s -w", "-o", b.vanilla, "./vanilla")
	if out, err := build.CombinedOutput(); err != nil {
		return fmt.Errorf("build vanilla PocketBase: %w: %s", err, out)
	}

	template := filepath.Join(b.work, "template")
	if err := b.makeTemplate(template, fakeBin); err != nil {
		return fmt.Errorf("template data: %w", err)
	}

	type row struct {
		n                     int
		vanilla, rekan        time.Duration
		pageTotal, pageSkip   time.Duration
		stageTotal, stageSkip time.Duration
		hasMore               time.Duration
		mem                   memory
	}
	var rows []row
	for _, n := range sizes {
		dir := filepath.Join(b.work, fmt.Sprintf("data-%d", n))
		took, err := b.makeData(template, dir, n)
		if err != nil {
			return fmt.Errorf("data with %d posts: %w", n, err)
		}
		fmt.Printf("data: %d posts written in %s\n", n, took.Round(time.Millisecond))
		r := row{n: n}
		// Alternate the two servers so load from elsewhere hits both alike;
		// the first start of each is a warm-up (page cache of the files).
		var vs, rs []time.Duration
		for i := 0; i <= starts; i++ {
			v, err := b.listening(b.vanilla, dir)
			if err != nil {
				return err
			}
			rk, err := b.listening(b.api, dir)
			if err != nil {
				return err
			}
			if i > 0 {
				vs, rs = append(vs, v), append(rs, rk)
			}
		}
		r.vanilla, r.rekan = median(vs), median(rs)
		if r.pageTotal, r.pageSkip, r.stageTotal, r.stageSkip, r.hasMore, r.mem, err = b.serveAndRead(dir); err != nil {
			return err
		}
		rows = append(rows, r)
		if err := os.RemoveAll(dir); err != nil {
			return err
		}
	}

	fmt.Println()
	fmt.Printf("start to listening (median of %d starts; target: rekan ≤ 1.5× vanilla on the largest data)\n", starts)
	for _, r := range rows {
		fmt.Printf("  %7d posts: vanilla %7s  rekan %7s  ratio %.2f\n", r.n, ms(r.vanilla), ms(r.rekan), ratio(r.rekan, r.vanilla))
	}
	fmt.Println("history page, page 1 of one client, median of 30 (target: the web's query at the largest size ≤ 1.5× its time at 2,000)")
	var at2000 time.Duration
	for _, r := range rows {
		if r.n == 2000 {
			at2000 = r.pageSkip + r.hasMore
		}
	}
	for _, r := range rows {
		web := r.pageSkip + r.hasMore
		fmt.Printf("  %7d posts: with total %7s  skipTotal %7s  has-more %7s  web (skipTotal + has-more) %7s  vs 2,000: %.2f\n",
			r.n, ms(r.pageTotal), ms(r.pageSkip), ms(r.hasMore), ms(web), ratio(web, at2000))
		fmt.Printf("  %7d posts, stage filter: with total %7s  skipTotal %7s\n", r.n, ms(r.stageTotal), ms(r.stageSkip))
	}
	fmt.Println("server memory: idle after start, then peak under 16 concurrent readers (history pages with totals, full scans)")
	for _, r := range rows {
		m := r.mem
		fmt.Printf("  %7d posts: idle RSS %s; peak RSS %s (anon %s, file %s); Go heap %s (gctrace); db %s\n",
			r.n, mb(m.idleRSS), mb(m.peakRSS), mb(m.peakAnon), mb(m.peakFile), m.goHeap, mb(m.dbSize/1024))
	}
	return nil
}

// makeTemplate makes a data dir with an operator, a superuser, one client
// and one real generation of three posts, and leaves no server running.
func (b *bench) makeTemplate(dir, fakeBin string) error {
	fake, err := stack.StartFakeProcess(context.Background(), fakeBin)
	if err != nil {
		return err
	}
	defer fake.Stop()
	env := append(slices.Clone(b.env), fake.Env()...)
	for _, args := range [][]string{
		{"operator", "add", "bench@example.com", "bench-password-1"},
		{"superuser", "upsert", "root@example.com", "root-password-1"},
	} {
		if code, out, err := stack.CLI(b.api, dir, env, "", args...); err != nil || code != 0 {
			return fmt.Errorf("api %s: exit %d, %v: %s", args[0], code, err, out)
		}
	}
	srv, base, _, err := start(b.api, dir, env, b.work)
	if err != nil {
		return err
	}
	defer srv.Stop(10 * time.Second)
	if err := waitHealthy(base, srv.Server); err != nil {
		return err
	}
	// The measured reads come from one address faster than the installed
	// rate limits allow; lifting them for loopback persists in the data.
	su, err := login(base)
	if err != nil {
		return err
	}
	if err := callJSON(base, "PATCH", "/api/settings", su, `{"rateLimits":{"excludedIPs":["127.0.0.1"]}}`, nil); err != nil {
		return fmt.Errorf("lift the rate limit for loopback: %w", err)
	}
	var op struct {
		Token  string
		Record struct{ ID string }
	}
	if err := callJSON(base, "POST", "/api/collections/users/auth-with-password", "", `{"identity":"bench@example.com","password":"bench-password-1"}`, &op); err != nil {
		return err
	}
	token := op.Token
	var biz struct{ ID string }
	body := `{"owner":"` + op.Record.ID + `","name":"Confeitaria Bench","segment":"confeitaria","city":"São Paulo","state":"SP",
		"services":[{"name":"Bolo de cenoura","price_brl":45}],"facts":["receita da avó"],"voice":"carinhosa"}`
	if err := callJSON(base, "POST", "/api/collections/businesses/records", token, body, &biz); err != nil {
		return err
	}
	b.business = biz.ID
	return callJSON(base, "POST", "/api/rekan/businesses/"+biz.ID+"/posts:generate", token,
		`{"brief":"bolo de cenoura com calda de chocolate para a semana das mães","count":3}`, nil)
}

// makeData copies the template and clones its request, posts and their
// events until the client has n posts (none for n = 0), newest last, one
// minute apart. It runs while no server runs.
func (b *bench) makeData(template, dir string, n int) (time.Duration, error) {
	begin := time.Now()
	if out, err := exec.Command("cp", "-a", template, dir).CombinedOutput(); err != nil {
		return 0, fmt.Errorf("copy: %w: %s", err, out)
	}
	db, err := sql.Open("sqlite", filepath.Join(dir, "data.db")+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)")
	if err != nil {
		return 0, err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	var request string
	if err := db.QueryRow(`SELECT id FROM requests LIMIT 1`).Scan(&request); err != nil {
		return 0, fmt.Errorf("template request: %w", err)
	}
	var posts []string
	rows, err := db.Query(`SELECT id FROM posts WHERE request = ? ORDER BY created, id`, request)
	if err != nil {
		return 0, err
	}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return 0, err
		}
		posts = append(posts, id)
	}
	if err := rows.Err(); err != nil {
		return 0, err
	}
	rows.Close()

	tx, err := db.Begin()
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	cloneRequest, err := cloner(tx, "requests", map[string]string{"id": "?1", "created": "?2", "updated": "?2"}, "id = ?3")
	if err != nil {
		return 0, err
	}
	clonePost, err := cloner(tx, "posts", map[string]string{"id": "?1", "request": "?2", "created": "?3", "updated": "?3"}, "id = ?4")
	if err != nil {
		return 0, err
	}
	cloneEvents, err := cloner(tx, "post_events", map[string]string{"id": "?1 || substr(id, 1, 5)", "post": "?2", "created": "?3", "updated": "?3"}, "post = ?4")
	if err != nil {
		return 0, err
	}
	stages := []string{"rascunho", "enviado", "aprovado", "ajuste", "publicado"}
	origin := time.Now().UTC().Add(-time.Duration(n) * time.Minute)
	for i := 0; i < n; {
		when := origin.Add(time.Duration(i) * time.Minute).Format("2006-01-02 15:04:05.000Z")
		rid := id("r", i)
		if _, err := cloneRequest.Exec(rid, when, request); err != nil {
			return 0, fmt.Errorf("clone request: %w", err)
		}
		for _, p := range posts {
			if i >= n {
				break
			}
			pid := id("p", i)
			if _, err := clonePost.Exec(pid, rid, when, p); err != nil {
				return 0, fmt.Errorf("clone post: %w", err)
			}
			if _, err := cloneEvents.Exec(id("e", i)[5:], pid, when, p); err != nil {
				return 0, fmt.Errorf("clone events: %w", err)
			}
			i++
		}
	}
	// The clones spread over the stages, so the stage filter has a share.
	if _, err := tx.Exec(`UPDATE posts SET stage = CASE abs(random()) % 5 WHEN 0 THEN ?1 WHEN 1 THEN ?2 WHEN 2 THEN ?3 WHEN 3 THEN ?4 ELSE ?5 END WHERE id LIKE 'p%' AND length(id) = 15`,
		stages[0], stages[1], stages[2], stages[3], stages[4]); err != nil {
		return 0, err
	}
	if n == 0 {
		for _, t := range []string{"post_events", "post_versions", "posts", "requests"} {
			if _, err := tx.Exec(`DELETE FROM ` + t); err != nil {
				return 0, err
			}
		}
	}
	if err := tx.Commit(); err != nil {
		return 0, err
	}
	if _, err := db.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		return 0, err
	}
	return time.Since(begin), nil
}

// cloner prepares INSERT … SELECT of table's rows matching where, with the
// columns in set replaced by the given expressions.
func cloner(tx *sql.Tx, table string, set map[string]string, where string) (*sql.Stmt, error) {
	rows, err := tx.Query(`SELECT name FROM pragma_table_info(?)`, table)
	if err != nil {
		return nil, err
	}
	var cols, exprs []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, err
		}
		cols = append(cols, `"`+c+`"`)
		if e, ok := set[c]; ok {
			exprs = append(exprs, e)
		} else {
			exprs = append(exprs, `"`+c+`"`)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	if len(cols) == 0 {
		return nil, fmt.Errorf("no table %s", table)
	}
	return tx.Prepare(`INSERT INTO "` + table + `" (` + strings.Join(cols, ",") + `) SELECT ` + strings.Join(exprs, ",") + ` FROM "` + table + `" WHERE ` + where)
}

// id makes a 15-character record id unique per prefix and i.
func id(prefix string, i int) string {
	s := strconv.FormatInt(int64(i), 36)
	return prefix + strings.Repeat("0", 14-len(s)) + s
}

// server is a running binary (Rekan or vanilla PocketBase) started the one
// way the stack starts servers.
type server struct{ *stack.Server }

// start runs bin serve on dir and returns once PocketBase's /api/health
// answers (the listener is up), with the time from the process start: the
// bench polls every millisecond itself, as that time is what it measures.
func start(bin, dir string, env []string, work string, extra ...string) (*server, string, time.Duration, error) {
	begin := time.Now()
	srv, err := stack.StartServer(context.Background(), stack.ServerConfig{
		Binary: bin, DataDir: dir, WorkDir: work, Env: env, Args: extra, Ready: stack.Started,
	})
	if err != nil {
		return nil, "", 0, err
	}
	quick := &http.Client{Timeout: time.Second}
	for time.Since(begin) < 60*time.Second {
		res, err := quick.Get(srv.Base + "/api/health")
		if err == nil {
			res.Body.Close()
			return &server{srv}, srv.Base, time.Since(begin), nil
		}
		time.Sleep(time.Millisecond)
	}
	_ = srv.Stop(0)
	return nil, "", 0, fmt.Errorf("%s not listening after 60s:\n%s", bin, srv.Log())
}

func (b *bench) listening(bin, dir string) (time.Duration, error) {
	s, _, took, err := start(bin, dir, b.env, b.work)
	if err != nil {
		return 0, err
	}
	_ = s.Stop(10 * time.Second)
	return took, nil
}

type memory struct {
	idleRSS, peakRSS, peakAnon, peakFile, dbSize int64 // KiB
	goHeap                                       string
}

// serveAndRead starts the server with GODEBUG=gctrace=1, times the history
// page queries as the web app issues them, then loads it with 16 readers
// and samples its memory.
func (b *bench) serveAndRead(dir string) (pageTotal, pageSkip, stageTotal, stageSkip, hasMore time.Duration, m memory, err error) {
	s, base, _, err := start(b.api, dir, append(slices.Clone(b.env), "GODEBUG=gctrace=1"), b.work)
	if err != nil {
		return
	}
	defer s.Stop(10 * time.Second)
	if st, e := os.Stat(filepath.Join(dir, "data.db")); e == nil {
		m.dbSize = st.Size()
	}
	token, err := operatorToken(base)
	if err != nil {
		return
	}
	time.Sleep(time.Second)
	m.idleRSS, _, _ = rss(s.Pid())

	list := func(extra url.Values) func() error {
		q := url.Values{"page": {"1"}, "perPage": {"10"}, "sort": {"-created,-id"}, "expand": {"request"},
			"filter": {"business = '" + b.business + "'"}}
		for k, v := range extra {
			q[k] = v
		}
		return func() error {
			return callJSON(base, "GET", "/api/collections/posts/records?"+q.Encode(), token, "", nil)
		}
	}
	stage := url.Values{"filter": {"business = '" + b.business + "' && stage = 'aprovado'"}}
	stageSkipQ := url.Values{"filter": stage["filter"], "skipTotal": {"1"}}
	// The web app's "has more": the first post after the page, id only.
	more := url.Values{"page": {"11"}, "perPage": {"1"}, "fields": {"id"}, "skipTotal": {"1"}, "expand": {""}}
	for _, t := range []struct {
		d *time.Duration
		f func() error
	}{
		{&pageTotal, list(nil)}, {&pageSkip, list(url.Values{"skipTotal": {"1"}})},
		{&stageTotal, list(stage)}, {&stageSkip, list(stageSkipQ)}, {&hasMore, list(more)},
	} {
		if *t.d, err = timeMedian(30, t.f); err != nil {
			return
		}
	}

	// Read load: what touches every page of the posts table (totals, a
	// search the admin UI could run), from 16 clients, for a few seconds.
	su, err := login(base)
	if err != nil {
		return
	}
	search := url.Values{"page": {"1"}, "perPage": {"30"}, "filter": {"caption ~ 'inexistente'"}}
	stop := time.Now().Add(6 * time.Second)
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for w := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(stop) {
				var e error
				if w%2 == 0 {
					e = list(url.Values{"page": {strconv.Itoa(1 + w)}})()
				} else {
					e = callJSON(base, "GET", "/api/collections/posts/records?"+search.Encode(), su, "", nil)
				}
				if e != nil {
					errs <- e
					return
				}
			}
		}()
	}
	for time.Now().Before(stop.Add(500 * time.Millisecond)) {
		r, a, f := rss(s.Pid())
		if r > m.peakRSS {
			m.peakRSS, m.peakAnon, m.peakFile = r, a, f
		}
		time.Sleep(50 * time.Millisecond)
	}
	wg.Wait()
	close(errs)
	if e := <-errs; e != nil {
		err = e
		return
	}
	m.goHeap = goHeap(s.Log())
	return
}

var gcLine = regexp.MustCompile(`gc \d+ @.* (\d+)->(\d+)->(\d+) MB`)

// goHeap reads gctrace's lines: the live heap after the last GC and the
// largest heap any GC started at (the Go heap's peak, near enough).
func goHeap(logs string) string {
	last, peak := 0, 0
	sc := bufio.NewScanner(strings.NewReader(logs))
	for sc.Scan() {
		if mm := gcLine.FindStringSubmatch(sc.Text()); mm != nil {
			start, _ := strconv.Atoi(mm[1])
			last, _ = strconv.Atoi(mm[3])
			peak = max(peak, start)
		}
	}
	return fmt.Sprintf("live %d MB, peak %d MB", last, peak)
}

// rss reads VmRSS, RssAnon and RssFile (KiB) from /proc/PID/status.
func rss(pid int) (total, anon, file int64) {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return
	}
	for _, line := range strings.Split(string(raw), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		v, _ := strconv.ParseInt(f[1], 10, 64)
		switch f[0] {
		case "VmRSS:":
			total = v
		case "RssAnon:":
			anon = v
		case "RssFile:":
			file = v
		}
	}
	return
}

func login(base string) (string, error) {
	var su struct{ Token string }
	err := callJSON(base, "POST", "/api/collections/_superusers/auth-with-password", "", `{"identity":"root@example.com","password":"root-password-1"}`, &su)
	return su.Token, err
}

func operatorToken(base string) (string, error) {
	var op struct{ Token string }
	err := callJSON(base, "POST", "/api/collections/users/auth-with-password", "", `{"identity":"bench@example.com","password":"bench-password-1"}`, &op)
	return op.Token, err
}

var client = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}

func callJSON(base, method, path, token, body string, out any) error {
	status, _, text, err := stack.Call(context.Background(), client, method, base+path, token, body)
	if err != nil {
		return err
	}
	if status/100 != 2 {
		return fmt.Errorf("%s %s: %d %s", method, path, status, text)
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal([]byte(text), out)
}

func timeMedian(n int, f func() error) (time.Duration, error) {
	for range 3 { // warm-up
		if err := f(); err != nil {
			return 0, err
		}
	}
	var ds []time.Duration
	for range n {
		begin := time.Now()
		if err := f(); err != nil {
			return 0, err
		}
		ds = append(ds, time.Since(begin))
	}
	return median(ds), nil
}

func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

func ratio(a, b time.Duration) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1fms", float64(d.Microseconds())/1000) }

func mb(kib int64) string { return fmt.Sprintf("%.0f MB", float64(kib)/1024) }

// waitHealthy waits for a 200 from /api/rekan/health (the BAML runtime up).
func waitHealthy(base string, srv *stack.Server) error {
	deadline := time.Now().Add(60 * time.Second)
	for {
		status, _, _, err := stack.Call(context.Background(), client, "GET", base+"/api/rekan/health", "", "")
		if err == nil && status == 200 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("server not healthy after 60s:\n%s", srv.Log())
		}
		time.Sleep(20 * time.Millisecond)
	}
}
