import type { ReactNode } from 'react';
import { Link } from '../router.js';
import './money.css';

/** A column of a money table; `amount` ones are right-aligned figures. */
export type MoneyColumn = { title: string; amount?: boolean };

/** One row: its key and a cell per column. */
export type MoneyRow = { key: string; cells: ReactNode[] };

/** The table of the wallet's history and the sales page: headed columns, figures aligned. */
export function MoneyTable({
  label,
  columns,
  rows,
}: {
  label: string;
  columns: MoneyColumn[];
  rows: MoneyRow[];
}) {
  return (
    <table className="money-table" aria-label={label}>
      <thead>
        <tr>
          {columns.map((c) => (
            <th key={c.title} scope="col" className={c.amount ? 'money-amount' : undefined}>
              {c.title}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.key}>
            {row.cells.map((cell, i) => (
              <td key={i} className={columns[i]?.amount ? 'money-amount' : undefined}>
                {cell}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The day of an ISO time, as the reader's locale writes it. */
export function Day({ at }: { at: string }) {
  return <time dateTime={at}>{new Date(at).toLocaleDateString()}</time>;
}

/** A link to what was bought or sold, or `missing` when it is gone. */
export function ItemLink({
  item,
  missing = '—',
}: {
  item: { title: string; permalink: string } | null | undefined;
  missing?: string;
}) {
  return item ? <Link to={item.permalink}>{item.title}</Link> : <>{missing}</>;
}

/** "@handle", linking to the profile; `missing` when unknown. */
export function HandleLink({
  user,
  missing = '—',
}: {
  user: { handle: string } | null | undefined;
  missing?: ReactNode;
}) {
  return user ? <Link to={`/${user.handle}`}>@{user.handle}</Link> : <>{missing}</>;
}
