package perspective

import "strings"

// The Perspective API's JSON shapes (commentanalyzer v1alpha1), as far as Tribune reads or
// writes them. Field names are Perspective's lowerCamelCase; encoding/json also matches them
// case-insensitively. Fields Tribune does not know are ignored rather than refused, so clients
// written for a later Perspective revision keep working.

// perspectiveTextEntry is Perspective's TextEntry: a text and its type (PLAIN_TEXT or HTML).
type perspectiveTextEntry struct {
	Text string `json:"text"`
	Type string `json:"type"`
}

// perspectiveContext is the optional context of a comment: free entries, or the article and
// parent comment.
type perspectiveContext struct {
	Entries                 []perspectiveTextEntry `json:"entries"`
	ArticleAndParentComment *struct {
		Article       *perspectiveTextEntry `json:"article"`
		ParentComment *perspectiveTextEntry `json:"parentComment"`
	} `json:"articleAndParentComment"`
}

// text joins every context text, blank-line separated, for the classifier's stance context.
func (c *perspectiveContext) text() string {
	if c == nil {
		return ""
	}
	var parts []string
	if ap := c.ArticleAndParentComment; ap != nil {
		for _, e := range []*perspectiveTextEntry{ap.Article, ap.ParentComment} {
			if e != nil && e.Text != "" {
				parts = append(parts, e.Text)
			}
		}
	}
	for _, e := range c.Entries {
		if e.Text != "" {
			parts = append(parts, e.Text)
		}
	}
	return strings.Join(parts, "\n\n")
}

// perspectiveAttributeParams is what a client asks of one attribute.
type perspectiveAttributeParams struct {
	ScoreType      string   `json:"scoreType"`
	ScoreThreshold *float64 `json:"scoreThreshold"`
}

// analyzeRequest is the body of POST /v1alpha1/comments:analyze (AnalyzeCommentRequest).
type analyzeRequest struct {
	Comment                   perspectiveTextEntry                  `json:"comment"`
	Context                   *perspectiveContext                   `json:"context"`
	RequestedAttributes       map[string]perspectiveAttributeParams `json:"requestedAttributes"`
	Languages                 []string                              `json:"languages"`
	DoNotStore                bool                                  `json:"doNotStore"`
	SpanAnnotations           bool                                  `json:"spanAnnotations"`
	DropUnsupportedAttributes bool                                  `json:"dropUnsupportedAttributes"`
	ClientToken               string                                `json:"clientToken"`
	CommunityID               string                                `json:"communityId"`
	SessionID                 string                                `json:"sessionId"`
}

// perspectiveScore is Perspective's Score: a value and its type (always PROBABILITY here).
type perspectiveScore struct {
	Value float64 `json:"value"`
	Type  string  `json:"type"`
}

// perspectiveSpanScore is a score for the text between begin and end, counted in UTF-16 code
// units with end exclusive, as Perspective documents for SpanScore.
type perspectiveSpanScore struct {
	Begin int              `json:"begin"`
	End   int              `json:"end"`
	Score perspectiveScore `json:"score"`
}

// perspectiveAttributeScores is one attribute's answer: the summary score and, when asked
// for, per-sentence span scores.
type perspectiveAttributeScores struct {
	SummaryScore perspectiveScore       `json:"summaryScore"`
	SpanScores   []perspectiveSpanScore `json:"spanScores,omitempty"`
}

// analyzeResponse is the answer to comments:analyze (AnalyzeCommentResponse).
// DetectedLanguages is left out when the text is too short to tell its language.
type analyzeResponse struct {
	AttributeScores   map[string]perspectiveAttributeScores `json:"attributeScores,omitempty"`
	Languages         []string                              `json:"languages"`
	DetectedLanguages []string                              `json:"detectedLanguages,omitempty"`
	ClientToken       string                                `json:"clientToken,omitempty"`
}

// suggestedValue is a suggested Score. proto3 leaves a zero value out, so "summaryScore": {}
// (what the official Go client sends for a "not toxic" suggestion) means 0.
type suggestedValue struct {
	Value float64 `json:"value"`
}

// suggestedScore is one attribute's suggestion: a summary score, span scores, or both.
type suggestedScore struct {
	SummaryScore *suggestedValue `json:"summaryScore"`
	SpanScores   []struct {
		Score *suggestedValue `json:"score"`
	} `json:"spanScores"`
}

// value is the suggested score: the summary's, or with only span scores their highest (a
// comment is as toxic as its worst part). ok is false when neither was sent.
func (s suggestedScore) value() (v float64, ok bool) {
	if s.SummaryScore != nil {
		return s.SummaryScore.Value, true
	}
	for _, sp := range s.SpanScores {
		if sp.Score != nil && (!ok || sp.Score.Value > v) {
			v, ok = sp.Score.Value, true
		}
	}
	return v, ok
}

// suggestRequest is the body of POST /v1alpha1/comments:suggestscore
// (SuggestCommentScoreRequest). Span scores in suggestions are ignored.
type suggestRequest struct {
	Comment         perspectiveTextEntry      `json:"comment"`
	Context         *perspectiveContext       `json:"context"`
	AttributeScores map[string]suggestedScore `json:"attributeScores"`
	Languages       []string                  `json:"languages"`
	CommunityID     string                    `json:"communityId"`
	ClientToken     string                    `json:"clientToken"`
	SessionID       string                    `json:"sessionId"`
}

// suggestResponse is the answer to comments:suggestscore (SuggestCommentScoreResponse).
type suggestResponse struct {
	ClientToken        string   `json:"clientToken,omitempty"`
	RequestedLanguages []string `json:"requestedLanguages,omitempty"`
}

// perspectiveErrorBody is Google's error shape, which Perspective clients parse:
// {"error": {"code": 400, "message": "...", "status": "INVALID_ARGUMENT"}}.
type perspectiveErrorBody struct {
	Error perspectiveErrorDetail `json:"error"`
}

type perspectiveErrorDetail struct {
	Code    int                    `json:"code"`
	Message string                 `json:"message"`
	Status  string                 `json:"status"`
	Details []perspectiveErrorInfo `json:"details,omitempty"`
}

// perspectiveErrorInfoType is the @type Perspective gives its error details.
const perspectiveErrorInfoType = "type.googleapis.com/google.commentanalyzer.v1alpha1.Error"

// perspectiveErrorInfo is one entry of an error's details: Perspective's errorType, which
// clients branch on, and for a language error the attribute and languages concerned.
type perspectiveErrorInfo struct {
	Type                 string               `json:"@type"`
	ErrorType            string               `json:"errorType"`
	LanguageNotSupported *languageErrorDetail `json:"languageNotSupportedByAttributeError,omitempty"`
}

// languageErrorDetail names the attribute that does not support the languages.
type languageErrorDetail struct {
	DetectedLanguages []string `json:"detectedLanguages"`
	Attribute         string   `json:"attribute"`
}
