// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/topology/stresslayout.h"

#include <graphviz/gvc.h>

#include <cmath>

#include <QMutex>
#include <QMutexLocker>
#include <QRectF>

namespace HerdUi {

namespace {

constexpr double kPointsPerInch = 72; // Graphviz sizes nodes in inches, places them in points

// cgraph's API takes char *, though it copies what it is given.
char *text(const QByteArray &bytes)
{
    return const_cast<char *>(bytes.constData());
}

void set(void *object, const char *name, const QByteArray &value)
{
    agsafeset(object, const_cast<char *>(name), text(value), const_cast<char *>(""));
}

QByteArray number(double value)
{
    return QByteArray::number(value, 'f', 3);
}

} // namespace

QHash<QString, QPointF> stressLayout(const QStringList &names,
                                     const QList<std::pair<QString, QString>> &links, const QSizeF &card,
                                     double gap)
{
    // Graphviz keeps global state (its error handler, the plugin list of a
    // context): one layout at a time.
    static QMutex lock;
    const QMutexLocker locker(&lock);
    agseterr(AGERR); // its warnings (an overlap fallback, say) are not the user's business

    // One context for the process, never freed: Graphviz 2.42's text
    // plugin remembers the last font name by pointer, into the font table
    // of the context that measured it, so measuring again after that
    // context was freed reads freed memory (AddressSanitizer caught it).
    static GVC_t *const context = gvContext();
    Agraph_t *graph = agopen(const_cast<char *>("herd"), Agundirected, nullptr);
    set(graph, "mode", "major");
    set(graph, "start", "1"); // a fixed seed: the same herd, the same picture
    set(graph, "overlap", "prism");
    set(graph, "sep", "+" + number(gap / 2));
    set(graph, "splines", "false");

    QList<Agnode_t *> nodes;
    for (const QString &name : names) {
        Agnode_t *node = agnode(graph, text(name.toUtf8()), 1);
        set(node, "shape", "box");
        set(node, "label", ""); // the window draws the names: nothing for Graphviz to measure
        set(node, "fixedsize", "true");
        set(node, "width", number(card.width() / kPointsPerInch));
        set(node, "height", number(card.height() / kPointsPerInch));
        nodes.append(node);
    }
    // About one and a half cards apart, centre to centre: room for the
    // link's pill, and no more, so the herd fits the view large.
    const QByteArray length = number(1.25 * card.width() / kPointsPerInch);
    for (const auto &[a, b] : links) {
        const qsizetype i = names.indexOf(a), j = names.indexOf(b);
        if (i < 0 || j < 0 || i == j)
            continue;
        Agedge_t *edge = agedge(graph, nodes[i], nodes[j], nullptr, 1);
        set(edge, "len", length);
    }

    QHash<QString, QPointF> positions;
    if (gvLayout(context, graph, "neato") == 0) {
        QRectF bounds;
        for (qsizetype i = 0; i < names.size(); ++i) {
            const pointf at = ND_coord(nodes[i]);
            const QPointF p(at.x, -at.y); // Graphviz's y grows upwards
            positions.insert(names[i], p);
            bounds |= QRectF(p, QSizeF(0.001, 0.001));
        }
        for (QPointF &p : positions)
            p = QPointF(std::round(p.x() - bounds.center().x()), std::round(p.y() - bounds.center().y()));
        gvFreeLayout(context, graph);
    }
    agclose(graph);
    return positions;
}

} // namespace HerdUi
