package web

import (
	"errors"
	"net/http"

	"govlake/internal/govlake"
)

// bounded gives a route's request body its bound: MaxUpload (and a
// megabyte for the form around the file) where a file is uploaded, MaxBody
// elsewhere. A body announced as larger is answered 413 before it is read;
// one that grows past the bound fails its read with ETOOLARGE (bodyError).
func (s *Server) bounded(rt route, h http.HandlerFunc) http.HandlerFunc {
	upload := rt.upload || len(rt.bodyMedia) > 0
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Body == nil || r.Body == http.NoBody {
			h(w, r)
			return
		}
		limit := s.MaxBody
		if upload {
			limit = s.MaxUpload + 1<<20
		}
		if r.ContentLength > limit {
			s.fail(w, r, tooLarge(limit))
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		h(w, r)
	}
}

func tooLarge(limit int64) error {
	return govlake.Errorf(govlake.ETOOLARGE, "the request body is larger than %s, the most this address takes", govlake.ByteSize(limit))
}

// bodyError says why a request body could not be read: too large (413),
// too slow (idleReader's error), or else malformed, in the words given.
func bodyError(err error, malformed string, args ...any) error {
	var mb *http.MaxBytesError
	switch {
	case errors.As(err, &mb):
		return tooLarge(mb.Limit)
	case govlake.ErrorCode(err) != govlake.EINTERNAL:
		return err
	}
	return govlake.Errorf(govlake.EINVALID, malformed, args...)
}
