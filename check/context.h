// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>
#include <QStringList>

#include <atomic>
#include <memory>

#include "check/probe.h"
#include "check/target.h"
#include "check/transcript.h"

namespace Herd {
class OfflinePlaces;
}

namespace Herd::Check {

class FloodListener;
class NodeProcesses;
class ReferenceHerd;

// What a rule works with: the herd under test, the settings, its own
// transcript, probes to open, the started processes, and the places the
// target is served (so a rule knows what a correct WHATSAT lists).
class CheckContext
{
public:
    CheckContext(const CheckTarget &target, const CheckSettings &settings, QStringList selectedNodes,
                 NodeProcesses *processes, const OfflinePlaces *places, QString placesBase,
                 const std::atomic<bool> *cancelled);
    ~CheckContext(); // stops the reference herd

    const CheckTarget &target() const { return m_target; }
    const HerdConfig &config() const { return m_target.config; }
    const CheckSettings &settings() const { return m_settings; }
    QStringList selectedNodes() const { return m_selected; }
    // Null when no node has a `run` block.
    NodeProcesses *processes() const { return m_processes; }
    // The places the target's {places_url} serves; what WHATSAT must list.
    const OfflinePlaces *places() const { return m_places; }
    QString placesBase() const { return m_placesBase; }
    // The checker standing in for the --listener node; null without one.
    FloodListener *listener() const { return m_listener; }
    void setListener(FloodListener *listener) { m_listener = listener; }
    bool cancelled() const { return m_cancelled->load(); }
    const std::atomic<bool> *cancelFlag() const { return m_cancelled; }

    // The current rule's transcript; the checker swaps in a fresh one per rule.
    Transcript &transcript() { return m_transcript; }
    void resetTranscript()
    {
        m_transcript = Transcript();
        m_probes = 0;
    }

    // A new, unconnected probe labelled c1, c2, ... in the transcript.
    std::unique_ptr<Probe> probe();
    // A probe connected to `node`, or null with the reason in the transcript
    // and in *error.
    std::unique_ptr<Probe> connect(const NodeConfig &node, QString *error = nullptr);
    // A client name no other rule or run uses: "check-<run>-<hint>-<n>".
    QString uniqueClient(const QString &hint = QStringLiteral("c"));
    // Lets `ms` pass, returning early (false) when the run is cancelled: for
    // rules that must let time pass, such as a rate's window.
    bool pause(int ms) const;
    // Herd's own nodes on the target's topology, for the speed rules'
    // reference figures: started on first use (once: a failure is kept),
    // shared by every rule, stopped when the run ends. Null, with why, when
    // settings().herdProgram is empty or they would not start.
    ReferenceHerd *referenceHerd(QString *why);

private:
    const CheckTarget &m_target;
    const CheckSettings &m_settings;
    QStringList m_selected;
    NodeProcesses *m_processes;
    const OfflinePlaces *m_places;
    QString m_placesBase;
    const std::atomic<bool> *m_cancelled;
    FloodListener *m_listener = nullptr;
    Transcript m_transcript;
    int m_probes = 0;
    int m_clients = 0;
    QString m_runTag;
    std::unique_ptr<ReferenceHerd> m_reference;
    QString m_referenceError; // why there is none, once tried
};

} // namespace Herd::Check
