import type { ReactNode } from "react";

/**
 * A table of an admin page: its column headings (an empty one is an actions column, named for screen readers). It
 * scrolls sideways on narrow screens, so it is a named region the keyboard can reach and scroll.
 */
export function AdminTable({
  label,
  columns,
  busy,
  children,
}: {
  /** What the table lists, e.g. "List of API keys": the name of its region, unlike any other region's on the page. */
  label: string;
  columns: readonly string[];
  /** True while the rows are being replaced (e.g. with another filter's). */
  busy?: boolean;
  children: ReactNode;
}) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a region that scrolls must be reachable to scroll by keyboard
    <section className="table-scroll" aria-label={label} tabIndex={0}>
      <table className="documents-table admin-table" aria-busy={busy}>
        <thead>
          <tr>
            {columns.map((column) => (
              <th key={column} scope="col">
                {column || <span className="visually-hidden">Actions</span>}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </section>
  );
}
