import { z } from "zod";

// The CSP allows no eval. zod's compiled parsers would probe for it (a `new Function` the browser refuses and
// reports), so it parses without them. Imported first by main.tsx, before any module parses anything.
z.config({ jitless: true });
