import type { DocumentView, IngestJobView } from "../../worker/contract";
import { useDocumentDetails } from "../hooks/use-documents";
import { DocumentStatusBadge } from "./document-status-badge";
import { DocumentTime } from "./document-time";
import { ErrorMessage } from "./error-message";

const jobColumnCount = 10;

function formatDuration(milliseconds: number | null): string {
  if (milliseconds === null) return "—";
  if (milliseconds < 1000) return `${milliseconds} ms`;
  if (milliseconds < 60_000) return `${(milliseconds / 1000).toFixed(1)} s`;
  return `${Math.floor(milliseconds / 60_000)} min ${Math.round((milliseconds % 60_000) / 1000)} s`;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

function describeOutcome(job: IngestJobView): string {
  if (job.status === "processing")
    return `running (attempt ${job.attempts}, ${job.slicesDone} of ${plural(job.slicesTotal, "slice")} done)`;
  if (job.status === "failed") return `failed after ${plural(job.attempts, "attempt")}`;
  return `ready in ${formatDuration(job.durationMs)}`;
}

function LastJobSummary({ job }: { job: IngestJobView }) {
  return (
    <p className="document-last-job">
      Last ingestion: version {job.version}, {describeOutcome(job)}
      {job.chunks > 0
        ? ` — ${plural(job.chunks, "chunk")}: ${job.embedded} embedded, ${job.reused} reused, ${job.deleted} deleted`
        : ""}
      .
    </p>
  );
}

function JobRows({ job }: { job: IngestJobView }) {
  return (
    <tbody data-testid="document-job" data-version={job.version}>
      <tr>
        <th scope="row" className="numeric">
          {job.version}
        </th>
        <td>
          <DocumentStatusBadge status={job.status} />
        </td>
        <td className="numeric">{job.attempts}</td>
        <td className="numeric">{job.chunks}</td>
        <td className="numeric">{job.embedded}</td>
        <td className="numeric">{job.reused}</td>
        <td className="numeric">{job.deleted}</td>
        <td className="numeric">
          {job.slicesDone} / {job.slicesTotal}
        </td>
        <td className="numeric">{formatDuration(job.durationMs)}</td>
        <td>
          <DocumentTime value={job.startedAt} />
        </td>
      </tr>
      {job.error ? (
        <tr className="job-error-row">
          <td colSpan={jobColumnCount}>
            <p className="document-error">{job.error}</p>
          </td>
        </tr>
      ) : null}
    </tbody>
  );
}

/** What an admin needs to judge a document's indexing: its identity, versions, and its recent ingestion jobs. */
export function DocumentDetails({ document }: { document: DocumentView }) {
  // Loads again whenever the listed document changes, e.g. when a version starts or finishes.
  const { data: details, error } = useDocumentDetails(document.id, `${document.status} ${document.updatedAt}`);
  const loaded = error === null ? details : undefined;
  return (
    <section className="document-details" aria-label={`Details of ${document.title}`}>
      <dl className="document-facts">
        <div>
          <dt>Document id</dt>
          <dd>
            <code>{document.id}</code>
          </dd>
        </div>
        <div>
          <dt>External id</dt>
          <dd>{document.externalId ? <code>{document.externalId}</code> : "—"}</dd>
        </div>
        <div>
          <dt>Collection</dt>
          <dd>{document.collection}</dd>
        </div>
        <div>
          <dt>Version</dt>
          <dd>
            {document.version}
            {document.activeVersion === document.version
              ? " (searched)"
              : `; searches use ${document.activeVersion === null ? "none yet" : `version ${document.activeVersion}`}`}
          </dd>
        </div>
        <div>
          <dt>Content type</dt>
          <dd>
            <code>{document.contentType}</code>
          </dd>
        </div>
        <div>
          <dt>Created</dt>
          <dd>
            <DocumentTime value={document.createdAt} />
          </dd>
        </div>
        <div className="document-fact-wide">
          <dt>SHA-256</dt>
          <dd>
            <code>{document.sha256}</code>
          </dd>
        </div>
      </dl>

      <h3>Ingestion jobs</h3>
      {error === null && details === undefined ? (
        <p className="hint" role="status">
          Loading jobs…
        </p>
      ) : null}
      {error !== null ? <ErrorMessage message={`Could not load the jobs: ${error}`} /> : null}
      {loaded?.lastJob ? <LastJobSummary job={loaded.lastJob} /> : null}
      {loaded?.jobs.length === 0 ? <p className="hint">No ingestion has started yet.</p> : null}
      {loaded && loaded.jobs.length > 0 ? (
        <div className="table-scroll">
          <table className="jobs-table">
            <caption className="visually-hidden">Ingestion jobs of {document.title}, newest version first</caption>
            <thead>
              <tr>
                <th scope="col" className="numeric">
                  Version
                </th>
                <th scope="col">Status</th>
                <th scope="col" className="numeric">
                  Attempts
                </th>
                <th scope="col" className="numeric">
                  Chunks
                </th>
                <th scope="col" className="numeric">
                  Embedded
                </th>
                <th scope="col" className="numeric">
                  Reused
                </th>
                <th scope="col" className="numeric">
                  Deleted
                </th>
                <th scope="col" className="numeric">
                  Slices
                </th>
                <th scope="col" className="numeric">
                  Duration
                </th>
                <th scope="col">Started</th>
              </tr>
            </thead>
            {loaded.jobs.map((job) => (
              <JobRows key={job.version} job={job} />
            ))}
          </table>
        </div>
      ) : null}
    </section>
  );
}
