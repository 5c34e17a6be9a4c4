#include <QTest>
class tst_Session final : public QObject
{
    Q_OBJECT
};
QTEST_GUILESS_MAIN(tst_Session)
#include "tst_session.moc"
