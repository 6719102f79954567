package perspective

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/google/go-cmp/cmp"

	"github.com/tribune/tribune/moderation"
	"github.com/tribune/tribune/web/api"
	"github.com/tribune/tribune/web/internal/httpx"
	"github.com/tribune/tribune/web/internal/webtest"
)

func TestMain(m *testing.M) { webtest.Main(m) }

// perspectiveFixture is the Perspective-compatible API beside the JSON API over a fresh SQLite
// file and the fake classifier, with feedback recording on and one API key, as `tribune serve`
// wires it.
type perspectiveFixture struct {
	*webtest.Fixture
	fb *moderation.FeedbackService
}

// endpoint is the base URL an admin pastes into Coral's "toxicity endpoint" setting.
const endpoint = "/v1alpha1"

func newPerspectiveFixture(t *testing.T, opts Options) *perspectiveFixture {
	t.Helper()
	return newPerspectiveFixtureConfig(t, opts, httpx.Config{})
}

// newPerspectiveFixtureConfig is newPerspectiveFixture with the shared configuration (the
// keys' rate) set.
func newPerspectiveFixtureConfig(t *testing.T, opts Options, cfg httpx.Config) *perspectiveFixture {
	t.Helper()
	f := &perspectiveFixture{}
	f.Fixture = webtest.New(t, func(wf *webtest.Fixture) http.Handler {
		f.Fixture = wf
		f.fb = moderation.NewFeedbackService(wf.DB)
		if opts.Feedback == nil {
			opts.Feedback = f.fb
		}
		return f.router(opts, cfg)
	})
	return f
}

// router builds the Perspective-compatible API and the JSON API on the shared middleware.
func (f *perspectiveFixture) router(opts Options, cfg httpx.Config) http.Handler {
	cfg.Logger = f.Logger
	core := httpx.New(f.Svc, cfg)
	e := core.Engine(httpx.EngineOptions{TrustedProxies: opts.TrustedProxies,
		BodyLimit: func(path string) int64 {
			if IsPath(path) {
				return MaxBodyBytes
			}
			return core.MaxBodyBytes
		}})
	h := New(core, opts)
	h.Register(e)
	api.New(core, nil).Register(e)
	e.NoRoute(h.NoRoute)
	e.NoMethod(h.NoRoute)
	return e
}

// post sends body verbatim as Coral's fetch does: POST, Content-Type application/json.
func (f *perspectiveFixture) post(url, body string) *httptest.ResponseRecorder {
	f.T.Helper()
	req := httptest.NewRequest(http.MethodPost, url, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	f.Handler.ServeHTTP(w, req)
	return w
}

// analyze posts an analyze request with the fixture's key and wants a 200.
func (f *perspectiveFixture) analyze(body string) analyzeResponse {
	f.T.Helper()
	w := f.post(endpoint+"/comments:analyze?key="+f.Key, body)
	if w.Code != http.StatusOK {
		f.T.Fatalf("analyze: status = %d, want 200; body %s", w.Code, w.Body)
	}
	var resp analyzeResponse
	if err := json.Unmarshal(w.Body.Bytes(), &resp); err != nil {
		f.T.Fatalf("decode %s: %v", w.Body, err)
	}
	return resp
}

// count returns the number of rows of a table, read through a connection of its own.
func (f *perspectiveFixture) count(table string) int {
	f.T.Helper()
	conn, err := sql.Open("sqlite3", "file:"+f.Path+"?mode=ro")
	if err != nil {
		f.T.Fatal(err)
	}
	defer conn.Close()
	var n int
	if err := conn.QueryRow(`SELECT count(*) FROM ` + table).Scan(&n); err != nil {
		f.T.Fatalf("count %s: %v", table, err)
	}
	return n
}

// fileContains reports whether the database file or its write-ahead log holds s anywhere,
// in any page, live or free.
func (f *perspectiveFixture) fileContains(s string) bool {
	f.T.Helper()
	for _, name := range []string{f.Path, f.Path + "-wal"} {
		b, err := os.ReadFile(name)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			f.T.Fatal(err)
		}
		if bytes.Contains(b, []byte(s)) {
			return true
		}
	}
	return false
}

// coralAnalyzeBody builds the analyze body byte for byte as Coral Talk's formatBody and
// JSON.stringify do (src/core/server/services/perspective/perspective.ts): keys in that
// order, no spaces, JavaScript's string escaping (which, for these texts, is Go's with HTML
// escaping off).
func coralAnalyzeBody(t *testing.T, text, model, lang string) string {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(text); err != nil {
		t.Fatal(err)
	}
	quoted := strings.TrimSuffix(b.String(), "\n")
	return `{"comment":{"text":` + quoted + `},"doNotStore":true,"requestedAttributes":{"` + model + `":{}},"languages":["` + lang + `"]}`
}

// coralToxicity reads a response the way Coral does: data.attributeScores[model].summaryScore.value,
// nothing else.
type coralToxicity struct {
	AttributeScores struct {
		TOXICITY *struct {
			SummaryScore *struct {
				Value *float64 `json:"value"`
			} `json:"summaryScore"`
		} `json:"TOXICITY"`
	} `json:"attributeScores"`
}

func TestPerspectiveCoralAnalyze(t *testing.T) {
	f := newPerspectiveFixture(t, Options{})
	for _, tc := range []struct {
		name, text string
		toxic      bool
	}{
		{"civil criticism", "NATO's eastward expansion was a strategic mistake, and the article glosses over it.", false},
		{"insult", "Only an idiot would write this, you moron.", true},
		{"accents and emoji", "Très bien écrit, merci 👍", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := coralAnalyzeBody(t, tc.text, "TOXICITY", "en")
			w := f.post(endpoint+"/comments:analyze?key="+f.Key, body)
			if w.Code != http.StatusOK {
				t.Fatalf("status = %d, want 200; body %s", w.Code, w.Body)
			}
			if ct := w.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Errorf("Content-Type = %q, want application/json", ct)
			}
			var got coralToxicity
			if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil {
				t.Fatalf("decode %s: %v", w.Body, err)
			}
			ts := got.AttributeScores.TOXICITY
			if ts == nil || ts.SummaryScore == nil || ts.SummaryScore.Value == nil {
				t.Fatalf("attributeScores.TOXICITY.summaryScore.value missing in %s", w.Body)
			}
			v := *ts.SummaryScore.Value
			if v < 0 || v > 1 {
				t.Fatalf("toxicity = %v, want a probability", v)
			}
			// Coral's default threshold is 0.8 (TOXICITY_THRESHOLD_DEFAULT = 80).
			if toxic := v > 0.8; toxic != tc.toxic {
				t.Errorf("toxicity = %v: over Coral's 0.8 = %v, want %v", v, toxic, tc.toxic)
			}
			a, _, _, err := f.Svc.Score(context.Background(), tc.text, "")
			if err != nil {
				t.Fatal(err)
			}
			if want := a.Scores.Tone["toxicity"]; v != want {
				t.Errorf("toxicity = %v, want the service's %v", v, want)
			}
		})
	}
	// doNotStore: nothing of the analysed texts reached the database.
	if n := f.count("feedback"); n != 0 {
		t.Errorf("feedback rows = %d after analyze, want 0", n)
	}
	if n := f.count("comments"); n != 0 {
		t.Errorf("comments = %d after analyze, want 0", n)
	}
	if f.fileContains("glosses over") || f.fileContains("moron") {
		t.Error("an analysed text is in the database file")
	}
}

func TestPerspectiveAnalyzeResponse(t *testing.T) {
	f := newPerspectiveFixture(t, Options{})
	resp := f.analyze(`{"comment":{"text":"You idiot.","type":"PLAIN_TEXT"},"languages":["EN-us"],` +
		`"requestedAttributes":{"TOXICITY":{"scoreType":"PROBABILITY"},"SEVERE_TOXICITY":{},"INSULT":{},"THREAT":{},"IDENTITY_ATTACK":{},"PROFANITY":{}},` +
		`"clientToken":"tok-1","communityId":"c","sessionId":"s","doNotStore":true,"context":{"entries":[{"text":"an article","type":"PLAIN_TEXT"}]}}`)
	a, _, _, err := f.Svc.Score(context.Background(), "You idiot.", "an article")
	if err != nil {
		t.Fatal(err)
	}
	// Requested languages are echoed as sent; without spanAnnotations each attribute has one
	// span, the whole text (10 UTF-16 code units), as Perspective answers.
	want := analyzeResponse{AttributeScores: map[string]perspectiveAttributeScores{}, Languages: []string{"EN-us"}, ClientToken: "tok-1"}
	for name, head := range perspectiveAttributes {
		v, _ := toneValue(a.Scores.Tone, head)
		sc := perspectiveScore{Value: v, Type: "PROBABILITY"}
		want.AttributeScores[name] = perspectiveAttributeScores{SummaryScore: sc,
			SpanScores: []perspectiveSpanScore{{Begin: 0, End: 10, Score: sc}}}
	}
	if diff := cmp.Diff(want, resp); diff != "" {
		t.Errorf("response (-want +got):\n%s", diff)
	}
	// Languages may be left out: a text too short to tell its language is reported as
	// English, with no detected languages.
	resp = f.analyze(`{"comment":{"text":"hello"},"requestedAttributes":{"toxicity":{}}}`)
	if _, ok := resp.AttributeScores["toxicity"]; !ok || !cmp.Equal(resp.Languages, []string{"en"}) || resp.DetectedLanguages != nil {
		t.Errorf("no languages, lower-case attribute: got %+v, want toxicity scored in en, nothing detected", resp)
	}
}

func TestPerspectiveScoreThreshold(t *testing.T) {
	f := newPerspectiveFixture(t, Options{})
	body := `{"comment":{"text":%q},"spanAnnotations":true,"requestedAttributes":{"TOXICITY":{"scoreThreshold":0.5},"PROFANITY":{}}}`
	resp := f.analyze(fmt.Sprintf(body, "A fine piece. Well argued."))
	if _, ok := resp.AttributeScores["TOXICITY"]; ok {
		t.Errorf("TOXICITY under its threshold was returned: %+v", resp.AttributeScores["TOXICITY"])
	}
	if _, ok := resp.AttributeScores["PROFANITY"]; !ok {
		t.Errorf("PROFANITY (no threshold) missing: %+v", resp.AttributeScores)
	}
	resp = f.analyze(fmt.Sprintf(body, "A fine piece. You idiot."))
	tox, ok := resp.AttributeScores["TOXICITY"]
	if !ok || tox.SummaryScore.Value < 0.5 {
		t.Fatalf("TOXICITY = %+v, want a score over 0.5", resp.AttributeScores)
	}
	// The calm sentence scores under the threshold, so only the insult's span is returned.
	if len(tox.SpanScores) != 1 || tox.SpanScores[0].Begin != 14 || tox.SpanScores[0].End != 24 {
		t.Errorf("TOXICITY spans = %+v, want the one for \"You idiot.\" [14,24)", tox.SpanScores)
	}
	if got := len(resp.AttributeScores["PROFANITY"].SpanScores); got != 2 {
		t.Errorf("PROFANITY spans = %d, want 2 (no threshold)", got)
	}
}

// utf16Slice returns text[begin:end] in UTF-16 code units, as a JavaScript client slices.
func utf16Slice(t *testing.T, text string, begin, end int) string {
	t.Helper()
	units := utf16.Encode([]rune(text))
	if begin < 0 || end > len(units) || begin > end {
		t.Fatalf("span [%d,%d) out of range for %d UTF-16 units", begin, end, len(units))
	}
	return string(utf16.Decode(units[begin:end]))
}

func TestPerspectiveSpanOffsets(t *testing.T) {
	f := newPerspectiveFixture(t, Options{})
	// é and ü are 2 bytes and 1 UTF-16 unit; 😀 and 🤬 are 4 bytes and 2 units (a surrogate
	// pair); ✓ is 3 bytes and 1 unit. Byte offsets would be off by the difference.
	text := "Très bien écrit 😀. Über-idiot 🤬 you are!\n  ✓ Ça va?  Damn crap…"
	wantSentences := []string{"Très bien écrit 😀.", "Über-idiot 🤬 you are!", "✓ Ça va?", "Damn crap…"}
	body, err := json.Marshal(map[string]any{"comment": map[string]string{"text": text}, "spanAnnotations": true,
		"requestedAttributes": map[string]any{"TOXICITY": map[string]any{}, "PROFANITY": map[string]any{}}, "languages": []string{"en"}})
	if err != nil {
		t.Fatal(err)
	}
	resp := f.analyze(string(body))
	for _, attr := range []string{"TOXICITY", "PROFANITY"} {
		spans := resp.AttributeScores[attr].SpanScores
		if len(spans) != len(wantSentences) {
			t.Fatalf("%s: %d spans, want %d: %+v", attr, len(spans), len(wantSentences), spans)
		}
		for i, sp := range spans {
			if got := utf16Slice(t, text, sp.Begin, sp.End); got != wantSentences[i] {
				t.Errorf("%s span %d [%d,%d) = %q, want %q", attr, i, sp.Begin, sp.End, got, wantSentences[i])
			}
			a, _, _, err := f.Svc.Score(context.Background(), wantSentences[i], "")
			if err != nil {
				t.Fatal(err)
			}
			if want := a.Scores.Tone[perspectiveAttributes[attr]]; sp.Score.Value != want || sp.Score.Type != "PROBABILITY" {
				t.Errorf("%s span %d score = %+v, want %v PROBABILITY (the sentence scored alone)", attr, i, sp.Score, want)
			}
		}
	}
	tox := resp.AttributeScores["TOXICITY"].SpanScores
	if !(tox[1].Score.Value > 0.8 && tox[0].Score.Value < 0.2) {
		t.Errorf("the insult's sentence should carry the toxicity: %+v", tox)
	}
	// Without spanAnnotations there is one span, the whole text with the summary score.
	body2 := strings.Replace(string(body), `"spanAnnotations":true`, `"spanAnnotations":false`, 1)
	resp = f.analyze(body2)
	got := resp.AttributeScores["TOXICITY"]
	if len(got.SpanScores) != 1 || got.SpanScores[0].Begin != 0 || got.SpanScores[0].End != len(utf16.Encode([]rune(text))) ||
		got.SpanScores[0].Score != got.SummaryScore {
		t.Errorf("spans without spanAnnotations: %+v, want the whole text with the summary score", got)
	}
}

func TestPerspectiveDropUnsupportedAttributes(t *testing.T) {
	f := newPerspectiveFixture(t, Options{})
	resp := f.analyze(`{"comment":{"text":"hi"},"dropUnsupportedAttributes":true,` +
		`"requestedAttributes":{"TOXICITY":{},"SEVERE_TOXICITY":{},"SPAM":{},"AFFINITY_EXPERIMENTAL":{}}}`)
	if len(resp.AttributeScores) != 2 || resp.AttributeScores["TOXICITY"].SummaryScore.Type != "PROBABILITY" ||
		resp.AttributeScores["SEVERE_TOXICITY"].SummaryScore.Type != "PROBABILITY" {
		t.Errorf("attributeScores = %+v, want TOXICITY and SEVERE_TOXICITY only", resp.AttributeScores)
	}
	resp = f.analyze(`{"comment":{"text":"hi"},"dropUnsupportedAttributes":true,"languages":["fr"],"requestedAttributes":{"TOXICITY":{}}}`)
	if len(resp.AttributeScores) != 0 {
		t.Errorf("unsupported language with dropUnsupportedAttributes: %+v, want no scores", resp.AttributeScores)
	}
}

// perspectiveErrorCase is one request that must fail with Perspective's error shape.
type perspectiveErrorCase struct {
	name    string
	url     string // relative to the endpoint; "KEY" is replaced by the fixture's key
	body    string
	code    int
	status  string
	message string // a substring of the message
}

// errorTypes are the cases of TestPerspectiveErrors whose answer carries Perspective's
// details[0].errorType, by name; every other case wants no details.
var errorTypes = map[string]string{
	"unsupported language": "LANGUAGE_NOT_SUPPORTED_BY_ATTRIBUTE", "one of two languages": "LANGUAGE_NOT_SUPPORTED_BY_ATTRIBUTE",
	"empty text": "COMMENT_EMPTY", "blank text": "COMMENT_EMPTY", "no comment": "COMMENT_EMPTY", "text too long": "COMMENT_TOO_LONG",
	"suggest: empty text": "COMMENT_EMPTY", "suggest: language": "LANGUAGE_NOT_SUPPORTED_BY_ATTRIBUTE",
}

func TestPerspectiveErrors(t *testing.T) {
	f := newPerspectiveFixture(t, Options{})
	ok := `{"comment":{"text":"hello"},"requestedAttributes":{"TOXICITY":{}},"languages":["en"]}`
	analyze := "/comments:analyze?key=KEY"
	suggest := "/comments:suggestscore?key=KEY"
	long := `{"comment":{"text":"` + strings.Repeat("a", perspectiveMaxTextBytes+1) + `"},"requestedAttributes":{"TOXICITY":{}}}`
	cases := []perspectiveErrorCase{
		{"no key", "/comments:analyze", ok, 403, "PERMISSION_DENIED", "The request is missing a valid API key."},
		{"empty key", "/comments:analyze?key=", ok, 403, "PERMISSION_DENIED", "The request is missing a valid API key."},
		{"wrong key", "/comments:analyze?key=trb_nope", ok, 400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key."},
		{"key on suggest", "/comments:suggestscore?key=AIzaSyNotOurs", ok, 400, "INVALID_ARGUMENT", "API key not valid."},
		{"unknown attribute", analyze, `{"comment":{"text":"hi"},"requestedAttributes":{"TOXICITY":{},"TOXICTY":{}}}`,
			400, "INVALID_ARGUMENT", "Unknown attribute TOXICTY"},
		{"unknown attribute despite drop", analyze, `{"comment":{"text":"hi"},"dropUnsupportedAttributes":true,"requestedAttributes":{"BOGUS":{}}}`,
			400, "INVALID_ARGUMENT", "Unknown attribute BOGUS"},
		{"flirtation", analyze, `{"comment":{"text":"hi"},"requestedAttributes":{"TOXICITY":{},"FLIRTATION":{}}}`,
			400, "INVALID_ARGUMENT", "Attribute FLIRTATION is not supported by Tribune"},
		{"suggest: severe toxicity", suggest, `{"comment":{"text":"hi"},"attributeScores":{"SEVERE_TOXICITY":{"summaryScore":{"value":1}}}}`,
			400, "INVALID_ARGUMENT", "SEVERE_TOXICITY cannot be suggested"},
		{"experimental attribute", analyze, `{"comment":{"text":"hi"},"requestedAttributes":{"TOXICITY_EXPERIMENTAL":{}}}`,
			400, "INVALID_ARGUMENT", "Attribute TOXICITY_EXPERIMENTAL is not supported by Tribune"},
		{"unsupported language", analyze, `{"comment":{"text":"hi"},"requestedAttributes":{"TOXICITY":{}},"languages":["xx"]}`,
			400, "INVALID_ARGUMENT", "Attribute TOXICITY does not support request languages: xx"},
		{"one of two languages", analyze, `{"comment":{"text":"hi"},"requestedAttributes":{"INSULT":{}},"languages":["en","de"]}`,
			400, "INVALID_ARGUMENT", "Attribute INSULT does not support request languages: de"},
		{"empty text", analyze, `{"comment":{"text":""},"requestedAttributes":{"TOXICITY":{}}}`, 400, "INVALID_ARGUMENT", "Comment must be non-empty"},
		{"blank text", analyze, `{"comment":{"text":" \n\t"},"requestedAttributes":{"TOXICITY":{}}}`, 400, "INVALID_ARGUMENT", "Comment must be non-empty"},
		{"no comment", analyze, `{"requestedAttributes":{"TOXICITY":{}}}`, 400, "INVALID_ARGUMENT", "Comment must be non-empty"},
		{"text too long", analyze, long, 400, "INVALID_ARGUMENT", "Comment text too long: 20481 bytes; the limit is 20480"},
		{"unrouted path", "/comments/x:analyze?key=KEY", ok, 404, "NOT_FOUND", "was not found on this server"},
		{"unknown enum number", analyze, `{"comment":{"text":"hi"},"requestedAttributes":{"TOXICITY":{"scoreType":9}}}`,
			400, "INVALID_ARGUMENT", "scoreType must be a string, not number"},
		{"html", analyze, `{"comment":{"text":"<b>hi</b>","type":"HTML"},"requestedAttributes":{"TOXICITY":{}}}`,
			400, "INVALID_ARGUMENT", `comment.type "HTML" is not supported`},
		{"no attributes", analyze, `{"comment":{"text":"hi"}}`, 400, "INVALID_ARGUMENT", "requestedAttributes must name at least one attribute"},
		{"score type", analyze, `{"comment":{"text":"hi"},"requestedAttributes":{"TOXICITY":{"scoreType":"STD_DEV_SCORE"}}}`,
			400, "INVALID_ARGUMENT", `scoreType "STD_DEV_SCORE" is not supported`},
		{"threshold", analyze, `{"comment":{"text":"hi"},"requestedAttributes":{"TOXICITY":{"scoreThreshold":1.5}}}`,
			400, "INVALID_ARGUMENT", "scoreThreshold must be between 0 and 1"},
		{"malformed JSON", analyze, `{"comment":{"text":"hi"},`, 400, "INVALID_ARGUMENT", "Invalid JSON payload received."},
		{"syntax error", analyze, `{comment: {text: "what kind of idiot name is foo?"}}`, 400, "INVALID_ARGUMENT", "Syntax error at byte 2"},
		{"empty body", analyze, ``, 400, "INVALID_ARGUMENT", "The request body is empty."},
		{"not an object", analyze, `["hi"]`, 400, "INVALID_ARGUMENT", "must be a JSON object"},
		{"wrong type", analyze, `{"comment":{"text":5},"requestedAttributes":{"TOXICITY":{}}}`, 400, "INVALID_ARGUMENT", "comment.text must be a string, not number"},
		{"invalid UTF-8", analyze, "{\"comment\":{\"text\":\"caf\xe9\"},\"requestedAttributes\":{\"TOXICITY\":{}}}", 400, "INVALID_ARGUMENT", "not valid UTF-8"},
		{"unknown method", "/comments:classify?key=KEY", ok, 404, "NOT_FOUND", `no method "comments:classify"`},
		{"suggest: no scores", suggest, `{"comment":{"text":"hi"}}`, 400, "INVALID_ARGUMENT", "attributeScores must suggest at least one score"},
		{"suggest: no score", suggest, `{"comment":{"text":"hi"},"attributeScores":{"TOXICITY":{}}}`,
			400, "INVALID_ARGUMENT", "attributeScores.TOXICITY needs a summaryScore or spanScores"},
		{"suggest: value out of range", suggest, `{"comment":{"text":"hi"},"attributeScores":{"TOXICITY":{"summaryScore":{"value":2}}}}`,
			400, "INVALID_ARGUMENT", "must be between 0 and 1, not 2"},
		{"suggest: unknown attribute", suggest, `{"comment":{"text":"hi"},"attributeScores":{"RUDENESS":{"summaryScore":{"value":1}}}}`,
			400, "INVALID_ARGUMENT", "Unknown attribute RUDENESS"},
		{"suggest: approved and deleted", suggest,
			`{"comment":{"text":"hi"},"attributeScores":{"APPROVED":{"summaryScore":{"value":1}},"DELETED":{"summaryScore":{"value":1}}}}`,
			400, "INVALID_ARGUMENT", "cannot suggest both APPROVED and DELETED"},
		{"suggest: empty text", suggest, `{"comment":{"text":""},"attributeScores":{"TOXICITY":{"summaryScore":{"value":1}}}}`,
			400, "INVALID_ARGUMENT", "Comment must be non-empty"},
		{"suggest: language", suggest, `{"comment":{"text":"hola"},"languages":["es"],"attributeScores":{"TOXICITY":{"summaryScore":{"value":1}}}}`,
			400, "INVALID_ARGUMENT", "Attribute TOXICITY does not support request languages: es"},
		{"suggest: token too long", suggest, `{"comment":{"text":"hi"},"clientToken":"` + strings.Repeat("t", 501) +
			`","attributeScores":{"TOXICITY":{"summaryScore":{"value":1}}}}`, 400, "INVALID_ARGUMENT", "clientToken: is 501 bytes long"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := f.post(endpoint+strings.ReplaceAll(tc.url, "KEY", f.Key), tc.body)
			checkPerspectiveError(t, w, tc)
		})
	}
	// Nothing was stored by failed suggestions.
	if n := f.count("feedback"); n != 0 {
		t.Errorf("feedback rows = %d after failed suggestions, want 0", n)
	}
}

// checkPerspectiveError checks status and body: exactly {"error": {code, message, status}},
// with code equal to the HTTP status.
func checkPerspectiveError(t *testing.T, w *httptest.ResponseRecorder, tc perspectiveErrorCase) {
	t.Helper()
	if w.Code != tc.code {
		t.Fatalf("status = %d, want %d; body %s", w.Code, tc.code, w.Body)
	}
	var body map[string]map[string]any
	if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
		t.Fatalf("decode %s: %v", w.Body, err)
	}
	e, ok := body["error"]
	errorType := errorTypes[tc.name]
	fields := 3
	if errorType != "" {
		fields = 4
	}
	if len(body) != 1 || !ok || len(e) != fields {
		t.Fatalf("body = %s, want {\"error\": {code, message, status}} with details only for an errorType", w.Body)
	}
	if errorType != "" {
		details, _ := e["details"].([]any)
		d, _ := firstOf(details).(map[string]any)
		if d["errorType"] != errorType || d["@type"] != perspectiveErrorInfoType {
			t.Errorf("details = %v, want one with errorType %s", details, errorType)
		}
	}
	if e["code"] != float64(tc.code) || e["status"] != tc.status {
		t.Errorf("error = %v, want code %d status %s", e, tc.code, tc.status)
	}
	if msg, _ := e["message"].(string); !strings.Contains(msg, tc.message) {
		t.Errorf("message = %q, want it to contain %q", msg, tc.message)
	}
}

func TestSevereToxicity(t *testing.T) {
	tests := []struct {
		name string
		tone map[string]float64
		want float64
		ok   bool
	}{
		{"toxic and attacking a group", map[string]float64{"toxicity": 0.9, "identity_attack": 0.8, "threat": 0.1}, 0.72, true},
		{"toxic and threatening", map[string]float64{"toxicity": 0.5, "identity_attack": 0.1, "threat": 0.6}, 0.3, true},
		{"a plain insult is not severe", map[string]float64{"toxicity": 0.99, "insult": 0.99, "identity_attack": 0.01, "threat": 0.01}, 0.0099, true},
		{"no toxicity head", map[string]float64{"insult": 0.5}, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := toneValue(tt.tone, severeToxicity)
			if ok != tt.ok || math.Abs(got-tt.want) > 1e-9 {
				t.Errorf("severe toxicity = %v, %v; want %v, %v", got, ok, tt.want, tt.ok)
			}
		})
	}
}

// firstOf is a slice's first element, or nil.
func firstOf(s []any) any {
	if len(s) == 0 {
		return nil
	}
	return s[0]
}

func TestPerspectiveRevokedKey(t *testing.T) {
	f := newPerspectiveFixture(t, Options{})
	keys, err := f.Svc.APIKeys(context.Background())
	if err != nil || len(keys) != 1 {
		t.Fatalf("APIKeys = %v, %v", keys, err)
	}
	if err := f.Svc.RevokeAPIKey(context.Background(), keys[0].ID); err != nil {
		t.Fatal(err)
	}
	w := f.post(endpoint+"/comments:analyze?key="+f.Key, `{"comment":{"text":"hi"},"requestedAttributes":{"TOXICITY":{}}}`)
	checkPerspectiveError(t, w, perspectiveErrorCase{code: 400, status: "INVALID_ARGUMENT", message: "API key not valid"})
	// Google's header form of the key works like the query parameter.
	req := httptest.NewRequest(http.MethodPost, endpoint+"/comments:analyze", strings.NewReader(`{"comment":{"text":"hi"},"requestedAttributes":{"TOXICITY":{}}}`))
	req.Header.Set("X-Goog-Api-Key", f.Key)
	w = httptest.NewRecorder()
	f.Handler.ServeHTTP(w, req)
	checkPerspectiveError(t, w, perspectiveErrorCase{code: 400, status: "INVALID_ARGUMENT", message: "API key not valid"})
}

func TestPerspectiveMethodNotAllowed(t *testing.T) {
	f := newPerspectiveFixture(t, Options{})
	req := httptest.NewRequest(http.MethodGet, endpoint+"/comments:analyze?key="+f.Key, nil)
	w := httptest.NewRecorder()
	f.Handler.ServeHTTP(w, req)
	checkPerspectiveError(t, w, perspectiveErrorCase{code: 405, status: "METHOD_NOT_ALLOWED", message: "POST"})
}

// TestPerspectiveEscapedColon: some HTTP clients percent-encode the colon; the router sees the
// decoded path either way.
func TestPerspectiveEscapedColon(t *testing.T) {
	f := newPerspectiveFixture(t, Options{})
	w := f.post(endpoint+"/comments%3Aanalyze?key="+f.Key, `{"comment":{"text":"hi"},"requestedAttributes":{"TOXICITY":{}}}`)
	if w.Code != http.StatusOK {
		t.Errorf("comments%%3Aanalyze: status = %d, want 200; body %s", w.Code, w.Body)
	}
}

// TestPerspectiveDoesNotLogText: with the request log on, neither the comment nor the key
// reaches the log (Coral sends doNotStore: true; the key is a secret in the URL).
func TestPerspectiveDoesNotLogText(t *testing.T) {
	f := newPerspectiveFixture(t, Options{})
	const secret = "my neighbour Sigrid is an idiot"
	f.analyze(coralAnalyzeBody(t, secret, "TOXICITY", "en"))
	w := f.post(endpoint+"/comments:analyze?key=trb_wrong_secret_key", coralAnalyzeBody(t, secret, "TOXICITY", "en"))
	if w.Code != http.StatusBadRequest {
		t.Fatalf("status = %d, want 400", w.Code)
	}
	logs := f.Logs()
	if !strings.Contains(logs, "route=/v1alpha1/:method") {
		t.Errorf("request log lacks the route: %s", logs)
	}
	for _, s := range []string{"Sigrid", f.Key, "trb_wrong_secret_key", "key="} {
		if strings.Contains(logs, s) {
			t.Errorf("log contains %q:\n%s", s, logs)
		}
	}
}

// coralSuggestBody builds a suggestscore body as Coral Talk's notifyPerspectiveModerationDecision
// does (src/core/server/services/perspective/index.ts): JSON.stringify(body, null, 2), the
// moderator's decision as the pseudo-attribute APPROVED or DELETED with value 1, languages
// ["EN"], the comment's URL and IDs JSON-encoded in one context entry.
func coralSuggestBody(t *testing.T, text, status, commentID string) string {
	t.Helper()
	type entry struct {
		Text string `json:"text"`
	}
	ctx, err := json.Marshal(struct {
		URL       string `json:"url"`
		CommentID string `json:"Coral_comment_id"`
	}{"https://news.example/story-1?commentID=" + commentID, commentID})
	if err != nil {
		t.Fatal(err)
	}
	body := struct {
		Comment         entry                     `json:"comment"`
		Context         struct{ Entries []entry } `json:"context"`
		AttributeScores map[string]any            `json:"attributeScores"`
		Languages       []string                  `json:"languages"`
		CommunityID     string                    `json:"communityId"`
		ClientToken     string                    `json:"clientToken"`
	}{
		Comment:         entry{text},
		AttributeScores: map[string]any{status: map[string]any{"summaryScore": map[string]any{"value": 1}}},
		Languages:       []string{"EN"},
		CommunityID:     "Coral:https://talk.news.example/",
		ClientToken:     "comment:" + commentID,
	}
	body.Context.Entries = []entry{{string(ctx)}}
	b, err := json.MarshalIndent(body, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	// JSON.stringify writes "entries", Go the field name: match the JavaScript bytes.
	return strings.Replace(string(b), `"Entries"`, `"entries"`, 1)
}

// briefSuggestBody is the other common client shape: a TOXICITY score of 0 (approved) or 1
// (rejected) with context entries, communityId and clientToken, compact.
func briefSuggestBody(text string, value int, token string) string {
	b, _ := json.Marshal(text)
	return fmt.Sprintf(`{"comment":{"text":%s},"context":{"entries":[{"text":"Council approves the tram line"}]},`+
		`"attributeScores":{"TOXICITY":{"summaryScore":{"value":%d}}},"languages":["en"],"communityId":"site-1","clientToken":%q}`, b, value, token)
}

// suggest posts a suggestion and reads the answer as Coral does: a 2xx whose clientToken is
// the one sent.
func (f *perspectiveFixture) suggest(body, token string) {
	f.T.Helper()
	w := f.post(endpoint+"/comments:suggestscore?key="+f.Key, body)
	if w.Code != http.StatusOK {
		f.T.Fatalf("suggestscore: status = %d, want 200; body %s", w.Code, w.Body)
	}
	var data struct {
		ClientToken string `json:"clientToken"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &data); err != nil || data.ClientToken != token {
		f.T.Fatalf("suggestscore answer %s: clientToken %q, want %q (err %v)", w.Body, data.ClientToken, token, err)
	}
}

// exported lists the training examples export would write.
func (f *perspectiveFixture) exported(rejectIsToxic bool) map[string]map[string]int {
	f.T.Helper()
	out := map[string]map[string]int{}
	err := f.fb.Export(context.Background(), rejectIsToxic, func(ex moderation.FeedbackExample) error {
		out[ex.Feedback.Text] = ex.Labels
		return nil
	})
	if err != nil {
		f.T.Fatalf("Export: %v", err)
	}
	return out
}

func TestPerspectiveCoralSuggestScore(t *testing.T) {
	f := newPerspectiveFixture(t, Options{})
	f.suggest(coralSuggestBody(t, "Thanks, a fair summary of the debate.", "APPROVED", "c-1"), "comment:c-1")
	f.suggest(coralSuggestBody(t, "Get lost, you clown.", "DELETED", "c-2"), "comment:c-2")
	f.suggest(briefSuggestBody("I disagree with the council's plan.", 0, "t-3"), "t-3")
	f.suggest(briefSuggestBody("People like you are vermin.", 1, "t-4"), "t-4")

	allZero := map[string]int{"toxicity": 0, "insult": 0, "threat": 0, "identity_attack": 0, "profanity": 0}
	want := map[string]map[string]int{
		"Thanks, a fair summary of the debate.": allZero,
		"Get lost, you clown.":                  {"toxicity": 1},
		"I disagree with the council's plan.":   {"toxicity": 0},
		"People like you are vermin.":           {"toxicity": 1},
	}
	if diff := cmp.Diff(want, f.exported(true)); diff != "" {
		t.Errorf("exported labels (-want +got):\n%s", diff)
	}
	// Without trusting Coral's rejections as toxicity, the bare DELETED gives no example.
	delete(want, "Get lost, you clown.")
	if diff := cmp.Diff(want, f.exported(false)); diff != "" {
		t.Errorf("exported labels, rejections not toxic (-want +got):\n%s", diff)
	}

	// A moderator who changes their mind: Coral sends the same clientToken again, and the
	// later suggestion replaces the earlier.
	f.suggest(coralSuggestBody(t, "Thanks, a fair summary of the debate.", "DELETED", "c-1"), "comment:c-1")
	if n := f.count("feedback"); n != 4 {
		t.Errorf("feedback rows = %d after a changed decision, want 4", n)
	}
	if got := f.exported(true)["Thanks, a fair summary of the debate."]; !cmp.Equal(got, map[string]int{"toxicity": 1}) {
		t.Errorf("labels after the changed decision = %v, want toxicity 1", got)
	}

	// The stored row keeps what the client sent beside the score.
	var rows []moderation.Feedback
	if err := f.DB.EachFeedback(context.Background(), func(fb moderation.Feedback) error {
		rows = append(rows, fb)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	r := rows[3]
	if r.CommunityID != "site-1" || r.ClientToken != "t-4" || r.Context != "Council approves the tram line" ||
		r.APIKeyID == 0 || r.CreatedAt.IsZero() || r.Scores["toxicity"] != 1 || r.Verdict != "" {
		t.Errorf("stored feedback = %+v", r)
	}
}

func TestPerspectiveSuggestWithoutFeedbackStore(t *testing.T) {
	f := newPerspectiveFixture(t, Options{})
	f.Handler = f.router(Options{}, httpx.Config{})
	w := f.post(endpoint+"/comments:suggestscore?key="+f.Key, briefSuggestBody("hi", 0, "t"))
	checkPerspectiveError(t, w, perspectiveErrorCase{code: 501, status: "UNIMPLEMENTED", message: "does not record suggested scores"})
}

func TestSentences(t *testing.T) {
	for _, tc := range []struct {
		text string
		want []string
	}{
		{"", nil},
		{"   ", nil},
		{"One sentence without end", []string{"One sentence without end"}},
		{"  Padded.  ", []string{"Padded."}},
		{"First. Second! Third? Fourth", []string{"First.", "Second!", "Third?", "Fourth"}},
		{"Version 1.5 is out... Really?! Yes.", []string{"Version 1.5 is out...", "Really?!", "Yes."}},
		{`He said "stop." Then left.`, []string{`He said "stop."`, "Then left."}},
		{"(Quite so.) Indeed", []string{"(Quite so.)", "Indeed"}},
		{"line one\nline two\r\n\nline three", []string{"line one", "line two", "line three"}},
		{"Wait… what", []string{"Wait…", "what"}},
		{"e.g.this stays", []string{"e.g.this stays"}},
		{"真的。好！", []string{"真的。好！"}},
		{"真的。 好！", []string{"真的。", "好！"}},
	} {
		var got []string
		for _, sp := range sentences(tc.text) {
			got = append(got, tc.text[sp.start:sp.end])
		}
		if !cmp.Equal(got, tc.want) {
			t.Errorf("sentences(%q) = %q, want %q", tc.text, got, tc.want)
		}
	}
}

func TestUTF16Offsets(t *testing.T) {
	text := "aé😀✓\U0010FFFFz"
	// Byte offsets of each character start and the end; UTF-16 units before them.
	bytesAt := []int{0, 1, 3, 7, 10, 14, 15}
	want := []int{0, 1, 2, 4, 5, 7, 8}
	if got := utf16Offsets(text, bytesAt); !cmp.Equal(got, want) {
		t.Errorf("utf16Offsets = %v, want %v", got, want)
	}
	if got, want := utf16Offsets(text, []int{len(text)})[0], len(utf16.Encode([]rune(text))); got != want {
		t.Errorf("offset of the end = %d, want %d", got, want)
	}
}

// FuzzSentences checks the span invariants on any text: spans are ordered, disjoint, trimmed
// and non-empty, and their UTF-16 offsets agree with encoding the prefix.
func FuzzSentences(f *testing.F) {
	for _, s := range []string{"", "Hi. You idiot!", "Très bien 😀.\nÜber…  ok?", "a\r\nb", "真的。 好！", "caf\xe9. x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		spans := sentences(text)
		offsets := make([]int, 0, 2*len(spans))
		prev := 0
		for _, sp := range spans {
			if sp.start < prev || sp.end <= sp.start || sp.end > len(text) {
				t.Fatalf("sentences(%q) = %v: out of order or empty", text, spans)
			}
			if s := text[sp.start:sp.end]; strings.TrimSpace(s) != s {
				t.Fatalf("sentence %q is not trimmed", s)
			}
			prev = sp.end
			offsets = append(offsets, sp.start, sp.end)
		}
		units := utf16Offsets(text, offsets)
		for i, off := range offsets {
			if want := len(utf16.Encode([]rune(text[:off]))); units[i] != want {
				t.Fatalf("utf16Offsets(%q)[%d] = %d, want %d", text, off, units[i], want)
			}
		}
	})
}
