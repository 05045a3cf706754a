import { zValidator } from "@hono/zod-validator";
import type { ValidationTargets } from "hono";
import type { z } from "zod";
import { AppError } from "./app-error";
import { describeIssues } from "./describe-issues";

/** `zValidator` that fails with the app's `invalid_request` error, naming every invalid field. */
export const validate = <Target extends keyof ValidationTargets, Schema extends z.ZodType>(
  target: Target,
  schema: Schema,
) =>
  zValidator(target, schema, (result) => {
    if (!result.success) throw new AppError("invalid_request", describeIssues(result.error));
  });
