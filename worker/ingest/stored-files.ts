import { inGroups } from "../lib/in-groups";
import { platformLimits } from "../lib/platform-limits";
import { duringStep } from "./failure-reason";

/** Every key under `prefix`, over as many listing pages as R2 returns. */
export async function listKeys(bucket: R2Bucket, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await duringStep("file storage", () => bucket.list({ prefix, ...(cursor ? { cursor } : {}) }));
    keys.push(...page.objects.map((object) => object.key));
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  return keys;
}

/** Deletes keys in as many calls as R2 allows keys per delete. */
export async function deleteKeys(bucket: R2Bucket, keys: string[]): Promise<void> {
  for (const group of inGroups(keys, platformLimits.r2.deleteKeys)) {
    await duringStep("file storage", () => bucket.delete(group));
  }
}
