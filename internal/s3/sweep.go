package s3

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
)

// A killed upload leaves a multipart upload that holds its parts, and
// storage, until someone aborts it: S3 never does by itself unless the
// bucket has a lifecycle rule saying so.

// AbortUploads aborts the multipart uploads under prefix begun before the
// time given, and says how many it aborted.
func (s *Store) AbortUploads(ctx context.Context, prefix string, before time.Time) (int, error) {
	n := 0
	err := s.eachUpload(ctx, prefix, func(u types.MultipartUpload) error {
		if u.Initiated == nil || !u.Initiated.Before(before) {
			return nil
		}
		_, err := s.client.AbortMultipartUpload(ctx, &awss3.AbortMultipartUploadInput{
			Bucket: aws.String(s.cfg.Bucket), Key: u.Key, UploadId: u.UploadId,
		})
		if code := apiCode(err); code == "NoSuchUpload" || code == "NoSuchKey" {
			return nil // finished or aborted meanwhile
		}
		if err != nil {
			return s.wrap("abort the unfinished upload of", strings.TrimPrefix(aws.ToString(u.Key), s.cfg.Prefix), err)
		}
		n++
		return nil
	})
	return n, err
}

// Uploads lists the keys of the multipart uploads under prefix that are
// not finished.
func (s *Store) Uploads(ctx context.Context, prefix string) ([]string, error) {
	var keys []string
	err := s.eachUpload(ctx, prefix, func(u types.MultipartUpload) error {
		keys = append(keys, strings.TrimPrefix(aws.ToString(u.Key), s.cfg.Prefix))
		return nil
	})
	return keys, err
}

// eachUpload calls fn for each unfinished multipart upload under prefix.
func (s *Store) eachUpload(ctx context.Context, prefix string, fn func(types.MultipartUpload) error) error {
	p := awss3.NewListMultipartUploadsPaginator(s.client, &awss3.ListMultipartUploadsInput{
		Bucket: aws.String(s.cfg.Bucket), Prefix: aws.String(s.key(prefix)),
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return s.wrap("list unfinished uploads under", prefix, err)
		}
		for _, u := range page.Uploads {
			if err := fn(u); err != nil {
				return err
			}
		}
	}
	return nil
}

// abortRuleID names the rule this store adds.
const abortRuleID = "govlake-abort-incomplete-uploads"

// EnsureAbortRule gives the bucket a lifecycle rule that aborts multipart
// uploads left unfinished for the days given, unless a rule that does so
// covers the store's prefix already. The bucket's other rules are kept: a
// lifecycle configuration is replaced whole, so it is read first. A server
// without lifecycle rules (versitygw) is reported, not an error: the sweep
// aborts the uploads itself.
func (s *Store) EnsureAbortRule(ctx context.Context, days int) (string, error) {
	out, err := s.client.GetBucketLifecycleConfiguration(ctx, &awss3.GetBucketLifecycleConfigurationInput{Bucket: aws.String(s.cfg.Bucket)})
	var rules []types.LifecycleRule
	switch code := apiCode(err); {
	case err == nil:
		rules = out.Rules
	case code == "NoSuchLifecycleConfiguration":
	case code == "NotImplemented" || code == "MethodNotAllowed":
		return "not supported by the server (" + code + "); the sweep aborts unfinished uploads itself", nil
	default:
		return "", s.wrap("read the lifecycle rules of", s.cfg.Bucket, err)
	}
	for _, r := range rules {
		if r.Status == types.ExpirationStatusEnabled && r.AbortIncompleteMultipartUpload != nil && covers(r, s.cfg.Prefix) {
			return fmt.Sprintf("present (rule %q)", aws.ToString(r.ID)), nil
		}
	}
	rules = append(rules, types.LifecycleRule{
		ID:                             aws.String(abortRuleID),
		Status:                         types.ExpirationStatusEnabled,
		Filter:                         &types.LifecycleRuleFilter{Prefix: aws.String(s.cfg.Prefix)},
		AbortIncompleteMultipartUpload: &types.AbortIncompleteMultipartUpload{DaysAfterInitiation: aws.Int32(int32(days))},
	})
	_, err = s.client.PutBucketLifecycleConfiguration(ctx, &awss3.PutBucketLifecycleConfigurationInput{
		Bucket: aws.String(s.cfg.Bucket), LifecycleConfiguration: &types.BucketLifecycleConfiguration{Rules: rules},
	})
	if code := apiCode(err); code == "NotImplemented" || code == "MethodNotAllowed" {
		return "not supported by the server (" + code + "); the sweep aborts unfinished uploads itself", nil
	}
	if err != nil {
		return "", s.wrap("add a lifecycle rule to", s.cfg.Bucket, err)
	}
	return fmt.Sprintf("added (rule %q: abort uploads unfinished after %d day(s))", abortRuleID, days), nil
}

// covers reports whether a rule applies to every key under prefix.
func covers(r types.LifecycleRule, prefix string) bool {
	p := aws.ToString(r.Prefix)
	if r.Filter != nil {
		if r.Filter.Tag != nil || r.Filter.And != nil || r.Filter.ObjectSizeGreaterThan != nil || r.Filter.ObjectSizeLessThan != nil {
			return false
		}
		p = aws.ToString(r.Filter.Prefix)
	}
	return strings.HasPrefix(prefix, p)
}

func apiCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}
