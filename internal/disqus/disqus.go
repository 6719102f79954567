// Package disqus reads a Disqus comment export (the XML file "Export comments" in a forum's
// admin writes) as rows for moderation.Importer, one post at a time.
package disqus

import (
	"bufio"
	"encoding/xml"
	"errors"
	"fmt"
	"html"
	"io"
	"strings"
	"time"

	"github.com/tribune/tribune/moderation"
)

// A Disqus export ("Export comments" in a forum's admin) is one XML document:
//
//	<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">
//	  <category dsq:id="…">…</category>
//	  <thread dsq:id="T1"><id>site-identifier</id><link>URL</link><title>…</title>…</thread>
//	  <post dsq:id="P1">
//	    <message><![CDATA[<p>HTML</p>]]></message>
//	    <createdAt>2013-04-02T10:31:07Z</createdAt>
//	    <isDeleted>false</isDeleted><isSpam>false</isSpam>
//	    <author><name>…</name><isAnonymous>false</isAnonymous><username>…</username></author>
//	    <thread dsq:id="T1"/><parent dsq:id="P0"/>
//	  </post>
//	</disqus>
//
// Threads come before the posts that refer to them. A Reader walks it with a streaming
// decoder, so memory holds one post (and the thread index) whatever the file's size.

type ref struct {
	Attrs []xml.Attr `xml:",any,attr"`
}

// id returns the dsq:id attribute; matching on the local name alone accepts exports whose
// namespace prefix differs.
func (r ref) id() string {
	for _, a := range r.Attrs {
		if a.Name.Local == "id" {
			return a.Value
		}
	}
	return ""
}

type threadElem struct {
	ref
	Identifier string `xml:"id"`
	Link       string `xml:"link"`
	Title      string `xml:"title"`
}

type postElem struct {
	ref
	Message   string `xml:"message"`
	CreatedAt string `xml:"createdAt"`
	IsDeleted bool   `xml:"isDeleted"`
	IsSpam    bool   `xml:"isSpam"`
	Author    struct {
		Name        string `xml:"name"`
		Username    string `xml:"username"`
		IsAnonymous bool   `xml:"isAnonymous"`
	} `xml:"author"`
	Thread ref  `xml:"thread"`
	Parent *ref `xml:"parent"`
}

// article is what Tribune knows of a Disqus thread.
type article struct{ id, title, url string }

// MaxTokenBytes bounds the bytes the XML decoder may read for one token or element
// (a post is at most moderation.MaxCommentBytes of text, plus its markup and metadata), so a
// hostile or broken export fails at the limit instead of being buffered whole.
const MaxTokenBytes = 1 << 20

// ErrTooLarge is the error for an element over MaxTokenBytes.
var ErrTooLarge = fmt.Errorf("an element is larger than %d bytes", MaxTokenBytes)

// boundedReader lets the XML decoder read at most limit bytes after each reset. It is an
// io.ByteReader, so the decoder reads through it byte by byte without its own read-ahead and
// the count is exact.
type boundedReader struct {
	r     *bufio.Reader
	n     int64
	limit int64
}

func (b *boundedReader) ReadByte() (byte, error) {
	if b.n >= b.limit {
		return 0, ErrTooLarge
	}
	b.n++
	return b.r.ReadByte()
}

func (b *boundedReader) Read(p []byte) (int, error) {
	if b.n >= b.limit {
		return 0, ErrTooLarge
	}
	p = p[:min(int64(len(p)), b.limit-b.n)]
	n, err := b.r.Read(p)
	b.n += int64(n)
	return n, err
}

// reset starts a new budget, before each token or element.
func (b *boundedReader) reset() { b.n = 0 }

// Reader yields a Disqus export's live posts as import rows.
type Reader struct {
	in      *boundedReader
	dec     *xml.Decoder
	threads map[string]article
	Deleted int // posts skipped because Disqus marks them deleted
	Spam    int // posts skipped because Disqus marks them spam
}

// NewReader returns a Reader of the export r.
func NewReader(r io.Reader) *Reader {
	in := &boundedReader{r: bufio.NewReader(r), limit: MaxTokenBytes}
	return &Reader{in: in, dec: xml.NewDecoder(in), threads: map[string]article{}}
}

// Next returns the next live post, or io.EOF. A post with an unreadable time is an
// *moderation.InputError naming it; the export can be read on after it.
func (d *Reader) Next() (moderation.ImportRow, error) {
	for {
		d.in.reset()
		tok, err := d.dec.Token()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return moderation.ImportRow{}, io.EOF
			}
			return moderation.ImportRow{}, fmt.Errorf("disqus xml: %w", err)
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		d.in.reset()
		switch se.Name.Local {
		case "disqus":
			continue // the root: walk into it
		case "thread":
			var t threadElem
			if err := d.dec.DecodeElement(&t, &se); err != nil {
				return moderation.ImportRow{}, fmt.Errorf("disqus xml: thread: %w", err)
			}
			d.threads[t.id()] = threadArticle(t)
		case "post":
			var p postElem
			if err := d.dec.DecodeElement(&p, &se); err != nil {
				return moderation.ImportRow{}, fmt.Errorf("disqus xml: post: %w", err)
			}
			switch {
			case p.IsDeleted:
				d.Deleted++
			case p.IsSpam:
				d.Spam++
			default:
				return d.row(p)
			}
		default:
			if err := d.dec.Skip(); err != nil { // categories and anything else
				return moderation.ImportRow{}, fmt.Errorf("disqus xml: %w", err)
			}
		}
	}
}

// threadArticle maps a thread to an article: the site's own identifier when Disqus has it
// (it is what the site passes as disqus_identifier, so it matches the site's article IDs),
// else the page URL, else the Disqus thread ID.
func threadArticle(t threadElem) article {
	id := strings.TrimSpace(t.Identifier)
	if id == "" {
		id = strings.TrimSpace(t.Link)
	}
	if id == "" || len(id) > moderation.MaxIDBytes {
		id = "disqus-thread-" + t.id()
	}
	return article{id: id, title: strings.TrimSpace(t.Title), url: strings.TrimSpace(t.Link)}
}

func (d *Reader) row(p postElem) (moderation.ImportRow, error) {
	a, ok := d.threads[p.Thread.id()]
	if !ok {
		a = article{id: "disqus-thread-" + p.Thread.id()}
	}
	author := moderation.Author{Name: strings.TrimSpace(p.Author.Name)}
	switch u := strings.TrimSpace(p.Author.Username); {
	case u != "" && !p.Author.IsAnonymous:
		author.ID = "disqus:" + u
	default:
		author.ID = "disqus-guest:" + author.Name
	}
	row := moderation.ImportRow{
		Comment: moderation.Comment{ArticleID: a.id, Author: author, Text: HTMLToText(p.Message),
			ExternalID: p.id()},
		ArticleTitle: a.title, ArticleURL: a.url,
	}
	if p.Parent != nil {
		row.ParentExternalID = p.Parent.id()
	}
	if s := strings.TrimSpace(p.CreatedAt); s != "" {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			return row, &moderation.InputError{Field: "createdAt", Reason: fmt.Sprintf("post %s: %q is not an RFC 3339 time", p.id(), s)}
		}
		row.Comment.CreatedAt = t
	}
	return row, nil
}

// HTMLToText turns a Disqus message (a small HTML fragment: p, br, a, b, i, blockquote, code)
// into plain text: block ends become newlines, tags go, entities are decoded.
func HTMLToText(s string) string {
	var b strings.Builder
	for len(s) > 0 {
		i := strings.IndexByte(s, '<')
		if i < 0 {
			b.WriteString(s)
			break
		}
		b.WriteString(s[:i])
		j := strings.IndexByte(s[i:], '>')
		if j < 0 {
			b.WriteString(s[i:]) // a stray '<': keep it as text
			break
		}
		tag := strings.ToLower(strings.Trim(s[i+1:i+j], "/ "))
		if name, _, _ := strings.Cut(tag, " "); name == "br" || name == "p" || name == "blockquote" || name == "li" {
			b.WriteByte('\n')
		}
		s = s[i+j+1:]
	}
	text := html.UnescapeString(b.String())
	lines := strings.Split(text, "\n")
	out := lines[:0]
	for _, l := range lines {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
