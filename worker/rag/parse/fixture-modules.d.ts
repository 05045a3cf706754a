// Vite's import queries, which tests use to load fixture files: workerd has no file system to read them from.
declare module "*?raw" {
  const text: string;
  export default text;
}

declare module "*?url&inline" {
  const dataUrl: string;
  export default dataUrl;
}
