package post_test

import (
	"testing"

	"github.com/rekan/rekan/api/internal/testutil"
)

var fx *testutil.Fixture

func TestMain(m *testing.M) { testutil.Main(m, &fx) }
