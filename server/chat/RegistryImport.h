#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QString>

class Db;
struct Principal;

// Imports the lift registry CSV (lift_msisdn,site_name,building,contact_name,contact_msisdn,contact_email,
// relation): lifts upserted by SIM number, contacts by phone number, and their links. Every row is checked
// before anything is written; a bad row rejects the whole file with its line number. Running the same
// file twice changes nothing.
namespace RegistryImport {

struct Report {
    int rows = 0;
    int liftsAdded = 0, liftsUpdated = 0, liftsUnchanged = 0;
    int contactsAdded = 0, contactsUpdated = 0, contactsUnchanged = 0;
    int linksAdded = 0, linksUpdated = 0, linksUnchanged = 0;

    QJsonObject toJson() const;
    QString summary() const;
};

// The largest registry file accepted, in bytes.
constexpr qint64 maxBytes = 16 * 1024 * 1024;

// Checks the file without writing anything; returns its row count. Throws as run() does.
int validate(const QByteArray &csv);

// Throws DomainError (Invalid, invalid_registry) naming the line and what is wrong.
Report run(Db &db, const QByteArray &csv, const Principal &who);

} // namespace RegistryImport
