/**
 * A fresh tenant for a benchmark run, with one API key per simulated user: each user has its own rate-limit budget
 * (120 questions a minute), as real users do, and its own conversations. The only module that uses the bench
 * client's development sign-in.
 */
import { ApiClient } from "./api-client.ts";
import { createdKeySchema } from "./api-shapes.ts";
import { connect } from "./bench-client.ts";
import type { RequestLog } from "./request-log.ts";

/** A tenant may have 200 active keys; one is the admin's. */
export const maxUsers = 199;

export interface BenchSession {
  /** Ingests, deletes, lists and verifies. */
  admin: ApiClient;
  /** Members: ask and search. */
  users: ApiClient[];
}

export async function openSession(
  baseUrl: string,
  tenant: string,
  userCount: number,
  log: RequestLog,
): Promise<BenchSession> {
  if (userCount > maxUsers) throw new Error(`at most ${maxUsers} users`);
  const devClient = await connect(baseUrl, tenant);
  const createKey = async (name: string, role: "admin" | "member") => {
    const { secret } = createdKeySchema.parse(await devClient.api<unknown>("/api/keys", { name, role }));
    return new ApiClient(baseUrl, secret, log);
  };
  const admin = await createKey("bench admin", "admin");
  const users: ApiClient[] = [];
  for (let index = 0; index < userCount; index++) users.push(await createKey(`bench user ${index}`, "member"));
  return { admin, users };
}
