package disqus

import "testing"

func TestHTMLToText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", "plain"},
		{"<p>a</p><p>b</p>", "a\nb"},
		{"x<br/>y<br>z", "x\ny\nz"},
		{`<a href="u">link</a> &amp; &quot;q&quot;`, `link & "q"`},
		{"1 < 2", "1 < 2"},
	}
	for _, tt := range tests {
		if got := HTMLToText(tt.in); got != tt.want {
			t.Errorf("HTMLToText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
