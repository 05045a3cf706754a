import type { Context, Env, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { AppError } from "./app-error";
import { formatMegabytes } from "./format-megabytes";

/**
 * The limit of a JSON request body unless its route sets another (`validate("json", schema, { maxBytes })`, or a
 * `limitBody` in front of it):
 * room for the largest valid chat message (16 parts of 8,000 characters, escaped), so no valid request is
 * refused, while a 10 MB body is refused before it is read.
 */
export const defaultJsonBodyBytes = 1024 * 1024;

/**
 * Refuses a request body over `maxBytes` with a JSON 413 before anything reads or parses it: a declared
 * Content-Length over the limit at once, a chunked body as soon as what arrived passes the limit.
 */
export function limitBody<E extends Env>(
  maxBytes: number | ((c: Context<E>) => number),
  message: (maxBytes: number, c: Context<E>) => string = (bytes) =>
    `The request body is limited to ${formatMegabytes(bytes)}`,
): MiddlewareHandler<E> {
  return (c, next) => {
    const maxSize = typeof maxBytes === "number" ? maxBytes : maxBytes(c);
    return bodyLimit({
      maxSize,
      onError: () => {
        throw new AppError("payload_too_large", message(maxSize, c));
      },
    })(c, next);
  };
}
