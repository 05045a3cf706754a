import type { Principal } from "./auth/token";
import type { AppConfig } from "./config";

/** Hono's environment for every route: the Worker bindings plus what middleware puts on the context. */
export interface AppEnv {
  Bindings: Env;
  Variables: { config: AppConfig; principal: Principal };
}
