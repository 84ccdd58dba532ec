package routes_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/rekan/rekan/api/internal/post"
	"github.com/rekan/rekan/api/internal/testutil"
)

// Stage labels as the operator reads them in the messages.
const (
	lDraft     = "rascunho"
	lSent      = "enviado ao cliente"
	lApproved  = "aprovado"
	lChanges   = "ajuste pedido"
	lPublished = "publicado"
	lArchived  = "arquivado"
)

// stageAnswers is what the server must answer to an operator moving a post
// from one stage to another: written out by hand, not derived from the
// server's own table, so a change of the rules shows up here.
var stageAnswers = []struct {
	from, to string
	status   int
	message  string
}{
	{"rascunho", "rascunho", 400, "O post já está nesta etapa."},
	{"rascunho", "enviado", 400, "Só o sistema muda o post de " + lDraft + " para " + lSent + "."},
	{"rascunho", "aprovado", 200, ""},
	{"rascunho", "ajuste", 200, ""},
	{"rascunho", "publicado", 200, ""},
	{"rascunho", "arquivado", 200, ""},

	{"enviado", "rascunho", 400, "Só o sistema muda o post de " + lSent + " para " + lDraft + "."},
	{"enviado", "enviado", 400, "O post já está nesta etapa."},
	{"enviado", "aprovado", 200, ""},
	{"enviado", "ajuste", 200, ""},
	{"enviado", "publicado", 400, "Não é possível mudar o post de " + lSent + " para " + lPublished + "."},
	{"enviado", "arquivado", 200, ""},

	{"aprovado", "rascunho", 400, "Só o sistema muda o post de " + lApproved + " para " + lDraft + "."},
	{"aprovado", "enviado", 400, "Não é possível mudar o post de " + lApproved + " para " + lSent + "."},
	{"aprovado", "aprovado", 400, "O post já está nesta etapa."},
	{"aprovado", "ajuste", 400, "Não é possível mudar o post de " + lApproved + " para " + lChanges + "."},
	{"aprovado", "publicado", 200, ""},
	{"aprovado", "arquivado", 200, ""},

	{"ajuste", "rascunho", 400, "Só o sistema muda o post de " + lChanges + " para " + lDraft + "."},
	{"ajuste", "enviado", 400, "Não é possível mudar o post de " + lChanges + " para " + lSent + "."},
	{"ajuste", "aprovado", 400, "Não é possível mudar o post de " + lChanges + " para " + lApproved + "."},
	{"ajuste", "ajuste", 400, "O post já está nesta etapa."},
	{"ajuste", "publicado", 400, "Não é possível mudar o post de " + lChanges + " para " + lPublished + "."},
	{"ajuste", "arquivado", 200, ""},

	{"publicado", "rascunho", 400, "Não é possível mudar o post de " + lPublished + " para " + lDraft + "."},
	{"publicado", "enviado", 400, "Não é possível mudar o post de " + lPublished + " para " + lSent + "."},
	{"publicado", "aprovado", 400, "Não é possível mudar o post de " + lPublished + " para " + lApproved + "."},
	{"publicado", "ajuste", 400, "Não é possível mudar o post de " + lPublished + " para " + lChanges + "."},
	{"publicado", "publicado", 400, "O post já está nesta etapa."},
	{"publicado", "arquivado", 200, ""},

	{"arquivado", "rascunho", 200, ""},
	{"arquivado", "enviado", 400, "Não é possível mudar o post de " + lArchived + " para " + lSent + "."},
	{"arquivado", "aprovado", 400, "Não é possível mudar o post de " + lArchived + " para " + lApproved + "."},
	{"arquivado", "ajuste", 400, "Não é possível mudar o post de " + lArchived + " para " + lChanges + "."},
	{"arquivado", "publicado", 400, "Não é possível mudar o post de " + lArchived + " para " + lPublished + "."},
	{"arquivado", "arquivado", 400, "O post já está nesta etapa."},
}

// setStage puts the post in stage (and status) directly, as an earlier
// journey would have.
func setStage(t testing.TB, app core.App, postID, stage, status string) {
	t.Helper()
	_, err := app.DB().Update("posts", dbx.Params{"stage": stage, "status": status}, dbx.HashExp{"id": postID}).Execute()
	if err != nil {
		t.Fatal(err)
	}
}

// stageEvents lists a post's stage moves as "from>to actor via undo", oldest first.
func stageEvents(t testing.TB, app core.App, postID string) []string {
	t.Helper()
	var records []*core.Record
	err := app.RecordQuery("post_events").Where(dbx.HashExp{"post": postID}).OrderBy("created", "rowid").All(&records)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]string, 0, len(records))
	for _, r := range records {
		s := r.GetString("from") + ">" + r.GetString("to") + " " + r.GetString("actor") + " " + r.GetString("via")
		if r.GetBool("undo") {
			s += " undo"
		}
		out = append(out, strings.Join(strings.Fields(s), " "))
	}
	return out
}

func stageURL(id, action string) string { return "/api/rekan/posts/" + id + ":" + action }

func TestOperatorStageMovesAgainstTheLiteralTable(t *testing.T) {
	if len(stageAnswers) != 36 {
		t.Fatalf("the table must list all 36 moves, has %d", len(stageAnswers))
	}
	v := env{configured: true}
	for _, a := range stageAnswers {
		s := tests.ApiScenario{
			Name:           a.from + " → " + a.to,
			Method:         http.MethodPut,
			URL:            stageURL(fx.AlicePost, "stage"),
			Body:           strings.NewReader(`{"to":"` + a.to + `","note":"combinado"}`),
			Headers:        auth(fx.AliceToken),
			ExpectedStatus: a.status,
			TestAppFactory: v.factory,
			BeforeTestFunc: func(t testing.TB, app *tests.TestApp, e *core.ServeEvent) {
				v.before(t, app, e)
				setStage(t, app, fx.AlicePost, a.from, "ready")
			},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
				got := testutil.FindPost(t, app, fx.AlicePost).GetString("stage")
				events := stageEvents(t, app, fx.AlicePost)
				if a.status != 200 {
					if got != a.from || len(events) != 0 {
						t.Errorf("refused move changed something: stage %q, events %v", got, events)
					}
					return
				}
				want := a.from + ">" + a.to + " operator"
				if a.to == "aprovado" || a.to == "ajuste" {
					want += " whatsapp"
				}
				if got != a.to || len(events) != 1 || events[0] != want {
					t.Errorf("stage %q events %v; want %q, [%s]", got, events, a.to, want)
				}
			},
		}
		if a.status == 200 {
			s.ExpectedContent = []string{`"stage":"` + a.to + `"`, `"id":"` + fx.AlicePost + `"`}
		} else {
			s.ExpectedContent = []string{`"message":"` + a.message + `"`, `"code":"validation_stage_refused"`}
		}
		s.Test(t)
	}
}

func TestStageRouteGuards(t *testing.T) {
	v := env{configured: true}
	unchanged := func(t testing.TB, app *tests.TestApp, _ *http.Response) {
		if got := testutil.FindPost(t, app, fx.AlicePost).GetString("stage"); got != "rascunho" {
			t.Errorf("stage %q, want rascunho", got)
		}
		if events := stageEvents(t, app, fx.AlicePost); len(events) != 0 {
			t.Errorf("events %v, want none", events)
		}
	}
	cases := []struct {
		name, url, body, token string
		status                 int
		content                []string
	}{
		{"no token", stageURL(fx.AlicePost, "stage"), `{"to":"arquivado"}`, "", 401, []string{`"status":401`}},
		{"superuser", stageURL(fx.AlicePost, "stage"), `{"to":"arquivado"}`, fx.SuperuserToken, 403, []string{`"status":403`}},
		{"another operator's post", stageURL(fx.AlicePost, "stage"), `{"to":"arquivado"}`, fx.BobToken, 404, []string{"Post não encontrado."}},
		{"unknown post", stageURL("nopostwiththisid", "stage"), `{"to":"arquivado"}`, fx.AliceToken, 404, []string{"Post não encontrado."}},
		{"unknown action", stageURL(fx.AlicePost, "publish"), `{}`, fx.AliceToken, 404, []string{`"status":404`}},
		{"a stage is set with PUT, not POST", stageURL(fx.AlicePost, "stage") + "?post", `{"to":"arquivado"}`, fx.AliceToken, 404, []string{`"status":404`}},
		{"missing stage", stageURL(fx.AlicePost, "stage"), `{"note":"x"}`, fx.AliceToken, 400, []string{`"to":{"code":"validation_required","message":"Escolha a etapa."}`}},
		{"unknown stage", stageURL(fx.AlicePost, "stage"), `{"to":"postado"}`, fx.AliceToken, 400, []string{`"message":"Etapa desconhecida."`}},
		{"note too long", stageURL(fx.AlicePost, "stage"), `{"to":"arquivado","note":"` + strings.Repeat("é", 1001) + `"}`, fx.AliceToken, 400, []string{"A observação pode ter no máximo 1000 caracteres."}},
		{"malformed body", stageURL(fx.AlicePost, "stage"), `{"to":`, fx.AliceToken, 400, []string{`"status":400`}},
		{"nothing to undo", stageURL(fx.AlicePost, "undo"), ``, fx.AliceToken, 400, []string{"Não há mudança de etapa sua para desfazer neste post."}},
	}
	for _, c := range cases {
		method := http.MethodPost
		if strings.HasSuffix(c.url, ":stage") {
			method = http.MethodPut
		}
		s := tests.ApiScenario{
			Name:            c.name,
			Method:          method,
			URL:             c.url,
			Body:            strings.NewReader(c.body),
			ExpectedStatus:  c.status,
			ExpectedContent: c.content,
			TestAppFactory:  v.factory,
			BeforeTestFunc:  v.before,
			AfterTestFunc:   unchanged,
		}
		if c.token != "" {
			s.Headers = auth(c.token)
		}
		s.Test(t)
	}
}

func TestStageNeedsAReadyPost(t *testing.T) {
	v := env{configured: true}
	for _, status := range []string{"generating", "failed"} {
		s := tests.ApiScenario{
			Name:            status,
			Method:          http.MethodPut,
			URL:             stageURL(fx.AlicePost, "stage"),
			Body:            strings.NewReader(`{"to":"arquivado"}`),
			Headers:         auth(fx.AliceToken),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"message":"O post ainda não está pronto: só um post gerado muda de etapa."`},
			TestAppFactory:  v.factory,
			BeforeTestFunc: func(t testing.TB, app *tests.TestApp, e *core.ServeEvent) {
				v.before(t, app, e)
				setStage(t, app, fx.AlicePost, "rascunho", status)
			},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
				if got := testutil.FindPost(t, app, fx.AlicePost).GetString("stage"); got != "rascunho" {
					t.Errorf("stage %q, want rascunho", got)
				}
			},
		}
		s.Test(t)
	}
}

// TestUndoReversesOnlyTheOperatorsOwnLastMove walks one post: archive,
// undo, undo again (refused), publish, and checks the history. After each
// step the post as the records API reads it afresh (a reload) says whether
// "desfazer" applies, as the stage route's answer did: the operator's own
// last move can be undone, an undo or the server's move cannot.
func TestUndoReversesOnlyTheOperatorsOwnLastMove(t *testing.T) {
	app, base := liveServer(t, &scriptedWriter{})
	id := fx.AlicePost
	undoable := func(body string) string {
		var p map[string]any
		if err := json.Unmarshal([]byte(body), &p); err != nil {
			t.Fatalf("post %s: %v", body, err)
		}
		if inner, ok := p["post"].(map[string]any); ok {
			p = inner
		}
		return fmt.Sprint(p["undoable"])
	}
	reload := func() string {
		status, _, body := testutil.Call(t, t.Context(), http.MethodGet, base+"/api/collections/posts/records/"+id, fx.AliceToken, "")
		if status != 200 {
			t.Fatalf("read post: %d %s", status, body)
		}
		return undoable(body)
	}
	if got := reload(); got != "false" {
		t.Fatalf("a post that never moved: undoable %s", got)
	}
	steps := []struct {
		action, body string
		status       int
		stage        string
		undoable     string
	}{
		{"stage", `{"to":"arquivado"}`, 200, "arquivado", "true"},
		{"undo", ``, 200, "rascunho", "false"},
		{"undo", ``, 400, "rascunho", "false"},
		{"stage", `{"to":"aprovado","note":"disse sim no zap"}`, 200, "aprovado", "true"},
		{"stage", `{"to":"publicado"}`, 200, "publicado", "true"},
		{"undo", ``, 200, "aprovado", "false"},
	}
	for i, s := range steps {
		method := http.MethodPost
		if s.action == "stage" {
			method = http.MethodPut
		}
		status, _, body := testutil.Call(t, t.Context(), method, base+stageURL(id, s.action), fx.AliceToken, s.body)
		if status != s.status {
			t.Fatalf("step %d %s %s: %d %s", i, s.action, s.body, status, body)
		}
		if got := testutil.FindPost(t, app, id).GetString("stage"); got != s.stage {
			t.Fatalf("step %d: stage %q, want %q", i, got, s.stage)
		}
		if status == 200 {
			if got := undoable(body); got != s.undoable {
				t.Errorf("step %d: the route answers undoable %s, want %s", i, got, s.undoable)
			}
		}
		if got := reload(); got != s.undoable {
			t.Errorf("step %d: after a reload undoable %s, want %s", i, got, s.undoable)
		}
	}
	want := []string{
		"rascunho>arquivado operator",
		"arquivado>rascunho operator undo",
		"rascunho>aprovado operator whatsapp",
		"aprovado>publicado operator",
		"publicado>aprovado operator undo",
	}
	if got := stageEvents(t, app, id); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("history:\n got %v\nwant %v", got, want)
	}

	// The operator's move, then the server's (a revision): not theirs to undo.
	for _, to := range []string{post.StageDraft, post.StageSent} {
		if err := post.MoveStage(app, id, to, post.Server, ""); err != nil {
			t.Fatal(err)
		}
	}
	if status, _, body := testutil.Call(t, t.Context(), http.MethodPut, base+stageURL(id, "stage"), fx.AliceToken, `{"to":"aprovado"}`); status != 200 || reload() != "true" {
		t.Fatalf("approve: %d %s", status, body)
	}
	if err := post.MoveStage(app, id, post.StageDraft, post.Server, "post revisado"); err != nil {
		t.Fatal(err)
	}
	if got := reload(); got != "false" {
		t.Errorf("after the server's move: undoable %s", got)
	}
	if status, _, body := testutil.Call(t, t.Context(), http.MethodPost, base+stageURL(id, "undo"), fx.AliceToken, ""); status != 400 {
		t.Errorf("undo of the server's move: %d %s", status, body)
	}
}

// The operator sets the publish date through the records API; the stage
// only moves through the stage route.
func TestPublishDateAndStageThroughTheRecordsAPI(t *testing.T) {
	v := env{configured: true}
	url := "/api/collections/posts/records/" + fx.AlicePost
	cases := []struct {
		name, body string
		status     int
		content    []string
		date       string
	}{
		{"a date", `{"publish_on":"2026-03-09"}`, 200, []string{`"publish_on":"2026-03-09"`, `"edited":false`}, "2026-03-09"},
		{"no such day", `{"publish_on":"2026-02-30"}`, 400, []string{`"message":"Data de publicação inválida: use uma data no formato AAAA-MM-DD."`}, ""},
		{"not a date", `{"publish_on":"amanhã"}`, 400, []string{`"publish_on":{"code":"validation_invalid_date"`}, ""},
		{"a UTC instant", `{"publish_on":"2026-03-09T03:00:00Z"}`, 400, []string{`validation_invalid_date`}, ""},
		{"the stage", `{"stage":"publicado"}`, 404, nil, ""},
	}
	for _, c := range cases {
		s := tests.ApiScenario{
			Name:            c.name,
			Method:          http.MethodPatch,
			URL:             url,
			Body:            strings.NewReader(c.body),
			Headers:         auth(fx.AliceToken),
			ExpectedStatus:  c.status,
			ExpectedContent: c.content,
			TestAppFactory:  v.factory,
			BeforeTestFunc:  v.before,
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
				p := testutil.FindPost(t, app, fx.AlicePost)
				if p.GetString("publish_on") != c.date || p.GetString("stage") != "rascunho" {
					t.Errorf("publish_on %q stage %q", p.GetString("publish_on"), p.GetString("stage"))
				}
			},
		}
		if c.status == 404 {
			s.ExpectedContent = []string{`"status":404`}
		}
		s.Test(t)
	}
}
