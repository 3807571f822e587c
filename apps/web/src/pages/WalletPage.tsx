import type { User } from '@coliving/sdk';
import { useEffect } from 'react';
import { Empty, ErrorState, Loading } from '../components/States.js';
import { useAsync } from '../components/useAsync.js';
import { dgcoNumber, formatDgco } from '../money/dgco.js';
import { Day, HandleLink, ItemLink, MoneyTable } from '../money/MoneyTable.js';
import { type HistoryEntry, readHistory } from '../money/history.js';
import { useWallet } from '../money/wallet.js';
import { useTitle } from '../router.js';
import { useSdk } from '../sdk.js';
import { AccountGate } from './account/AccountGate.js';
import { useAccount } from './account/useAccount.js';
import '../money/money.css';
import './pages.css';

/** The signed-in account's DGCO wallet: address, balance, and what moved in and out. */
export default function WalletPage() {
  useTitle('Wallet');
  const account = useAccount();
  if (account.status !== 'ready') {
    return (
      <div className="page">
        <AccountGate
          account={account}
          title="Wallet"
          next="/wallet"
          needsProfile
          why="to see your wallet"
        />
      </div>
    );
  }
  return <Wallet wallet={account.wallet} user={account.user} />;
}

function Wallet({ wallet: address, user }: { wallet: string; user: User }) {
  const sdk = useSdk();
  const wallet = useWallet();
  // The balance on this page is read as it opens, not left from the last refresh.
  const { refresh } = wallet;
  useEffect(() => void refresh(), [refresh]);
  const history = useAsync((signal) => readHistory(sdk, user.id, signal), [sdk, user.id]);
  return (
    <div className="page wallet-page">
      <h1>Wallet</h1>
      <section className="page-section" aria-labelledby="wallet-balance">
        <h2 id="wallet-balance" className="kicker">
          Balance
        </h2>
        <p className="wallet-balance" aria-live="polite">
          {wallet.balance === null ? '…' : formatDgco(wallet.balance)}
        </p>
        <p className="muted">
          Address <span className="wallet-address">{address}</span>
        </p>
        <p className="muted">
          DGCO lives on the eth chain in this wallet. Tips and purchases are signed here and sent by
          the network, which pays the gas: you need no ETH.
        </p>
      </section>
      <section className="page-section" aria-labelledby="wallet-history">
        <h2 id="wallet-history">History</h2>
        {history.status === 'loading' ? (
          <Loading label="Loading your history" />
        ) : history.status === 'error' ? (
          <ErrorState error={history.error} onRetry={() => history.reload()} />
        ) : history.data.length === 0 ? (
          <Empty>
            No tips or purchases yet. Tip a landlord from their profile, or buy a track with a
            price.
          </Empty>
        ) : (
          <HistoryTable entries={history.data} />
        )}
      </section>
    </div>
  );
}

const KIND_WORDS: Record<HistoryEntry['kind'], string> = {
  'tip-sent': 'Tip sent',
  'tip-received': 'Tip received',
  purchase: 'Bought',
  sale: 'Sold',
};

function HistoryTable({ entries }: { entries: HistoryEntry[] }) {
  return (
    <MoneyTable
      label="Wallet history"
      columns={[
        { title: 'When' },
        { title: 'What' },
        { title: 'Who' },
        { title: 'Amount', amount: true },
      ]}
      rows={entries.map((e) => ({
        key: `${e.kind}:${e.txHash}`,
        cells: [
          <Day at={e.at} />,
          <>
            {KIND_WORDS[e.kind]}
            {e.item && (
              <>
                {' '}
                <ItemLink item={e.item} />
              </>
            )}
          </>,
          <HandleLink user={e.who} missing={null} />,
          `${e.amount > 0n ? '+' : '−'}${dgcoNumber(e.amount > 0n ? e.amount : -e.amount)} DGCO`,
        ],
      }))}
    />
  );
}
