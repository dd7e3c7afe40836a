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

namespace {

// A stretch of the line with an optional colour; a form is one way to show a field, a field
// lists its forms longest first. Every text is ASCII: its size is its width in columns.
struct Piece {
  std::string text;
  const char* colour = nullptr;
};
using Form = std::vector<Piece>;
using Field = std::vector<Form>;

constexpr std::string_view kSeparator = " | ";

std::size_t Width(const Form& form) {
  std::size_t n = 0;
  for (const Piece& p : form) n += p.text.size();
  return n;
}

std::string Plain(const Form& form) {
  std::string out;
  for (const Piece& p : form) out += p.text;
  return out;
}

// The fields of the line in priority order (issue 19): done/total, rate, ETA, 429s, the
// limiting factor, in flight (the core), then outcomes and elapsed (the extras).
struct Fields {
  std::vector<Field> fields;
  std::size_t core = 0;  // fields[0, core) are the core
};

Fields FieldsOf(const ProgressState& s) {
  Fields out;
  std::vector<Field>& fields = out.fields;
  char buf[160];
  {
    std::string count = GroupDigits(s.done) + "/" + (s.total ? GroupDigits(*s.total) : "?");
    std::string pct;
    if (s.total) {
      const double p = *s.total ? 100.0 * static_cast<double>(s.done) / static_cast<double>(*s.total)
                                : 100.0;
      std::snprintf(buf, sizeof buf, " (%.1f%%)", std::min(p, 100.0));
      pct = buf;
    }
    const std::string pages = s.pages ? ", " + Count(s.pages, "page", "pages") : std::string();
    Field f;
    f.push_back({{count + " " + s.unit + pct + pages}});
    if (!pages.empty()) f.push_back({{count + " " + s.unit + pct}});
    f.push_back({{count + pct}});
    if (!pct.empty()) f.push_back({{count}});
    fields.push_back(std::move(f));
  }
  std::snprintf(buf, sizeof buf, "%.0f", s.rate);
  fields.push_back({{{std::string(buf) + " " + s.unit + "/s"}}, {{std::string(buf) + "/s"}}});
  fields.push_back({{{"ETA " + (s.eta_s ? FormatDuration(*s.eta_s) : std::string("?"))}}});
  fields.push_back({{{"429s " + GroupDigits(s.rate_limited), s.rate_limited ? "\x1b[33m" : nullptr}}});
  switch (s.bottleneck.kind) {
    case Bottleneck::kNone: break;
    case Bottleneck::kConcurrency:
      fields.push_back({{{"limit: concurrency"}}});
      break;
    case Bottleneck::kBucket: {
      const std::string name(BucketName(s.bottleneck.bucket));
      Field f;
      if (s.bottleneck_bucket && s.bottleneck_bucket->limit) {
        const auto& b = *s.bottleneck_bucket;
        std::string left = " " + std::to_string(std::max<int64_t>(0, b.usable.value_or(0))) + "/" +
                           std::to_string(*b.limit) + " left";
        std::string reset = b.reset_in_s
                                ? ", reset in " + FormatDuration(std::max(0.0, *b.reset_in_s))
                                : std::string();
        std::string share =
            b.learnt_cap ? ", token share " + std::to_string(*b.learnt_cap) + " learnt from 429s"
                         : std::string();
        const std::string head = "limit: " + name + " bucket";
        if (!share.empty()) f.push_back({{head + left + reset + share}});
        f.push_back({{head + left + reset}});
        // "limit: create 12/600, reset 23s"
        std::string brief = "limit: " + name + " " +
                            std::to_string(std::max<int64_t>(0, b.usable.value_or(0))) + "/" +
                            std::to_string(*b.limit);
        if (b.reset_in_s) brief += ", reset " + FormatDuration(std::max(0.0, *b.reset_in_s));
        f.push_back({{brief}});
      }
      f.push_back({{"limit: " + name + " bucket"}});
      f.push_back({{"limit: " + name}});
      fields.push_back(std::move(f));
      break;
    }
  }
  fields.push_back(
      {{{"in flight " + std::to_string(s.in_flight) + "/" + std::to_string(s.in_flight_cap)}}});
  out.core = fields.size();
  if (s.has_outcomes) {
    Form all, failures;
    for (std::size_t i = 0; i < kOutcomeCount; ++i) {
      const auto o = static_cast<Outcome>(i);
      if (s.outcomes[i] == 0) continue;
      const char* c = IsSuccess(o) ? nullptr : "\x1b[31m";
      for (Form* form : {&all, &failures}) {
        if (form == &failures && !c) continue;
        if (!form->empty()) form->push_back({" "});
        form->push_back({std::string(OutcomeName(o)) + " " + GroupDigits(s.outcomes[i]), c});
      }
    }
    // Short of room, the failures are what the outcomes must still tell.
    if (!all.empty()) {
      Field f{all};
      if (!failures.empty() && failures.size() < all.size()) f.push_back(failures);
      fields.push_back(std::move(f));
    }
  }
  fields.push_back({{{"elapsed " + FormatDuration(s.elapsed_s)}}});
  return out;
}

}  // namespace

std::string RenderProgressLine(const ProgressState& s, std::size_t max_width, bool colour) {
  const Fields all = FieldsOf(s);
  const std::vector<Field>& fields = all.fields;
  const std::size_t sep = kSeparator.size();
  // 1. As many core fields as fit in their shortest forms, in priority order: a narrower
  //    terminal drops the least useful end. 2. The room left makes the kept fields longer,
  //    the most useful first. 3. The extras (outcomes, elapsed) follow while they fit.
  std::vector<const Form*> chosen;
  std::size_t used = 0;
  for (std::size_t i = 0; i < all.core; ++i) {
    const std::size_t add = (chosen.empty() ? 0 : sep) + Width(fields[i].back());
    if (max_width && used + add > max_width) break;
    chosen.push_back(&fields[i].back());
    used += add;
  }
  for (std::size_t i = 0; i < chosen.size(); ++i)
    for (const Form& form : fields[i]) {
      const std::size_t now = Width(*chosen[i]);
      if (&form == chosen[i]) break;
      if (!max_width || used - now + Width(form) <= max_width) {
        used = used - now + Width(form);
        chosen[i] = &form;
        break;
      }
    }
  for (std::size_t i = all.core; i < fields.size() && chosen.size() == i; ++i)
    for (const Form& form : fields[i])
      if (!max_width || used + sep + Width(form) <= max_width) {
        chosen.push_back(&form);
        used += sep + Width(form);
        break;
      }
  if (chosen.empty()) {  // not even the count fits: cut it (plain, so no escape is split)
    std::string plain = Plain(fields.front().back());
    plain.resize(max_width > 3 ? max_width - 3 : max_width);
    if (max_width > 3) plain += "...";
    return plain;
  }
  std::string out;
  for (const Form* form : chosen) {
    if (!out.empty()) out += kSeparator;
    for (const Piece& p : *form) {
      if (colour && p.colour) {
        out += p.colour;
        out += p.text;
        out += "\x1b[0m";
      } else {
        out += p.text;
      }
    }
  }
  return out;
}

std::string ProgressRedrawPrefix(std::size_t drawn_columns, std::size_t terminal_columns) {
  // The last line was drawn on a wider terminal and is longer than a row now: a terminal
  // that re-wraps its lines on resize shows it on several rows, the cursor after its end.
  // Go up to its first row, then clear from there to the end of the screen.
  std::string out;
  if (terminal_columns > 0 && drawn_columns > terminal_columns) {
    const std::size_t rows = (drawn_columns + terminal_columns - 1) / terminal_columns;
    out = "\x1b[" + std::to_string(rows - 1) + "A";
  }
  out += "\r\x1b[J";
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
