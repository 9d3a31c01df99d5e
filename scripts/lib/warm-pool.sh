# Sourced by scripts that run a daemon of their own: sets vm.warm-pool in the config
# file of $BANGER_HOME (read at the daemon's next start). A daemon that lives for one
# run or one measurement wants none: the pool would boot a second VM beside its own.
banger_warm_pool() {
  local conf="$BANGER_HOME/config/config.properties"
  mkdir -p "${conf%/*}"
  touch "$conf"
  sed -i '/^vm\.warm-pool[[:space:]]*=/d' "$conf"
  echo "vm.warm-pool = $1" >> "$conf"
}
