#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QString>

class Db;

// The incident history: tickets old and new, found by what was said in them (full-text, PostgreSQL's
// 'simple' configuration), the lift, the site, the technician, the reference and when they were opened,
// newest first, a page at a time.
namespace History {

struct Query {
    QString text;       // words the messages must contain (web-search syntax: "a phrase", or, -not)
    QString lift;       // the lift's SIM number, exactly
    QString site;       // part of the site's name or the building's, any case
    QString technician; // part of the technician's name, or a number (who responded, or anyone who wrote)
    QString reference;  // the start of the ticket's reference, any case
    QString status;     // open, closed (resolved), or empty for both
    QDateTime from;     // opened at or after (invalid: no bound)
    QDateTime to;       // opened before (invalid: no bound)
    int before = 0;     // the page after this ticket (the previous page's next_before; 0: the first page)
    int limit = 25;
};

static constexpr int maxLimit = 100;
static constexpr int maxTextLength = 200;
// Text said in more messages than this is searched ticket by ticket (newest first) rather than through the
// full-text index first.
static constexpr int commonMatches = 20000;
static constexpr int maxWords = 24;
// A search that takes longer is stopped and answered 422 search_too_broad.
static constexpr int timeoutMs = 5000;

struct Page {
    QByteArray incidents; // a JSON array
    int nextBefore = 0;   // `before` for the next page; 0 when this is the last
};

// One page of incidents, the most recently opened first. Each incident: ticket_id, ticket_reference,
// status, created_at, resolved_at, lift {msisdn, site_name, building}, technician {name, number} (who
// responded), message_count, and with text: matches (messages that match) and match {message_id, text,
// created_at} (the latest). Throws DomainError: invalid_history_query, invalid_before, invalid_limit, and
// search_too_broad for one that takes longer than timeoutMs.
Page search(Db &db, const Query &query);

} // namespace History
