// The sync plan core (issue 17): the org's state read from Okta's JSON, and each row's
// actions computed from it without a socket.
#include "pipeline/jobs/sync_plan.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace okta_bulk {
namespace {

const char kPage[] =
    R"([{"id":"00u1","status":"ACTIVE","profile":{"login":"Ann@Example.com","email":"ann@example.com",)"
    R"("firstName":"Ann","lastName":"Lee","department":"Sales","level":3,"badge":"42","tags":["a","b"]}},)"
    R"({"id":"00u2","status":"SUSPENDED","profile":{"login":"bob@example.com","email":"bob@example.com",)"
    R"("firstName":"Bob","lastName":"Ray"}},)"
    R"({"id":"00u3","status":"ACTIVE","profile":{"login":"zed@example.com","email":"zed@example.com"}}])";

OrgState ReadOrg(bool keep_others = false) {
  OrgState org;
  org.KeepAttributes({"email", "firstName", "department", "level", "badge", "tags"});
  org.Want("ann@example.com");
  org.Want("BOB@example.com");
  org.keep_others = keep_others;
  std::string error;
  EXPECT_TRUE(org.AddUsers(kPage, &error)) << error;
  return org;
}

DesiredUser Want(std::string login, std::string body, std::vector<std::string> groups = {}) {
  return DesiredUser{std::move(login), std::move(body), std::move(groups)};
}

RowPlan Plan(const DesiredUser& want, const OrgUser* have,
             const std::vector<std::string>* groups = nullptr, GroupScope scope = {}) {
  RowPlan plan;
  std::string error;
  EXPECT_TRUE(PlanRow(want, have, groups, scope, &plan, &error)) << error;
  return plan;
}

TEST(SyncPlanTest, TheOrgKeepsOnlyTheFilesUsersFoundByFoldedLogin) {
  OrgState org = ReadOrg();
  EXPECT_EQ(org.size(), 2u);
  const OrgUser* ann = org.Find("ANN@example.com");
  ASSERT_NE(ann, nullptr);
  EXPECT_EQ(ann->id, "00u1");
  EXPECT_EQ(ann->status, "ACTIVE");
  EXPECT_EQ(ann->login, "Ann@Example.com");
  // Only the kept attributes, in the order asked for; lastName is not among them.
  EXPECT_EQ(ann->profile,
            R"({"profile":{"email":"ann@example.com","firstName":"Ann","department":"Sales",)"
            R"("level":3,"badge":"42","tags":["a","b"]}})");
  EXPECT_EQ(org.Find("zed@example.com"), nullptr);
  EXPECT_TRUE(org.others().empty());
}

TEST(SyncPlanTest, UsersOutsideTheFileAreKeptAsOthersOnlyWhenAsked) {
  OrgState org = ReadOrg(/*keep_others=*/true);
  ASSERT_EQ(org.others().size(), 1u);
  EXPECT_EQ(org.others()[0].id, "00u3");
  EXPECT_EQ(org.others()[0].login, "zed@example.com");
}

TEST(SyncPlanTest, AMembersPageGivesTheFilesUsersButNeverOthers) {
  OrgState org;
  org.KeepAttributes({"department", "level"});
  org.Want("ann@example.com");
  org.keep_others = true;  // --deactivate-missing: only a --scope listing may name them
  std::string error;
  // A member without a profile (not what Okta sends) still counts as a membership.
  std::string page = kPage;
  page.insert(page.size() - 1, R"(,{"id":"00u4","status":"ACTIVE"})");
  ASSERT_TRUE(org.AddMembers("00gA", page, &error)) << error;
  const OrgUser* ann = org.Find("ann@example.com");
  ASSERT_NE(ann, nullptr);
  EXPECT_EQ(ann->id, "00u1");
  EXPECT_EQ(ann->profile, R"({"profile":{"department":"Sales","level":3}})");
  EXPECT_EQ(org.size(), 1u);
  EXPECT_TRUE(org.others().empty()) << "a group is not --scope";
  EXPECT_EQ(org.GroupsOf("00u3"), std::vector<std::string>{"00gA"});
  EXPECT_EQ(org.GroupsOf("00u4"), std::vector<std::string>{"00gA"});
  EXPECT_FALSE(org.AddMembers("00gA", R"([{"status":"ACTIVE"}])", &error));
  EXPECT_NE(error.find("has no id"), std::string::npos) << error;
}

TEST(SyncPlanTest, OneUserObjectReadsLikeAPageOfOne) {
  OrgState org;
  std::string error;
  ASSERT_TRUE(org.AddUsers(R"({"id":"00u9","status":"STAGED","profile":{"login":"x@example.com"}})",
                           &error));
  ASSERT_NE(org.Find("x@example.com"), nullptr);
  EXPECT_EQ(org.Find("x@example.com")->profile, R"({"profile":{"login":"x@example.com"}})");
}

TEST(SyncPlanTest, AnAnswerThatIsNotUsersIsRefusedWithAReason) {
  OrgState org;
  std::string error;
  EXPECT_FALSE(org.AddUsers("<html>", &error));
  EXPECT_NE(error.find("not JSON"), std::string::npos);
  EXPECT_FALSE(org.AddUsers(R"([{"id":"00u1"}])", &error));
  EXPECT_NE(error.find("no id or no profile"), std::string::npos);
  EXPECT_FALSE(org.AddUsers(R"(42)", &error));
}

TEST(SyncPlanTest, AMissingUserIsCreatedWithItsGroups) {
  OrgState org = ReadOrg();
  RowPlan plan = Plan(Want("new@example.com", R"({"profile":{"department":"IT"}})", {"00g1"}),
                      org.Find("new@example.com"));
  EXPECT_EQ(plan.action, SyncAction::kCreate);
  EXPECT_EQ(plan.add_groups, std::vector<std::string>{"00g1"});
  EXPECT_EQ(plan.Requests(), 1u);  // the groups go with the create
}

TEST(SyncPlanTest, AFileThatMatchesTheOrgLeavesTheRowUnchanged) {
  OrgState org = ReadOrg();
  RowPlan plan = Plan(Want("ann@example.com",
                           R"({"profile":{"email":"ann@example.com","department":"Sales","level":3.0,)"
                           R"("badge":"42","tags":["a","b"]}})"),
                      org.Find("ann@example.com"));
  EXPECT_EQ(plan.action, SyncAction::kUnchanged);
  EXPECT_TRUE(plan.changes.empty());
  EXPECT_EQ(plan.UpdateBody(), "");
  EXPECT_EQ(plan.Requests(), 0u);
}

TEST(SyncPlanTest, AnUpdateCarriesOnlyTheChangedAttributes) {
  OrgState org = ReadOrg();
  RowPlan plan = Plan(Want("ann@example.com",
                           R"({"profile":{"email":"ann@example.com","department":"Support","level":3,)"
                           R"("costCenter":"CC-9"}})"),
                      org.Find("ann@example.com"));
  EXPECT_EQ(plan.action, SyncAction::kUpdate);
  EXPECT_EQ(plan.user_id, "00u1");
  ASSERT_EQ(plan.changes.size(), 2u);
  EXPECT_EQ(plan.changes[0].name, "department");
  EXPECT_EQ(plan.changes[0].old_json, R"("Sales")");
  EXPECT_EQ(plan.changes[0].new_json, R"("Support")");
  EXPECT_EQ(plan.changes[1].name, "costCenter");
  EXPECT_EQ(plan.changes[1].old_json, "");  // the user has none
  EXPECT_EQ(plan.UpdateBody(), R"({"profile":{"department":"Support","costCenter":"CC-9"}})");
  EXPECT_EQ(plan.Requests(), 1u);
}

TEST(SyncPlanTest, TypesComeFromTheRowsValuesSoANumberIsNotTheSameString) {
  OrgState org = ReadOrg();
  // badge is a string attribute in the org ("42"); a row typed as number differs, a row
  // typed as the schema's string does not.
  RowPlan as_number = Plan(Want("ann@example.com", R"({"profile":{"badge":42}})"),
                           org.Find("ann@example.com"));
  EXPECT_EQ(as_number.action, SyncAction::kUpdate);
  RowPlan as_string = Plan(Want("ann@example.com", R"({"profile":{"badge":"42"}})"),
                           org.Find("ann@example.com"));
  EXPECT_EQ(as_string.action, SyncAction::kUnchanged);
  RowPlan level_text = Plan(Want("ann@example.com", R"({"profile":{"level":"3"}})"),
                            org.Find("ann@example.com"));
  EXPECT_EQ(level_text.action, SyncAction::kUpdate);
}

TEST(SyncPlanTest, ANullClearsOnlyAnAttributeThatHasAValue) {
  OrgState org = ReadOrg();
  RowPlan clear = Plan(Want("ann@example.com", R"({"profile":{"department":null}})"),
                       org.Find("ann@example.com"));
  EXPECT_EQ(clear.action, SyncAction::kUpdate);
  EXPECT_EQ(clear.UpdateBody(), R"({"profile":{"department":null}})");
  RowPlan absent = Plan(Want("ann@example.com", R"({"profile":{"costCenter":null}})"),
                        org.Find("ann@example.com"));
  EXPECT_EQ(absent.action, SyncAction::kUnchanged);
}

TEST(SyncPlanTest, GroupsAreAddedWhereMissingAndRemovedOnlyWithinTheManagedOnes) {
  OrgState org = ReadOrg();
  org.AddMember("00gA", "00u1");
  org.AddMember("00gB", "00u1");
  org.AddMember("00gOther", "00u1");
  org.memberships_known = true;
  const std::vector<std::string> groups = org.GroupsOf("00u1");
  EXPECT_EQ(groups, (std::vector<std::string>{"00gA", "00gB", "00gOther"}));
  DesiredUser want = Want("ann@example.com", R"({"profile":{}})", {"00gA", "00gC"});

  RowPlan adds_only = Plan(want, org.Find("ann@example.com"), &groups);
  EXPECT_EQ(adds_only.action, SyncAction::kUpdate);
  EXPECT_EQ(adds_only.add_groups, std::vector<std::string>{"00gC"});
  EXPECT_TRUE(adds_only.remove_groups.empty());  // without --exact-groups nothing is removed

  GroupScope exact;
  exact.exact = true;
  exact.managed = {"00gA", "00gB", "00gC"};  // 00gOther is not the file's business
  RowPlan exact_plan = Plan(want, org.Find("ann@example.com"), &groups, exact);
  EXPECT_EQ(exact_plan.add_groups, std::vector<std::string>{"00gC"});
  EXPECT_EQ(exact_plan.remove_groups, std::vector<std::string>{"00gB"});
  EXPECT_EQ(exact_plan.Requests(), 2u);
}

TEST(SyncPlanTest, UnknownMembershipsAddEveryGroupAndRemoveNone) {
  OrgState org = ReadOrg();
  GroupScope exact;
  exact.exact = true;
  exact.managed = {"00gA"};
  RowPlan plan = Plan(Want("bob@example.com", R"({"profile":{}})", {"00gA"}),
                      org.Find("bob@example.com"), nullptr, exact);
  EXPECT_EQ(plan.add_groups, std::vector<std::string>{"00gA"});
  EXPECT_TRUE(plan.remove_groups.empty());
}

TEST(SyncPlanTest, CountsSayWhatThePlanCostsAgainstARowPerRequestUpdate) {
  OrgState org = ReadOrg();
  PlanCounts counts;
  counts.Add(Plan(Want("new@example.com", R"({"profile":{}})"), nullptr));
  counts.Add(Plan(Want("ann@example.com", R"({"profile":{"department":"IT","level":4}})", {"00g1"}),
                  org.Find("ann@example.com")));
  counts.Add(Plan(Want("bob@example.com", R"({"profile":{"firstName":"Bob"}})"),
                  org.Find("bob@example.com")));
  EXPECT_EQ(counts.create, 1u);
  EXPECT_EQ(counts.update, 1u);
  EXPECT_EQ(counts.unchanged, 1u);
  EXPECT_EQ(counts.attribute_changes, 2u);
  EXPECT_EQ(counts.group_adds, 1u);
  EXPECT_EQ(counts.requests, 3u);  // a create, an update, a group add
  EXPECT_EQ(counts.Describe(3),
            "Plan: 1 to create, 1 to update (2 attribute changes, 1 group add, 0 group removes), "
            "1 unchanged, 0 to deactivate: 3 requests to send (a row-per-request update would "
            "send 3).");
}

TEST(SyncPlanTest, ThePlanFileListsEveryChangeAndNothingForAnUnchangedRow) {
  OrgState org = ReadOrg();
  std::string out;
  DesiredUser ann = Want("ann@example.com",
                         R"({"profile":{"department":"IT, Ops","tags":["x","y"],"level":3}})", {"00g1"});
  AppendPlanLines(&out, ann.login, ann, Plan(ann, org.Find(ann.login)));
  DesiredUser bob = Want("bob@example.com", R"({"profile":{"firstName":"Bob"}})");
  AppendPlanLines(&out, bob.login, bob, Plan(bob, org.Find(bob.login)));
  DesiredUser neu = Want("new@example.com", R"({"profile":{"firstName":"Neu","level":7}})", {"00g2"});
  AppendPlanLines(&out, neu.login, neu, Plan(neu, nullptr));
  EXPECT_EQ(out,
            "ann@example.com,update,department,Sales,\"IT, Ops\"\n"
            "ann@example.com,update,tags,a;b,x;y\n"
            "ann@example.com,update,groupId,,00g1\n"
            "new@example.com,create,firstName,,Neu\n"
            "new@example.com,create,level,,7\n"
            "new@example.com,create,groupId,,00g2\n");
}

TEST(SyncPlanTest, JsonValuesBecomeCells) {
  EXPECT_EQ(JsonValueAsCell(R"("a b")"), "a b");
  EXPECT_EQ(JsonValueAsCell("1.5"), "1.5");
  EXPECT_EQ(JsonValueAsCell("true"), "true");
  EXPECT_EQ(JsonValueAsCell("null"), "");
  EXPECT_EQ(JsonValueAsCell(""), "");
  EXPECT_EQ(JsonValueAsCell(R"([1,2])"), "1;2");
}

}  // namespace
}  // namespace okta_bulk
