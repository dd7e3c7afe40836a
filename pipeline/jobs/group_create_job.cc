#include "pipeline/jobs/group_create_job.h"

#include <algorithm>

#include "net/ascii.h"
#include "pipeline/csv/csv_reader.h"
#include "pipeline/jobs/group_create_task.h"
#include "pipeline/okta/okta_json.h"
#include "pipeline/rows/typed_value.h"
#include "pipeline/rows/user_row.h"

namespace okta_bulk {
namespace {

constexpr std::size_t kNameMax = 255;  // okta-bulk's check; Okta's own limit is not in the spec

class GroupCreateRows final : public RowHandler {
 public:
  bool Start(const std::vector<std::string>& header, std::string* error) override {
    std::vector<std::string> lowered;
    if (!ReadHeaderNames(header, &names_, &lowered, error)) return false;
    for (std::size_t i = 0; i < names_.size(); ++i) {
      std::string base, why;
      AttributeType type;
      if (!SplitTypedName(names_[i], &base, &type, &why)) {
        *error = "header: column '" + names_[i] + "' " + why;
        return false;
      }
      const std::string lower = LowerAscii(base);
      if ((lower == "name" || lower == "description") && type != AttributeType::kString) {
        *error = "header: column '" + names_[i] + "': '" + base + "' takes no type";
        return false;
      }
      // The group's own fields, which Okta sets: a `groups export` file reads back as it is.
      if (lower == "id" || lower == "type" || lower == "userscount") continue;
      if (lower == "name") name_ = static_cast<int>(i);
      else if (lower == "description") description_ = static_cast<int>(i);
      else attributes_.push_back({static_cast<int>(i), base, type});
    }
    if (name_ < 0) {
      std::string cols;
      for (const auto& n : names_) cols += (cols.empty() ? "" : ", ") + n;
      *error = "header: there is no 'name' column (columns found: " +
               (cols.empty() ? std::string("none") : cols) + ")";
      return false;
    }
    return true;
  }

  bool Build(const CsvRecord& record, uint64_t row, RunContext&, BuiltRow* out,
             std::string* error) override {
    if (!CheckRecordShape(record, row, names_, error)) return false;
    std::string_view name = TrimSpaces(record.fields[name_]);
    if (name.empty()) {
      *error = RowWhere(row, record, names_[name_]) + "is empty; every group needs a name";
      return false;
    }
    if (name.size() > kNameMax) {
      *error = RowWhere(row, record, names_[name_]) + "is longer than 255 characters";
      return false;
    }
    GroupCreateRow r;
    r.row = row;
    r.name.assign(name);
    std::string& b = r.body;
    b = "{\"profile\":{\"name\":";
    AppendJsonString(&b, name);
    if (description_ >= 0) {
      b += ",\"description\":";
      AppendJsonString(&b, record.fields[description_]);
    }
    std::string problem;
    for (const Attribute& a : attributes_) {
      std::string_view value = a.type == AttributeType::kString
                                   ? std::string_view(record.fields[a.index])
                                   : TrimSpaces(record.fields[a.index]);
      if (value.empty()) continue;
      b.push_back(',');
      AppendJsonString(&b, a.name);
      b.push_back(':');
      if (!AppendTypedValue(&b, a.type, value, &problem)) {
        *error = RowWhere(row, record, names_[a.index]) + problem;
        return false;
      }
    }
    b += "}}";
    out->key = LowerAscii(name);  // a name twice in one file: Okta's names ignore case
    out->key_field = names_[name_];
    out->key_kind = "group name (Okta's names ignore case)";
    out->task = std::make_unique<GroupCreateTask>(std::move(r));
    return true;
  }

  std::string LoginOf(const CsvRecord& record) const override {
    if (name_ >= 0 && static_cast<std::size_t>(name_) < record.fields.size())
      return std::string(TrimSpaces(record.fields[name_]));
    return {};
  }

 private:
  struct Attribute {
    int index;
    std::string name;
    AttributeType type;
  };
  std::vector<std::string> names_;
  int name_ = -1, description_ = -1;
  std::vector<Attribute> attributes_;
};

}  // namespace

std::unique_ptr<RowHandler> MakeGroupCreateRows() { return std::make_unique<GroupCreateRows>(); }

bool RunGroupCreate(boost::asio::io_context& io, HttpTransport& transport,
                    const GroupCreateJobOptions& options, JobSummary* summary, std::string* error,
                    const std::function<void(Dispatcher&)>& on_dispatcher) {
  GroupCreateRows rows;
  summary->command = "groups create";
  summary->dry_run_action = "a lookup by name, then one POST /api/v1/groups each";
  return RunJob(io, transport, options, rows, summary, error, on_dispatcher);
}

}  // namespace okta_bulk
