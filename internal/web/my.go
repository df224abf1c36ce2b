package web

import (
	"net/http"
	"net/url"
	"strconv"

	"govlake/internal/govlake"
)

// myView is "my organisation": the signed-in person's datasets, their
// drafts and recent runs, with the forms that act on them.
type myView struct {
	Who, Org, Role, CSRF string
	Done                 string // what the last action did
	Datasets             []myDataset
}

type myDataset struct {
	*govlake.Detail
	API      bool // defined through the API: uploads go here
	Versions []govlake.VersionSummary
}

func (s *Server) pageMy(w http.ResponseWriter, r *http.Request) {
	sess := sessionFrom(r.Context())
	if sess == nil {
		http.Redirect(w, r, "/signin?next=/my", http.StatusSeeOther)
		return
	}
	all, err := s.catalog.Datasets(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := myView{Who: sess.Email, Org: sess.Org, Role: sess.Role, CSRF: sess.CSRF, Done: r.URL.Query().Get("done")}
	for _, d := range all {
		if d.Organization != sess.Org {
			continue
		}
		det, err := s.catalog.Dataset(r.Context(), d.ID)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		md := myDataset{Detail: det, Versions: det.Versions}
		if s.Publisher != nil {
			_, md.API, _, _ = s.Publisher.Owner(r.Context(), d.ID)
		}
		v.Datasets = append(v.Datasets, md)
	}
	s.render(w, r, "my.html", v)
}

// uploadedView shows a form upload's run: its report, right after.
type uploadedView struct {
	Dataset string
	Run     *govlake.Run
}

func (s *Server) postMyUpload(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, s.MaxUpload+1<<20)
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		s.fail(w, r, govlake.Errorf(govlake.ETOOLARGE, "the form cannot be read (over %d bytes, or cut off)", s.MaxUpload))
		return
	}
	if err := checkCSRF(r); err != nil {
		s.fail(w, r, err)
		return
	}
	f, _, err := r.FormFile("file")
	if err != nil {
		s.fail(w, r, govlake.Errorf(govlake.EINVALID, "choose a file to upload"))
		return
	}
	defer f.Close()
	run, err := s.upload(r, r.PathValue("id"), r.FormValue("format"), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if run.Failed() {
		w.WriteHeader(http.StatusUnprocessableEntity)
	}
	s.render(w, r, "uploaded.html", uploadedView{Dataset: r.PathValue("id"), Run: run})
}

func (s *Server) postMyPublish(w http.ResponseWriter, r *http.Request) {
	if err := checkCSRF(r); err != nil {
		s.fail(w, r, err)
		return
	}
	n, _, err := s.publish(r, r.PathValue("id"), r.PathValue("n"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/my?"+url.Values{"done": {r.PathValue("id") + " version " + itoa(n) + " is published"}}.Encode(), http.StatusSeeOther)
}

func (s *Server) postMyWithdraw(w http.ResponseWriter, r *http.Request) {
	if err := checkCSRF(r); err != nil {
		s.fail(w, r, err)
		return
	}
	if r.FormValue("confirm") != "yes" {
		s.fail(w, r, govlake.Errorf(govlake.EINVALID, "tick the box that confirms the withdrawal: the version's data is deleted for good"))
		return
	}
	n, _, err := s.withdraw(r, r.PathValue("id"), r.PathValue("n"), r.FormValue("reason"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/my?"+url.Values{"done": {r.PathValue("id") + " version " + itoa(n) + " is withdrawn"}}.Encode(), http.StatusSeeOther)
}

func itoa(n int) string { return strconv.Itoa(n) }
