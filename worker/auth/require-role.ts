import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env";
import type { Role } from "../contract";
import { AppError } from "../lib/app-error";
import { verifyToken } from "./token";

/** Authenticates the bearer token and requires `role` (admin satisfies member). */
export const requireRole = (role: Role) =>
  createMiddleware<AppEnv>(async (c, next) => {
    const token = c.req.header("Authorization")?.match(/^Bearer\s+(\S+)$/i)?.[1];
    if (!token) throw new AppError("unauthorized", "Send a bearer token in the Authorization header");
    const principal = await verifyToken(token, c.var.services.config.authSecret);
    if (!principal) throw new AppError("unauthorized", "The token is invalid or has expired");
    if (role === "admin" && principal.role !== "admin") {
      throw new AppError("forbidden", "This action needs the admin role");
    }
    c.set("principal", principal);
    await next();
  });
