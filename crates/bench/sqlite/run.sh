#!/usr/bin/env bash
# Readers on one SQLite file, T threads with a connection each, built twice
# from the amalgamation libsqlite3-sys bundles: with the crate's flags, and
# with the two this repository changes (.cargo/config.toml). Prints pages
# per second for 1 and 2 threads (more with THREADS="1 2 4 8").
# docs/BENCHMARKS.md, "Reads across cores".
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
version=$(grep -A1 '^name = "libsqlite3-sys"' "$here/../../../Cargo.lock" | sed -n 's/^version = "\(.*\)"/\1/p')
src=$(ls -d "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/"libsqlite3-sys-$version"/sqlite3 | head -1)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
crate_flags=(-DSQLITE_CORE -DSQLITE_DEFAULT_FOREIGN_KEYS=1 -DSQLITE_ENABLE_API_ARMOR
  -DSQLITE_ENABLE_COLUMN_METADATA -DSQLITE_ENABLE_DBSTAT_VTAB -DSQLITE_ENABLE_FTS3
  -DSQLITE_ENABLE_FTS3_PARENTHESIS -DSQLITE_ENABLE_FTS5 -DSQLITE_ENABLE_JSON1
  -DSQLITE_ENABLE_LOAD_EXTENSION=1 -DSQLITE_ENABLE_MEMORY_MANAGEMENT -DSQLITE_ENABLE_RTREE
  -DSQLITE_ENABLE_STAT4 -DSQLITE_SOUNDEX -DSQLITE_THREADSAFE=1 -DSQLITE_USE_URI
  -DHAVE_USLEEP=1 -DHAVE_ISNAN -D_POSIX_THREAD_SAFE_FUNCTIONS -DHAVE_LOCALTIME_R
  -DSQLITE_ENABLE_UNLOCK_NOTIFY)
gcc -O2 "${crate_flags[@]}" -c "$src/sqlite3.c" -o "$out/crate.o" & first=$!
gcc -O2 "${crate_flags[@]}" -USQLITE_ENABLE_MEMORY_MANAGEMENT -DSQLITE_DEFAULT_MEMSTATUS=0 \
  -c "$src/sqlite3.c" -o "$out/ours.o" & second=$!
wait "$first"
wait "$second"
for b in crate ours; do
  gcc -O2 -I"$src" "$here/readers.c" "$out/$b.o" -o "$out/$b" -lpthread -ldl -lm
done
"$out/crate" seed
for b in crate ours; do
  for t in ${THREADS:-1 2}; do echo -n "$b flags: "; "$out/$b" "$t" "${SECONDS_EACH:-4}"; done
done
rm -f /tmp/kechuang-sqlite-readers.db*
