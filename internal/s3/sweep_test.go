package s3

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"

	"govlake/internal/vgwtest"
)

// A killed upload leaves a multipart upload on the server; AbortUploads
// aborts those under the store's prefix begun before the time given, and
// nothing else.
func TestAbortUploads(t *testing.T) {
	ctx := context.Background()
	srv := vgwtest.Start(t)
	s := bucketStore(t, srv, "lake")
	start := func(key string) {
		up, err := s.client.CreateMultipartUpload(ctx, &awss3.CreateMultipartUploadInput{Bucket: aws.String(s.cfg.Bucket), Key: aws.String(key)})
		if err != nil {
			t.Fatal(err)
		}
		_, err = s.client.UploadPart(ctx, &awss3.UploadPartInput{Bucket: aws.String(s.cfg.Bucket), Key: aws.String(key),
			UploadId: up.UploadId, PartNumber: aws.Int32(1), Body: strings.NewReader(strings.Repeat("x", 1<<20))})
		if err != nil {
			t.Fatal(err)
		}
	}
	start("lake/datasets/pop/raw/abc")
	start("lake/datasets/gdp/versions/00000002/part-00000.parquet")
	start("other/datasets/pop/raw/abc") // another store's, in the same bucket
	left := func() []string {
		out, err := s.client.ListMultipartUploads(ctx, &awss3.ListMultipartUploadsInput{Bucket: aws.String(s.cfg.Bucket)})
		if err != nil {
			t.Fatal(err)
		}
		var keys []string
		for _, u := range out.Uploads {
			keys = append(keys, aws.ToString(u.Key))
		}
		return keys
	}
	if n, err := s.AbortUploads(ctx, "", time.Now().Add(-time.Hour)); n != 0 || err != nil {
		t.Fatalf("uploads begun just now were aborted as an hour old: %d %v", n, err)
	}
	if n, err := s.AbortUploads(ctx, "datasets/pop/", time.Now().Add(time.Minute)); n != 1 || err != nil {
		t.Fatalf("aborted %d under datasets/pop/ (%v), want 1", n, err)
	}
	if n, err := s.AbortUploads(ctx, "", time.Now().Add(time.Minute)); n != 1 || err != nil {
		t.Fatalf("aborted %d under the store (%v), want the remaining 1", n, err)
	}
	if got := left(); len(got) != 1 || got[0] != "other/datasets/pop/raw/abc" {
		t.Errorf("uploads left %v, want only the other store's", got)
	}
}

// The bucket gets a rule that aborts unfinished uploads, beside the rules
// it had, where the server has lifecycle rules at all.
func TestEnsureAbortRule(t *testing.T) {
	ctx := context.Background()
	srv := vgwtest.Start(t)
	s := bucketStore(t, srv, "lake")
	got, err := s.EnsureAbortRule(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("versitygw: %s", got)
	if strings.HasPrefix(got, "not supported") {
		return
	}
	if !strings.HasPrefix(got, "added") {
		t.Fatalf("first call: %s", got)
	}
	if again, err := s.EnsureAbortRule(ctx, 1); err != nil || !strings.HasPrefix(again, "present") {
		t.Errorf("second call: %s %v", again, err)
	}
}

// The merge of the rule into a bucket's other rules, against a server
// that has lifecycle rules (versitygw has none): a fake that keeps the
// configuration it is given.
func TestEnsureAbortRuleKeepsOtherRules(t *testing.T) {
	var stored string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, ok := r.URL.Query()["lifecycle"]; !ok {
			http.Error(w, "unexpected", http.StatusBadRequest)
			return
		}
		switch r.Method {
		case http.MethodGet:
			if stored == "" {
				w.WriteHeader(http.StatusNotFound)
				io.WriteString(w, `<Error><Code>NoSuchLifecycleConfiguration</Code><Message>none</Message></Error>`)
				return
			}
			io.WriteString(w, stored)
		case http.MethodPut:
			b, _ := io.ReadAll(r.Body)
			stored = string(b)
		}
	}))
	defer srv.Close()
	t.Setenv("AWS_ACCESS_KEY_ID", "k")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "s")
	s := newStore(t, "s3://b/lake?endpoint="+srv.URL, nil)
	stored = `<LifecycleConfiguration><Rule><ID>old-tmp</ID><Filter><Prefix>tmp/</Prefix></Filter><Status>Enabled</Status><Expiration><Days>3</Days></Expiration></Rule></LifecycleConfiguration>`
	got, err := s.EnsureAbortRule(context.Background(), 1)
	if err != nil || !strings.HasPrefix(got, "added") {
		t.Fatalf("%s %v", got, err)
	}
	for _, want := range []string{"<ID>old-tmp</ID>", "<Prefix>tmp/</Prefix>", "<Days>3</Days>",
		"<ID>govlake-abort-incomplete-uploads</ID>", "<Prefix>lake/</Prefix>", "<DaysAfterInitiation>1</DaysAfterInitiation>"} {
		if !strings.Contains(stored, want) {
			t.Errorf("the configuration written lacks %s: %s", want, stored)
		}
	}
	if again, err := s.EnsureAbortRule(context.Background(), 1); err != nil || !strings.HasPrefix(again, "present") {
		t.Errorf("second call: %s %v", again, err)
	}
}
