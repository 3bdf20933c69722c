#pragma once

#include <QByteArray>
#include <QProcess>
#include <QProcessEnvironment>
#include <QString>
#include <vector>

class Db;

// What the benchmarks share: technicians to write as, signed webhook bodies, the server as a process.
namespace Bench {

// n lifts, each with one linked technician (2782NNNNNNN) and one open ticket.
void seedTechnicians(Db &db, int n);
// A single-message text body from technician `technician` (1-based) with WhatsApp id `wamid`.
QByteArray webhookBody(const QString &wamid, int technician);
// The whole HTTP request for a signed POST /webhooks/whatsapp.
QByteArray webhookRequest(const QByteArray &payload, const QByteArray &secret);
// Starts liftline-server on a free port with `environment`; returns the port, 0 when it did not start.
quint16 startServer(QProcess &server, const QProcessEnvironment &environment);
// The q-quantile (0..1) of v.
double percentile(std::vector<double> v, double q);

} // namespace Bench
