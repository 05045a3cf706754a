import type { TimingVariables } from "hono/timing";
import type { Principal } from "./auth/principal";
import type { Services } from "./services";

/** Hono's environment for every route: the Worker bindings plus what middleware puts on the context. */
export interface AppEnv {
  Bindings: Env;
  Variables: { services: Services; principal: Principal; requestId: string } & TimingVariables;
}
