import { getIdentity, type Identity } from "../lib/api";
import { type ApiData, useApiData } from "./use-api-data";

/**
 * Who the signed-in caller is (tenant, subject, role, groups), asked of the API once per token; null while signed
 * out. Decides what the page offers (a member sees no admin controls); the API refuses members on every admin route
 * anyway.
 */
export function useIdentity(token: string | null): ApiData<Identity | null> {
  return useApiData(token ?? "", (_, signal) => (token === null ? Promise.resolve(null) : getIdentity(signal)));
}
