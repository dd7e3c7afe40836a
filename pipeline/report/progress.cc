#include "pipeline/report/progress.h"

#include <sys/stat.h>

#include <algorithm>
#include <cmath>
#include <vector>
#include <cstdio>

#include "pipeline/csv/csv_reader.h"

namespace okta_bulk {

Bottleneck PickBottleneck(std::span<const BucketNow> buckets, uint64_t in_flight, int cap) {
  const BucketNow* most = nullptr;
  const BucketNow* spent = nullptr;
  for (const BucketNow& b : buckets) {
    if (b.queued == 0) continue;
    if (!most || b.queued > most->queued) most = &b;
    if (b.usable && *b.usable <= 0 && (!spent || b.queued > spent->queued)) spent = &b;
  }
  if (!most) return {};
  if (spent) return {Bottleneck::kBucket, spent->bucket};
  if (cap > 0 && in_flight >= static_cast<uint64_t>(cap)) return {Bottleneck::kConcurrency, {}};
  return {Bottleneck::kBucket, most->bucket};
}

std::optional<double> EstimateEta(uint64_t left, double recent_rate, const BucketNow* budget,
                                  double requests_per_item) {
  if (left == 0) return 0.0;
  std::optional<double> by_rate;
  if (recent_rate > 0) by_rate = static_cast<double>(left) / recent_rate;
  if (!budget || !budget->per_window || *budget->per_window <= 0 || !budget->window_s ||
      !budget->reset_in_s || requests_per_item <= 0)
    return by_rate;
  const double need = static_cast<double>(left) * requests_per_item;
  const double usable = budget->usable ? std::max<double>(0, static_cast<double>(*budget->usable)) : 0;
  const bool spent = budget->usable && *budget->usable <= 0;
  double by_budget = 0;
  if (need > usable) {
    // The k-th reset from now brings per_window more; the last one needed frees the last permit.
    const double windows = std::ceil((need - usable) / static_cast<double>(*budget->per_window));
    by_budget = std::max(0.0, *budget->reset_in_s) + (windows - 1) * *budget->window_s;
  }
  if (!by_rate) return by_budget;
  if (spent) {
    // While the bucket is spent nothing moves, so the recent rate does not bound the whole
    // wait; but the requests of the last window still take time once it opens: at the recent
    // rate, and at most one window (a reset "in 0 s" with 2,000 rows left is not "ETA 0s").
    const double windows_before_last =
        need > usable ? std::ceil((need - usable) / static_cast<double>(*budget->per_window)) - 1
                      : 0;
    const double last_requests =
        need - usable - windows_before_last * static_cast<double>(*budget->per_window);
    if (last_requests > 0)
      by_budget += std::min(*budget->window_s, last_requests / requests_per_item / recent_rate);
    return by_budget;
  }
  return std::max(by_budget, *by_rate);
}

void RecentRate::Add(double t_s, uint64_t done) {
  t_[next_] = t_s;
  done_[next_] = done;
  next_ = (next_ + 1) % kSlots;
  if (size_ < kSlots) ++size_;
}

double RecentRate::Rate() const {
  if (size_ < 2) return 0;
  const int newest = (next_ + kSlots - 1) % kSlots;
  const int oldest = size_ < kSlots ? 0 : next_;
  const double dt = t_[newest] - t_[oldest];
  if (dt <= 0 || done_[newest] < done_[oldest]) return 0;
  return static_cast<double>(done_[newest] - done_[oldest]) / dt;
}

std::string FormatDuration(double seconds) {
  if (!(seconds >= 0) || seconds > 1e9) return "?";
  const auto s = static_cast<uint64_t>(std::llround(seconds));
  char buf[48];
  if (s < 60)
    std::snprintf(buf, sizeof buf, "%llus", static_cast<unsigned long long>(s));
  else if (s < 3600)
    std::snprintf(buf, sizeof buf, "%llum%02llus", static_cast<unsigned long long>(s / 60),
                  static_cast<unsigned long long>(s % 60));
  else
    std::snprintf(buf, sizeof buf, "%lluh%02llum", static_cast<unsigned long long>(s / 3600),
                  static_cast<unsigned long long>(s / 60 % 60));
  return buf;
}

std::string RenderProgressLine(const ProgressState& s, std::size_t max_width, bool colour) {
  // Pieces, each with an optional colour; the plain text decides the width.
  struct Piece {
    std::string text;
    const char* colour = nullptr;
  };
  std::vector<Piece> pieces;
  char buf[160];
  if (s.total) {
    const double pct = *s.total ? 100.0 * static_cast<double>(s.done) / static_cast<double>(*s.total)
                                : 100.0;
    std::snprintf(buf, sizeof buf, " (%.1f%%)", std::min(pct, 100.0));
    pieces.push_back({GroupDigits(s.done) + "/" + GroupDigits(*s.total) + " " + s.unit + buf});
  } else {
    pieces.push_back({GroupDigits(s.done) + "/? " + s.unit});
  }
  if (s.pages) pieces.push_back({", " + Count(s.pages, "page", "pages")});
  std::snprintf(buf, sizeof buf, "  %.0f %s/s", s.rate, s.unit.c_str());
  pieces.push_back({buf});
  pieces.push_back({"  ETA " + (s.eta_s ? FormatDuration(*s.eta_s) : std::string("?"))});
  pieces.push_back({"  elapsed " + FormatDuration(s.elapsed_s)});
  if (s.has_outcomes) {
    bool first = true;
    for (std::size_t i = 0; i < kOutcomeCount; ++i) {
      const auto o = static_cast<Outcome>(i);
      if (s.outcomes[i] == 0) continue;
      pieces.push_back({std::string(first ? "  | " : " ") + std::string(OutcomeName(o)) + " " +
                            GroupDigits(s.outcomes[i]),
                        IsSuccess(o) ? nullptr : "\x1b[31m"});
      first = false;
    }
  }
  pieces.push_back({"  | 429s " + GroupDigits(s.rate_limited), s.rate_limited ? "\x1b[33m" : nullptr});
  pieces.push_back({"  in flight " + std::to_string(s.in_flight) + "/" + std::to_string(s.in_flight_cap)});
  switch (s.bottleneck.kind) {
    case Bottleneck::kNone: break;
    case Bottleneck::kConcurrency: pieces.push_back({"  | limit: concurrency"}); break;
    case Bottleneck::kBucket: {
      std::string t = "  | limit: " + std::string(BucketName(s.bottleneck.bucket)) + " bucket";
      if (s.bottleneck_bucket && s.bottleneck_bucket->limit) {
        const auto& b = *s.bottleneck_bucket;
        t += " " + std::to_string(std::max<int64_t>(0, b.usable.value_or(0))) + "/" +
             std::to_string(*b.limit) + " left";
        if (b.reset_in_s) t += ", reset in " + FormatDuration(std::max(0.0, *b.reset_in_s));
        if (b.learnt_cap) t += ", token share " + std::to_string(*b.learnt_cap) + " learnt from 429s";
      }
      pieces.push_back({std::move(t)});
      break;
    }
  }
  std::string plain;
  for (const Piece& p : pieces) plain += p.text;
  if (max_width && plain.size() > max_width) {
    plain.resize(max_width > 3 ? max_width - 3 : max_width);
    if (max_width > 3) plain += "...";
    return plain;
  }
  if (!colour) return plain;
  std::string out;
  for (const Piece& p : pieces) {
    if (p.colour) {
      // Keep the leading separator uncoloured.
      std::size_t start = p.text.find_first_not_of(" |");
      out += p.text.substr(0, start);
      out += p.colour;
      out += p.text.substr(start);
      out += "\x1b[0m";
    } else {
      out += p.text;
    }
  }
  return out;
}

std::optional<uint64_t> CountCsvRecords(const std::string& path, char delimiter) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  CsvOptions options;
  options.delimiter = delimiter;  // quotes open after a delimiter: the count depends on it
  auto opened = CsvReader::Open(path, options);
  if (!opened) return std::nullopt;
  CsvRecord record;
  uint64_t records = 0;
  while ((*opened)->Next(&record)) ++records;
  if ((*opened)->error()) return std::nullopt;
  return records > 0 ? records - 1 : 0;  // the header is not a row
}

}  // namespace okta_bulk
