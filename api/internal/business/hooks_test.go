package business_test

import (
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/rekan/rekan/api/internal/business"
	_ "github.com/rekan/rekan/api/migrations"
)

// The hooks run on app.Save too, not only on API requests.
func TestHooksRunOnAppSave(t *testing.T) {
	app, owner, c := appWithOperator(t)
	r := core.NewRecord(c)
	r.Load(map[string]any{"owner": owner.Id, "name": "Pet Shop", "segment": "pet shop", "city": "Natal", "state": "rn",
		"phone": "+1 (415) 555-0100", "services": []map[string]any{{"name": " Banho ", "price_brl": 50}}, "facts": []string{" x "}})
	if err := app.Save(r); err != nil {
		t.Fatalf("save: %v", err)
	}
	if r.GetString("phone") != "14155550100" || r.GetString("state") != "RN" || r.GetString("facts") != `["x"]` {
		t.Errorf("not normalised: phone %s state %s facts %s", r.GetString("phone"), r.GetString("state"), r.GetString("facts"))
	}

	// Saving again with the stored foreign phone must not reinterpret it.
	r.Set("name", "Pet Shop Amigo Fiel")
	if err := app.Save(r); err != nil {
		t.Fatalf("second save: %v", err)
	}
	if r.GetString("phone") != "14155550100" {
		t.Errorf("phone changed on re-save: %s", r.GetString("phone"))
	}

	// Read back from the database, as the API does, and save again.
	fresh, err := app.FindRecordById(business.Collection, r.Id)
	if err != nil {
		t.Fatal(err)
	}
	fresh.Set("notes", "atende em casa")
	if err := app.Save(fresh); err != nil || fresh.GetString("phone") != "14155550100" {
		t.Fatalf("save of a fetched record: %v, phone %s", err, fresh.GetString("phone"))
	}

	r.Set("state", "Rio Grande do Norte")
	if err := app.Save(r); err == nil || !strings.Contains(err.Error(), "Estado inválido") {
		t.Fatalf("invalid state: %v", err)
	}
}

// Invisible characters are not content: the server's one trimming rule
// applies to every text field of a business.
func TestInvisibleTextIsEmpty(t *testing.T) {
	app, owner, c := appWithOperator(t)
	base := map[string]any{"owner": owner.Id, "name": "Pet Shop", "segment": "pet shop", "city": "Natal", "state": "rn"}
	for _, field := range []string{"name", "segment", "city"} {
		r := core.NewRecord(c)
		r.Load(base)
		r.Set(field, "\u200b\ufeff\u3164 \u00a0")
		err := app.Save(r)
		if err == nil || !strings.Contains(err.Error(), field) {
			t.Errorf("%s of invisible characters: %v", field, err)
		}
	}
	for _, bad := range []map[string]any{
		{"services": []map[string]any{{"name": "\u200b"}}},
		{"state": "\u200bRN\u200b"},
	} {
		r := core.NewRecord(c)
		r.Load(base)
		r.Load(bad)
		if _, isState := bad["state"]; isState {
			if err := app.Save(r); err != nil || r.GetString("state") != "RN" {
				t.Errorf("state with invisible edges: %v %q", err, r.GetString("state"))
			}
			continue
		}
		if err := app.Save(r); err == nil || !strings.Contains(err.Error(), "services") {
			t.Errorf("service named with invisible characters: %v", err)
		}
	}
	r := core.NewRecord(c)
	r.Load(base)
	r.Set("name", "\u200b Pet Shop \ufeff")
	r.Set("notes", "\u2060")
	r.Set("facts", []string{"\u200b", " banho e tosa\u200b"})
	if err := app.Save(r); err != nil {
		t.Fatal(err)
	}
	if r.GetString("name") != "Pet Shop" || r.GetString("notes") != "" || r.GetString("facts") != `["banho e tosa"]` {
		t.Errorf("not trimmed: name %q notes %q facts %s", r.GetString("name"), r.GetString("notes"), r.GetString("facts"))
	}
}

// appWithOperator is a test app with the business hooks bound, one operator
// and the businesses collection.
func appWithOperator(t *testing.T) (*tests.TestApp, *core.Record, *core.Collection) {
	t.Helper()
	app, err := tests.NewTestApp(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(app.Cleanup)
	business.BindHooks(app)
	users, err := app.FindCollectionByNameOrId("users")
	if err != nil {
		t.Fatal(err)
	}
	owner := core.NewRecord(users)
	owner.SetEmail("op@example.com")
	owner.SetPassword("a-long-password")
	if err := app.Save(owner); err != nil {
		t.Fatal(err)
	}
	c, err := app.FindCollectionByNameOrId(business.Collection)
	if err != nil {
		t.Fatal(err)
	}
	return app, owner, c
}

// The claim fields: delivery areas normalised, opening hours trimmed, a bad
// list refused in Portuguese, and the profile carrying both to the checks.
func TestDeliveryAreasAndHours(t *testing.T) {
	app, owner, c := appWithOperator(t)
	r := core.NewRecord(c)
	r.Load(map[string]any{"owner": owner.Id, "name": "Brasa Burger", "segment": "hamburgueria", "city": "Curitiba", "state": "PR",
		"services":       []map[string]any{{"name": "smash duplo", "price_brl": 32, "unit": " unidade "}},
		"delivery_areas": []string{" Batel ", "", "Água Verde"}, "opening_hours": "  terça a domingo, 18h às 23h \u200b"})
	if err := app.Save(r); err != nil {
		t.Fatalf("save: %v", err)
	}
	p := business.Profile(r)
	if len(p.DeliveryAreas) != 2 || p.DeliveryAreas[0] != "Batel" || p.OpeningHours != "terça a domingo, 18h às 23h" || p.Services[0].Unit != "unidade" {
		t.Errorf("profile: areas %v hours %q services %+v", p.DeliveryAreas, p.OpeningHours, p.Services)
	}
	r.Set("delivery_areas", []any{1, 2})
	if err := app.Save(r); err == nil || !strings.Contains(err.Error(), "áreas de entrega") {
		t.Fatalf("invalid areas: %v", err)
	}
}

// The segment tags are derived from the free-text segment, corrected by
// the operator, kept through unrelated saves and re-derived when the
// segment changes without the tags being touched.
func TestSegmentTags(t *testing.T) {
	app, owner, c := appWithOperator(t)
	r := core.NewRecord(c)
	r.Load(map[string]any{"owner": owner.Id, "name": "Doces da Lu", "segment": "Confeitaria artesanal", "city": "Recife", "state": "PE"})
	if err := app.Save(r); err != nil {
		t.Fatal(err)
	}
	if got := business.Tags(r); strings.Join(got, ",") != "alimentacao,confeitaria" {
		t.Fatalf("derived tags %v", got)
	}

	r.Set("segment_tags", []string{" Confeitaria ", "chocolateria", "confeitaria"})
	if err := app.Save(r); err != nil {
		t.Fatal(err)
	}
	fresh, _ := app.FindRecordById(business.Collection, r.Id)
	if got := business.Tags(fresh); strings.Join(got, ",") != "chocolateria,confeitaria" {
		t.Fatalf("corrected tags %v", got)
	}
	fresh.Set("notes", "só encomendas")
	if err := app.Save(fresh); err != nil || strings.Join(business.Tags(fresh), ",") != "chocolateria,confeitaria" {
		t.Fatalf("an unrelated save changed the tags: %v %v", err, business.Tags(fresh))
	}

	fresh.Set("segment", "banda de forró")
	if err := app.Save(fresh); err != nil || strings.Join(business.Tags(fresh), ",") != "forro,musica" {
		t.Fatalf("new segment, tags %v (%v)", business.Tags(fresh), err)
	}

	fresh.Set("segment_tags", []string{"padeiro"})
	err := app.Save(fresh)
	if err == nil || !strings.Contains(err.Error(), "Etiqueta de segmento desconhecida") {
		t.Fatalf("unknown tag: %v", err)
	}
	stored, _ := app.FindRecordById(business.Collection, r.Id)
	if strings.Join(business.Tags(stored), ",") != "forro,musica" {
		t.Errorf("a refused save changed the tags: %v", business.Tags(stored))
	}

	fresh.Set("segment_tags", []string{"musica"})
	fresh.Set("posts_per_month", 12)
	if err := app.Save(fresh); err != nil || fresh.GetInt("posts_per_month") != 12 {
		t.Fatalf("posts_per_month: %v", err)
	}
	for _, bad := range []any{-1, 201, 2.5} {
		fresh.Set("posts_per_month", bad)
		if err := app.Save(fresh); err == nil || !strings.Contains(err.Error(), "O plano deve ser um número inteiro de 0 a 200") {
			t.Errorf("plan %v: %v", bad, err)
		}
	}
}

// The owner's WhatsApp must be a Brazilian mobile, whatever the public
// phone is; the owner's name is trimmed like every text field.
func TestOwnerWhatsApp(t *testing.T) {
	app, owner, c := appWithOperator(t)
	base := map[string]any{"owner": owner.Id, "name": "Pet Shop", "segment": "pet shop", "city": "Natal", "state": "rn",
		"phone": "(84) 3222-1234"}
	r := core.NewRecord(c)
	r.Load(base)
	r.Set("owner_name", " Ana Souza\u200b")
	r.Set("owner_whatsapp", "(84) 99876-5432")
	if err := app.Save(r); err != nil {
		t.Fatalf("save: %v", err)
	}
	if r.GetString("owner_whatsapp") != "5584998765432" || r.GetString("owner_name") != "Ana Souza" {
		t.Errorf("not normalised: %q %q", r.GetString("owner_whatsapp"), r.GetString("owner_name"))
	}
	fresh, err := app.FindRecordById(business.Collection, r.Id)
	if err != nil {
		t.Fatal(err)
	}
	fresh.Set("notes", "x")
	if err := app.Save(fresh); err != nil || fresh.GetString("owner_whatsapp") != "5584998765432" {
		t.Fatalf("re-save: %v %q", err, fresh.GetString("owner_whatsapp"))
	}
	for _, bad := range []string{"(84) 3222-1234", "+1 415 555 0100", "9876"} {
		fresh.Set("owner_whatsapp", bad)
		if err := app.Save(fresh); err == nil || !strings.Contains(err.Error(), "owner_whatsapp") {
			t.Errorf("owner_whatsapp %q accepted: %v", bad, err)
		}
	}
}
