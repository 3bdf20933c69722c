#pragma once

#include <QByteArray>
#include <QProcess>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>
#include <memory>
#include <vector>

#include "db/DbParams.h"

class Db;
class EmbeddedPostgres;

// What the benchmarks share: technicians to write as, signed webhook bodies, the server as a process.
namespace Bench {

// A private PostgreSQL with fsync on (as in production) in a fresh temporary folder, migrated.
class Cluster {
public:
    Cluster();
    ~Cluster();
    // `settings` as EmbeddedPostgres::Options takes them; false (and a line on stderr) when it did not start.
    // `durable`: fsync on, as in production (off for benchmarks of reads and of bulk work, not of writes).
    bool start(const QStringList &settings = {}, bool durable = true);
    DbParams params() const;

private:
    QTemporaryDir m_dir;
    std::unique_ptr<EmbeddedPostgres> m_pg;
};

// liftline-server on the cluster, taking webhooks signed with `secret` (and `extra` variables); returns the
// port, 0 (and a line on stderr) when it did not start. `binary`: another build's liftline-server, to
// compare builds in one run (default: this build's).
quint16 startServer(QProcess &server, const Cluster &cluster, const QByteArray &secret,
                    const QList<std::pair<QString, QString>> &extra = {}, const QString &binary = {});

// n lifts, each with one linked technician (2782NNNNNNN) and one open ticket.
void seedTechnicians(Db &db, int n);
// A single-message text body from technician `technician` (1-based) with WhatsApp id `wamid`.
QByteArray webhookBody(const QString &wamid, int technician);
// The whole HTTP request for a signed POST /webhooks/whatsapp.
QByteArray webhookRequest(const QByteArray &payload, const QByteArray &secret);
// A chat history: `lifts` lifts with a technician each, `tickets` tickets of which the newest `open` are
// open, `messages` messages of which `thread` on the newest ticket. Loaded in bulk (triggers off, summaries
// rebuilt after); returns the long thread's ticket id.
int generateChat(Db &db, int lifts, int tickets, int open, int messages, int thread);
// The resident memory of process `pid` (this process when 0), in KiB, from /proc; 0 when unknown.
qint64 residentKiB(qint64 pid = 0);
// The q-quantile (0..1) of v.
double percentile(std::vector<double> v, double q);

} // namespace Bench
