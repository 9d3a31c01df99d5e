#!/usr/bin/env bash
# Installs banger from its releases (OPS-8). Run it as yourself:
#   install.sh [--version vX.Y.Z] [--base-url URL] [--prefix /usr/local] [--owner USER] [--yes]
#              [--root DIR] [--pubkey-file PEM]
# It downloads the release, verifies SHA256SUMS' signature with the release key below and
# the archive's sha256 before it writes anything, lists every path it will write and why,
# then asks once (sudo, where the paths need root). --yes or BANGER_INSTALL_NONINTERACTIVE=1
# skips the question. --root DIR installs under DIR as if it were / and touches no
# service manager (tests, packagers). Needs: curl (for http/https), openssl, sha256sum, tar.
set -euo pipefail

# BEGIN RELEASE KEY
RELEASE_KEY=""
# END RELEASE KEY
BASE_URL="${BANGER_RELEASE_URL:-}"

say() { printf '%s\n' "$*" >&2; }
die() { say "install.sh: $*"; exit 1; }
usage() { sed -n '2,10s/^# \{0,1\}//p' "$0" >&2; exit 2; }

version="" prefix="/usr/local" root="" pubkey_file="" owner="" yes="${BANGER_INSTALL_NONINTERACTIVE:-}"
while (( $# )); do
  case "$1" in
    --version) version="${2:?}"; shift 2 ;;
    --base-url) BASE_URL="${2:?}"; shift 2 ;;
    --prefix) prefix="${2:?}"; shift 2 ;;
    --root) root="${2:?}"; shift 2 ;;
    --owner) owner="${2:?}"; shift 2 ;;
    --pubkey-file) pubkey_file="${2:?}"; shift 2 ;;
    --yes|-y) yes=1; shift ;;
    -h|--help) usage ;;
    *) say "install.sh: unknown option $1"; usage ;;
  esac
done
[[ -n "$BASE_URL" ]] || die "no release URL: pass --base-url URL (the directory that holds manifest.json)"
BASE_URL="${BASE_URL%/}"
[[ "$prefix" == /* ]] || die "--prefix must be an absolute path"
if [[ -n "$root" ]]; then
  mkdir -p "$root" && root="$(cd "$root" && pwd)"
fi
for tool in openssl sha256sum tar; do
  command -v "$tool" >/dev/null || die "needs $tool"
done
# banger runs on the JVM: a Java runtime is a dependency, not part of the release.
if [[ -z "$root" ]]; then
  java_major="$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p')"
  [[ "${java_major:-0}" -ge 17 ]] 2>/dev/null \
    || die "needs a Java runtime, 17 or newer, as java on PATH (Debian: apt-get install openjdk-17-jre-headless)"
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

fetch() { # URL FILE: bounded in time; file:// read as a local path
  case "$1" in
    file://*) cp -- "${1#file://}" "$2" 2>/dev/null || die "cannot read $1" ;;
    https://*|http://127.0.0.1*|http://localhost*)
      command -v curl >/dev/null || die "needs curl"
      curl -fsS --proto '=https,http' --connect-timeout 10 --max-time 600 -o "$2" -- "$1" || die "cannot fetch $1" ;;
    *) die "unsupported URL $1 (https, file://, or http://127.0.0.1)" ;;
  esac
}

# The key: --pubkey-file (tests) or the one this installer carries.
if [[ -n "$pubkey_file" ]]; then
  cp -- "$pubkey_file" "$work/key.pem" || die "cannot read $pubkey_file"
else
  [[ -n "$RELEASE_KEY" ]] || die "this copy of install.sh carries no release key (take the one published with the release)"
  printf '%s\n' "$RELEASE_KEY" > "$work/key.pem"
fi

fetch "$BASE_URL/manifest.json" "$work/manifest.json"
if [[ -z "$version" ]]; then
  version="$(sed -n 's/.*"latest": *"\([^"]*\)".*/\1/p' "$work/manifest.json" | head -1)"
  [[ -n "$version" ]] || die "the manifest names no latest stable release; pass --version"
fi
version="${version#v}"
[[ "$version" =~ ^[0-9]{1,6}\.[0-9]{1,6}\.[0-9]{1,6}(-[0-9A-Za-z.]{1,40})?$ ]] || die "'$version' is not vX.Y.Z"
grep -q "\"$version\": *{" "$work/manifest.json" || die "there is no release $version at $BASE_URL"
name="banger-$version-linux-amd64.tar.gz"

fetch "$BASE_URL/$version/SHA256SUMS" "$work/SHA256SUMS"
fetch "$BASE_URL/$version/SHA256SUMS.sig" "$work/SHA256SUMS.sig"
openssl dgst -sha256 -verify "$work/key.pem" -signature "$work/SHA256SUMS.sig" "$work/SHA256SUMS" >/dev/null 2>&1 \
  || die "SHA256SUMS of $version is not signed by the release key: refusing it; nothing was written"
expected="$(awk -v n="$name" '$2 == n || $2 == "*" n { print $1 }' "$work/SHA256SUMS")"
[[ "$expected" =~ ^[0-9a-f]{64}$ ]] || die "SHA256SUMS of $version does not list $name"
fetch "$BASE_URL/$version/$name" "$work/$name"
actual="$(sha256sum "$work/$name" | cut -d' ' -f1)"
[[ "$actual" == "$expected" ]] || die "$name has sha256 $actual, not the signed $expected: refusing it; nothing was written"
# Only banger-VERSION/..., no absolute path, no '..', no symlinks or devices; hard links
# (the services' shared jars, stored once) only to a path inside banger-VERSION/.
tar -tvzf "$work/$name" > "$work/listing" || die "$name is not a readable archive"
awk -v top="banger-$version" '
  function inside(p) { return p ~ "^" top "(/|$)" && p !~ /(^|\/)\.\.(\/|$)/ }
  { type = substr($1, 1, 1); path = $6 }
  type == "h" && (NF != 9 || $7 != "link" || $8 != "to" || !inside($9)) { print "a link out of " top "/: " $0; bad = 1 }
  type != "-" && type != "d" && type != "h" { print "not a file or directory: " path; bad = 1 }
  type != "h" && NF != 6 { print "a name with spaces: " $0; bad = 1 }
  !inside(path) { print "outside " top "/: " path; bad = 1 }
  END { exit bad }' "$work/listing" >&2 || die "$name holds entries an installer must not write; nothing was written"

lib="$prefix/lib/banger"
owner="${owner:-${SUDO_USER:-$(id -un)}}"  # the user the services will run for
say "banger $version is verified (signature by the release key, sha256). install.sh will write:"
say "  ${root}$lib/$version/   the release: CLI, services, guest agent, unit templates"
say "  ${root}$lib/current     -> $version: the release that runs (an update flips this link)"
say "  ${root}$prefix/bin/banger  -> ../lib/banger/current/bin/banger: the command"
say "  ${root}/etc/banger/install.json   version, owner ($owner), paths and time of this install"
if [[ -z "$root" ]]; then
  say "then run: banger system install --owner $owner   (systemd units for the services; it lists what it writes)"
fi

sudo_cmd=()
target="${root:-/}"
probe="${root}$prefix"
while [[ ! -e "$probe" ]]; do probe="$(dirname "$probe")"; done
if [[ ! -w "$probe" || ( -e "${root}/etc" && ! -w "${root}/etc" ) ]]; then
  command -v sudo >/dev/null || die "writing under $target needs root, and there is no sudo"
  sudo_cmd=(sudo)
  say "(these paths need root: sudo will ask for your password once)"
fi
if [[ -z "$yes" ]]; then
  [[ -r /dev/tty ]] || die "no terminal to ask on: pass --yes (or BANGER_INSTALL_NONINTERACTIVE=1)"
  read -r -p "Proceed? [y/N] " answer < /dev/tty
  [[ "$answer" == [yY]* ]] || die "nothing was written"
fi
(( ${#sudo_cmd[@]} == 0 )) || sudo -v || die "sudo refused; nothing was written"

as_root() { "${sudo_cmd[@]}" "$@"; }
as_root mkdir -p "${root}$lib" "${root}$prefix/bin" "${root}/etc/banger"
stage="$(as_root mktemp -d "${root}$lib/.staging-$version-XXXXXX")"
trap 'as_root rm -rf "$stage"; rm -rf "$work"' EXIT  # a failed unpack (a full disk) leaves nothing behind
as_root tar --no-same-owner --no-same-permissions -xzf "$work/$name" -C "$stage"
[[ "$(cat "$stage/banger-$version/VERSION")" == "$version" ]] || { as_root rm -rf "$stage"; die "the archive is not banger $version"; }
if [[ -e "${root}$lib/$version" ]]; then as_root rm -rf "${root}$lib/$version"; fi
as_root mv -T "$stage/banger-$version" "${root}$lib/$version"
as_root rmdir "$stage"
trap 'rm -rf "$work"' EXIT
as_root ln -sfn "$version" "${root}$lib/.current.next"
as_root mv -T "${root}$lib/.current.next" "${root}$lib/current"
as_root ln -sfn ../lib/banger/current/bin/banger "${root}$prefix/bin/banger"
printf '{"version": "%s", "owner": "%s", "prefix": "%s", "lib": "%s", "installed_at": "%s"}\n' \
  "$version" "$owner" "$prefix" "$lib" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" > "$work/install.json"
as_root install -m 0644 "$work/install.json" "${root}/etc/banger/install.json"
say "installed banger $version: ${root}$prefix/bin/banger"

if [[ -z "$root" ]]; then
  if "$prefix/bin/banger" system --help >/dev/null 2>&1; then
    as_root "$prefix/bin/banger" system install --owner "$owner"
  else
    say "this release has no 'banger system install' yet: the CLI is installed; start the services with: banger daemon start"
  fi
fi
