package dashboard

import (
	"compress/gzip"
	"strings"
	"sync"

	"github.com/gin-gonic/gin"
)

// gzipPool reuses compressors: a gzip.Writer holds about 800 KB of tables.
var gzipPool = sync.Pool{New: func() any {
	w, _ := gzip.NewWriterLevel(nil, gzip.DefaultCompression) // the level is valid: no error
	return w
}}

// gzipResponses compresses the dashboard's text responses (pages, fragments, scripts, styles,
// JSON) for clients that accept gzip: a queue page of 25 cards shrinks several times. It
// decides on the first write, by the response's content type, so images and empty answers
// (redirects, 304) pass through untouched. Range requests are served whole: a byte range of
// the compressed stream would not be the range asked for.
func gzipResponses(c *gin.Context) {
	if !acceptsGzip(c.GetHeader("Accept-Encoding")) || c.Request.Method == "HEAD" {
		c.Next()
		return
	}
	c.Request.Header.Del("Range")
	w := &gzipWriter{ResponseWriter: c.Writer}
	c.Writer = w
	defer w.finish()
	c.Header("Vary", "Accept-Encoding")
	c.Next()
}

// acceptsGzip reports whether an Accept-Encoding header allows gzip (q=0 refuses it).
func acceptsGzip(header string) bool {
	for _, part := range strings.Split(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(name), "gzip") {
			q := strings.ReplaceAll(strings.TrimSpace(params), " ", "")
			return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
		}
	}
	return false
}

// gzipWriter compresses what is written through it once the first write shows a text type.
type gzipWriter struct {
	gin.ResponseWriter
	zw      *gzip.Writer
	decided bool
}

func (w *gzipWriter) decide() {
	if w.decided {
		return
	}
	w.decided = true
	h := w.Header()
	if h.Get("Content-Encoding") != "" || !compressible(h.Get("Content-Type")) {
		return
	}
	h.Set("Content-Encoding", "gzip")
	// The length set for the plain body (http.FileServer sets one) would be wrong.
	h.Del("Content-Length")
	w.zw = gzipPool.Get().(*gzip.Writer)
	w.zw.Reset(w.ResponseWriter)
}

// Write implements io.Writer.
func (w *gzipWriter) Write(b []byte) (int, error) {
	w.decide()
	if w.zw == nil {
		return w.ResponseWriter.Write(b)
	}
	return w.zw.Write(b)
}

// WriteString implements io.StringWriter (gin's c.String uses it).
func (w *gzipWriter) WriteString(s string) (int, error) { return w.Write([]byte(s)) }

// finish flushes the compressed stream and returns the compressor to the pool.
func (w *gzipWriter) finish() {
	if w.zw == nil {
		return
	}
	_ = w.zw.Close() // a failed write to the client has nowhere to be reported
	gzipPool.Put(w.zw)
	w.zw = nil
}

// compressible reports whether a content type is text worth compressing.
func compressible(ct string) bool {
	ct, _, _ = strings.Cut(ct, ";")
	ct = strings.TrimSpace(strings.ToLower(ct))
	return strings.HasPrefix(ct, "text/") || ct == "application/json" || ct == "application/javascript" ||
		ct == "image/svg+xml"
}
