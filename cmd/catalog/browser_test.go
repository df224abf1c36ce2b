package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// chromium finds Debian's chromium; the test script installs it. In CI a
// missing browser fails the test rather than skipping it.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{os.Getenv("CHROMIUM"), "chromium", "chromium-browser"} {
		if name == "" {
			continue
		}
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("chromium is not installed; the test script installs it (apt-get install chromium)")
	}
	t.Skip("chromium is not installed")
	return ""
}

// browse loads a page in headless chromium and returns the DOM after scripts ran.
func browse(t *testing.T, bin, url string, extra ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	args := append([]string{
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--disable-dev-shm-usage", "--user-data-dir=" + t.TempDir(),
	}, extra...)
	args = append(args, "--dump-dom", url)
	out, err := exec.CommandContext(ctx, bin, args...).Output()
	if err != nil {
		t.Fatalf("chromium %s: %v", url, err)
	}
	return string(out)
}

func TestBrowserPages(t *testing.T) {
	bin := chromium(t)
	base := bundledCatalog(t)

	dom := browse(t, bin, base+"/")
	rows := regexp.MustCompile(`<tr data-id="([a-z_]+)">`).FindAllStringSubmatch(dom, -1)
	var ids []string
	for _, r := range rows {
		ids = append(ids, r[1])
	}
	if strings.Join(ids, ",") != "country_codes,country_groups,egdi,gdp,internet_users,population,retail_prices" {
		t.Errorf("catalogue rows in the browser: %v", ids)
	}

	dom = browse(t, bin, base+"/datasets/egdi")
	for _, w := range []string{"UN E-Government Development Index", `<dd id="license">UN DESA`, "e-gov-index", "float64"} {
		if !strings.Contains(dom, w) {
			t.Errorf("egdi page lacks %q", w)
		}
	}
	preview := dom[strings.Index(dom, `id="preview"`):]
	preview = preview[:strings.Index(preview, "</table>")]
	if n := strings.Count(preview, "<tr>"); n != 21 {
		t.Errorf("preview shows %d rows, want 20", n-1)
	}

	dom = browse(t, bin, base+"/query?sql=SELECT+count(*)+AS+n+FROM+population")
	if !strings.Contains(dom, "<td>17,195</td>") {
		t.Errorf("SQL console result missing")
	}

	// A screenshot, kept for people to look at when the test runs with -v.
	shot := filepath.Join(t.TempDir(), "dataset.png")
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
		"--user-data-dir="+t.TempDir(), "--window-size=1280,1600", "--screenshot="+shot, base+"/datasets/population")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("screenshot: %v %s", err, out)
	}
	if st, err := os.Stat(shot); err != nil || st.Size() < 10000 {
		t.Fatalf("screenshot %v %v", st, err)
	}
	if dir := os.Getenv("GOVLAKE_SCREENSHOTS"); dir != "" {
		b, _ := os.ReadFile(shot)
		os.WriteFile(filepath.Join(dir, "dataset.png"), b, 0o644)
	}
}
