import { useEffect, useState } from "react";

/** `value` once it has stayed the same for `delayMs` (e.g. a search box, so each keystroke is not a request). */
export function useDebouncedValue<Value>(value: Value, delayMs: number): Value {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), delayMs);
    return () => clearTimeout(timer);
  }, [value, delayMs]);
  return settled;
}
