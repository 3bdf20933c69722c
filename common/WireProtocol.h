#pragma once

#include <QLatin1String>

#include <array>

// The event stream's vocabulary (docs/API.md, "The event stream"): the words the server, the console and
// the tests exchange, written once. Event names are recorded by SQL (chat_emit in sql/) and by
// server/chat/Unassigned.cpp; tst_common checks that they use these and no others.
namespace Wire {

namespace detail {
template<std::size_t N>
constexpr QLatin1String word(const char (&text)[N])
{
    return QLatin1String(text, qsizetype(N - 1));
}
} // namespace detail

// The "type" of a frame.
namespace Frame {
inline constexpr QLatin1String resume = detail::word("resume"); // console -> server, the first frame
inline constexpr QLatin1String ready = detail::word("ready");   // replay done: live from here
inline constexpr QLatin1String event = detail::word("event");
inline constexpr QLatin1String presence = detail::word("presence");
inline constexpr QLatin1String reset = detail::word("reset"); // the gap cannot be replayed: reload
} // namespace Frame

// The "event" of an event frame.
namespace Event {
inline constexpr QLatin1String conversationUpdated = detail::word("conversation.updated");
inline constexpr QLatin1String messageCreated = detail::word("message.created");
inline constexpr QLatin1String messageUpdated = detail::word("message.updated");
inline constexpr QLatin1String agentRequested = detail::word("agent.requested");
inline constexpr QLatin1String unassignedCreated = detail::word("unassigned.created");
inline constexpr QLatin1String unassignedUpdated = detail::word("unassigned.updated");
inline constexpr QLatin1String unassignedAttached = detail::word("unassigned.attached");
inline constexpr QLatin1String requestEscalated = detail::word("request.escalated"); // a ladder step taken
inline constexpr QLatin1String incidentUpdated = detail::word("incident.updated");   // a new card version
// A reply to a number with no ticket was stored, or its status changed.
inline constexpr QLatin1String unassignedReplied = detail::word("unassigned.replied");
inline constexpr std::array all = {
    conversationUpdated, messageCreated,     messageUpdated,   agentRequested,  unassignedCreated,
    unassignedUpdated,   unassignedAttached, requestEscalated, incidentUpdated, unassignedReplied};
} // namespace Event

// Why the server closes a console's stream, and what the console does about it.
namespace Close {
enum Code : int {
    goingAway = 1001,     // the server is stopping: reconnect and resume
    protocolError = 1002, // the first frame was not a resume: reconnect and resume
    signedOut = 1008,     // the credentials were refused or the session ended: sign in again
    tooBig = 1009,        // a frame over the limit: a console never sends one
    tryAgainLater = 1013, // the server cannot serve now (database, overload): reconnect later
};
} // namespace Close

} // namespace Wire
