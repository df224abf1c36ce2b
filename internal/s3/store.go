// Package s3 implements the object store on any S3-compatible service with
// aws-sdk-go-v2: path-style addressing for MinIO, Ceph or versitygw, streaming
// multipart uploads, bounded retries with backoff, and the manifest's
// conditional create through If-None-Match.
package s3

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/feature/s3/manager"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"

	"govlake/internal/govlake"
)

// Config says where the store is and how patient to be with it.
type Config struct {
	Bucket   string
	Prefix   string // key prefix inside the bucket, "" or ending in "/"
	Endpoint string // e.g. http://127.0.0.1:7070; empty means AWS
	Region   string
	// MaxAttempts bounds tries of one request (network errors, 5xx, throttling).
	MaxAttempts int
	// MaxBackoff bounds the wait between tries.
	MaxBackoff time.Duration
	// Timeout bounds waiting for a response's headers; a stalled server fails
	// the request rather than hanging the run.
	Timeout time.Duration
	// PartSize is the multipart upload part size; memory use of an upload is
	// about PartSize times Concurrency.
	PartSize    int64
	Concurrency int
	// MaxCreate bounds an object written with Create (claims, manifests).
	MaxCreate int64
}

// ParseURL reads s3://bucket/prefix?endpoint=http://host:port&region=r.
func ParseURL(raw string) (Config, error) {
	c := Config{Region: "us-east-1", MaxAttempts: 5, MaxBackoff: 5 * time.Second, Timeout: 30 * time.Second,
		PartSize: 8 << 20, Concurrency: 2, MaxCreate: 64 << 20}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "s3" || u.Host == "" {
		return c, govlake.Errorf(govlake.EINVALID, "store URL %q must look like s3://bucket/prefix?endpoint=http://127.0.0.1:7070&region=us-east-1", raw)
	}
	c.Bucket = u.Host
	c.Prefix = strings.Trim(u.Path, "/")
	if c.Prefix != "" {
		c.Prefix += "/"
	}
	q := u.Query()
	for k := range q {
		switch k {
		case "endpoint", "region", "attempts", "timeout":
		default:
			return c, govlake.Errorf(govlake.EINVALID, "store URL %q: unknown parameter %q (known: endpoint, region, attempts, timeout)", raw, k)
		}
	}
	if a := q.Get("attempts"); a != "" {
		n, err := strconv.Atoi(a)
		if err != nil || n < 1 || n > 20 {
			return c, govlake.Errorf(govlake.EINVALID, "store URL %q: attempts %q must be a whole number from 1 to 20", raw, a)
		}
		c.MaxAttempts = n
	}
	if t := q.Get("timeout"); t != "" {
		d, err := time.ParseDuration(t)
		if err != nil || d <= 0 {
			return c, govlake.Errorf(govlake.EINVALID, "store URL %q: timeout %q must be a duration such as 30s", raw, t)
		}
		c.Timeout = d
	}
	if e := q.Get("endpoint"); e != "" {
		eu, err := url.Parse(e)
		if err != nil || (eu.Scheme != "http" && eu.Scheme != "https") || eu.Host == "" {
			return c, govlake.Errorf(govlake.EINVALID, "store URL %q: endpoint %q must be an http:// or https:// URL", raw, e)
		}
		c.Endpoint = e
	}
	if r := q.Get("region"); r != "" {
		c.Region = r
	}
	return c, nil
}

// Store is a bucket (and prefix) of an S3-compatible service.
type Store struct {
	cfg    Config
	client *awss3.Client
	up     *manager.Uploader
	logger *slog.Logger
	where  string // "endpoint E, bucket B" for messages

	// conditional is false when the server was found to ignore If-None-Match.
	conditional bool
}

// New returns a store. Credentials come from the usual AWS sources: the
// AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY variables, AWS_PROFILE and the
// shared files. It does not contact the server; Check does.
func New(ctx context.Context, cfg Config, logger *slog.Logger) (*Store, error) {
	// The SDK's buildable client keeps its support for AWS_CA_BUNDLE.
	httpClient := awshttp.NewBuildableClient().
		WithDialerOptions(func(d *net.Dialer) { d.Timeout = 5 * time.Second }).
		WithTransportOptions(func(t *http.Transport) {
			t.ResponseHeaderTimeout = cfg.Timeout
			t.MaxIdleConnsPerHost = 16
		})
	awsCfg, err := config.LoadDefaultConfig(ctx,
		config.WithRegion(cfg.Region),
		config.WithHTTPClient(httpClient),
		config.WithRetryer(func() aws.Retryer {
			return retry.NewStandard(func(o *retry.StandardOptions) {
				o.MaxAttempts = cfg.MaxAttempts
				o.MaxBackoff = cfg.MaxBackoff
				// versitygw's folder backend answers this, for a moment, when
				// two uploads make the same new folder at once (seen in
				// TestS3ProcessesRace); a real clash stays and fails on retry.
				o.Retryables = append(o.Retryables, retry.RetryableErrorCode{Codes: map[string]struct{}{"ExistingObjectIsDirectory": {}}})
			})
		}),
	)
	if err != nil {
		return nil, govlake.Errorf(govlake.EINVALID, "S3 configuration: %w", err)
	}
	client := awss3.NewFromConfig(awsCfg, func(o *awss3.Options) {
		if cfg.Endpoint != "" {
			o.BaseEndpoint = aws.String(cfg.Endpoint)
			o.UsePathStyle = true
		}
		// Checksums only where the API requires them: S3-compatible servers
		// differ in which of the newer checksum headers they accept.
		o.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenRequired
		o.ResponseChecksumValidation = aws.ResponseChecksumValidationWhenRequired
	})
	where := fmt.Sprintf("bucket %s at %s", cfg.Bucket, cfg.Endpoint)
	if cfg.Endpoint == "" {
		where = fmt.Sprintf("bucket %s (AWS %s)", cfg.Bucket, cfg.Region)
	}
	return &Store{
		cfg: cfg, client: client, logger: logger, where: where, conditional: true,
		up: manager.NewUploader(client, func(u *manager.Uploader) {
			u.PartSize = cfg.PartSize
			u.Concurrency = cfg.Concurrency
		}),
	}, nil
}

// Where names the endpoint and bucket, for messages.
func (s *Store) Where() string { return s.where }

func (s *Store) key(k string) string { return s.cfg.Prefix + k }

// URI is a key's address for other programs (Iceberg metadata, engines
// with their own S3 client): s3://bucket/prefix/key.
func (s *Store) URI(key string) string { return "s3://" + s.cfg.Bucket + "/" + s.key(key) }

// Check reaches the bucket once, so that a wrong endpoint, bucket or
// credentials show at start with a clear message.
func (s *Store) Check(ctx context.Context) error {
	_, err := s.client.HeadBucket(ctx, &awss3.HeadBucketInput{Bucket: aws.String(s.cfg.Bucket)})
	return s.wrap("reach", "", err)
}

// wrap turns an SDK error into a coded one that names the endpoint and
// bucket and what to do. It never includes credentials: the SDK's errors
// carry none.
func (s *Store) wrap(op, key string, err error) error {
	if err == nil {
		return nil
	}
	what := op + " " + key
	if key == "" {
		what = op
	}
	var ae smithy.APIError
	if errors.As(err, &ae) {
		switch ae.ErrorCode() {
		case "NoSuchKey", "NotFound":
			return govlake.Errorf(govlake.ENOTFOUND, "object %s not found in %s", key, s.where)
		case "PreconditionFailed", "ConditionalRequestConflict":
			return govlake.Errorf(govlake.ECONFLICT, "object %s already exists in %s", key, s.where)
		case "NoSuchBucket":
			return govlake.Errorf(govlake.EUNAVAILABLE, "%s: the bucket does not exist in %s; create it or fix the store URL", what, s.where)
		case "InvalidAccessKeyId", "SignatureDoesNotMatch", "AccessDenied", "Forbidden", "InvalidToken", "ExpiredToken":
			return govlake.Errorf(govlake.EUNAVAILABLE, "%s: %s refused the credentials (%s); check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY", what, s.where, ae.ErrorCode())
		}
		var re interface{ HTTPStatusCode() int }
		if errors.As(err, &re) && re.HTTPStatusCode() == http.StatusNotFound {
			return govlake.Errorf(govlake.ENOTFOUND, "object %s not found in %s", key, s.where)
		}
		return govlake.Errorf(govlake.EUNAVAILABLE, "%s in %s: %s: %s", what, s.where, ae.ErrorCode(), ae.ErrorMessage())
	}
	var re interface{ HTTPStatusCode() int }
	if errors.As(err, &re) {
		switch re.HTTPStatusCode() {
		case http.StatusNotFound:
			return govlake.Errorf(govlake.ENOTFOUND, "object %s not found in %s", key, s.where)
		case http.StatusPreconditionFailed:
			return govlake.Errorf(govlake.ECONFLICT, "object %s already exists in %s", key, s.where)
		case http.StatusForbidden:
			return govlake.Errorf(govlake.EUNAVAILABLE, "%s: %s refused the credentials; check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY", what, s.where)
		}
	}
	if errors.Is(err, context.Canceled) {
		return &govlake.Error{Code: govlake.ETIMEOUT, Message: fmt.Sprintf("%s in %s: cancelled", what, s.where), Err: err}
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return &govlake.Error{Code: govlake.ETIMEOUT, Message: fmt.Sprintf("%s in %s: no answer in time after %d tries: %s", what, s.where, s.cfg.MaxAttempts, rootCause(err)), Err: err}
	}
	return &govlake.Error{Code: govlake.EUNAVAILABLE, Message: fmt.Sprintf("%s in %s failed after %d tries: %s", what, s.where, s.cfg.MaxAttempts, rootCause(err)), Err: err}
}

// rootCause keeps the innermost message: "connection refused", not the
// SDK's layers of operation names.
func rootCause(err error) string {
	for {
		u := errors.Unwrap(err)
		if u == nil {
			return err.Error()
		}
		err = u
	}
}

// Get opens the object at key.
func (s *Store) Get(ctx context.Context, key string) (io.ReadCloser, error) {
	out, err := s.client.GetObject(ctx, &awss3.GetObjectInput{Bucket: aws.String(s.cfg.Bucket), Key: aws.String(s.key(key))})
	if err != nil {
		return nil, s.wrap("get", key, err)
	}
	return out.Body, nil
}

// Put uploads the object, in parts for large ones, streaming: memory holds
// a few parts, not the object. S3 makes the object visible only when the
// upload completes, so nobody reads half of it.
func (s *Store) Put(ctx context.Context, key string, r io.Reader) error {
	_, err := s.up.Upload(ctx, &awss3.PutObjectInput{Bucket: aws.String(s.cfg.Bucket), Key: aws.String(s.key(key)), Body: r})
	return s.wrap("put", key, err)
}

// Create writes a small object only if none exists, with If-None-Match: *.
// On a server found to ignore that header it falls back to check, write,
// read back; see ProbeConditional.
func (s *Store) Create(ctx context.Context, key string, r io.Reader) error {
	body, err := io.ReadAll(io.LimitReader(r, s.cfg.MaxCreate+1))
	if err != nil {
		return fmt.Errorf("create %s: %w", key, err)
	}
	if int64(len(body)) > s.cfg.MaxCreate {
		return govlake.Errorf(govlake.ETOOLARGE, "create %s: larger than %d bytes; use Put", key, s.cfg.MaxCreate)
	}
	if !s.conditional {
		return s.createFallback(ctx, key, body)
	}
	_, err = s.client.PutObject(ctx, &awss3.PutObjectInput{
		Bucket: aws.String(s.cfg.Bucket), Key: aws.String(s.key(key)),
		Body: bytes.NewReader(body), IfNoneMatch: aws.String("*"),
	})
	return s.wrap("create", key, err)
}

// createFallback is for servers that ignore If-None-Match: refuse if the
// key exists, write, then read back and give up the claim if another
// writer's bytes are there. It narrows the race; it cannot close it, so on
// such servers one ingest process per store is the safe way to run.
func (s *Store) createFallback(ctx context.Context, key string, body []byte) error {
	if exists, err := s.exists(ctx, key); err != nil {
		return err
	} else if exists {
		return govlake.Errorf(govlake.ECONFLICT, "object %s already exists in %s", key, s.where)
	}
	if _, err := s.client.PutObject(ctx, &awss3.PutObjectInput{Bucket: aws.String(s.cfg.Bucket), Key: aws.String(s.key(key)), Body: bytes.NewReader(body)}); err != nil {
		return s.wrap("create", key, err)
	}
	rc, err := s.Get(ctx, key)
	if err != nil {
		return err
	}
	defer rc.Close()
	got, err := io.ReadAll(rc)
	if err != nil {
		return s.wrap("create", key, err)
	}
	if !bytes.Equal(got, body) {
		return govlake.Errorf(govlake.ECONFLICT, "object %s was written by another writer in %s", key, s.where)
	}
	return nil
}

func (s *Store) exists(ctx context.Context, key string) (bool, error) {
	_, err := s.client.HeadObject(ctx, &awss3.HeadObjectInput{Bucket: aws.String(s.cfg.Bucket), Key: aws.String(s.key(key))})
	if err == nil {
		return true, nil
	}
	if err = s.wrap("check", key, err); govlake.ErrorCode(err) == govlake.ENOTFOUND {
		return false, nil
	}
	return false, err
}

// ProbeConditional checks, with a scratch key, that the server refuses a
// second If-None-Match: * create. If it does not, Create switches to the
// fallback and the result says so.
func (s *Store) ProbeConditional(ctx context.Context) (bool, error) {
	key := fmt.Sprintf(".govlake-probe/%d", time.Now().UnixNano())
	defer s.Delete(context.WithoutCancel(ctx), key)
	for i := 0; i < 2; i++ {
		_, err := s.client.PutObject(ctx, &awss3.PutObjectInput{
			Bucket: aws.String(s.cfg.Bucket), Key: aws.String(s.key(key)),
			Body: strings.NewReader("probe"), IfNoneMatch: aws.String("*"),
		})
		err = s.wrap("probe conditional create", key, err)
		switch {
		case i == 0 && err != nil:
			return false, err
		case i == 1 && govlake.ErrorCode(err) == govlake.ECONFLICT:
			s.conditional = true
			return true, nil
		case i == 1 && err == nil:
			s.conditional = false
			s.logger.Warn("the S3 server ignores If-None-Match; conditional creates fall back to check-write-verify: run one ingest process per store", "store", s.where)
			return false, nil
		case i == 1:
			return false, err
		}
	}
	return false, nil
}

// List returns the objects under prefix, in key order.
func (s *Store) List(ctx context.Context, prefix string) ([]govlake.ObjectInfo, error) {
	return s.ListAfter(ctx, prefix, "")
}

// ListAfter returns the objects under prefix whose keys sort after the key
// given (S3's StartAfter), in key order.
func (s *Store) ListAfter(ctx context.Context, prefix, after string) ([]govlake.ObjectInfo, error) {
	in := &awss3.ListObjectsV2Input{Bucket: aws.String(s.cfg.Bucket), Prefix: aws.String(s.key(prefix))}
	if after != "" {
		in.StartAfter = aws.String(s.key(after))
	}
	var out []govlake.ObjectInfo
	p := awss3.NewListObjectsV2Paginator(s.client, in)
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, s.wrap("list", prefix, err)
		}
		for _, o := range page.Contents {
			k := strings.TrimPrefix(aws.ToString(o.Key), s.cfg.Prefix)
			if strings.HasPrefix(k, ".govlake-probe/") {
				continue
			}
			out = append(out, govlake.ObjectInfo{Key: k, Size: aws.ToInt64(o.Size), ModTime: aws.ToTime(o.LastModified)})
		}
	}
	return out, nil
}

// Delete removes the object at key.
func (s *Store) Delete(ctx context.Context, key string) error {
	_, err := s.client.DeleteObject(ctx, &awss3.DeleteObjectInput{Bucket: aws.String(s.cfg.Bucket), Key: aws.String(s.key(key))})
	if err = s.wrap("delete", key, err); govlake.ErrorCode(err) == govlake.ENOTFOUND {
		return nil
	}
	return err
}

// CreateBucket makes the bucket if it does not exist (for tests and first
// set-up).
func (s *Store) CreateBucket(ctx context.Context) error {
	_, err := s.client.CreateBucket(ctx, &awss3.CreateBucketInput{Bucket: aws.String(s.cfg.Bucket)})
	var owned *types.BucketAlreadyOwnedByYou
	var exists *types.BucketAlreadyExists
	if errors.As(err, &owned) || errors.As(err, &exists) {
		return nil
	}
	return s.wrap("create bucket", "", err)
}
