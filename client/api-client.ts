/**
 * The one client of the API, for the SPA and for Node (the CLIs, benchmarks and end-to-end tests): Hono's typed client
 * over the Worker's `AppType`, so paths, inputs and response bodies are checked against the routes.
 */
import { type ClientResponse, hc, parseResponse } from "hono/client";
import type { AppType } from "../worker/app.ts";
import { ApiError } from "./api-error.ts";

export interface ApiClientOptions {
  /** The server's origin (`http://localhost:8787`), or `/` for the page's own. */
  baseUrl: string;
  /** The bearer token every call sends: a fixed one, or read before each call (null: none). */
  token?: string | (() => string | null);
  /** Another `fetch`, e.g. one that reacts to a 401, or a test's fake server. */
  fetch?: typeof fetch;
}

/** The API's routes as typed calls: `api.documents[":id"].$get({ param: { id } })`. */
export function createApiClient({ baseUrl, token, fetch }: ApiClientOptions) {
  const headers = (): Record<string, string> => {
    const current = typeof token === "function" ? token() : token;
    return current ? { Authorization: `Bearer ${current}` } : {};
  };
  return hc<AppType>(baseUrl, { headers, fetch }).api;
}

export type ApiClient = ReturnType<typeof createApiClient>;

/** What a call (e.g. `ApiClient["health"]["$get"]`) answers on success. */
export type SuccessBody<Call extends (...args: never[]) => Promise<ClientResponse<unknown>>> = Awaited<
  ReturnType<typeof parseResponse<Awaited<ReturnType<Call>>>>
>;

/** The body of a successful answer, typed by its route (undefined for a 204); any other answer throws an `ApiError`. */
export function readBody<Answer extends ClientResponse<unknown>>(
  pending: Answer | Promise<Answer>,
): ReturnType<typeof parseResponse<Answer>> {
  return parseResponse(successful(pending));
}

async function successful<Answer extends ClientResponse<unknown>>(pending: Answer | Promise<Answer>): Promise<Answer> {
  const response = await pending;
  if (!response.ok) throw await ApiError.fromResponse(response);
  return response;
}
