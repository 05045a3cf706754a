import { useId } from "react";
import { AdminTable } from "../components/admin-table";
import { CollectionRow } from "../components/collection-row";
import { LoadedList } from "../components/loaded-list";
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
        <LoadedList
          items={collections.data}
          error={collections.error}
          failure="Could not list the collections"
          loading="Loading collections…"
          empty="No collections yet: documents go to “default” unless they name one."
        >
          {(items) => (
            <AdminTable label="List of collections" columns={["Collection", "Documents", "Readable by", ""]}>
              {items.map((collection) => (
                <CollectionRow key={collection.name} collection={collection} onChanged={collections.reload} />
              ))}
            </AdminTable>
          )}
        </LoadedList>
      </section>
    </div>
  );
}
