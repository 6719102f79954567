package perspective

import (
	"fmt"
	"maps"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/tribune/tribune/moderation"
)

// assessComment scores a Perspective comment with its context. The service reads comments of
// up to moderation.MaxCommentBytes, a little under Perspective's 20,480: a longer text is
// scored in two parts cut at a sentence end, and each tone is the higher of the two parts'
// scores (a comment is as toxic as its worst part); the language and everything else are the
// first part's. Context only informs stance, which Perspective's answer does not carry, so
// it is scored once, and only its first moderation.MaxArticleBytes (the limit of an article
// on /api/v1), however much of the 1 MB Perspective allows was sent.
func (s *Handler) assessComment(c *gin.Context, text, context string) (moderation.Assessment, error) {
	ctx := c.Request.Context()
	context = cutUTF8(context, moderation.MaxArticleBytes)
	if len(text) <= moderation.MaxCommentBytes {
		a, _, _, err := s.Svc.Score(ctx, text, context)
		return a, err
	}
	cut := splitPoint(text, moderation.MaxCommentBytes)
	a, _, _, err := s.Svc.Score(ctx, text[:cut], context)
	if err != nil {
		return moderation.Assessment{}, err
	}
	if strings.TrimSpace(text[cut:]) == "" {
		return a, nil
	}
	rest, _, _, err := s.Svc.Score(ctx, text[cut:], "")
	if err != nil {
		return moderation.Assessment{}, err
	}
	tone := maps.Clone(a.Scores.Tone)
	for head, v := range rest.Scores.Tone {
		if w, ok := tone[head]; !ok || v > w {
			tone[head] = v
		}
	}
	a.Scores.Tone = tone
	return a, nil
}

// cutUTF8 returns the longest prefix of s of at most n bytes that ends on a character boundary.
func cutUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// splitPoint is where to cut text so that its first part has at most n bytes: after the last
// sentence that fits, or at a character boundary when not even the first sentence does.
func splitPoint(text string, n int) int {
	cut := 0
	for _, sp := range sentences(text) {
		if sp.end > n {
			break
		}
		cut = sp.end
	}
	if cut == 0 {
		cut = len(cutUTF8(text, n))
	}
	return cut
}

// contextBytes is the total size of a request's context texts.
func contextBytes(c *perspectiveContext) int {
	if c == nil {
		return 0
	}
	n := 0
	if ap := c.ArticleAndParentComment; ap != nil {
		for _, e := range []*perspectiveTextEntry{ap.Article, ap.ParentComment} {
			if e != nil {
				n += len(e.Text)
			}
		}
	}
	for _, e := range c.Entries {
		n += len(e.Text)
	}
	return n
}

// checkPerspectiveContext refuses context entries over Perspective's 1 MB in total.
func checkPerspectiveContext(c *perspectiveContext) error {
	if n := contextBytes(c); n > perspectiveMaxContextBytes {
		return invalidArgument(fmt.Sprintf("context is %d bytes in total; the limit is %d bytes (1 MB)", n, perspectiveMaxContextBytes))
	}
	return nil
}

// wholeText is the one span Perspective answers when spanAnnotations is not set: the whole
// text, with the summary scores.
func wholeText(text string, tone map[string]float64) sentenceScores {
	return sentenceScores{span: byteSpan{0, len(text)}, tone: tone, begin: 0, end: utf16Offsets(text, []int{len(text)})[0]}
}
