package bamlsrc

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/rekan/rekan/eval/content"
)

// The prompt's role guide cannot import Go: it must list eval/content's
// role slugs, in rotation order, and no other.
func TestRoleGuideListsTheRoles(t *testing.T) {
	src, err := os.ReadFile("content.baml")
	if err != nil {
		t.Fatal(err)
	}
	_, guide, ok := strings.Cut(string(src), "template_string RoleGuide() #\"")
	if !ok {
		t.Fatal("content.baml has no RoleGuide template")
	}
	guide, _, _ = strings.Cut(guide, "\"#")
	var got []string
	for _, m := range regexp.MustCompile(`(?m)^\s*- "([a-z]+)":`).FindAllStringSubmatch(guide, -1) {
		got = append(got, m[1])
	}
	want := make([]string, len(content.Roles))
	for i, r := range content.Roles {
		want[i] = string(r)
	}
	if !slices.Equal(got, want) {
		t.Errorf("RoleGuide lists %v, eval/content has %v", got, want)
	}
}

// SuggestIdeas' type field names content.IdeaTypes, in order.
func TestIdeaTypeDescriptionListsTheTypes(t *testing.T) {
	src, err := os.ReadFile("ideas.baml")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`type string @description\(#"um de: (.*)"#\)`).FindStringSubmatch(string(src))
	if m == nil {
		t.Fatal("ideas.baml: the Idea type field's description is not found")
	}
	var got []string
	for _, q := range regexp.MustCompile(`"([a-z]+)"`).FindAllStringSubmatch(m[1], -1) {
		got = append(got, q[1])
	}
	if !slices.Equal(got, content.IdeaTypes) {
		t.Errorf("ideas.baml lists %v, eval/content has %v", got, content.IdeaTypes)
	}
}
