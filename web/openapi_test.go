package web

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/tribune/tribune/moderation"
)

// openAPI is the parts of docs/openapi.json the test reads.
type openAPI struct {
	Paths      map[string]map[string]json.RawMessage `json:"paths"`
	Components struct {
		Schemas map[string]map[string]any `json:"schemas"`
	} `json:"components"`
}

type operation struct {
	Responses map[string]struct {
		Content map[string]struct {
			Schema map[string]any `json:"schema"`
		} `json:"content"`
	} `json:"responses"`
}

func loadOpenAPI(t *testing.T) *openAPI {
	t.Helper()
	data, err := os.ReadFile("../docs/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc openAPI
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatalf("docs/openapi.json: %v", err)
	}
	return &doc
}

// operation finds the documented operation for a request path under /api/v1.
func (doc *openAPI) operation(t *testing.T, method, path string) (operation, bool) {
	t.Helper()
	path, _, _ = strings.Cut(strings.TrimPrefix(path, "/api/v1"), "?")
	segs := strings.Split(path, "/")
	for tmpl, ops := range doc.Paths {
		tsegs := strings.Split(tmpl, "/")
		if len(tsegs) != len(segs) {
			continue
		}
		match := true
		for i := range tsegs {
			if !strings.HasPrefix(tsegs[i], "{") && tsegs[i] != segs[i] {
				match = false
			}
		}
		raw, ok := ops[strings.ToLower(method)]
		if !match || !ok {
			continue
		}
		var op operation
		if err := json.Unmarshal(raw, &op); err != nil {
			t.Fatal(err)
		}
		return op, true
	}
	return operation{}, false
}

// validate checks v against a JSON Schema subset (the one docs/openapi.json uses: $ref, type,
// enum, required, properties, additionalProperties, items, minimum, maximum, date-time).
func (doc *openAPI) validate(schema map[string]any, v any, at string) []string {
	if r, ok := schema["$ref"].(string); ok {
		return doc.validate(doc.Components.Schemas[strings.TrimPrefix(r, "#/components/schemas/")], v, at)
	}
	var errs []string
	bad := func(format string, args ...any) { errs = append(errs, at+": "+fmt.Sprintf(format, args...)) }
	if enum, ok := schema["enum"].([]any); ok {
		found := false
		for _, e := range enum {
			found = found || e == v
		}
		if !found {
			bad("%v is not one of %v", v, enum)
		}
	}
	switch schema["type"] {
	case "object":
		m, ok := v.(map[string]any)
		if !ok {
			bad("want an object, got %T", v)
			return errs
		}
		required, _ := schema["required"].([]any)
		for _, r := range required {
			if _, ok := m[r.(string)]; !ok {
				bad("missing required %q", r)
			}
		}
		props, _ := schema["properties"].(map[string]any)
		for k, val := range m {
			if p, ok := props[k]; ok {
				errs = append(errs, doc.validate(p.(map[string]any), val, at+"."+k)...)
				continue
			}
			switch ap := schema["additionalProperties"].(type) {
			case bool:
				if !ap {
					bad("undocumented property %q", k)
				}
			case map[string]any:
				errs = append(errs, doc.validate(ap, val, at+"."+k)...)
			}
		}
	case "array":
		a, ok := v.([]any)
		if !ok {
			bad("want an array, got %T", v)
			return errs
		}
		for i, item := range a {
			errs = append(errs, doc.validate(schema["items"].(map[string]any), item, fmt.Sprintf("%s[%d]", at, i))...)
		}
	case "string":
		s, ok := v.(string)
		if !ok {
			bad("want a string, got %T", v)
		} else if schema["format"] == "date-time" {
			if _, err := time.Parse(time.RFC3339Nano, s); err != nil {
				bad("not a date-time: %q", s)
			}
		}
	case "integer", "number":
		n, ok := v.(float64)
		if !ok {
			bad("want a number, got %T", v)
			return errs
		}
		if schema["type"] == "integer" && n != float64(int64(n)) {
			bad("want an integer, got %v", n)
		}
		if lo, ok := schema["minimum"].(float64); ok && n < lo {
			bad("%v < minimum %v", n, lo)
		}
		if hi, ok := schema["maximum"].(float64); ok && n > hi {
			bad("%v > maximum %v", n, hi)
		}
	case "boolean":
		if _, ok := v.(bool); !ok {
			bad("want a boolean, got %T", v)
		}
	}
	return errs
}

// TestOpenAPIMatchesRoutes: every /api/v1 route is documented and every documented operation
// is a route.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	doc := loadOpenAPI(t)
	f := newFixture(t)
	param := regexp.MustCompile(`[:*](\w+)`)
	var routes, documented []string
	for _, r := range f.srv.engine.Routes() {
		if p, ok := strings.CutPrefix(r.Path, "/api/v1"); ok {
			routes = append(routes, r.Method+" "+param.ReplaceAllString(p, "{$1}"))
		}
	}
	for p, ops := range doc.Paths {
		for m := range ops {
			if m != "parameters" {
				documented = append(documented, strings.ToUpper(m)+" "+p)
			}
		}
	}
	sort.Strings(routes)
	sort.Strings(documented)
	if strings.Join(routes, "\n") != strings.Join(documented, "\n") {
		t.Errorf("routes:\n%s\n\ndocumented in docs/openapi.json:\n%s", strings.Join(routes, "\n"), strings.Join(documented, "\n"))
	}
}

// TestOpenAPIDescribesResponses sends real requests through the router, successful and
// failing, and checks each status is documented for its operation and each body matches the
// documented schema.
func TestOpenAPIDescribesResponses(t *testing.T) {
	doc := loadOpenAPI(t)
	f := newFixture(t)
	login := fmt.Sprintf(`{"name":"alice","password":%q}`, testPassword)
	comment := `{"article_id":"a1","author":{"id":"u1","name":"Ann"},"text":"You idiot, the tram line is wrong."}`
	scoreOnly, _, err := f.Svc.CreateSiteAPIKey(context.Background(), moderation.KeySpec{Name: "coral",
		SiteID: moderation.DefaultSiteID, Scopes: []moderation.Scope{moderation.ScopeScore}})
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		method, path, token, body string
		headers                   []string
		status                    int
	}{
		{"POST", "/api/v1/login", "", login, nil, 200},
		{"POST", "/api/v1/login", "", `{"name":"alice","password":"wrong password"}`, nil, 401},
		{"PUT", "/api/v1/articles/a1", f.Key, `{"title":"Tram","mode":"premoderate"}`, nil, 201},
		{"PUT", "/api/v1/articles/a1", f.Key, `{"title":"Tram line","mode":"premoderate"}`, nil, 200},
		{"PUT", "/api/v1/articles/a2", f.Key, `{"title":""}`, nil, 400},
		{"GET", "/api/v1/articles/a1", f.Key, "", nil, 200},
		{"GET", "/api/v1/articles/nope", f.Key, "", nil, 404},
		{"POST", "/api/v1/comments", f.Key, comment, []string{"Idempotency-Key", "k1"}, 201},
		{"POST", "/api/v1/comments", f.Key, comment, []string{"Idempotency-Key", "k1"}, 200},
		{"POST", "/api/v1/comments", f.Key, `{"article_id":"a1","author":{"id":"u1"},"text":"Second."}`, nil, 201},
		{"POST", "/api/v1/comments", f.Key, `{"article_id":"a1","author":{"id":"u1"},"text":"Something else."}`, []string{"Idempotency-Key", "k1"}, 409},
		{"POST", "/api/v1/comments", f.Key, `{"article_id":"a1"}`, nil, 400},
		{"POST", "/api/v1/comments", scoreOnly, comment, nil, 403},
		{"POST", "/api/v1/comments", "", comment, nil, 401},
		{"GET", "/api/v1/articles/a1/comments?limit=1", f.Key, "", nil, 200},
		{"GET", "/api/v1/articles/a1/comments?status=maybe", f.Key, "", nil, 400},
		{"GET", "/api/v1/comments/1", f.Key, "", nil, 200},
		{"GET", "/api/v1/comments/999", f.Key, "", nil, 404},
		{"POST", "/api/v1/comments/2/reports", f.Key, `{"reason":"spam","reporter_id":"r1","note":"posted 3 times"}`, nil, 201},
		{"POST", "/api/v1/comments/2/reports", f.Key, `{"reason":"spam","reporter_id":"r1"}`, nil, 200},
		{"POST", "/api/v1/comments/2/reports", f.Key, `{"reason":"ugly","reporter_id":"r1"}`, nil, 400},
		{"POST", "/api/v1/comments/999/reports", f.Key, `{"reason":"spam","reporter_id":"r1"}`, nil, 404},
		{"POST", "/api/v1/comments/2/reports", scoreOnly, `{"reason":"spam","reporter_id":"r1"}`, nil, 403},
		{"POST", "/api/v1/comments/2/reports", "", `{"reason":"spam","reporter_id":"r1"}`, nil, 401},
		{"POST", "/api/v1/score", f.Key, `{"text":"You idiot.","context":"The tram line."}`, nil, 200},
		{"GET", "/api/v1/queue", f.Alice, "", nil, 200},
		{"GET", "/api/v1/queue", f.Key, "", nil, 403},
		{"POST", "/api/v1/queue/claim", f.Alice, `{"count":1}`, nil, 200},
		{"DELETE", "/api/v1/queue/claims/1", f.Alice, "", nil, 204},
		{"DELETE", "/api/v1/queue/claims/1", f.Alice, "", nil, 404},
		{"POST", "/api/v1/comments/1/decision", f.Alice, `{"verdict":"reject","reason":"insult","note":"name-calling"}`, nil, 201},
		{"POST", "/api/v1/comments/1/decision", f.Bob, `{"verdict":"approve"}`, nil, 409},
		{"POST", "/api/v1/comments/1/decision", f.Key, `{"verdict":"approve"}`, nil, 403},
		{"GET", "/api/v1/changes", f.Key, "", nil, 200},
		{"GET", "/api/v1/changes?cursor=2&limit=10", f.Key, "", nil, 200},
		{"GET", "/api/v1/changes?cursor=x", f.Key, "", nil, 400},
		{"GET", "/api/v1/changes", scoreOnly, "", nil, 403},
		{"POST", "/api/v1/score", scoreOnly, `{"text":"You idiot."}`, nil, 200},
		{"POST", "/api/v1/logout", f.Bob, "", nil, 204},
	}
	for _, st := range steps {
		name := fmt.Sprintf("%s %s %d", st.method, st.path, st.status)
		w := f.Do(st.method, st.path, st.token, st.body, st.headers...)
		if w.Code != st.status {
			t.Errorf("%s: status = %d, want %d: %s", name, w.Code, st.status, w.Body)
			continue
		}
		op, ok := doc.operation(t, st.method, st.path)
		if !ok {
			t.Errorf("%s: not documented", name)
			continue
		}
		r, ok := op.Responses[fmt.Sprint(w.Code)]
		if !ok {
			t.Errorf("%s: status %d not documented", name, w.Code)
			continue
		}
		ct, ok := r.Content["application/json"]
		if !ok {
			if w.Body.Len() > 0 {
				t.Errorf("%s: documented without a body, got %s", name, w.Body)
			}
			continue
		}
		var body any
		if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		for _, e := range doc.validate(ct.Schema, body, "body") {
			t.Errorf("%s: %s", name, e)
		}
	}
}
