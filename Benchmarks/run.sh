#!/usr/bin/env bash
# Builds ArticleSync in release mode and measures it against the SQLite floor and git; writes
# Benchmarks/RESULTS.md and Benchmarks/sync-time.png.
#   Benchmarks/run.sh            N = 1,000, 5,000, 20,000
#   Benchmarks/run.sh --large    also 100,000
# Everything it starts (servers, git daemons, watchers) is stopped, and its scratch space removed.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v gnuplot >/dev/null 2>&1 || need+=(gnuplot-nox)
command -v git >/dev/null 2>&1 || need+=(git)
[ -x /usr/bin/time ] || need+=(time)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}"
fi

# The programs are measured as they are built for deployment (docs/OPERATIONS.md): release, with the
# Swift runtime and Foundation linked statically, which saves each `articlesync` start ~6 ms. That
# build has its own folder, so it does not undo the everyday `swift build -c release`.
build=(swift build -c release --static-swift-stdlib --scratch-path .build-static)
"${build[@]}" --product articlesync-bench
"${build[@]}" --product articlesync
"${build[@]}" --product articlesync-server
bin="$("${build[@]}" --show-bin-path)"

work="$(mktemp -d /tmp/articlesync-bench.XXXXXX)"
trap 'rm -rf "$work"' EXIT
"$bin/articlesync-bench" --products "$bin" --work "$work/run" --output Benchmarks/RESULTS.md \
  --plot-data "$work/sync.dat" --seed-article seeds/000_554e571eb0b6f027.txt "$@"

gnuplot <<PLOT
set terminal pngcairo size 900,560 font "sans,11"
set output "Benchmarks/sync-time.png"
set title "Initial sync of N articles over loopback (median seconds)"
set xlabel "articles (N)"
set ylabel "seconds"
set logscale xy
set key top left
set grid
plot "$work/sync.dat" using 1:2 with linespoints lw 2 title "ArticleSync (TLS, new replica)", \
     "$work/sync.dat" using 1:3 with linespoints lw 2 title "SQLite floor (same rows, one transaction)", \
     "$work/sync.dat" using 1:5 with linespoints lw 2 dt 2 title "SQLite floor with WAL (the replica's journal)", \
     "$work/sync.dat" using 1:4 with linespoints lw 2 title "git clone (git daemon)"
PLOT
echo "wrote Benchmarks/RESULTS.md and Benchmarks/sync-time.png"
