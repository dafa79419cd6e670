// A standalone driver for the sanitizer build: decodes each dump file given on the command line
// (gzip is not handled: pass plain dumps) in one window and again in growing windows, and
// checks that every way gives identical outputs. Exit status 1 on a mismatch.
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "../core/decoder.h"
#include "window_check.h"

namespace {

int HeaderVersion(const std::string& header) {
  if (header.rfind("go1.3 ", 0) == 0) return 13;
  if (header.rfind("go1.4 ", 0) == 0) return 14;
  if (header.rfind("go1.5 ", 0) == 0) return 15;
  if (header.rfind("go1.6 ", 0) == 0) return 16;
  if (header.rfind("go1.7 ", 0) == 0) return 17;
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  int failures = 0;
  for (int i = 1; i < argc; ++i) {
    std::ifstream file(argv[i], std::ios::binary);
    std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(file)),
                               std::istreambuf_iterator<char>());
    auto newline = std::find(bytes.begin(), bytes.end(), '\n');
    if (newline == bytes.end()) {
      std::fprintf(stderr, "%s: no header line\n", argv[i]);
      ++failures;
      continue;
    }
    std::string header(bytes.begin(), newline);
    int header_version = HeaderVersion(header);
    if (header_version == 0) {
      std::fprintf(stderr, "%s: unknown header %s\n", argv[i], header.c_str());
      ++failures;
      continue;
    }
    size_t body_offset = static_cast<size_t>(newline - bytes.begin()) + 1;
    // 4 KiB windows, then 7-byte and 4 KiB steps taken in turn (every 7-byte split point in
    // small records, without re-decoding large ones byte by byte).
    goheap::check::Summary summary;
    bool same = true;
    for (const std::vector<size_t>& steps :
         {std::vector<size_t>{4096}, std::vector<size_t>{7, 4096}}) {
      same = goheap::check::WholeEqualsGrowing(bytes.data() + body_offset,
                                               bytes.size() - body_offset, body_offset,
                                               header_version, steps, &summary) &&
             same;
    }
    std::printf("%s: %s status %d consumed %llu objects %zu fields %zu stream %zu%s\n", argv[i],
                header.c_str(), summary.status,
                static_cast<unsigned long long>(summary.consumed), summary.objects,
                summary.fields, summary.stream_words, same ? "" : "  MISMATCH");
    if (!same) ++failures;
  }
  return failures == 0 ? 0 : 1;
}
