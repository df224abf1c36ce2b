package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"

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

// postMyCreate defines a dataset from the form on "my organization": its
// metadata, and a JSON Schema pasted in or left out (then DuckDB infers
// one from the first upload, shown on the dataset's page for review).
func (s *Server) postMyCreate(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, s.MaxBody)
	if err := checkCSRF(r); err != nil {
		s.fail(w, r, err)
		return
	}
	id := strings.TrimSpace(r.FormValue("id"))
	def := map[string]any{"title": strings.TrimSpace(r.FormValue("title")), "source": map[string]any{"format": r.FormValue("format")}}
	for _, k := range []string{"description", "license", "access"} {
		if v := strings.TrimSpace(r.FormValue(k)); v != "" {
			def[k] = v
		}
	}
	if tags := strings.TrimSpace(r.FormValue("tags")); tags != "" {
		def["tags"] = strings.Split(strings.ReplaceAll(tags, " ", ""), ",")
	}
	if sch := strings.TrimSpace(r.FormValue("schema")); sch != "" {
		var m map[string]any
		if err := json.Unmarshal([]byte(sch), &m); err != nil {
			s.fail(w, r, govlake.Errorf(govlake.EINVALID, "the schema is not a JSON object: paste a JSON Schema, or leave it empty to have one inferred from the first upload"))
			return
		}
		def["schema"] = m
	}
	body, _ := json.Marshal(def)
	if _, _, err := s.define(r, id, body, govlake.Errorf(govlake.ECONFLICT, "dataset %s exists already", id), "form"); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/my?"+url.Values{"done": {"dataset " + id + " is defined: upload its first version below"}}.Encode(), http.StatusSeeOther)
}
