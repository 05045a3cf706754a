/**
 * A fresh tenant for a benchmark run, with one API key per simulated user: each user has its own rate-limit budget
 * (120 questions a minute), as real users do, and its own conversations. The only module that signs in with a
 * development token.
 */
import { readBody } from "../../client/api-client.ts";
import { connectWithDevToken } from "../../client/dev-token.ts";
import { LoggedApi } from "./logged-api.ts";
import type { RequestLog } from "./request-log.ts";

/** A tenant may have 200 active keys; one is the admin's. */
export const maxUsers = 199;

export interface BenchSession {
  /** Ingests, deletes, lists and verifies. */
  admin: LoggedApi;
  /** Members: ask and search. */
  users: LoggedApi[];
}

export async function openSession(
  baseUrl: string,
  tenant: string,
  userCount: number,
  log: RequestLog,
): Promise<BenchSession> {
  if (userCount > maxUsers) throw new Error(`at most ${maxUsers} users`);
  const { api } = await connectWithDevToken({ baseUrl }, "admin", tenant);
  const createKey = async (name: string, role: "admin" | "member") => {
    const { secret } = await readBody(api.keys.$post({ json: { name, role } }));
    return new LoggedApi(baseUrl, secret, log);
  };
  const admin = await createKey("bench admin", "admin");
  const users: LoggedApi[] = [];
  for (let index = 0; index < userCount; index++) users.push(await createKey(`bench user ${index}`, "member"));
  return { admin, users };
}
