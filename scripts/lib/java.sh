# Sourced by bin/banger and scripts: picks the JVM and its start-up cache.
# Prefers a JDK >= 25 (its AOT cache makes the CLI start faster), else `java`.
# BANGER_JAVA overrides the choice.

# One field ($2) of the `release` file of the JDK whose java is $1: no JVM start, so the launcher stays cheap.
banger_java_release_field() {
  local home
  home="$(dirname "$(dirname "$(readlink -f "$1")")")"
  sed -n "s/^$2=\"\\([^\"]*\\)\".*/\\1/p" "$home/release" 2>/dev/null
}

# The major version, e.g. 17 of JAVA_VERSION="17.0.15".
banger_java_major() {
  local v
  v="$(banger_java_release_field "$1" JAVA_VERSION)"
  echo "${v%%[!0-9]*}"
}

banger_pick_java() {
  if [[ -n "${BANGER_JAVA:-}" ]]; then echo "$BANGER_JAVA"; return; fi
  local best="" best_major=0 j m
  for j in /usr/lib/jvm/*/bin/java "$(command -v java 2>/dev/null)"; do
    [[ -x "$j" ]] || continue
    m="$(banger_java_major "$j")"; m="${m%%.*}"
    [[ "$m" =~ ^[0-9]+$ ]] || continue
    if (( m > best_major )); then best="$j"; best_major="$m"; fi
  done
  echo "${best:-java}"
}

# The JVM build's name (its release file's JAVA_RUNTIME_VERSION, as a file-name part): a
# start-up cache is valid only for the build that wrote it, and a JDK update changes it.
banger_java_build() {
  banger_java_release_field "$1" JAVA_RUNTIME_VERSION | tr -c 'A-Za-z0-9.+_\n-' '_'
}

# Flags for the CLI's JVM: C1 only and the serial GC suit a process that lives for a moment.
# BANGER_CLI_QUIET keeps the cache's own warnings (a cache of another build) off the CLI's
# stderr; JDK 17 has no `aot` log tag and refuses to start when asked for it.
banger_cli_flags() {
  local java="$1" cache="$2" major
  major="$(banger_java_major "$java")"; major="${major%%.*}"
  BANGER_CLI_FLAGS=(-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:-UsePerfData)
  BANGER_CLI_QUIET=(-Xlog:cds=off)
  if (( major >= 25 )); then
    BANGER_CLI_QUIET+=(-Xlog:aot=off)
    BANGER_CLI_CACHE_FLAG=(-XX:AOTCache="$cache.aot")
    BANGER_CLI_CACHE_FILE="$cache.aot"
    BANGER_CLI_TRAIN_FLAG=(-XX:AOTCacheOutput="$cache.aot")
  else
    BANGER_CLI_CACHE_FLAG=(-XX:SharedArchiveFile="$cache.jsa")
    BANGER_CLI_CACHE_FILE="$cache.jsa"
    BANGER_CLI_TRAIN_FLAG=(-XX:ArchiveClassesAtExit="$cache.jsa")
  fi
}
