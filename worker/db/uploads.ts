import { and, eq } from "drizzle-orm";
import type { Db } from "./client";
import { uploads } from "./schema";

export type UploadRow = typeof uploads.$inferSelect;
export type NewUpload = Omit<typeof uploads.$inferInsert, "status" | "createdAt">;

export function insertUpload(db: Db, upload: NewUpload) {
  return db.insert(uploads).values(upload);
}

/** A tenant's upload, or undefined: another tenant's id is indistinguishable from a missing one. */
export function findUpload(db: Db, tenantId: string, id: string): Promise<UploadRow | undefined> {
  return db
    .select()
    .from(uploads)
    .where(and(eq(uploads.tenantId, tenantId), eq(uploads.id, id)))
    .get();
}

/** Records the sniffed content type, which replaces the declared one once the first part has arrived. */
export function setUploadContentType(db: Db, id: string, contentType: string) {
  return db.update(uploads).set({ contentType }).where(eq(uploads.id, id));
}

export function setUploadStatus(db: Db, id: string, status: "completed" | "aborted") {
  return db.update(uploads).set({ status }).where(eq(uploads.id, id));
}
