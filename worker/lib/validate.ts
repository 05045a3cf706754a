import { zValidator } from "@hono/zod-validator";
import type { Env, ValidationTargets } from "hono";
import type { z } from "zod";
import { AppError } from "./app-error";
import { defaultJsonBodyBytes, limitBody } from "./body-limit";
import { describeIssues } from "./describe-issues";

/**
 * `zValidator` that fails with the app's `invalid_request` error, naming every invalid field. A JSON body is
 * first held to `maxBytes` (default `defaultJsonBodyBytes`), so an oversized one gets 413 without being parsed;
 * a route whose limit depends on the request puts its own `limitBody` in front and passes `maxBytes: null`.
 */
export const validate = <Target extends keyof ValidationTargets, Schema extends z.ZodType>(
  target: Target,
  schema: Schema,
  options: { maxBytes?: number | null } = {},
) => {
  const validator = zValidator(target, schema, (result) => {
    if (!result.success) throw new AppError("invalid_request", describeIssues(result.error));
  });
  const { maxBytes = defaultJsonBodyBytes } = options;
  if (target !== "json" || maxBytes === null) return validator;
  const limit = limitBody<Env>(maxBytes);
  // The hook above throws instead of answering, so the validator never returns a response to pass on.
  const limited: typeof validator = async (c, next) => {
    await limit(c, async () => {
      await validator(c, next);
    });
  };
  return limited;
};
