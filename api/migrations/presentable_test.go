package migrations_test

import (
	"net/http"
	"testing"

	"github.com/pocketbase/pocketbase/tests"
)

// The admin UI shows a relation to an operator by the users collection's
// presentable fields; without one a business's owner reads "N/A".
func TestOperatorsArePresentableInTheAdminUI(t *testing.T) {
	s := tests.ApiScenario{
		Name:            "users collection as the admin UI loads it",
		Method:          http.MethodGet,
		URL:             "/api/collections/users",
		Headers:         auth(fx.SuperuserToken),
		TestAppFactory:  fx.NewApp,
		ExpectedStatus:  200,
		ExpectedContent: []string{`"name":"email","onlyDomains":null,"presentable":true`},
	}
	s.Test(t)
}
