import type { ReactNode } from "react";

/** A table of an admin page: its column headings (an empty one is an actions column, named for screen readers). */
export function AdminTable({
  columns,
  busy,
  children,
}: {
  columns: readonly string[];
  /** True while the rows are being replaced (e.g. with another filter's). */
  busy?: boolean;
  children: ReactNode;
}) {
  return (
    <div className="table-scroll">
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
    </div>
  );
}
