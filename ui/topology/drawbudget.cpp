// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/topology/drawbudget.h"

#include <QElapsedTimer>
#include <QGraphicsView>
#include <QImage>
#include <QPainter>

#include <algorithm>
#include <memory>
#include <vector>

#include "ui/topology/linkitem.h"
#include "ui/topology/tokenitem.h"

namespace HerdUi::DrawBudget {

namespace {

// The fastest of five renders of the view (the others met a busy machine),
// after one that fills the items' caches (tokens cache their picture, as
// they do on screen).
double renderMs(QGraphicsView *view, QImage &image)
{
    const auto once = [&] {
        QElapsedTimer timer;
        timer.start();
        QPainter painter(&image);
        view->render(&painter, image.rect(), view->viewport()->rect());
        return double(timer.nsecsElapsed()) / 1e6;
    };
    once();
    double fastest = once();
    for (int round = 1; round < 5; ++round)
        fastest = std::min(fastest, once());
    return fastest;
}

} // namespace

int tokensWithin(const Cost &cost, int most)
{
    if (cost.tokenMs() <= 0)
        return std::min(kUnmeasuredTokens, most); // not measured
    const double tokens = (kFrameBudgetMs - cost.sceneMs) / cost.tokenMs();
    return int(std::clamp(tokens, double(kMinTokens), double(std::max(most, kMinTokens))));
}

Cost measure(QGraphicsView *view, QGraphicsItem *tokenLayer, const QList<LinkItem *> &links)
{
    Cost cost;
    if (links.isEmpty() || view->viewport()->size().isEmpty())
        return cost;
    QImage image(view->viewport()->size(), QImage::Format_ARGB32_Premultiplied);
    cost.sceneMs = renderMs(view, image);
    std::vector<std::unique_ptr<TokenItem>> probes;
    for (int i = 0; i < kProbeTokens; ++i) {
        auto token = std::make_unique<TokenItem>(tokenLayer);
        token->setClient("probe-" + QByteArray::number(i));
        const LinkItem *link = links.at(i % links.size());
        token->setPos(link->lane(true).pointAt(0.2 + 0.6 * (i / links.size() % 5) / 4.0));
        probes.push_back(std::move(token));
    }
    cost.perTokenMs = std::max(0.0, renderMs(view, image) - cost.sceneMs) / kProbeTokens;
    const QRectF token = view->mapFromScene(probes.front()->sceneBoundingRect()).boundingRect();
    cost.tokenShare = token.width() * token.height() / (image.width() * double(image.height()));
    return cost;
}

} // namespace HerdUi::DrawBudget
