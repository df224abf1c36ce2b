package main

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// pagePlan is one page for e2e/browse.mjs to visit, in Debian's chromium
// driven by playwright-core.
type pagePlan struct {
	URL        string `json:"url"`
	Screenshot string `json:"screenshot,omitempty"`
	PDF        string `json:"pdf,omitempty"`
	Axe        bool   `json:"axe,omitempty"`
	Width      int    `json:"width,omitempty"`
	Height     int    `json:"height,omitempty"`
	Download   string `json:"download,omitempty"` // a selector to click that downloads a file
	JavaScript *bool  `json:"javascript,omitempty"`
	Locale     string `json:"locale,omitempty"` // the browser's language (Accept-Language)
	Steps      []step `json:"steps,omitempty"`
}

// step is one thing done on a page: fill a field, choose a file, tick a
// box, click, or submit (click and wait for the next page).
type step struct {
	Fill     []string `json:"fill,omitempty"`
	File     []string `json:"file,omitempty"`
	Check    string   `json:"check,omitempty"`
	Select   []string `json:"select,omitempty"`   // a select and the value to choose
	Type     string   `json:"type,omitempty"`     // keys typed into the focused element
	Attached string   `json:"attached,omitempty"` // wait for an element, seen or not
	Press    string   `json:"press,omitempty"`    // a key pressed (Tab, Enter ...); the focus is noted
	Click    string   `json:"click,omitempty"`
	WaitFor  string   `json:"waitFor,omitempty"`
	Submit   string   `json:"submit,omitempty"`
}

// pageSeen is what the browser saw on a page.
type pageSeen struct {
	URL      string
	FinalURL string `json:"finalURL"`
	Status   int
	Error    string
	HTML     string
	Console  []string
	Requests []string
	Chart    []struct {
		ID            string
		SVGPaths      int `json:"svgPaths"`
		CanvasPainted int `json:"canvasPainted"`
		Width, Height float64
	}
	Axe []struct {
		ID, Impact, Help string
		Nodes            []string
	}
	Overflow struct {
		ScrollWidth int `json:"scrollWidth"`
		ClientWidth int `json:"clientWidth"`
		Wide        []string
	}
	Download *struct{ Name, Path string }
	MS       int      `json:"ms"`      // how long the visit took
	Focused  []string `json:"focused"` // the focused element after each key pressed
	Steps    []struct {
		URL    string
		Status int
	}
}

// drive runs e2e/browse.mjs over the pages and returns what it saw. node
// and the npm packages (npm ci, by the test script) must be there; in CI
// their absence fails the test.
func drive(t *testing.T, pages []pagePlan) []pageSeen {
	t.Helper()
	bin := chromium(t)
	node, err := exec.LookPath("node")
	root, _ := filepath.Abs("../..")
	if _, statErr := os.Stat(filepath.Join(root, "node_modules", "playwright-core")); err != nil || statErr != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("node or the npm packages are missing; the test script runs npm ci")
		}
		t.Skip("node or node_modules/playwright-core is missing: run npm ci")
	}
	plan, _ := json.Marshal(map[string]any{"chromium": bin, "pages": pages})
	planFile := filepath.Join(t.TempDir(), "plan.json")
	os.WriteFile(planFile, plan, 0o644)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, filepath.Join(root, "e2e", "browse.mjs"), planFile)
	cmd.Dir = root
	var stderr []byte
	out, err := cmd.Output()
	if ee, ok := err.(*exec.ExitError); ok {
		stderr = ee.Stderr
	}
	if err != nil {
		t.Fatalf("e2e/browse.mjs: %v\n%s", err, stderr)
	}
	var res struct{ Pages []pageSeen }
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("e2e/browse.mjs answered %.300s: %v", out, err)
	}
	for _, p := range res.Pages {
		if p.Error != "" {
			t.Errorf("%s: %s", p.URL, p.Error)
		}
	}
	return res.Pages
}

// shotDir is where screenshots go: the test's artifact folder, kept with
// go test -artifacts (the test script keeps them under test-output/).
func shotDir(t *testing.T) string {
	return t.ArtifactDir()
}
