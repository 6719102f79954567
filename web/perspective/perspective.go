package perspective

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/tribune/tribune/moderation"
	"github.com/tribune/tribune/web/internal/httpx"
)

// Handler serves the Perspective-compatible API.
type Handler struct {
	*httpx.Core
	// corsOrigins may call the API from a browser ("*": every origin).
	corsOrigins []string
	// trustedProxies may name the client's scheme and host for the discovery document.
	trustedProxies []string
	// feedback records comments:suggestscore suggestions; nil answers them 501.
	feedback *moderation.FeedbackService
}

// Options configures a Handler.
type Options struct {
	// CORSOrigins are the origins whose pages may call the API from a browser; "*" allows
	// every origin.
	CORSOrigins []string
	// TrustedProxies are the reverse proxies (IPs or CIDRs) whose X-Forwarded-Proto and
	// X-Forwarded-Host the discovery document's rootUrl follows.
	TrustedProxies []string
	// Feedback records suggestions; nil answers comments:suggestscore 501.
	Feedback *moderation.FeedbackService
}

// New returns the Perspective-compatible API over core.
func New(core *httpx.Core, opts Options) *Handler {
	return &Handler{Core: core, corsOrigins: opts.CORSOrigins, trustedProxies: opts.TrustedProxies,
		feedback: opts.Feedback}
}

// Perspective's score type and the language Tribune's model reads.
const (
	scoreTypeProbability = "PROBABILITY"
	perspectiveLanguage  = "en"
)

// Register adds the Perspective-compatible API to e. gin's router reads ':' as the
// start of a parameter, so the literal "comments:analyze" cannot be a route; one parameter
// takes the whole last segment ("comments:analyze") and perspectiveMethod dispatches on it.
func (s *Handler) Register(e *gin.Engine) {
	v1 := e.Group("/v1alpha1", s.perspectiveCORS)
	v1.POST("/:method", s.perspectiveMethod)
	v1.OPTIONS("/:method", s.perspectivePreflight)
	v1.Match([]string{http.MethodGet, http.MethodHead, http.MethodPut, http.MethodPatch, http.MethodDelete},
		"/:method", func(c *gin.Context) {
			s.fail(c, perspectiveErr(http.StatusMethodNotAllowed, "METHOD_NOT_ALLOWED",
				"Perspective methods are called with POST"))
		})
	e.GET(discoveryPath, s.perspectiveCORS, s.perspectiveDiscovery)
	e.HEAD(discoveryPath, s.perspectiveCORS, s.perspectiveDiscovery)
	e.OPTIONS(discoveryPath, s.perspectiveCORS, s.perspectivePreflight)
}

// MaxBodyBytes bounds the body of a Perspective request: 1 MB of context and a
// 20 KB comment, with room for JSON escaping (a client that escapes every non-ASCII character
// sends up to three times the bytes).
const MaxBodyBytes = 4 << 20

// IsPath reports whether a path belongs to the Perspective-compatible API, whose
// errors, even for unrouted paths, are answered in Google's shape.
func IsPath(path string) bool {
	return path == "/v1alpha1" || strings.HasPrefix(path, "/v1alpha1/") || strings.HasPrefix(path, "/$discovery")
}

// NoRoute answers a path under the Perspective API that no route serves.
func (s *Handler) NoRoute(c *gin.Context) {
	// A client that escapes the dollar sign (%24discovery) misses the route, which matches
	// the raw path; the unescaped path is the same document.
	if c.Request.URL.Path == discoveryPath && (c.Request.Method == http.MethodGet || c.Request.Method == http.MethodHead) {
		s.perspectiveCORS(c)
		s.perspectiveDiscovery(c)
		return
	}
	s.fail(c, perspectiveErr(http.StatusNotFound, "NOT_FOUND",
		fmt.Sprintf("The requested URL %s was not found on this server: the Perspective API is POST /v1alpha1/comments:analyze and /v1alpha1/comments:suggestscore",
			c.Request.URL.Path)))
}

func (s *Handler) perspectiveMethod(c *gin.Context) {
	switch c.Param("method") {
	case "comments:analyze":
		s.perspectiveAnalyze(c)
	case "comments:suggestscore":
		s.perspectiveSuggest(c)
	default:
		s.fail(c, perspectiveErr(http.StatusNotFound, "NOT_FOUND",
			fmt.Sprintf("no method %q: use comments:analyze or comments:suggestscore", c.Param("method"))))
	}
}

// perspectiveAnalyze scores a comment for the requested attributes. Nothing is stored,
// whatever doNotStore says, and the request log never records bodies or the query string.
func (s *Handler) perspectiveAnalyze(c *gin.Context) {
	if err := s.perspectiveKey(c); err != nil {
		s.fail(c, err)
		return
	}
	var req analyzeRequest
	if err := decodePerspective(c, &req); err != nil {
		s.fail(c, err)
		return
	}
	pol := s.Svc.Policy()
	plan, err := planAnalyze(req, pol)
	if err != nil {
		s.fail(c, err)
		return
	}
	text := req.Comment.Text
	a, err := s.assessComment(c, text, req.Context.text())
	if err != nil {
		s.fail(c, err)
		return
	}
	langs, err := answerLanguages(req.Languages, a.Language, pol, plan)
	if err != nil && !req.DropUnsupportedAttributes {
		s.fail(c, err)
		return
	}
	if err != nil {
		plan = nil // every attribute is unsupported in the detected language, so all are dropped
	}
	spans := []sentenceScores{wholeText(text, a.Scores.Tone)}
	if req.SpanAnnotations && len(plan) > 0 {
		if spans, err = s.scoreSentences(c, text); err != nil {
			s.fail(c, err)
			return
		}
	}
	resp := analyzeResponse{AttributeScores: map[string]perspectiveAttributeScores{}, Languages: langs,
		ClientToken: req.ClientToken}
	if a.Language != "" {
		resp.DetectedLanguages = []string{a.Language}
	}
	for _, p := range plan {
		if v, ok := toneValue(a.Scores.Tone, p.head); ok && v >= p.threshold {
			resp.AttributeScores[p.name] = perspectiveAttributeScores{
				SummaryScore: perspectiveScore{Value: v, Type: scoreTypeProbability},
				SpanScores:   spanScoresFor(spans, p),
			}
		}
	}
	c.JSON(http.StatusOK, resp)
}

// attributePlan is one requested attribute: the client's name for it, Tribune's head, and the
// threshold under which its scores are left out.
type attributePlan struct {
	name, head string
	threshold  float64
}

// planAnalyze validates an analyze request and lists the attributes to answer, in a fixed
// order. Checks run in Perspective's order: comment, attributes, languages.
func planAnalyze(req analyzeRequest, pol moderation.Policy) ([]attributePlan, error) {
	if err := checkPerspectiveComment(req.Comment); err != nil {
		return nil, err
	}
	if err := checkPerspectiveContext(req.Context); err != nil {
		return nil, err
	}
	if len(req.RequestedAttributes) == 0 {
		return nil, invalidArgument("requestedAttributes must name at least one attribute, e.g. {\"TOXICITY\": {}}")
	}
	var plan []attributePlan
	for _, name := range sortedAttributeNames(req.RequestedAttributes) {
		params := req.RequestedAttributes[name]
		head, err := perspectiveHead(name)
		if err != nil {
			if req.DropUnsupportedAttributes && !errors.Is(err, errUnknownAttribute) {
				continue
			}
			return nil, err
		}
		if t := strings.ToUpper(params.ScoreType); t != "" && t != scoreTypeProbability && t != "SCORE_TYPE_UNSPECIFIED" {
			return nil, invalidArgument(fmt.Sprintf("requestedAttributes.%s.scoreType %q is not supported: Tribune gives %s scores only",
				name, params.ScoreType, scoreTypeProbability))
		}
		p := attributePlan{name: name, head: head}
		if t := params.ScoreThreshold; t != nil {
			if math.IsNaN(*t) || *t < 0 || *t > 1 {
				return nil, invalidArgument(fmt.Sprintf("requestedAttributes.%s.scoreThreshold must be between 0 and 1, not %v", name, *t))
			}
			p.threshold = *t
		}
		plan = append(plan, p)
	}
	if bad := unsupportedLanguages(req.Languages, pol); len(bad) > 0 {
		if req.DropUnsupportedAttributes {
			return nil, nil
		}
		return nil, languageError(firstAttribute(plan), bad)
	}
	return plan, nil
}

// Perspective's size limits, which clients follow: a comment of at most 20 KB (read as
// 20,480 bytes, as the npm client and Discourse truncate), and context entries up to 1 MB in
// total.
const (
	perspectiveMaxTextBytes    = 20 << 10
	perspectiveMaxContextBytes = 1 << 20
)

// checkPerspectiveComment refuses what Perspective refuses before scoring: an empty or too
// long text and a text type other than plain text. Encoding is the service's check.
func checkPerspectiveComment(c perspectiveTextEntry) error {
	if strings.TrimSpace(c.Text) == "" {
		return typedError("COMMENT_EMPTY", "Comment must be non-empty: comment.text is required")
	}
	if n := len(c.Text); n > perspectiveMaxTextBytes {
		return typedError("COMMENT_TOO_LONG", fmt.Sprintf("Comment text too long: %d bytes; the limit is %d bytes (20 KB)",
			n, perspectiveMaxTextBytes))
	}
	if t := strings.ToUpper(c.Type); t != "" && t != "PLAIN_TEXT" && t != "TEXT_TYPE_UNSPECIFIED" {
		return invalidArgument(fmt.Sprintf("comment.type %q is not supported: send PLAIN_TEXT", c.Type))
	}
	return nil
}

// firstAttribute names the attribute a language error is about: Perspective names the first
// one that does not support the language, and for Tribune every attribute shares one model.
func firstAttribute(plan []attributePlan) string {
	if len(plan) > 0 {
		return plan[0].name
	}
	return "TOXICITY"
}

// answerLanguages is the languages an analyze answer reports, or Perspective's language error.
// Requested languages (already checked by planAnalyze) are echoed as sent, as Perspective
// does. Without them the detected language decides: one the site's policy does not support
// is refused as Perspective refuses an unsupported language, so that the site, not Tribune,
// decides what to do with it; a text too short to tell is read in the policy's first language.
func answerLanguages(requested []string, detected string, pol moderation.Policy, plan []attributePlan) ([]string, error) {
	if len(requested) > 0 {
		return requested, nil
	}
	if detected == "" {
		if len(pol.Languages) > 0 {
			return []string{pol.Languages[0]}, nil
		}
		return []string{perspectiveLanguage}, nil
	}
	if !pol.Supports(detected) {
		return nil, languageError(firstAttribute(plan), []string{detected})
	}
	return []string{detected}, nil
}

// primaryLanguage is the primary subtag of an ISO 639-1 or BCP-47 code in any letter case
// ("en", "EN", "en-US", "en_GB" are all "en").
func primaryLanguage(code string) string {
	primary, _, _ := strings.Cut(strings.ReplaceAll(strings.TrimSpace(code), "_", "-"), "-")
	return strings.ToLower(primary)
}

// unsupportedLanguages returns the requested languages the site's policy does not trust the
// model on, as sent. With no languages requested there is nothing to refuse yet: the detected
// language decides (answerLanguages).
func unsupportedLanguages(langs []string, pol moderation.Policy) []string {
	var bad []string
	for _, l := range langs {
		if p := primaryLanguage(l); p == "" || !pol.Supports(p) {
			bad = append(bad, strings.TrimSpace(l))
		}
	}
	return bad
}

// perspectiveKey authenticates the "key" query parameter (or Google's X-Goog-Api-Key header)
// against Tribune's API keys, answering as Google's API front end does: 403 when no key was
// sent, 400 when the key is not valid.
func (s *Handler) perspectiveKey(c *gin.Context) error {
	key := c.Query("key")
	if key == "" {
		key = c.GetHeader("X-Goog-Api-Key")
	}
	if strings.TrimSpace(key) == "" {
		return perspectiveErr(http.StatusForbidden, "PERMISSION_DENIED", "The request is missing a valid API key.")
	}
	// The same short-lived cache as /api/v1's keys: Coral calls analyze for every comment.
	k, err := s.AuthenticateKey(c, strings.TrimSpace(key))
	if errors.Is(err, moderation.ErrUnauthenticated) {
		return invalidArgument("API key not valid. Please pass a valid API key.")
	}
	if err != nil {
		return err
	}
	// A key without the score scope, or over its rate, is answered in Perspective's shape:
	// 403 PERMISSION_DENIED, 429 RESOURCE_EXHAUSTED with Retry-After.
	return s.AdmitKey(c, k, moderation.ScopeScore)
}
