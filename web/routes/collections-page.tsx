import { useId } from "react";
import { CollectionRow } from "../components/collection-row";
import { ErrorMessage } from "../components/error-message";
import { useApiData } from "../hooks/use-api-data";
import { listCollections } from "../lib/api";

/** The tenant's collections, how many documents each holds and who may read it, with its access to edit. */
export function CollectionsPage() {
  const collections = useApiData("collections", (_, signal) => listCollections(signal));
  const headingId = useId();
  return (
    <div className="admin-page" data-testid="collections-page">
      <section className="panel admin-panel" aria-labelledby={headingId}>
        <h2 id={headingId}>Collections</h2>
        <p className="hint">
          A collection is readable by the whole tenant until you name the groups that may read it; search and chat then
          leave it out for everyone else (admins read every collection).
        </p>
        {collections.error ? <ErrorMessage message={`Could not list the collections: ${collections.error}`} /> : null}
        {collections.data === undefined ? (
          collections.error ? null : (
            <p className="hint" role="status">
              Loading collections…
            </p>
          )
        ) : collections.data.length === 0 ? (
          <p className="hint">No collections yet: documents go to “default” unless they name one.</p>
        ) : (
          <div className="table-scroll">
            <table className="documents-table admin-table">
              <thead>
                <tr>
                  <th scope="col">Collection</th>
                  <th scope="col" className="numeric">
                    Documents
                  </th>
                  <th scope="col">Readable by</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {collections.data.map((collection) => (
                  <CollectionRow key={collection.name} collection={collection} onChanged={collections.reload} />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </div>
  );
}
