import type { User } from '@coliving/sdk';
import { Empty, ErrorState, Loading } from '../components/States.js';
import { useAsync } from '../components/useAsync.js';
import { formatDgco } from '../money/dgco.js';
import { Day, HandleLink, ItemLink, MoneyTable } from '../money/MoneyTable.js';
import { itemsOf, usersOf } from '../money/history.js';
import { Link, useTitle } from '../router.js';
import { useSdk } from '../sdk.js';
import { AccountGate } from './account/AccountGate.js';
import { useAccount } from './account/useAccount.js';
import '../money/money.css';
import './pages.css';

/** How many recent sales the page lists under the totals. */
const RECENT_LIMIT = 50;

/** A landlord's sales: per item sold (count and total), and the latest sales with buyers. */
export default function SalesPage() {
  useTitle('Sales');
  const account = useAccount();
  if (account.status !== 'ready') {
    return (
      <div className="page">
        <AccountGate
          account={account}
          title="Sales"
          next="/dashboard/sales"
          needsProfile
          why="to see your sales"
        />
      </div>
    );
  }
  return <Sales user={account.user} />;
}

function Sales({ user }: { user: User }) {
  const sdk = useSdk();
  const sales = useAsync(
    async (signal) => {
      const [aggregate, recent] = await Promise.all([
        sdk.users.salesAggregate(user.id, { signal }),
        sdk.users.sales(user.id, { limit: RECENT_LIMIT, signal }),
      ]);
      const [items, buyers] = await Promise.all([
        itemsOf(sdk, [...aggregate, ...recent], signal),
        usersOf(
          sdk,
          recent.map((r) => r.buyer_user_id),
          signal,
        ),
      ]);
      return { aggregate, recent, items, buyers };
    },
    [sdk, user.id],
  );
  return (
    <div className="page sales-page">
      <h1>Sales</h1>
      <p className="muted">
        What listeners bought from you with DGCO. Each sale pays you (and your collaborators)
        directly, split as the track's price says.
      </p>
      {sales.status === 'loading' ? (
        <Loading label="Loading your sales" />
      ) : sales.status === 'error' ? (
        <ErrorState error={sales.error} onRetry={() => sales.reload()} />
      ) : sales.data.aggregate.length === 0 ? (
        <Empty>
          No sales yet. Give a track a price on its page (Edit, then Access) or when you{' '}
          <Link to="/upload">upload</Link> it.
        </Empty>
      ) : (
        <>
          <section className="page-section" aria-labelledby="sales-totals">
            <h2 id="sales-totals">By track</h2>
            <MoneyTable
              label="Sales by track"
              columns={[
                { title: 'Track or album' },
                { title: 'Sold', amount: true },
                { title: 'Earned', amount: true },
              ]}
              rows={sales.data.aggregate.map((a) => {
                const key = `${a.content_type}:${a.content_id}`;
                return {
                  key,
                  cells: [
                    <ItemLink item={sales.data.items.get(key)} missing="A deleted item" />,
                    a.purchase_count,
                    formatDgco(a.amount),
                  ],
                };
              })}
            />
          </section>
          <section className="page-section" aria-labelledby="sales-recent">
            <h2 id="sales-recent">Latest sales</h2>
            <MoneyTable
              label="Latest sales"
              columns={[
                { title: 'When' },
                { title: 'What' },
                { title: 'Buyer' },
                { title: 'Price', amount: true },
              ]}
              rows={sales.data.recent.map((s) => ({
                key: s.signature,
                cells: [
                  <Day at={s.created_at} />,
                  <ItemLink item={sales.data.items.get(`${s.content_type}:${s.content_id}`)} />,
                  <HandleLink user={sales.data.buyers.get(s.buyer_user_id)} />,
                  formatDgco(s.amount),
                ],
              }))}
            />
          </section>
        </>
      )}
    </div>
  );
}
