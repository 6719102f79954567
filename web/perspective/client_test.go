package perspective

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	commentanalyzer "google.golang.org/api/commentanalyzer/v1alpha1"
	"google.golang.org/api/googleapi"
	"google.golang.org/api/option"

	"github.com/tribune/tribune/moderation"
	"github.com/tribune/tribune/web/internal/httpx"
	"github.com/tribune/tribune/web/internal/webtest"
)

// Tests that drive the Perspective-compatible API with Perspective's own clients, against the
// real server listening on a local port.

// goClient is the official Go client pointed at a running Tribune.
func goClient(t *testing.T, f *perspectiveFixture) *commentanalyzer.Service {
	t.Helper()
	ts := httptest.NewServer(f.Handler)
	t.Cleanup(ts.Close)
	svc, err := commentanalyzer.NewService(context.Background(), option.WithEndpoint(ts.URL+"/"),
		option.WithAPIKey(f.Key), option.WithHTTPClient(ts.Client()))
	if err != nil {
		t.Fatalf("commentanalyzer.NewService: %v", err)
	}
	return svc
}

// withKey adds the API key the way option.WithAPIKey would (WithHTTPClient bypasses it).
func withKey[T interface {
	Do(...googleapi.CallOption) (R, error)
}, R any](call T, key string) (R, error) {
	return call.Do(googleapi.QueryParameter("key", key))
}

func TestGoClientAnalyze(t *testing.T) {
	f := newPerspectiveFixture(t, Options{})
	pol := moderation.DefaultPolicy()
	pol.Languages = []string{"en", "de"}
	if err := f.Svc.SetPolicy(context.Background(), pol); err != nil {
		t.Fatal(err)
	}
	c := goClient(t, f)
	all := map[string]commentanalyzer.AttributeParameters{}
	for name := range perspectiveAttributes {
		all[name] = commentanalyzer.AttributeParameters{}
	}
	text := "Thanks for the article. You idiot."
	t.Run("all attributes, default spans", func(t *testing.T) {
		resp, err := withKey(c.Comments.Analyze(&commentanalyzer.AnalyzeCommentRequest{
			Comment: &commentanalyzer.TextEntry{Text: text}, RequestedAttributes: all, Languages: []string{"en"}}), f.Key)
		if err != nil {
			t.Fatalf("Analyze: %v", err)
		}
		if len(resp.AttributeScores) != len(perspectiveAttributes) {
			t.Errorf("%d attributes, want %d", len(resp.AttributeScores), len(perspectiveAttributes))
		}
		tox := resp.AttributeScores["TOXICITY"]
		if len(tox.SpanScores) != 1 || tox.SpanScores[0].Begin != 0 || tox.SpanScores[0].End != int64(len(text)) ||
			tox.SpanScores[0].Score.Value != tox.SummaryScore.Value {
			t.Errorf("TOXICITY spans = %+v, want the whole text", tox.SpanScores)
		}
	})
	t.Run("span annotations", func(t *testing.T) {
		resp, err := withKey(c.Comments.Analyze(&commentanalyzer.AnalyzeCommentRequest{
			Comment: &commentanalyzer.TextEntry{Text: text}, SpanAnnotations: true,
			RequestedAttributes: map[string]commentanalyzer.AttributeParameters{"TOXICITY": {ScoreType: "PROBABILITY"}}}), f.Key)
		if err != nil {
			t.Fatalf("Analyze: %v", err)
		}
		if spans := resp.AttributeScores["TOXICITY"].SpanScores; len(spans) != 2 || spans[1].Begin != 24 {
			t.Errorf("spans = %+v, want two sentences", spans)
		}
	})
	t.Run("languages", func(t *testing.T) {
		resp, err := withKey(c.Comments.Analyze(&commentanalyzer.AnalyzeCommentRequest{
			Comment:             &commentanalyzer.TextEntry{Text: webtest.GermanComment},
			RequestedAttributes: map[string]commentanalyzer.AttributeParameters{"TOXICITY": {}}}), f.Key)
		if err != nil {
			t.Fatalf("Analyze: %v", err)
		}
		if strings.Join(resp.Languages, ",") != "de" || strings.Join(resp.DetectedLanguages, ",") != "de" {
			t.Errorf("languages %v detected %v, want de and de", resp.Languages, resp.DetectedLanguages)
		}
	})
	errorTypeOf := func(err error) string {
		var gerr *googleapi.Error
		if !errors.As(err, &gerr) || gerr.Code != http.StatusBadRequest {
			return "not a 400: " + err.Error()
		}
		for _, d := range gerr.Details {
			if m, ok := d.(map[string]any); ok {
				s, _ := m["errorType"].(string)
				return s
			}
		}
		return ""
	}
	for _, tc := range []struct {
		name, want string
		req        *commentanalyzer.AnalyzeCommentRequest
	}{
		{"unsupported language", "LANGUAGE_NOT_SUPPORTED_BY_ATTRIBUTE", &commentanalyzer.AnalyzeCommentRequest{
			Comment: &commentanalyzer.TextEntry{Text: "Bonjour"}, Languages: []string{"fr"},
			RequestedAttributes: map[string]commentanalyzer.AttributeParameters{"TOXICITY": {}}}},
		{"empty comment", "COMMENT_EMPTY", &commentanalyzer.AnalyzeCommentRequest{
			Comment: &commentanalyzer.TextEntry{}, RequestedAttributes: map[string]commentanalyzer.AttributeParameters{"TOXICITY": {}}}},
		{"too long", "COMMENT_TOO_LONG", &commentanalyzer.AnalyzeCommentRequest{
			Comment:             &commentanalyzer.TextEntry{Text: strings.Repeat("a", perspectiveMaxTextBytes+1)},
			RequestedAttributes: map[string]commentanalyzer.AttributeParameters{"TOXICITY": {}}}},
	} {
		t.Run("error: "+tc.name, func(t *testing.T) {
			_, err := withKey(c.Comments.Analyze(tc.req), f.Key)
			if got := errorTypeOf(err); got != tc.want {
				t.Errorf("errorType = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestGoClientSuggestScore(t *testing.T) {
	f := newPerspectiveFixture(t, Options{})
	c := goClient(t, f)
	for _, v := range []float64{0, 1} {
		// A value of 0 is left out by the client ("summaryScore": {}), as proto3 does.
		resp, err := withKey(c.Comments.Suggestscore(&commentanalyzer.SuggestCommentScoreRequest{
			Comment:         &commentanalyzer.TextEntry{Text: fmt.Sprintf("A comment a moderator scored %v.", v)},
			AttributeScores: map[string]commentanalyzer.AttributeScores{"TOXICITY": {SummaryScore: &commentanalyzer.Score{Value: v}}},
			ClientToken:     fmt.Sprint("tok", v), Languages: []string{"en"}}), f.Key)
		if err != nil {
			t.Fatalf("Suggestscore(%v): %v", v, err)
		}
		if resp.ClientToken != fmt.Sprint("tok", v) {
			t.Errorf("clientToken = %q", resp.ClientToken)
		}
	}
	if n := f.count("feedback"); n != 2 {
		t.Errorf("feedback rows = %d, want 2", n)
	}
}

// pythonWithClient finds a Python 3 that can import googleapiclient (Debian's
// python3-googleapi installs it for the system interpreter).
func pythonWithClient() string {
	for _, py := range []string{"python3", "/usr/bin/python3"} {
		if path, err := exec.LookPath(py); err == nil && exec.Command(path, "-c", "import googleapiclient.discovery").Run() == nil {
			return path
		}
	}
	return ""
}

// pythonSample builds the client from the discovery document, as Perspective's documented
// Python sample does, and prints the analyze answer's toxicity and a suggestscore answer.
const pythonSample = `
import json, sys
from googleapiclient import discovery
url, key = sys.argv[1], sys.argv[2]
client = discovery.build("commentanalyzer", "v1alpha1", developerKey=key,
    discoveryServiceUrl=url + "/$discovery/rest?version=v1alpha1")
resp = client.comments().analyze(body={"comment": {"text": "You idiot."},
    "requestedAttributes": {"TOXICITY": {}}}).execute()
sugg = client.comments().suggestscore(body={"comment": {"text": "You idiot."},
    "attributeScores": {"TOXICITY": {"summaryScore": {"value": 1}}}, "clientToken": "py"}).execute()
print(json.dumps({"toxicity": resp["attributeScores"]["TOXICITY"]["spanScores"][0]["score"]["value"],
    "token": sugg["clientToken"]}))
`

func TestPythonClient(t *testing.T) {
	py := pythonWithClient()
	if py == "" && os.Getenv("TRIBUNE_REQUIRE_PYTHON_CLIENT") != "" {
		t.Fatal("TRIBUNE_REQUIRE_PYTHON_CLIENT is set but no python3 can import googleapiclient")
	}
	if py == "" {
		t.Skip("skipping: no python3 with the googleapiclient module (install Debian's python3-googleapi)")
	}
	f := newPerspectiveFixture(t, Options{})
	ts := httptest.NewServer(f.Handler)
	t.Cleanup(ts.Close)
	script := filepath.Join(t.TempDir(), "sample.py")
	if err := os.WriteFile(script, []byte(pythonSample), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(py, script, ts.URL, f.Key)
	// The client must reach the local server directly, whatever proxy the machine configures.
	cmd.Env = append(os.Environ(), "no_proxy=127.0.0.1,localhost", "NO_PROXY=127.0.0.1,localhost")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("python client: %v\n%s", err, out)
	}
	var got struct {
		Toxicity float64 `json:"toxicity"`
		Token    string  `json:"token"`
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("decode %s: %v", out, err)
	}
	if got.Toxicity < 0.5 || got.Token != "py" {
		t.Errorf("python client got %+v, want a high toxicity and token py", got)
	}
}

// Request bodies of clients whose code cannot be pointed at a discovery document, written
// down from their documented and observed shapes, and parsed the way each client parses the
// answer.

func TestClientBodies(t *testing.T) {
	f := newPerspectiveFixture(t, Options{})
	pol := moderation.DefaultPolicy()
	pol.Languages = []string{"en", "de"}
	if err := f.Svc.SetPolicy(context.Background(), pol); err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("A long and civil post about the tram line. ", 470) // 20,210 bytes
	tests := []struct {
		name, body string
		// read takes the score out of the answer as the client does.
		read func(m map[string]any) any
	}{
		{"Coral Talk 9.11.8, German tenant",
			`{"comment":{"text":"` + webtest.GermanComment + `"},"doNotStore":true,"requestedAttributes":{"TOXICITY":{}},"languages":["de"]}`,
			func(m map[string]any) any { return dig(m, "attributeScores", "TOXICITY", "summaryScore", "value") }},
		{"npm perspective-api-client 3.1.0",
			`{"comment":{"text":"You idiot."},"languages":["en"],"requestedAttributes":{"TOXICITY":{}},"doNotStore":true}`,
			func(m map[string]any) any {
				spans, _ := dig(m, "attributeScores", "TOXICITY", "spanScores").([]any)
				return dig(firstOf(spans).(map[string]any), "score", "value")
			}},
		{"npm client, 20 KB post",
			`{"comment":{"text":"` + long + `"},"requestedAttributes":{"TOXICITY":{}},"doNotStore":true}`,
			func(m map[string]any) any { return dig(m, "attributeScores", "TOXICITY", "summaryScore", "value") }},
		{"Discourse plugin",
			`{"comment":{"text":"You idiot."},"requestedAttributes":{"TOXICITY":{},"INSULT":{}},"doNotStore":true}`,
			func(m map[string]any) any { return dig(m, "attributeScores", "INSULT", "summaryScore", "value") }},
		{"Discourse plugin, severe toxicity",
			`{"comment":{"text":"You idiot."},"requestedAttributes":{"SEVERE_TOXICITY":{}},"doNotStore":true}`,
			func(m map[string]any) any {
				return dig(m, "attributeScores", "SEVERE_TOXICITY", "summaryScore", "value")
			}},
		{"proto-JSON spelling",
			`{"comment":{"text":"You idiot.","type":1},"requested_attributes":{"TOXICITY":{"score_type":1}},"span_annotations":false,"languages":["en","en-GB"]}`,
			func(m map[string]any) any { return dig(m, "attributeScores", "TOXICITY", "summaryScore", "value") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := f.post(endpoint+"/comments:analyze?key="+f.Key, tt.body)
			if w.Code != http.StatusOK {
				t.Fatalf("status = %d, want 200; body %.300s", w.Code, w.Body)
			}
			var m map[string]any
			if err := json.Unmarshal(w.Body.Bytes(), &m); err != nil {
				t.Fatal(err)
			}
			if v, ok := tt.read(m).(float64); !ok || v < 0 || v > 1 {
				t.Errorf("score read as the client does = %v, want a probability; body %.300s", tt.read(m), w.Body)
			}
		})
	}
	// Coral's moderation feedback: TOXICITY 0 (approved) or 1 (rejected) since Coral 6.7.
	for i, v := range []int{0, 1} {
		body := fmt.Sprintf(`{"comment":{"text":"Coral comment %d"},"attributeScores":{"TOXICITY":{"summaryScore":{"value":%d}}},"languages":["de"],"communityId":"talk","clientToken":"c%d"}`, i, v, i)
		if w := f.post(endpoint+"/comments:suggestscore?key="+f.Key, body); w.Code != http.StatusOK {
			t.Errorf("Coral suggestion %d = %d %s", v, w.Code, w.Body)
		}
	}
}

// dig follows keys through decoded JSON objects, nil when one is missing.
func dig(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

func TestPerspectiveDiscoveryAndCORS(t *testing.T) {
	f := newPerspectiveFixture(t, Options{TrustedProxies: []string{"10.0.0.1"}, CORSOrigins: []string{"https://talk.example.org"}})
	get := func(remote string, header ...string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, "/$discovery/rest?version=v1alpha1", nil)
		req.Host = "tribune.internal:8080"
		req.RemoteAddr = remote + ":1234"
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		w := httptest.NewRecorder()
		f.Handler.ServeHTTP(w, req)
		return w
	}
	forwarded := []string{"X-Forwarded-Host", "commentanalyzer.googleapis.com", "X-Forwarded-Proto", "https"}
	for _, tc := range []struct {
		name, remote, want string
	}{
		{"direct", "192.0.2.1", "http://tribune.internal:8080/"},
		{"trusted proxy", "10.0.0.1", "https://commentanalyzer.googleapis.com/"},
		{"untrusted forwarder", "192.0.2.9", "http://tribune.internal:8080/"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := get(tc.remote, forwarded...)
			var doc map[string]any
			if err := json.Unmarshal(w.Body.Bytes(), &doc); w.Code != http.StatusOK || err != nil {
				t.Fatalf("discovery = %d %.200s", w.Code, w.Body)
			}
			if doc["rootUrl"] != tc.want || dig(doc, "resources", "comments", "methods", "analyze", "path") != "v1alpha1/comments:analyze" {
				t.Errorf("rootUrl = %v, want %s", doc["rootUrl"], tc.want)
			}
		})
	}
	preflight := func(origin string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodOptions, endpoint+"/comments:analyze", nil)
		req.Header.Set("Origin", origin)
		req.Header.Set("Access-Control-Request-Method", "POST")
		w := httptest.NewRecorder()
		f.Handler.ServeHTTP(w, req)
		return w
	}
	if w := preflight("https://talk.example.org"); w.Code != http.StatusNoContent ||
		w.Header().Get("Access-Control-Allow-Origin") != "https://talk.example.org" {
		t.Errorf("allowed preflight = %d %v", w.Code, w.Header())
	}
	if w := preflight("https://evil.example"); w.Code != http.StatusForbidden || w.Header().Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("other origin preflight = %d %v", w.Code, w.Header())
	}
	req := httptest.NewRequest(http.MethodPost, endpoint+"/comments:analyze?key="+f.Key,
		strings.NewReader(`{"comment":{"text":"hi"},"requestedAttributes":{"TOXICITY":{}}}`))
	req.Header.Set("Origin", "https://talk.example.org")
	w := httptest.NewRecorder()
	f.Handler.ServeHTTP(w, req)
	if w.Code != http.StatusOK || w.Header().Get("Access-Control-Allow-Origin") != "https://talk.example.org" {
		t.Errorf("CORS analyze = %d %v", w.Code, w.Header())
	}
}

// A 1 MB context is accepted (scored once); more is refused.
func TestPerspectiveContextLimit(t *testing.T) {
	f := newPerspectiveFixtureConfig(t, Options{}, httpx.Config{KeyRatePerMinute: -1})
	body := func(n int) string {
		return `{"comment":{"text":"hi"},"requestedAttributes":{"TOXICITY":{}},"context":{"entries":[{"text":"` +
			strings.Repeat("c", n/2) + `"},{"text":"` + strings.Repeat("c", n-n/2) + `"}]}}`
	}
	if w := f.post(endpoint+"/comments:analyze?key="+f.Key, body(perspectiveMaxContextBytes)); w.Code != http.StatusOK {
		t.Errorf("1 MB context = %d %.200s, want 200", w.Code, w.Body)
	}
	w := f.post(endpoint+"/comments:analyze?key="+f.Key, body(perspectiveMaxContextBytes+1))
	checkPerspectiveError(t, w, perspectiveErrorCase{code: 400, status: "INVALID_ARGUMENT", message: "the limit is 1048576 bytes"})
}

// A client whose host is hard-coded (the npm client, Discourse; here the Go client with no
// endpoint option) reaches Tribune when commentanalyzer.googleapis.com resolves to Tribune's
// reverse proxy on the client's machine (README, "Clients with a hard-coded host"). The test
// stands in for the name override with a dialer and for the proxy's certificate, which the
// client would trust through its own CA store, with a test server's.
func TestHardCodedHostThroughProxy(t *testing.T) {
	f := newPerspectiveFixture(t, Options{})
	ts := httptest.NewTLSServer(f.Handler)
	t.Cleanup(ts.Close)
	tr := ts.Client().Transport.(*http.Transport).Clone()
	tr.TLSClientConfig.InsecureSkipVerify = true // the test server's certificate names 127.0.0.1 only
	tr.DialContext = func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, ts.Listener.Addr().String())
	}
	c, err := commentanalyzer.NewService(context.Background(), option.WithHTTPClient(&http.Client{Transport: tr}))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := withKey(c.Comments.Analyze(&commentanalyzer.AnalyzeCommentRequest{
		Comment:             &commentanalyzer.TextEntry{Text: "You idiot."},
		RequestedAttributes: map[string]commentanalyzer.AttributeParameters{"TOXICITY": {}}}), f.Key)
	if err != nil {
		t.Fatalf("Analyze through the default endpoint: %v", err)
	}
	if resp.AttributeScores["TOXICITY"].SummaryScore.Value < 0.5 {
		t.Errorf("answer %+v, want a high toxicity", resp)
	}
}

// The calibration contract: a Perspective score is the number the site's policy compares with
// its thresholds (after the site's priors), the same as /api/v1/score reports, so a threshold
// set in a Perspective client and the dashboard's hold threshold mean the same thing.
func TestPerspectiveScoresAreThePolicyScores(t *testing.T) {
	f := newPerspectiveFixture(t, Options{})
	pol := moderation.DefaultPolicy()
	pol.Priors = map[string]float64{"toxicity": 0.05}
	if err := f.Svc.SetPolicy(context.Background(), pol); err != nil {
		t.Fatal(err)
	}
	for _, text := range []string{"ok", "Thanks for the article.", "You idiot.", "Thanks for the article. You idiot."} {
		t.Run(text, func(t *testing.T) {
			body, _ := json.Marshal(map[string]any{"comment": map[string]string{"text": text},
				"requestedAttributes": map[string]any{"TOXICITY": map[string]any{}, "INSULT": map[string]any{}}, "languages": []string{"en"}})
			resp := f.analyze(string(body))
			var sc struct {
				Scores struct{ Tone map[string]float64 }
			}
			f.DoJSON(http.MethodPost, "/api/v1/score", f.Key, map[string]any{"text": text}, http.StatusOK, &sc)
			for name, head := range map[string]string{"TOXICITY": "toxicity", "INSULT": "insult"} {
				if got, want := resp.AttributeScores[name].SummaryScore.Value, sc.Scores.Tone[head]; got != want {
					t.Errorf("%s = %v, want /api/v1/score's %s %v", name, got, head, want)
				}
			}
		})
	}
}

func TestPerspectiveLeniencyAndDetectedLanguage(t *testing.T) {
	f := newPerspectiveFixture(t, Options{})
	// Under the default policy (English only), a German comment sent without languages is
	// refused as Perspective refuses an unsupported language, naming the detected language.
	w := f.post(endpoint+"/comments:analyze?key="+f.Key, `{"comment":{"text":"`+webtest.GermanComment+`"},"requestedAttributes":{"TOXICITY":{}}}`)
	if w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), `"languageNotSupportedByAttributeError":{"detectedLanguages":["de"],"attribute":"TOXICITY"}`) {
		t.Errorf("German without languages = %d %s, want LANGUAGE_NOT_SUPPORTED_BY_ATTRIBUTE for de", w.Code, w.Body)
	}
	// A suggestion with only span scores counts as its highest span score.
	w = f.post(endpoint+"/comments:suggestscore?key="+f.Key, `{"comment":{"text":"Fine. You idiot."},"attribute_scores":{"INSULT":`+
		`{"span_scores":[{"begin":0,"end":5,"score":{"value":0}},{"begin":6,"end":16,"score":{"value":1,"type":1}}]}}}`)
	if w.Code != http.StatusOK {
		t.Fatalf("span-only suggestion = %d %s", w.Code, w.Body)
	}
	if got := f.exported(true); got["Fine. You idiot."]["insult"] != 1 {
		t.Errorf("exported = %v, want insult 1", got)
	}
}
