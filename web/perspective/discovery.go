package perspective

import (
	"net"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
)

// The discovery document: Perspective's documented Python sample, and tools built on it,
// build their client from GET /$discovery/rest?version=v1alpha1 on the endpoint they are
// given. Tribune serves a document of its own describing the two methods it implements, with
// rootUrl pointing back at the address it was requested on, so that the client calls Tribune.

// discoveryPath is where Google's API front ends serve discovery documents.
const discoveryPath = "/$discovery/rest"

// perspectiveDiscovery serves the discovery document for version v1alpha1 (the default).
func (s *Handler) perspectiveDiscovery(c *gin.Context) {
	if v := c.Query("version"); v != "" && v != "v1alpha1" {
		s.fail(c, perspectiveErr(http.StatusNotFound, "NOT_FOUND",
			"Tribune implements commentanalyzer v1alpha1 only, not "+v))
		return
	}
	c.JSON(http.StatusOK, discoveryDocument(s.rootURL(c)))
}

// rootURL is the address the request was made on, with a trailing slash: the request's scheme
// and Host, or X-Forwarded-Proto and X-Forwarded-Host (and X-Forwarded-Prefix) when the
// request came through a trusted proxy (Options.TrustedProxies), which is how a Tribune
// behind a reverse proxy learns its public name.
func (s *Handler) rootURL(c *gin.Context) string {
	scheme, host, prefix := "http", c.Request.Host, ""
	if c.Request.TLS != nil {
		scheme = "https"
	}
	if s.trustedProxy(c.RemoteIP()) {
		if v := firstHeaderValue(c, "X-Forwarded-Proto"); v == "http" || v == "https" {
			scheme = v
		}
		if v := firstHeaderValue(c, "X-Forwarded-Host"); v != "" {
			host = v
		}
		prefix = strings.Trim(firstHeaderValue(c, "X-Forwarded-Prefix"), "/")
		if prefix != "" {
			prefix += "/"
		}
	}
	return scheme + "://" + host + "/" + prefix
}

// firstHeaderValue is the first entry of a comma-separated header: the one the proxy nearest
// the client wrote.
func firstHeaderValue(c *gin.Context, name string) string {
	v, _, _ := strings.Cut(c.GetHeader(name), ",")
	return strings.TrimSpace(v)
}

// trustedProxy reports whether ip is one of Options.TrustedProxies (addresses or CIDRs).
func (s *Handler) trustedProxy(ip string) bool {
	addr := net.ParseIP(ip)
	if addr == nil {
		return false
	}
	for _, p := range s.trustedProxies {
		if _, cidr, err := net.ParseCIDR(p); err == nil {
			if cidr.Contains(addr) {
				return true
			}
		} else if q := net.ParseIP(p); q != nil && q.Equal(addr) {
			return true
		}
	}
	return false
}

// jsonObject is a JSON object of the discovery document.
type jsonObject = map[string]any

// discoveryDocument describes the methods and schemas Tribune implements, in the discovery
// format (version v1) that Google's generated clients read.
func discoveryDocument(root string) jsonObject {
	method := func(id, name, desc, req, resp string) jsonObject {
		return jsonObject{"id": id, "path": "v1alpha1/comments:" + name, "flatPath": "v1alpha1/comments:" + name,
			"httpMethod": "POST", "description": desc, "parameters": jsonObject{}, "parameterOrder": []string{},
			"request": jsonObject{"$ref": req}, "response": jsonObject{"$ref": resp}}
	}
	str := func(desc string) jsonObject { return jsonObject{"type": "string", "description": desc} }
	ref := func(name string) jsonObject { return jsonObject{"$ref": name} }
	arrayOf := func(items jsonObject) jsonObject { return jsonObject{"type": "array", "items": items} }
	mapOf := func(items jsonObject) jsonObject { return jsonObject{"type": "object", "additionalProperties": items} }
	num := jsonObject{"type": "number", "format": "float"}
	integer := jsonObject{"type": "integer", "format": "int32"}
	boolean := jsonObject{"type": "boolean"}
	schema := func(id, desc string, props jsonObject) jsonObject {
		return jsonObject{"id": id, "type": "object", "description": desc, "properties": props}
	}
	return jsonObject{
		"kind": "discovery#restDescription", "discoveryVersion": "v1",
		"id": "commentanalyzer:v1alpha1", "name": "commentanalyzer", "version": "v1alpha1",
		"title": "Perspective Comment Analyzer API (Tribune)", "protocol": "rest",
		"description": "Tribune's Perspective-compatible comment analyzer: tone scores from a self-hosted model.",
		"rootUrl":     root, "servicePath": "", "baseUrl": root, "batchPath": "batch",
		"parameters": jsonObject{
			"key":         jsonObject{"type": "string", "location": "query", "description": "Tribune API key."},
			"alt":         jsonObject{"type": "string", "location": "query", "default": "json", "enum": []string{"json"}, "description": "Data format for the response."},
			"fields":      jsonObject{"type": "string", "location": "query", "description": "Ignored by Tribune."},
			"prettyPrint": jsonObject{"type": "boolean", "location": "query", "default": "true", "description": "Ignored by Tribune."},
			"quotaUser":   jsonObject{"type": "string", "location": "query", "description": "Ignored by Tribune."},
		},
		"resources": jsonObject{"comments": jsonObject{"methods": jsonObject{
			"analyze": method("commentanalyzer.comments.analyze", "analyze",
				"Analyzes the provided text and returns scores for requested attributes.",
				"AnalyzeCommentRequest", "AnalyzeCommentResponse"),
			"suggestscore": method("commentanalyzer.comments.suggestscore", "suggestscore",
				"Suggest comment scores as training data.",
				"SuggestCommentScoreRequest", "SuggestCommentScoreResponse"),
		}}},
		"schemas": jsonObject{
			"TextEntry": schema("TextEntry", "A text and its type.", jsonObject{
				"text": str("UTF-8 text."), "type": jsonObject{"type": "string", "enum": textTypeNames}}),
			"ArticleAndParentComment": schema("ArticleAndParentComment", "The article and parent comment of a comment.", jsonObject{
				"article": ref("TextEntry"), "parentComment": ref("TextEntry")}),
			"Context": schema("Context", "Context of a comment.", jsonObject{
				"entries": arrayOf(ref("TextEntry")), "articleAndParentComment": ref("ArticleAndParentComment")}),
			"AttributeParameters": schema("AttributeParameters", "What is asked of one attribute.", jsonObject{
				"scoreType":      jsonObject{"type": "string", "enum": scoreTypeNames},
				"scoreThreshold": num}),
			"Score": schema("Score", "A score and its type.", jsonObject{
				"value": num, "type": jsonObject{"type": "string", "enum": scoreTypeNames}}),
			"SpanScore": schema("SpanScore", "A score for a part of the text, in UTF-16 code units.", jsonObject{
				"begin": integer, "end": integer, "score": ref("Score")}),
			"AttributeScores": schema("AttributeScores", "One attribute's scores.", jsonObject{
				"summaryScore": ref("Score"), "spanScores": arrayOf(ref("SpanScore"))}),
			"AnalyzeCommentRequest": schema("AnalyzeCommentRequest", "The comment to analyze.", jsonObject{
				"comment": ref("TextEntry"), "context": ref("Context"),
				"requestedAttributes": mapOf(ref("AttributeParameters")), "languages": arrayOf(str("Language code.")),
				"doNotStore": boolean, "spanAnnotations": boolean, "dropUnsupportedAttributes": boolean,
				"clientToken": str("Echoed in the answer."), "communityId": str("The community."), "sessionId": str("Ignored.")}),
			"AnalyzeCommentResponse": schema("AnalyzeCommentResponse", "The scores of a comment.", jsonObject{
				"attributeScores": mapOf(ref("AttributeScores")), "languages": arrayOf(str("Language code.")),
				"detectedLanguages": arrayOf(str("Language code.")), "clientToken": str("The request's.")}),
			"SuggestCommentScoreRequest": schema("SuggestCommentScoreRequest", "Suggested scores of a comment.", jsonObject{
				"comment": ref("TextEntry"), "context": ref("Context"), "attributeScores": mapOf(ref("AttributeScores")),
				"languages": arrayOf(str("Language code.")), "communityId": str("The community."),
				"clientToken": str("Echoed in the answer."), "sessionId": str("Ignored.")}),
			"SuggestCommentScoreResponse": schema("SuggestCommentScoreResponse", "The answer to a suggestion.", jsonObject{
				"clientToken": str("The request's."), "requestedLanguages": arrayOf(str("Language code.")),
				"detectedLanguages": arrayOf(str("Language code."))}),
		},
	}
}
