#!/usr/bin/env bash
# Sanitizer checks of the native decoder core (native/core), outside Node.
#
#   scripts/fuzz-native.sh            both steps below
#   scripts/fuzz-native.sh --driver   only: ASan/UBSan driver decodes every fixture, one window
#                                     vs 4 KiB and 7-byte windows, and must agree with itself
#   scripts/fuzz-native.sh --fuzz     only: libFuzzer (+ASan/UBSan) for ${FUZZ_SECONDS:-60} s,
#                                     corpus seeded from the fixtures' headerless bodies
#
# Needs clang-14 with libclang-rt-14-dev (Debian: apt-get install -y clang-14 libclang-rt-14-dev).
# Work files go to ${FUZZ_DIR:-build/fuzz}. Exits non-zero on a crash, a sanitizer report or
# a disagreement.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
mode="${1:-all}"
case "$mode" in all|--driver|--fuzz) ;; *) echo "usage: $0 [--driver|--fuzz]" >&2; exit 2 ;; esac

clang="${CLANGXX:-$(command -v clang++-14 || command -v clang++ || true)}"
if [ -z "$clang" ]; then
  echo "fuzz-native: clang++-14 not found (apt-get install -y clang-14 libclang-rt-14-dev)" >&2
  exit 2
fi
work="${FUZZ_DIR:-build/fuzz}"
mkdir -p "$work/bodies" "$work/corpus" "$work/artifacts"
flags=(-std=c++17 -g -O1 -fno-omit-frame-pointer -fno-sanitize-recover=all -Wall -Wextra)
core=(native/core/decoder.cc)

# Plain dumps: the fixtures (gzipped) and the public go1.5 sample, decompressed into $work.
dumps=()
shopt -s nullglob
for gz in test/fixtures/dumps/*.gz; do
  out="$work/bodies/$(basename "$gz" .gz)"
  gzip -dc "$gz" > "$out"
  dumps+=("$out")
done
for plain in ../shared/testdata/*.heapdump; do dumps+=("$plain"); done
if [ "${#dumps[@]}" -eq 0 ]; then echo "fuzz-native: no dumps found" >&2; exit 2; fi

if [ "$mode" != "--fuzz" ]; then
  echo "== ASan/UBSan driver over ${#dumps[@]} dumps"
  "$clang" "${flags[@]}" -fsanitize=address,undefined native/fuzz/decode_files.cc "${core[@]}" \
    -o "$work/decode_files"
  "$work/decode_files" "${dumps[@]}"
fi

if [ "$mode" != "--driver" ]; then
  echo "== libFuzzer for ${FUZZ_SECONDS:-60} s"
  "$clang" "${flags[@]}" -fsanitize=fuzzer,address,undefined native/fuzz/fuzz_decoder.cc \
    "${core[@]}" -o "$work/fuzz_decoder"
  # Seeds: the 4-byte prefix fuzz_decoder.cc reads (header version, two window steps, offset)
  # then the first 64 KiB of each dump body (the header line stripped).
  for dump in "${dumps[@]}"; do
    node -e '
      const fs = require("fs");
      const [file, out] = process.argv.slice(1);
      const bytes = fs.readFileSync(file);
      const newline = bytes.indexOf(10);
      const version = { "go1.3": 13, "go1.4": 14, "go1.5": 15, "go1.6": 16, "go1.7": 17 }[bytes.subarray(0, 5).toString()];
      if (newline < 0 || version === undefined) process.exit(0);
      const body = bytes.subarray(newline + 1, newline + 1 + 65536);
      for (const [a, b] of [[0, 0], [6, 3], [255, 255]]) {
        fs.writeFileSync(`${out}-${a}-${b}`, Buffer.concat([Buffer.from([version - 13, a, b, newline + 1]), body]));
      }' "$dump" "$work/corpus/seed-$(basename "$dump")"
  done
  "$work/fuzz_decoder" "$work/corpus" -max_total_time="${FUZZ_SECONDS:-60}" -max_len=70000 \
    -rss_limit_mb=2048 -artifact_prefix="$work/artifacts/" -print_final_stats=1
fi
echo "fuzz-native: ok"
