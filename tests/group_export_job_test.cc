// GroupExportWriter without I/O: a groups page to CSV rows, the header once, usersCount empty
// where the answer has no stats, malformed pages refused with a reason.
#include "pipeline/jobs/group_export_job.h"

#include <gtest/gtest.h>

#include <string>

namespace okta_bulk {
namespace {

struct Sink {
  std::string text;
  bool fail = false;
  GroupExportWriter::Write write() {
    return [this](std::string_view d) {
      if (fail) return false;
      text.append(d);
      return true;
    };
  }
};

TEST(GroupExportWriterTest, PagesBecomeRowsUnderOneHeader) {
  Sink sink;
  GroupExportWriter w(sink.write());
  std::string error;
  const std::string first =
      R"([{"id":"00g1","type":"BUILT_IN","profile":{"name":"Everyone",)"
      R"("description":"All users"},"_embedded":{"stats":{"usersCount":3}}}])";
  const std::string second =
      R"j([{"id":"00g2","type":"OKTA_GROUP","profile":{"name":"=cmd()",)j"
      R"j("description":"line\nbreak"}}])j";
  const bool first_ok = w.WritePage(first, &error);
  ASSERT_TRUE(first_ok) << error;
  const bool second_ok = w.WritePage(second, &error);
  ASSERT_TRUE(second_ok) << error;
  ASSERT_TRUE(w.Finish(&error));
  EXPECT_EQ(sink.text,
            "id,name,description,type,usersCount\n"
            "00g1,Everyone,All users,BUILT_IN,3\n"
            "00g2,=cmd(),\"line\nbreak\",OKTA_GROUP,\n");  // exact: data for groups create
  EXPECT_EQ(w.groups(), 2u);
  EXPECT_EQ(w.pages(), 2u);
  EXPECT_EQ(w.without_count(), 1u);
}

TEST(GroupExportWriterTest, AnEmptyListingIsTheHeaderOnly) {
  Sink sink;
  GroupExportWriter w(sink.write());
  std::string error;
  ASSERT_TRUE(w.WritePage("[]", &error)) << error;
  ASSERT_TRUE(w.Finish(&error));
  EXPECT_EQ(sink.text, "id,name,description,type,usersCount\n");
  EXPECT_EQ(w.groups(), 0u);
}

TEST(GroupExportWriterTest, APageThatIsNotAGroupsArrayIsRefusedWithAReason) {
  for (const char* body : {R"({"errorCode":"E0000006"})", R"([{"name":"no id"}])", "not json"}) {
    SCOPED_TRACE(body);
    Sink sink;
    GroupExportWriter w(sink.write());
    std::string error;
    EXPECT_FALSE(w.WritePage(body, &error));
    EXPECT_NE(error.find("the groups page cannot be read"), std::string::npos) << error;
    EXPECT_EQ(w.groups(), 0u);
  }
}

TEST(GroupExportWriterTest, AWriteErrorIsReported) {
  Sink sink;
  sink.fail = true;
  GroupExportWriter w(sink.write());
  std::string error;
  const std::string page = R"([{"id":"00g1","profile":{"name":"A"}}])";
  const bool ok = w.WritePage(page, &error);
  EXPECT_FALSE(ok);
  EXPECT_NE(error.find("cannot write the output"), std::string::npos) << error;
}

TEST(GroupExportSummaryTest, ExitCodesAndWhatTheSummarySays) {
  GroupExportSummary s;
  s.output_path = "groups.csv";
  s.groups = 3;
  s.pages = 1;
  s.written = true;
  EXPECT_EQ(s.ExitCode(), 0);
  EXPECT_NE(s.Describe().find("Exported 3 groups in 1 page to groups.csv"), std::string::npos)
      << s.Describe();
  s.written = false;
  s.abort_reason = "listing groups (/x): refusing to follow";
  EXPECT_EQ(s.ExitCode(), 3);
  EXPECT_NE(s.Describe().find("groups.csv was not written"), std::string::npos) << s.Describe();
  s.abort_reason.clear();
  s.error = "listing groups failed";
  EXPECT_EQ(s.ExitCode(), 1);
  s.interrupted = true;
  EXPECT_EQ(s.ExitCode(), 130);
}

}  // namespace
}  // namespace okta_bulk
