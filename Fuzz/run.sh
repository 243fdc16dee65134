#!/usr/bin/env bash
# Builds the libFuzzer targets with the address sanitizer and runs each for a bounded time.
#   Fuzz/run.sh            60 s per target
#   Fuzz/run.sh 10         10 s per target, a new random seed each run
#   Fuzz/run.sh 10 1       10 s per target from seed 1 (what CI runs)
# CI uses a fixed seed so that a run fails because of the change under test, not because this run
# happened to draw a new input: with one seed the inputs tried are the same sequence on every
# machine, cut where the time runs out. Exploration with fresh seeds is the longer runs' job.
# A crash leaves its input in Fuzz/artifacts/ and fails the run: turn it into a regression test.
set -euo pipefail
cd "$(dirname "$0")"
seconds="${1:-60}"
seed=()
if [ -n "${2:-}" ]; then seed=(-seed="$2"); fi

# The fuzz targets exist only with ARTICLESYNC_FUZZ set (see Package.swift); their own build folder
# keeps the sanitizer build apart from the normal one.
export ARTICLESYNC_FUZZ=1
build=(swift build --package-path .. --scratch-path ../.build-fuzz -c release --sanitize=fuzzer -Xswiftc -sanitize=fuzzer,address)
for name in FrameDecoderFuzzer MessageDecoderFuzzer ArticleTextFuzzer TextMergeFuzzer; do
  "${build[@]}" --product "$name" >>build.log 2>&1 || { tail -40 build.log; exit 1; }
done
bin="$("${build[@]}" --show-bin-path)"

mkdir -p artifacts work
status=0
for target in FrameDecoderFuzzer:frame MessageDecoderFuzzer:message ArticleTextFuzzer:article TextMergeFuzzer:merge; do
  name="${target%%:*}"; corpus="${target##*:}"
  # Work on a copy so new inputs found on this run do not pile up in the repository.
  rm -rf "work/$corpus"; cp -r "Corpus/$corpus" "work/$corpus"
  echo "== $name for ${seconds}s"
  if ! SWIFT_BACKTRACE=enable=no "$bin/$name" "work/$corpus" -max_total_time="$seconds" -max_len=65536 ${seed[@]+"${seed[@]}"} \
        -artifact_prefix="artifacts/$name-" -print_final_stats=1 >"work/$name.log" 2>&1; then
    status=1
    echo "!! $name found a problem:"; tail -30 "work/$name.log"
  else
    grep -E "stat::number_of_executed_units|stat::average_exec_per_sec|stat::new_units_added" "work/$name.log" | sed 's/^/   /'
  fi
done
rm -rf work
exit $status
