import { zValidator } from "@hono/zod-validator";
import type { ValidationTargets } from "hono";
import { z } from "zod";
import { AppError } from "./app-error";

/** `zValidator` that fails with the app's 400 error body, naming every invalid field. */
export const validate = <Target extends keyof ValidationTargets, Schema extends z.ZodType>(
  target: Target,
  schema: Schema,
) =>
  zValidator(target, schema, (result) => {
    if (!result.success) throw new AppError(400, "invalid_request", z.prettifyError(result.error));
  });
