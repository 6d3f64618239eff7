#include "sip/dialog/dialog_registry.hpp"

#include <gtest/gtest.h>

#include "dialog_test_support.hpp"

namespace voxedge::sip {
namespace {

using namespace test;

const peer bob_flow = make_peer(transport_kind::tcp, "192.0.2.222", 5060, 9);

message ringing(std::string_view to_tag) {
  message r = parse(alice_180);
  r.to.set_tag(to_tag);
  return r;
}

dialog fork(std::string_view to_tag) {
  auto d = dialog::create_uac(parse(alice_invite), ringing(to_tag), bob_flow);
  EXPECT_TRUE(d.ok());
  return std::move(d).value();
}

TEST(DialogRegistry, FindsRequestsAndResponsesByTheirOwnTagOrder) {
  dialog_registry reg;
  auto added = reg.add(fork("314159"), 1);
  ASSERT_TRUE(added.ok());
  dialog* d = *added;
  EXPECT_EQ(reg.find_for_response(parse(alice_200)), d);
  // Bob's BYE: From = Bob (remote tag), To = Alice (local tag).
  message bye = parse(alice_invite);
  bye.method_name = "BYE";
  bye.method_id = method::bye;
  bye.cseq = {1, "BYE", method::bye};
  std::swap(bye.from, bye.to);
  bye.from.set_tag("314159");
  EXPECT_EQ(reg.find_for_request(bye), d);
  EXPECT_EQ(reg.owner_of(d->id()), 1u);
  // No To tag: outside any dialog (the TU answers what it is, not 481 from here).
  EXPECT_EQ(reg.find_for_request(parse(alice_invite)), nullptr);
  bye.from.set_tag("other");
  EXPECT_EQ(reg.find_for_request(bye), nullptr);  // 481 (§12.2.2)
}

TEST(DialogRegistry, ForkingThroughThePendingEntry) {
  dialog_registry reg;
  const auto invite = parse(alice_invite);
  ASSERT_TRUE(reg.add_pending(invite.call_id, invite.from.tag(), 7).ok());
  EXPECT_EQ(reg.add_pending(invite.call_id, invite.from.tag(), 7).error(), dialog_registry::refusal::duplicate);
  // Two 180s with different To tags: each is unknown, the pending entry names the call,
  // and the call creates one early dialog per tag.
  for (const auto* tag : {"fork-a", "fork-b"}) {
    const message r = ringing(tag);
    ASSERT_EQ(reg.find_for_response(r), nullptr);
    const auto owner = reg.find_pending(r.call_id, r.from.tag());
    ASSERT_EQ(owner, 7u);
    auto d = dialog::create_uac(invite, r, bob_flow);
    ASSERT_TRUE(d.ok());
    ASSERT_TRUE(reg.add(std::move(d).value(), *owner).ok());
  }
  EXPECT_EQ(reg.dialogs_of(7).size(), 2u);
  EXPECT_EQ(reg.count_of(7), 3u);
  // A retransmitted 180 finds its dialog.
  EXPECT_NE(reg.find_for_response(ringing("fork-a")), nullptr);
  EXPECT_TRUE(reg.remove_pending(invite.call_id, invite.from.tag()));
  EXPECT_FALSE(reg.find_pending(invite.call_id, invite.from.tag()).has_value());
  EXPECT_EQ(reg.remove_owner(7), 2u);
  EXPECT_EQ(reg.size(), 0u);
  EXPECT_EQ(reg.count_of(7), 0u);
}

TEST(DialogRegistry, RefusesDuplicatesAndEnforcesLimits) {
  dialog_registry reg({.max_dialogs = 4, .max_per_owner = 2});
  ASSERT_TRUE(reg.add(fork("a"), 1).ok());
  EXPECT_EQ(reg.add(fork("a"), 2).error(), dialog_registry::refusal::duplicate);
  ASSERT_TRUE(reg.add(fork("b"), 1).ok());
  EXPECT_EQ(reg.add(fork("c"), 1).error(), dialog_registry::refusal::owner_full);
  EXPECT_EQ(reg.add_pending("x", "y", 1).error(), dialog_registry::refusal::owner_full);
  ASSERT_TRUE(reg.add(fork("c"), 2).ok());
  ASSERT_TRUE(reg.add_pending("x", "y", 3).ok());
  EXPECT_EQ(reg.add(fork("d"), 4).error(), dialog_registry::refusal::full);
  EXPECT_EQ(to_string(dialog_registry::refusal::full), "full");
  // Room again once something goes.
  EXPECT_TRUE(reg.remove(fork("a").id()));
  EXPECT_FALSE(reg.remove(fork("a").id()));
  EXPECT_TRUE(reg.add(fork("d"), 4).ok());
  EXPECT_EQ(reg.size(), 3u);
  EXPECT_EQ(reg.pending_size(), 1u);
}

TEST(DialogRegistry, PointersSurviveOtherInsertionsAndRemovals) {
  dialog_registry reg;
  dialog* first = *reg.add(fork("keep"), 1);
  for (int i = 0; i < 200; ++i) ASSERT_TRUE(reg.add(fork("t" + std::to_string(i)), 100 + i).ok());
  for (int i = 0; i < 200; i += 2) reg.remove_owner(100 + i);
  EXPECT_EQ(reg.find(first->id()), first);
  EXPECT_EQ(first->id().remote_tag, "keep");
  EXPECT_EQ(reg.size(), 101u);
}

}  // namespace
}  // namespace voxedge::sip
