import { canAdminister } from "../lib/api";
import { useApiData } from "./use-api-data";

/**
 * Whether the signed-in caller is an admin, asked of the API once per token (a member's token gets a 403); false
 * until known. Only decides which tabs to show: the API refuses members on every admin route.
 */
export function useIsAdmin(token: string): boolean {
  return useApiData(token, (_, signal) => canAdminister(signal)).data === true;
}
