import { type FormEvent, useId, useState } from "react";
import { type AuditEntryView, auditActionSchema, auditActions } from "../../worker/contract";
import { AdminTable } from "../components/admin-table";
import { DocumentTime } from "../components/document-time";
import { LoadMore } from "../components/load-more";
import { LoadedList } from "../components/loaded-list";
import { usePagedList } from "../hooks/use-paged-list";
import { type AuditFilters, listAuditEntries } from "../lib/api";

/** The filter form as typed: empty fields filter nothing; times are the browser's local `datetime-local` values. */
interface FilterFields {
  action: string;
  actor: string;
  outcome: string;
  since: string;
  until: string;
}

const noFilters: FilterFields = { action: "", actor: "", outcome: "", since: "", until: "" };

/** The query `GET /api/audit` takes for the typed filters (local times become ISO instants). */
function toAuditFilters(fields: FilterFields): AuditFilters {
  const action = auditActionSchema.safeParse(fields.action);
  const actor = fields.actor.trim();
  return {
    ...(action.success ? { action: action.data } : {}),
    ...(actor ? { actor } : {}),
    ...(fields.outcome === "success" || fields.outcome === "failure" ? { outcome: fields.outcome } : {}),
    ...(fields.since ? { since: new Date(fields.since).toISOString() } : {}),
    ...(fields.until ? { until: new Date(fields.until).toISOString() } : {}),
  };
}

/** The tenant's audit log, newest first: who did what to what, when, and how it ended, filtered and paged. */
export function AuditPage() {
  const [fields, setFields] = useState<FilterFields>(noFilters);
  const [filters, setFilters] = useState<AuditFilters>({});
  const entries = usePagedList(`audit ${JSON.stringify(filters)}`, (cursor, signal) =>
    listAuditEntries(filters, cursor, signal),
  );
  const id = useId();

  function apply(event: FormEvent) {
    event.preventDefault();
    setFilters(toAuditFilters(fields));
  }

  function clear() {
    setFields(noFilters);
    setFilters({});
  }

  const change = (name: keyof FilterFields) => (event: { target: { value: string } }) =>
    setFields((current) => ({ ...current, [name]: event.target.value }));

  return (
    <div className="admin-page" data-testid="audit-page">
      <section className="panel admin-panel" aria-labelledby={`${id}-heading`}>
        <h2 id={`${id}-heading`}>Audit log</h2>
        <p className="hint">Every admin and integration action, as recorded. Entries cannot be edited or deleted.</p>
        <form className="admin-form" aria-label="Filter the audit log" onSubmit={apply}>
          <div className="admin-field">
            <label htmlFor={`${id}-action`}>Action</label>
            <select
              id={`${id}-action`}
              data-testid="audit-filter-action"
              value={fields.action}
              onChange={change("action")}
            >
              <option value="">Any action</option>
              {auditActions.map((action) => (
                <option key={action} value={action}>
                  {action}
                </option>
              ))}
            </select>
          </div>
          <div className="admin-field">
            <label htmlFor={`${id}-actor`}>Actor</label>
            <input
              id={`${id}-actor`}
              data-testid="audit-filter-actor"
              value={fields.actor}
              placeholder="user or key"
              onChange={change("actor")}
            />
          </div>
          <div className="admin-field">
            <label htmlFor={`${id}-outcome`}>Outcome</label>
            <select
              id={`${id}-outcome`}
              data-testid="audit-filter-outcome"
              value={fields.outcome}
              onChange={change("outcome")}
            >
              <option value="">Any outcome</option>
              <option value="success">success</option>
              <option value="failure">failure</option>
            </select>
          </div>
          <div className="admin-field">
            <label htmlFor={`${id}-since`}>From</label>
            <input id={`${id}-since`} type="datetime-local" value={fields.since} onChange={change("since")} />
          </div>
          <div className="admin-field">
            <label htmlFor={`${id}-until`}>Until</label>
            <input id={`${id}-until`} type="datetime-local" value={fields.until} onChange={change("until")} />
          </div>
          <button type="submit" className="button-primary" data-testid="audit-filter-apply">
            Filter
          </button>
          <button type="button" className="button-quiet" onClick={clear}>
            Clear filters
          </button>
        </form>
        <LoadedList
          items={entries.items}
          error={entries.error}
          failure="Could not read the audit log"
          loading="Loading the audit log…"
          reloading={entries.loading}
          empty={`No entries${Object.keys(filters).length > 0 ? " match these filters" : " yet"}.`}
        >
          {(items) => (
            <AdminTable
              label="List of audit entries"
              columns={["Time", "Actor", "Role", "Action", "Target", "Outcome", "Request id"]}
              busy={entries.loading}
            >
              {items.map((entry) => (
                <AuditRow key={entry.id} entry={entry} />
              ))}
            </AdminTable>
          )}
        </LoadedList>
        <LoadMore
          hasMore={entries.hasMore}
          loading={entries.loadingMore}
          onLoadMore={() => void entries.loadMore()}
          testId="audit-more"
        />
      </section>
    </div>
  );
}

function AuditRow({ entry }: { entry: AuditEntryView }) {
  const target = [entry.targetType, entry.targetId].filter((part) => part !== null).join(" ");
  return (
    <tr data-testid="audit-row" data-action={entry.action}>
      <td className="hint">
        <DocumentTime value={entry.at} />
      </td>
      <td>{entry.actor}</td>
      <td>{entry.actorRole}</td>
      <td>
        <code data-testid="audit-action">{entry.action}</code>
      </td>
      <td className="admin-break">{target || <span className="hint">—</span>}</td>
      <td>
        <span className={entry.outcome === "success" ? "status status-ready" : "status status-failed"}>
          {entry.outcome}
        </span>{" "}
        <span className="hint">{entry.status}</span>
      </td>
      <td>
        <code className="admin-break">{entry.requestId}</code>
      </td>
    </tr>
  );
}
