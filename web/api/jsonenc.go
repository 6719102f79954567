package api

import (
	"strconv"

	"github.com/tribune/tribune/internal/jsonx"
)

// Hand-written JSON for the hot responses (POST /api/v1/score and /api/v1/comments): the
// scores and explanation maps were a quarter of a score request's CPU through encoding/json,
// which sorts map keys by reflection and allocates per element. The pieces come from jsonx,
// which writes what encoding/json writes for the same values (sorted keys, HTML-safe strings,
// the same float format), so clients see no difference.

// MarshalJSON encodes the scores as encoding/json would, without reflection.
func (s scoresJSON) MarshalJSON() ([]byte, error) {
	return s.appendJSON(make([]byte, 0, 256))
}

func (s scoresJSON) appendJSON(b []byte) ([]byte, error) {
	b = append(b, `{"tone":`...)
	b, err := jsonx.AppendFloatMap(b, s.Tone)
	if err != nil {
		return nil, err
	}
	if len(s.Stance) > 0 {
		b = append(b, `,"stance":`...)
		if b, err = jsonx.AppendFloatMap(b, s.Stance); err != nil {
			return nil, err
		}
	}
	if s.StanceLabel != "" {
		b = jsonx.AppendString(append(b, `,"stance_label":`...), s.StanceLabel)
	}
	return append(b, '}'), nil
}

// MarshalJSON encodes the explanation as encoding/json would, without reflection.
func (e explanationJSON) MarshalJSON() ([]byte, error) {
	return e.appendJSON(make([]byte, 0, 4096))
}

func (e explanationJSON) appendJSON(b []byte) ([]byte, error) {
	if e == nil {
		return append(b, "null"...), nil
	}
	b = append(b, '{')
	var err error
	var buf [8]string
	for i, h := range jsonx.SortedKeys(buf[:0], e) {
		if b, err = appendContributions(jsonx.AppendKey(b, i, h), e[h]); err != nil {
			return nil, err
		}
	}
	return append(b, '}'), nil
}

// appendContributions appends one head's contributions as encoding/json writes the slice.
func appendContributions(b []byte, cs []contributionJSON) ([]byte, error) {
	if cs == nil {
		return append(b, "null"...), nil
	}
	b = append(b, '[')
	var err error
	for j, c := range cs {
		b = jsonx.AppendString(append(jsonx.Comma(b, j), `{"feature":`...), c.Feature)
		if c.Class != "" {
			b = jsonx.AppendString(append(b, `,"class":`...), c.Class)
		}
		if b, err = jsonx.AppendFloat(append(b, `,"weight":`...), c.Weight); err != nil {
			return nil, err
		}
		if c.Start != nil {
			b = strconv.AppendInt(append(b, `,"start":`...), int64(*c.Start), 10)
		}
		if c.End != nil {
			b = strconv.AppendInt(append(b, `,"end":`...), int64(*c.End), 10)
		}
		b = append(b, '}')
	}
	return append(b, ']'), nil
}

// appendJSON encodes the score response as encoding/json would encode the struct.
func (r scoreResponse) appendJSON(b []byte) ([]byte, error) {
	b = jsonx.AppendString(append(b, `{"verdict":`...), r.Verdict)
	b = append(b, `,"reasons":`...)
	if r.Reasons == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i, rs := range r.Reasons {
			b = jsonx.AppendString(append(jsonx.Comma(b, i), `{"code":`...), rs.Code)
			b = jsonx.AppendString(append(b, `,"message":`...), rs.Message)
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	b = jsonx.AppendString(append(b, `,"model_version":`...), r.ModelVersion)
	b = jsonx.AppendString(append(b, `,"language":`...), r.Language)
	b, err := r.Scores.appendJSON(append(b, `,"scores":`...))
	if err != nil {
		return nil, err
	}
	if len(r.Explanation) > 0 {
		if b, err = r.Explanation.appendJSON(append(b, `,"explanation":`...)); err != nil {
			return nil, err
		}
	}
	return append(b, '}'), nil
}
