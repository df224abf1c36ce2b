package govlake

import "testing"

// The ids agree with Python's uuid.uuid5(uuid.NAMESPACE_URL, ...), worked
// out independently.
func TestPackageUUID(t *testing.T) {
	tests := []struct{ portal, name, want string }{
		{"http://example.org", "population", "ed5d84bd-ae5a-5be3-9df6-01bcce15c6a6"},
		{"http://example.org/", "population", "ed5d84bd-ae5a-5be3-9df6-01bcce15c6a6"},
		{"https://data.gov.mm", "organization/moh", "8a0aa3ac-5024-59c7-81ec-55e9285a3cd2"},
	}
	for _, tt := range tests {
		if got := PackageUUID(tt.portal, tt.name); got != tt.want {
			t.Errorf("PackageUUID(%q, %q) = %s, want %s", tt.portal, tt.name, got, tt.want)
		}
	}
}
