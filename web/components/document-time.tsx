/** A point in time in the reader's locale, to the minute; the exact time shows on hover. */
export function DocumentTime({ value }: { value: string }) {
  const date = new Date(value);
  const valid = !Number.isNaN(date.getTime());
  return (
    <time dateTime={value} title={valid ? date.toLocaleString() : undefined}>
      {valid ? date.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" }) : value}
    </time>
  );
}
