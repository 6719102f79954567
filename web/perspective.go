package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/tribune/tribune/moderation"
)

// The Perspective-compatible API: POST /v1alpha1/comments:analyze and
// /v1alpha1/comments:suggestscore, with the API key in the "key" query parameter, so that a
// Perspective client (Coral Talk among them) switches to Tribune by changing its base URL.
// Errors use Google's shape, not the /api/v1 one; see perspectiveFail.

// perspectiveAttributes maps the Perspective attributes Tribune answers to its tone heads.
var perspectiveAttributes = map[string]string{
	"TOXICITY":        "toxicity",
	"INSULT":          "insult",
	"THREAT":          "threat",
	"IDENTITY_ATTACK": "identity_attack",
	"PROFANITY":       "profanity",
}

// supportedAttributeList names them in the order error messages list them.
const supportedAttributeList = "TOXICITY, INSULT, THREAT, IDENTITY_ATTACK, PROFANITY"

// unsupportedAttributes are Perspective attributes Tribune has no head for, with why. They get
// a clearer error than a misspelt name, and dropUnsupportedAttributes drops them.
var unsupportedAttributes = map[string]string{
	"SEVERE_TOXICITY": "Tribune's toxicity head is trained on yes/no labels and cannot grade severity; " +
		"request TOXICITY and use a higher threshold instead",
	"SEXUALLY_EXPLICIT": "Tribune has no sexually-explicit head",
	"FLIRTATION":        "Tribune has no flirtation head",
}

// isExperimentalAttribute reports Perspective's experimental and retired attributes
// (TOXICITY_EXPERIMENTAL, the bridging attributes, the New York Times ones), none of which
// Tribune has.
func isExperimentalAttribute(name string) bool {
	if strings.HasSuffix(name, "_EXPERIMENTAL") {
		return true
	}
	switch name {
	case "ATTACK_ON_AUTHOR", "ATTACK_ON_COMMENTER", "INCOHERENT", "INFLAMMATORY", "LIKELY_TO_REJECT",
		"OBSCENE", "SPAM", "UNSUBSTANTIAL":
		return true
	}
	return false
}

// Perspective's score type and the language Tribune's model reads.
const (
	scoreTypeProbability = "PROBABILITY"
	perspectiveLanguage  = "en"
)

// perspectiveRoutes registers the Perspective-compatible API. gin's router reads ':' as the
// start of a parameter, so the literal "comments:analyze" cannot be a route; one parameter
// takes the whole last segment ("comments:analyze") and perspectiveMethod dispatches on it.
func (s *Server) perspectiveRoutes() {
	v1 := s.engine.Group("/v1alpha1")
	v1.POST("/:method", s.perspectiveMethod)
	v1.Match([]string{http.MethodGet, http.MethodHead, http.MethodPut, http.MethodPatch, http.MethodDelete},
		"/:method", func(c *gin.Context) {
			s.perspectiveFail(c, perspectiveErr(http.StatusMethodNotAllowed, "METHOD_NOT_ALLOWED",
				"Perspective methods are called with POST"))
		})
}

func (s *Server) perspectiveMethod(c *gin.Context) {
	switch c.Param("method") {
	case "comments:analyze":
		s.perspectiveAnalyze(c)
	case "comments:suggestscore":
		s.perspectiveSuggest(c)
	default:
		s.perspectiveFail(c, perspectiveErr(http.StatusNotFound, "NOT_FOUND",
			fmt.Sprintf("no method %q: use comments:analyze or comments:suggestscore", c.Param("method"))))
	}
}

// perspectiveAnalyze scores a comment for the requested attributes. Nothing is stored,
// whatever doNotStore says, and the request log never records bodies or the query string.
func (s *Server) perspectiveAnalyze(c *gin.Context) {
	if err := s.perspectiveKey(c); err != nil {
		s.perspectiveFail(c, err)
		return
	}
	var req analyzeRequest
	if err := decodePerspective(c, &req); err != nil {
		s.perspectiveFail(c, err)
		return
	}
	plan, err := planAnalyze(req)
	if err != nil {
		s.perspectiveFail(c, err)
		return
	}
	ctx, text, context := c.Request.Context(), req.Comment.Text, req.Context.text()
	a, _, _, err := s.svc.Score(ctx, text, context)
	if err != nil {
		s.perspectiveFail(c, err)
		return
	}
	var spans []sentenceScores
	if req.SpanAnnotations && len(plan) > 0 {
		if spans, err = s.scoreSentences(c, text); err != nil {
			s.perspectiveFail(c, err)
			return
		}
	}
	resp := analyzeResponse{AttributeScores: map[string]perspectiveAttributeScores{},
		Languages: analyzeLanguages(req.Languages, a.Language), ClientToken: req.ClientToken}
	if a.Language != "" {
		resp.DetectedLanguages = []string{a.Language}
	}
	for _, p := range plan {
		if v, ok := a.Scores.Tone[p.head]; ok && v >= p.threshold {
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
func planAnalyze(req analyzeRequest) ([]attributePlan, error) {
	if err := checkPerspectiveComment(req.Comment); err != nil {
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
	if bad := unsupportedLanguages(req.Languages); len(bad) > 0 {
		if req.DropUnsupportedAttributes {
			return nil, nil
		}
		first := "TOXICITY"
		if len(plan) > 0 {
			first = plan[0].name
		}
		return nil, invalidArgument(fmt.Sprintf("Attribute %s does not support request languages: %s", first, strings.Join(bad, ",")))
	}
	return plan, nil
}

// errUnknownAttribute marks a name that is no Perspective attribute at all, which
// dropUnsupportedAttributes does not excuse (it is a client bug, not a missing model).
var errUnknownAttribute = errors.New("unknown attribute")

// perspectiveHead maps a Perspective attribute name (any letter case) to Tribune's head.
func perspectiveHead(name string) (string, error) {
	upper := strings.ToUpper(name)
	if head, ok := perspectiveAttributes[upper]; ok {
		return head, nil
	}
	if why, ok := unsupportedAttributes[upper]; ok {
		return "", invalidArgument(fmt.Sprintf("Attribute %s is not supported by Tribune: %s. Supported attributes: %s",
			name, why, supportedAttributeList))
	}
	if isExperimentalAttribute(upper) {
		return "", invalidArgument(fmt.Sprintf("Attribute %s is not supported by Tribune: it has no experimental attributes. Supported attributes: %s",
			name, supportedAttributeList))
	}
	return "", fmt.Errorf("%w: %w", errUnknownAttribute, invalidArgument(fmt.Sprintf("Unknown attribute %s. Supported attributes: %s",
		name, supportedAttributeList)))
}

// checkPerspectiveComment refuses what Perspective refuses before scoring: an empty text and
// a text type other than plain text. Length and encoding are the service's checks.
func checkPerspectiveComment(c perspectiveTextEntry) error {
	if strings.TrimSpace(c.Text) == "" {
		return invalidArgument("Comment must be non-empty: comment.text is required")
	}
	if t := strings.ToUpper(c.Type); t != "" && t != "PLAIN_TEXT" && t != "TEXT_TYPE_UNSPECIFIED" {
		return invalidArgument(fmt.Sprintf("comment.type %q is not supported: send PLAIN_TEXT", c.Type))
	}
	return nil
}

// analyzeLanguages is the languages an analyze answer reports: with requested languages
// (which planAnalyze let through only when they are English), English; without, the detected
// language, or English when the text was too short to tell, as Perspective answers then.
func analyzeLanguages(requested []string, detected string) []string {
	if len(requested) == 0 && detected != "" {
		return []string{detected}
	}
	return []string{perspectiveLanguage}
}

// unsupportedLanguages returns the requested languages Tribune's English model cannot read.
// Codes are ISO 639-1 or BCP-47 in any letter case ("en", "EN", "en-US", "en_GB"). With no
// languages requested there is nothing to refuse: the answer reports the detected language
// instead (analyzeLanguages).
func unsupportedLanguages(langs []string) []string {
	var bad []string
	for _, l := range langs {
		primary, _, _ := strings.Cut(strings.ReplaceAll(strings.TrimSpace(l), "_", "-"), "-")
		if !strings.EqualFold(primary, perspectiveLanguage) {
			bad = append(bad, strings.ToLower(l))
		}
	}
	return bad
}

// sortedAttributeNames orders requested names by Tribune's head order, unknown names last
// (alphabetically), so answers and errors do not depend on map order.
func sortedAttributeNames(m map[string]perspectiveAttributeParams) []string {
	rank := func(name string) int {
		head := perspectiveAttributes[strings.ToUpper(name)]
		for i, h := range moderation.ToneAttributes {
			if h == head {
				return i
			}
		}
		return len(moderation.ToneAttributes)
	}
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	slices.SortFunc(names, func(a, b string) int {
		if ra, rb := rank(a), rank(b); ra != rb {
			return ra - rb
		}
		return strings.Compare(a, b)
	})
	return names
}

// perspectiveKey authenticates the "key" query parameter (or Google's X-Goog-Api-Key header)
// against Tribune's API keys, answering as Google's API front end does: 403 when no key was
// sent, 400 when the key is not valid.
func (s *Server) perspectiveKey(c *gin.Context) error {
	key := c.Query("key")
	if key == "" {
		key = c.GetHeader("X-Goog-Api-Key")
	}
	if strings.TrimSpace(key) == "" {
		return perspectiveErr(http.StatusForbidden, "PERMISSION_DENIED", "The request is missing a valid API key.")
	}
	// The same short-lived cache as /api/v1's keys: Coral calls analyze for every comment.
	k, err := s.authenticateKey(c, strings.TrimSpace(key))
	if errors.Is(err, moderation.ErrUnauthenticated) {
		return invalidArgument("API key not valid. Please pass a valid API key.")
	}
	if err != nil {
		return err
	}
	// A key without the score scope, or over its rate, is answered in Perspective's shape:
	// 403 PERMISSION_DENIED, 429 RESOURCE_EXHAUSTED with Retry-After.
	return s.admitKey(c, k, moderation.ScopeScore)
}

// decodePerspective reads a JSON body into dst. Unlike bindJSON it ignores unknown fields
// (Perspective has grown fields over time and clients send some Tribune does not use).
func decodePerspective(c *gin.Context, dst any) error {
	raw, err := readBody(c)
	if err != nil {
		return err
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		return invalidArgument("Invalid JSON payload received. The request body is empty.")
	}
	if !utf8.Valid(raw) {
		return invalidArgument("Invalid JSON payload received. The request body is not valid UTF-8.")
	}
	if err := json.Unmarshal(raw, dst); err != nil {
		var syn *json.SyntaxError
		var typ *json.UnmarshalTypeError
		switch {
		case errors.As(err, &syn):
			return invalidArgument(fmt.Sprintf("Invalid JSON payload received. Syntax error at byte %d: %s",
				syn.Offset, strings.TrimPrefix(syn.Error(), "json: ")))
		case errors.As(err, &typ) && typ.Field != "":
			return invalidArgument(fmt.Sprintf("Invalid JSON payload received. %s must be %s, not %s",
				typ.Field, jsonTypeName(typ.Type), typ.Value))
		}
		return invalidArgument("Invalid JSON payload received. The request body must be a JSON object.")
	}
	return nil
}
