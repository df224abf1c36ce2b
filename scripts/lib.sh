# Shared by the README's two commands: what building govlake needs.

need_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# ICU's headers and libraries (Debian's libicu-dev): internal/icu converts
# Zawgyi to Unicode with ICU's Zawgyi-my transliterator, through cgo.
ensure_icu() {
  if [ -f /usr/include/unicode/utrans.h ] && pkg-config --exists icu-i18n 2>/dev/null; then
    return 0
  fi
  echo "==> installing libicu-dev (Debian package) for the Zawgyi converter"
  need_root apt-get update -qq || true
  need_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libicu-dev pkg-config >/dev/null || {
    echo "could not install libicu-dev: govlake cannot be built without it" >&2
    exit 1
  }
}
